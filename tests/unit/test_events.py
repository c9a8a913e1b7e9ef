"""The event coder on hand-built parses: no model, a small lexicon, a fake actor resolver."""

from __future__ import annotations

import pytest

from eventwire.coding import actors as actors_mod
from eventwire.coding.events import extract_events
from eventwire.coding.lexicon import Lexicon, Trigger, read_verb_classes
from eventwire.config import DATA_DIR
from eventwire.records import Actor, EventType

_ACTORS = {"israel": ("Israel", "ISR", "GOV"), "israeli": ("Israel", "ISR", None), "hamas": ("Hamas", "PSE", "REB"), "iran": ("Iran", "IRN", "GOV"),
           "russia": ("Russia", "RUS", "GOV"), "ukraine": ("Ukraine", "UKR", "GOV"),
           "russian": ("Russia", "RUS", None), "troops": (None, None, "MIL"), "kharkiv": ("Kharkiv", "UKR", "GOV"),
           "official": (None, None, "GOV"), "diplomats": (None, None, "GOV"), "palestinians": ("Palestine", "PSE", "CVL"),
           "protesters": (None, None, "CVL")}


def _fake_resolve(token, dictionary, *, when=None):
    "Resolve a token and its modifiers through the small table above."
    parts = [token, *(c for c in token.children if c.dep_ in ("amod", "compound"))]
    name = code = sector = None
    for part in parts:
        hit = _ACTORS.get(part.lower_)
        if hit:
            name = name or hit[0]
            code = code or hit[1]
            sector = sector or hit[2]
    if not (code or sector):
        return None
    start = min(p.idx for p in parts)
    end = max(p.idx + len(p) for p in parts)
    return Actor(token.doc.text[start:end], name or token.text, code, sector, start, end)


def _fake_mentions(span, dictionary, *, when=None):
    return [a for a in (_fake_resolve(t, None) for t in span if t.dep_ not in ("amod", "compound")) if a]


@pytest.fixture(autouse=True)
def fake_actors(monkeypatch):
    monkeypatch.setattr(actors_mod, "resolve_actor", _fake_resolve)
    monkeypatch.setattr(actors_mod, "find_actor_mentions", _fake_mentions)
    monkeypatch.setattr(actors_mod, "expand_conjuncts", lambda t: [t, *t.conjuncts], raising=False)
    monkeypatch.setattr(actors_mod, "resolve_reference", lambda t, prev, **kw: None, raising=False)


@pytest.fixture(scope="module")
def lexicon():
    classes = read_verb_classes(DATA_DIR / "verb_classes.yaml")

    def t(lemma, pos, etype, mode=None, pattern=()):
        return Trigger(lemma, pos, tuple(pattern), EventType(etype, mode, (), None), 0.9)

    return Lexicon([
        t("attack", "V", "ASSAULT"), t("refuse", "V", "REJECT"), t("take", "V", "CONSULT", pattern=(("dobj", "part"),)),
        t("missile", "N", "ASSAULT", "heavy-weapons"), t("assassination", "N", "ASSAULT", "targeted"),
        t("meet", "V", "CONSULT"), t("withdraw", "V", "RETREAT"), t("blame", "V", "ACCUSE"),
        t("bombing", "N", "ASSAULT"), t("attack", "N", "ASSAULT"), t("kill", "V", "ASSAULT"),
        t("protest", "N", "PROTEST", "demo"), t("fire", "V", "ASSAULT", "firearms", pattern=(("prep", "on"),)),
    ], classes)


def doc_from_rows(make_doc, rows):
    "A Doc from rows of (word, lemma, pos, tag, head, dep), built by the suite's make_doc; head is an absolute index."
    words, lemmas, pos, tags, heads, deps = zip(*rows)
    return make_doc(words, lemmas=lemmas, pos=pos, tags=tags, heads=heads, deps=deps,
                    sent_starts=[True] + [False] * (len(rows) - 1))


@pytest.fixture
def code(make_doc):
    "code(rows, lexicon, **options): the events extract_events finds in the one sentence of these rows."
    def run(rows, lexicon, **kw):
        doc = doc_from_rows(make_doc, rows)
        return extract_events(doc[:], lexicon=lexicon, dictionary=None, **kw)

    return run


def test_events_active_transitive_verb(code, lexicon):
    found = code([("Russian", "russian", "ADJ", "JJ", 1, "amod"), ("troops", "troop", "NOUN", "NNS", 2, "nsubj"),
                  ("attacked", "attack", "VERB", "VBD", 2, "ROOT"), ("Kharkiv", "Kharkiv", "PROPN", "NNP", 2, "dobj"),
                  (".", ".", "PUNCT", ".", 2, "punct")], lexicon)
    assert [(e.meaning.event_type, e.actor.code, e.actor.sector, e.recipient.code) for e in found] == [("ASSAULT", "RUS", "MIL", "UKR")]
    assert not found[0].negated and not found[0].hypothetical


def test_events_passive_voice_swaps_roles(code, lexicon):
    found = code([("Kharkiv", "Kharkiv", "PROPN", "NNP", 2, "nsubjpass"), ("was", "be", "AUX", "VBD", 2, "auxpass"),
                  ("attacked", "attack", "VERB", "VBN", 2, "ROOT"), ("by", "by", "ADP", "IN", 2, "agent"),
                  ("Russia", "Russia", "PROPN", "NNP", 3, "pobj")], lexicon)
    assert [(e.actor.code, e.recipient.code) for e in found] == [("RUS", "UKR")]


def test_events_refusal_is_reject_not_the_refused_event(code, lexicon):
    found = code([("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("refused", "refuse", "VERB", "VBD", 1, "ROOT"),
                  ("to", "to", "PART", "TO", 3, "aux"), ("take", "take", "VERB", "VB", 1, "xcomp"),
                  ("part", "part", "NOUN", "NN", 3, "dobj"), ("against", "against", "ADP", "IN", 3, "prep"),
                  ("Israel", "Israel", "PROPN", "NNP", 5, "pobj")], lexicon)
    assert {e.meaning.event_type for e in found} == {"REJECT"}
    assert found[0].actor.code == "PSE"


@pytest.mark.parametrize("aux, neg, event_type, negated, hypothetical", [
    ("did", "not", "ASSAULT", True, False),
    ("could", None, "ASSAULT", False, True),
    ("will", None, "THREATEN", False, False),  # an announced attack is a threat
])
def test_events_negation_and_modality(code, lexicon, aux, neg, event_type, negated, hypothetical):
    rows = [("Iran", "Iran", "PROPN", "NNP", 3 if neg else 2, "nsubj"), (aux, aux, "AUX", "MD", 3 if neg else 2, "aux")]
    if neg:
        rows.append((neg, neg, "PART", "RB", 3, "neg"))
    verb = len(rows)
    rows += [("attack", "attack", "VERB", "VB", verb, "ROOT"), ("Israel", "Israel", "PROPN", "NNP", verb, "dobj")]
    (event,) = code(rows, lexicon)
    assert (event.meaning.event_type, event.negated, event.hypothetical) == (event_type, negated, hypothetical)


def test_events_light_verb_takes_meaning_from_its_object(code, lexicon):
    found = code([("Ukraine", "Ukraine", "PROPN", "NNP", 1, "nsubj"), ("launched", "launch", "VERB", "VBD", 1, "ROOT"),
                  ("missiles", "missile", "NOUN", "NNS", 1, "dobj"), ("into", "into", "ADP", "IN", 1, "prep"),
                  ("Russia", "Russia", "PROPN", "NNP", 3, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.meaning.mode, e.actor.code, e.recipient.code) for e in found] == [
        ("ASSAULT", "heavy-weapons", "UKR", "RUS")]
    assert found[0].trigger_text == "launched missiles"


def test_events_nominal_event_with_possessor_and_of_argument(code, lexicon):
    found = code([("Israel", "Israel", "PROPN", "NNP", 2, "poss"), ("'s", "'s", "PART", "POS", 0, "case"),
                  ("assassination", "assassination", "NOUN", "NN", 2, "ROOT"), ("of", "of", "ADP", "IN", 2, "prep"),
                  ("a", "a", "DET", "DT", 6, "det"), ("Hamas", "Hamas", "PROPN", "NNP", 6, "compound"),
                  ("official", "official", "NOUN", "NN", 3, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code, e.recipient.sector) for e in found] == [
        ("ASSAULT", "ISR", "PSE", "GOV")]


def test_events_question_is_hypothetical(code, lexicon):
    (event,) = code([("Will", "will", "AUX", "MD", 2, "aux"), ("Iran", "Iran", "PROPN", "NNP", 2, "nsubj"),
                     ("attack", "attack", "VERB", "VB", 2, "ROOT"), ("Israel", "Israel", "PROPN", "NNP", 2, "dobj"),
                     ("?", "?", "PUNCT", ".", 2, "punct")], lexicon)
    assert event.hypothetical


def test_events_headline_pattern_reads_headline_grammar(code, lexicon):
    # the tagger reads "attacks" in a headline as a plural noun
    found = code([("Iran", "Iran", "PROPN", "NNP", 1, "compound"), ("attacks", "attack", "NOUN", "NNS", 1, "ROOT"),
                  ("Israel", "Israel", "PROPN", "NNP", 1, "appos")], lexicon, headline=True)
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in found] == [("ASSAULT", "IRN", "ISR")]


def test_events_announced_cooperation_is_agree(code, lexicon):
    (event,) = code([("Israel", "Israel", "PROPN", "NNP", 2, "nsubj"), ("will", "will", "AUX", "MD", 2, "aux"),
                     ("withdraw", "withdraw", "VERB", "VB", 2, "ROOT"), ("troops", "troop", "NOUN", "NNS", 2, "dobj")],
                    lexicon)
    assert (event.meaning.event_type, event.hypothetical) == ("AGREE", False)


def test_events_accused_event_is_alleged_not_asserted(code, lexicon):
    found = code([("Palestinians", "Palestinians", "PROPN", "NNPS", 1, "nsubj"), ("blamed", "blame", "VERB", "VBD", 1, "ROOT"),
                  ("Israel", "Israel", "PROPN", "NNP", 1, "dobj"), ("for", "for", "ADP", "IN", 1, "prep"),
                  ("the", "the", "DET", "DT", 5, "det"), ("bombing", "bombing", "NOUN", "NN", 3, "pobj")], lexicon)
    by_type = {e.meaning.event_type: e for e in found}
    assert by_type["ACCUSE"].recipient.code == "ISR" and not by_type["ACCUSE"].hypothetical
    assert all(e.hypothetical for e in found if e.meaning.event_type == "ASSAULT")


def test_events_unnamed_attacker_is_coded_as_unidentified(code, lexicon):
    (event,) = code([("Attacks", "attack", "NOUN", "NNS", 1, "nsubj"), ("killed", "kill", "VERB", "VBD", 1, "ROOT"),
                     ("five", "five", "NUM", "CD", 3, "nummod"), ("troops", "troop", "NOUN", "NNS", 1, "dobj")], lexicon)
    assert event.actor.name == "unidentified armed group" and event.actor.text == ""
    assert event.recipient.sector == "MIL"


def test_events_unnamed_killer_in_a_disaster_story_is_not_invented(code, lexicon):
    found = code([("The", "the", "DET", "DT", 1, "det"), ("flood", "flood", "NOUN", "NN", 2, "nsubj"),
                  ("killed", "kill", "VERB", "VBD", 2, "ROOT"), ("five", "five", "NUM", "CD", 4, "nummod"),
                  ("troops", "troop", "NOUN", "NNS", 2, "dobj")], lexicon)
    assert found == []


def test_events_collective_head_stands_for_its_members(code, lexicon):
    found = code([("A", "a", "DET", "DT", 1, "det"), ("group", "group", "NOUN", "NN", 5, "nsubj"),
                  ("of", "of", "ADP", "IN", 1, "prep"), ("Russian", "russian", "ADJ", "JJ", 4, "amod"),
                  ("diplomats", "diplomat", "NOUN", "NNS", 2, "pobj"), ("met", "meet", "VERB", "VBD", 5, "ROOT"),
                  ("Iran", "Iran", "PROPN", "NNP", 5, "dobj")], lexicon)
    assert [(e.actor.code, e.actor.sector, e.recipient.code) for e in found] == [("RUS", "GOV", "IRN")]


def test_events_attack_with_gas_is_an_attack_despite_disaster_words(code, lexicon):
    # "Civilians were attacked with poisonous gas": gas is a disaster word, attack a hostile one
    found = code([("Civilians", "civilian", "NOUN", "NNS", 2, "nsubjpass"), ("were", "be", "AUX", "VBD", 2, "auxpass"),
                  ("attacked", "attack", "VERB", "VBN", 2, "ROOT"), ("with", "with", "ADP", "IN", 2, "prep"),
                  ("poisonous", "poisonous", "ADJ", "JJ", 5, "amod"), ("gas", "gas", "NOUN", "NN", 3, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.actor.sector) for e in found] == [("ASSAULT", "UAF")]


def test_events_finding_that_an_attack_happened_is_not_a_plan(code, lexicon):
    # "A team determined that the government carried out an attack": determine + ccomp is a finding
    found = code([("A", "a", "DET", "DT", 1, "det"), ("team", "team", "NOUN", "NN", 2, "nsubj"),
                  ("determined", "determine", "VERB", "VBD", 2, "ROOT"), ("that", "that", "SCONJ", "IN", 6, "mark"),
                  ("the", "the", "DET", "DT", 5, "det"), ("government", "government", "NOUN", "NN", 6, "nsubj"),
                  ("attacked", "attack", "VERB", "VBD", 2, "ccomp"), ("Syria", "Syria", "PROPN", "NNP", 6, "dobj")],
                 lexicon)
    assert [(e.meaning.event_type, e.hypothetical) for e in found] == [("ASSAULT", False)]


def test_events_protesters_as_subject_tell_of_a_protest(code, lexicon):
    # "Protesters poured into the streets": no protest verb, but the people make the event
    found = code([("Protesters", "protester", "NOUN", "NNS", 1, "nsubj"), ("poured", "pour", "VERB", "VBD", 1, "ROOT"),
                  ("into", "into", "ADP", "IN", 1, "prep"), ("the", "the", "DET", "DT", 4, "det"),
                  ("streets", "street", "NOUN", "NNS", 2, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.meaning.mode, e.actor.sector) for e in found] == [("PROTEST", "demo", "CVL")]


def test_events_came_under_fire_makes_the_subject_the_target(code, lexicon):
    # "Troops came under fire": an unnamed attacker, the troops the recipient
    found = code([("Troops", "troop", "NOUN", "NNS", 1, "nsubj"), ("came", "come", "VERB", "VBD", 1, "ROOT"),
                  ("under", "under", "ADP", "IN", 1, "prep"), ("fire", "fire", "NOUN", "NN", 2, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.actor.sector, e.recipient.sector, e.hypothetical) for e in found] == [
        ("ASSAULT", "UAF", "MIL", False)]


def test_events_unknown_named_person_is_an_uncoded_actor(make_doc, lexicon):
    from spacy.tokens import Span

    doc = doc_from_rows(make_doc, [("Jan", "Jan", "PROPN", "NNP", 1, "compound"), ("Smallwood", "Smallwood", "PROPN", "NNP", 2, "nsubj"),
                    ("withdrew", "withdraw", "VERB", "VBD", 2, "ROOT")])
    doc.ents = [Span(doc, 0, 2, label="PERSON")]
    found = extract_events(doc[:], lexicon=lexicon, dictionary=None)
    assert [(e.meaning.event_type, e.actor.name, e.actor.code) for e in found] == [("RETREAT", "Jan Smallwood", None)]


def test_events_claim_of_responsibility_makes_the_claimant_the_attacker(code, lexicon):
    # "Hamas claimed responsibility for the attack"
    found = code([("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("claimed", "claim", "VERB", "VBD", 1, "ROOT"),
                  ("responsibility", "responsibility", "NOUN", "NN", 1, "dobj"), ("for", "for", "ADP", "IN", 2, "prep"),
                  ("the", "the", "DET", "DT", 5, "det"), ("attack", "attack", "NOUN", "NN", 3, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.actor.code) for e in found] == [("ASSAULT", "PSE")]


def test_events_condolences_over_an_attack_do_not_invent_its_actors(code, lexicon):
    # "Iran expressed condolences over the attack": the attack is recalled, its attacker untold
    found = code([("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("expressed", "express", "VERB", "VBD", 1, "ROOT"),
                  ("condolences", "condolence", "NOUN", "NNS", 1, "dobj"), ("over", "over", "ADP", "IN", 2, "prep"),
                  ("the", "the", "DET", "DT", 5, "det"), ("attack", "attack", "NOUN", "NN", 3, "pobj")], lexicon)
    assert found == []


def test_events_call_for_sanctions_is_a_demand_not_an_appeal(code, lexicon):
    lex = Lexicon([Trigger("call", "V", (("prep", "for"),), EventType("REQUEST", None, (), "020"), 0.9),
                   Trigger("sanction", "N", (), EventType("SANCTION", None, (), "163"), 0.9),
                   Trigger("ceasefire", "N", (), EventType("RETREAT", "ceasefire", (), "0871"), 0.9)],
                  lexicon.classes)

    def cameo(noun):
        found = code([("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("called", "call", "VERB", "VBD", 1, "ROOT"),
                      ("for", "for", "ADP", "IN", 1, "prep"), (noun, noun, "NOUN", "NN", 2, "pobj")], lex)
        return [e.meaning.cameo for e in found if e.meaning.event_type == "REQUEST"]

    assert cameo("sanction") == ["10"]
    assert cameo("ceasefire") == ["020"]


def test_events_rejecting_an_accusation_is_a_denial_not_a_rejection(code, lexicon):
    lex = Lexicon([Trigger("reject", "V", (), EventType("REJECT", None, (), "120"), 0.9)], lexicon.classes)

    def types(obj):
        return [e.meaning.event_type for e in code([
            ("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("rejected", "reject", "VERB", "VBD", 1, "ROOT"),
            ("the", "the", "DET", "DT", 3, "det"), (obj, obj, "NOUN", "NN", 1, "dobj")], lex)]

    assert types("accusation") == []
    assert types("proposal") == ["REJECT"]


def test_events_what_a_denied_accusation_says_stays_alleged(code, lexicon):
    # "Israel rejected accusations that it attacked Gaza"
    lex = Lexicon([Trigger("reject", "V", (), EventType("REJECT", None, (), "120"), 0.9),
                   Trigger("attack", "V", (), EventType("ASSAULT", None, (), "190"), 0.9)], lexicon.classes)
    found = code([("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), ("rejected", "reject", "VERB", "VBD", 1, "ROOT"),
                  ("accusations", "accusation", "NOUN", "NNS", 1, "dobj"), ("that", "that", "SCONJ", "IN", 5, "mark"),
                  ("it", "it", "PRON", "PRP", 5, "nsubj"), ("attacked", "attack", "VERB", "VBD", 2, "acl"),
                  ("Gaza", "Gaza", "PROPN", "NNP", 5, "dobj")], lex)
    assert [(e.meaning.event_type, e.hypothetical) for e in found] == [("ASSAULT", True)]


def test_events_workers_going_on_strike_is_a_labour_protest(code, lexicon):
    lex = Lexicon([Trigger("strike", "N", (), EventType("ASSAULT", None, (), "190"), 0.5),
                   Trigger("strike", "N", (("mod", "general"),), EventType("PROTEST", "strike", (), "143"), 0.85)],
                  lexicon.classes)
    found = code([("Protesters", "protester", "NOUN", "NNS", 1, "nsubj"), ("went", "go", "VERB", "VBD", 1, "ROOT"),
                  ("on", "on", "ADP", "IN", 1, "prep"), ("strike", "strike", "NOUN", "NN", 2, "pobj")], lex)
    assert [(e.meaning.event_type, e.meaning.mode, e.actor.sector) for e in found] == [("PROTEST", "strike", "CVL")]


def test_events_a_ship_striking_a_ship_is_a_collision_not_an_attack(code, lexicon):
    lex = Lexicon([Trigger("strike", "V", (), EventType("ASSAULT", None, (), "190"), 0.9)], lexicon.classes)
    rows = [("A", "a", "DET", "DT", 1, "det"), ("tanker", "tanker", "NOUN", "NN", 2, "nsubj"),
            ("struck", "strike", "VERB", "VBD", 2, "ROOT"), ("a", "a", "DET", "DT", 4, "det"),
            ("ferry", "ferry", "NOUN", "NN", 2, "dobj")]
    _ACTORS.update({"tanker": (None, None, "BUS"), "ferry": (None, None, "BUS")})
    try:
        assert code(rows, lex) == []
        _ACTORS["tanker"] = ("Russia", "RUS", "MIL")  # a coded navy ship striking a ferry is an attack
        assert [e.meaning.event_type for e in code(rows, lex)] == ["ASSAULT"]
    finally:
        _ACTORS.pop("tanker"), _ACTORS.pop("ferry")


def test_events_a_visit_for_talks_has_the_visitor_as_actor(code, lexicon):
    lex = Lexicon([Trigger("talk", "N", (), EventType("CONSULT", None, (), "040"), 0.9)], lexicon.classes)
    found = code([("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("arrived", "arrive", "VERB", "VBD", 1, "ROOT"),
                  ("for", "for", "ADP", "IN", 1, "prep"), ("talks", "talk", "NOUN", "NNS", 2, "pobj"),
                  ("with", "with", "ADP", "IN", 3, "prep"), ("Russia", "Russia", "PROPN", "NNP", 4, "pobj")], lex)
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in found] == [("CONSULT", "IRN", "RUS")]


def test_events_peacekeepers_deployed_are_aid_to_the_host(code, lexicon):
    lex = Lexicon([Trigger("deploy", "V", (), EventType("MOBILIZE", "troops", (), "154"), 0.8)], lexicon.classes)
    found = code([("Russia", "Russia", "PROPN", "NNP", 1, "nsubj"), ("deployed", "deploy", "VERB", "VBD", 1, "ROOT"),
                  ("peacekeepers", "peacekeeper", "NOUN", "NNS", 1, "dobj"), ("to", "to", "ADP", "IN", 1, "prep"),
                  ("Ukraine", "Ukraine", "PROPN", "NNP", 3, "pobj")], lex)
    assert [(e.meaning.event_type, e.meaning.cameo, e.actor.code, e.recipient.code) for e in found] == [
        ("AID", "074", "RUS", "UKR")]


def test_events_a_lodged_protest_is_a_diplomatic_accusation(code, lexicon):
    lex = Lexicon([Trigger("protest", "N", (), EventType("PROTEST", "demo", (), "141"), 0.9)],
                  lexicon.classes)
    found = code([("Serbia", "Serbia", "PROPN", "NNP", 1, "nsubj"), ("lodged", "lodge", "VERB", "VBD", 1, "ROOT"),
                  ("a", "a", "DET", "DT", 3, "det"), ("protest", "protest", "NOUN", "NN", 1, "dobj"),
                  ("with", "with", "ADP", "IN", 1, "prep"), ("Israel", "Israel", "PROPN", "NNP", 4, "pobj")], lex)
    assert [(e.meaning.event_type, e.meaning.mode) for e in found] == [("ACCUSE", "disapprove")]


def test_events_own_forces_withdrawn_are_not_the_recipient(code, lexicon):
    found = code([("Russia", "Russia", "PROPN", "NNP", 1, "nsubj"), ("withdrew", "withdraw", "VERB", "VBD", 1, "ROOT"),
                  ("its", "its", "PRON", "PRP$", 3, "poss"), ("troops", "troop", "NOUN", "NNS", 1, "dobj"),
                  ("from", "from", "ADP", "IN", 1, "prep"), ("Ukraine", "Ukraine", "PROPN", "NNP", 4, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.recipient.code) for e in found] == [("RETREAT", "UKR")]


def test_events_the_purpose_of_an_attack_names_its_target(code, lexicon):
    # "Troops attacked to disperse Palestinians"
    found = code([("Troops", "troop", "NOUN", "NNS", 1, "nsubj"), ("attacked", "attack", "VERB", "VBD", 1, "ROOT"),
                  ("to", "to", "PART", "TO", 3, "aux"), ("disperse", "disperse", "VERB", "VB", 1, "advcl"),
                  ("Palestinians", "Palestinians", "PROPN", "NNPS", 3, "dobj")], lexicon)
    assert [(e.meaning.event_type, e.recipient.code) for e in found] == [("ASSAULT", "PSE")]


def test_events_rejecting_a_proposal_from_someone_rejects_its_author(code, lexicon):
    found = code([("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("refused", "refuse", "VERB", "VBD", 1, "ROOT"),
                  ("a", "a", "DET", "DT", 3, "det"), ("proposal", "proposal", "NOUN", "NN", 1, "dobj"),
                  ("from", "from", "ADP", "IN", 3, "prep"), ("Israel", "Israel", "PROPN", "NNP", 4, "pobj")], lexicon)
    assert [(e.meaning.event_type, e.recipient.code) for e in found] == [("REJECT", "ISR")]


def test_events_an_ordered_action_is_carried_out_an_offered_one_is_not(code, lexicon):
    lex = Lexicon([Trigger("patrol", "N", (), EventType("MOBILIZE", "police", (), "153"), 0.8),
                   Trigger("talk", "N", (), EventType("CONSULT", None, (), "040"), 0.9)], lexicon.classes)

    def hypothetical(verb, noun):
        found = code([("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), (verb, verb, "VERB", "VBD", 1, "ROOT"),
                      (noun, noun, "NOUN", "NNS", 1, "dobj")], lex)
        return [e.hypothetical for e in found]

    assert hypothetical("order", "patrol") == [False]
    assert hypothetical("offer", "talk") == [True]


def test_events_a_press_release_is_no_release(code, lexicon):
    lex = Lexicon([Trigger("release", "N", (), EventType("RETREAT", "release", (), "0841"), 0.8)], lexicon.classes)
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), ("issued", "issue", "VERB", "VBD", 1, "ROOT"),
            ("a", "a", "DET", "DT", 4, "det"), ("press", "press", "NOUN", "NN", 4, "compound"),
            ("release", "release", "NOUN", "NN", 1, "dobj")]
    assert code(rows, lex) == []


def test_events_condition_is_hypothetical_not_a_threat(code, lexicon):
    # "Israel will meet Hamas if Iran attacks": the condition is no fact, and no threat of Iran's
    rows = [("Israel", "Israel", "PROPN", "NNP", 2, "nsubj"), ("will", "will", "AUX", "MD", 2, "aux"),
            ("meet", "meet", "VERB", "VB", 2, "ROOT"), ("Hamas", "Hamas", "PROPN", "NNP", 2, "dobj"),
            ("if", "if", "SCONJ", "IN", 6, "mark"), ("Iran", "Iran", "PROPN", "NNP", 6, "nsubj"),
            ("attacks", "attack", "VERB", "VBZ", 2, "advcl")]
    found = {e.meaning.event_type: e for e in code(rows, lexicon)}
    assert set(found) == {"AGREE", "ASSAULT"}
    assert not found["AGREE"].hypothetical
    assert found["ASSAULT"].hypothetical and found["ASSAULT"].actor.code == "IRN"


@pytest.mark.parametrize("mark, tag, lemma, hypothetical", [
    ("before", "VBP", "withdraw", True),   # "... before they withdraw": not yet
    ("before", "VBD", "withdraw", False),  # "... before they withdrew": it happened
    ("after", "VBP", "withdraw", False),
])
def test_events_prospective_clause_is_hypothetical(code, lexicon, mark, tag, lemma, hypothetical):
    rows = [("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("met", "meet", "VERB", "VBD", 1, "ROOT"),
            ("Iran", "Iran", "PROPN", "NNP", 1, "dobj"), (mark, mark, "SCONJ", "IN", 5, "mark"),
            ("Israel", "Israel", "PROPN", "NNP", 5, "nsubj"), (lemma, lemma, "VERB", tag, 1, "advcl")]
    found = {e.meaning.event_type: e for e in code(rows, lexicon)}
    assert found["RETREAT"].hypothetical is hypothetical


@pytest.mark.parametrize("modifier, hypothetical", [(None, True), ("first", False)])
def test_events_infinitive_after_a_noun_is_not_yet_a_fact(code, lexicon, modifier, hypothetical):
    # "Russia defended the right of troops to attack Kharkiv" / "the first troops to attack Kharkiv"
    rows = [("Russia", "Russia", "PROPN", "NNP", 1, "nsubj"), ("defended", "defend", "VERB", "VBD", 1, "ROOT"),
            ("the", "the", "DET", "DT", 3, "det")]
    if modifier:
        rows.append((modifier, modifier, "ADJ", "JJ", 4, "amod"))
    noun = len(rows)
    rows += [("right", "right", "NOUN", "NN", 1, "dobj"), ("to", "to", "PART", "TO", noun + 2, "aux"),
             ("attack", "attack", "VERB", "VB", noun, "acl"), ("Kharkiv", "Kharkiv", "PROPN", "NNP", noun + 2, "dobj")]
    (event,) = [e for e in code(rows, lexicon) if e.meaning.event_type == "ASSAULT"]
    assert event.hypothetical is hypothetical


def test_events_statement_participle_takes_the_issuer_as_actor(code, lexicon):
    # "Hamas issued a statement blaming Israel"
    rows = [("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("issued", "issue", "VERB", "VBD", 1, "ROOT"),
            ("a", "a", "DET", "DT", 3, "det"), ("statement", "statement", "NOUN", "NN", 1, "dobj"),
            ("blaming", "blame", "VERB", "VBG", 3, "acl"), ("Israel", "Israel", "PROPN", "NNP", 4, "dobj")]
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in code(rows, lexicon)] == [("ACCUSE", "PSE", "ISR")]


def test_events_compound_subject_of_a_meeting_meets_each_other(code, lexicon):
    rows = [("Israel", "Israel", "PROPN", "NNP", 3, "nsubj"), ("and", "and", "CCONJ", "CC", 0, "cc"),
            ("Iran", "Iran", "PROPN", "NNP", 0, "conj"), ("met", "meet", "VERB", "VBD", 3, "ROOT")]
    assert sorted((e.actor.code, e.recipient.code) for e in code(rows, lexicon)) == [("IRN", "ISR"), ("ISR", "IRN")]


def test_events_adjective_with_no_country_is_no_recipient(code, lexicon, monkeypatch):
    # "Iran refused official contact with Israel" -> the recipient is Israel, not "official"
    def head_only(token, dictionary, *, when=None):
        hit = _ACTORS.get(token.lower_)
        return Actor(token.text, hit[0] or token.text, hit[1], hit[2], token.idx, token.idx + len(token)) if hit else None

    monkeypatch.setattr(actors_mod, "resolve_actor", head_only)
    lex = Lexicon([Trigger("boycott", "V", (), EventType("REJECT", None, (), None), 0.9)], lexicon.classes)
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("boycotted", "boycott", "VERB", "VBD", 1, "ROOT"),
            ("official", "official", "ADJ", "JJ", 3, "amod"), ("contact", "contact", "NOUN", "NN", 1, "dobj"),
            ("with", "with", "ADP", "IN", 3, "prep"), ("Israel", "Israel", "PROPN", "NNP", 4, "pobj")]
    assert [(e.actor.code, e.recipient.code) for e in code(rows, lex)] == [("IRN", "ISR")]


def test_events_domestic_recipient_of_another_sector_is_kept(code, lexicon):
    # "Russian troops attacked Russia" (troops: MIL; the state: GOV) is not a self-directed event
    rows = [("Russian", "russian", "ADJ", "JJ", 1, "amod"), ("troops", "troop", "NOUN", "NNS", 2, "nsubj"),
            ("attacked", "attack", "VERB", "VBD", 2, "ROOT"), ("Russia", "Russia", "PROPN", "NNP", 2, "dobj")]
    (event,) = code(rows, lexicon)
    assert (event.actor.sector, event.recipient.code, event.recipient.sector) == ("MIL", "RUS", "GOV")


@pytest.mark.parametrize("verb, prt, expected", [
    ("end", None, [("SANCTION", "164", "IRN", "ISR")]),      # "Iran ended talks with Israel"
    ("break", "off", [("SANCTION", "164", "IRN", "ISR")]),   # "Iran broke off talks with Israel"
    ("skip", None, []),                                      # a refusal, coded by the verb's own trigger
])
def test_events_talks_broken_off_are_a_sanction(code, lexicon, verb, prt, expected):
    lex = Lexicon([Trigger("talk", "N", (), EventType("CONSULT", None, (), "040"), 0.9)], lexicon.classes)
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), (verb, verb, "VERB", "VBD", 1, "ROOT")]
    if prt:
        rows.append((prt, prt, "ADP", "RP", 1, "prt"))
    noun = len(rows)
    rows += [("talks", "talk", "NOUN", "NNS", 1, "dobj"), ("with", "with", "ADP", "IN", noun, "prep"),
             ("Israel", "Israel", "PROPN", "NNP", noun + 1, "pobj")]
    found = code(rows, lex)
    assert [(e.meaning.event_type, e.meaning.cameo, e.actor.code, e.recipient.code) for e in found] == expected


def _lex_with(lexicon, *entries):
    "The module lexicon's word classes with these (lemma, pos, type, cameo) triggers."
    return Lexicon([Trigger(lemma, pos, (), EventType(etype, None, (), cameo), 0.9) for lemma, pos, etype, cameo in entries],
                   lexicon.classes)


@pytest.mark.parametrize("verb, lemma, hypothetical", [
    ("mounted", "mount", False),     # "Israel mounted its expected invasion": it took place
    ("announced", "announce", True),  # "Israel announced its expected invasion": still to come
])
def test_events_doing_verb_asserts_an_expected_event(code, lexicon, verb, lemma, hypothetical):
    lex = _lex_with(lexicon, ("invasion", "N", "ASSAULT", "190"))
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), (verb, lemma, "VERB", "VBD", 1, "ROOT"),
            ("its", "its", "PRON", "PRP$", 4, "poss"), ("expected", "expected", "ADJ", "JJ", 4, "amod"),
            ("invasion", "invasion", "NOUN", "NN", 1, "dobj")]
    (event,) = [e for e in code(rows, lex) if e.meaning.event_type == "ASSAULT"]
    assert event.hypothetical is hypothetical


def test_events_placed_under_arrest_has_the_object_as_recipient(code, lexicon):
    lex = _lex_with(lexicon, ("arrest", "N", "COERCE", "173"))
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), ("placed", "place", "VERB", "VBD", 1, "ROOT"),
            ("Hamas", "Hamas", "PROPN", "NNP", 1, "dobj"), ("under", "under", "ADP", "IN", 1, "prep"),
            ("arrest", "arrest", "NOUN", "NN", 3, "pobj")]
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in code(rows, lex)] == [("COERCE", "ISR", "PSE")]


def test_events_content_of_a_reiterated_demand_is_not_a_fact(code, lexicon):
    # "Iran reiterated its demand that Israel withdraw"
    lex = _lex_with(lexicon, ("demand", "N", "REQUEST", "100"), ("withdraw", "V", "RETREAT", "0874"))
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("reiterated", "reiterate", "VERB", "VBD", 1, "ROOT"),
            ("its", "its", "PRON", "PRP$", 3, "poss"), ("demand", "demand", "NOUN", "NN", 1, "dobj"),
            ("that", "that", "SCONJ", "IN", 6, "mark"), ("Israel", "Israel", "PROPN", "NNP", 6, "nsubj"),
            ("withdraw", "withdraw", "VERB", "VB", 1, "ccomp")]
    found = {e.meaning.event_type: e for e in code(rows, lex)}
    assert found["REQUEST"].recipient.code == "ISR" and not found["REQUEST"].hypothetical
    assert found["RETREAT"].hypothetical


def test_events_purpose_of_a_sending_targets_the_destination(code, lexicon):
    # "Iran sent troops to Ukraine to attack": the attack is on Ukraine
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("sent", "send", "VERB", "VBD", 1, "ROOT"),
            ("troops", "troop", "NOUN", "NNS", 1, "dobj"), ("to", "to", "ADP", "IN", 1, "prep"),
            ("Ukraine", "Ukraine", "PROPN", "NNP", 3, "pobj"), ("to", "to", "PART", "TO", 6, "aux"),
            ("attack", "attack", "VERB", "VB", 1, "advcl")]
    found = [e for e in code(rows, lexicon) if e.meaning.event_type == "ASSAULT"]
    assert [(e.actor.code, e.recipient.code) for e in found] == [("IRN", "UKR")]


def test_events_refuge_sought_in_a_country_is_asked_of_it(code, lexicon):
    lex = _lex_with(lexicon, ("seek", "V", "REQUEST", "023"))
    rows = [("Palestinians", "Palestinians", "PROPN", "NNPS", 1, "nsubj"), ("sought", "seek", "VERB", "VBD", 1, "ROOT"),
            ("refuge", "refuge", "NOUN", "NN", 1, "dobj"), ("in", "in", "ADP", "IN", 1, "prep"),
            ("Iran", "Iran", "PROPN", "NNP", 3, "pobj")]
    assert [(e.actor.code, e.recipient.code) for e in code(rows, lex)] == [("PSE", "IRN")]


def test_events_pronoun_subject_of_reported_speech_is_the_speaker(code, lexicon):
    # "Iran said it will attack Israel" (no earlier sentence names anyone)
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("said", "say", "VERB", "VBD", 1, "ROOT"),
            ("it", "it", "PRON", "PRP", 4, "nsubj"), ("will", "will", "AUX", "MD", 4, "aux"),
            ("attack", "attack", "VERB", "VB", 1, "ccomp"), ("Israel", "Israel", "PROPN", "NNP", 4, "dobj")]
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in code(rows, lexicon)] == [
        ("THREATEN", "IRN", "ISR")]


def test_events_concession_recipient_from_its_purpose_clause(code, lexicon):
    # "Iran opened the border to allow aid to Ukraine"
    lex = _lex_with(lexicon, ("open", "V", "RETREAT", "086"))
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("opened", "open", "VERB", "VBD", 1, "ROOT"),
            ("the", "the", "DET", "DT", 3, "det"), ("border", "border", "NOUN", "NN", 1, "dobj"),
            ("to", "to", "PART", "TO", 5, "aux"), ("allow", "allow", "VERB", "VB", 1, "advcl"),
            ("aid", "aid", "NOUN", "NN", 5, "dobj"), ("to", "to", "ADP", "IN", 6, "prep"),
            ("Ukraine", "Ukraine", "PROPN", "NNP", 7, "pobj")]
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in code(rows, lex)] == [("RETREAT", "IRN", "UKR")]


def test_events_named_organisation_unknown_to_the_dictionaries_is_an_uncoded_actor(code, lexicon):
    # "The Umma party attacked Israel"
    rows = [("The", "the", "DET", "DT", 2, "det"), ("Umma", "Umma", "PROPN", "NNP", 2, "compound"),
            ("party", "party", "NOUN", "NN", 3, "nsubj"), ("attacked", "attack", "VERB", "VBD", 3, "ROOT"),
            ("Israel", "Israel", "PROPN", "NNP", 3, "dobj")]
    (event,) = code(rows, lexicon)
    assert (event.actor.name, event.actor.code, event.recipient.code) == ("Umma party", None, "ISR")


def test_events_a_documents_aim_is_no_ones_threat(code, lexicon):
    # "The plan aims to attack Israel": hypothetical, not an announced (THREATEN) act of anyone
    rows = [("The", "the", "DET", "DT", 1, "det"), ("plan", "plan", "NOUN", "NN", 2, "nsubj"),
            ("aims", "aim", "VERB", "VBZ", 2, "ROOT"), ("to", "to", "PART", "TO", 4, "aux"),
            ("attack", "attack", "VERB", "VB", 2, "xcomp"), ("Israel", "Israel", "PROPN", "NNP", 4, "dobj")]
    assert [(e.meaning.event_type, e.hypothetical) for e in code(rows, lexicon)] == [("ASSAULT", True)]


@pytest.mark.parametrize("span, expected", [("years", []), ("days", ["ASSAULT"])])
def test_events_years_of_an_event_are_a_state(code, lexicon, span, expected):
    # "Hamas met Iran after years of bombing" (a background state) / "after days of bombing" (an event)
    rows = [("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("met", "meet", "VERB", "VBD", 1, "ROOT"),
            ("Iran", "Iran", "PROPN", "NNP", 1, "dobj"), ("after", "after", "ADP", "IN", 1, "prep"),
            (span, span[:-1], "NOUN", "NNS", 3, "pobj"), ("of", "of", "ADP", "IN", 4, "prep"),
            ("Israeli", "israeli", "ADJ", "JJ", 7, "amod"), ("bombing", "bombing", "NOUN", "NN", 5, "pobj")]
    assert [e.meaning.event_type for e in code(rows, lexicon) if e.meaning.event_type != "CONSULT"] == expected


def test_events_an_unnamed_actors_future_attack_is_no_threat(code, lexicon):
    # "Kharkiv will be attacked": no one named announced it; hypothetical, not THREATEN
    rows = [("Kharkiv", "Kharkiv", "PROPN", "NNP", 3, "nsubjpass"), ("will", "will", "AUX", "MD", 3, "aux"),
            ("be", "be", "AUX", "VB", 3, "auxpass"), ("attacked", "attack", "VERB", "VBN", 3, "ROOT")]
    assert [(e.meaning.event_type, e.actor.text, e.recipient.code, e.hypothetical) for e in code(rows, lexicon)] == [
        ("ASSAULT", "", "UKR", True)]


def test_events_event_noun_subject_takes_the_mood_of_its_verb(code, lexicon):
    # "An attack will hit Kharkiv": one event, carried by the noun, in the verb's future
    lex = _lex_with(lexicon, ("attack", "N", "ASSAULT", "190"), ("hit", "V", "ASSAULT", "190"))
    rows = [("An", "an", "DET", "DT", 1, "det"), ("attack", "attack", "NOUN", "NN", 3, "nsubj"),
            ("will", "will", "AUX", "MD", 3, "aux"), ("hit", "hit", "VERB", "VB", 3, "ROOT"),
            ("Kharkiv", "Kharkiv", "PROPN", "NNP", 3, "dobj")]
    found = code(rows, lex)
    assert found and all(e.meaning.event_type == "ASSAULT" and e.hypothetical for e in found)


def test_events_clause_before_a_colon_is_not_a_complement(code, lexicon):
    # headline "Iran attacks Israel: Russia vows revenge" (parsed with "attacks" as a ccomp of "vows")
    lex = _lex_with(lexicon, ("attack", "V", "ASSAULT", "190"))
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("attacks", "attack", "VERB", "VBZ", 5, "ccomp"),
            ("Israel", "Israel", "PROPN", "NNP", 1, "dobj"), (":", ":", "PUNCT", ":", 5, "punct"),
            ("Russia", "Russia", "PROPN", "NNP", 5, "nsubj"), ("vows", "vow", "VERB", "VBZ", 5, "ROOT"),
            ("revenge", "revenge", "NOUN", "NN", 5, "dobj")]
    (event,) = [e for e in code(rows, lex) if e.meaning.event_type == "ASSAULT"]
    assert not event.hypothetical


def test_events_force_used_on_protesters_tells_of_a_protest(code, lexicon):
    # "Israel attacked protesters": ACLED's protest with intervention, beside the attack
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), ("attacked", "attack", "VERB", "VBD", 1, "ROOT"),
            ("protesters", "protester", "NOUN", "NNS", 1, "dobj")]
    found = sorted((e.meaning.event_type, e.actor.sector) for e in code(rows, lexicon))
    assert found == [("ASSAULT", "GOV"), ("PROTEST", "CVL")]


def test_events_grounds_of_an_arrest_are_alleged_and_done_by_the_arrested(code, lexicon):
    # "Israel arrested Hamas for attacking Ukraine": the attack is Israel's allegation, by Hamas
    lex = _lex_with(lexicon, ("arrest", "V", "COERCE", "173"), ("attack", "V", "ASSAULT", "190"))
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), ("arrested", "arrest", "VERB", "VBD", 1, "ROOT"),
            ("Hamas", "Hamas", "PROPN", "NNP", 1, "dobj"), ("for", "for", "ADP", "IN", 1, "prep"),
            ("attacking", "attack", "VERB", "VBG", 3, "pcomp"), ("Ukraine", "Ukraine", "PROPN", "NNP", 4, "dobj")]
    found = {e.meaning.event_type: e for e in code(rows, lex)}
    assert (found["COERCE"].actor.code, found["COERCE"].recipient.code, found["COERCE"].hypothetical) == ("ISR", "PSE", False)
    assert (found["ASSAULT"].actor.code, found["ASSAULT"].recipient.code, found["ASSAULT"].hypothetical) == ("PSE", "UKR", True)


def test_events_recipient_fallback_skips_the_grounds(code, lexicon):
    # "A missionary was arrested for helping Israel": the missionary, not Israel, was arrested
    lex = _lex_with(lexicon, ("arrest", "V", "COERCE", "173"))
    rows = [("A", "a", "DET", "DT", 1, "det"), ("missionary", "missionary", "NOUN", "NN", 3, "nsubjpass"),
            ("was", "be", "AUX", "VBD", 3, "auxpass"), ("arrested", "arrest", "VERB", "VBN", 3, "ROOT"),
            ("for", "for", "ADP", "IN", 3, "prep"), ("helping", "help", "VERB", "VBG", 4, "pcomp"),
            ("Israel", "Israel", "PROPN", "NNP", 5, "dobj")]
    (event,) = code(rows, lex)
    assert event.meaning.event_type == "COERCE" and event.recipient is None


@pytest.mark.parametrize("negated, expected", [(False, [("REJECT", "IRN", "ISR")]), (True, [])])
def test_events_ruling_out_talks_is_a_rejection(code, lexicon, negated, expected):
    # "Iran said talks with Israel are (not) out of the question"
    lex = _lex_with(lexicon, ("talks", "N", "CONSULT", "040"))
    rows = [("Iran", "Iran", "PROPN", "NNP", 1, "nsubj"), ("said", "say", "VERB", "VBD", 1, "ROOT"),
            ("talks", "talks", "NOUN", "NNS", 5, "nsubj"), ("with", "with", "ADP", "IN", 2, "prep"),
            ("Israel", "Israel", "PROPN", "NNP", 3, "pobj"), ("are", "be", "AUX", "VBP", 1, "ccomp")]
    rows += [("not", "not", "PART", "RB", 5, "neg")] if negated else []
    out = len(rows)
    rows += [("out", "out", "ADP", "IN", 5, "prep"), ("of", "of", "ADP", "IN", out, "prep"),
             ("the", "the", "DET", "DT", out + 3, "det"), ("question", "question", "NOUN", "NN", out + 1, "pobj")]
    found = code(rows, lex)
    assert [(e.meaning.event_type, e.actor.code, e.recipient.code) for e in found if e.meaning.event_type == "REJECT"] == expected
    assert not any(e.meaning.event_type == "CONSULT" and not e.hypothetical for e in found) or negated


@pytest.mark.parametrize("second_subject, expected", [
    (None, ["PROTEST"]),                  # "Palestinians rioted demanding talks": the demand is the protest's
    ("Israel", ["PROTEST", "REQUEST"]),  # "Palestinians rioted and Israel demanded talks": Israel's own demand
])
def test_events_a_protests_demand_is_part_of_the_protest(code, lexicon, second_subject, expected):
    lex = _lex_with(lexicon, ("riot", "V", "PROTEST", "145"), ("demand", "V", "REQUEST", "100"))
    rows = [("Palestinians", "Palestinians", "PROPN", "NNPS", 1, "nsubj"), ("rioted", "riot", "VERB", "VBD", 1, "ROOT")]
    if second_subject is None:
        rows += [("demanding", "demand", "VERB", "VBG", 1, "advcl"), ("talks", "talk", "NOUN", "NNS", 2, "dobj")]
    else:
        rows += [("and", "and", "CCONJ", "CC", 1, "cc"), (second_subject, second_subject, "PROPN", "NNP", 4, "nsubj"),
                 ("demanded", "demand", "VERB", "VBD", 1, "conj"), ("talks", "talk", "NOUN", "NNS", 4, "dobj")]
    assert sorted(e.meaning.event_type for e in code(rows, lex)) == expected


@pytest.mark.parametrize("verb, lemma, expected", [
    ("shortened", "shorten", ["CONCEDE"]),  # the curfew misparsed as the subject of the next clause
    ("said", "say", []),                    # "Israel said the curfew toppled ...": a real complement clause
])
def test_events_object_misparsed_as_the_next_clauses_subject(code, lexicon, verb, lemma, expected):
    lex = Lexicon([Trigger("shorten", "V", (("dobj", "curfew"),), EventType("CONCEDE", None, (), "0813"), 0.8),
                   Trigger("say", "V", (("dobj", "curfew"),), EventType("AGREE", None, (), "030"), 0.8)],
                  lexicon.classes)
    rows = [("Israel", "Israel", "PROPN", "NNP", 1, "nsubj"), (verb, lemma, "VERB", "VBD", 1, "ROOT"),
            ("the", "the", "DET", "DT", 3, "det"), ("curfew", "curfew", "NOUN", "NN", 4, "nsubj"),
            ("toppled", "topple", "VERB", "VBD", 1, "ccomp"), ("Hamas", "Hamas", "PROPN", "NNP", 4, "dobj")]
    assert [(e.meaning.event_type) for e in code(rows, lex)] == expected


def test_events_sworn_to_attack_parsed_as_a_purpose_is_a_threat(code, lexicon):
    # "Hamas swore to attack Israel", with "to attack" parsed as a purpose clause
    rows = [("Hamas", "Hamas", "PROPN", "NNP", 1, "nsubj"), ("swore", "swear", "VERB", "VBD", 1, "ROOT"),
            ("to", "to", "PART", "TO", 3, "aux"), ("attack", "attack", "VERB", "VB", 1, "advcl"),
            ("Israel", "Israel", "PROPN", "NNP", 3, "dobj")]
    assert [(e.meaning.event_type, e.actor.code, e.hypothetical) for e in code(rows, lexicon)] == [("THREATEN", "PSE", False)]


def test_events_capitalised_event_word_is_no_actor(code, lexicon):
    "'Bombing kills five troops' (a headline): the event word is the trigger, not an actor named 'Bombing'."
    found = code([("Bombing", "Bombing", "PROPN", "NNP", 1, "nsubj"), ("kills", "kill", "VERB", "VBZ", 1, "ROOT"),
                  ("five", "five", "NUM", "CD", 3, "nummod"), ("troops", "troop", "NOUN", "NNS", 1, "dobj")], lexicon)
    assert found and all(e.actor.name != "Bombing" for e in found)
    assert found[0].actor.name == "unidentified armed group" and found[0].actor.code is None


def test_events_untagged_capital_in_title_case_is_no_name(code, lexicon):
    "In a title-case headline every word is capitalised: an untagged word there is no unknown name."
    rows = [("Villagers", "Villagers", "PROPN", "NNPS", 1, "nsubj"), ("Attack", "attack", "VERB", "VBP", 1, "ROOT"),
            ("Border", "Border", "PROPN", "NNP", 3, "compound"), ("Troops", "troop", "NOUN", "NNS", 1, "dobj")]
    assert all(e.actor.name != "Villagers" for e in code(rows, lexicon))
    named = code([("Smallwood", "Smallwood", "PROPN", "NNP", 1, "nsubj"), ("attacked", "attack", "VERB", "VBD", 1, "ROOT"),
                  ("the", "the", "DET", "DT", 3, "det"), ("troops", "troop", "NOUN", "NNS", 1, "dobj")], lexicon)
    assert named[0].actor.name == "Smallwood" and named[0].actor.code is None  # a name in running text stays
