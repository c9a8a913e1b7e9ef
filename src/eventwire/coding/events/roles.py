"""Who did it and to whom: the actor and recipient of a trigger, from the dependency parse.

INTERFACE:

    Roles(actors, recipients, recipient_fallback, mutual=False)      # frozen
    match_verb(s, verb) -> Trigger | None          # the lexicon entry for a verb in its frame
    verb_object(s, verb) -> Token | None           # its direct object, or a misparsed one
    subject_of(s, verb) -> (actor token, passive subject token)
    verb_roles(s, verb, trig) -> Roles
    object_actors(s, head, trig=None) -> list[Actor]
    preposition_actors(s, verb) -> list[Actor]     # "launched missiles into Russia"
    nominal_actors(s, noun, trig) -> list[Actor]
    nominal_recipients(s, noun, actors) -> list[Actor]
    finish_roles(s, actors, recipients, trig, trigger=None) -> Roles
    MONADIC_TYPES                                  # events complete without a recipient

``s`` is the ``Sentence`` being coded. The actor is the subject (``nsubj``), the passive agent
("by X"), the subject inherited through ``xcomp``/``conj``/``advcl``, the noun a relative clause
hangs on ("the Biden administration, which had renewed calls ..."), or for a nominal event its
possessor, adjective or compound ("Israel's assassination", "Israeli airstrikes"). The recipient
is the passive subject, the direct object (or the actor inside it: "Israel's proposals"), a
recipient preposition ("with", "against", "on", "into" ...), a nominal's "of" argument
("assassination of a senior Hamas official"), or the second of "between A and B"; else the
nearest actor of another country in the sentence (a fallback, scored lower).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from ...records import Actor
from ..lexicon import Trigger
from .sentence import RELATIVE_PRONOUNS, Sentence, conjuncts_of, same_actor
from .tree import char_extent, child, grounds, to_infinitive

_RECIPIENT_PREPS = frozenset({"with", "against", "on", "at", "to", "toward", "towards", "into", "upon", "onto"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_PASSIVE_SUBJECT_DEPS = frozenset({"nsubjpass", "csubjpass"})
# "withdraw from Chad", "expelled from Kenya": the place left is the recipient
_FROM_PREP = frozenset({"from"})
_FROM_TYPES = frozenset({"RETREAT", "SANCTION", "COERCE"})
# restrictions imposed on a place ("a curfew in Algiers", "a blockade in Gaza") target it
_PLACE_TARGET_TYPES = frozenset({"COERCE", "SANCTION"})
_PURPOSE_RECIPIENT_TYPES = frozenset({"RETREAT", "AID", "CONCEDE", "COOPERATE"})
_REFUGE_NOUNS = frozenset({"refuge", "asylum", "shelter", "sanctuary", "protection"})
# event nouns whose place-name modifier names the agent ("US sanctions", "Israel strikes")
_PLACE_AGENT_TYPES = frozenset({"SANCTION", "ASSAULT", "AID", "MOBILIZE", "COERCE"})
# events that need no recipient to be complete
MONADIC_TYPES = frozenset({"PROTEST", "MOBILIZE", "RETREAT"})
# events two actors do to each other when both are the subject ("X and Y met", "X and Y clashed")
_MUTUAL_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_MUTUAL_ASSAULTS = frozenset({"clash", "fight", "battle", "skirmish"})
# Material events that are worth coding with an unnamed actor, as ACLED does
_UNIDENTIFIED_ACTORS = {"ASSAULT": ("unidentified armed group", "UAF"), "PROTEST": ("protesters", "CVL"),
                        "COERCE": ("authorities", "COP")}  # "was arrested": by the police, unnamed


@dataclass(frozen=True, slots=True)
class Roles:
    """The actors and recipients of one trigger."""

    actors: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    recipient_fallback: bool
    mutual: bool = False  # "Czechia and China signed an agreement": each member's recipient is the other


# ---- the verb's frame ----------------------------------------------------------
def match_verb(s: Sentence, verb: Token) -> Trigger | None:
    "The lexicon entry for a verb in its syntactic frame."
    prt = tuple(c.lemma_.lower() for c in verb.children if c.dep_ == "prt")
    preps = tuple(c.lemma_.lower() for c in verb.children if c.dep_ in ("prep", "agent", "dative"))
    dobj = verb_object(s, verb)
    return s.lex.match(verb.lemma_.lower(), "V", prt=prt, preps=preps,
                       dobj=dobj.lemma_.lower() if dobj is not None else None)


def verb_object(s: Sentence, verb: Token) -> Token | None:
    """A verb's direct object, or the noun spaCy made the subject of a clause after it
    ("shortened by one hour the nightly curfew imposed after a coup toppled the government":
    'curfew' as the subject of 'toppled'), when the verb takes that noun as a lexicon object."""
    dobj = child(verb, ("dobj",))
    if dobj is not None:
        return dobj
    clause = child(verb, ("ccomp",))
    if clause is None or any(c.dep_ == "mark" for c in clause.children) or verb.lemma_.lower() in _clause_takers(s):
        return None
    subj = child(clause, ("nsubj",))
    if subj is None or not verb.i < subj.i < clause.i or subj.pos_ != "NOUN":
        return None
    trig = s.lex.match(verb.lemma_.lower(), "V", dobj=subj.lemma_.lower())
    return subj if trig is not None and any(k == "dobj" and v != "*" for k, v in trig.constraints) else None


def _clause_takers(s: Sentence) -> frozenset[str]:
    "Verbs whose clausal complement is what they say, think, intend or ask."
    cls = s.cls
    return cls.speech | cls.epistemic | cls.intent | cls.commitment | cls.request_governors


# ---- verbs -------------------------------------------------------------------
def verb_roles(s: Sentence, verb: Token, trig: Trigger) -> Roles:
    "Actor(s) and recipient(s) of a verbal event."
    subj, passive_subject = subject_of(s, verb)
    actors = s.actors_of(subj)
    recipients: list[Actor] = []
    if passive_subject is not None and not actors and trig.meaning.event_type in ("MOBILIZE", "AID") and (
            trig.meaning.event_type == "MOBILIZE" or "peacekeeping" in trig.meaning.contexts):
        actors = s.actors_of(passive_subject)  # "2,000 Russian soldiers were deployed": the forces move
    elif passive_subject is not None:
        recipients = s.actors_of(passive_subject)
    if "peacekeeping" in trig.meaning.contexts:  # the host country: "arrived in Bosnia"
        recipients = [a for p in verb.children if p.dep_ == "prep" and p.lower_ in ("in", "to", "into")
                      for a in s.actors_of(child(p, ("pobj",)))] or recipients
    if not recipients:
        recipients = object_actors(s, verb, trig)
    if not recipients:  # "offered to hand over to Great Britain": the announced action's target
        content = child(verb, ("xcomp",))
        if content is not None:
            recipients = object_actors(s, content, trig)
    if not recipients and verb.dep_ == "advcl" and to_infinitive(verb):
        # "sent personnel to Bosnia to investigate": the purpose is carried out where they were sent
        recipients = [a for p in verb.head.children if p.dep_ == "prep" and p.lower_ in ("to", "into")
                      for a in s.actors_of(child(p, ("pobj",)))]
    return finish_roles(s, actors, recipients, trig, verb)


def subject_of(s: Sentence, verb: Token) -> tuple[Token | None, Token | None]:
    "(actor token, passive subject token) of a verb, climbing through xcomp/conj/advcl."
    tok = verb
    for _ in range(6):
        subj = child(tok, _SUBJECT_DEPS)
        passive = child(tok, _PASSIVE_SUBJECT_DEPS)
        if passive is not None:
            agent = child(tok, ("agent",))
            return (child(agent, ("pobj",)) if agent is not None else None), passive
        if subj is not None:
            if subj.lower_ in RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                return tok.head, None
            if subj.pos_ == "VERB" and (inner := child(subj, ("nsubj",))) is not None:
                return inner, None  # misparsed "The Red Cross operating in Iraq said": the Red Cross
            return subj, None
        if tok.dep_ == "relcl":
            return tok.head, None
        if tok.dep_ == "acl":  # "troops deployed near the border"
            if tok.tag_ == "VBG" and tok.head.dep_ == "dobj" and s.actor(tok.head) is None:
                tok = tok.head.head  # "issued a statement demanding ...": the issuer demands
                continue
            return (tok.head, None) if tok.tag_ != "VBN" else (None, tok.head)
        if tok.dep_ == "xcomp":
            obj = child(tok.head, ("dobj",))
            if obj is not None and s.actor(obj) is not None:
                return obj, None  # object control: "urged Israel to accept"
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":  # "continues ... by donating"
            if tok.head.lower_ in ("for", "of"):  # "arrested five men for attacking", "accused X of helping"
                controller = child(tok.head.head, ("dobj", "nsubjpass"))
                if controller is not None and controller.pos_ in ("NOUN", "PROPN", "PRON"):
                    return controller, None
            tok = tok.head.head
            continue
        if tok.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "acomp") and tok.head is not tok:
            tok = tok.head
            continue
        break
    return None, None


def object_actors(s: Sentence, head: Token, trig: Trigger | None = None) -> list[Actor]:
    "The recipient among a trigger's objects and recipient prepositions."
    kind = trig.meaning.event_type if trig is not None else None
    preps = _RECIPIENT_PREPS | (_FROM_PREP if kind in _FROM_TYPES else frozenset())
    dobj = verb_object(s, head) if head.pos_ in ("VERB", "AUX") else child(head, ("dobj",))
    if kind == "REQUEST" and dobj is not None and dobj.lemma_.lower() in _REFUGE_NOUNS:
        preps = preps | {"in"}  # "sought refuge in Germany": asked of Germany
    # "sent troops to X", "provided military intelligence to X": an object the trigger names
    # (dobj:troop) or the goods of a transfer are the thing given; the recipient comes after
    thing = trig is not None and any(k == "dobj" and v != "*" for k, v in trig.constraints)
    goods: list[Actor] = []
    for dep in ("dobj", "dative", "attr"):
        if dep == "dobj" and kind == "MOBILIZE":
            continue  # "mobilized reservists": the force, not the target
        obj = dobj if dep == "dobj" else child(head, (dep,))
        if obj is not None and dep == "dative" and obj.pos_ == "ADP":  # "gave X to Y": "to" is the dative
            obj = child(obj, ("pobj",))
        if obj is not None:
            found = s.actors_of(obj) or _inner_actor(s, obj)
            if found and dep == "dobj" and s.lex.has(obj.lemma_.lower(), "N") and _modifier_only(found, obj):
                continue  # "launch a military offensive": "military" gives the event's kind
            own_forces = kind in ("RETREAT", "MOBILIZE", "AID") and any(
                c.dep_ == "poss" and c.pos_ == "PRON" for c in obj.children)  # "withdraw its troops from X"
            if found and dep == "dobj" and (thing or own_forces or (kind == "AID" and not any(a.code for a in found))):
                goods = found
                continue
            if found:
                return found
    content = child(head, ("ccomp",))
    if content is not None and head.pos_ == "VERB":  # "demanding that the government provide ..."
        subj = child(content, ("nsubj", "nsubjpass"))
        if subj is not None and (found := s.actors_of(subj)):
            return found
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lemma_.lower() in preps:
            pobj = child(prep, ("pobj",))
            if pobj is not None:
                found = s.actors_of(pobj) or _inner_actor(s, pobj)
                if found:
                    return found
    if dobj is not None:  # "provided intelligence to Macedonia", "continue military aid to X"
        for part in conjuncts_of(dobj):
            for prep in part.children:
                if (prep.dep_ == "prep" and prep.lower_ in _RECIPIENT_PREPS
                        and (pobj := child(prep, ("pobj",))) is not None and (found := s.actors_of(pobj))):
                    return found
    for clause in head.children:  # the purpose's object or recipient
        if clause.dep_ not in ("advcl", "xcomp") or not to_infinitive(clause):
            continue
        if kind in ("ASSAULT", "COERCE"):  # "opened fire to disperse demonstrators"
            if found := s.actors_of(child(clause, ("dobj",))):
                return found
        elif kind in _PURPOSE_RECIPIENT_TYPES and clause.dep_ == "advcl":
            # "opened the bridge to allow the delivery of grain to Afghanistan"
            if found := object_actors(s, clause):
                return found
    return goods if not thing else []


def _modifier_only(found: list[Actor], obj: Token) -> bool:
    "Whether an object's 'actor' is only an uncoded adjective before it: 'a military offensive'."
    doc = obj.doc
    return all(a.code is None and -1 < a.end <= obj.idx
               and all(t.pos_ == "ADJ" for t in doc.char_span(a.start, a.end, alignment_mode="expand") or ())
               for a in found)


def _inner_actor(s: Sentence, noun: Token) -> list[Actor]:
    "An actor inside a non-actor object: 'Israel's proposals', 'the release of hostages by X'."
    for kid in noun.children:
        if kid.dep_ in ("poss", "compound", "amod", "nmod"):
            found = s.actors_of(kid)
            if found and (kid.dep_ != "amod" or any(a.code for a in found)):
                return found  # an adjective names an actor only with its country ("official contact": no one)
    for prep in noun.children:  # "rejected an appeal from President Gbagbo": the appeal's author
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by") and (found := s.actors_of(child(prep, ("pobj",)))):
            return found
    trig = s.lex.match(noun.lemma_.lower(), "N")
    if trig is not None and trig.meaning.event_type in _PLACE_TARGET_TYPES:
        for prep in noun.children:  # "institute a curfew in Algiers": the place's people and government
            if prep.dep_ == "prep" and prep.lower_ == "in" and (found := s.actors_of(child(prep, ("pobj",)))):
                return found
    return []


def preposition_actors(s: Sentence, verb: Token) -> list[Actor]:
    "Recipients from a light verb's prepositions ('launched missiles into Russia')."
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lemma_.lower() in _RECIPIENT_PREPS | {"in"}:
            pobj = child(prep, ("pobj",))
            if pobj is not None and (found := s.actors_of(pobj)):
                return found
    return []


# ---- nouns -------------------------------------------------------------------
def nominal_actors(s: Sentence, noun: Token, trig: Trigger) -> list[Actor]:
    "The agent of an event noun: possessor, adjective, compound, 'by X', 'between X and Y'."
    for kid in noun.children:
        if kid.dep_ == "poss" and (found := s.actors_of(kid)):
            return found
    for kid in noun.children:
        if kid.dep_ not in ("amod", "compound", "nmod") or kid.i > noun.i:
            continue
        if kid.ent_type_ in ("GPE", "LOC", "FAC") and trig.meaning.event_type not in _PLACE_AGENT_TYPES:
            continue  # "Gaza truce", "Ukraine war", "Gaza trip": a place, not an agent
        if found := s.actors_of(kid):
            return found
    for prep in noun.children:
        if prep.dep_ in ("prep", "agent") and prep.lemma_.lower() in ("by", "between", "among"):
            pobj = child(prep, ("pobj",))
            if pobj is not None and (found := s.actors_of(pobj, conjuncts=prep.lemma_.lower() == "by")):
                return found[:1] if prep.lemma_.lower() != "by" else found
    return []


def nominal_recipients(s: Sentence, noun: Token, actors: list[Actor]) -> list[Actor]:
    "The target of an event noun: 'of X', 'on X', 'against X', 'with X', second of 'between'."
    for prep in noun.children:
        if prep.dep_ != "prep":
            continue
        word = prep.lemma_.lower()
        pobj = child(prep, ("pobj",))
        if pobj is None:
            continue
        if word == "between":
            members = [s.actor(t) for t in conjuncts_of(pobj)]
            members = [m for m in members if m is not None]
            return members[1:2]
        if word in _RECIPIENT_PREPS or word == "of":
            if found := s.actors_of(pobj):
                return found
    return []


# ---- both --------------------------------------------------------------------
def finish_roles(s: Sentence, actors: list[Actor], recipients: list[Actor], trig: Trigger,
                 trigger: Token | None = None) -> Roles:
    """Drop self-directed recipients; fall back to the nearest other actor in the sentence,
    outside the trigger's stated grounds ("arrested for collaborating with Israel": not Israel)."""
    recipients = [r for r in recipients if not any(same_actor(r, a) for a in actors)]
    if len(actors) > 1 and not recipients and (trig.meaning.event_type in _MUTUAL_TYPES
                                               or trig.lemma in _MUTUAL_ASSAULTS):
        return Roles(tuple(actors), (), False, mutual=True)
    if not actors and trig.meaning.event_type in _UNIDENTIFIED_ACTORS and _attacker_implied(s, trig):
        # "Gun attacks left seven dead", "militants were killed": ACLED's unidentified actor,
        # given the event's country later by the pipeline
        name, sector = _UNIDENTIFIED_ACTORS[trig.meaning.event_type]
        actors = [Actor(text="", name=name, code=None, sector=sector)]
    fallback = False
    if actors and not recipients and trig.meaning.event_type not in MONADIC_TYPES:
        stated = grounds(trigger) if trigger is not None else []
        other = s.nearest_other_actor(actors, outside=[char_extent(p) for p in stated])
        if other is not None:
            recipients, fallback = [other], True
    return Roles(tuple(actors), tuple(recipients), fallback)


def _attacker_implied(s: Sentence, trig: Trigger) -> bool:
    "Whether an unnamed actor may be assumed: an intentional act, not in a story of a disaster."
    if trig.lemma not in s.cls.intentional_violence:
        return False
    # protesters protest about disasters too ("protests over the oil spill")
    return trig.meaning.event_type == "PROTEST" or not s.disaster_story()
