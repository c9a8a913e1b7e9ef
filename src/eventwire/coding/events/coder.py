"""Who did what to whom, from the dependency parse of one sentence.

For each trigger (a verb or an event noun in the lexicon) the coder finds:

- the actor: the subject (``nsubj``), the passive agent ("by X"), the subject inherited
  through ``xcomp``/``conj``/``advcl``, the noun a relative clause hangs on ("the Biden
  administration, which had renewed calls ..."), or for a nominal event its possessor,
  adjective or compound ("Israel's assassination", "Israeli airstrikes");
- the recipient: the passive subject, the direct object (or the actor inside it:
  "Israel's proposals"), a recipient preposition ("with", "against", "on", "into" ...), a
  nominal's "of" argument ("assassination of a senior Hamas official"), "between A and B";
- what it means: the lexicon entry whose pattern fits (particle, preposition, object);
  light verbs take their meaning from their object ("launch an attack", "hold talks");
- whether it happened: negation ("did not attack"), refusal ("refused to take part" is a
  REJECT, and the talks are not an event), intent and conditionals ("threatened to
  strike", "would continue", "if"), fears and guesses, questions, future.

Headlines are written in a grammar the parser does not know ("US pressures Israel for
Gaza truce"); titles also get a pattern pass: ACTOR TRIGGER [RECIPIENT] within a clause.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from dataclasses import dataclass, replace
from typing import Callable

from spacy.attrs import DEP, ENT_TYPE, POS
from spacy.parts_of_speech import AUX, NOUN, PROPN, VERB
from spacy.strings import get_string_id
from spacy.tokens import Span, Token

from ...records import Actor, EventType
from .. import actors as actors_mod
from ..actors import ActorDictionary
from ..lexicon import Lexicon, Trigger

logger = logging.getLogger(__name__)

_RECIPIENT_PREPS = frozenset({"with", "against", "on", "at", "to", "toward", "towards", "into", "upon", "onto"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
_RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom", "whose"})
# "withdraw from Chad", "expelled from Kenya": the place left is the recipient
_FROM_PREP = frozenset({"from"})
_FROM_TYPES = frozenset({"RETREAT", "SANCTION", "COERCE"})
# restrictions imposed on a place ("a curfew in Algiers", "a blockade in Gaza") target it
_PLACE_TARGET_TYPES = frozenset({"COERCE", "SANCTION"})
_PURPOSE_RECIPIENT_TYPES = frozenset({"RETREAT", "AID", "CONCEDE", "COOPERATE"})
_LONG_SPANS = frozenset({"year", "decade", "century", "generation"})
_REFUGE_NOUNS = frozenset({"refuge", "asylum", "shelter", "sanctuary", "protection"})
# heads that stand for the people in their "of" phrase ("a group of diplomats")
# nouns that name an activity whose kind their modifier gives ("a mediation effort")
_GENERIC_EVENT_HEADS = frozenset({"effort", "campaign", "operation", "process", "initiative", "mission",
                                  "bid", "attempt", "drive", "programme", "program", "round", "plan"})
_COLLECTIVE_HEADS = frozenset({"group", "number", "thousand", "hundred", "dozen", "million", "member", "delegation",
                               "deployment", "patch", "force", "wave",
                               "team", "contingent", "batch", "crowd", "body", "some", "many", "most", "all",
                               "band", "unit", "detachment", "column", "convoy", "wave", "score", "handful",
                               "several", "each", "majority", "rest", "tens", "lot"})
# the content of these events is not yet a fact ("calls for a cease-fire")
_CONTENT_HYPOTHETICAL_TYPES = frozenset({"REQUEST", "AGREE", "THREATEN", "REJECT"})
# event nouns whose place-name modifier names the agent ("US sanctions", "Israel strikes")
_PLACE_AGENT_TYPES = frozenset({"SANCTION", "ASSAULT", "AID", "MOBILIZE", "COERCE"})
# events that need no recipient to be complete
_MONADIC_TYPES = frozenset({"PROTEST", "MOBILIZE", "RETREAT"})
_HALT_WEIGHT = 0.8
_SCAN_ATTRS = [POS, DEP, ENT_TYPE]
_ROOT = get_string_id("ROOT")
_NOT_EVENT_ENTITIES = frozenset(map(get_string_id, ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")))
_UNDER_VERBS = frozenset({"come", "be"})  # "came under fire", "was under attack"
# events two actors do to each other when both are the subject ("X and Y met", "X and Y clashed")
_MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_MUTUAL_ASSAULTS = frozenset({"clash", "fight", "battle", "skirmish"})
# Confidence factors, set by hand on the sample page and the golden articles
# (re-run `eventwire eval` after any change): a parse-based event with a country-coded
# actor and a recipient from its own arguments scores the lexicon weight itself.
_NO_ACTOR_CODE = 0.75
_RECIPIENT_FALLBACK = 0.8
_NO_RECIPIENT = 0.9
_HEADLINE_PATTERN = 0.85
_DEMAND_WEIGHT = 0.7  # "said ... must": a demand, less explicit than "demanded"
_UNIDENTIFIED = 0.8  # an event whose actor the text does not name
_PROTESTER_SUBJECT = 0.7  # a protest known only from its people ("protesters poured into the streets")
_PROTESTER_OBJECT = 0.6  # a protest known from the force used on it ("police fired tear gas at protesters")
# Material events that are worth coding with an unnamed actor, as ACLED does
_UNIDENTIFIED_ACTORS = {"ASSAULT": ("unidentified armed group", "UAF"), "PROTEST": ("protesters", "CVL"),
                        "COERCE": ("authorities", "COP")}  # "was arrested": by the police, unnamed


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


@dataclass(frozen=True, slots=True)
class _Roles:
    actors: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    recipient_fallback: bool
    mutual: bool = False  # "Czechia and China signed an agreement": each member's recipient is the other


def extract_events(sentence: Span, *, lexicon: Lexicon, dictionary: ActorDictionary,
                   when: dt.date | None = None, headline: bool = False,
                   previous: list[Actor] | Callable[[], list[Actor]] | None = None) -> list[Extraction]:
    """Every event in one sentence, one per (actor, recipient) pair of a compound actor.

    ``previous`` is the actors of the sentences before (or a function that finds them, called
    only when a pronoun needs an antecedent: finding them costs a tenth of the run).
    """
    coder = _SentenceCoder(sentence, lexicon, dictionary, when, previous or [])
    found: list[Extraction] = []
    if headline:
        found.extend(coder.headline_events())
    doc = sentence.doc
    # the sentence's tags as plain ints: a Token only for the words that may carry an event
    for i, (pos, dep, ent_type) in enumerate(doc.to_array(_SCAN_ATTRS)[sentence.start:sentence.end].tolist(),
                                              start=sentence.start):
        if i in coder.used or ent_type in _NOT_EVENT_ENTITIES:
            continue
        if pos == VERB or (pos == AUX and dep == _ROOT):
            found.extend(coder.verbal_events(doc[i]))
        elif pos == NOUN or pos == PROPN:
            tok = doc[i]
            if lexicon.has(tok.lemma_.lower(), "N"):
                found.extend(coder.nominal_events(tok))
    found.extend(coder.protester_events(found))
    found = _fold_protest_demands(found)
    found = [_hostile_request(ext, lexicon) for ext in found]
    if coder.denials:  # "rejected accusations that he raped a girl": the rape is alleged
        found = [replace(ext, hypothetical=True)
                 if any(_in_content(frame, ext.trigger) for frame in coder.denials) else ext for ext in found]
    if found and coder.disaster_story():
        found = [ext for ext in found if not _emergency_instruction(ext)]
    found = [ext for ext in found if not _collision(ext, sentence, lexicon.classes.vehicle_nouns)]
    return _dedupe(_mark_reported_content(found))


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
                    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in _RELATIVE_PRONOUNS for c in node.children):
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


_PUNITIVE_TYPES = frozenset({"SANCTION", "COERCE", "ASSAULT", "MOBILIZE", "THREATEN"})


_PEACEKEEPING = EventType("AID", None, ("peacekeeping",), "074")
_DIPLOMATIC_PROTEST = EventType("ACCUSE", "disapprove", ("diplomatic",), "111")
# CAMEO 164 / 165: talks or mediation broken off ("ended mediation efforts", "broke off talks")
_HALT_NEGOTIATIONS = EventType("SANCTION", "withdraw", ("diplomatic",), "164")
_HALT_MEDIATION = EventType("SANCTION", "withdraw", ("diplomatic",), "165")


def _phrasal_frame(noun: Token, frames: frozenset[str]) -> bool:
    "Whether an event noun is the object of a phrasal frame ('went on strike': 'on go' in frames)."
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep":
        return False
    return prep.head.pos_ in ("VERB", "AUX") and f"{prep.lower_} {prep.head.lemma_.lower()}" in frames


def _phrasal_lemma(verb: Token) -> str:
    "A verb's lemma with its particle: 'break off', 'call off', 'end'."
    prt = _child(verb, ("prt",))
    return f"{verb.lemma_.lower()} {prt.lower_}" if prt is not None else verb.lemma_.lower()


def _modifier_only(found: list[Actor], obj: Token) -> bool:
    "Whether an object's 'actor' is only an uncoded adjective before it: 'a military offensive'."
    doc = obj.doc
    return all(a.code is None and -1 < a.end <= obj.idx
               and all(t.pos_ == "ADJ" for t in doc.char_span(a.start, a.end, alignment_mode="expand") or ())
               for a in found)


def _statement_frame(noun: Token) -> tuple[Token | None, Token | None]:
    """The noun whose 'for/over/about/of' phrase holds an event noun, and the verb that noun is the
    object of: ("condolences", "expressed") for "expressed condolences over the attack"."""
    while noun.dep_ == "conj" and noun.head is not noun:  # "the casualties ... and the attack"
        noun = noun.head
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in _FRAME_PREPS:
        return None, None
    frame = prep.head
    if frame.pos_ in ("VERB", "AUX"):  # "expressed condolences to X over the attack"
        verb, frame = frame, _child(frame, ("dobj",))
        return (frame, verb) if frame is not None else (None, None)
    if frame.pos_ not in ("NOUN", "PROPN"):
        return None, None
    return frame, _object_of_verb(frame)


_FRAME_PREPS = frozenset({"for", "over", "about", "of", "at", "on", "regarding", "concerning"})


def _named_unknown(tok: Token) -> Actor | None:
    """A person or organisation the dictionaries do not know ("John Smallwood resigned"): an actor
    with its name and no code, as GDELT keeps an uncoded actor's name, rather than no event."""
    if tok.dep_ not in ("nsubj", "nsubjpass") and not (tok.dep_ == "pobj" and tok.head.dep_ == "agent"):
        return None  # an agent only: an unknown name is no better a recipient than the fallback
    if tok.ent_iob_ == "O" or not tok.ent_type_:
        # an untagged proper-noun subject ("Hezb-e-Islami threatened ..."): the name is the actor
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in _ORGANISATION_HEADS:
            # "the fundamentalist Umma (Nation) party": a named organisation of a known kind
            names = [c for c in tok.children if c.dep_ in ("compound", "nmod") and c.pos_ == "PROPN" and c.i < tok.i]
            if not names:
                return None
            span = tok.doc[min(c.i for c in names):tok.i + 1]
            return Actor(text=span.text, name=span.text, code=None, sector=None, start=span.start_char, end=span.end_char)
        if tok.pos_ != "PROPN" or not tok.is_title:
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


_UNKNOWN_ACTOR_LABELS = frozenset({"PERSON", "ORG"})
_ORGANISATION_HEADS = frozenset({"party", "movement", "front", "group", "union", "council", "alliance", "association",
                                 "organisation", "organization", "coalition", "brigade", "militia", "faction"})
_SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "representative", "mouthpiece"})


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


def _emergency_instruction(ext: Extraction) -> bool:
    """An order of the authorities to the public in a disaster ("ordered residents to shelter in
    place", "asked visitors to stay away"): a safety instruction, not a political demand."""
    return (ext.meaning.event_type == "REQUEST" and ext.actor.sector in ("GOV", "COP")
            and (ext.recipient is None or (ext.recipient.sector in (None, "CVL")
                                           and ext.recipient.code in (None, ext.actor.code))))


# Events named inside what an accusation, demand, refusal or threat is about are alleged
# or wished for, not asserted: "blamed Israel for the bombing", "demanded an admission
# that forces murdered ...".
_CONTENT_TAKING_TYPES = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN"})
# events whose "for" phrase tells the actor's reason: "arrested for spying", "sanctioned for its support of"
_GROUNDS_TAKING_TYPES = frozenset({"SANCTION", "COERCE"})
_SIDE_DEPS = frozenset({"advcl", "npadvmod", "conj", "parataxis", "appos", "relcl"})


def _mark_reported_content(found: list[Extraction]) -> list[Extraction]:
    """Mark as hypothetical the events inside the object of an ACCUSE/REQUEST/REJECT/THREATEN
    event, and those that are the stated grounds of a sanction or arrest ("sanctions on the
    Taliban for its support of bin Laden", "arrested for collaborating with Israel"): what the
    actor alleges, not what the reporter tells as a fact."""
    frames = [e.trigger for e in found if e.meaning.event_type in _CONTENT_TAKING_TYPES]
    grounds = [prep for e in found if e.meaning.event_type in _GROUNDS_TAKING_TYPES for prep in _grounds(e.trigger)]
    if not frames and not grounds:
        return found
    return [replace(ext, hypothetical=True)
            if not ext.hypothetical and (any(_in_content(frame, ext.trigger) for frame in frames)
                                         or any(prep.is_ancestor(ext.trigger) for prep in grounds)) else ext
            for ext in found]


def _grounds(trigger: Token) -> list[Token]:
    "The 'for' phrases that give the reason of a trigger or of the light verb it is the object of."
    heads = [trigger] + ([trigger.head] if trigger.dep_ in ("dobj", "nsubjpass") else [])
    return [c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "for"]


def _in_content(frame: Token, tok: Token) -> bool:
    "Whether ``tok`` lies in what ``frame`` is about: its object or complement ('blamed X for [the bombing]')."
    if frame.i == tok.i or not frame.is_ancestor(tok):
        return False
    node = tok
    while node.head.i != frame.i:  # a side clause ("..., protesting X") is not the content
        if node.dep_ in _SIDE_DEPS or _separate_clause(node):
            return False
        node = node.head
    return node.dep_ not in _SIDE_DEPS and node.dep_ not in ("nsubj", "nsubjpass") and not _separate_clause(node)


def _dedupe(found: list[Extraction]) -> list[Extraction]:
    "Keep one extraction per trigger, type, actor and recipient (the most confident)."
    best: dict[tuple, Extraction] = {}
    for ext in found:
        key = (ext.trigger.i, ext.meaning.event_type, ext.actor.name, ext.actor.code,
               ext.recipient.name if ext.recipient else None)
        if key not in best or ext.confidence > best[key].confidence:
            best[key] = ext
    return sorted(best.values(), key=lambda e: (e.trigger.i, e.actor.start, e.meaning.event_type))


class _SentenceCoder:
    """The grammar of one sentence; short-lived, one per sentence."""

    def __init__(self, sentence: Span, lexicon: Lexicon, dictionary: ActorDictionary,
                 when: dt.date | None, previous):
        self.sent = sentence
        self.lex = lexicon
        self.cls = lexicon.classes
        self.dictionary = dictionary
        self.when = when
        self.previous = previous
        self.used: set[int] = set()
        self.denials: list[Token] = []  # verbs of denied accusations ("rejected claims that ...")
        last = next((t for t in reversed(sentence) if not t.is_space), None)
        self.question = last is not None and last.text.rstrip().endswith("?")
        self._actor_cache: dict[int, Actor | None] = {}
        self._mentions: list[Actor] | None = None

    # ---- verbs -------------------------------------------------------------
    def verbal_events(self, verb: Token) -> list[Extraction]:
        "Events whose trigger is this verb (or a light verb's event noun)."
        lemma = verb.lemma_.lower()
        if not self.lex.has(lemma, "V") and lemma not in _UNDER_VERBS and lemma not in self.cls.speech:
            return []  # no entry, no 'came under fire', no 'said ... must': nothing below can match
        dobj = _child(verb, ("dobj", "attr"))
        if lemma in self.cls.light and dobj is not None and self.lex.has(dobj.lemma_.lower(), "N"):
            return []  # the noun carries the event; nominal_events handles it with this verb
        if dobj is not None and dobj.lemma_.lower() in _GENERIC_EVENT_HEADS and any(
                c.dep_ in ("compound", "amod") and self.lex.has(c.lemma_.lower(), "N") for c in dobj.children):
            return []  # "launched a mediation effort": the modifier carries the event
        trig = self._match_verb(verb)
        if trig is None:
            return self.under_attack_events(verb) or self.demand_events(verb) or self.dismissal_events(verb)
        if self._suppressed(verb) or self._denial(verb, trig):
            return []
        if trig.meaning.event_type == "MOBILIZE" and self._peacekeepers(verb):
            trig = replace(trig, meaning=_PEACEKEEPING)  # "peacekeepers arrived in Bosnia": CAMEO 074
        subject = _child(verb, ("nsubj",))
        if subject is not None:
            same = self.lex.match(subject.lemma_.lower(), "N")
            if same is not None and same.meaning.event_type == trig.meaning.event_type:
                return []  # "gun attacks killed seven": one event, carried by the noun
        purpose = self._purpose(verb)
        head = purpose if purpose is not None else (verb.head if verb.dep_ == "xcomp" else None)
        if head is not None:
            governing = self._match_verb(head)
            if governing is not None and governing.meaning.event_type == trig.meaning.event_type:
                return []  # "met with mediators to discuss ...", "summoned the envoy to complain": one event
        self.used.add(verb.i)
        roles = self._verb_roles(verb, trig)
        text = verb.text + "".join(" " + p.text for p in verb.children if p.dep_ == "prt")
        modality = "purpose" if purpose is not None else self._modality(verb)
        if modality is None and verb.dep_ == "advcl" and _to_infinitive(verb):
            modality = self._modality(verb.head) and "purpose"  # "must ensure security to allow ...": no more a fact than its head
        return self._emit(trig, verb, text, roles, negated=self._negated(verb), modality=modality)

    def _peacekeepers(self, verb: Token) -> bool:
        "Whether the forces a deployment moves are peacekeepers (its subject or object)."
        nouns = [_child(verb, (dep,)) for dep in ("nsubj", "nsubjpass", "dobj")]
        nouns += [_child(p, ("pobj",)) for p in verb.children if p.dep_ == "prep" and p.lower_ == "as"]
        return any(noun is not None and any(t.lemma_.lower() in ("peacekeeper", "peacekeeping") for t in noun.subtree)
                   for noun in nouns)

    def _denial(self, verb: Token, trig: Trigger) -> bool:
        """"Rejected accusations that ...", "dismissed the allegations", "declined to comment": a
        denial or a refusal to speak is a statement (CAMEO 016), which PLOVER does not code."""
        if trig.meaning.event_type not in ("REJECT", "ACCUSE"):
            return False
        dobj = _child(verb, ("dobj",))
        if dobj is not None and dobj.lemma_.lower() in self.cls.denied_statements:
            self.denials.append(verb)  # what the denied accusation says stays alleged
            return True
        content = _child(verb, ("xcomp",))
        return content is not None and content.lemma_.lower() in self.cls.speech_acts

    def under_attack_events(self, verb: Token) -> list[Extraction]:
        """"Planes came under small arms fire", "the convoy came under attack": the subject is the
        target, the attacker unnamed (ACLED's unidentified armed group) unless "from"/"by" names it."""
        if verb.lemma_.lower() not in _UNDER_VERBS or verb.i in self.used:
            return []
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ != "under":
                continue
            noun = _child(prep, ("pobj",))
            if noun is None:
                continue
            lemma = noun.lemma_.lower()
            trig = self.lex.match("fire", "V", preps=("on",)) if lemma == "fire" else self.lex.match(lemma, "N")
            if trig is None or trig.meaning.event_type != "ASSAULT":
                continue
            attackers = [a for p in noun.children if p.dep_ == "prep" and p.lower_ in ("from", "by")
                         for a in self._actors_of(_child(p, ("pobj",)))]
            targets = self._actors_of(_child(verb, ("nsubj",)))
            self.used.update((verb.i, noun.i))
            roles = self._finish_roles(attackers, targets, trig)
            return self._emit(trig, noun, f"{verb.text} {prep.text} {noun.text}", roles,
                              negated=self._negated(verb), modality=self._modality(verb))
        return []

    def protester_events(self, found: list[Extraction]) -> list[Extraction]:
        """A protest told through its people: "Protesters poured into the streets", "Rioters
        fought with police", "crowds of demonstrators blocked roads" (ACLED codes the gathering)."""
        if any(e.meaning.event_type == "PROTEST" for e in found):
            return []
        # "police fired tear gas at protesters": a protest met with force (ACLED's "protest with intervention")
        repressed = any(e.meaning.event_type in ("ASSAULT", "COERCE") for e in found)
        for tok in self.sent:
            if tok.i in self.used:
                continue
            if tok.dep_ == "nsubj":
                if tok.head.pos_ not in ("VERB", "AUX"):
                    continue
            elif not (repressed and tok.dep_ in ("dobj", "pobj")):
                continue
            people = tok
            if tok.lemma_.lower() in _COLLECTIVE_HEADS:
                people = next((p for prep in tok.children if prep.dep_ == "prep" and prep.lower_ == "of"
                               for p in prep.children if p.dep_ == "pobj"), tok)
            lemma = people.lemma_.lower()
            if lemma not in self.cls.protester_nouns:
                continue
            trig = self.lex.match("riot" if lemma == "rioter" else "protest", "N")
            actors = self._actors_of(tok)
            if trig is None or not actors:
                continue
            roles = self._finish_roles(actors, [], trig)
            governor = tok.head if tok.dep_ != "pobj" else tok.head.head
            return self._emit(trig, people, people.text, roles, negated=self._negated(governor),
                              modality=self._modality(governor),
                              factor=_PROTESTER_SUBJECT if tok.dep_ == "nsubj" else _PROTESTER_OBJECT)
        return []

    def demand_events(self, verb: Token) -> list[Extraction]:
        "'X said Y must (should) do Z': X demands of Y (CAMEO 10)."
        if verb.lemma_.lower() not in self.cls.speech:
            return []
        content = _child(verb, ("ccomp",))
        if content is None or not any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in content.children):
            return []
        subject, _ = self._subject(verb)
        target = _child(content, ("nsubj", "nsubjpass"))
        actors, recipients = self._actors_of(subject), self._actors_of(target)
        if not actors:
            return []  # "the EU says intervention must be avoided": a demand with no named addressee
        trig = Trigger(verb.lemma_.lower(), "V", (), EventType("REQUEST", None, (), "100"), _DEMAND_WEIGHT)
        roles = self._finish_roles(actors, recipients, trig)
        return self._emit(trig, verb, f"{verb.text} ... must", roles, negated=self._negated(verb),
                          modality=self._modality(verb))

    def dismissal_events(self, verb: Token) -> list[Extraction]:
        """'X said that lifting the sanctions on Burma is out of the question': X rejects (CAMEO 12)
        what the clause's subject names, of the actor it names; the dismissed act stays hypothetical."""
        if verb.lemma_.lower() not in self.cls.speech:
            return []
        content = _child(verb, ("ccomp",))
        if content is None or content.lemma_.lower() != "be":
            return []
        predicate = " ".join(t.lower_ for t in content.subtree if t.i > content.i and t.dep_ != "punct")
        words = " ".join(c.lower_ for c in content.children if c.dep_ == "neg") + f" {predicate} "
        phrase = next((p for p in sorted(self.cls.dismissals) if f" {p} " in f" {words}"), None)
        if phrase is None or (self._negated(content) and not phrase.startswith("not ")):
            return []  # "is not out of the question": not ruled out
        dismissed = _child(content, ("nsubj", "csubj", "nsubjpass"))
        subject, _ = self._subject(verb)
        actors = self._actors_of(subject)
        if dismissed is None or not actors:
            return []
        left, right = _char_extent(dismissed)
        recipients = [m for m in self._sentence_mentions() if left <= m.start < right][:1]
        trig = Trigger(verb.lemma_.lower(), "V", (), EventType("REJECT", None, (), "120"), _DEMAND_WEIGHT)
        roles = self._finish_roles(actors, recipients, trig)
        return self._emit(trig, verb, f"{verb.text} ... {phrase}", roles, negated=False,
                          modality=self._modality(verb))

    def _match_verb(self, verb: Token) -> Trigger | None:
        "The lexicon entry for a verb in its syntactic frame."
        prt = tuple(c.lemma_.lower() for c in verb.children if c.dep_ == "prt")
        preps = tuple(c.lemma_.lower() for c in verb.children if c.dep_ in ("prep", "agent", "dative"))
        dobj = self._object(verb)
        return self.lex.match(verb.lemma_.lower(), "V", prt=prt, preps=preps,
                              dobj=dobj.lemma_.lower() if dobj is not None else None)

    def _object(self, verb: Token) -> Token | None:
        """A verb's direct object, or the noun spaCy made the subject of a clause after it
        ("shortened by one hour the nightly curfew imposed after a coup toppled the government":
        'curfew' as the subject of 'toppled'), when the verb takes that noun as a lexicon object."""
        dobj = _child(verb, ("dobj",))
        if dobj is not None:
            return dobj
        clause = _child(verb, ("ccomp",))
        if clause is None or any(c.dep_ == "mark" for c in clause.children) or verb.lemma_.lower() in self._clause_takers:
            return None
        subject = _child(clause, ("nsubj",))
        if subject is None or not verb.i < subject.i < clause.i or subject.pos_ != "NOUN":
            return None
        trig = self.lex.match(verb.lemma_.lower(), "V", dobj=subject.lemma_.lower())
        return subject if trig is not None and any(k == "dobj" and v != "*" for k, v in trig.constraints) else None

    @property
    def _clause_takers(self) -> frozenset[str]:
        "Verbs whose clausal complement is what they say, think, intend or ask."
        return self.cls.speech | self.cls.epistemic | self.cls.intent | self.cls.commitment | self.cls.request_governors

    def _suppressed(self, tok: Token) -> bool:
        "Whether a refusal or failure governs this trigger (then it did not happen)."
        governor = _governor(tok)
        return governor is not None and governor.lemma_.lower() in self.cls.negative

    def _verb_roles(self, verb: Token, trig: Trigger) -> _Roles:
        "Actor(s) and recipient(s) of a verbal event."
        subject, passive_subject = self._subject(verb)
        actors = self._actors_of(subject)
        recipients: list[Actor] = []
        if passive_subject is not None and not actors and trig.meaning.event_type in ("MOBILIZE", "AID") and (
                trig.meaning.event_type == "MOBILIZE" or "peacekeeping" in trig.meaning.contexts):
            actors = self._actors_of(passive_subject)  # "2,000 Russian soldiers were deployed": the forces move
        elif passive_subject is not None:
            recipients = self._actors_of(passive_subject)
        if "peacekeeping" in trig.meaning.contexts:  # the host country: "arrived in Bosnia"
            recipients = [a for p in verb.children if p.dep_ == "prep" and p.lower_ in ("in", "to", "into")
                          for a in self._actors_of(_child(p, ("pobj",)))] or recipients
        if not recipients:
            recipients = self._object_actors(verb, trig)
        if not recipients:  # "offered to hand over to Great Britain": the announced action's target
            content = _child(verb, ("xcomp",))
            if content is not None:
                recipients = self._object_actors(content, trig)
        if not recipients and verb.dep_ == "advcl" and _to_infinitive(verb):
            # "sent personnel to Bosnia to investigate": the purpose is carried out where they were sent
            recipients = [a for p in verb.head.children if p.dep_ == "prep" and p.lower_ in ("to", "into")
                          for a in self._actors_of(_child(p, ("pobj",)))]
        return self._finish_roles(actors, recipients, trig, verb)

    def _subject(self, verb: Token) -> tuple[Token | None, Token | None]:
        "(actor token, passive subject token) of a verb, climbing through xcomp/conj/advcl."
        tok = verb
        for _ in range(6):
            subj = _child(tok, _SUBJECT_DEPS)
            passive = _child(tok, _PASSIVE_SUBJECT_DEPS)
            if passive is not None:
                agent = _child(tok, ("agent",))
                return (_child(agent, ("pobj",)) if agent is not None else None), passive
            if subj is not None:
                if subj.lower_ in _RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                    return tok.head, None
                if subj.pos_ == "VERB" and (inner := _child(subj, ("nsubj",))) is not None:
                    return inner, None  # misparsed "The Red Cross operating in Iraq said": the Red Cross
                return subj, None
            if tok.dep_ == "relcl":
                return tok.head, None
            if tok.dep_ == "acl":  # "troops deployed near the border"
                if tok.tag_ == "VBG" and tok.head.dep_ == "dobj" and self._actor(tok.head) is None:
                    tok = tok.head.head  # "issued a statement demanding ...": the issuer demands
                    continue
                return (tok.head, None) if tok.tag_ != "VBN" else (None, tok.head)
            if tok.dep_ == "xcomp":
                obj = _child(tok.head, ("dobj",))
                if obj is not None and self._actor(obj) is not None:
                    return obj, None  # object control: "urged Israel to accept"
            if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":  # "continues ... by donating"
                if tok.head.lower_ in ("for", "of"):  # "arrested five men for attacking", "accused X of helping"
                    controller = _child(tok.head.head, ("dobj", "nsubjpass"))
                    if controller is not None and controller.pos_ in ("NOUN", "PROPN", "PRON"):
                        return controller, None
                tok = tok.head.head
                continue
            if tok.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "acomp") and tok.head is not tok:
                tok = tok.head
                continue
            break
        return None, None

    def _object_actors(self, head: Token, trig: Trigger | None = None) -> list[Actor]:
        "The recipient among a trigger's objects and recipient prepositions."
        kind = trig.meaning.event_type if trig is not None else None
        preps = _RECIPIENT_PREPS | (_FROM_PREP if kind in _FROM_TYPES else frozenset())
        dobj = self._object(head) if head.pos_ in ("VERB", "AUX") else _child(head, ("dobj",))
        if kind == "REQUEST" and dobj is not None and dobj.lemma_.lower() in _REFUGE_NOUNS:
            preps = preps | {"in"}  # "sought refuge in Germany": asked of Germany
        # "sent troops to X", "provided military intelligence to X": an object the trigger names
        # (dobj:troop) or the goods of a transfer are the thing given; the recipient comes after
        thing = trig is not None and any(k == "dobj" and v != "*" for k, v in trig.constraints)
        goods: list[Actor] = []
        for dep in ("dobj", "dative", "attr"):
            if dep == "dobj" and kind == "MOBILIZE":
                continue  # "mobilized reservists": the force, not the target
            obj = dobj if dep == "dobj" else _child(head, (dep,))
            if obj is not None and dep == "dative" and obj.pos_ == "ADP":  # "gave X to Y": "to" is the dative
                obj = _child(obj, ("pobj",))
            if obj is not None:
                found = self._actors_of(obj) or self._inner_actor(obj)
                if found and dep == "dobj" and self.lex.has(obj.lemma_.lower(), "N") and _modifier_only(found, obj):
                    continue  # "launch a military offensive": "military" gives the event's kind
                own_forces = kind in ("RETREAT", "MOBILIZE", "AID") and any(
                    c.dep_ == "poss" and c.pos_ == "PRON" for c in obj.children)  # "withdraw its troops from X"
                if found and dep == "dobj" and (thing or own_forces or (kind == "AID" and not any(a.code for a in found))):
                    goods = found
                    continue
                if found:
                    return found
        content = _child(head, ("ccomp",))
        if content is not None and head.pos_ == "VERB":  # "demanding that the government provide ..."
            subj = _child(content, ("nsubj", "nsubjpass"))
            if subj is not None and (found := self._actors_of(subj)):
                return found
        for prep in head.children:
            if prep.dep_ == "prep" and prep.lemma_.lower() in preps:
                pobj = _child(prep, ("pobj",))
                if pobj is not None:
                    found = self._actors_of(pobj) or self._inner_actor(pobj)
                    if found:
                        return found
        if dobj is not None:  # "provided intelligence to Macedonia", "continue military aid to X"
            for part in _conjuncts(dobj):
                for prep in part.children:
                    if (prep.dep_ == "prep" and prep.lower_ in _RECIPIENT_PREPS
                            and (pobj := _child(prep, ("pobj",))) is not None and (found := self._actors_of(pobj))):
                        return found
        for clause in head.children:  # the purpose's object or recipient
            if clause.dep_ not in ("advcl", "xcomp") or not _to_infinitive(clause):
                continue
            if kind in ("ASSAULT", "COERCE"):  # "opened fire to disperse demonstrators"
                if found := self._actors_of(_child(clause, ("dobj",))):
                    return found
            elif kind in _PURPOSE_RECIPIENT_TYPES and clause.dep_ == "advcl":
                # "opened the bridge to allow the delivery of grain to Afghanistan"
                if found := self._object_actors(clause):
                    return found
        return goods if not thing else []

    def _inner_actor(self, noun: Token) -> list[Actor]:
        "An actor inside a non-actor object: 'Israel's proposals', 'the release of hostages by X'."
        for child in noun.children:
            if child.dep_ in ("poss", "compound", "amod", "nmod"):
                found = self._actors_of(child)
                if found and (child.dep_ != "amod" or any(a.code for a in found)):
                    return found  # an adjective names an actor only with its country ("official contact": no one)
        for prep in noun.children:  # "rejected an appeal from President Gbagbo": the appeal's author
            if prep.dep_ == "prep" and prep.lower_ in ("from", "by") and (found := self._actors_of(_child(prep, ("pobj",)))):
                return found
        trig = self.lex.match(noun.lemma_.lower(), "N")
        if trig is not None and trig.meaning.event_type in _PLACE_TARGET_TYPES:
            for prep in noun.children:  # "institute a curfew in Algiers": the place's people and government
                if prep.dep_ == "prep" and prep.lower_ == "in" and (found := self._actors_of(_child(prep, ("pobj",)))):
                    return found
        return []

    # ---- nouns -------------------------------------------------------------
    def nominal_events(self, noun: Token) -> list[Extraction]:
        "Events whose trigger is an event noun ('talks', 'assassination', 'airstrikes')."
        preps = tuple(c.lemma_.lower() for c in noun.children if c.dep_ == "prep")
        mods = tuple(c.lemma_.lower() for c in noun.children if c.dep_ in ("compound", "amod", "nmod"))
        trig = self.lex.match(noun.lemma_.lower(), "N", preps=preps, mods=mods)
        if trig is None or any(f"{m} {noun.lemma_.lower()}" in self.cls.not_events for m in mods):
            return []  # "a press release", "a news conference": things named like events
        # "a mediation effort", "the peace process": the generic head stands in the sentence
        # for the event its modifier names; any other head ("talks venue") is another thing
        generic_head = noun.dep_ in ("compound", "amod") and noun.head.lemma_.lower() in _GENERIC_EVENT_HEADS
        if (not generic_head and noun.dep_ in ("compound", "amod")
                and noun.head.pos_ in ("NOUN", "PROPN") and noun.i < noun.head.i):
            return []
        if (noun.dep_ == "pobj" and noun.head.lower_ == "of"
                and noun.head.head.lemma_.lower() in _LONG_SPANS and noun.head.head.tag_ == "NNS"):
            return []  # "after fifteen years of military occupation", "decades of war": a state, not an event
        carrier_noun = noun.head if generic_head else noun
        verb = _object_of_verb(carrier_noun)
        light = verb is not None and verb.lemma_.lower() in self.cls.light
        if verb is None and _phrasal_frame(noun, self.cls.phrasal_frames):  # "went on strike", "remained on alert", "held as human shields"
            verb, light = noun.head.head, True
        if verb is not None and trig.meaning.event_type == "CONSULT" and _phrasal_lemma(verb) in self.cls.halting:
            return self._halted_talks(noun, verb)  # "ended mediation efforts", "broke off talks": CAMEO 164/165
        if verb is not None and verb.lemma_.lower() in self.cls.negative:
            return []  # "skipped the talks": the refusal is the event
        if self._suppressed(noun) or (light and self._suppressed(verb)):
            return []  # "failed to reach agreement"
        self.used.add(noun.i)
        if light:
            self.used.add(verb.i)
        actors: list[Actor] = []
        if light:  # "Ukraine launched US-made missiles": the verb's subject is the agent
            subject, _ = self._subject(verb)
            actors = self._actors_of(subject)
        if not actors:
            actors = self._nominal_actors(noun, trig)
        frame, frame_verb = _statement_frame(noun)
        if frame is not None and frame.lemma_.lower() == "responsibility" and frame_verb is not None and not actors:
            # "the Taliban claimed responsibility for the attack": the claimant is the attacker
            subject, _ = self._subject(frame_verb)
            actors = self._actors_of(subject)
        elif frame is not None and frame.lemma_.lower() in self.cls.expression_nouns and not actors:
            # "expressed condolences over the attack": a past event recalled, its actors not told
            return []
        if trig.meaning.event_type == "PROTEST" and light and verb.lemma_.lower() in self.cls.note_verbs:
            trig = replace(trig, meaning=_DIPLOMATIC_PROTEST)  # "lodged a protest with Albania": a note, not a demo
        if trig.meaning.event_type == "ASSAULT" and not trig.constraints and noun.lemma_.lower() == "strike" and any(
                (a.sector or "").lower() in self.cls.worker_sectors for a in actors):
            trig = self.lex.match("strike", "N", mods=("general",)) or trig  # workers' strike: a labour strike
        recipients = self._nominal_recipients(noun, actors)
        if not recipients and noun.dep_ == "nsubj" and noun.head.pos_ == "VERB":
            recipients = self._object_actors(noun.head)  # "attacks killed five soldiers"
        if not recipients and light and noun.dep_ == "pobj" and noun.head.lower_ in ("as", "under"):
            # "held refugees as human shields", "placed the leader under arrest", "was put under investigation"
            recipients = self._actors_of(_child(verb, ("dobj", "nsubjpass")))
        if not recipients and light:
            recipients = [a for a in self._object_actors_preps_only(verb)]
        roles = self._finish_roles(actors, recipients, trig)
        carrier = verb if light else noun
        if noun.dep_ == "nsubj" and noun.head.pos_ == "VERB" and (
                (told := self._match_verb(noun.head)) is not None and told.meaning.event_type == trig.meaning.event_type):
            carrier = noun.head  # "gun attacks will hit the city", "attacks did not kill anyone": the verb's mood
        text = f"{verb.text} {noun.text}" if light else noun.text
        # "ordered patrols", "authorized airstrikes": an executive's order is carried out, not wished for
        executed = light and verb.lemma_.lower() in self.cls.executive_verbs and not any(
            c.lower_ in self.cls.hypothetical_modifiers for c in noun.children if c.dep_ in ("amod", "compound"))
        # "mounted its long-threatened invasion", "launched the expected offensive": a doing verb
        # tells that the expected event took place
        done = light and verb.tag_ in ("VBD", "VBN", "VBZ", "VBP", "VBG") and not any(
            verb.lemma_.lower() in words for words in (self.cls.intent, self.cls.speech, self.cls.request_governors,
                                                       self.cls.executive_verbs))
        modality = self._modality(carrier) or (
            "possible" if not (executed or done) and self._nominal_hypothetical(noun) else None)
        negated = self._negated(carrier) or any(c.lower_ in ("no",) for c in noun.children if c.dep_ == "det")
        return self._emit(trig, noun, text, roles, negated=negated, modality=modality)

    def _halted_talks(self, noun: Token, verb: Token) -> list[Extraction]:
        "Talks or mediation broken off by the verb's subject, with the other party of the talks."
        meaning = _HALT_MEDIATION if noun.lemma_.lower() in ("mediation", "mediate") else _HALT_NEGOTIATIONS
        trig = Trigger(verb.lemma_.lower(), "V", (), meaning, _HALT_WEIGHT)
        subject, _ = self._subject(verb)
        actors = self._actors_of(subject)
        carrier = noun.head if noun.dep_ == "compound" else noun
        recipients = self._nominal_recipients(carrier, actors) or self._object_actors_preps_only(verb)
        self.used.update((noun.i, verb.i))
        return self._emit(trig, verb, f"{verb.text} {noun.text}", self._finish_roles(actors, recipients, trig),
                          negated=self._negated(verb), modality=self._modality(verb))

    def _object_actors_preps_only(self, verb: Token) -> list[Actor]:
        "Recipients from a light verb's prepositions ('launched missiles into Russia')."
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lemma_.lower() in _RECIPIENT_PREPS | {"in"}:
                pobj = _child(prep, ("pobj",))
                if pobj is not None and (found := self._actors_of(pobj)):
                    return found
        return []

    def _nominal_actors(self, noun: Token, trig: Trigger) -> list[Actor]:
        "The agent of an event noun: possessor, adjective, compound, 'by X', 'between X and Y'."
        for child in noun.children:
            if child.dep_ == "poss" and (found := self._actors_of(child)):
                return found
        for child in noun.children:
            if child.dep_ not in ("amod", "compound", "nmod") or child.i > noun.i:
                continue
            if child.ent_type_ in ("GPE", "LOC", "FAC") and trig.meaning.event_type not in _PLACE_AGENT_TYPES:
                continue  # "Gaza truce", "Ukraine war", "Gaza trip": a place, not an agent
            if found := self._actors_of(child):
                return found
        for prep in noun.children:
            if prep.dep_ in ("prep", "agent") and prep.lemma_.lower() in ("by", "between", "among"):
                pobj = _child(prep, ("pobj",))
                if pobj is not None and (found := self._actors_of(pobj, conjuncts=prep.lemma_.lower() == "by")):
                    return found[:1] if prep.lemma_.lower() != "by" else found
        return []

    def _nominal_recipients(self, noun: Token, actors: list[Actor]) -> list[Actor]:
        "The target of an event noun: 'of X', 'on X', 'against X', 'with X', second of 'between'."
        for prep in noun.children:
            if prep.dep_ != "prep":
                continue
            word = prep.lemma_.lower()
            pobj = _child(prep, ("pobj",))
            if pobj is None:
                continue
            if word == "between":
                members = [self._actor(t) for t in _conjuncts(pobj)]
                members = [m for m in members if m is not None]
                return members[1:2]
            if word in _RECIPIENT_PREPS or word == "of":
                if found := self._actors_of(pobj):
                    return found
        return []

    def _nominal_hypothetical(self, noun: Token) -> bool:
        "An anticipated/possible event noun, or the content of a request or promise."
        if any(c.lower_ in self.cls.hypothetical_modifiers or (c.tag_ == "VBG" and c.lemma_.lower() in self.cls.intent)
               for c in noun.children if c.dep_ in ("amod", "compound")):
            return True  # "planned attacks", and "planning attacks" misparsed as a modifier
        head = noun.head
        if noun.dep_ == "pobj" and head.dep_ == "prep":
            head = head.head
        if head is noun:
            return False
        for pos in ("N", "V"):
            trig = self.lex.match(head.lemma_.lower(), pos)
            if trig is not None and trig.meaning.event_type in _CONTENT_HYPOTHETICAL_TYPES:
                return True
        return head.lemma_.lower() in self.cls.intent or head.lemma_.lower() in self.cls.epistemic

    # ---- headlines ---------------------------------------------------------
    def headline_events(self) -> list[Extraction]:
        "ACTOR TRIGGER [OBJECT] [RECIPIENT] within each clause of a headline."
        out: list[Extraction] = []
        for clause in _clauses(self.sent):
            for k, tok in enumerate(clause):
                if k == 0 or tok.is_punct or tok.pos_ in ("DET", "ADP"):
                    continue
                lemma = _verb_lemma(tok, self.lex)
                if lemma is None:
                    continue
                actor = self._actor(clause[k - 1])
                if actor is None:
                    continue
                rest = clause[k + 1:]
                dobj = _first_noun_phrase_head(rest)
                trig = self.lex.match(lemma, "V", dobj=dobj.lemma_.lower() if dobj is not None else None,
                                      preps=tuple(t.lower_ for t in rest if t.pos_ == "ADP"))
                if trig is None:
                    continue
                recipients = [a for a in (self._actor(t) for t in rest) if a is not None and a.code != actor.code]
                if not recipients and trig.meaning.event_type not in _MONADIC_TYPES:
                    # "..., Hamas skips cease-fire talks": the other party of the headline
                    others = sorted((t for t in self.sent if t not in clause and t.pos_ == "PROPN"),
                                    key=lambda t: abs(t.i - tok.i))
                    recipients = [a for a in (self._actor(t) for t in others)
                                  if a is not None and a.code and a.code != actor.code][:1]
                self.used.update(t.i for t in clause[k:k + 1])
                roles = self._finish_roles([actor], recipients[:1], trig)
                out.extend(self._emit(trig, tok, tok.text, roles, negated=False,
                                      modality=None, factor=_HEADLINE_PATTERN))
                break
        return out

    # ---- shared ------------------------------------------------------------
    def _finish_roles(self, actors: list[Actor], recipients: list[Actor], trig: Trigger,
                      trigger: Token | None = None) -> _Roles:
        """Drop self-directed recipients; fall back to the nearest other actor in the sentence,
        outside the trigger's stated grounds ("arrested for collaborating with Israel": not Israel)."""
        recipients = [r for r in recipients if not any(_same(r, a) for a in actors)]
        if len(actors) > 1 and not recipients and (trig.meaning.event_type in _MUTUAL_TYPES
                                                   or trig.lemma in _MUTUAL_ASSAULTS):
            return _Roles(tuple(actors), (), False, mutual=True)
        if not actors and trig.meaning.event_type in _UNIDENTIFIED_ACTORS and self._attacker_implied(trig):
            # "Gun attacks left seven dead", "militants were killed": ACLED's unidentified actor,
            # given the event's country later by the pipeline
            name, sector = _UNIDENTIFIED_ACTORS[trig.meaning.event_type]
            actors = [Actor(text="", name=name, code=None, sector=sector)]
        fallback = False
        if actors and not recipients and trig.meaning.event_type not in _MONADIC_TYPES:
            grounds = _grounds(trigger) if trigger is not None else []
            other = self._nearest_other_actor(actors, outside=[_char_extent(p) for p in grounds])
            if other is not None:
                recipients, fallback = [other], True
        return _Roles(tuple(actors), tuple(recipients), fallback)

    def _attacker_implied(self, trig: Trigger) -> bool:
        "Whether an unnamed actor may be assumed: an intentional act, not in a story of a disaster."
        if trig.lemma not in self.cls.intentional_violence:
            return False
        # protesters protest about disasters too ("protests over the oil spill")
        return trig.meaning.event_type == "PROTEST" or not self.disaster_story()

    def disaster_story(self) -> bool:
        """Whether the sentence tells of a disaster: disaster words in it or earlier in its
        paragraph ("explosions tore through a chemical store ... The blasts killed 50"), and no
        word of hostility in either ("attacked with poisonous gas" is an attack)."""
        first_disaster, first_hostile = _first_marks(self.sent.doc, self.cls)
        return first_disaster < self.sent.end and not first_hostile < self.sent.end

    def _nearest_other_actor(self, actors: list[Actor], outside: list[tuple[int, int]] = ()) -> Actor | None:
        "The actor mention closest to the actor whose country differs from every actor's, outside these spans."
        codes = {a.code for a in actors if a.code}
        mentions = self._sentence_mentions()
        anchor = actors[0].start
        candidates = [m for m in mentions if m.code and m.code not in codes
                      and not any(m.start < a.end and a.start < m.end for a in actors)
                      and not any(start <= m.start < end for start, end in outside)]
        if not candidates:
            return None
        return min(candidates, key=lambda m: (abs(m.start - anchor), m.start))

    def _emit(self, trig: Trigger, tok: Token, text: str, roles: _Roles, *, negated: bool,
              modality: str | None, factor: float = 1.0) -> list[Extraction]:
        "One extraction per actor x recipient; a stated intention is coded as what it is (AGREE, THREATEN)."
        if self._asked(tok):
            modality = "question"
        if modality == "intent" and roles.actors and all(not a.text for a in roles.actors):
            modality = "possible"  # "a major offensive is being prepared": no one named announced it
        meaning, negated, hypothetical = _recode(trig.meaning, modality, negated)
        out = []
        for actor in roles.actors:
            conf = trig.weight * factor * (1.0 if actor.code else _NO_ACTOR_CODE) * (_UNIDENTIFIED if not actor.text else 1.0)
            recipients = [a for a in roles.actors if a is not actor] if roles.mutual else roles.recipients
            for recipient in recipients or (None,):
                c = conf * (_NO_RECIPIENT if recipient is None else (_RECIPIENT_FALLBACK if roles.recipient_fallback else 1.0))
                out.append(Extraction(meaning, tok, text, actor, recipient, negated,
                                      hypothetical, round(min(1.0, c), 3)))
        return out

    def _sentence_mentions(self) -> list[Actor]:
        "Every actor mention of the sentence, found once."
        if self._mentions is None:
            self._mentions = actors_mod.find_actor_mentions(self.sent, self.dictionary, when=self.when)
        return self._mentions

    def _actors_of(self, tok: Token | None, *, conjuncts: bool = True) -> list[Actor]:
        "The actor(s) a noun phrase names: one per conjunct, pronouns resolved."
        if tok is None:
            return []
        found = []
        for member in (_conjuncts(tok) if conjuncts else [tok]):
            actor = self._actor(member)
            if actor is not None and not any(_same(actor, f) for f in found):
                found.append(actor)
        return found

    def _actor(self, tok: Token) -> Actor | None:
        "Resolve one noun-phrase head (cached per token)."
        if tok.i not in self._actor_cache:
            actor = None
            if tok.pos_ == "PRON":
                if tok.lower_ not in _RELATIVE_PRONOUNS:
                    actor = self._antecedent(tok) or self._speaker(tok)
            else:
                actor = actors_mod.resolve_actor(tok, self.dictionary, when=self.when)
                if actor is None and (tok.lemma_.lower() in _COLLECTIVE_HEADS or tok.pos_ == "NUM"):
                    actor = self._member_actor(tok, ("of",))  # "a group of Moroccan diplomats", "thousands of Kurds"
                if actor is None and tok.lower_ in ("group", "ministry", "government", "militants"):
                    actor = self._antecedent(tok)
                if tok.lemma_.lower() in _SPOKESPEOPLE:  # "a spokesman for the Taliban" speaks for it
                    actor = self._member_actor(tok, ("for", "of")) or actor
                if actor is None:  # "the group al-Nusra Front": the apposed name, when the dictionaries know it
                    appos = next((c for c in tok.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
                    named = actors_mod.resolve_actor(appos, self.dictionary, when=self.when) if appos is not None else None
                    actor = named if named is not None and named.code else _named_unknown(tok)
            self._actor_cache[tok.i] = actor
        return self._actor_cache[tok.i]

    def _member_actor(self, tok: Token, preps: tuple[str, ...]) -> Actor | None:
        "The actor of the first of these prepositional phrases on a head ('thousands of Kurds')."
        prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps), None)
        member = _child(prep, ("pobj",))
        return self._actor(member) if member is not None else None

    def _speaker(self, tok: Token) -> Actor | None:
        "'The Umma party said it will boycott ...': the subject pronoun of reported speech is its speaker."
        clause = tok.head
        if tok.dep_ != "nsubj" or clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in self.cls.speech:
            return None
        speaker = _child(clause.head, ("nsubj",))
        return self._actor(speaker) if speaker is not None and speaker.pos_ != "PRON" else None

    def _antecedent(self, tok: Token) -> Actor | None:
        "The actor a pronoun or 'the group' refers to: earlier sentences, then earlier in this one."
        earlier = [m for m in self._sentence_mentions() if m.end <= tok.idx]
        if callable(self.previous):
            self.previous = self.previous()
        return actors_mod.resolve_reference(tok, list(self.previous) + earlier, dictionary=self.dictionary)

    def _asked(self, tok: Token) -> bool:
        "Whether the event is what a question asks about (its main verb), not a fact it mentions."
        if not self.question:
            return False
        return any(node.dep_ == "ROOT" for node in _governing_chain(tok))

    def _purpose(self, tok: Token) -> Token | None:
        "The event verb an infinitival purpose clause hangs on ('met ... to discuss', 'deployed troops to deport')."
        if tok.dep_ == "advcl" and _to_infinitive(tok):
            head = tok.head
            if head.pos_ in ("VERB", "AUX") and (self._match_verb(head) is not None or head.i in self.used):
                return head
        return None

    def _content_noun(self, noun: Token) -> bool:
        "Whether a noun is a demand, proposal, promise or threat, whose content is not a fact."
        trig = self.lex.match(noun.lemma_.lower(), "N")
        return trig is not None and trig.meaning.event_type in _CONTENT_HYPOTHETICAL_TYPES

    def _negated(self, tok: Token) -> bool:
        "A negation on the trigger or on the verbs it is an xcomp of ('did not agree to attack')."
        for node in _governing_chain(tok, through=("xcomp",)):
            if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in node.children):
                return True
        return False

    def _modality(self, tok: Token) -> str | None:
        """Why an event is not (yet) a fact, or None when it is.

        ``intent`` (will, would, plans to, is willing to: the actor's own announced action),
        ``conditional`` (if), ``ultimatum`` (unless), ``possible`` (could, might, may),
        ``obligation`` (must, should), ``epistemic`` (fears, believes), ``requested``
        (urged to, called on to), ``governed`` (the content of another event: agreed to,
        threatened to).
        """
        own = None
        mark = None
        top = tok
        while top.dep_ == "conj" and top.head is not top:
            top = top.head
        if top.dep_ == "advcl" and _to_infinitive(top):  # a complement parsed as a purpose clause
            governor = top.head.lemma_.lower()
            if governor in self.cls.request_governors:
                return "requested"  # "called on Arabs to unite and mobilize"
            if governor in self.cls.commitment and not self._negated(top.head):
                return "intent"  # "have sworn to fight until ..."
        if (tok.dep_ == "ccomp" and not _separate_clause(tok) and (obj := _child(tok.head, ("dobj",))) is not None
                and self._content_noun(obj)):
            return "governed"  # "reiterated its demand that Israel ease restrictions"
        for node in _governing_chain(tok, through=("xcomp", "conj")):
            if node.dep_ == "acl" and _infinitival_content(node):
                return "possible"  # "the right of troops to fire", "efforts to improve": not done yet
            for child in node.children:
                word = child.lower_
                if child.dep_ in ("aux", "auxpass") and word in self.cls.modal:
                    own = own or _MODAL_KIND.get(word, "possible")
                elif child.dep_ == "aux" and word == "going":
                    own = own or "intent"
                elif child.dep_ == "mark" and word in self.cls.conditional:
                    return "conditional"  # the condition itself: "if he gave them a veto"
                elif child.dep_ == "mark" and word in _PROSPECTIVE_MARKS and node.tag_ in ("VB", "VBP", "VBZ"):
                    return "possible"  # "before they demobilize", "until a government takes over"
            if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
                   for c in node.children):
                mark = "ultimatum"  # "will withdraw ... unless X agrees"
        chain = _governing_chain(tok)
        for below, node in zip(chain, chain[1:]):
            if below.dep_ == "conj":
                continue  # a coordinated sibling, not a governor: "is scheduled to resume ... and came under fire"
            lemma = node.lemma_.lower()
            if lemma in self.cls.epistemic:
                return "epistemic"
            if lemma in self.cls.request_governors:
                return "requested"
            if lemma in self.cls.commitment:
                if below.dep_ == "ccomp":
                    continue  # "determined that X carried out an attack": a finding, not a plan
                subject, _ = self._subject(node)
                if subject is not None and subject.lemma_.lower() in self.cls.document_nouns:
                    return "possible"  # "a resolution that aims to tighten sanctions": a text's aim, no one's act
                own = own or "intent"
                break
            if lemma in self.cls.intent:
                return "governed"
            if node.pos_ == "ADJ" and lemma in self.cls.hypothetical_modifiers:
                return "possible"
        if own == "intent" and mark:
            return mark
        return own or mark


_COMPLEMENT_DEPS = ("xcomp", "ccomp", "conj", "pcomp", "dobj", "acomp")
# a present tense after these tells of what has not happened yet ("before they demobilize")
_PROSPECTIVE_MARKS = frozenset({"before", "until", "till", "once"})
# "the first country to recognize X": an infinitive after these nouns' modifiers tells a fact
_FACTUAL_INFINITIVE_MODS = frozenset({"first", "last", "only", "second", "third", "latest", "next"})


def _separate_clause(node: Token) -> bool:
    "A 'ccomp' before its head across a colon: 'US throws out diplomats: Russia vows revenge' is two clauses."
    return node.dep_ == "ccomp" and node.i < node.head.i and any(
        t.text in (":", ";") for t in node.doc[node.i:node.head.i])


def _char_extent(tok: Token) -> tuple[int, int]:
    "The character offsets of a token's whole subtree."
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge)


def _to_infinitive(verb: Token) -> bool:
    "Whether a verb is a to-infinitive ('to discuss', 'to fire')."
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _infinitival_content(verb: Token) -> bool:
    "Whether an 'acl' verb is a noun's to-infinitive content ('the right to fire', 'plans to attack')."
    noun = verb.head
    return (noun.pos_ == "NOUN" and _to_infinitive(verb)
            and not any(c.lower_ in _FACTUAL_INFINITIVE_MODS for c in noun.children if c.dep_ in ("amod", "advmod")))

_MODAL_KIND = {"will": "intent", "shall": "intent", "'ll": "intent", "would": "intent", "'d": "intent",
               "could": "possible", "might": "possible", "may": "possible", "can": "possible",
               "must": "obligation", "should": "obligation", "ought": "obligation"}
_COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
_MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "REJECT"})


def _recode(meaning: EventType, modality: str | None, negated: bool) -> tuple[EventType, bool, bool]:
    """(meaning, negated, hypothetical) of an event given why it is not a fact.

    As CAMEO and PLOVER code them, an actor's announced intention to cooperate is an
    AGREE ("Israel will evacuate the settlements"), a refusal announced for the future a
    REJECT ("will not accept more refugees"), and an announced conflictual action or any
    ultimatum a THREATEN ("will boycott the elections unless ..."). Verbal acts in the
    future are the act itself. Everything else that is not a fact stays hypothetical.
    """
    if modality is None:
        return meaning, negated, False
    kind = meaning.event_type
    if modality == "ultimatum":
        return EventType("THREATEN", None, meaning.contexts, None), False, False
    if modality == "intent":
        if kind in _COOPERATION:
            if negated:
                return EventType("REJECT", None, meaning.contexts, None), False, False
            if kind == "AGREE":
                return meaning, False, False
            return EventType("AGREE", None, meaning.contexts, None), False, False
        if kind in _MATERIAL_CONFLICT and not negated:
            return EventType("THREATEN", None, meaning.contexts, None), False, False
        if not negated:
            return meaning, False, False  # "will ask", "will accuse": the statement itself
    return meaning, negated, True


def _governing_chain(tok: Token, *, through: tuple[str, ...] = _COMPLEMENT_DEPS) -> list[Token]:
    "The token and the words it is a complement of (through these relations), nearest first."
    chain = [tok]
    node = tok
    for _ in range(5):
        if node.dep_ in through and node.head is not node:
            if node.dep_ == "ccomp" and node.head.lemma_.lower() in _SPEECH_STOP:
                break
            if _separate_clause(node):
                break
            node = node.head
            chain.append(node)
        else:
            break
    return chain


# reported speech: the reporting verb does not make the reported event hypothetical
_SPEECH_STOP = frozenset({"say", "tell", "report", "announce", "claim", "state", "add", "note", "confirm"})


def _object_of_verb(noun: Token) -> Token | None:
    "The verb a noun is the object of, seeing through quantities ('provide 25,000 tons of aid')."
    node = noun
    for _ in range(3):
        if node.dep_ in ("dobj", "attr") and node.head.pos_ in ("VERB", "AUX"):
            return node.head
        if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.pos_ in ("NOUN", "NUM", "PROPN"):
            node = node.head.head  # "tons of [aid]", "millions of dollars of [aid]"
            continue
        return None
    return None


def _governor(tok: Token) -> Token | None:
    "The verb a trigger is the complement or object of ('refused to [take]', 'skipped [talks]')."
    if tok.dep_ in ("xcomp", "ccomp", "dobj") and tok.head is not tok:
        return tok.head
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.head.dep_ == "dobj":
        return tok.head.head.head  # "refused to take part in [the meeting]"
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        head = tok.head.head
        if head.dep_ == "xcomp":
            return head.head
    return None


def _child(tok: Token | None, deps) -> Token | None:
    "The first child with one of these dependency labels."
    if tok is None:
        return None
    for child in tok.children:
        if child.dep_ in deps:
            return child
    return None


def _conjuncts(tok: Token) -> list[Token]:
    "The token and its coordinated siblings ('the US and Egypt')."
    expand = getattr(actors_mod, "expand_conjuncts", None)
    if expand is not None:
        return list(expand(tok))
    return [tok, *tok.conjuncts]


def _same(a: Actor, b: Actor) -> bool:
    "Whether two actor records are the same actor ('French farmers' and 'Paris' are not)."
    return a.name == b.name and a.code == b.code and a.sector == b.sector


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
