"""Event location: the place a sentence gives for one event, and whether a found place is plausible.

INTERFACE:

    place = locate_event(sentence: Span, trigger: Token, gazetteer, *, context: DocContext | None = None)
            -> Place | None
    plausible_place(place, actor, sentence, *, headline: bool) -> bool
    sentence_country(sentence, gazetteer, *, context=None, outside=()) -> str | None

In order: a place in a locative preposition of the trigger or of its arguments ("shelled the
city in Kharkiv"), a city or site that is the trigger's object ("shelled Kharkiv"), any place in
the trigger's clause that is no actor, recipient or metonym ("Washington said", "Tel Aviv would
continue" are not locations).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ...records import Actor, Place
from .gazetteer import DocContext, Gazetteer, best_entry, to_place
from .mentions import find_places, is_metonym
from .toponyms import LOCATIVE, STRICT_LOCATIVE, find_toponyms


def locate_event(sentence: Span, trigger: Token, gazetteer: Gazetteer, *,
                 context: DocContext | None = None) -> Place | None:
    """The place where the event happened, or None when the sentence names none."""
    by_token: dict[int, tuple[Span, Place]] = {}
    mentions = []
    for span, hits in find_toponyms(sentence, gazetteer):
        best = best_entry(gazetteer, hits, context)
        if best is None:
            continue
        item = (span, to_place(best, span.text, span.start_char, span.end_char))
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
            if child.dep_ != "prep" or child.lower_ not in LOCATIVE:
                continue
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                place = _place_under(obj, by_token)
                if place and (child.lower_ in STRICT_LOCATIVE or place.precision != "country"):
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
        if _clause_head(root).i != clause.i or is_metonym(span):
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
        tok.dep_ == "pobj" and tok.head.lower_ not in STRICT_LOCATIVE)


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


def sentence_country(sentence: Span, gazetteer: Gazetteer, *, context: DocContext | None = None,
                     outside: tuple[tuple[int, int], ...] = ()) -> str | None:
    """The one country of the places a sentence names, else None (none, or several). A place that is
    a subject or object ("Israel struck ...") or lies inside a longer actor phrase of ``outside``
    ("one U.S. soldier") names a party, not a place."""
    doc = sentence.doc
    countries = set()
    for p in find_places(sentence, gazetteer, context=context):
        span = doc.char_span(p.start, p.end, alignment_mode="expand") if p.start >= 0 else None
        if not p.country or span is None or _party_position(span.root):
            continue
        if any(start <= p.start and p.end <= end and (start, end) != (p.start, p.end) for start, end in outside):
            continue
        countries.add(p.country)
    return countries.pop() if len(countries) == 1 else None


def _party_position(tok: Token) -> bool:
    "A subject, object or passive agent: where a place name stands for a party."
    return tok.dep_ in ("nsubj", "nsubjpass", "dobj", "dative", "iobj", "attr") or (
        tok.dep_ == "pobj" and tok.head.dep_ == "agent")
