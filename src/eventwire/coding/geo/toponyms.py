"""Toponyms: the spans of a parsed Doc that name a place, each with its gazetteer hits (not yet ranked).

INTERFACE:

    found = find_toponyms(doc_or_span, gazetteer, *, known=frozenset(), context=None, deferred=None, cues=True)
            -> list[tuple[Span, hits]]      # in text order; hits: the index's (entry index, primary) pairs
    LOCATIVE, STRICT_LOCATIVE               # prepositions that place what they govern (also for locate)
    BLOCKING_LABELS                         # entity labels that are no place unless shown otherwise

GPE/LOC/FAC entities are looked up whole, then by their longest known part, then (in a country
the document names) under another spelling ("Salaheddin" / "Salah ad Din"). A name the small
model tags PERSON/ORG still counts as a place when a place noun types it ("the Sulu region",
"the capital, Sanaa", "Jefferson Parish"), when the document names it as a place elsewhere, or
in a locative preposition of the document's countries. Proper-noun runs outside any entity count
when they name a country, province, region, site or a sizeable city (a county or second-level
province only in a country the document names). Other capitalized names the gazetteer knows count
with a place cue ("in X", "X County", "X-based", "X, Y": cues.py), and in "X, Y" with Y a division or
country X keeps its candidates inside Y (containing.py).
"""

from __future__ import annotations

import re

from spacy.attrs import IDX, ORTH, POS
from spacy.parts_of_speech import ADJ, NOUN, PROPN, VERB, X
from spacy.tokens import Doc, Span, Token

from .containing import apply_containers
from .cues import find_cued
from .gazetteer import MIN_VARIANT_KEY, DocContext, Entry, Gazetteer, normalize_name, variant_key

# A non-entity proper-noun run must name a place at least this big (or a country/province/site)
# to count: the 15000 file has towns called "Hamas"-like surnames; measured on Wikinews samples.
MIN_BARE_POPULATION = 50_000
# The small model tags "Kiev" or "Washington" ORG now and then: an ORG entity whose whole text is a
# country or a city of a million people is taken as a place (metonym rules still apply).
MIN_ORG_CITY_POPULATION = 1_000_000
MAX_NGRAM = 5

_ENTITY_LABELS = {"GPE", "LOC", "FAC"}
# Kinds a bare proper-noun run may name on its own (a city must also be MIN_BARE_POPULATION big).
_AREA_KINDS = {"country", "admin1", "site", "region"}
BLOCKING_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE"}
LOCATIVE = {"in", "at", "near", "outside", "across", "into", "inside", "around", "throughout",
            "on", "within", "over", "along", "toward", "towards", "to", "from"}
STRICT_LOCATIVE = LOCATIVE - {"to", "from", "on", "over", "toward", "towards"}

_DIRECTION = re.compile(r"^(?:(?:north|south|east|west|central|northern|southern|eastern|western|"
                        r"northeastern|northwestern|southeastern|southwestern|north-?eastern|"
                        r"north-?western|south-?eastern|south-?western|greater|downtown|the)\s+)+")


def find_toponyms(doc_or_span: Doc | Span, gazetteer: Gazetteer, *, known: frozenset[str] = frozenset(),
                  context: DocContext | None = None, deferred: list | None = None,
                  cues: bool = True) -> list[tuple[Span, tuple]]:
    """Spans naming a place, with their index hits: GPE/LOC/FAC entities, then proper-noun runs the gazetteer knows.

    ``known`` holds the normalized names the document's first pass resolved as places: a name
    the small model tags PERSON or ORG in one sentence ("Jolo", "Abqaiq") is taken as a place
    when another sentence names it as one (one sense per discourse). ``deferred`` collects
    small places in a locative prep that the first pass (no context yet) cannot decide. ``cues``:
    also names the tagger missed that a place cue places (cues.py); the first pass, which only
    counts the document's countries, leaves them to the second."""
    doc = doc_or_span if isinstance(doc_or_span, Doc) else doc_or_span.doc
    lo, hi = (0, len(doc)) if isinstance(doc_or_span, Doc) else (doc_or_span.start, doc_or_span.end)
    taken = [False] * (hi - lo)
    found: list[tuple[Span, tuple]] = []
    named, blocked = [], []  # the (start, end) of GPE/LOC/FAC and of PERSON/ORG/... entities, for the cues
    for ent in doc.ents:
        if ent.start < lo or ent.end > hi:
            continue
        if ent.label_ in _ENTITY_LABELS:
            hit = _match_entity(ent, gazetteer) or _match_variant(ent, gazetteer, context)
            named.append((ent.start, ent.end))
        elif ent.label_ in BLOCKING_LABELS:
            hit = None
            blocked.append((ent.start, ent.end))
            for piece in _conjuncts(ent, gazetteer):  # ORG "Crete and Cyprus": each name on its own
                found.extend(h for h in [_match_blocked(piece, gazetteer, known, context, deferred)] if h)
        else:
            continue
        if hit:
            found.append(hit)
        for k in range(ent.start, ent.end):
            taken[k - lo] = True
    found.extend(_match_bare(doc, lo, hi, taken, gazetteer, context))
    if cues:
        found.extend(find_cued(doc, lo, hi, _covered(named, lo, hi, found), gazetteer, context=context,
                               entities=tuple(blocked)))
    found.sort(key=lambda item: item[0].start)
    return apply_containers(doc, found, gazetteer, hi)


def _covered(named: list[tuple[int, int]], lo: int, hi: int, found: list[tuple[Span, tuple]]) -> list[bool]:
    "Token flags over [lo, hi): inside a toponym found so far or a GPE/LOC/FAC entity (no cue looks there)."
    covered = [False] * (hi - lo)
    for start, end in named + [(span.start, span.end) for span, _ in found]:
        for k in range(max(start, lo), min(end, hi)):
            covered[k - lo] = True
    return covered


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
    if hits and ent.root.dep_ == "pobj" and ent.root.head.lower_ in LOCATIVE | {"between"} \
            and _in_context_country(gazetteer, hits, context):
        return ent, hits
    if ent.root.dep_ == "pobj" and ent.root.head.lower_ in STRICT_LOCATIVE:
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

