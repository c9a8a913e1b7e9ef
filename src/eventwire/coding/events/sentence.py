"""The sentence being coded: its words and lexicon, what the passes have used, and the actors it names.

INTERFACE:

    s = Sentence(span, lexicon, dictionary, when, previous)   # short-lived, one per sentence
    s.span, s.lex, s.cls (the lexicon's word classes)
    s.used: set[int]             # token indices a pass has coded (trigger or light verb)
    s.denials: list[Token]       # verbs of denied accusations ("rejected claims that ...")
    s.question: bool             # the sentence ends with "?"
    s.actor(tok) -> Actor | None             # one noun-phrase head, pronouns resolved (cached)
    s.actors_of(tok, *, conjuncts=True) -> list[Actor]   # one per conjunct ("the US and Egypt")
    s.mentions() -> list[Actor]              # every actor mention of the sentence, found once
    s.nearest_other_actor(actors, outside=()) -> Actor | None
    s.disaster_story() -> bool               # disaster words here or earlier in the paragraph, no hostility

    same_actor(a, b) -> bool     # 'French farmers' and 'Paris' are not the same actor
    conjuncts_of(tok) -> list[Token]   # the token and its coordinated siblings
    RELATIVE_PRONOUNS, COLLECTIVE_HEADS      # word sets the passes share

A noun phrase names an actor through the dictionaries (``coding.actors``), through its members
("a group of Moroccan diplomats"), as a spokesman ("a spokesman for the Taliban"), as a pronoun
or "the group" (the earlier sentences' actors, then this one's), as the subject pronoun of
reported speech (its speaker), or as a name the dictionaries do not know (an uncoded actor).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable

from spacy.tokens import Span, Token

from ...records import Actor
from .. import actors as actors_mod
from ..actors import ActorDictionary
from ..lexicon import Lexicon
from .tree import child

RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom", "whose"})
# heads that stand for the people in their "of" phrase ("a group of diplomats")
COLLECTIVE_HEADS = frozenset({"group", "number", "thousand", "hundred", "dozen", "million", "member", "delegation",
                              "deployment", "patch", "force", "wave",
                              "team", "contingent", "batch", "crowd", "body", "some", "many", "most", "all",
                              "band", "unit", "detachment", "column", "convoy", "score", "handful",
                              "several", "each", "majority", "rest", "tens", "lot"})
_UNKNOWN_ACTOR_LABELS = frozenset({"PERSON", "ORG"})
_ORGANISATION_HEADS = frozenset({"party", "movement", "front", "group", "union", "council", "alliance", "association",
                                 "organisation", "organization", "coalition", "brigade", "militia", "faction"})
_SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "mouthpiece"})


class Sentence:
    """One sentence being coded and the actors it names; short-lived, one per sentence."""

    def __init__(self, span: Span, lexicon: Lexicon, dictionary: ActorDictionary,
                 when: dt.date | None, previous: list[Actor] | Callable[[], list[Actor]]):
        self.span = span
        self.lex = lexicon
        self.cls = lexicon.classes
        self.dictionary = dictionary
        self.when = when
        self.previous = previous
        self.used: set[int] = set()
        self.denials: list[Token] = []  # verbs of denied accusations ("rejected claims that ...")
        last = next((t for t in reversed(span) if not t.is_space), None)
        self.question = last is not None and last.text.rstrip().endswith("?")
        self._actor_cache: dict[int, Actor | None] = {}
        self._mentions: list[Actor] | None = None

    # a proposed event without a subject may take the sentence's first actor mention as its actor
    first_mention_acts = True

    @staticmethod
    def lemma(tok: Token) -> str:
        "A word's lemma as the lexicon keys it (lower case)."
        return tok.lemma_.lower()

    def proposal_mentions(self, trigger: Token) -> tuple[list[Actor], Actor | None]:
        """The actors an event the learned decision proposes may take, in order, and the one that is
        the subject of the sentence's main verb (English: every mention of the sentence)."""
        mentions = self.mentions()
        subject = next((a for a in mentions if a.text and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.left_edge.idx <= a.start < c.right_edge.idx + len(c.right_edge.text)
            for c in self.span.root.children)), None)
        return mentions, subject

    def mentions(self) -> list[Actor]:
        "Every actor mention of the sentence, found once."
        if self._mentions is None:
            self._mentions = actors_mod.find_actor_mentions(self.span, self.dictionary, when=self.when)
        return self._mentions

    def actors_of(self, tok: Token | None, *, conjuncts: bool = True) -> list[Actor]:
        "The actor(s) a noun phrase names: one per conjunct, pronouns resolved."
        if tok is None:
            return []
        found = []
        for member in (conjuncts_of(tok) if conjuncts else [tok]):
            actor = self.actor(member)
            if actor is not None and not any(same_actor(actor, f) for f in found):
                found.append(actor)
        return found

    def actor(self, tok: Token) -> Actor | None:
        "Resolve one noun-phrase head (cached per token)."
        if tok.i not in self._actor_cache:
            actor = None
            if tok.pos_ == "PRON":
                if tok.lower_ not in RELATIVE_PRONOUNS:
                    actor = self._antecedent(tok) or self._speaker(tok)
            else:
                actor = actors_mod.resolve_actor(tok, self.dictionary, when=self.when)
                if actor is None and (tok.lemma_.lower() in COLLECTIVE_HEADS or tok.pos_ == "NUM"):
                    actor = self._member_actor(tok, ("of",))  # "a group of Moroccan diplomats", "thousands of Kurds"
                if actor is None and tok.lower_ in ("group", "ministry", "government", "militants"):
                    actor = self._antecedent(tok)
                if tok.lemma_.lower() in _SPOKESPEOPLE:  # "a spokesman for the Taliban" speaks for it
                    actor = self._member_actor(tok, ("for", "of")) or actor
                if actor is None:  # "the group al-Nusra Front": the apposed name, when the dictionaries know it
                    appos = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
                    named = actors_mod.resolve_actor(appos, self.dictionary, when=self.when) if appos is not None else None
                    actor = named if named is not None and named.code else _named_unknown(tok, self.lex)
            self._actor_cache[tok.i] = actor
        return self._actor_cache[tok.i]

    def _member_actor(self, tok: Token, preps: tuple[str, ...]) -> Actor | None:
        "The actor of the first of these prepositional phrases on a head ('thousands of Kurds')."
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps), None)
        member = child(prep, ("pobj",))
        return self.actor(member) if member is not None else None

    def _speaker(self, tok: Token) -> Actor | None:
        "'The Umma party said it will boycott ...': the subject pronoun of reported speech is its speaker."
        clause = tok.head
        if tok.dep_ != "nsubj" or clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in self.cls.speech:
            return None
        speaker = child(clause.head, ("nsubj",))
        return self.actor(speaker) if speaker is not None and speaker.pos_ != "PRON" else None

    def _antecedent(self, tok: Token) -> Actor | None:
        "The actor a pronoun or 'the group' refers to: earlier sentences, then earlier in this one."
        earlier = [m for m in self.mentions() if m.end <= tok.idx]
        if callable(self.previous):
            self.previous = self.previous()
        return actors_mod.resolve_reference(tok, list(self.previous) + earlier, dictionary=self.dictionary)

    def nearest_other_actor(self, actors: list[Actor], outside: list[tuple[int, int]] = ()) -> Actor | None:
        "The actor mention closest to the actor whose country differs from every actor's, outside these spans."
        codes = {a.code for a in actors if a.code}
        mentions = self.mentions()
        anchor = actors[0].start
        candidates = [m for m in mentions if m.code and m.code not in codes
                      and not any(m.start < a.end and a.start < m.end for a in actors)
                      and not any(start <= m.start < end for start, end in outside)]
        if not candidates:
            return None
        return min(candidates, key=lambda m: (abs(m.start - anchor), m.start))

    def disaster_story(self) -> bool:
        """Whether the sentence tells of a disaster: disaster words in it or earlier in its
        paragraph ("explosions tore through a chemical store ... The blasts killed 50"), and no
        word of hostility in either ("attacked with poisonous gas" is an attack)."""
        first_disaster, first_hostile = _first_marks(self.span.doc, self.cls)
        return first_disaster < self.span.end and not first_hostile < self.span.end


def same_actor(a: Actor, b: Actor) -> bool:
    "Whether two actor records are the same actor ('French farmers' and 'Paris' are not)."
    return a.name == b.name and a.code == b.code and a.sector == b.sector


def conjuncts_of(tok: Token) -> list[Token]:
    "The token and its coordinated siblings ('the US and Egypt')."
    expand = getattr(actors_mod, "expand_conjuncts", None)
    if expand is not None:
        return list(expand(tok))
    return [tok, *tok.conjuncts]


def _named_unknown(tok: Token, lexicon: Lexicon | None = None) -> Actor | None:
    """A person or organisation the dictionaries do not know ("John Smallwood resigned"): an actor
    with its name and no code, as GDELT keeps an uncoded actor's name, rather than no event.

    A capitalised common noun is no name: not an event word of the lexicon ("Airstrike kills 12":
    the trigger, not the actor), and not an untagged word of a title-case headline."""
    if tok.dep_ not in ("nsubj", "nsubjpass") and not (tok.dep_ == "pobj" and tok.head.dep_ == "agent"):
        return None  # an agent only: an unknown name is no better a recipient than the fallback
    if lexicon is not None and _event_word(tok, lexicon):
        return None
    if tok.ent_iob_ == "O" or not tok.ent_type_:
        # an untagged proper-noun subject ("Hezb-e-Islami threatened ..."): the name is the actor
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in _ORGANISATION_HEADS:
            # "the fundamentalist Umma (Nation) party": a named organisation of a known kind
            names = [c for c in tok.children if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN" and c.i < tok.i]
            if not names:
                return None
            span = tok.doc[min(c.i for c in names):tok.i + 1]
            return Actor(text=span.text, name=span.text, code=None, sector=None, start=span.start_char, end=span.end_char)
        if tok.pos_ != "PROPN" or not tok.is_title or _title_case(tok.sent):
            return None
        left = min([c.i for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < tok.i] + [tok.i])
        span = tok.doc[left:tok.i + 1]
        return Actor(text=span.text, name=span.text, code=None, sector=None, start=span.start_char, end=span.end_char)
    if tok.ent_type_ not in _UNKNOWN_ACTOR_LABELS:
        return None
    doc, start, end = tok.doc, tok.i, tok.i + 1  # the entity around the token, from its IOB tags
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    ent = doc[start:end]
    if ent.root.i != tok.i:
        return None
    return Actor(text=ent.text, name=ent.text, code=None, sector=None, start=ent.start_char, end=ent.end_char)


def _event_word(tok: Token, lexicon: Lexicon) -> bool:
    "Whether a one-word name is an event noun or verb of the lexicon ('Airstrike', 'Clashes', 'Protest')."
    if any(c.dep_ in ("compound", "flat") for c in tok.children):
        return False  # "the Strike Force Brigade": a longer name
    words = {tok.lower_, tok.lemma_.lower()}
    return any(lexicon.has(w, pos) for w in words for pos in ("N", "V"))


_TITLE_CASE_SHARE = 0.7  # "Gunmen Kill 12 In Northern Village": most words of four letters or more capitalised


def _title_case(sent: Span) -> bool:
    "Whether a sentence is written in title case, where a capital letter does not mark a name."
    words = [t for t in sent if t.is_alpha and len(t) >= 4]
    return len(words) >= 3 and sum(t.is_title for t in words) >= _TITLE_CASE_SHARE * len(words)


# Per parsed paragraph: (verb classes, index of its first disaster word, of its first hostile word).
_MARKS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _first_marks(doc, classes) -> tuple[int, int]:
    "Token index of a paragraph's first disaster word and first hostile word (len(doc) when none)."
    marks = _MARKS.get(doc)
    if marks is None or marks[0] is not classes:
        disaster = hostile = len(doc)
        for t in doc:
            words = (t.lower_, t.lemma_.lower())
            if disaster == len(doc) and (words[0] in classes.disaster_words or words[1] in classes.disaster_words):
                disaster = t.i
            if hostile == len(doc) and (words[0] in classes.hostile_words or words[1] in classes.hostile_words):
                hostile = t.i
        marks = _MARKS[doc] = (classes, disaster, hostile)
    return marks[1], marks[2]
