"""The construction passes: each reads one kind of construction in the parse and emits its events.

INTERFACE:

    verbal_events(s, verb) -> list[Extraction]       # "Russia attacked Ukraine"; falls back to:
        under_attack_events(s, verb)                 #   "the convoy came under attack"
        demand_events(s, verb)                       #   "X said Y must ...": a demand (CAMEO 10)
        dismissal_events(s, verb)                    #   "X said ... is out of the question" (CAMEO 12)
    nominal_events(s, noun) -> list[Extraction]      # "Israel's assassination of ...", "launched an attack",
                                                     # "broke off talks" (CAMEO 164/165)
    protester_events(s, found) -> list[Extraction]   # "protesters poured into the streets"

``s`` is the ``Sentence`` being coded; a pass adds the tokens it codes to ``s.used``. What an
event means is the lexicon entry whose pattern fits (particle, preposition, object); light
verbs take their meaning from their object ("launch an attack", "hold talks"). The headline
pattern pass is ``headline.py``.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from ...records import Actor, EventType
from ..lexicon import Trigger
from .extraction import Extraction, emit
from .modality import is_negated, is_suppressed, modality_of, nominal_hypothetical
from .roles import (
    finish_roles,
    match_verb,
    nominal_actors,
    nominal_recipients,
    object_actors,
    preposition_actors,
    subject_of,
    verb_roles,
)
from .sentence import COLLECTIVE_HEADS, Sentence
from .tree import char_extent, child, to_infinitive

_UNDER_VERBS = frozenset({"come", "be"})  # "came under fire", "was under attack"
# nouns that name an activity whose kind their modifier gives ("a mediation effort")
_GENERIC_EVENT_HEADS = frozenset({"effort", "campaign", "operation", "process", "initiative", "mission",
                                  "bid", "attempt", "drive", "programme", "program", "round", "plan"})
_LONG_SPANS = frozenset({"year", "decade", "century", "generation"})
_FRAME_PREPS = frozenset({"for", "over", "about", "of", "at", "on", "regarding", "concerning"})
_PEACEKEEPING = EventType("AID", None, ("peacekeeping",), "074")
_DIPLOMATIC_PROTEST = EventType("ACCUSE", "disapprove", ("diplomatic",), "111")
# CAMEO 164 / 165: talks or mediation broken off ("ended mediation efforts", "broke off talks")
_HALT_NEGOTIATIONS = EventType("SANCTION", "withdraw", ("diplomatic",), "164")
_HALT_MEDIATION = EventType("SANCTION", "withdraw", ("diplomatic",), "165")
# Confidence factors of these constructions, set by hand like those in extraction.py
_HALT_WEIGHT = 0.8
_DEMAND_WEIGHT = 0.7  # "said ... must": a demand, less explicit than "demanded"
_PROTESTER_SUBJECT = 0.7  # a protest known only from its people ("protesters poured into the streets")
_PROTESTER_OBJECT = 0.6  # a protest known from the force used on it ("police fired tear gas at protesters")


# ---- verbs -------------------------------------------------------------------
def verbal_events(s: Sentence, verb: Token) -> list[Extraction]:
    "Events whose trigger is this verb (or a light verb's event noun)."
    lemma = verb.lemma_.lower()
    if not s.lex.has(lemma, "V") and lemma not in _UNDER_VERBS and lemma not in s.cls.speech:
        return []  # no entry, no 'came under fire', no 'said ... must': nothing below can match
    dobj = child(verb, ("dobj", "attr"))
    if lemma in s.cls.light and dobj is not None and s.lex.has(dobj.lemma_.lower(), "N"):
        return []  # the noun carries the event; nominal_events handles it with this verb
    if dobj is not None and dobj.lemma_.lower() in _GENERIC_EVENT_HEADS and any(
            c.dep_ in ("compound", "amod") and s.lex.has(c.lemma_.lower(), "N") for c in dobj.children):
        return []  # "launched a mediation effort": the modifier carries the event
    trig = match_verb(s, verb)
    if trig is None:
        return under_attack_events(s, verb) or demand_events(s, verb) or dismissal_events(s, verb)
    if is_suppressed(s, verb) or _denial(s, verb, trig):
        return []
    if trig.meaning.event_type == "MOBILIZE" and _peacekeepers(verb):
        trig = replace(trig, meaning=_PEACEKEEPING)  # "peacekeepers arrived in Bosnia": CAMEO 074
    subj = child(verb, ("nsubj",))
    if subj is not None:
        same = s.lex.match(subj.lemma_.lower(), "N")
        if same is not None and same.meaning.event_type == trig.meaning.event_type:
            return []  # "gun attacks killed seven": one event, carried by the noun
    purpose = _purpose(s, verb)
    head = purpose if purpose is not None else (verb.head if verb.dep_ == "xcomp" else None)
    if head is not None:
        governing = match_verb(s, head)
        if governing is not None and governing.meaning.event_type == trig.meaning.event_type:
            return []  # "met with mediators to discuss ...", "summoned the envoy to complain": one event
    s.used.add(verb.i)
    roles = verb_roles(s, verb, trig)
    text = verb.text + "".join(" " + p.text for p in verb.children if p.dep_ == "prt")
    modality = "purpose" if purpose is not None else modality_of(s, verb)
    if modality is None and verb.dep_ == "advcl" and to_infinitive(verb):
        modality = modality_of(s, verb.head) and "purpose"  # "must ensure security to allow ...": no more a fact than its head
    return emit(s, trig, verb, text, roles, negated=is_negated(verb), modality=modality)


def _peacekeepers(verb: Token) -> bool:
    "Whether the forces a deployment moves are peacekeepers (its subject or object)."
    nouns = [child(verb, (dep,)) for dep in ("nsubj", "nsubjpass", "dobj")]
    nouns += [child(p, ("pobj",)) for p in verb.children if p.dep_ == "prep" and p.lower_ == "as"]
    return any(noun is not None and any(t.lemma_.lower() in ("peacekeeper", "peacekeeping") for t in noun.subtree)
               for noun in nouns)


def _denial(s: Sentence, verb: Token, trig: Trigger) -> bool:
    """"Rejected accusations that ...", "dismissed the allegations", "declined to comment": a
    denial or a refusal to speak is a statement (CAMEO 016), which PLOVER does not code."""
    if trig.meaning.event_type not in ("REJECT", "ACCUSE"):
        return False
    dobj = child(verb, ("dobj",))
    if dobj is not None and dobj.lemma_.lower() in s.cls.denied_statements:
        s.denials.append(verb)  # what the denied accusation says stays alleged
        return True
    content = child(verb, ("xcomp",))
    return content is not None and content.lemma_.lower() in s.cls.speech_acts


def _purpose(s: Sentence, tok: Token) -> Token | None:
    "The event verb an infinitival purpose clause hangs on ('met ... to discuss', 'deployed troops to deport')."
    if tok.dep_ == "advcl" and to_infinitive(tok):
        head = tok.head
        if head.pos_ in ("VERB", "AUX") and (match_verb(s, head) is not None or head.i in s.used):
            return head
    return None


def under_attack_events(s: Sentence, verb: Token) -> list[Extraction]:
    """"Planes came under small arms fire", "the convoy came under attack": the subject is the
    target, the attacker unnamed (ACLED's unidentified armed group) unless "from"/"by" names it."""
    if verb.lemma_.lower() not in _UNDER_VERBS or verb.i in s.used:
        return []
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ != "under":
            continue
        noun = child(prep, ("pobj",))
        if noun is None:
            continue
        lemma = noun.lemma_.lower()
        trig = s.lex.match("fire", "V", preps=("on",)) if lemma == "fire" else s.lex.match(lemma, "N")
        if trig is None or trig.meaning.event_type != "ASSAULT":
            continue
        attackers = [a for p in noun.children if p.dep_ == "prep" and p.lower_ in ("from", "by")
                     for a in s.actors_of(child(p, ("pobj",)))]
        targets = s.actors_of(child(verb, ("nsubj",)))
        s.used.update((verb.i, noun.i))
        roles = finish_roles(s, attackers, targets, trig)
        return emit(s, trig, noun, f"{verb.text} {prep.text} {noun.text}", roles,
                    negated=is_negated(verb), modality=modality_of(s, verb))
    return []


def demand_events(s: Sentence, verb: Token) -> list[Extraction]:
    "'X said Y must (should) do Z': X demands of Y (CAMEO 10)."
    if verb.lemma_.lower() not in s.cls.speech:
        return []
    content = child(verb, ("ccomp",))
    if content is None or not any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in content.children):
        return []
    subj, _ = subject_of(s, verb)
    target = child(content, ("nsubj", "nsubjpass"))
    actors, recipients = s.actors_of(subj), s.actors_of(target)
    if not actors:
        return []  # "the EU says intervention must be avoided": a demand with no named addressee
    trig = Trigger(verb.lemma_.lower(), "V", (), EventType("REQUEST", None, (), "100"), _DEMAND_WEIGHT)
    roles = finish_roles(s, actors, recipients, trig)
    return emit(s, trig, verb, f"{verb.text} ... must", roles, negated=is_negated(verb),
                modality=modality_of(s, verb))


def dismissal_events(s: Sentence, verb: Token) -> list[Extraction]:
    """'X said that lifting the sanctions on Burma is out of the question': X rejects (CAMEO 12)
    what the clause's subject names, of the actor it names; the dismissed act stays hypothetical."""
    if verb.lemma_.lower() not in s.cls.speech:
        return []
    content = child(verb, ("ccomp",))
    if content is None or content.lemma_.lower() != "be":
        return []
    predicate = " ".join(t.lower_ for t in content.subtree if t.i > content.i and t.dep_ != "punct")
    words = " ".join(c.lower_ for c in content.children if c.dep_ == "neg") + f" {predicate} "
    phrase = next((p for p in sorted(s.cls.dismissals) if f" {p} " in f" {words}"), None)
    if phrase is None or (is_negated(content) and not phrase.startswith("not ")):
        return []  # "is not out of the question": not ruled out
    dismissed = child(content, ("nsubj", "csubj", "nsubjpass"))
    subj, _ = subject_of(s, verb)
    actors = s.actors_of(subj)
    if dismissed is None or not actors:
        return []
    left, right = char_extent(dismissed)
    recipients = [m for m in s.mentions() if left <= m.start < right][:1]
    trig = Trigger(verb.lemma_.lower(), "V", (), EventType("REJECT", None, (), "120"), _DEMAND_WEIGHT)
    roles = finish_roles(s, actors, recipients, trig)
    return emit(s, trig, verb, f"{verb.text} ... {phrase}", roles, negated=False,
                modality=modality_of(s, verb))


# ---- people ------------------------------------------------------------------
def protester_events(s: Sentence, found: list[Extraction]) -> list[Extraction]:
    """A protest told through its people: "Protesters poured into the streets", "Rioters
    fought with police", "crowds of demonstrators blocked roads" (ACLED codes the gathering)."""
    if any(e.meaning.event_type == "PROTEST" for e in found):
        return []
    # "police fired tear gas at protesters": a protest met with force (ACLED's "protest with intervention")
    repressed = any(e.meaning.event_type in ("ASSAULT", "COERCE") for e in found)
    for tok in s.span:
        if tok.i in s.used:
            continue
        if tok.dep_ == "nsubj":
            if tok.head.pos_ not in ("VERB", "AUX"):
                continue
        elif not (repressed and tok.dep_ in ("dobj", "pobj")):
            continue
        people = tok
        if tok.lemma_.lower() in COLLECTIVE_HEADS:
            people = next((p for prep in tok.children if prep.dep_ == "prep" and prep.lower_ == "of"
                           for p in prep.children if p.dep_ == "pobj"), tok)
        lemma = people.lemma_.lower()
        if lemma not in s.cls.protester_nouns:
            continue
        trig = s.lex.match("riot" if lemma == "rioter" else "protest", "N")
        actors = s.actors_of(tok)
        if trig is None or not actors:
            continue
        roles = finish_roles(s, actors, [], trig)
        governor = tok.head if tok.dep_ != "pobj" else tok.head.head
        return emit(s, trig, people, people.text, roles, negated=is_negated(governor),
                    modality=modality_of(s, governor),
                    factor=_PROTESTER_SUBJECT if tok.dep_ == "nsubj" else _PROTESTER_OBJECT)
    return []


# ---- nouns -------------------------------------------------------------------
def nominal_events(s: Sentence, noun: Token) -> list[Extraction]:
    "Events whose trigger is an event noun ('talks', 'assassination', 'airstrikes')."
    preps = tuple(c.lemma_.lower() for c in noun.children if c.dep_ == "prep")
    mods = tuple(c.lemma_.lower() for c in noun.children if c.dep_ in ("compound", "amod", "nmod"))
    trig = s.lex.match(noun.lemma_.lower(), "N", preps=preps, mods=mods)
    if trig is None or any(f"{m} {noun.lemma_.lower()}" in s.cls.not_events for m in mods):
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
    light = verb is not None and verb.lemma_.lower() in s.cls.light
    if verb is None and _phrasal_frame(noun, s.cls.phrasal_frames):  # "went on strike", "remained on alert", "held as human shields"
        verb, light = noun.head.head, True
    if verb is not None and trig.meaning.event_type == "CONSULT" and _phrasal_lemma(verb) in s.cls.halting:
        return _halted_talks(s, noun, verb)  # "ended mediation efforts", "broke off talks": CAMEO 164/165
    if verb is not None and verb.lemma_.lower() in s.cls.negative:
        return []  # "skipped the talks": the refusal is the event
    if is_suppressed(s, noun) or (light and is_suppressed(s, verb)):
        return []  # "failed to reach agreement"
    s.used.add(noun.i)
    if light:
        s.used.add(verb.i)
    actors = _nominal_agents(s, noun, verb, trig, light=light)
    if actors is None:
        return []  # "expressed condolences over the attack": a past event recalled, its actors not told
    if trig.meaning.event_type == "PROTEST" and light and verb.lemma_.lower() in s.cls.note_verbs:
        trig = replace(trig, meaning=_DIPLOMATIC_PROTEST)  # "lodged a protest with Albania": a note, not a demo
    if trig.meaning.event_type == "ASSAULT" and not trig.constraints and noun.lemma_.lower() == "strike" and any(
            (a.sector or "").lower() in s.cls.worker_sectors for a in actors):
        trig = s.lex.match("strike", "N", mods=("general",)) or trig  # workers' strike: a labour strike
    recipients = nominal_recipients(s, noun, actors)
    if not recipients and noun.dep_ == "nsubj" and noun.head.pos_ == "VERB":
        recipients = object_actors(s, noun.head)  # "attacks killed five soldiers"
    if not recipients and light and noun.dep_ == "pobj" and noun.head.lower_ in ("as", "under"):
        # "held refugees as human shields", "placed the leader under arrest", "was put under investigation"
        recipients = s.actors_of(child(verb, ("dobj", "nsubjpass")))
    if not recipients and light:
        recipients = [a for a in preposition_actors(s, verb)]
    roles = finish_roles(s, actors, recipients, trig)
    carrier = verb if light else noun
    if noun.dep_ == "nsubj" and noun.head.pos_ == "VERB" and (
            (told := match_verb(s, noun.head)) is not None and told.meaning.event_type == trig.meaning.event_type):
        carrier = noun.head  # "gun attacks will hit the city", "attacks did not kill anyone": the verb's mood
    text = f"{verb.text} {noun.text}" if light else noun.text
    modality = modality_of(s, carrier) or (
        "possible" if not _told_as_done(s, noun, verb, light=light) and nominal_hypothetical(s, noun) else None)
    negated = is_negated(carrier) or any(c.lower_ in ("no",) for c in noun.children if c.dep_ == "det")
    return emit(s, trig, noun, text, roles, negated=negated, modality=modality)


def _nominal_agents(s: Sentence, noun: Token, verb: Token | None, trig: Trigger, *,
                    light: bool) -> list[Actor] | None:
    """The actors of an event noun: a light verb's subject ("Ukraine launched US-made missiles"),
    else the noun's own agent, else the claimant of responsibility for it; None when it is only
    recalled in an expression of sympathy ("expressed condolences over the attack")."""
    actors: list[Actor] = []
    if light:  # "Ukraine launched US-made missiles": the verb's subject is the agent
        subj, _ = subject_of(s, verb)
        actors = s.actors_of(subj)
    if not actors:
        actors = nominal_actors(s, noun, trig)
    frame, frame_verb = _statement_frame(noun)
    if frame is not None and frame.lemma_.lower() == "responsibility" and frame_verb is not None and not actors:
        # "the Taliban claimed responsibility for the attack": the claimant is the attacker
        subj, _ = subject_of(s, frame_verb)
        actors = s.actors_of(subj)
    elif frame is not None and frame.lemma_.lower() in s.cls.expression_nouns and not actors:
        # "expressed condolences over the attack": a past event recalled, its actors not told
        return None
    return actors


def _told_as_done(s: Sentence, noun: Token, verb: Token | None, *, light: bool) -> bool:
    "Whether a light verb tells that an event noun is done ('ordered patrols', 'mounted its invasion')."
    # "ordered patrols", "authorized airstrikes": an executive's order is carried out, not wished for
    executed = light and verb.lemma_.lower() in s.cls.executive_verbs and not any(
        c.lower_ in s.cls.hypothetical_modifiers for c in noun.children if c.dep_ in ("amod", "compound"))
    # "mounted its long-threatened invasion", "launched the expected offensive": a doing verb
    # tells that the expected event took place
    done = light and verb.tag_ in ("VBD", "VBN", "VBZ", "VBP", "VBG") and not any(
        verb.lemma_.lower() in words for words in (s.cls.intent, s.cls.speech, s.cls.request_governors,
                                                   s.cls.executive_verbs))
    return bool(executed or done)


def _halted_talks(s: Sentence, noun: Token, verb: Token) -> list[Extraction]:
    "Talks or mediation broken off by the verb's subject, with the other party of the talks."
    meaning = _HALT_MEDIATION if noun.lemma_.lower() in ("mediation", "mediate") else _HALT_NEGOTIATIONS
    trig = Trigger(verb.lemma_.lower(), "V", (), meaning, _HALT_WEIGHT)
    subj, _ = subject_of(s, verb)
    actors = s.actors_of(subj)
    carrier = noun.head if noun.dep_ == "compound" else noun
    recipients = nominal_recipients(s, carrier, actors) or preposition_actors(s, verb)
    s.used.update((noun.i, verb.i))
    return emit(s, trig, verb, f"{verb.text} {noun.text}", finish_roles(s, actors, recipients, trig),
                negated=is_negated(verb), modality=modality_of(s, verb))


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


def _phrasal_frame(noun: Token, frames: frozenset[str]) -> bool:
    "Whether an event noun is the object of a phrasal frame ('went on strike': 'on go' in frames)."
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep":
        return False
    return prep.head.pos_ in ("VERB", "AUX") and f"{prep.lower_} {prep.head.lemma_.lower()}" in frames


def _phrasal_lemma(verb: Token) -> str:
    "A verb's lemma with its particle: 'break off', 'call off', 'end'."
    prt = child(verb, ("prt",))
    return f"{verb.lemma_.lower()} {prt.lower_}" if prt is not None else verb.lemma_.lower()


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
        verb, frame = frame, child(frame, ("dobj",))
        return (frame, verb) if frame is not None else (None, None)
    if frame.pos_ not in ("NOUN", "PROPN"):
        return None, None
    return frame, _object_of_verb(frame)
