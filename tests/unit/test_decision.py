"""The learned decision over the rules (coding/events/decision.py) on hand-built parses and a hand-made model."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from eventwire.coding import actors as actors_mod
from eventwire.coding.decider import Decider
from eventwire.coding.events import extract_events
from eventwire.coding.lexicon import Lexicon, Trigger, read_verb_classes
from eventwire.config import DATA_DIR
from eventwire.records import Actor, EventType

_LABELS = ["ASSAULT", "PROTEST", "NONE"]


def _linear(weights: dict[str, tuple[float, float, float]], bias=(0.0, 0.0, 1.0)) -> dict:
    "A model spec: each feature's weight per label (ASSAULT, PROTEST, NONE)."
    matrix = np.array([list(col) for col in weights.values()], dtype="<f2").T.copy()
    return {"vocabulary": list(weights), "weights": base64.b64encode(matrix.tobytes()).decode(), "bias": list(bias)}


def _decider(mode: str, *, none_bias: float = 1.0, bias: tuple[float, float, float] | None = None,
             known: list[str] | None = None, evidence: bool = False, **limits: float) -> Decider:
    """A decider whose model says "no event" for everything (NONE bias ``none_bias``; or the biases
    ``bias``) and whose proposer reads 'stormed' as ASSAULT and 'Kharkiv' as PROTEST; proposals
    calibrated to 0.7; ``limits``: thresholds other than the defaults."""
    rules = _linear({"w:attacked": (0.0, 0.0, 0.0)}, bias=bias or (0.0, 0.0, none_bias))
    proposer = _linear({"w:stormed": (6.0, 0.0, 0.0), "w:kharkiv": (0.0, 4.0, 0.0)})
    return Decider({"labels": _LABELS, "mode": mode, "quiet_in_disaster": ["ASSAULT"], "evidence": evidence,
                    **({"known": known} if known is not None else {}),
                    "thresholds": {"drop": 0.5, "retype": 0.9, "propose": 0.6, "keep": 0.95, **limits},
                    **rules, "proposer": proposer,
                    "calibration": {"rule": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
                                    "proposed": {"x": [0.0, 1.0], "y": [0.7, 0.7]}}})


@pytest.fixture(autouse=True)
def fake_actors(monkeypatch):
    table = {"troops": Actor("troops", "troops", None, "MIL"), "kharkiv": Actor("Kharkiv", "Kharkiv", "UKR", "GOV")}

    def resolve(token, dictionary, *, when=None):
        hit = table.get(token.lower_)
        return hit and Actor(token.text, hit.name, hit.code, hit.sector, token.idx, token.idx + len(token))

    monkeypatch.setattr(actors_mod, "resolve_actor", resolve)
    monkeypatch.setattr(actors_mod, "find_actor_mentions",
                        lambda span, dictionary, *, when=None: [a for a in map(lambda t: resolve(t, None), span) if a])
    monkeypatch.setattr(actors_mod, "expand_conjuncts", lambda t: [t, *t.conjuncts], raising=False)
    monkeypatch.setattr(actors_mod, "resolve_reference", lambda t, prev, **kw: None, raising=False)


@pytest.fixture(scope="module")
def lexicon():
    return Lexicon([Trigger("attack", "V", (), EventType("ASSAULT", None, (), None), 0.9)],
                   read_verb_classes(DATA_DIR / "verb_classes.yaml"))


def _sentence(make_doc, words: list[str], lemmas: list[str], pos: list[str], heads: list[int], deps: list[str]):
    return make_doc(words, lemmas=lemmas, pos=pos, tags=["XX"] * len(words), heads=heads, deps=deps)[:]


_ATTACKED = (["Troops", "attacked", "Kharkiv", "."], ["troops", "attack", "Kharkiv", "."],
             ["NOUN", "VERB", "PROPN", "PUNCT"], [1, 1, 1, 1], ["nsubj", "ROOT", "dobj", "punct"])
_STORMED = (["Gunmen", "stormed", "the", "village", "."], ["gunman", "storm", "the", "village", "."],
            ["NOUN", "VERB", "DET", "NOUN", "PUNCT"], [1, 1, 3, 1, 1], ["nsubj", "ROOT", "det", "dobj", "punct"])
_QUAKE = (["Crowds", "stormed", "the", "village", "after", "the", "earthquake", "."],
          ["crowd", "storm", "the", "village", "after", "the", "earthquake", "."],
          ["NOUN", "VERB", "DET", "NOUN", "ADP", "DET", "NOUN", "PUNCT"], [1, 1, 3, 1, 1, 6, 4, 1],
          ["nsubj", "ROOT", "det", "dobj", "prep", "det", "pobj", "punct"])


@pytest.mark.parametrize("mode, kept", [("propose", True), ("propose+drop", False), ("full", False)])
def test_decision_mode_decides_whether_a_rule_event_may_be_dropped(make_doc, lexicon, mode, kept):
    # the model gives "no event" 0.58 (>= drop 0.5); the rule event's 0.9 is under keep 0.95
    found = extract_events(_sentence(make_doc, *_ATTACKED), lexicon=lexicon.with_decider(_decider(mode)),
                           dictionary=None)
    assert [e.meaning.event_type for e in found] == (["ASSAULT"] if kept else [])


def test_decision_kept_rule_event_gets_the_calibrated_confidence(make_doc, lexicon):
    s = _sentence(make_doc, *_ATTACKED)
    (rules,) = extract_events(s, lexicon=lexicon, dictionary=None)
    (found,) = extract_events(s, lexicon=lexicon.with_decider(_decider("propose")), dictionary=None)
    p_assault = float(np.exp(0.0) / (np.exp(0.0) * 2 + np.exp(1.0)))  # the model's ASSAULT; identity calibration
    assert found.confidence == pytest.approx(round((p_assault + rules.confidence) / 2, 3), abs=1e-3)


def test_decision_proposer_fills_a_sentence_the_rules_left_silent(make_doc, lexicon):
    s = _sentence(make_doc, *_STORMED)
    assert extract_events(s, lexicon=lexicon, dictionary=None) == []
    found = extract_events(s, lexicon=lexicon.with_decider(_decider("propose")), dictionary=None)
    assert [(e.meaning.event_type, e.trigger.text, e.confidence) for e in found] == [("ASSAULT", "stormed", 0.7)]
    assert found[0].actor.name == "unidentified" and found[0].actor.sector == "UAF"


def test_decision_proposed_event_takes_its_triggers_modality(make_doc, lexicon):
    # "Gunmen might have stormed the village": the proposer's ASSAULT on "stormed" is what the rules
    # would make of that trigger, hypothetical, not an asserted attack
    words = ["Gunmen", "might", "have", "stormed", "the", "village", "."]
    s = _sentence(make_doc, words, ["gunman", "might", "have", "storm", "the", "village", "."],
                  ["NOUN", "AUX", "AUX", "VERB", "DET", "NOUN", "PUNCT"], [3, 3, 3, 3, 5, 3, 3],
                  ["nsubj", "aux", "aux", "ROOT", "det", "dobj", "punct"])
    (found,) = extract_events(s, lexicon=lexicon.with_decider(_decider("propose")), dictionary=None)
    assert (found.meaning.event_type, found.hypothetical, found.negated) == ("ASSAULT", True, False)


def test_decision_proposes_no_conflict_type_in_a_disaster_story(make_doc, lexicon):
    # the same words as the silent sentence above, after an earthquake: the proposer's ASSAULT is held back
    s = _sentence(make_doc, *_QUAKE)
    assert extract_events(s, lexicon=lexicon.with_decider(_decider("propose")), dictionary=None) == []


@pytest.mark.parametrize("weak, kept", [(0.0, ["ASSAULT"]), (0.1, [])])
def test_decision_weak_drops_a_rule_event_whose_type_the_model_finds_unlikely(make_doc, lexicon, weak, kept):
    # the model: PROTEST 0.91, ASSAULT and no event 0.045 each; no re-typing in propose+drop, no drop for
    # "no event"; the ASSAULT goes only when its 0.045 is under ``weak``
    decider = _decider("propose+drop", bias=(0.0, 3.0, 0.0), weak=weak)
    found = extract_events(_sentence(make_doc, *_ATTACKED), lexicon=lexicon.with_decider(decider), dictionary=None)
    assert [e.meaning.event_type for e in found] == kept


@pytest.mark.parametrize("add, types", [(1.01, ["ASSAULT"]), (0.6, ["ASSAULT", "PROTEST"])])
def test_decision_add_puts_the_proposers_type_beside_the_rules_events(make_doc, lexicon, add, types):
    # the proposer reads "Kharkiv" as PROTEST (0.96): added beside the rules' ASSAULT only when ``add`` allows
    decider = _decider("propose", none_bias=-2.0, add=add)
    found = extract_events(_sentence(make_doc, *_ATTACKED), lexicon=lexicon.with_decider(decider), dictionary=None)
    assert sorted(e.meaning.event_type for e in found) == types
    added = [e for e in found if e.meaning.event_type == "PROTEST"]
    assert all(not e.negated and not e.hypothetical and e.confidence == 0.7 for e in added)


def test_decision_does_not_judge_a_type_outside_known(make_doc, lexicon):
    # the same model as above, but ASSAULT is not a type it learned: the rule event keeps its type and its
    # own confidence (no drop for its low probability, no calibration), and PROTEST is never proposed
    s = _sentence(make_doc, *_ATTACKED)
    (rules,) = extract_events(s, lexicon=lexicon, dictionary=None)
    decider = _decider("propose+drop", bias=(0.0, 3.0, 0.0), weak=0.1, known=["PROTEST"])
    (found,) = extract_events(s, lexicon=lexicon.with_decider(decider), dictionary=None)
    assert (found.meaning.event_type, found.confidence) == ("ASSAULT", rules.confidence)
    decider = _decider("propose", none_bias=-2.0, add=0.6, known=["ASSAULT"])
    assert [e.meaning.event_type for e in extract_events(s, lexicon=lexicon.with_decider(decider), dictionary=None)] \
        == ["ASSAULT"]


def test_decision_evidence_needs_a_lexicon_word_of_the_proposed_type(make_doc, lexicon):
    # "Kharkiv" makes the proposer say PROTEST, but no word of the sentence is a PROTEST word in the lexicon
    s = _sentence(make_doc, *_ATTACKED)
    for evidence, types in ((False, ["ASSAULT", "PROTEST"]), (True, ["ASSAULT"])):
        decider = _decider("propose", none_bias=-2.0, add=0.6, evidence=evidence)
        found = extract_events(s, lexicon=lexicon.with_decider(decider), dictionary=None)
        assert sorted(e.meaning.event_type for e in found) == types


@pytest.mark.parametrize("value, expected", [("false", False), ("off", False), ("0", False), ("true", True),
                                             (True, True), (False, False)])
def test_decision_setting_turns_the_decider_off(value, expected):
    from eventwire.config import Settings

    assert Settings.load(overrides={"decider": value}).decider is expected


def test_decision_setting_rejects_a_word_that_is_no_truth_value():
    from eventwire.config import Settings
    from eventwire.errors import ConfigError

    with pytest.raises(ConfigError):
        Settings.load(overrides={"decider": "maybe"})


def test_decision_rules_alone_carry_their_own_coder_version(tmp_path):
    from eventwire.config import coder_version

    (tmp_path / "triggers.tsv").write_text("lemma\tpos\n")
    assert coder_version(tmp_path, decider=False) == coder_version(tmp_path)  # no decider.json: nothing to say
    (tmp_path / "decider.json").write_text("{}")
    assert coder_version(tmp_path, decider=False) == coder_version(tmp_path) + ".rules"


def test_decision_ud_proposal_without_a_subject_keeps_an_unidentified_actor(make_doc, monkeypatch):
    # "Exigieron al gobierno de Colombia ...": the verb's only role is its recipient; a proposed REQUEST
    # takes it as recipient, with an unidentified actor, as the UD rules code a pro-drop verb
    from eventwire.coding.events import ud
    from eventwire.coding.events.decision import decide

    col = Actor("gobierno", "Colombia", "COL", "GOV", 12, 20)
    monkeypatch.setattr(ud, "_verb_roles", lambda verb, dictionary, when, cls, skip=None: ([], [col]))
    decider = Decider({"labels": ["REQUEST", "NONE"], "mode": "propose", "quiet_in_disaster": [],
                       "thresholds": {"drop": 0.5, "retype": 0.9, "propose": 0.6, "keep": 0.95},
                       **_linear({"w:x": (0.0, 0.0)}, bias=(0.0, 0.0)),
                       "proposer": _linear({"w:exigieron": (6.0, 0.0)}, bias=(0.0, 0.0)),
                       "calibration": {"rule": {"x": [0.0, 1.0], "y": [0.0, 1.0]},
                                       "proposed": {"x": [0.0, 1.0], "y": [0.7, 0.7]}}})
    doc = make_doc(["Exigieron", "al", "gobierno", "."], lemmas=["exigir", "al", "gobierno", "."],
                   pos=["VERB", "ADP", "NOUN", "PUNCT"], tags=["XX"] * 4, heads=[0, 2, 0, 0],
                   deps=["ROOT", "case", "obj", "punct"])
    lexicon = Lexicon([], read_verb_classes(DATA_DIR / "lang" / "es" / "verb_classes.yaml"))
    (found,) = decide(ud.UDSentence(doc[:], lexicon, None, None), [], decider)
    assert found.meaning.event_type == "REQUEST" and found.trigger.text == "Exigieron"
    assert (found.actor.name, found.actor.code) == ("unidentified", None)
    assert found.recipient is not None and found.recipient.code == "COL"
