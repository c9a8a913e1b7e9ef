"""Who did what to whom, from the dependency parse of one sentence: the order of the passes.

INTERFACE:

    extract_events(sentence, *, lexicon, dictionary, when=None, headline=False, previous=None)
        -> list[Extraction]     # one per (trigger, type, actor, recipient), in trigger order

For each trigger (a verb or an event noun in the lexicon) the coder finds the actor and the
recipient (``roles.py``), what it means (the lexicon entry whose pattern fits; light verbs
take their meaning from their object: ``passes.py``), and whether it happened (negation,
refusal, intent and conditionals, fears and guesses, questions, future: ``modality.py``).
A title also gets a pattern pass (``headline.py``). The order, per sentence:

1. the headline pattern (titles only);
2. each verb, then each event noun, left to right (``passes.verbal_events``,
   ``passes.nominal_events``), skipping words a pass has already used;
3. a protest told through its people, when no protest was found;
4. revisions of the sentence's events against each other: a protest's demands folded into
   it, calls for punishment made demands (CAMEO 10), the content of denied accusations and of
   accusations, demands, refusals and threats made hypothetical, safety instructions in a
   disaster story dropped, vehicle collisions dropped, duplicates merged;
5. the learned decision (``decision.py``, when the lexicon carries a decider): rule events kept,
   dropped or re-typed, an event proposed where the rules are silent (with its trigger's negation
   and modality, ``modality.proposal_status``), confidences calibrated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

from spacy.attrs import DEP, ENT_TYPE, POS
from spacy.parts_of_speech import AUX, NOUN, PROPN, VERB
from spacy.strings import get_string_id
from spacy.tokens import Span, Token

from ...records import Actor
from ..actors import ActorDictionary
from ..lexicon import Lexicon
from .decision import decide
from .extraction import Extraction
from .headline import headline_events
from .modality import in_content, proposal_status
from .passes import nominal_events, protester_events, verbal_events
from .sentence import RELATIVE_PRONOUNS, Sentence
from .tree import grounds

_SCAN_ATTRS = [POS, DEP, ENT_TYPE]
_ROOT = get_string_id("ROOT")
_NOT_EVENT_ENTITIES = frozenset(map(get_string_id, ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")))
_PUNITIVE_TYPES = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "THREATEN"})
# Events named inside what an accusation, demand, refusal or threat is about are alleged
# or wished for, not asserted: "blamed Israel for the bombing", "demanded an admission
# that forces murdered ...".
_CONTENT_TAKING_TYPES = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN"})
# events whose "for" phrase tells the actor's reason: "arrested for spying", "sanctioned for its support of"
_GROUNDS_TAKING_TYPES = frozenset({"SANCTION", "COERCE"})


def extract_events(sentence: Span, *, lexicon: Lexicon, dictionary: ActorDictionary,
                   when: dt.date | None = None, headline: bool = False,
                   previous: list[Actor] | Callable[[], list[Actor]] | None = None) -> list[Extraction]:
    """Every event in one sentence, one per (actor, recipient) pair of a compound actor.

    ``previous`` is the actors of the sentences before (or a function that finds them, called
    only when a pronoun needs an antecedent: finding them costs a tenth of the run).
    """
    s = Sentence(sentence, lexicon, dictionary, when, previous or [])
    found: list[Extraction] = []
    if headline:
        found.extend(headline_events(s))
    doc = sentence.doc
    # the sentence's tags as plain ints: a Token only for the words that may carry an event
    for i, (pos, dep, ent_type) in enumerate(doc.to_array(_SCAN_ATTRS)[sentence.start:sentence.end].tolist(),
                                              start=sentence.start):
        if i in s.used or ent_type in _NOT_EVENT_ENTITIES:
            continue
        if pos == VERB or (pos == AUX and dep == _ROOT):
            found.extend(verbal_events(s, doc[i]))
        elif pos == NOUN or pos == PROPN:
            tok = doc[i]
            if lexicon.has(tok.lemma_.lower(), "N"):
                found.extend(nominal_events(s, tok))
    found.extend(protester_events(s, found))
    found = _fold_protest_demands(found)
    found = [_hostile_request(ext, lexicon) for ext in found]
    if s.denials:  # "rejected accusations that he raped a girl": the rape is alleged
        found = [replace(ext, hypothetical=True)
                 if any(in_content(frame, ext.trigger) for frame in s.denials) else ext for ext in found]
    before = len(found)
    if found and s.disaster_story():
        found = [ext for ext in found if not _emergency_instruction(ext)]
    found = [ext for ext in found if not _collision(ext, sentence, lexicon.classes.vehicle_nouns)]
    vetoed = len(found) < before  # the rules judged a word no event here: nothing is proposed in its place
    found = _dedupe(_mark_reported_content(found))
    if lexicon.decider is None:
        return found
    return _dedupe(decide(s, found, lexicon.decider, vetoed=vetoed, status=lambda tok: proposal_status(s, tok)))


def _fold_protest_demands(found: list[Extraction]) -> list[Extraction]:
    """Drop the demands a protest makes ("rioted ... demanding a referendum", "protesters
    demanded his release"): the PLOVER manual codes a protest's topic as part of the PROTEST,
    not as a separate REQUEST. Demands made by others in the sentence stay."""
    protests = [e.trigger for e in found if e.meaning.event_type == "PROTEST"]
    if not protests:
        return found

    def made_by_protest(ext: Extraction) -> bool:
        tok = ext.trigger
        if any(ext.actor.start <= p.idx < ext.actor.end for p in protests):
            return True  # the protesters are the demand's subject
        for protest in protests:
            if protest.is_ancestor(tok):
                node = tok  # the demand hangs on the protest, with no subject of its own
                while node.i != protest.i:
                    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in RELATIVE_PRONOUNS for c in node.children):
                        break
                    node = node.head
                else:
                    return True
        return False

    return [e for e in found if e.meaning.event_type != "REQUEST" or not made_by_protest(e)]


def _hostile_request(ext: Extraction, lexicon: Lexicon) -> Extraction:
    """A call for punishment ("called for sanctions against Turkey", "urged the UN to impose an
    embargo") is a demand (CAMEO 10), not an appeal (02): CAMEO's appeals ask for cooperation."""
    if ext.meaning.event_type != "REQUEST" or not (ext.meaning.cameo or "").startswith("02"):
        return ext
    content = [p for prep in ext.trigger.children if prep.dep_ == "prep" and prep.lower_ == "for"
               for p in prep.children if p.dep_ == "pobj"]
    content += [c for c in ext.trigger.children if c.dep_ in ("xcomp", "dobj")]
    for tok in content:
        for pos in ("N", "V"):
            trig = lexicon.match(tok.lemma_.lower(), pos)
            if trig is not None and trig.meaning.event_type in _PUNITIVE_TYPES:
                return replace(ext, meaning=replace(ext.meaning, cameo="10"))
    return ext


def _emergency_instruction(ext: Extraction) -> bool:
    """An order of the authorities to the public in a disaster ("ordered residents to shelter in
    place", "asked visitors to stay away"): a safety instruction, not a political demand."""
    return (ext.meaning.event_type == "REQUEST" and ext.actor.sector in ("GOV", "COP")
            and (ext.recipient is None or (ext.recipient.sector in (None, "CVL")
                                           and ext.recipient.code in (None, ext.actor.code))))


def _collision(ext: Extraction, sentence: Span, vehicles: frozenset[str]) -> bool:
    """"The tanker was struck by a bulk carrier": a vehicle with no country hitting a vehicle (or
    nothing named) is an accident, not an assault."""
    if ext.meaning.event_type != "ASSAULT" or ext.actor.code is not None:
        return False

    def vehicle(actor: Actor | None) -> bool:
        if actor is None or actor.start < 0:
            return actor is None
        span = sentence.doc.char_span(actor.start, actor.end, alignment_mode="expand")
        return span is not None and any(t.lemma_.lower() in vehicles for t in span)

    return ext.actor.text != "" and vehicle(ext.actor) and vehicle(ext.recipient)


def _mark_reported_content(found: list[Extraction]) -> list[Extraction]:
    """Mark as hypothetical the events inside the object of an ACCUSE/REQUEST/REJECT/THREATEN
    event, and those that are the stated grounds of a sanction or arrest ("sanctions on the
    Taliban for its support of bin Laden", "arrested for collaborating with Israel"): what the
    actor alleges, not what the reporter tells as a fact."""
    frames = [e.trigger for e in found if e.meaning.event_type in _CONTENT_TAKING_TYPES]
    stated: list[Token] = [prep for e in found if e.meaning.event_type in _GROUNDS_TAKING_TYPES
                           for prep in grounds(e.trigger)]
    if not frames and not stated:
        return found
    return [replace(ext, hypothetical=True)
            if not ext.hypothetical and (any(in_content(frame, ext.trigger) for frame in frames)
                                         or any(prep.is_ancestor(ext.trigger) for prep in stated)) else ext
            for ext in found]


def _dedupe(found: list[Extraction]) -> list[Extraction]:
    "Keep one extraction per trigger, type, actor and recipient (the most confident)."
    best: dict[tuple, Extraction] = {}
    for ext in found:
        key = (ext.trigger.i, ext.meaning.event_type, ext.actor.name, ext.actor.code,
               ext.recipient.name if ext.recipient else None)
        if key not in best or ext.confidence > best[key].confidence:
            best[key] = ext
    return sorted(best.values(), key=lambda e: (e.trigger.i, e.actor.start, e.meaning.event_type))
