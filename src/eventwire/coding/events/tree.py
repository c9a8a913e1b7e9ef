"""Dependency-tree helpers the event coder's modules share: plain functions of spaCy tokens.

INTERFACE:

    child(tok, ("dobj", "attr")) -> Token | None   # the first child with one of these labels
    char_extent(tok) -> (start, end)                 # character offsets of the token's subtree
    to_infinitive(verb) -> bool                      # "to discuss", "to fire"
    grounds(trigger) -> list[Token]                  # the "for" phrases that give a trigger's reason

A helper with one caller sits beside it instead (``modality._governing_chain``,
``passes._object_of_verb``).
"""

from __future__ import annotations

from spacy.tokens import Token


def child(tok: Token | None, deps) -> Token | None:
    "The first child with one of these dependency labels."
    if tok is None:
        return None
    for kid in tok.children:
        if kid.dep_ in deps:
            return kid
    return None


def char_extent(tok: Token) -> tuple[int, int]:
    "The character offsets of a token's whole subtree."
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def to_infinitive(verb: Token) -> bool:
    "Whether a verb is a to-infinitive ('to discuss', 'to fire')."
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def grounds(trigger: Token) -> list[Token]:
    "The 'for' phrases that give the reason of a trigger or of the light verb it is the object of."
    heads = [trigger] + ([trigger.head] if trigger.dep_ in ("dobj", "nsubjpass") else [])
    return [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "for"]
