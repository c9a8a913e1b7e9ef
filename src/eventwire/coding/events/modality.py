"""Whether it happened: negation, refusal, modality, questions, and what the coded meaning becomes.

INTERFACE:

    is_negated(tok) -> bool            # "did not attack", "never agreed to attack"
    is_suppressed(s, tok) -> bool      # a refusal or failure governs it: "refused to take part"
    is_asked(s, tok) -> bool           # what a question asks about, not a fact it mentions
    modality_of(s, tok) -> str | None  # why an event is not (yet) a fact; None when it is
    nominal_hypothetical(s, noun) -> bool   # "planned attacks", "calls for a cease-fire"
    in_content(frame, tok) -> bool     # tok lies in what frame is about: "blamed X for [the bombing]"
    proposal_status(s, tok) -> (negated, hypothetical)   # of an event the learned decision proposes on tok
    recode(meaning, modality, negated) -> (meaning, negated, hypothetical)

``s`` is the ``Sentence`` being coded. The modalities: ``intent`` (will, would, plans to, is
willing to), ``conditional`` (if), ``ultimatum`` (unless), ``possible`` (could, might, may),
``obligation`` (must, should), ``epistemic`` (fears, believes), ``requested`` (urged to),
``governed`` (the content of another event: agreed to, threatened to), ``question``, and
``purpose`` (set by the verbal pass). ``recode`` turns an announced intention into what it is
(AGREE, REJECT, THREATEN) as CAMEO and PLOVER code it; anything else not a fact is hypothetical.
"""

from __future__ import annotations

from spacy.tokens import Token

from ...records import EventType
from .roles import subject_of
from .sentence import Sentence
from .tree import child, to_infinitive

# the content of these events is not yet a fact ("calls for a cease-fire")
_CONTENT_HYPOTHETICAL_TYPES = frozenset({"REQUEST", "AGREE", "THREATEN", "REJECT"})
_COMPLEMENT_DEPS = ("xcomp", "ccomp", "conj", "pcomp", "dobj", "acomp")
# a present tense after these tells of what has not happened yet ("before they demobilize")
_PROSPECTIVE_MARKS = frozenset({"before", "until", "till", "once"})
# "the first country to recognize X": an infinitive after these nouns' modifiers tells a fact
_FACTUAL_INFINITIVE_MODS = frozenset({"first", "last", "only", "second", "third", "latest", "next"})
_MODAL_KIND = {"will": "intent", "shall": "intent", "'ll": "intent", "would": "intent", "'d": "intent",
               "could": "possible", "might": "possible", "may": "possible", "can": "possible",
               "must": "obligation", "should": "obligation", "ought": "obligation"}
_COOPERATION = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
_MATERIAL_CONFLICT = frozenset({"PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT", "REJECT"})
# reported speech: the reporting verb does not make the reported event hypothetical
_SPEECH_STOP = frozenset({"say", "tell", "report", "announce", "claim", "state", "add", "note", "confirm"})
_SIDE_DEPS = frozenset({"advcl", "npadvmod", "conj", "parataxis", "appos", "relcl"})


def is_negated(tok: Token) -> bool:
    "A negation on the trigger or on the verbs it is an xcomp of ('did not agree to attack')."
    for node in _governing_chain(tok, through=("xcomp",)):
        if any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in node.children):
            return True
    return False


def is_suppressed(s: Sentence, tok: Token) -> bool:
    "Whether a refusal or failure governs this trigger (then it did not happen)."
    governor = _governor(tok)
    return governor is not None and governor.lemma_.lower() in s.cls.negative


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


def is_asked(s: Sentence, tok: Token) -> bool:
    "Whether the event is what a question asks about (its main verb), not a fact it mentions."
    if not s.question:
        return False
    return any(node.dep_ == "ROOT" for node in _governing_chain(tok))


def modality_of(s: Sentence, tok: Token) -> str | None:
    "Why an event is not (yet) a fact (one of the modalities above), or None when it is."
    own = None
    mark = None
    top = tok
    while top.dep_ == "conj" and top.head is not top:
        top = top.head
    if top.dep_ == "advcl" and to_infinitive(top):  # a complement parsed as a purpose clause
        governor = top.head.lemma_.lower()
        if governor in s.cls.request_governors:
            return "requested"  # "called on Arabs to unite and mobilize"
        if governor in s.cls.commitment and not is_negated(top.head):
            return "intent"  # "have sworn to fight until ..."
    if (tok.dep_ == "ccomp" and not _separate_clause(tok) and (obj := child(tok.head, ("dobj",))) is not None
            and _content_noun(s, obj)):
        return "governed"  # "reiterated its demand that Israel ease restrictions"
    for node in _governing_chain(tok, through=("xcomp", "conj")):
        if node.dep_ == "acl" and _infinitival_content(node):
            return "possible"  # "the right of troops to fire", "efforts to improve": not done yet
        for kid in node.children:
            word = kid.lower_
            if kid.dep_ in ("aux", "auxpass") and word in s.cls.modal:
                own = own or _MODAL_KIND.get(word, "possible")
            elif kid.dep_ == "aux" and word == "going":
                own = own or "intent"
            elif kid.dep_ == "mark" and word in s.cls.conditional:
                return "conditional"  # the condition itself: "if he gave them a veto"
            elif kid.dep_ == "mark" and word in _PROSPECTIVE_MARKS and node.tag_ in ("VB", "VBP", "VBZ"):
                return "possible"  # "before they demobilize", "until a government takes over"
        if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
               for c in node.children):
            mark = "ultimatum"  # "will withdraw ... unless X agrees"
    chain = _governing_chain(tok)
    for below, node in zip(chain, chain[1:]):
        if below.dep_ == "conj":
            continue  # a coordinated sibling, not a governor: "is scheduled to resume ... and came under fire"
        lemma = node.lemma_.lower()
        if lemma in s.cls.epistemic:
            return "epistemic"
        if lemma in s.cls.request_governors:
            return "requested"
        if lemma in s.cls.commitment:
            if below.dep_ == "ccomp":
                continue  # "determined that X carried out an attack": a finding, not a plan
            subj, _ = subject_of(s, node)
            if subj is not None and subj.lemma_.lower() in s.cls.document_nouns:
                return "possible"  # "a resolution that aims to tighten sanctions": a text's aim, no one's act
            own = own or "intent"
            break
        if lemma in s.cls.intent:
            return "governed"
        if node.pos_ == "ADJ" and lemma in s.cls.hypothetical_modifiers:
            return "possible"
    if own == "intent" and mark:
        return mark
    return own or mark


def _content_noun(s: Sentence, noun: Token) -> bool:
    "Whether a noun is a demand, proposal, promise or threat, whose content is not a fact."
    trig = s.lex.match(noun.lemma_.lower(), "N")
    return trig is not None and trig.meaning.event_type in _CONTENT_HYPOTHETICAL_TYPES


def _infinitival_content(verb: Token) -> bool:
    "Whether an 'acl' verb is a noun's to-infinitive content ('the right to fire', 'plans to attack')."
    noun = verb.head
    return (noun.pos_ == "NOUN" and to_infinitive(verb)
            and not any(c.lower_ in _FACTUAL_INFINITIVE_MODS for c in noun.children if c.dep_ in ("amod", "advmod")))


def nominal_hypothetical(s: Sentence, noun: Token) -> bool:
    "An anticipated/possible event noun, or the content of a request or promise."
    if any(c.lower_ in s.cls.hypothetical_modifiers or (c.tag_ == "VBG" and c.lemma_.lower() in s.cls.intent)
           for c in noun.children if c.dep_ in ("amod", "compound")):
        return True  # "planned attacks", and "planning attacks" misparsed as a modifier
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    if head is noun:
        return False
    for pos in ("N", "V"):
        trig = s.lex.match(head.lemma_.lower(), pos)
        if trig is not None and trig.meaning.event_type in _CONTENT_HYPOTHETICAL_TYPES:
            return True
    return head.lemma_.lower() in s.cls.intent or head.lemma_.lower() in s.cls.epistemic


def proposal_status(s: Sentence, tok: Token) -> tuple[bool, bool]:
    """(negated, hypothetical) of an event the learned decision proposes on this word, as the passes
    judge a trigger: a verb's modality, refusal or question; for a noun, what makes an event noun not
    a fact ("planned attacks") or the modality of the verb it depends on ("fears a reprisal could
    trigger ...")."""
    if tok.pos_ in ("VERB", "AUX"):
        hypothetical = modality_of(s, tok) is not None or is_suppressed(s, tok) or is_asked(s, tok)
    else:
        head = tok.head if tok.head is not tok and tok.head.pos_ in ("VERB", "AUX") else None
        hypothetical = nominal_hypothetical(s, tok) or (head is not None and modality_of(s, head) is not None)
    return is_negated(tok), hypothetical


def in_content(frame: Token, tok: Token) -> bool:
    "Whether ``tok`` lies in what ``frame`` is about: its object or complement ('blamed X for [the bombing]')."
    if frame.i == tok.i or not frame.is_ancestor(tok):
        return False
    node = tok
    while node.head.i != frame.i:  # a side clause ("..., protesting X") is not the content
        if node.dep_ in _SIDE_DEPS or _separate_clause(node):
            return False
        node = node.head
    return node.dep_ not in _SIDE_DEPS and node.dep_ not in ("nsubj", "nsubjpass") and not _separate_clause(node)


def recode(meaning: EventType, modality: str | None, negated: bool) -> tuple[EventType, bool, bool]:
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


def _separate_clause(node: Token) -> bool:
    "A 'ccomp' before its head across a colon: 'US throws out diplomats: Russia vows revenge' is two clauses."
    return node.dep_ == "ccomp" and node.i < node.head.i and any(
        t.text in (":", ";") for t in node.doc[node.i:node.head.i])
