"""Place mentions in a parsed Doc: toponyms ranked into places, metonyms and nationality adjectives.

INTERFACE:

    context = build_context(docs, gazetteer) -> DocContext             # countries/places of the whole document
    mentions = find_mentions(doc_or_span, gazetteer, *, context=None) -> list[PlaceMention]  # + adjectives, metonyms
    places = find_places(doc_or_span, gazetteer, *, context=None, include_metonyms=False) -> list[Place]
    records = mention_records(doc_id, parsed, gazetteer) -> list[dict]  # the `eventwire places` records
    is_metonym(span) -> bool                                           # "Moscow warned": also for locate

PlaceMention.kind: place; metonym, a city or province standing for its government ("Washington
said", "Athens expelled"); adjective, a nationality word as its country ("Israeli troops").
Countries joined by a dash inside one token ("U.S.–Mexico") are places each.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from spacy.attrs import ENT_TYPE, ORTH, POS
from spacy.parts_of_speech import ADJ
from spacy.tokens import Doc, Span

from ...records import Place
from .gazetteer import DocContext, Entry, Gazetteer, best_entry, best_with_confidence, normalize_name, to_place
from .toponyms import BLOCKING_LABELS, find_toponyms

@dataclass(frozen=True, slots=True)
class PlaceMention:
    """One mention of a place: ``kind`` is place, adjective ("Israeli") or metonym ("Washington said")."""

    place: Place
    kind: str
    confidence: float


def find_places(doc_or_span: Doc | Span, gazetteer: Gazetteer, *, context: DocContext | None = None,
                include_metonyms: bool = False) -> list[Place]:
    """Every place mention, disambiguated, with character offsets into the Doc."""
    return [m.place for m in find_mentions(doc_or_span, gazetteer, context=context)
            if m.kind == "place" or (include_metonyms and m.kind == "metonym")]


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
    for span, hits in find_toponyms(doc_or_span, gazetteer, known=known, context=context):
        best, confidence = best_with_confidence(gazetteer, hits, context)
        if best is None:
            continue
        kind = "metonym" if _stands_for_government(span, best) else "place"
        found.append(PlaceMention(to_place(best, span.text, span.start_char, span.end_char), kind, confidence))
        taken.update(range(span.start, span.end))
    for text, start, end, hits in _dash_parts(doc_or_span, gazetteer, taken):
        best, confidence = best_with_confidence(gazetteer, hits, context)
        if best is not None:
            found.append(PlaceMention(to_place(best, text, start, end), "place", confidence))
    found.extend(_adjectives(doc_or_span, gazetteer, taken))
    found.sort(key=lambda m: m.place.start)
    return found


def _stands_for_government(span: Span, best: Entry) -> bool:
    "A city or province as the subject of a verb of saying or deciding; a country stays a place."
    if best.precision == "country" or not is_metonym(span):
        return False
    tok = span.root
    while tok.dep_ in ("conj", "appos") and tok.head.i != tok.i:
        tok = tok.head
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head  # "expelled by Athens"
    return verb.lemma_.lower() in _AGENTIVE


_COPULAS = {"be", "lie", "sit", "remain", "border", "locate", "stand", "become", "seem", "have"}


def is_metonym(span: Span) -> bool:
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
        if tok.i in taken or tok.ent_type_ in BLOCKING_LABELS or not tok.text[:1].isupper() or tok.is_alpha:
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
            out.append(PlaceMention(to_place(entry, text, idx, idx + len(text)), "adjective", 0.9))
    return out


def _bounds(doc_or_span: Doc | Span) -> tuple[Doc, int, int]:
    "The Doc and the token range of a Doc or Span."
    if isinstance(doc_or_span, Doc):
        return doc_or_span, 0, len(doc_or_span)
    return doc_or_span.doc, doc_or_span.start, doc_or_span.end


CONTEXT_SHARE = 0.1  # a mention counts for its country only if no other country's candidate has >= 10% of its population


def build_context(docs: Iterable[Doc], gazetteer: Gazetteer) -> DocContext:
    """The countries and places mentioned across a document's paragraphs."""
    counts: Counter[str] = Counter()
    places: list[Place] = []
    deferred: list[tuple[Span, tuple]] = []
    for doc in docs:
        for span, hits in find_toponyms(doc, gazetteer, deferred=deferred, cues=False):
            best = best_entry(gazetteer, hits, None)
            if best is None:
                continue
            places.append(to_place(best, span.text, span.start_char, span.end_char))
            if best.country and _unambiguous_country(gazetteer, hits, best):
                counts[best.country] += 1
        for text, start, end, hits in _dash_parts(doc, gazetteer, set()):  # "the U.S.–Mexico border"
            best = best_entry(gazetteer, hits, None)
            if best is not None and best.country:
                counts[best.country] += 1
        for mention in _adjectives(doc, gazetteer, set()):  # "Cuban roads", "the Greek prime minister"
            counts[mention.place.country] += 1
    for span, hits in deferred:  # "at Abqaiq" in a document about Saudi Arabia: a place for its other mentions
        inside = tuple(h for h in hits if counts[gazetteer.entries[h[0]].country])
        best = best_entry(gazetteer, inside, None)
        if best is not None:
            places.append(to_place(best, span.text, span.start_char, span.end_char))
    return DocContext(tuple(sorted(counts.items())), tuple(places))


def _unambiguous_country(gazetteer: Gazetteer, hits, best: Entry) -> bool:
    "True when no candidate in another country is within CONTEXT_SHARE of the best's population."
    floor = max(best.population, 1) * CONTEXT_SHARE
    return all(gazetteer.entries[i].country == best.country or gazetteer.entries[i].population < floor
               for i, _ in hits)


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
