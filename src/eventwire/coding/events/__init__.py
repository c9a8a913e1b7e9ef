"""The event coder: who did what to whom in one sentence, from its dependency parse.

INTERFACE:

    extract_events(sentence, *, lexicon, dictionary, when=None, headline=False, previous=None)
        -> list[Extraction]
    Extraction       # frozen: meaning, trigger, trigger_text, actor, recipient, negated,
                     # hypothetical, confidence

Modules, each importing only those below it:

    coder.py       extract_events: the order of the passes, the sentence's events revised together
    decision.py    the learned decision over the rules' events (keep, drop, re-type, propose; calibrate)
    headline.py    the headline pattern pass
    passes.py      the construction passes (verbal, nominal, under-attack, demand, dismissal, protester)
    extraction.py  Extraction, and emitting a pass's trigger as extractions with a confidence
    modality.py    whether it happened: negation, refusal, modality, questions; recoding intentions
    roles.py       who did it to whom: subject, objects, recipients, nominal agents; Roles
    sentence.py    Sentence: the sentence being coded and the actors it names
    tree.py        dependency-tree helpers they share
"""

from .coder import extract_events
from .extraction import Extraction

__all__ = ["Extraction", "extract_events"]
