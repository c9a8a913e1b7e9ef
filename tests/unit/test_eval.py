"""Scoring functions of eval.py, with hand-made Event records and a fake coder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from eventwire.evaluation import events as ev
from eventwire.errors import InputError
from eventwire.records import Actor, Article, Coded, Event

CAMEO = {"AGREE": "057", "REQUEST": "020", "ASSAULT": "190", "PROTEST": "141", "COERCE": "173",
         "CONSULT": "040", "REJECT": "120", "ACCUSE": "112", "AID": "070"}
QUAD = {"AGREE": 1, "REQUEST": 1, "CONSULT": 1, "AID": 2, "ACCUSE": 3, "REJECT": 3, "ASSAULT": 4,
        "PROTEST": 3, "COERCE": 4}


def make_event(event_type: str, actor: str | None = "USA", recipient: str | None = None, *,
               confidence: float = 0.8, negated: bool = False, hypothetical: bool = False,
               sentence: str = "s", cameo: str | None = None, date: dt.date | None = None,
               doc_id: str = "doc", doc_kind: str = "article") -> Event:
    "A minimal Event for scoring tests."
    return Event(
        event_id=f"{event_type}-{actor}-{recipient}-{confidence}", doc_id=doc_id, event_type=event_type,
        mode=None, contexts=(), actor=Actor(actor or "x", actor or "x", actor, "GOV"),
        recipient=Actor(recipient, recipient, recipient, "GOV") if recipient else None,
        date=date, date_precision="publication", location=None, sentence=sentence, sentence_start=0,
        sentence_end=len(sentence), section="text", trigger="t", negated=negated, hypothetical=hypothetical,
        confidence=confidence, quad_class=QUAD.get(event_type, 1), cameo=cameo or CAMEO.get(event_type),
        score=0.0, coder_version="test", doc_kind=doc_kind,
    )


# ---------------------------------------------------------------------------- helpers
def test_eval_top_event_highest_confidence_first_on_ties():
    a, b, c = make_event("AGREE", confidence=0.5), make_event("ASSAULT", confidence=0.9), make_event("REJECT", confidence=0.9)
    assert ev.top_event([a, b, c]) is b
    assert ev.top_event([make_event("ASSAULT", confidence=0.99, hypothetical=True), a]) is a
    assert ev.top_event([make_event("ASSAULT", negated=True)]) is None


@pytest.mark.parametrize("tp,fp,fn,p,r,f", [(2, 2, 0, 0.5, 1.0, 0.6667), (0, 0, 0, 0.0, 0.0, 0.0), (1, 0, 1, 1.0, 0.5, 0.6667)])
def test_eval_prf(tp, fp, fn, p, r, f):
    got = ev.prf(tp, fp, fn)
    assert (got["precision"], got["recall"], got["f1"]) == (p, r, f)


def test_eval_folds_are_stable_balanced_and_blind_to_spacing():
    from eventwire.evaluation import folds

    texts = [f"Record number {i} of the set." for i in range(1000)]
    assigned = [folds.fold_of(t) for t in texts]
    assert assigned == [folds.fold_of(t) for t in texts]
    assert all(150 < assigned.count(f) < 250 for f in range(folds.FOLDS))
    assert folds.fold_of("the government\u02bcs request") == folds.fold_of("The government 's request .")
    assert folds.cv_folds(2) == (0, 1, 3) and folds.SEALED_FOLD not in folds.cv_folds(folds.SEALED_FOLD)
    assert folds.is_sealed(4) and not folds.is_read(4) and all(folds.is_read(f) for f in folds.READ_FOLDS)


# ---------------------------------------------------------------------------- PLOVER
def record(event="ASSAULT", source=("ISR",), target=("PSE",), rid="r1"):
    "A PLOVER GSR-like record."
    return {"id": rid, "event": event, "text": "t",
            "source": [{"actorText": c, "code": c} for c in source],
            "target": [{"actorText": c, "code": c} for c in target] if target else ""}


def test_eval_plover_record_counts_and_dyad():
    events = [make_event("ASSAULT", "ISR", "PSE", confidence=0.6), make_event("ACCUSE", "PSE", "ISR", confidence=0.7),
              make_event("REJECT", "ISR", negated=True), make_event("THREATEN", "IRN", hypothetical=True)]
    s = ev.score_plover_record(record(), events)
    assert s["hit"] and s["dyad"] and s["extra"] == ["ACCUSE"] and s["top"] == "ACCUSE"


@pytest.mark.parametrize("target,recipient,dyad", [((), None, True), ((), "EGY", True), (("PSE",), "EGY", False),
                                                   (("PSE", "LBN"), "LBN", True), (("PSE",), None, False)])
def test_eval_plover_dyad_recipient_rule(target, recipient, dyad):
    s = ev.score_plover_record(record(target=target), [make_event("ASSAULT", "ISR", recipient)])
    assert s["dyad"] is dyad


def test_eval_plover_wrong_actor_is_no_dyad_and_target_string_is_empty():
    rec = record(target=()) | {"target": "diplomatic"}
    assert ev.score_plover_record(rec, [make_event("ASSAULT", "USA")])["dyad"] is False
    assert ev.score_plover_record(rec, [make_event("ASSAULT", "ISR")])["dyad"] is True


def test_eval_plover_summary_micro_and_confusion():
    scored = [ev.score_plover_record(record("ASSAULT", rid="a"), [make_event("ASSAULT", "ISR", "PSE")]),
              ev.score_plover_record(record("AGREE", rid="b"), [make_event("REJECT", "ISR"), make_event("ACCUSE", "ISR")]),
              ev.score_plover_record(record("AGREE", rid="c"), [])]
    s = ev.summarize_plover(scored)
    assert (s["tp"], s["fp"], s["fn"]) == (1, 2, 2)
    assert s["precision"] == pytest.approx(1 / 3, abs=1e-3) and s["recall"] == pytest.approx(1 / 3, abs=1e-3)
    assert s["confusion"]["AGREE"]["NONE"] == 1 and s["confusion"]["AGREE"]["REJECT"] == 1
    assert s["confusion"]["ASSAULT"]["ASSAULT"] == 1
    assert len(s["confusion"]) == 16 and len(s["confusion"]["AGREE"]) == 17
    assert s["per_type"]["REJECT"]["fp"] == 1 and s["per_type"]["AGREE"]["fn"] == 2
    assert s["dyad_hits"] == 1 and s["dyad_n"] == 3 and s["top_accuracy"] == pytest.approx(1 / 3, abs=1e-3)


# ---------------------------------------------------------------------------- CASE
def test_eval_case_mapping_covers_the_thirty_labels():
    assert len(ev.CASE_MAPPING) == 30
    for group, types in ev.CASE_MAPPING.values():
        assert set(types) <= set(ev.PLOVER_TYPES)
        assert group in (*ev.CASE_GROUPS, "other", "none", "disaster")
    assert ev.CASE_MAPPING["ABDUCT_DISSAP"][1] == ("ASSAULT",)  # manual: ASSAULT 'abduct'
    assert ev.CASE_MAPPING["VIOL_DEMONSTR"] == ("protest", ("PROTEST",))  # manual: PROTEST 'riot'


def test_eval_case_any_top_and_disasters():
    scored = [ev.score_case_snippet("AIR_STRIKE", [make_event("ACCUSE", confidence=0.9), make_event("ASSAULT", confidence=0.5)]),
              ev.score_case_snippet("ARREST", [make_event("COERCE")]),
              ev.score_case_snippet("PEACE_PROTEST", []),
              ev.score_case_snippet("NATURAL_DISASTER", [make_event("AID")]),
              ev.score_case_snippet("MAN_MADE_DISASTER", [make_event("ASSAULT")]),
              ev.score_case_snippet("OTHER", [make_event("ASSAULT")])]
    s = ev.summarize_case(scored)
    assert s["groups"]["violent"] == {"n": 1, "any": 1.0, "top": 0.0}
    assert s["groups"]["arrest"]["top"] == 1.0 and s["groups"]["protest"]["any"] == 0.0
    assert s["groups"]["together"] == {"n": 3, "any": pytest.approx(2 / 3, abs=1e-3), "top": pytest.approx(1 / 3, abs=1e-3)}
    assert s["disaster"] == {"n": 2, "no_conflict": 1, "share": 0.5}
    assert "OTHER" not in s["per_label"]


# ---------------------------------------------------------------------------- ConfliBERT
@pytest.mark.parametrize("events,expected", [
    ([], 0),
    ([make_event("REQUEST", cameo="020")], 0),
    ([make_event("AGREE", cameo="057")], 1),
    ([make_event("AID")], 2),
    ([make_event("ACCUSE")], 3),
    ([make_event("ASSAULT", confidence=0.9), make_event("AGREE", confidence=0.4)], 4),
    ([make_event("ASSAULT", negated=True)], 0),
])
def test_eval_conflibert_predicted_class(events, expected):
    assert ev.predict_quad_class(events) == expected


def test_eval_conflibert_summary():
    s = ev.summarize_classes([(0, 0), (1, 1), (4, 3), (3, 3), (2, 0)])
    assert s["accuracy"] == 0.6
    assert s["confusion"]["4"]["3"] == 1 and s["per_class"]["3"]["precision"] == 0.5
    assert s["macro_f1"] == pytest.approx((0.6667 + 1 + 0 + 0.6667 + 0) / 5, abs=1e-3)


# ---------------------------------------------------------------------------- sample page
EXPECTED_MD = """Some text (published Thursday 2024-08-15), more.

| # | where | actor (code, sector) | event · mode | recipient | date | place | grade |
|---|---|---|---|---|---|---|---|
| 1 | headline | United States (USA GOV) | REQUEST · yield | Israel (ISR GOV) | 2024-08-15 | - | must |
| 2 | body s2 | Hamas (PSE REB) | REJECT · meet | Israel (ISR) or the mediators | 2024-08-15 | - | must |
| 3 | body s1 | Israel (ISR GOV) | CONSULT · third-party | mediators (QAT GOV, EGY GOV, USA GOV) | x | Qatar | should |
| 4 | teaser | Hong Kong (HKG GOV / JUD) | COERCE · arrest ("jail activists") | activists (HKG OPP) | x | x | should |
| 5 | body s6 | Biden administration (USA GOV) | REQUEST · yield | Israel / Hamas | x | - | may |
| 6 | teaser | Trump (USA GOV-elect) | THREATEN / COERCE · deport | immigrants (USA REF / CVL) | x | x | should (caption) |

Not events: "Washington fears a severe reprisal"
(a fear); "little progress is likely"; the Times is a source.

Traps: ...
"""


def test_eval_parse_expected_rows():
    rows = {r["row"]: r for r in ev.parse_expected_rows(EXPECTED_MD)}
    assert rows[1]["types"] == ["REQUEST"] and rows[1]["actor_codes"] == ["USA"] and rows[1]["recipient_codes"] == ["ISR"]
    assert rows[3]["recipient_codes"] == ["EGY", "QAT", "USA"]
    assert rows[4]["actor_codes"] == ["HKG"] and rows[4]["recipient_codes"] == ["HKG"]
    assert rows[5]["recipient_codes"] == [] and rows[5]["grade"] == "may"
    assert rows[6]["types"] == ["THREATEN", "COERCE"] and rows[6]["grade"] == "should"
    assert ev.parse_not_events(EXPECTED_MD) == ["Washington fears a severe reprisal", "little progress is likely"]
    assert ev.parse_published(EXPECTED_MD) == dt.date(2024, 8, 15)


def test_eval_score_sample():
    pub = dt.date(2024, 8, 15)
    main = Article(id="page", text="...", published=pub)
    teaser = Article(id="page#teaser-1", text="...", kind="teaser", parent="page")
    documents = [
        (main, [make_event("REQUEST", "USA", "ISR"), make_event("REJECT", "PSE", "EGY"),
                make_event("CONSULT", "ISR", "QAT"),
                make_event("THREATEN", "USA", sentence="Washington fears a severe  reprisal could come.", hypothetical=True),
                make_event("ASSAULT", "IRN", sentence="So far little progress is likely.")]),
        (teaser, [make_event("COERCE", "HKG", "HKG", date=pub, doc_kind="teaser", doc_id="page#teaser-1")]),
    ]
    s = ev.score_sample(EXPECTED_MD, documents, published=pub)
    assert s["must"] == {"hits": 1, "n": 2}  # REJECT's recipient EGY is not the row's ISR
    assert s["should"] == {"hits": 2, "n": 3}  # CONSULT + teaser COERCE; row 6 not found
    assert [v["phrase"] for v in s["not_events"]["violations"]] == ["little progress is likely"]
    assert len(s["teaser_dates"]["misdated"]) == 1


def test_eval_sample_row_in_wrong_document_kind_is_not_found():
    row = ev.parse_expected_rows(EXPECTED_MD)[3]  # a teaser row
    main = Article(id="page", text="...")
    assert not ev.row_found(row, [(main, [make_event("COERCE", "HKG", "HKG")])])


# ---------------------------------------------------------------------------- run_eval
class FakeCoder:
    "Codes 'attack' as ASSAULT ISR->PSE and 'agreed' as AGREE USA; nothing else."

    settings = None

    def code_text(self, text, *, published=None, doc_id="doc", title=None):
        events = []
        if "attack" in text:
            events.append(make_event("ASSAULT", "ISR", "PSE", doc_id=doc_id))
        if "agreed" in text:
            events.append(make_event("AGREE", "USA", doc_id=doc_id))
        return events

    def code_article(self, article):
        return Coded(article, ((article, tuple(self.code_text(article.text))),))

    def has_fold_models(self):
        return False  # nothing learned: no cross-validated twin


def write_shared(root: Path) -> Path:
    "A tiny shared/ folder with every eval file."
    gold = root / "gold" / "dev"
    gold.mkdir(parents=True)
    lines = [record("ASSAULT", rid="a") | {"text": "Israel attack on Gaza"},
             record("AGREE", source=("USA",), target=(), rid="b") | {"text": "The US agreed."},
             record("REJECT", rid="c") | {"text": "Hamas refused."}]
    (gold / "plover_gsr_dev.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\nnot json\n")
    (gold / "case2021_task2_dev.tsv").write_text(
        "id\tEventSnippet\tSubType\n1\tan attack \"quoted\" here\tAIR_STRIKE\n2\tfloods\tNATURAL_DISASTER\n")
    (gold / "conflibert_cameo_class_train.tsv").write_text("an attack\t4\nthey agreed\t1\nnothing\t0\nsaid\t3\n")
    (root / "samples").mkdir()
    (root / "samples" / "gzero-gaza-truce-page.txt").write_text("Headline\n\nIsrael attack.\n")
    (root / "samples" / "gzero-gaza-truce-page.expected.md").write_text(EXPECTED_MD)
    return root


def test_eval_run_eval_end_to_end_with_fake_coder(tmp_path):
    report = ev.run_eval(write_shared(tmp_path / "shared"), coder=FakeCoder())
    plover = report["sets"]["plover"]["splits"]["all"]
    assert plover["n"] == 3 and plover["tp"] == 2 and plover["dyad_hits"] == 2
    case = report["sets"]["case"]
    assert case["groups"]["violent"]["any"] == 1.0 and case["disaster"]["share"] == 1.0
    assert report["sets"]["conflibert"]["accuracy"] == 0.75
    assert report["sets"]["sample"]["status"] == "ok"
    assert "read" in report["sets"]["conflibert"] and "sealed" not in report["sets"]["conflibert"]
    assert "cv" not in report["sets"]["case"]  # the fake coder has no learned part
    text = ev.format_report(report)
    for heading in ("== plover", "== case", "== conflibert", "== sample", "confusion", "must hits"):
        assert heading in text


def test_eval_sealed_fold_shows_only_aggregate_figures(tmp_path):
    report = ev.run_eval(write_shared(tmp_path / "shared"), coder=FakeCoder(), sealed=True)
    sealed = report["sets"]["plover"]["splits"]["sealed"]
    assert "confusion" not in sealed and "per_type" not in sealed and "f1" in sealed
    assert set(report["sets"]["case"]["sealed"]) == {"groups", "disaster", "reliability_high"}
    assert "per_class" not in report["sets"]["conflibert"]["sealed"]
    assert "sealed" in ev.format_report(report)


def test_eval_missing_files_and_folder(tmp_path):
    (tmp_path / "shared").mkdir()
    report = ev.run_eval(tmp_path / "shared", coder=FakeCoder(), sets=["plover", "sample"])
    assert report["sets"]["plover"]["status"] == "skipped" and "not found" in report["sets"]["plover"]["reason"]
    assert "skipped:" in ev.format_report(report)
    missing = ev.run_eval(tmp_path / "nowhere", coder=FakeCoder())
    assert "not found: nothing to evaluate" in ev.format_report(missing)
    with pytest.raises(InputError):
        ev.run_eval(tmp_path / "shared", coder=FakeCoder(), sets=["nope"])


def test_eval_reliability_bins_count_each_event_once_and_high_share():
    from eventwire.evaluation.events import reliability

    judged = [(0.2, False), (0.55, True), (0.8, True), (0.85, False), (0.9, True), (1.0, True)]
    rel = reliability(judged)
    assert sum(b["n"] for b in rel["bins"]) == len(judged)
    assert rel["bins"][-1] == {"low": 0.9, "high": 1.0, "n": 2, "right": 2, "share": 1.0}
    assert rel["high"] == {"n": 4, "right": 3, "share": 0.75}
    assert reliability([])["high"]["share"] is None


@pytest.mark.parametrize("cameo, quad, expected", [("081", 1, 2), ("020", 3, 0), ("100", 3, 3), ("141", 3, 4),
                                                  ("057", 1, 1), (None, 4, 4), ("166", 4, 3), ("172", 4, 4)])
def test_eval_conflibert_class_follows_the_cameo_code(cameo, quad, expected):
    event = make_event("CONCEDE", cameo=cameo)
    event = ev.replace(event, cameo=cameo, quad_class=quad)
    assert ev.event_class(event) == expected
