"""The headline pass: ACTOR TRIGGER [OBJECT] [RECIPIENT] within each clause of a title.

INTERFACE:

    headline_events(s) -> list[Extraction]     # s: the Sentence of the title

Headlines are written in a grammar the parser does not know ("US pressures Israel for Gaza
truce"), so a title is read as a pattern instead: within a clause (split at commas, colons,
semicolons and dashes), an actor word followed by a verb of the lexicon (the tagger may have
taken it for a noun: "pressures"), then its object and recipient. Scored lower than a parse
(``_HEADLINE_PATTERN``).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ..lexicon import Lexicon
from .extraction import Extraction, emit
from .roles import MONADIC_TYPES, finish_roles
from .sentence import Sentence

# Confidence factor of the pattern, set by hand like those in extraction.py
_HEADLINE_PATTERN = 0.85


def headline_events(s: Sentence) -> list[Extraction]:
    "ACTOR TRIGGER [OBJECT] [RECIPIENT] within each clause of a headline."
    out: list[Extraction] = []
    for clause in _clauses(s.span):
        for k, tok in enumerate(clause):
            if k == 0 or tok.is_punct or tok.pos_ in ("DET", "ADP"):
                continue
            lemma = _verb_lemma(tok, s.lex)
            if lemma is None:
                continue
            actor = s.actor(clause[k - 1])
            if actor is None:
                continue
            rest = clause[k + 1:]
            dobj = _first_noun_phrase_head(rest)
            trig = s.lex.match(lemma, "V", dobj=dobj.lemma_.lower() if dobj is not None else None,
                               preps=tuple(t.lower_ for t in rest if t.pos_ == "ADP"))
            if trig is None:
                continue
            recipients = [a for a in (s.actor(t) for t in rest) if a is not None and a.code != actor.code]
            if not recipients and trig.meaning.event_type not in MONADIC_TYPES:
                # "..., Hamas skips cease-fire talks": the other party of the headline
                others = sorted((t for t in s.span if t not in clause and t.pos_ == "PROPN"),
                                key=lambda t: abs(t.i - tok.i))
                recipients = [a for a in (s.actor(t) for t in others)
                              if a is not None and a.code and a.code != actor.code][:1]
            s.used.update(t.i for t in clause[k:k + 1])
            roles = finish_roles(s, [actor], recipients[:1], trig)
            out.extend(emit(s, trig, tok, tok.text, roles, negated=False,
                            modality=None, factor=_HEADLINE_PATTERN))
            break
    return out


def _clauses(sent: Span) -> list[list[Token]]:
    "Split a headline into clauses at commas, semicolons, colons and dashes."
    clauses: list[list[Token]] = [[]]
    for tok in sent:
        spaced = tok.i > sent.start and bool(sent.doc[tok.i - 1].whitespace_)
        if tok.text in (",", ";", ":", "–", "—", "|") or (tok.text == "-" and spaced):
            clauses.append([])
        else:
            clauses[-1].append(tok)
    return [c for c in clauses if c]


def _first_noun_phrase_head(tokens: list[Token]) -> Token | None:
    "The last noun of the first run of nouns ('cease-fire talks' -> talks)."
    head = None
    for tok in tokens:
        if tok.pos_ in ("NOUN", "PROPN") or (head is not None and tok.text == "-"):
            if tok.pos_ in ("NOUN", "PROPN"):
                head = tok
        elif head is not None:
            break
    return head


def _verb_lemma(tok: Token, lex: Lexicon) -> str | None:
    "The verb lemma of a headline word the tagger may have taken for a noun ('pressures')."
    candidates = [tok.lemma_.lower(), tok.lower_]
    low = tok.lower_
    if low.endswith("ies"):
        candidates.append(low[:-3] + "y")
    if low.endswith("es"):
        candidates.append(low[:-2])
    if low.endswith("s"):
        candidates.append(low[:-1])
    for cand in candidates:
        if lex.has(cand, "V"):
            if tok.pos_ in ("VERB", "AUX") or low.endswith("s"):
                return cand
    return None
