"""The event coder for pipelines with Universal Dependencies labels (Spanish; any language whose
registry entry says ``grammar = "ud"``): who did what to whom in one sentence.

INTERFACE:

    extract_ud_events(sentence, *, lexicon, dictionary, when=None) -> list[Extraction]
    UDSentence(sentence, lexicon, dictionary, when)   # the sentence as the learned decision reads it

Lemmas and names are compared accent-folded (``lexicon.fold_accents``). Everything language-specific is data: the language's triggers.tsv (verbs and event nouns, with
object patterns), verb_classes.yaml (light verbs, governors, speech verbs, negators) and actors/.
The grammar is UD's, shared by every language that uses it:

- a verb trigger: its ``nsubj`` is the actor and its ``obj``/``iobj``, or an ``obl`` introduced by
  a preposition of a recipient (``recipient_cases``: "a", "contra", ...), the recipient; in the
  passive (an ``aux:pass``, a ``passive_aux`` + participle, a passive "se") the subject is the
  recipient and the argument with an ``agent_cases`` preposition ("por") the actor; a verb with no subject takes that of the verb it is
  coordinated with or a complement of (pro-drop: "atacaron ... y mataron ...");
- an event noun: an ``nmod`` with an ``actor_cases`` preposition is its actor ("la protesta de los
  campesinos"), one with a recipient's its recipient; a noun that is the object of a verb ("realizaron una protesta")
  takes the verb's subject, and a light verb with an event noun as object is not itself coded;
- no actor found in the arguments: the event is kept with an unidentified actor (lower
  confidence), as the English coder does for "unidentified gunmen";
- negation: a negator child ("no", "nunca", "jamás"); modality: future or conditional mood,
  or a governing verb of intent ("amenazó con atacar"), a modal ("podría"), a belief, or "si";
- when the language's data folder holds a decider.json, the learned decision (``decision.py``)
  keeps, drops or re-types these events and proposes one where they are silent, as for English;
  its model is the language's own, trained by ``scripts/train_decider.py --language``.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Span, Token

from ...records import Actor
from ..actors import ActorDictionary, norm_words
from ..lexicon import Lexicon, Trigger, VerbClasses, fold_accents as _fold
from .decision import decide
from .extraction import Extraction, confidence
from .modality import recode

_PHRASE_DEPS = frozenset({"amod", "flat", "compound", "appos", "nmod", "fixed", "nummod"})
_SUBJECT_DEPS = ("nsubj", "nsubj:pass")
_GOVERNED_DEPS = frozenset({"xcomp", "ccomp", "conj", "advcl"})
_MAX_ACTOR_WORDS = 8


def extract_ud_events(sentence: Span, *, lexicon: Lexicon, dictionary: ActorDictionary,
                      when: dt.date | None = None) -> list[Extraction]:
    "Events of one sentence parsed with UD labels, one per (trigger, actor, recipient)."
    out: list[Extraction] = []
    for tok in sentence:
        if tok.pos_ == "VERB":
            found = _verb_event(tok, lexicon, dictionary, when)
        elif tok.pos_ == "NOUN":
            found = _noun_event(tok, lexicon, dictionary, when)
        else:
            found = []
        out.extend(found)
    found = _main_clause(_without_participants(out), lexicon.classes.purpose)
    if lexicon.decider is None:
        return found
    view = UDSentence(sentence, lexicon, dictionary, when)
    return decide(view, found, lexicon.decider, status=view.status)


class UDSentence:
    """One UD-parsed sentence as the learned decision reads it (``decision.py``): its words and
    their accent-folded lemmas, its lexicon, and the parties of a proposed event (its verb's arguments)."""

    # its mentions are the verb's roles: without a subject (pro-drop) the actor is unidentified, never
    # the recipient ("Amenazaron al gobierno de Colombia ...": ? -> COL, as the rules code it)
    first_mention_acts = False

    def __init__(self, span: Span, lexicon: Lexicon, dictionary: ActorDictionary, when: dt.date | None):
        self.span = span
        self.lex = lexicon
        self.dictionary = dictionary
        self.when = when

    @staticmethod
    def lemma(tok: Token) -> str:
        "A word's lemma as the lexicon keys it (accent-folded)."
        return _lemma(tok)

    @staticmethod
    def disaster_story() -> bool:
        "A UD language has no disaster vocabulary yet: never a disaster story."
        return False

    def status(self, tok: Token) -> tuple[bool, bool]:
        "(negated, hypothetical) of an event the learned decision proposes on this word, as for a rule's trigger."
        return _negated(tok, self.lex), _modality(tok, self.lex) is not None

    def proposal_mentions(self, trigger: Token) -> tuple[list[Actor], Actor | None]:
        """The actors an event the learned decision proposes on this word may take: the arguments of
        its verb (the word, or the verb an event noun depends on), as a rule's trigger takes them, and
        the actor among them (the subject; the "por" agent in the passive)."""
        actors, recipients = _verb_roles(_verb_of(trigger), self.dictionary, self.when, self.lex.classes)
        return [*actors, *recipients], (actors[0] if actors else None)


# clause boundaries between a trigger and the sentence's root: a relative or adverbial clause, a
# noun's modifier, a subordinate complement
_EMBEDDING = frozenset({"acl", "advcl", "parataxis", "appos", "dep"})


def _depth(tok: Token, purpose: frozenset[str]) -> int:
    """How many clause boundaries lie between a token and its sentence's root; a purpose clause
    ("cerraron la ruta para protestar") is part of the act it gives the purpose of."""
    depth, steps = 0, 0
    while tok.head.i != tok.i and steps < 50:
        depth += tok.dep_ in _EMBEDDING and not any(k.dep_ == "mark" and _fold(k.text) in purpose for k in tok.children)
        tok, steps = tok.head, steps + 1
    return depth


def _without_participants(found: list[Extraction]) -> list[Extraction]:
    """Drop an event noun that is a participant of another event's verb ("los manifestantes no
    bloquearon ...": one event, the blocking, whose actor the protesters are)."""
    verbs = {e.trigger.i for e in found if e.trigger.pos_ == "VERB"}
    return [e for e in found if e.trigger.pos_ == "VERB"
            or not (e.trigger.dep_ in ("nsubj", "nsubj:pass") and e.trigger.head.i in verbs)]


def _main_clause(found: list[Extraction], purpose: frozenset[str]) -> list[Extraction]:
    """The events of the least embedded clause that has any (PETRARCH's practice: a sentence's
    coded event is its main clause's; a relative or adverbial clause only gives background)."""
    if len(found) < 2:
        return found
    depths = [_depth(e.trigger, purpose) for e in found]
    least = min(depths)
    return [e for e, d in zip(found, depths) if d == least]


# ---- triggers ---------------------------------------------------------------------------
def _lemma(tok: Token) -> str:
    return _fold(tok.lemma_ or tok.text)


def _object(verb: Token) -> Token | None:
    "The verb's direct object, or the infinitive it governs ('amenazó con matar')."
    for kid in verb.children:
        if kid.dep_ == "obj":
            return kid
    for kid in verb.children:
        if kid.dep_ == "xcomp":
            return kid
    return None


def _match_verb(verb: Token, lexicon: Lexicon) -> Trigger | None:
    "The verb's entry: a pronominal lemma first ('negarse'), then the plain one, with its object."
    obj = _object(verb)
    dobj = _lemma(obj) if obj is not None else None
    lemma = _lemma(verb)
    for kid in verb.children:
        if kid.lower_ in lexicon.classes.reflexive:
            trig = lexicon.match(lemma + kid.lower_, "V", dobj=dobj)
            if trig is not None:
                return trig
    return lexicon.match(lemma, "V", dobj=dobj)


def _verb_event(verb: Token, lexicon: Lexicon, dictionary: ActorDictionary, when) -> list[Extraction]:
    "The events a verb triggers (none when its object noun carries the event: 'realizaron protestas')."
    cls = lexicon.classes
    lemma = _lemma(verb)
    obj = _object(verb)
    if obj is not None and obj.pos_ == "NOUN" and lexicon.match(_lemma(obj), "N") is not None and (
            lemma in cls.light or lexicon.match(lemma, "V", dobj=_lemma(obj)) is None
            or not lexicon.match(lemma, "V", dobj=_lemma(obj)).constraints):
        return []
    trig = _match_verb(verb, lexicon)
    if trig is None or (lemma in cls.light and not trig.constraints):
        return []  # a light verb means something only with its object ("dieron muerte")
    if not trig.constraints and (lemma in cls.speech or lemma in cls.epistemic or (
            lemma in cls.transparent and any(k.dep_ == "xcomp" for k in verb.children))):
        return []  # "dijo que ...", "estimaron", "trata de bloquear": the complement carries the event
    actors, recipients = _verb_roles(verb, dictionary, when, cls)
    return _emit(trig, verb, verb.text, actors, recipients, lexicon)


def _noun_event(noun: Token, lexicon: Lexicon, dictionary: ActorDictionary, when) -> list[Extraction]:
    "The event an event noun names, with the roles of its own modifiers or of the verb it is the object of."
    trig = lexicon.match(_lemma(noun), "N")
    if trig is None:
        return []
    cls = lexicon.classes
    actors, recipients = [], []
    for kid in noun.children:
        if kid.dep_ != "nmod":
            continue
        case = _case(kid)
        actor = resolve_ud_actor(kid, dictionary, when)
        if actor is None:
            continue
        if case in cls.actor_cases and not actors:
            actors.append(actor)
        elif case in cls.recipient_cases:
            recipients.append(actor)
    head = noun.head
    if not actors and noun.dep_ in ("obj", "obl", "nsubj:pass") and head.pos_ in ("VERB", "AUX") and head.i != noun.i:
        verb_actors, verb_recipients = _verb_roles(head, dictionary, when, cls, skip=noun)
        actors = verb_actors
        recipients = recipients or verb_recipients
    return _emit(trig, noun, noun.text, actors, recipients, lexicon)


def _case(tok: Token) -> str | None:
    "The preposition introducing a nominal ('de', 'contra'), folded; a fixed multiword one by its head."
    for kid in tok.children:
        if kid.dep_ == "case":
            return _fold(kid.text)
    return None


# ---- roles ------------------------------------------------------------------------------
def _passive(verb: Token, cls: VerbClasses) -> bool:
    "Whether a verb is passive: aux:pass, 'ser' + participle, or a passive 'se'."
    for kid in verb.children:
        if kid.dep_ in ("aux:pass", "expl:pass"):
            return True
        if kid.dep_ in ("aux", "cop") and _lemma(kid) in cls.passive_aux and "Part" in verb.morph.get("VerbForm"):
            return True
    return False


def _subject(verb: Token) -> Token | None:
    "The verb's subject, or that of the verb it is coordinated with or governed by (pro-drop)."
    seen = 0
    while verb is not None and seen < 4:
        for kid in verb.children:
            if kid.dep_ in _SUBJECT_DEPS:
                return kid
        if verb.dep_ not in _GOVERNED_DEPS or verb.head is verb:
            return None
        verb, seen = verb.head, seen + 1
    return None


def _verb_roles(verb: Token, dictionary: ActorDictionary, when, cls: VerbClasses, *, skip: Token | None = None
                ) -> tuple[list[Actor], list[Actor]]:
    "(actors, recipients) of a verb from its arguments, passive turned around."
    passive = _passive(verb, cls)
    subject = _subject(verb)
    actors: list[Actor] = []
    recipients: list[Actor] = []
    subject_actor = resolve_ud_actor(subject, dictionary, when) if subject is not None else None
    if subject_actor is not None:
        (recipients if passive else actors).append(subject_actor)
    for kid in verb.children:
        if (skip is not None and kid.i == skip.i) or (subject is not None and kid.i == subject.i):
            continue
        case = _case(kid)
        if (kid.dep_ in ("obj", "iobj") and case not in cls.agent_cases) or (kid.dep_ == "obl" and case in cls.recipient_cases):
            found = resolve_ud_actor(kid, dictionary, when)
            if found is not None and not (passive and kid.dep_ == "obj"):
                recipients.append(found)
        elif kid.dep_ in ("obl", "obj") and case in cls.agent_cases and passive:
            found = resolve_ud_actor(kid, dictionary, when)
            if found is not None:
                actors.append(found)
    return actors[:1] + [a for a in actors[1:] if a.code != actors[0].code], recipients[:1]


def _phrase(head: Token) -> list[Token]:
    "The words of a noun phrase: the head and its name-like modifiers, no clauses, in order."
    words = [head]
    stack = [head]
    while stack and len(words) < 3 * _MAX_ACTOR_WORDS:
        tok = stack.pop()
        for kid in tok.children:
            if kid.dep_ in _PHRASE_DEPS or (kid.dep_ == "case" and tok is not head):
                words.append(kid)
                stack.append(kid)
    return sorted(words, key=lambda t: t.i)


def resolve_ud_actor(head: Token, dictionary: ActorDictionary, when: dt.date | None = None) -> Actor | None:
    """The actor a noun phrase names: the longest dictionary name in it (a person, organisation or
    country), else an agent noun with the country of a demonym or name beside it."""
    if head.pos_ not in ("NOUN", "PROPN", "PRON", "ADJ", "NUM", "X"):
        return None
    words = _phrase(head)
    texts = [t.text for t in words]
    named = _longest_name(texts, dictionary, when)
    sector = _agent_sector(head, dictionary)
    start, end = words[0].idx, words[-1].idx + len(words[-1])
    text = head.doc.text[start:end]
    if named is not None:
        name, code, named_sector = named
        if head.pos_ == "NOUN" and sector is not None:  # "soldados de Colombia": the agent's sector, the name's country
            named_sector = sector
        return Actor(text=text, name=name, code=code, sector=named_sector or sector, start=start, end=end)
    if sector is not None:
        return Actor(text=text, name=text, code=None, sector=sector, start=start, end=end)
    return None


def _longest_name(texts: list[str], dictionary: ActorDictionary, when) -> tuple[str, str | None, str | None] | None:
    "(name, code, sector) of the longest run of words the dictionary names, leftmost first."
    best = None
    for i in range(len(texts)):
        for j in range(min(len(texts), i + _MAX_ACTOR_WORDS), i, -1):
            if best is not None and j - i <= best[0]:
                break
            raw = " ".join(texts[i:j])
            entry = dictionary.lookup(norm_words(raw), text=raw) or dictionary.lookup(norm_words(_fold(raw)))
            if entry is not None:
                best = (j - i, entry)
                break
    if best is None:
        return None
    return dictionary.actor_of(best[1], when)


def _agent_sector(head: Token, dictionary: ActorDictionary) -> str | None:
    "The sector of the phrase's head noun ('guerrilleros' -> REB), with its adjective first ('hombres armados')."
    lemma = _lemma(head)
    for kid in head.children:
        if kid.dep_ == "amod":
            found = dictionary.agent_sector((lemma, _lemma(kid))) or dictionary.agent_sector((lemma, _fold(kid.text)))
            if found:
                return found
    return dictionary.agent_sector((lemma,)) or dictionary.agent_sector(norm_words(_fold(head.text)))


# ---- extractions ------------------------------------------------------------------------
def _verb_of(trigger: Token) -> Token:
    "The verb whose arguments and mood an event's trigger takes: itself, or the verb an event noun depends on."
    return trigger if trigger.pos_ in ("VERB", "AUX") else trigger.head


def _modality(trigger: Token, lexicon: Lexicon) -> str | None:
    "Why an event is not a plain fact: 'intent' (future, a governor of intent), 'possible', or None."
    cls = lexicon.classes
    verb = _verb_of(trigger)
    if any(m in ("Fut", "Cnd") for m in verb.morph.get("Tense") + verb.morph.get("Mood")):
        return "intent"
    if any(kid.dep_ == "mark" and _fold(kid.text) in cls.conditional for kid in verb.children):
        return "possible"
    for kid in verb.children:
        if kid.dep_ == "aux" and _lemma(kid) in cls.modal:
            return "possible"
    governor = verb.head if verb.dep_ in ("xcomp", "ccomp") else None
    if governor is not None:
        lemma = _lemma(governor)
        if lemma in cls.intent:
            return "intent"
        if lemma in cls.epistemic or lemma in cls.modal:
            return "possible"
    return None


def _negated(trigger: Token, lexicon: Lexicon) -> bool:
    "Whether a negator modifies the trigger (or the verb whose object it is)."
    verb = _verb_of(trigger)
    negators = lexicon.classes.negators
    return any(kid.dep_ in ("advmod", "cc", "det") and _fold(kid.text) in negators
               for tok in {trigger, verb} for kid in tok.children)


def _emit(trig: Trigger, tok: Token, text: str, actors: list[Actor], recipients: list[Actor],
          lexicon: Lexicon) -> list[Extraction]:
    "One extraction per actor (an unidentified one when none) and recipient, modality recoded."
    negated = _negated(tok, lexicon)
    meaning, negated, hypothetical = recode(trig.meaning, _modality(tok, lexicon), negated)
    out = []
    for actor in actors or [Actor(text="", name="", code=None, sector=None)]:
        for recipient in [r for r in recipients if r != actor] or [None]:
            out.append(Extraction(meaning, tok, text, actor, recipient, negated, hypothetical,
                                  confidence(trig.weight, actor, recipient)))
    return out
