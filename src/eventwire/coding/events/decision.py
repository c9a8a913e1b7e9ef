"""The learned decision on top of the rules: keep, drop, re-type or propose, with a calibrated confidence.

INTERFACE:

    sentence_features(s, found, vetoed=False) -> list[str]   # what the model reads (also what training reads)
    decide(s, found, decider, vetoed=False, status=None) -> list[Extraction]
    best_type(p, none_index) -> int                          # the likeliest label other than "no event"
    # vetoed: the rules removed an event of the sentence (a collision, an emergency instruction)
    # status(tok) -> (negated, hypothetical): how the language's rules judge a proposed event's trigger

The model (``coding/decider.py``) reads one sentence: its words, lemmas and word pairs, the
event types the lexicon gives its words, its entity labels, whether it tells of a disaster, and
the rules' own events (type, trigger lemma, negation and modality, confidence, actor and recipient
sectors); it gives a probability to each PLOVER type and to "no event". Its proposer reads the
same features less the rules' events. What it may do to the rules' events is its ``mode``
(propose, propose+drop, full). Then, with the thresholds tuned across folds:

1. a rule event is dropped when "no event" is likely enough (disaster reports, statements);
2. a rule event is re-typed when the model is confident of another type and not of its own, and
   dropped when its type stays unlikely (``Thresholds.weak``); none of this happens to a rule
   event the rules are sure of (``Thresholds.keep``), and the model judges only the types it
   learned enough of (``Decider.known``: an event of another type may go as "no event", but is
   never re-typed, dropped for its type or calibrated; no other type is re-typed to or proposed);
3. a sentence the rules left without an asserted event gets the proposer's type when it is likely
   enough (the proposer: a model of the sentence's own features, without the rules' events, since on
   unseen text a silent sentence is mostly an event the rules missed; never a conflict type in a
   disaster story): its actor and recipient are the sentence's actor mentions (the subject's first), or an
   unnamed actor with the type's usual sector, whose country the place or the article gives
   (``coding.parties``), as ACLED codes "unidentified gunmen"; beside the rules' events, the
   proposer's type is added when it is likelier still (``Thresholds.add``) and none of them has it;
   with ``Decider.evidence``, only when a word of the sentence is a lexicon word of that type;
4. every event's confidence becomes the calibrated right share at its score (isotonic across the
   folds), so that >= 0.8 means right at least 80% of the time. The decision has kept the events it
   returns (``decided``): the pipeline's ``min_confidence``, a floor for the rules' own confidences,
   is applied before it (``Thresholds.floor``), not to the calibrated share after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from spacy.tokens import Token

from ...records import Actor, EventType
from ..decider import Decider, Model
from .extraction import Extraction
from .sentence import Sentence

# The sector of an unnamed actor of a proposed event: who usually does it in ACLED's and
# PLOVER's coding (protesters are civilians, arrests are made by police, deployments by the army).
_UNNAMED_SECTORS = {"PROTEST": "CVL", "COERCE": "COP", "MOBILIZE": "MIL", "ASSAULT": "UAF"}
_CONF_BINS = (0.5, 0.7, 0.9)
SILENT = "r:none"  # the rules found no event in the sentence (the proposer fills only these)
VETOED = "r:vetoed"  # ... because they judged one of its words no event (a collision): not filled
DISASTER = "x:disaster"  # the feature of a sentence that tells of a disaster (Sentence.disaster_story)


def sentence_features(s: Sentence, found: list[Extraction], *, vetoed: bool = False) -> list[str]:
    "The sparse binary features of one sentence and the rules' events in it."
    out: list[str] = []
    words = []
    lexicon = s.lex
    for tok in s.span:
        if tok.is_space or tok.is_punct:
            continue
        lower, lemma = tok.lower_, s.lemma(tok)
        words.append(lower)
        out.append("w:" + lower)
        out.append("l:" + lemma)
        for pos in ("V", "N"):
            if lexicon.has(lemma, pos):
                trig = lexicon.match(lemma, pos)
                out.append(f"lt:{trig.meaning.event_type}" if trig else f"lx:{pos}")
        if tok.ent_type_:
            out.append("e:" + tok.ent_type_)
        if tok.dep_ == "neg":
            out.append("neg")
    out.extend(f"b:{a}_{b}" for a, b in zip(words, words[1:]))
    if s.disaster_story():
        out.append(DISASTER)
    if not found:
        out.append(VETOED if vetoed else SILENT)
    for ext in found:
        kind = ext.meaning.event_type
        state = "neg" if ext.negated else "hyp" if ext.hypothetical else "on"
        out += [f"r:{kind}", f"r:{kind}:{state}", f"rt:{s.lemma(ext.trigger)}:{kind}",
                f"rc:{kind}:{sum(ext.confidence >= b for b in _CONF_BINS)}",
                f"ra:{ext.actor.sector}", f"rac:{bool(ext.actor.code)}",
                f"rr:{ext.recipient.sector if ext.recipient else '-'}"]
    return out


def decide(s: Sentence, found: list[Extraction], decider: Decider | None, *, vetoed: bool = False,
           status: Callable[[Token], tuple[bool, bool]] | None = None) -> list[Extraction]:
    "The rules' events kept, dropped or re-typed, a proposal where they are silent; calibrated confidences."
    if decider is None:
        return found
    model = decider.model_for(s.span.doc)
    features = sentence_features(s, found, vetoed=vetoed)
    if not found:
        return _proposal(s, features, model, decider, status=status) if SILENT in features else []
    p = model.probabilities(features)
    labels, none = decider.labels, decider.none_index
    best = best_type(p, none)
    limits = decider.thresholds
    may_drop, may_retype = decider.mode != "propose", decider.mode == "full"
    out = []
    for ext in found:
        if ext.confidence < limits.floor:
            continue
        own = p[labels.index(ext.meaning.event_type)] if ext.meaning.event_type in labels else 0.0
        sure = ext.confidence >= limits.keep
        if may_drop and not ext.negated and not ext.hypothetical and not sure and p[none] >= limits.drop:
            continue
        if ext.meaning.event_type not in decider.known:  # its type is not the model's to judge: the rules' confidence
            out.append(replace(ext, decided=True))
            continue
        other = labels[best] != ext.meaning.event_type and labels[best] in decider.known
        if may_retype and not sure and other and p[best] >= limits.retype and own * 4 <= p[best]:
            ext, own = replace(ext, meaning=EventType(labels[best])), p[best]
        if not ext.negated and not ext.hypothetical and not sure and own < limits.weak:
            continue
        score = (own + ext.confidence) / 2
        out.append(replace(ext, confidence=round(model.calibrate(score, kind="rule"), 3), decided=True))
    if limits.add <= 1.0 and any(ext.confidence >= limits.floor for ext in found):
        out += _proposal(s, features, model, decider, at=limits.add, besides=out, status=status)
    return out


def best_type(p: np.ndarray, none: int) -> int:
    "The index of the likeliest label other than 'no event'."
    return int(np.argmax(np.where(np.arange(len(p)) == none, -1.0, p)))


def _proposal(s: Sentence, features: list[str], model: Model, decider: Decider, *, at: float | None = None,
              besides: list[Extraction] = (), status=None) -> list[Extraction]:
    """The proposer's event for a sentence when its type is likely enough (``at``; a silent sentence:
    ``Thresholds.propose``) and more likely than no event, and no event ``besides`` has that type;
    never a conflict type in a disaster story."""
    q = model.proposer.probabilities(features)
    none = decider.none_index
    best = best_type(q, none)
    event_type = decider.labels[best]
    if q[best] < (decider.thresholds.propose if at is None else at) or q[best] <= q[none]:
        return []
    if event_type not in decider.known or any(ext.meaning.event_type == event_type for ext in besides):
        return []
    if decider.evidence and f"lt:{event_type}" not in features:
        return []  # no word of the sentence that the lexicon gives this type
    if event_type in decider.quiet_in_disaster and DISASTER in features:
        return []
    return _proposed(s, event_type, round(model.calibrate(float(q[best]), kind="proposed"), 3), status)


def _proposed(s: Sentence, event_type: str, confidence: float, status=None) -> list[Extraction]:
    "The model's event for a sentence the rules left silent: on its lexicon word or main verb, with its actors."
    trigger = _trigger_token(s, event_type)
    mentions, subject = s.proposal_mentions(trigger)
    mentions = [a for a in mentions if a.text]
    if subject is not None and subject.text:
        actor = subject
    elif mentions and s.first_mention_acts and event_type not in _UNNAMED_SECTORS:
        actor = mentions[0]
    else:
        actor = Actor(text="", name="unidentified", code=None, sector=_UNNAMED_SECTORS.get(event_type))
    recipient = next((a for a in mentions if a is not actor and a.code != actor.code), None)
    negated, hypothetical = status(trigger) if status is not None else (False, False)
    return [Extraction(EventType(event_type), trigger, trigger.text, actor, recipient, negated, hypothetical,
                       confidence, decided=True)]


def _trigger_token(s: Sentence, event_type: str):
    "The word that carries a proposed event: a lexicon word of its type, else the root, else the first word."
    lexicon = s.lex
    for tok in s.span:
        lemma = s.lemma(tok)
        for pos in ("V", "N"):
            trig = lexicon.match(lemma, pos) if lexicon.has(lemma, pos) else None
            if trig is not None and trig.meaning.event_type == event_type:
                return tok
    return s.span.root if len(s.span) else s.span.doc[s.span.start]
