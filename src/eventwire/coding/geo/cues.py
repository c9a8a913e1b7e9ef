"""Places beyond the entity tagger: capitalized names the gazetteer knows, kept only with a place cue.

INTERFACE:

    found = find_cued(doc, lo, hi, covered, gazetteer, *, context=None, entities=()) -> list[tuple[Span, hits]]
    names = first_names()                # first words of the people lexicon's names ("John", "Giorgia")

The small model misses towns or tags them PERSON/ORG ("in Tamaulipas", "Chippewa Falls, Wis.").
A capitalized run that no toponym covers (``covered``: token flags over [lo, hi)) is looked up
whole, then by shorter prefixes, and kept when a cue places it:

- a preposition before it: "in X", "near X", "outside X" (a division or region, or a place in a
  country the document names: "believe in God" is no Göd in Hungary; "in Bonner's logic" no town);
- a kind of place around it: "the X region/province/district/county/state", "X County", "X Parish";
- "X-based";
- "X, Y" with Y a division or country known to hold one of X's candidates (containing.py).

A name the document resolves as a place elsewhere is no cue of its own here: tried on unannotated
Wikinews and InSight Crime articles, it mostly spread surnames ("Cummings") and names of gods to
every mention (toponyms.py keeps using it for PERSON/ORG entities).

Guards: a name next to another capitalized word is part of a longer name ("Paris Hilton",
"Georgia Meloni", "Red Hat"), and so is a part of a PERSON/ORG entity; one after a first name or a
title is a surname ("Jordan Peterson", "Mayor Springfield"); month and day names are none; a sentence's first word counts only as a proper noun
that is no function word.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from spacy.attrs import ORTH
from spacy.parts_of_speech import PROPN
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from ...text.datelines import MONTHS, WEEKDAYS
from .containing import container_after, pair_hits
from .gazetteer import DocContext, Gazetteer, normalize_name

PEOPLE_FILES = tuple(Path(__file__).resolve().parents[2] / "data" / "actors" / name
                     for name in ("people.tsv", "people_extra.tsv"))
MAX_NGRAM = 5
_PREP_CUES = {"in", "near", "outside"}
_KIND_NOUNS = {"region", "province", "district", "county", "state", "department", "governorate", "oblast",
               "parish", "municipality", "prefecture", "territory", "borough", "township"}
_POSSESSIVE = {"'s", "\u2019s", "'"}
_AREA_KINDS = {"admin1", "admin2", "region"}
_CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)  # month names and their abbreviations, day names
_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "president", "sen", "senator", "rep",
           "representative", "gov", "governor", "mayor", "judge", "justice", "king", "queen", "prince", "princess",
           "gen", "general", "col", "colonel", "lt", "capt", "captain", "sgt", "sergeant", "officer", "pope",
           "minister", "secretary", "chancellor", "premier", "prof", "professor", "rev", "father", "sheikh",
           "coach", "commissioner", "councilman", "councilwoman", "chief", "st", "saint", "detective", "deputy"}


@lru_cache(maxsize=1)
def first_names(paths: tuple[Path, ...] = PEOPLE_FILES) -> frozenset[str]:
    "The first words of the people lexicon's names and aliases of two words or more ('Giorgia' of 'Giorgia Meloni')."
    names: set[str] = set()
    for path in paths:
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                cols = line.split("\t", 2)
                for name in [cols[0], *(cols[1].split("|") if len(cols) > 1 else ())]:
                    words = name.split()
                    if len(words) >= 2 and words[0].isalpha() and words[0][:1].isupper() and len(words[0]) > 1:
                        names.add(words[0])
    return frozenset(n for n in names if n.lower() not in _FUNCTION_WORDS | _PREP_CUES)  # "In Myung-jin"


def find_cued(doc: Doc, lo: int, hi: int, covered: list[bool], gazetteer: Gazetteer, *,
              context: DocContext | None = None,
              entities: tuple[tuple[int, int], ...] = ()) -> list[tuple[Span, tuple]]:
    """Capitalized runs outside every toponym that the gazetteer knows and a place cue places (see the
    module). ``entities``: the (start, end) of PERSON/ORG/... entities, which a name must cover whole."""
    orths = doc.to_array(ORTH)[lo:hi].tolist()
    words = _Words(doc.vocab.strings, orths)
    found: list[tuple[Span, tuple]] = []
    after = 0  # the word after the last name found
    for k in _cue_neighbours(orths, words):
        if k < after or covered[k] or not words[k][:1].isupper() or not words[k][:1].isalpha():
            continue
        run = 1
        while run < MAX_NGRAM and k + run < hi - lo and not covered[k + run] and words[k + run][:1].isupper():
            run += 1
        if not _may_be_cued(words, k, run):
            continue
        match = _cued_name(doc, lo, k, run, words, gazetteer, context)
        if match is not None and any(a < match[0].end and match[0].start < b and (a, b) != (match[0].start, match[0].end)
                                     for a, b in entities):
            match = None  # "Colombia" of "Fuerzas Armadas Revolucionarias de Colombia"
        if match is not None:
            found.append(match)
            after = match[0].end - lo
    return found


def _variants(words) -> frozenset[int]:
    "The ORTH ids of words as written, capitalized and in upper case."
    return frozenset(hash_string(f(w)) for w in words for f in (str, str.capitalize, str.upper))


_BEFORE_IDS = _variants(_PREP_CUES | {"the"})
_AFTER_IDS = _variants(_KIND_NOUNS | {",", "-"})


def _cue_neighbours(orths: list[int], words: _Words) -> list[int]:
    """Where a cued name may start: after a preposition or 'the', or in the capitalized words (up to
    MAX_NGRAM) right before a comma, a dash or a kind of place (most words are near none)."""
    starts = set()
    for j, orth in enumerate(orths):
        if orth in _BEFORE_IDS:
            starts.add(j + 1)
        elif orth in _AFTER_IDS:
            k = j - 1
            while k >= 0 and j - k <= MAX_NGRAM and words[k][:1].isupper():
                starts.add(k)
                k -= 1
    return sorted(k for k in starts if k < len(orths))


class _Words:
    "The words of a token range, looked up in the string store only when asked for."

    __slots__ = ("_strings", "_orths", "_cache")

    def __init__(self, strings, orths: list[int]) -> None:
        self._strings, self._orths, self._cache = strings, orths, {}

    def __len__(self) -> int:
        return len(self._orths)

    def __getitem__(self, k: int) -> str:
        word = self._cache.get(k)
        if word is None:
            word = self._cache[k] = self._strings[self._orths[k]]
        return word


def _may_be_cued(words: _Words, k: int, run: int) -> bool:
    "Whether some cue could place a name starting at word k (a cheap test before any lookup)."
    if k and words[k - 1].lower() in _PREP_CUES | {"the"}:
        return True
    end = k + run
    return any(words[j] in (",", "-") or words[j].lower() in _KIND_NOUNS for j in range(k + 1, min(end + 1, len(words))))


def _cued_name(doc: Doc, lo: int, k: int, run: int, words: _Words, gazetteer: Gazetteer,
               context: DocContext | None) -> tuple[Span, tuple] | None:
    "The longest known name of the run starting at word k, when a cue places it and no guard stops it."
    first = normalize_name(words[k]).split(" ", 1)[0]
    if not first or not gazetteer.may_start(first):
        return None
    for n in range(run, 0, -1):
        hits = gazetteer.lookup_normalized(normalize_name(" ".join(words[j] for j in range(k, k + n))))
        if not hits:
            continue
        span = doc[lo + k: lo + k + n]
        if _guarded(doc, lo, words, k, n):
            return None
        hits = _cued_hits(doc, span, hits, words, k, n, gazetteer, lo, context)
        return (span, hits) if hits else None
    return None


def _cued_hits(doc: Doc, span: Span, hits: tuple, words: _Words, k: int, n: int, gazetteer: Gazetteer,
               lo: int, context: DocContext | None) -> tuple:
    """The hits a cue keeps: all of them for a kind of place or '-based'; for 'X, Y'
    those in Y; after a preposition, divisions, regions and places in a country the document names."""
    before = words[k - 1].lower() if k else ""
    after = words[k + n].lower() if k + n < len(words) else ""
    if before in _PREP_CUES:  # "believe in God": a small town abroad needs more; "in Bonner's logic" a division
        kept = tuple(h for h in hits if gazetteer.entries[h[0]].precision in _AREA_KINDS - {"admin2"}
                     or (after not in _POSSESSIVE and context is not None
                         and context.count(gazetteer.entries[h[0]].country)))
        if kept:
            return kept
    if n > 1 and words[k + n - 1].lower() in _KIND_NOUNS:
        return hits  # "Cook County", the gazetteer's name
    if after in _KIND_NOUNS and (before == "the" or words[k + n][:1].isupper()):
        # "the Sulu region", "Helmand Province": the kind noun types the name, so a division or region
        return tuple(h for h in hits if gazetteer.entries[h[0]].precision in _AREA_KINDS)
    if after == "-" and k + n + 1 < len(words) and words[k + n + 1].lower() == "based":
        return hits
    if after == ",":
        container = container_after(doc, span.end, lo + len(words), gazetteer)
        if container is not None:
            return pair_hits(gazetteer, hits, container, known_only=True)[0]  # "Veracruz, Sinaloa" is a list
    return ()


def _guarded(doc: Doc, lo: int, words: _Words, k: int, n: int) -> bool:
    "A name that is no place whatever cue: part of a longer name, a surname, a month or day, a sentence's common first word."
    nxt = words[k + n] if k + n < len(words) else ""
    if nxt[:1].isupper() and nxt.isalpha() and nxt.lower() not in _KIND_NOUNS:
        return True  # "Paris Hilton", "Georgia Meloni"
    if (k and words[k - 1] == "-") or (nxt == "-" and (k + n + 1 >= len(words) or words[k + n + 1].lower() != "based")):
        return True  # "pro-Beijing", "Zeta-controlled": part of a compound word
    if k:
        prev = words[k - 1]
        if prev.rstrip(".").lower() in _TITLES or prev in first_names():
            return True  # "Mayor Springfield", "Jordan Peterson"
        if prev[:1].isupper() and prev.isalpha() and not doc[lo + k - 1].is_sent_start and prev.lower() not in _PREP_CUES:
            return True  # "Red Hat", "Punta Tombo", "Elijah Cummings": the end of a longer name
    if words[k].lower() in _CALENDAR:
        return True
    if k == 0 or doc[lo + k].is_sent_start:  # a sentence's first word
        return doc[lo + k].pos != PROPN or words[k].lower() in _FUNCTION_WORDS
    return False


_FUNCTION_WORDS = {"the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i",
                   "you", "his", "her", "their", "our", "my", "but", "and", "or", "so", "yet", "if", "when", "while",
                   "after", "before", "since", "as", "at", "in", "on", "of", "for", "with", "by", "from", "to", "there",
                   "here", "then", "now", "still", "however", "meanwhile", "also", "all", "some", "many", "most",
                   "no", "not", "one", "other", "such", "what", "who", "which", "where", "why", "how"}
