"""Actors: dictionaries kept as data (data/actors/), and resolution of noun phrases.

INTERFACE (owned by the actors work; events.py and pipeline.py call exactly this):

    dictionary = ActorDictionary.load(settings.data_path)      # once per process
    dictionary = ActorDictionary.load(path, cache_dir=..., extra_dirs=settings.dict_dirs)  # + user rows
    actor = resolve_actor(token, dictionary, when=date)          # token = head of a noun phrase
    mentions = find_actor_mentions(span, dictionary, when=date)  # every actor in a sentence
    actor = resolve_reference(token, mentions, dictionary=dictionary)  # "they", "the group"
    tokens = expand_conjuncts(token)                             # "the US and Egypt" -> [US, Egypt]

``resolve_actor`` looks at the noun phrase headed by ``token`` (compounds, amod, poss,
appositions, "of the US" prepositional modifiers, the entity the token sits in) and
returns an ``Actor`` (text = the phrase as written, with start/end char offsets relative
to ``token.doc``), or None when nothing in the phrase is a known actor or agent.

Coding rules (PLOVER practice):

- a bare country or its capital ("Israel", "Washington", "Tel Aviv") is that state's GOV;
  a plural demonym ("Israelis") or a nationality tagged NORP standing alone is CVL;
- a generic agent noun gives the sector ("Israeli negotiators" -> ISR GOV, "Russian troops"
  -> RUS MIL); without a country it comes back with ``code=None`` for the caller to fill;
- an organisation gives code and sector ("a senior Hamas official" -> Hamas, PSE, REB);
- a person gives the role held on ``when``; outside every dated role, the undated fallback
  row, else ELI (former official) after a role, else CVL. ``when=None`` means "latest".
  A name the dictionary lacks as written is matched by first and last name ("Carlos Menem"),
  or by surname after a title ("President Mugabe"), when the candidates share one country;
  a dictionary person inside a longer name ("Hassan" in "Omar Hassan al-Bashir") is ignored;
- an explicit country or organisation before a title, or a possessive, wins over the person's
  dictionary country ("U.N. mediator Diego Cordovez" -> UNO, "Niger's ambassador X" -> NER);
- a group is coded where it lives: "Bosnian Serbs" -> BIH, "rebels in the Ivory Coast" -> CIV
  ("in <country>" on the agent noun itself); "ethnic Albanians" defers to that place (or None);
- a government body ("the interior ministry", "the Justice Department") is coded with the
  country of its phrase, else as the one country the dictionary has that body for, else with
  no country for the caller to fill (bodies.py); an unidentified armed noun ("unidentified
  gunmen", "unknown militants") or armed people ("armed men") are UAF, as PLOVER defines it;
- a plural pronoun is not the singular subject of its own verb ("The Treasury Department froze
  their assets");
- UN bodies stay UNO and the EU/EC EUR, other IGOs IGO, the Red Cross and Amnesty NGO: the
  PLOVER manual ("Non-state international actors") separates UNO and EUR from IGO, although the
  older PLOVER GSR gold codes the UN as IGO.

The data files and their columns are described in their own headers (data/actors/*.tsv).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import weakref
from dataclasses import dataclass, field, replace
from functools import lru_cache
from collections.abc import Sequence
from pathlib import Path

from spacy.tokens import Span, Token

from ..records import Actor
from . import bodies, cache

logger = logging.getLogger(__name__)

_MEMO_LIMIT = 200_000  # distinct phrases remembered by a dictionary's memo, then it starts afresh
MAX_NAME_WORDS = 8  # longest dictionary phrase tried at one position (Phoenix names rarely exceed 8)
_NOMINAL = {"NOUN", "PROPN"}
# Lower-case particles inside Arabic, Dutch, Spanish ... names, skipped when matching
# people by first and last name ("Omar Hassan al-Bashir" ~ "Omar Hassan Ahmad al Bashir").
_NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "van", "von", "de", "da", "del", "der", "la", "le"})
MIN_SURNAME_LETTERS = 5  # a lone surname without a title: shorter ones (Kim, Lee, Ali, Khan) are too common
# Heads that take their sector from an agent modifier ("opposition groups" -> OPP, "rebel leaders")
_COLLECTIVE_HEADS = frozenset({"group", "member", "faction", "movement", "force", "unit", "official",
                               "leader", "supporter", "fighter", "representative", "delegation"})
# Prepositions after an agent noun that place it in a country ("rebels in the Ivory Coast")
_IN_COUNTRY = frozenset({"in", "inside"})
_PHRASE_DEPS = {"compound", "amod", "det", "nummod", "flat", "nmod", "poss", "case", "quantmod", "npadvmod"}
_STEMS = ("people", "organisations", "countries", "agents")  # the actor files, built-in and user
_GENERIC_SUBBODY = {"GOV"}  # "the Biden administration": the person's role decides, not the noun


@dataclass(frozen=True, slots=True)
class _Role:
    """One role of a person: a code and sector, possibly limited in time."""

    code: str | None
    sector: str | None
    start: dt.date | None
    end: dt.date | None

    __reduce__ = cache.init_reduce  # the cached dictionary holds ~28k of them


@dataclass(slots=True)
class _Entry:
    """One dictionary entity: a country, organisation, person or agent noun."""

    kind: str  # country | capital | organisation | person | agent
    name: str
    code: str | None
    sector: str | None
    roles: list[_Role] = field(default_factory=list)


_DROPPED = re.compile(r"[.'`]")
_WORD_BREAK = re.compile(r"[\s\-_/,()]+")
_NOT_LETTER = re.compile(r"[^A-Za-z]")


@lru_cache(maxsize=65536)
def _norm_words(text: str) -> tuple[str, ...]:
    "Lower-cased words of a name: dots and apostrophes dropped, hyphens split ('U.S.' -> ('us',))."
    text = text.lower().replace("’", "'").replace("'s ", " ")
    text = _DROPPED.sub("", text)
    return tuple(w for w in _WORD_BREAK.split(text) if w)


def norm_words(text: str) -> tuple[str, ...]:
    "The words a name is indexed under (lower case, dots and apostrophes dropped, hyphens split)."
    return _norm_words(text)


def _read_tsv(path: Path) -> list[list[str]]:
    "Rows of a tab-separated data file, comment lines skipped."
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def _cell(row: list[str], i: int) -> str:
    "Column i of a row, empty when missing."
    return row[i].strip() if i < len(row) else ""


def _iso(text: str) -> dt.date | None:
    "An ISO date cell, None when empty or malformed."
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


class ActorDictionary:
    """Countries, people, organisations and agent nouns, indexed by normalised word tuples.

    >>> d = ActorDictionary.load(Settings.load().data_path)   # reads data_path/actors/*.tsv
    >>> d.lookup(("hamas",))[0].code
    'PSE'
    """

    def __init__(self) -> None:
        self._names: dict[tuple[str, ...], _Entry] = {}
        self._caps: set[tuple[str, ...]] = set()  # short all-caps aliases: match upper-case text only
        self._agents: dict[tuple[str, ...], str] = {}
        self._by_name: dict[str, _Entry] = {}
        # people by (first, last) word and by last word: "Carlos Menem" -> Carlos Saul Menem
        self._by_first_last: dict[tuple[str, str], list[_Entry]] = {}
        self._by_last: dict[str, list[_Entry]] = {}
        self._sector_memo: dict[tuple[str, ...], str | None] = {}  # agent_sector's answers (not pickled)
        self._body_sectors: dict[str, str] = {}  # government-body nouns -> sector (bodies.py)
        self._bare_bodies: dict[tuple[str, ...], _Entry] = {}  # "treasury department" -> the US one

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_sector_memo"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._sector_memo = {}

    @classmethod
    def load(cls, data_dir: Path, *, cache_dir: str | None = None, extra_dirs: Sequence[str | Path] = ()
             ) -> "ActorDictionary":
        """Read the generated and the hand-curated (``*_extra.tsv``) files, then each user dictionary
        folder of ``extra_dirs`` (people.tsv, organisations.tsv, countries.tsv, agents.tsv); later wins.

        With a ``Settings.cache_dir`` the built dictionary is kept on disk (cache.py)."""
        data_dir = Path(data_dir)
        folder = data_dir / "actors" if (data_dir / "actors").is_dir() else data_dir
        extras = [Path(d) for d in extra_dirs]
        files = [folder / f"{stem}{suffix}.tsv" for stem in _STEMS for suffix in ("", "_extra")]
        files += [extra / f"{stem}.tsv" for extra in extras for stem in _STEMS]
        return cache.load_or_build("actors", files, lambda: cls._build(folder, extras), cache_dir=cache_dir)

    @classmethod
    def _build(cls, folder: Path, extras: Sequence[Path] = ()) -> "ActorDictionary":
        "The dictionary of the actor files in ``folder``, then of the user folders ``extras``."
        began = time.perf_counter()
        self = cls()
        # Priority, lowest first (a later file overwrites an alias): generated people,
        # organisations, countries; then the hand-curated *_extra.tsv files in the same order;
        # then each user folder's files, which win like the *_extra.tsv ones.
        people: dict[str, _Entry] = {}
        countries: dict[str, _Entry] = {}
        layers = [(folder, ""), (folder, "_extra"), *((extra, "") for extra in extras)]
        for n, (where, suffix) in enumerate(layers):
            self._load_people(where / f"people{suffix}.tsv", people, replace_roles=n > 0)
            self._load_organisations(where / f"organisations{suffix}.tsv")
            self._load_countries(where / f"countries{suffix}.tsv", countries)
        self._index_people()
        for path in [folder / "agents.tsv", folder / "agents_extra.tsv", *(extra / "agents.tsv" for extra in extras)]:
            for row in _read_tsv(path):
                if len(row) >= 2 and row[1].strip():
                    self._agents[_norm_words(row[0])] = row[1].strip()
        self._index_bodies()
        logger.info("actor dictionary: %d names, %d agents from %s%s in %.2f s", len(self._names), len(self._agents),
                    folder, "".join(f" + {extra}" for extra in extras), time.perf_counter() - began)
        return self

    def _index_bodies(self) -> None:
        "Government-body nouns and their sectors; executive bodies named without their country (bodies.py)."
        self._body_sectors = bodies.body_sectors(self._agents)
        countries = {words: e.code for words, e in self._names.items() if e.kind == "country" and e.code}
        self._bare_bodies = bodies.bare_body_names(self._names, countries)

    def bare_body(self, words: tuple[str, ...]) -> _Entry | None:
        "The one body the dictionary knows by this name without its country ('treasury department'), else None."
        return self._bare_bodies.get(words)

    def body_sector(self, noun: str) -> str | None:
        "The sector of a government-body noun ('department' -> GOV, 'parliament' -> LEG), else None."
        return self._body_sectors.get(noun) or self._body_sectors.get(_singular(noun))

    def _add(self, alias: str, entry: _Entry, *, override: bool) -> None:
        "Index one alias of an entry."
        key = _norm_words(alias)
        if not key or (not override and key in self._names):
            return
        self._names[key] = entry
        letters = _NOT_LETTER.sub("", alias)
        if len(letters) <= 4 and letters.isupper():
            self._caps.add(key)
        else:
            self._caps.discard(key)

    def _load_people(self, path: Path, people: dict[str, _Entry], *, replace_roles: bool) -> None:
        "One people file, a row per role; with replace_roles a name's earlier roles are dropped."
        touched: set[str] = set()
        for row in _read_tsv(path):
            name, aliases, code, sector, start, end = (c.strip() for c in (row + [""] * 6)[:6])  # = _cell(row, 0..5)
            if not name:
                continue
            key = name.lower()
            if replace_roles and key not in touched and key in people:
                people[key].roles.clear()
            touched.add(key)
            entry = people.setdefault(key, _Entry("person", name, None, None))
            entry.roles.append(_Role(code or None, sector or None, _iso(start), _iso(end)))
            if code:
                entry.code = code
            self._by_name[entry.name] = entry
            for alias in {name, *(a for a in aliases.split("|") if a)}:
                self._add(alias, entry, override=True)

    def _index_people(self) -> None:
        "Index every person the dictionary names under (first, last) and last name words."
        for words, entry in self._names.items():
            if entry.kind != "person" or not entry.roles:
                continue
            words = tuple(w for w in words if w not in _NAME_PARTICLES) or words
            if len(words) < 2:
                continue
            for key, index in (((words[0], words[-1]), self._by_first_last), (words[-1], self._by_last)):
                bucket = index.setdefault(key, [])
                if entry not in bucket:
                    bucket.append(entry)

    def find_person(self, words: tuple[str, ...], *, titled: bool) -> _Entry | None:
        """A person named partly: first and last name ("Carlos Menem"), or, after a title or as a
        lone name, the surname ("President Mugabe"); None when the candidates disagree on the country."""
        words = tuple(w for w in words if w not in _NAME_PARTICLES) or words
        if not words or self._names.get(words) is not None and self._names[words].kind != "person":
            return None
        if len(words) >= 2:
            found = self._by_first_last.get((words[0], words[-1]), [])
        elif titled or len(words[0]) >= MIN_SURNAME_LETTERS:
            found = self._by_last.get(words[0], [])
        else:
            found = []
        codes = {r.code for e in found for r in e.roles if r.code}
        return found[0] if found and len(codes) == 1 else None

    def _load_organisations(self, path: Path) -> None:
        "One organisations file: name, aliases, code, sector (a group with no country code needs a sector)."
        for row in _read_tsv(path):
            if not _cell(row, 0) or not (_cell(row, 2) or _cell(row, 3)):
                continue
            entry = _Entry("organisation", _cell(row, 0), _cell(row, 2) or None, _cell(row, 3) or None)
            self._by_name[entry.name] = entry
            for alias in [entry.name, *_cell(row, 1).split("|")]:
                if alias:
                    self._add(alias, entry, override=True)

    def _load_countries(self, path: Path, countries: dict[str, _Entry]) -> None:
        "One countries file: code, name, aliases, capitals; rows merge into earlier ones by code."
        capitals: list[tuple[str, _Entry]] = []
        for row in _read_tsv(path):
            code = _cell(row, 0)
            if not code:
                continue
            entry = countries.setdefault(code, _Entry("country", _cell(row, 1) or code, code, "GOV"))
            entry.name = _cell(row, 1) or entry.name
            self._by_name[entry.name] = entry
            for alias in [entry.name, *_cell(row, 2).split("|")]:
                if alias:
                    self._add(alias, entry, override=True)
            capital = _Entry("capital", entry.name, code, "GOV")
            capitals += [(c, capital) for c in _cell(row, 3).split("|") if c]
        for alias, capital in capitals:  # capitals last: a seat of government names the state
            self._add(alias, capital, override=True)

    def lookup(self, words: tuple[str, ...], *, text: str = "") -> _Entry | None:
        """The entry named by these normalised words (``text`` as written guards short acronyms)."""
        entry = self._names.get(words)
        if entry is not None and words in self._caps:
            letters = _NOT_LETTER.sub("", text)
            if text and not letters.isupper():
                return None
        return entry

    def agent_sector(self, words: tuple[str, ...]) -> str | None:
        """Sector of a generic noun phrase ('security forces' -> COP), trying singular forms."""
        if not words:
            return None
        memo = self._sector_memo
        if words in memo:
            return memo[words]
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        last = words[-1]
        found = None
        for form in (last, _singular(last)):
            found = self._agents.get((*words[:-1], form))
            if found:
                break
        memo[words] = found or None
        return found or None

    def actor_of(self, entry: _Entry, when: dt.date | None) -> tuple[str, str | None, str | None]:
        "(name, code, sector) an entry found by ``lookup`` stands for on a date (a person's role then)."
        return _entry_actor(entry, when)

    def kind_of(self, name: str) -> str | None:
        """'person', 'organisation', 'country' or None for an Actor.name."""
        entry = self._by_name.get(name)
        return "country" if entry and entry.kind == "capital" else entry.kind if entry else None

    def __len__(self) -> int:
        return len(self._names) + len(self._agents)


def _singular(word: str) -> str:
    "A naive singular for English plurals (forces -> force, militias -> militia, parties -> party)."
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _role_on(entry: _Entry, when: dt.date | None) -> _Role:
    "The role a person holds on a date (see the module docstring for the rules)."
    day = when or dt.date.max
    dated = [r for r in entry.roles if r.start or r.end]
    current = [r for r in dated if (r.start or dt.date.min) <= day < (r.end or dt.date.max)]
    if current:
        return max(current, key=lambda r: r.start or dt.date.min)
    fallback = [r for r in entry.roles if not (r.start or r.end)]
    if fallback:
        return fallback[-1]
    earlier = [r for r in dated if r.end and r.end <= day]
    code = entry.code
    if earlier:
        last = max(earlier, key=lambda r: r.end)
        return _Role(last.code or code, "ELI" if last.code == code else None, None, None)
    return _Role(code, "CVL", None, None)


def _entry_actor(entry: _Entry, when: dt.date | None) -> tuple[str, str | None, str | None]:
    "(name, code, sector) of a dictionary entry on a date."
    if entry.kind == "person":
        role = _role_on(entry, when)
        return entry.name, role.code, role.sector
    return entry.name, entry.code, entry.sector


# --- noun phrases -------------------------------------------------------------------------


def _phrase_tokens(token: Token) -> list[Token]:
    "The head and its tight modifiers (compound, amod, det, poss ..., recursively); no clauses."
    out = [token]
    for child in token.children:
        if child.dep_ in _PHRASE_DEPS or (child.dep_ == "punct" and child.i < token.i and child.text in "-'"):
            out.extend(_phrase_tokens(child))
    return out


def _of_objects(token: Token) -> list[Token]:
    "Objects of 'of' / 'from' prepositions attached to the head ('Wood of the US')."
    found = []
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "from"}:
            found.extend(c for c in child.children if c.dep_ == "pobj")
    return found


def _appositions(token: Token) -> list[Token]:
    "Appositive heads ('Robert Wood, the US envoy')."
    return [c for c in token.children if c.dep_ == "appos"]


def _entity_tokens(token: Token) -> list[Token]:
    "The named entity the token sits in, if any."
    if not token.ent_type_:
        return []
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":  # walk back to the entity's B token
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return list(doc[start:end])


def _match_names(tokens: list[Token], dictionary: ActorDictionary) -> list[tuple[int, int, _Entry]]:
    "Longest dictionary names over a run of tokens: (first i, last i, entry), left to right."
    tokens = sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i)
    index = [t.i for t in tokens]
    blocked = [t.dep_ in ("det", "case") for t in tokens]  # a name does not start at a determiner
    with_space = [t.text_with_ws for t in tokens]
    found = []
    pos = 0
    while pos < len(tokens):
        best = None
        if not blocked[pos]:
            for n in range(min(MAX_NAME_WORDS, len(tokens) - pos), 0, -1):
                last = pos + n - 1
                if index[last] - index[pos] != n - 1:
                    continue  # not contiguous in the text
                # the span's text: each token with its trailing space, the last one without
                text = "".join(with_space[pos:last]) + tokens[last].text
                entry = dictionary.lookup(_norm_words(text), text=text)
                if entry is None and n == 1 and text[:1].isupper() and text.endswith("s") and len(text) > 4:
                    plural = dictionary.lookup(_norm_words(text[:-1]), text=text[:-1])  # "Albanians"
                    entry = plural if plural is not None and plural.kind == "country" else None
                if entry is not None:
                    best = (index[pos], index[last], entry)
                    break
        if best:
            found.append(best)
            pos += best[1] - best[0] + 1
        else:
            pos += 1
    return found


def _agent_of(token: Token, phrase: list[Token], dictionary: ActorDictionary) -> tuple[str, str] | None:
    """The generic agent the head names: (words as written, sector), longest modifier run first.

    A collective head ("groups", "forces", "leaders") takes the sector of an agent modifier
    before its own: "opposition groups" -> OPP, "police forces" -> COP, "rebel leaders" -> REB.
    """
    mods = sorted((t for t in phrase if t.i < token.i and t.dep_ in {"compound", "amod"}), key=lambda t: t.i)
    runs = [mods[len(mods) - k:] for k in range(len(mods), 0, -1)]
    runs = [r for r in runs if r[-1].i + 1 == token.i and all(b.i == a.i + 1 for a, b in zip(r, r[1:]))]
    for run in runs:
        for head_form in (token.text, token.lemma_ or token.text):
            sector = dictionary.agent_sector(_norm_words(" ".join([*(t.text for t in run), head_form])))
            if sector:
                return " ".join([*(t.text for t in run), token.text]), sector
    if (token.lemma_ or token.lower_).lower() in _COLLECTIVE_HEADS or _singular(token.lower_) in _COLLECTIVE_HEADS:
        for run in runs:
            sector = dictionary.agent_sector(_norm_words(" ".join(t.text for t in run)))
            if sector:
                return " ".join([*(t.text for t in run), token.text]), sector
    for head_form in (token.text, token.lemma_ or token.text):
        sector = dictionary.agent_sector(_norm_words(head_form))
        if sector:
            return token.text, sector
    return _body_of(token, mods, dictionary)


# PLOVER's UAF is "unidentified armed forces ('unknown gunmen')": an armed noun said to be unidentified
# ("unidentified gunmen", which Phoenix files as REB; "unknown militants"), or people said to be
# armed ("armed men", "armed individuals").
_UNIDENTIFIED = frozenset({"unidentified", "unknown", "unnamed", "masked", "hooded"})
_ARMED_SECTORS = frozenset({"REB", "CRM", "UAF", "MIL"})


def _unidentified_sector(token: Token, phrase: list[Token], sector: str) -> str:
    "UAF for an unidentified armed noun or armed people, else the sector as found."
    words = {t.lower_ for t in phrase if t.i < token.i and t.dep_ in {"amod", "compound"}}
    if (words & _UNIDENTIFIED and sector in _ARMED_SECTORS) or ("armed" in words and sector in {"CVL", "UNK"}):
        return "UAF"
    return sector


def _body_of(token: Token, mods: list[Token], dictionary: ActorDictionary) -> tuple[str, str] | None:
    """A government body the dictionary has no phrase for ("the Justice Department", "the Department of
    Energy"): a body noun (bodies.py) with a modifier before it or an "of"/"for" phrase, and its sector."""
    sector = dictionary.body_sector((token.lemma_ or token.lower_).lower()) or dictionary.body_sector(token.lower_)
    if sector is None:
        return None
    if mods:
        return " ".join([*(t.text for t in mods), token.text]), sector
    if any(c.dep_ == "prep" and c.lower_ in {"of", "for"} for c in token.children):
        return token.text, sector
    return None


def _name_run(token: Token, phrase: list[Token], entity: list[Token], dictionary: ActorDictionary) -> list[Token]:
    "The proper-name tokens ending at a PROPN head, stopping at a title ('President', 'mediator')."
    if token.pos_ != "PROPN":
        return []
    pool = {t.i: t for t in phrase + entity}
    run = [token]
    i = token.i - 1
    while i in pool:
        t = pool[i]
        if not (t.pos_ == "PROPN" or t.text == "-" or t.lower_ in _NAME_PARTICLES):
            break
        if t.text != "-" and dictionary.agent_sector(_norm_words(t.text)):
            break
        run.insert(0, t)
        i -= 1
    while run and run[0].text == "-":
        run.pop(0)
    return run


def _title_before(first: int, phrase: list[Token], dictionary: ActorDictionary) -> tuple[int, str] | None:
    "The longest title right before a name ('junior foreign minister', 'Secretary-General'): (first i, sector)."
    pool = {t.i: t for t in phrase if t.dep_ in {"compound", "amod", "punct", "flat"}}
    before: list[Token] = []
    i = first - 1
    while i in pool:
        before.insert(0, pool[i])
        i -= 1
    for k in range(len(before), 0, -1):
        run = before[len(before) - k:]
        if run[0].text == "-":
            continue
        sector = dictionary.agent_sector(_norm_words(" ".join(t.text for t in run)))
        if sector:
            return run[0].i, sector
    return None


def _person_names(token: Token, phrase: list[Token], entity: list[Token], dictionary: ActorDictionary,
                  names: list[tuple[int, int, _Entry]]) -> tuple[list[tuple[int, int, _Entry]], tuple[int, str] | None]:
    """Name matches with the head's personal name settled, and the title before it.

    Dictionary people matched on part of a longer name ("Hassan" in "Omar Hassan al-Bashir") are
    dropped; a name the dictionary lacks as written is looked up by first and last name, or by
    surname after a title ("President Mugabe").
    """
    run = _name_run(token, phrase, entity, dictionary)
    title = _title_before(run[0].i, phrase, dictionary) if run else None
    if not run or not (token.ent_type_ == "PERSON" or title):
        return names, title
    lo, hi = run[0].i, run[-1].i

    def partial(m: tuple[int, int, _Entry]) -> bool:
        return m[2].kind == "person" and lo <= m[0] and m[1] <= hi and (m[0], m[1]) != (lo, hi)

    covered = any(a <= token.i <= b for a, b, _e in names)
    if covered and not any(partial(m) for m in names):
        return names, title
    words = _norm_words(token.doc[lo:hi + 1].text)
    better = dictionary.find_person(words, titled=title is not None)
    kept = [m for m in names if not partial(m) or (better is None and m[0] <= token.i <= m[1])]
    if better is not None:
        kept.append((lo, hi, better))
    return sorted(kept, key=lambda m: m[0]), title


def _title_of(token: Token, phrase: list[Token], dictionary: ActorDictionary) -> tuple[str, str] | None:
    "A title before a name ('Ambassador Robert Wood', 'Foreign Minister X'): (name words, sector)."
    if token.pos_ != "PROPN":
        return None
    for mod in sorted((t for t in phrase if t.i < token.i and t.dep_ == "compound"), key=lambda t: t.i):
        sector = dictionary.agent_sector(_norm_words(mod.text))
        if sector:
            first = min(t.i for t in phrase if t.i > mod.i)
            return token.doc[first:token.i + 1].text, sector
    return None


def _bounds(token: Token, extra: list[Token], phrase: list[Token] | None = None,
            entity: list[Token] | None = None) -> tuple[int, int]:
    """Token index range of the phrase: head's tight modifiers plus the given extra subtrees
    (``phrase`` and ``entity``: the head's _phrase_tokens and _entity_tokens, when known)."""
    idx = [t.i for t in (_phrase_tokens(token) if phrase is None else phrase)]
    for t in extra:
        idx.extend(s.i for s in t.subtree)
    idx.extend(t.i for t in (_entity_tokens(token) if entity is None else entity))
    lo, hi = min(idx), max(idx)
    while lo < token.i and token.doc[lo].is_punct:
        lo += 1
    while hi > token.i and token.doc[hi].is_punct:
        hi -= 1
    return lo, hi


def resolve_actor(token: Token, dictionary: ActorDictionary, *, when: dt.date | None = None) -> Actor | None:
    """Resolve the noun phrase headed by ``token`` to an Actor, or None (see module docstring)."""
    return _resolve(token, dictionary, when, depth=0)


# Phrases already resolved, per parsed Doc (dropped with it): the events coder and the
# mention finder resolve the same heads, a quarter of the calls. (token i, date, depth) ->
# (dictionary, actor); an entry counts only for the same dictionary object.
_RESOLVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _resolve(token: Token, dictionary: ActorDictionary, when: dt.date | None, depth: int) -> Actor | None:
    "resolve_actor with a recursion guard for poss / of / appos sub-phrases (memoized per Doc)."
    if token.pos_ == "PRON" or depth > 2:
        return None
    doc = token.doc
    memo = _RESOLVED.get(doc)
    if memo is None:
        memo = _RESOLVED[doc] = {}
    key = (token.i, when, depth)
    hit = memo.get(key)
    if hit is not None and hit[0] is dictionary:
        return hit[1]
    actor = _resolve_phrase(token, dictionary, when, depth)
    memo[key] = (dictionary, actor)
    return actor


def _resolve_phrase(token: Token, dictionary: ActorDictionary, when: dt.date | None, depth: int) -> Actor | None:
    "The actor a noun phrase names (the body of _resolve)."
    phrase = _phrase_tokens(token)
    entity = _entity_tokens(token)
    names, title = _person_names(token, phrase, entity, dictionary, _match_names(phrase + entity, dictionary))
    subs = [t for t in phrase if t.dep_ == "poss" and t.head.i == token.i]
    ofs, apps = _of_objects(token), _appositions(token)
    head_name = next(((a, b, e) for a, b, e in names if a <= token.i <= b), None)
    agent = None if head_name else _agent_of(token, phrase, dictionary) or _title_of(token, phrase, dictionary)
    if agent is not None:
        agent = (agent[0], _unidentified_sector(token, phrase, agent[1]))
    if head_name is None and title is not None and token.pos_ == "PROPN":
        agent = (token.doc[min(t.i for t in phrase if t.i > title[0]):token.i + 1].text, title[1])

    modifier = None  # an entity named before the head within the phrase ("Hamas official")
    for a, b, e in names:
        if b < token.i or (a > token.i and token.ent_type_):
            modifier = modifier or e
    pairs = [(t, _resolve(t, dictionary, when, depth + 1)) for t in subs + ofs + apps]
    related = [r for _t, r in pairs if r]
    extra = [t for t, r in pairs if r and t not in subs]
    place = None
    if (agent is not None and modifier is None and not related) or _ethnic(phrase):
        place = _country_in(token, dictionary, when, depth)
        extra += [place[0]] if place else []
    lo, hi = _bounds(token, extra, phrase, entity)
    text = token.doc[lo:hi + 1].text
    start, end = token.doc[lo].idx, token.doc[hi].idx + len(token.doc[hi].text)

    if _ethnic(phrase) and (modifier or head_name) and (modifier or head_name[2]).kind == "country":
        # "ethnic Albanians (in Serbia)": a minority, coded where it lives, not by its demonym
        code = place[1].code if place else None
        return Actor(text=text, name=text, code=code, sector=agent[1] if agent else "CVL", start=start, end=end)
    if head_name is not None:
        entry = head_name[2]
        name, code, sector = _entry_actor(entry, when)
        if entry.kind == "country" and (token.ent_type_ == "NORP" or token.tag_ in {"NNPS", "NNS"}
                                        or token.pos_ == "ADJ"):
            sector = "CVL"  # "Israelis", "the Iranian": people of the country, not its state
            if modifier is not None and modifier.kind in {"country", "capital"}:
                name, code = modifier.name, modifier.code  # "Bosnian Serbs", "Iraqi Kurds": where they live
        if entry.kind == "person":
            code, sector = _affiliated(entry, code, sector, title, names, head_name, related, dictionary, when)
        return Actor(text=text, name=name, code=code, sector=sector, start=start, end=end)

    if modifier is None and related:
        rel = related[0]
        modifier_tuple = (rel.name, rel.code, rel.sector)
    elif modifier is None and place is not None:
        modifier_tuple = (place[1].name, place[1].code, None)  # "rebels in the Ivory Coast"
    elif modifier is not None:
        modifier_tuple = _entry_actor(modifier, when)
        if modifier.kind == "country" and token.pos_ == "PROPN" and not agent:
            modifier_tuple = (modifier_tuple[0], modifier_tuple[1], None)
    else:
        modifier_tuple = None

    if agent is not None:
        words, sector = agent
        if modifier_tuple is None:
            body = _bare_body(token, phrase, ofs, dictionary)
            if body is not None:  # "the Treasury Department": the one country the dictionary has it for
                return Actor(text=text, name=body.name, code=body.code, sector=body.sector, start=start, end=end)
            return Actor(text=text, name=words, code=None, sector=sector, start=start, end=end)
        name, code, mod_sector = modifier_tuple
        kind = modifier.kind if modifier is not None else dictionary.kind_of(name)
        if kind == "organisation" and mod_sector:
            sector = mod_sector  # "a senior Hamas official": the group, not the noun, decides
        elif kind == "person" and sector in _GENERIC_SUBBODY:
            sector = mod_sector  # "the Biden administration" is GOV only while Biden is
        return Actor(text=text, name=name, code=code, sector=sector, start=start, end=end)

    if modifier_tuple is not None and (token.pos_ == "PROPN" or token.ent_type_ in {"ORG", "NORP", "GPE"}):
        name, code, sector = modifier_tuple  # "the UN Humanitarian Air Service"
        own = token.doc[min(t.i for t in phrase + entity if t.dep_ != "det"):token.i + 1].text
        return Actor(text=text, name=own, code=code, sector=sector, start=start, end=end)
    if modifier_tuple is not None and modifier is not None:
        name, code, _sector = modifier_tuple  # "Israeli strikes": the country, sector unknown
        return Actor(text=text, name=name, code=code, sector=None, start=start, end=end)
    return None


def _bare_body(token: Token, phrase: list[Token], ofs: list[Token], dictionary: ActorDictionary) -> _Entry | None:
    "An executive body named without its country ('the Treasury Department', 'the Department of Justice')."
    words = _norm_words(" ".join(t.text for t in sorted(phrase, key=lambda t: t.i) if t.dep_ not in ("det", "poss", "case")))
    if ofs:
        words = (*words, "of", *_norm_words(" ".join(t.text for t in ofs[0].subtree if t.dep_ != "det")))
    return dictionary.bare_body(words)


def _ethnic(phrase: list[Token]) -> bool:
    "The phrase names an ethnic group ('ethnic Albanians', 'ethnic Russian separatists')."
    return any(t.lower_ == "ethnic" for t in phrase)


def _country_in(token: Token, dictionary: ActorDictionary, when: dt.date | None,
                depth: int) -> tuple[Token, Actor] | None:
    "A country named by an 'in' phrase on the noun itself ('opposition groups in Zimbabwe'): (prep, actor)."
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in _IN_COUNTRY:
            for obj in (c for c in child.children if c.dep_ == "pobj"):
                found = _resolve(obj, dictionary, when, depth + 1)
                if found is not None and found.code and dictionary.kind_of(found.name) == "country":
                    return child, found
    return None


def _affiliated(entry: _Entry, code: str | None, sector: str | None, title: tuple[int, str] | None,
                names: list[tuple[int, int, _Entry]], head_name: tuple[int, int, _Entry],
                related: list[Actor], dictionary: ActorDictionary,
                when: dt.date | None) -> tuple[str | None, str | None]:
    """(code, sector) of a named person: an explicit country or organisation in the phrase
    ("U.N. mediator Diego Cordovez", "Niger's ambassador X") wins over the dictionary's country."""
    affiliation = None
    for a, b, e in names:
        if b < head_name[0] and e.kind in {"country", "capital", "organisation"}:
            affiliation = _entry_actor(e, when)
    if affiliation is None:
        affiliation = next(((r.name, r.code, r.sector) for r in related
                            if r.code and dictionary.kind_of(r.name) in {"country", "organisation"}), None)
    if affiliation is None or not affiliation[1]:
        return code, sector if title is None or code else title[1]
    _name, aff_code, aff_sector = affiliation
    if aff_code == code:
        return code, sector
    if title is not None:
        return aff_code, title[1]
    kind = dictionary.kind_of(_name)
    return aff_code, aff_sector if kind == "organisation" else None


# Mentions already found, per parsed Doc: a sentence's mentions are asked for by its own events
# and again, as antecedents, by the next sentences' pronouns. (start, end, date) -> (dictionary, mentions)
_MENTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def find_actor_mentions(span: Span, dictionary: ActorDictionary, *, when: dt.date | None = None) -> list[Actor]:
    """Every actor mentioned in a sentence, outermost phrases only, ordered by position (memoized per Doc)."""
    memo = _MENTIONS.get(span.doc)
    if memo is None:
        memo = _MENTIONS[span.doc] = {}
    key = (span.start, span.end, when)
    hit = memo.get(key)
    if hit is None or hit[0] is not dictionary:
        hit = memo[key] = (dictionary, tuple(_find_mentions(span, dictionary, when)))
    return list(hit[1])


def _find_mentions(span: Span, dictionary: ActorDictionary, when: dt.date | None) -> list[Actor]:
    "The body of find_actor_mentions."
    found: list[Actor] = []
    for token in span:
        if token.pos_ and token.pos_ not in _NOMINAL:
            continue
        if token.dep_ in {"compound", "flat", "amod"} and token.head.i != token.i:
            continue
        actor = resolve_actor(token, dictionary, when=when)
        if actor is not None and _is_place(token, actor, dictionary):
            continue  # "protesters in Nairobi": a location, which coding/geo codes
        if actor is not None:
            found.append(actor)
    outer = [a for a in found
             if not any(b is not a and b.start <= a.start and a.end <= b.end and (b.end - b.start) > (a.end - a.start)
                        for b in found)]
    unique = {(a.start, a.end): a for a in outer}
    return sorted(unique.values(), key=lambda a: (a.start, a.end))


_LOCATIVE = {"in", "at", "near", "inside", "outside", "across", "around", "throughout", "into", "to"}


def _is_place(token: Token, actor: Actor, dictionary: ActorDictionary) -> bool:
    "A bare country or city as object of a locative preposition."
    return (token.dep_ == "pobj" and token.head.lower_ in _LOCATIVE
            and dictionary.kind_of(actor.name) == "country" and actor.sector == "GOV"
            and not any(c.dep_ in {"amod", "compound"} for c in token.children if c.i < token.i
                        and dictionary.agent_sector(_norm_words(c.text))))


# --- references and conjuncts ---------------------------------------------------------------

_PERSONAL = {"he", "him", "his", "she", "her", "hers"}
_NEUTER = {"it", "its"}
_PLURAL = {"they", "them", "their", "theirs"}
_GROUP_NOUNS = {"group", "movement", "organisation", "organization", "militia", "faction"}


def resolve_reference(token: Token, previous_mentions: list[Actor], *,
                      dictionary: ActorDictionary | None = None) -> Actor | None:
    """The nearest compatible earlier actor for a pronoun or 'the group' / 'the ministry'.

    The antecedent's name, code and sector come back with the reference's own text and
    offsets. Pass ``dictionary`` to tell people from organisations; without it any actor fits.
    """
    word = token.lower_
    before = [a for a in previous_mentions if a.start < token.idx or a.start < 0]
    before.sort(key=lambda a: a.start)

    def kind(actor: Actor) -> str | None:
        return dictionary.kind_of(actor.name) if dictionary else None

    if word in _PERSONAL:
        fits = lambda a: kind(a) in {"person", None}  # noqa: E731
    elif word in _NEUTER:
        fits = lambda a: kind(a) in {"country", "organisation", None} and a.code  # noqa: E731
    elif word in _PLURAL:
        fits = lambda a: kind(a) != "person"  # noqa: E731
    elif word in _GROUP_NOUNS or _singular(word) in _GROUP_NOUNS:
        fits = lambda a: a.sector == "REB" or kind(a) == "organisation"  # noqa: E731
    else:
        sector = dictionary.agent_sector((token.lemma_.lower() or _singular(word),)) if dictionary else None
        sector = sector or {"ministry": "GOV", "government": "GOV", "administration": "GOV"}.get(word)
        if not sector:
            return None
        fits = lambda a: a.sector == sector and a.code  # noqa: E731
    own = _singular_own_subject(token) if word in _PLURAL else None
    for actor in reversed(before):
        if own is not None and actor.start <= own.idx < actor.end:
            continue  # "The Treasury Department froze their assets": not its own (number disagrees)
        if fits(actor):
            lo, hi = _bounds(token, []) if token.pos_ != "PRON" else (token.i, token.i)
            doc = token.doc
            return replace(actor, text=doc[lo:hi + 1].text, start=doc[lo].idx,
                           end=doc[hi].idx + len(doc[hi].text))
    return None


def _singular_own_subject(token: Token) -> Token | None:
    "The singular subject of the verb a plural pronoun depends on ('The ministry froze their assets'), else None."
    verb = token.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i == token.i or subject.tag_ not in ("NN", "NNP") or subject.conjuncts:
        return None
    return subject


def expand_conjuncts(token: Token) -> list[Token]:
    """The token and its coordinated siblings, in text order ('the US and Egypt' -> [US, Egypt])."""
    return sorted({token, *token.conjuncts}, key=lambda t: t.i)
