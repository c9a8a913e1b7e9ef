"""The coder's record, ``Extraction``, and how a pass's trigger becomes extractions with a confidence.

INTERFACE:

    Extraction(meaning, trigger, trigger_text, actor, recipient, negated, hypothetical, confidence)
    emit(s, trig, tok, text, roles, *, negated, modality, factor=1.0) -> list[Extraction]
        # one per actor x recipient (each member of a mutual subject with the others); none
        # when the roles name no actor; the modality recoded (modality.recode)

The record sits below the passes so that each pass returns extractions without importing the
coder that runs it (``coder.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from ...records import Actor, EventType
from ..lexicon import Trigger
from .modality import is_asked, recode
from .roles import Roles
from .sentence import Sentence

# Confidence factors, set by hand on the sample page and the golden articles
# (re-run `eventwire eval` after any change): a parse-based event with a country-coded
# actor and a recipient from its own arguments scores the lexicon weight itself.
# The passes' own factors (headline pattern, demands, protesters) sit beside them in passes.py.
_NO_ACTOR_CODE = 0.75
_RECIPIENT_FALLBACK = 0.8
_NO_RECIPIENT = 0.9
_UNIDENTIFIED = 0.8  # an event whose actor the text does not name


@dataclass(frozen=True, slots=True)
class Extraction:
    """One event found in a sentence, before its date, place and id are attached."""

    meaning: EventType
    trigger: Token  # the token that carries the event (a verb, or the event noun)
    trigger_text: str
    actor: Actor
    recipient: Actor | None
    negated: bool
    hypothetical: bool
    confidence: float
    decided: bool = False  # its confidence is the learned decision's calibrated one (decision.py), already kept


def confidence(weight: float, actor: Actor, recipient: Actor | None, *, fallback: bool = False,
               factor: float = 1.0) -> float:
    "An extraction's confidence: the trigger's weight, less for what the roles leave unknown."
    conf = weight * factor * (1.0 if actor.code else _NO_ACTOR_CODE) * (_UNIDENTIFIED if not actor.text else 1.0)
    conf *= _NO_RECIPIENT if recipient is None else (_RECIPIENT_FALLBACK if fallback else 1.0)
    return round(min(1.0, conf), 3)


def emit(s: Sentence, trig: Trigger, tok: Token, text: str, roles: Roles, *, negated: bool,
         modality: str | None, factor: float = 1.0) -> list[Extraction]:
    "One extraction per actor x recipient; a stated intention is coded as what it is (AGREE, THREATEN)."
    if is_asked(s, tok):
        modality = "question"
    if modality == "intent" and roles.actors and all(not a.text for a in roles.actors):
        modality = "possible"  # "a major offensive is being prepared": no one named announced it
    meaning, negated, hypothetical = recode(trig.meaning, modality, negated)
    out = []
    for actor in roles.actors:
        recipients = [a for a in roles.actors if a is not actor] if roles.mutual else roles.recipients
        for recipient in recipients or (None,):
            out.append(Extraction(meaning, tok, text, actor, recipient, negated, hypothetical,
                                  confidence(trig.weight, actor, recipient, fallback=roles.recipient_fallback,
                                             factor=factor)))
    return out
