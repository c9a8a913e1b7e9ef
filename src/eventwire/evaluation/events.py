"""Score the coder on the gold sets in ``../shared`` and on the sample page.

INTERFACE:

    report = run_eval(Path("../shared"), coder=Coder.load(settings), sets=None,  # or ["plover", ...]
                      sealed=False)   # True adds the sealed fold's aggregate figures (end of a piece of work)
    text = format_report(report)        # plain-text tables; ``eventwire eval`` prints it
    report = eval_gold(path, coder=coder)   # one gold file in the dev set's shape (eval --gold)

Figures, per set (folds: ``evaluation/folds.py``; every document has one of five fixed folds):

``all``     every document, the coder as shipped (its learned parts saw them all): today's figure.
``read``    folds 0-3, the coder as shipped.
``cv``      folds 0-3, each document coded with learned parts that were not trained on its fold
            (``crossval.py``); present when the coder has a learned part. The unseen figure.
``sealed``  fold 4, aggregate figures only, and only when asked (``eventwire eval --sealed``);
            learned parts trained on folds 0-3 alone.
The detailed tables (per type, per label, confusion, reliability) are those of ``cv`` when
present, else ``read``: the sealed fold's errors are never printed.

Sets (each is skipped, with its reason in the report, when its file is absent):

``plover``      shared/gold/dev/plover_gsr_dev.jsonl, one sentence per record.
                *Asserted* events are those neither negated nor hypothetical. Per record with
                gold type ``g`` and asserted predicted types ``P`` (a set):
                TP = 1 if g in P; FN = 1 if g not in P; FP = |P - {g}|. Micro precision,
                recall and F1 sum these over records; per-type scores use the same counts.
                *Dyad recall*: share of records with an asserted event of type g whose actor
                code is one of the gold source codes and, when the gold target names codes,
                whose recipient code is one of them. *Top event*: the asserted event with the
                highest confidence (ties: first in output order), or NONE; the confusion
                matrix is gold type x top event. ``splits`` holds all / read / cv / sealed.
``case``        shared/gold/dev/case2021_task2_dev.tsv (id, EventSnippet, SubType). Each
                ACLED-style label maps to a group and the PLOVER types that count as right
                (``CASE_MAPPING`` below, with the manual's reasons). "any": a right type among
                the asserted events; "top": the top event has a right type. Disasters: share of
                snippets with no asserted quad 3/4 (conflict) event at all.
``conflibert``  shared/gold/dev/conflibert_cameo_class_train.tsv (sentence, label 0..4).
                Predicted class: 0 without an asserted event; else the CAMEO class of the
                top event's CAMEO code, as Phoenix's quad_class: 01-02 statements and appeals
                (the set's class 0, so a REQUEST coded as CAMEO 02x is 0), 03-05, 06-08,
                09-13 and 16, 14-15 and 17-20 (1..4).
``sample``      shared/samples/gzero-gaza-truce-page.txt scored against the table of its
                .expected.md: must / should rows found (type, actor code, recipient code when
                the row names codes, and the right document: main article vs teaser), the
                "Not events" phrases never coded as asserted events, and no teaser or caption
                event dated with the main article's publication date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import ArticleRejected, InputError
from ..records import Article, Event, Rejected
from . import crossval, folds
from .measures import RELIABILITY_BINS, figures as _figures, parse_date as _parse_date, pct as _pct, prf, reliability  # noqa: F401
from .measures import skipped as _skipped
from . import places as eval_geo
from . import spanish as eval_spanish

logger = logging.getLogger(__name__)

__all__ = ["CASE_MAPPING", "PLOVER_TYPES", "SETS", "format_report", "run_eval"]

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
NONE = "NONE"
SETS: tuple[str, ...] = ("plover", "case", "conflibert", "sample", "places", "dates", "spanish")

PLOVER_FILE = "gold/dev/plover_gsr_dev.jsonl"
CASE_FILE = "gold/dev/case2021_task2_dev.tsv"
CONFLIBERT_FILE = "gold/dev/conflibert_cameo_class_train.tsv"
SAMPLE_FILE = "samples/gzero-gaza-truce-page.txt"

# CASE 2021 task 2 label -> (group, PLOVER types that count as right). Groups "violent",
# "protest", "arrest" and "diplomacy" are scored and summed; "other" is scored per label
# only; "disaster" expects no conflict event; "none" is not scored. Reasons (PLOVER manual,
# ../shared/ontology/PLOVER-PLOVER_MANUAL.tex):
#  - abduction is ASSAULT 'abduct' ("Abduct, kidnap, hijack"), not COERCE;
#  - a violent demonstration is PROTEST 'riot' ("participants intend to cause physical
#    injury"), so VIOL_DEMONSTR stays a protest; MOB_VIOL (ACLED: a riot sub-type, mostly
#    lynchings and vigilante killings) is ASSAULT, PROTEST 'riot' accepted too;
#  - force against protesters is ASSAULT 'crowd-control' when a weapon or tactic is named,
#    COERCE 'restrict' for "police pushed back protesters": both accepted;
#  - PROTEST_WITH_INTER is scored on the protest itself (the intervention is a second event);
#  - territory taken by fighting (GOV_REGAINS_TERIT, NON_STATE_ACTOR_OVERTAKES_TER) is ASSAULT, or
#    COERCE 'seize': CAMEO2PLOVER-2021 maps CAMEO 192 "Occupy territory" to COERCE, seize, military;
#  - ACLED's "Agreement" covers peace deals, ceasefires, talks, prisoner exchanges and releases
#    and surrenders: AGREE, CONSULT for the talks, and RETREAT for what the manual lists under it
#    ("the release of prisoners and hostages ... observing a ceasefire", "ceding territory");
#  - DIPLO snippets in this set are expulsions, sanctions, demands and meetings: CONSULT,
#    and the verbal / sanctioning types a diplomatic move is coded as, are accepted;
#  - ATTRIB is blame (ACCUSE) or a claim of responsibility, whose coded event is the attack;
#  - DISR_WEAP (weapons seized, bombs defused) is COERCE 'seize'; ORG_CRIME snippets are
#    arrests and interceptions by security forces (COERCE); the crime itself is not political;
#  - PROPERTY_DISTRUCT (looting, arson) is ASSAULT 'destroy', PROTEST 'vandalize' accepted;
#  - HQ_ESTABLISHED (bases, observation posts) and CHANGE_TO_GROUP_ACT (deployments, new
#    forces, defections) are MOBILIZE (RETREAT accepted for defections and withdrawals);
#    NON_VIOL_TERRIT_TRANSFER (withdrawals, unopposed takeovers) is RETREAT, MOBILIZE accepted;
#  - OTHER has no PLOVER type; disasters have no political actor, so no conflict event.
_VIOLENT = ("ASSAULT",)
CASE_MAPPING: dict[str, tuple[str, tuple[str, ...]]] = {
    "AIR_STRIKE": ("violent", _VIOLENT),
    "ARMED_CLASH": ("violent", _VIOLENT),
    "ATTACK": ("violent", _VIOLENT),
    "ART_MISS_ATTACK": ("violent", _VIOLENT),
    "GRENADE": ("violent", _VIOLENT),
    "SUIC_BOMB": ("violent", _VIOLENT),
    "CHEM_WEAP": ("violent", _VIOLENT),
    "REM_EXPLOS": ("violent", _VIOLENT),
    "SEX_VIOL": ("violent", _VIOLENT),
    "ABDUCT_DISSAP": ("violent", _VIOLENT),
    "GOV_REGAINS_TERIT": ("violent", ("ASSAULT", "COERCE")),
    "NON_STATE_ACTOR_OVERTAKES_TER": ("violent", ("ASSAULT", "COERCE")),
    "MOB_VIOL": ("violent", ("ASSAULT", "PROTEST")),
    "FORCE_AGAINST_PROTEST": ("violent", ("ASSAULT", "COERCE")),
    "PEACE_PROTEST": ("protest", ("PROTEST",)),
    "PROTEST_WITH_INTER": ("protest", ("PROTEST",)),
    "VIOL_DEMONSTR": ("protest", ("PROTEST",)),
    "ARREST": ("arrest", ("COERCE",)),
    "AGREEMENT": ("diplomacy", ("AGREE", "CONSULT", "RETREAT")),
    "DIPLO": ("diplomacy", ("CONSULT", "SANCTION", "REQUEST", "ACCUSE", "REJECT", "THREATEN")),
    "ATTRIB": ("other", ("ACCUSE", "ASSAULT")),
    "DISR_WEAP": ("other", ("COERCE",)),
    "ORG_CRIME": ("other", ("COERCE",)),
    "PROPERTY_DISTRUCT": ("other", ("ASSAULT", "PROTEST")),
    "HQ_ESTABLISHED": ("other", ("MOBILIZE",)),
    "CHANGE_TO_GROUP_ACT": ("other", ("MOBILIZE", "RETREAT")),
    "NON_VIOL_TERRIT_TRANSFER": ("other", ("RETREAT", "MOBILIZE")),
    "OTHER": ("none", ()),
    "NATURAL_DISASTER": ("disaster", ()),
    "MAN_MADE_DISASTER": ("disaster", ()),
}
CASE_GROUPS: tuple[str, ...] = ("violent", "protest", "arrest", "diplomacy")

CONFLIBERT_CLASSES: tuple[int, ...] = (0, 1, 2, 3, 4)
# ConfliBERT classes by CAMEO root code, as in the Phoenix event data's quad_class: 0 neutral
# (01 make public statement, 02 appeal), 1 verbal cooperation (03-05), 2 material cooperation
# (06-08), 3 verbal conflict (09-13, and 16 "reduce relations": suspending aid, expelling
# diplomats), 4 material conflict (14, 15, 17-20). The set follows it: of its sentences whose
# top event eventwire codes as CAMEO 16, 45 of 51 are labelled 3.
_CAMEO_CLASSES = {**{r: 0 for r in (1, 2)}, **{r: 1 for r in (3, 4, 5)}, **{r: 2 for r in (6, 7, 8)},
                  **{r: 3 for r in (9, 10, 11, 12, 13, 16)}, **{r: 4 for r in (14, 15, 17, 18, 19, 20)}}

# PLOVER sectors (and CAMEO role codes) that may sit beside a country code in the sample
# table's parentheses, e.g. "(USA GOV)", "(HKG GOV / JUD)": never actor codes.
_SECTORS = frozenset(
    "GOV MIL REB COP JUD LEG OPP CVL CRM REF BUS MED EDU HLH ELI LAB PTY SPY UAF INS AGR "
    "ENV HRI RAD SEP MOD CHR JEW MOS HIN BUD ITP DEV IMG SET".split()
)
# Used when the .expected.md has no quoted "Not events:" phrases (the page's own, as of 2024).
_FALLBACK_NOT_EVENTS = ("Washington fears", "little progress is likely", "still weighing")
_PUBLISHED_RE = re.compile(r"published[^0-9\n]{0,30}(\d{4}-\d{2}-\d{2})")

Coded = list[Event]


# ---------------------------------------------------------------------------- entry points
def run_eval(shared_dir: Path, *, coder, sets: Sequence[str] | None = None, sealed: bool = False) -> dict:
    """Run the chosen sets (all when None) against one coder; a dict of plain values.

    The gold sets are scored on all documents and on the read folds; with a learned part in the
    coder, also cross-validated; with ``sealed``, the sealed fold's aggregate figures are added."""
    shared_dir = Path(shared_dir)
    chosen = tuple(sets or SETS)
    unknown = [name for name in chosen if name not in SETS]
    if unknown:
        raise InputError(f"unknown eval set(s): {', '.join(unknown)} (known: {', '.join(SETS)})")
    report: dict = {"shared": str(shared_dir), "sets": {}}
    if not shared_dir.is_dir():
        report["error"] = f"{shared_dir} not found: nothing to evaluate"
        logger.warning(report["error"])
        return report
    folded = crossval.FoldedCoders(coder, cv=crossval.cross_validated(coder), sealed=sealed)
    runners: dict[str, Callable[[], dict]] = {
        "plover": lambda: eval_plover(shared_dir, folded), "case": lambda: eval_case(shared_dir, folded),
        "conflibert": lambda: eval_conflibert(shared_dir, folded), "sample": lambda: eval_sample(shared_dir, coder),
        "places": lambda: eval_geo.eval_places(shared_dir, coder), "dates": lambda: eval_geo.eval_dates(shared_dir, coder),
        "spanish": lambda: eval_spanish.eval_spanish(shared_dir, folded),
    }
    for name in chosen:
        started = time.perf_counter()
        result = runners[name]()
        result["seconds"] = round(time.perf_counter() - started, 2)
        report["sets"][name] = result
        logger.info("eval %s: %s in %.1fs", name, result.get("status"), result["seconds"])
    return report


def format_report(report: dict) -> str:
    """Plain-text tables of a run_eval report."""
    if report.get("error"):
        return report["error"]
    out: list[str] = []
    formatters = {"plover": _format_plover, "case": _format_case,
                  "conflibert": _format_conflibert, "sample": _format_sample,
                  "places": eval_geo.format_places, "dates": eval_geo.format_dates,
                  "spanish": lambda result: eval_spanish.format_spanish(result, _figure_table)}
    for name, result in report["sets"].items():
        out.append(f"== {name} ({result.get('seconds', 0)}s)")
        if result.get("status") != "ok":
            out.append(f"skipped: {result.get('reason')}")
        else:
            out.extend(formatters[name](result))
            out.extend(_format_reliability(result))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------------------- shared helpers
def asserted(events: Iterable[Event]) -> list[Event]:
    "Events that state something happened: neither negated nor hypothetical."
    return [e for e in events if not e.negated and not e.hypothetical]


def top_event(events: Sequence[Event]) -> Event | None:
    "The asserted event with the highest confidence; ties go to the first in output order."
    best: Event | None = None
    for event in asserted(events):
        if best is None or event.confidence > best.confidence:
            best = event
    return best


def code_texts(coder, texts: Sequence[str], *, published: Sequence[dt.date | None] | None = None,
               ids: Sequence[str] | None = None) -> list[list[Event]]:
    "Code many short texts with one coder; uses coder.code_texts when it exists."
    published = list(published) if published is not None else [None] * len(texts)
    ids = list(ids) if ids is not None else [f"eval-{i}" for i in range(len(texts))]
    batch = getattr(coder, "code_texts", None)
    if callable(batch) and len(set(published)) <= 1:
        try:
            return [list(events) for events in batch(list(texts), published=published[0] if published else None)]
        except TypeError as exc:  # a code_texts with another signature: fall back to one text at a time
            logger.info("coder.code_texts not usable here (%s); coding one text at a time", exc)
    return [_code_one(coder, text, when, doc_id) for text, when, doc_id in zip(texts, published, ids)]


def _code_one(coder, text: str, when: dt.date | None, doc_id: str) -> list[Event]:
    "One text's events; none when it is rejected (a language no coder reads), as `eventwire code` does."
    try:
        return list(coder.code_text(text, published=when, doc_id=doc_id))
    except ArticleRejected as exc:
        logger.info("%s: rejected: %s", doc_id, exc)
        return []


# The PLOVER gold standard was coded before PLOVER gave the UN and the EU codes of their own
# (UNO, EUR: manual, "Non-state international actors"), and keeps a few pre-ISO CAMEO codes.
# A gold code accepts these codes too; everything else must match exactly.
_GOLD_CODE_ALIASES = {"IGO": {"UNO", "EUR"}, "ITL": {"ITA"}, "JAP": {"JPN"}, "VTN": {"VNM"}}


def _codes(value) -> set[str]:
    "Actor codes of a gold source/target field (with their accepted aliases); anything else is none."
    if not isinstance(value, list):
        return set()
    codes = {str(item["code"]).upper() for item in value if isinstance(item, dict) and item.get("code")}
    return codes | {alias for code in codes for alias in _GOLD_CODE_ALIASES.get(code, ())}


def _format_reliability(result: dict) -> list[str]:
    "The reliability table of one set: cross-validated when there is a learned part, else the read folds."
    name = next((n for n in ("cv", "read") if result.get(f"reliability_{n}")), "all")
    rel = result.get("reliability" if name == "all" else f"reliability_{name}")
    if not rel:
        return []
    fmt = lambda v: _pct(v["share"]) if v["share"] is not None else "    -"  # noqa: E731
    out = ["", f"reliability ({name}; asserted events; right share by confidence):"]
    out += _table(["confidence", "n", "right"],
                  [[f"{b['low']:.1f}-{b['high']:.1f}", b["n"], fmt(b)] for b in rel["bins"]]
                  + [[">= 0.8", rel["high"]["n"], fmt(rel["high"])], ["all", rel["all"]["n"], fmt(rel["all"])]])
    return out


# ---------------------------------------------------------------------------- PLOVER GSR
def read_plover(path: Path) -> list[dict]:
    "Records of the PLOVER gold-standard JSONL; malformed lines are logged and skipped."
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                logger.warning("%s:%d: not JSON, skipped", path, number)
                continue
            if record.get("text") and record.get("event"):
                records.append(record)
    return records


def score_plover_record(record: dict, events: Sequence[Event]) -> dict:
    "One record's counts: TP/FP/FN by type, dyad hit, top predicted type."
    gold = str(record["event"]).upper()
    predicted = {e.event_type for e in asserted(events)}
    sources, targets = _codes(record.get("source")), _codes(record.get("target"))
    dyad = any(
        e.event_type == gold
        and (e.actor.code or "").upper() in sources
        and (not targets or (e.recipient is not None and (e.recipient.code or "").upper() in targets))
        for e in asserted(events)
    )
    top = top_event(events)
    return {"id": str(record.get("id", "")), "gold": gold, "predicted": sorted(predicted),
            "hit": gold in predicted, "extra": sorted(predicted - {gold}),
            "dyad": dyad if sources else None, "top": top.event_type if top else NONE,
            "judged": [(e.confidence, e.event_type == gold) for e in asserted(events)]}


def summarize_plover(scored: Sequence[dict]) -> dict:
    "Micro P/R/F1, per-type scores, dyad recall, top accuracy and confusion over scored records."
    tp = sum(r["hit"] for r in scored)
    fn = len(scored) - tp
    fp = sum(len(r["extra"]) for r in scored)
    labels = sorted({r["gold"] for r in scored} | set(PLOVER_TYPES), key=_type_order)
    per_type = {}
    for label in labels:
        t_tp = sum(1 for r in scored if r["gold"] == label and r["hit"])
        t_fn = sum(1 for r in scored if r["gold"] == label and not r["hit"])
        t_fp = sum(1 for r in scored if r["gold"] != label and label in r["predicted"])
        per_type[label] = {**prf(t_tp, t_fp, t_fn), "n": t_tp + t_fn}
    dyads = [r["dyad"] for r in scored if r["dyad"] is not None]
    confusion = {label: {col: 0 for col in (*labels, NONE)} for label in labels}
    for r in scored:
        confusion[r["gold"]][r["top"] if r["top"] in confusion[r["gold"]] else NONE] += 1
    return {
        "n": len(scored), **prf(tp, fp, fn),
        "dyad_recall": round(sum(dyads) / len(dyads), 4) if dyads else 0.0,
        "dyad_hits": sum(dyads), "dyad_n": len(dyads),
        "top_accuracy": round(sum(r["top"] == r["gold"] for r in scored) / len(scored), 4) if scored else 0.0,
        "per_type": per_type, "confusion": confusion,
    }


def eval_plover(shared_dir: Path, folded: crossval.FoldedCoders) -> dict:
    "Event type and dyad scores on the PLOVER gold-standard records: all, read folds, cross-validated, sealed."
    path = shared_dir / PLOVER_FILE
    if not path.is_file():
        return _skipped(f"{PLOVER_FILE} not found in {shared_dir}")
    records = read_plover(path)

    def score(coder, chosen: list[dict]) -> list[dict]:
        coded = code_texts(coder, [r["text"] for r in chosen],
                           published=[_parse_date(r.get("date")) for r in chosen],
                           ids=[str(r.get("id", i)) for i, r in enumerate(chosen)])
        return [{**score_plover_record(r, events), "fold": folds.fold_of(r["text"])}
                for r, events in zip(chosen, coded)]

    figures = _figures(folded.rows(records, lambda r: r["text"], score), summarize_plover, _plover_headline)
    splits = {name: figures[name] for name in ("all", "read", "cv", "sealed") if name in figures}
    return {"status": "ok", "file": PLOVER_FILE, "splits": splits, **figures["reliability"]}


def _plover_headline(summary: dict) -> dict:
    "The aggregate PLOVER figures (what the sealed fold shows)."
    return {k: summary[k] for k in ("n", "precision", "recall", "f1", "dyad_recall", "dyad_hits", "dyad_n",
                                    "top_accuracy")}


def _eval_plover_records(records: list[dict], coder, *, file: str) -> dict:
    "The PLOVER measures of records in the dev set's shape, over all of them (a gold file of corrections)."
    coded = code_texts(coder, [r["text"] for r in records],
                       published=[_parse_date(r.get("date")) for r in records],
                       ids=[str(r.get("id", i)) for i, r in enumerate(records)])
    scored = [score_plover_record(r, events) for r, events in zip(records, coded)]
    return {"status": "ok", "file": file, "splits": {"all": summarize_plover(scored)},
            "reliability": reliability([j for s in scored for j in s["judged"]])}


def eval_gold(path: Path, *, coder) -> dict:
    """A run_eval report of one gold file in the PLOVER dev set's shape (``eventwire corrections
    export`` writes one): the PLOVER measures over all its records, as set ``plover``."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such gold file: {path}")
    records = read_plover(path)
    if not records:
        raise InputError(f"{path} holds no record with 'text' and 'event' (the PLOVER dev set's shape)")
    started = time.perf_counter()
    result = _eval_plover_records(records, coder, file=str(path))
    result["seconds"] = round(time.perf_counter() - started, 2)
    return {"shared": str(path.parent), "sets": {"plover": result}}


def _type_order(label: str) -> tuple[int, str]:
    "PLOVER's own order of types, unknown labels after them."
    return (PLOVER_TYPES.index(label) if label in PLOVER_TYPES else len(PLOVER_TYPES), label)


# ---------------------------------------------------------------------------- CASE 2021
def read_tsv_rows(path: Path) -> list[list[str]]:
    "Rows of a tab-separated file, without quoting rules (snippets contain quotes)."
    with open(path, encoding="utf-8", newline="") as fh:
        return [row for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


def score_case_snippet(label: str, events: Sequence[Event]) -> dict:
    "Whether a snippet's asserted events contain a right type, and whether its top event is right."
    group, right = CASE_MAPPING.get(label, ("none", ()))
    kept = asserted(events)
    top = top_event(events)
    if group in CASE_GROUPS:
        judged = [(e.confidence, e.event_type in right) for e in kept]
    elif group == "disaster":
        judged = [(e.confidence, False) for e in kept if e.quad_class in (3, 4)]
    else:
        judged = []
    return {"label": label, "group": group,
            "any": any(e.event_type in right for e in kept),
            "top": top is not None and top.event_type in right,
            "conflict": any(e.quad_class in (3, 4) for e in kept), "judged": judged}


def summarize_case(scored: Sequence[dict]) -> dict:
    "Accuracy per group, for the four groups together, per label; the disasters' clean share."
    def acc(rows: Sequence[dict]) -> dict:
        n = len(rows)
        return {"n": n, "any": round(sum(r["any"] for r in rows) / n, 4) if n else 0.0,
                "top": round(sum(r["top"] for r in rows) / n, 4) if n else 0.0}

    groups = {g: acc([r for r in scored if r["group"] == g]) for g in CASE_GROUPS}
    groups["together"] = acc([r for r in scored if r["group"] in CASE_GROUPS])
    labels = sorted({r["label"] for r in scored if r["group"] not in ("none", "disaster")})
    per_label = {label: acc([r for r in scored if r["label"] == label]) for label in labels}
    disasters = [r for r in scored if r["group"] == "disaster"]
    clean = sum(not r["conflict"] for r in disasters)
    return {"groups": groups, "per_label": per_label,
            "disaster": {"n": len(disasters), "no_conflict": clean,
                         "share": round(clean / len(disasters), 4) if disasters else 0.0},
            "unmapped": sorted({r["label"] for r in scored if r["label"] not in CASE_MAPPING})}


def eval_case(shared_dir: Path, folded: crossval.FoldedCoders) -> dict:
    "Accuracy of PLOVER types on the CASE 2021 task 2 snippets, by label group: all, read, cv, sealed."
    path = shared_dir / CASE_FILE
    if not path.is_file():
        return _skipped(f"{CASE_FILE} not found in {shared_dir}")
    rows = [r for r in read_tsv_rows(path) if len(r) >= 3 and r[2] != "SubType"]

    def score(coder, chosen: list[list[str]]) -> list[dict]:
        coded = code_texts(coder, [r[1] for r in chosen], ids=[f"case-{r[0]}" for r in chosen])
        return [{**score_case_snippet(r[2].strip(), events), "fold": folds.fold_of(r[1])}
                for r, events in zip(chosen, coded)]

    figures = _figures(folded.rows(rows, lambda r: r[1], score), summarize_case, _case_headline)
    return {"status": "ok", "file": CASE_FILE, **_spread(figures)}


def _case_headline(summary: dict) -> dict:
    "The aggregate CASE figures (what the sealed fold shows)."
    return {"groups": {g: {k: v[k] for k in ("n", "any", "top")} for g, v in summary["groups"].items()},
            "disaster": {k: summary["disaster"][k] for k in ("n", "share")}}


def _spread(figures: dict) -> dict:
    "A set's result: the all-documents summary at the top (today's keys), read / cv / sealed beside it."
    return {**figures["all"], **figures["reliability"],
            **{name: figures[name] for name in ("read", "cv", "sealed") if name in figures}}


# ---------------------------------------------------------------------------- ConfliBERT
def event_class(event: Event) -> int:
    """The ConfliBERT class of one event, from its CAMEO code, since the set's labels are CAMEO
    classes (_CAMEO_CLASSES). PLOVER's quad
    class differs on purpose for a few types (CONCEDE, CAMEO 08 "Yield", is verbal cooperation in
    the PLOVER manual); an event without a CAMEO code falls back to its PLOVER quad class."""
    cameo = event.cameo or ""
    root = int(cameo[:2]) if len(cameo) >= 2 and cameo[:2].isdigit() else None
    return _CAMEO_CLASSES.get(root, int(event.quad_class))


def predict_quad_class(events: Sequence[Event]) -> int:
    "The ConfliBERT class of a sentence's events: 0 (none, or a statement/appeal) or 1..4."
    top = top_event(events)
    return 0 if top is None else event_class(top)


def summarize_classes(pairs: Sequence[tuple[int, int]], classes: Sequence[int] = CONFLIBERT_CLASSES) -> dict:
    "Accuracy, macro-F1, per-class P/R/F1 and confusion (gold rows, predicted columns)."
    per_class = {}
    for c in classes:
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        per_class[str(c)] = {**prf(tp, fp, fn), "n": tp + fn}
    confusion = {str(g): {str(p): 0 for p in classes} for g in classes}
    for g, p in pairs:
        if str(g) in confusion and str(p) in confusion[str(g)]:
            confusion[str(g)][str(p)] += 1
    n = len(pairs)
    return {"n": n, "accuracy": round(sum(g == p for g, p in pairs) / n, 4) if n else 0.0,
            "macro_f1": round(sum(v["f1"] for v in per_class.values()) / len(classes), 4),
            "per_class": per_class, "confusion": confusion}


def eval_conflibert(shared_dir: Path, folded: crossval.FoldedCoders) -> dict:
    "Quad-class accuracy on the ConfliBERT CAMEO class sentences: all, read, cv, sealed."
    path = shared_dir / CONFLIBERT_FILE
    if not path.is_file():
        return _skipped(f"{CONFLIBERT_FILE} not found in {shared_dir}")
    rows = []
    for row in read_tsv_rows(path):
        sentence, label = "\t".join(row[:-1]), row[-1].strip()
        if sentence and label.isdigit():
            rows.append((sentence, int(label)))

    def score(coder, chosen: list[tuple[str, int]]) -> list[dict]:
        coded = code_texts(coder, [s for s, _ in chosen], ids=[f"conflibert-{i}" for i in range(len(chosen))])
        return [{"pair": (label, predict_quad_class(events)), "fold": folds.fold_of(sentence),
                 "judged": [(e.confidence, event_class(e) == label) for e in asserted(events)]}
                for (sentence, label), events in zip(chosen, coded)]

    figures = _figures(folded.rows(rows, lambda r: r[0], score),
                       lambda scored: summarize_classes([r["pair"] for r in scored]), _conflibert_headline)
    return {"status": "ok", "file": CONFLIBERT_FILE, **_spread(figures)}


def _conflibert_headline(summary: dict) -> dict:
    "The aggregate ConfliBERT figures (what the sealed fold shows)."
    return {k: summary[k] for k in ("n", "accuracy", "macro_f1")}


# ---------------------------------------------------------------------------- sample page
def parse_expected_rows(markdown: str) -> list[dict]:
    "The scored rows of an .expected.md table: where, types, actor codes, recipient codes, grade."
    rows = []
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|") or len(cells) < 8 or not cells[0].isdigit():
            continue
        number, where, actor, event, recipient, _date, _place, grade = cells[:8]
        head = event.split("·")[0]
        types = [t for t in re.findall(r"\b[A-Z]+\b", head) if t in PLOVER_TYPES]
        rows.append({"row": int(number), "where": where, "types": types,
                     "actor_codes": sorted(_codes_in_parens(actor)),
                     "recipient_codes": sorted(_codes_in_parens(recipient)),
                     "grade": grade.split()[0].lower() if grade else "", "label": event})
    return rows


def _codes_in_parens(cell: str) -> set[str]:
    "Three-letter upper-case actor codes inside parentheses, sectors left out."
    codes = set()
    for inside in re.findall(r"\(([^()]*)\)", cell):
        codes.update(c for c in re.findall(r"\b[A-Z]{3}\b", inside) if c not in _SECTORS)
    return codes


def parse_not_events(markdown: str) -> list[str]:
    "Quoted phrases of the 'Not events:' paragraph (fallback: _FALLBACK_NOT_EVENTS)."
    match = re.search(r"Not events:(.*?)(?:\n\s*\n|\Z)", markdown, flags=re.S)
    phrases = re.findall(r"\"([^\"]+)\"", match.group(1)) if match else []
    return [" ".join(p.split()) for p in phrases] or list(_FALLBACK_NOT_EVENTS)


def parse_published(markdown: str) -> dt.date | None:
    "The main article's publication date stated in an .expected.md, if any."
    match = _PUBLISHED_RE.search(markdown)
    return _parse_date(match.group(1)) if match else None


def row_found(row: dict, documents: Sequence[tuple[Article, Sequence[Event]]]) -> bool:
    "Whether a non-negated event in the right kind of document matches a table row."
    wants_teaser = row["where"].lower().startswith("teaser")
    for doc, events in documents:
        if (doc.kind != "article") != wants_teaser:
            continue
        for e in events:
            if e.negated or e.event_type not in row["types"]:
                continue
            if row["actor_codes"] and (e.actor.code or "").upper() not in row["actor_codes"]:
                continue
            if row["recipient_codes"] and (e.recipient is None
                                           or (e.recipient.code or "").upper() not in row["recipient_codes"]):
                continue
            return True
    return False


def score_sample(markdown: str, documents: Sequence[tuple[Article, Sequence[Event]]],
                 *, published: dt.date | None) -> dict:
    "Must/should hits, 'not events' violations and wrongly dated teaser events of one page."
    rows = parse_expected_rows(markdown)
    result: dict = {"documents": len(documents), "events": sum(len(ev) for _, ev in documents), "rows": []}
    for grade in ("must", "should"):
        graded = [r for r in rows if r["grade"] == grade]
        hits = [r for r in graded if row_found(r, documents)]
        result[grade] = {"hits": len(hits), "n": len(graded)}
        result["rows"].extend({"row": r["row"], "grade": grade, "where": r["where"], "label": r["label"],
                               "found": r in hits} for r in graded)
    phrases = parse_not_events(markdown)
    violations = [{"phrase": p, "event_type": e.event_type, "sentence": e.sentence}
                  for p in phrases for _, events in documents for e in asserted(events)
                  if p.lower() in " ".join(e.sentence.split()).lower()]
    result["not_events"] = {"phrases": phrases, "violations": violations}
    misdated = [{"doc_id": e.doc_id, "event_type": e.event_type, "date": str(e.date)}
                for doc, events in documents if doc.kind != "article" for e in events
                if published is not None and e.date == published]
    result["teaser_dates"] = {"published": str(published) if published else None, "misdated": misdated}
    return result


def eval_sample(shared_dir: Path, coder) -> dict:
    "Code the sample page and score it against its .expected.md."
    page = shared_dir / SAMPLE_FILE
    expected = page.with_name(page.name[: -len(".txt")] + ".expected.md")
    if not page.is_file() or not expected.is_file():
        return _skipped(f"{SAMPLE_FILE} or its .expected.md not found in {shared_dir}")
    markdown = expected.read_text(encoding="utf-8")
    published = parse_published(markdown)
    article = _read_page(page, coder)
    article = replace(article, published=published or article.published)
    outcome = coder.code_article(article)
    if isinstance(outcome, Rejected):
        return {"status": "ok", "rejected": outcome.reason, "must": {"hits": 0, "n": 0}, "should": {"hits": 0, "n": 0},
                "rows": [], "not_events": {"phrases": [], "violations": []},
                "teaser_dates": {"published": None, "misdated": []}}
    documents = [(doc, list(events)) for doc, events in outcome.documents]
    return {"status": "ok", "file": SAMPLE_FILE, **score_sample(markdown, documents, published=published)}


def _read_page(path: Path, coder) -> Article:
    "The page as ingest reads it (plain Article when ingest is unavailable)."
    try:
        from ..text.reading import read_inputs

        for item in read_inputs([str(path)], settings=coder.settings):
            if isinstance(item, Article):
                return item
    except Exception as exc:  # noqa: BLE001 - ingest is optional here; fall back to the raw text
        logger.info("ingest could not read %s (%s); using the raw text", path, exc)
    return Article(id=path.stem, text=path.read_text(encoding="utf-8"), origin=str(path))


# ---------------------------------------------------------------------------- formatting


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    "A left-aligned plain-text table."
    rows = [[str(c) for c in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(header)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return [line([str(h) for h in header]), line(["-" * w for w in widths]), *(line(r) for r in rows)]


_FIGURES = ("all", "read", "cv", "sealed")


def _figure_table(summaries: dict[str, dict], metrics: Sequence[tuple[str, Callable[[dict], str]]],
                  *, result: dict) -> list[str]:
    """One row per metric, one column per figure present (all, read, cv, sealed): the gap shows.
    The last row: how often events with confidence >= 0.8 are right."""
    names = [n for n in _FIGURES if n in summaries]

    def cell(summary: dict, get: Callable[[dict], str]) -> str:
        try:
            return get(summary)
        except (KeyError, TypeError):
            return "-"

    rows = [[label, *[cell(summaries[n], get) for n in names]] for label, get in metrics]
    return _table(["figure", *names], [*rows, ["conf >= 0.8 right", *[_high(result, n) for n in names]]])


def _detail(result: dict) -> tuple[str, dict]:
    "Which figure's detailed tables to print: cv when present, else read (never sealed)."
    name = "cv" if "cv" in result else "read" if "read" in result else "all"
    return name, (result if name == "all" else result[name])


def _high(result: dict, name: str) -> str:
    "The right share of events with confidence >= 0.8, for one figure."
    if name == "sealed":
        high = result.get("sealed", {}).get("reliability_high") or {}
    else:
        high = (result.get("reliability" if name == "all" else f"reliability_{name}") or {}).get("high") or {}
    return f"{_pct(high['share']).strip()} of {high['n']}" if high.get("share") is not None else "-"


def _format_plover(result: dict) -> list[str]:
    "PLOVER GSR tables: figures by fold group, per-type, confusion."
    splits = result["splits"]
    out = _figure_table(splits, [
        ("n", lambda s: str(s["n"])), ("P", lambda s: _pct(s["precision"])), ("R", lambda s: _pct(s["recall"])),
        ("F1", lambda s: _pct(s["f1"])),
        ("dyad recall", lambda s: f"{_pct(s['dyad_recall'])} ({s['dyad_hits']}/{s['dyad_n']})"),
        ("top acc", lambda s: _pct(s["top_accuracy"]))], result={**result, "sealed": splits.get("sealed", {})})
    name, whole = _detail(splits)
    out += ["", f"per type ({name}):"]
    out += _table(["type", "n", "P", "R", "F1"],
                  [[t, v["n"], _pct(v["precision"]), _pct(v["recall"]), _pct(v["f1"])]
                   for t, v in whole["per_type"].items()])
    labels = list(whole["confusion"])
    cols = [*labels, NONE]
    out += ["", f"confusion ({name}; rows gold, columns top predicted event):"]
    out += _table(["gold", *[c[:4] for c in cols]],
                  [[g, *[whole["confusion"][g][c] or "." for c in cols]] for g in labels])
    return out


def _figures_of(result: dict) -> dict[str, dict]:
    "A CASE or ConfliBERT result's summaries by figure (the top level is 'all')."
    return {"all": result, **{n: result[n] for n in ("read", "cv", "sealed") if n in result}}


def _format_case(result: dict) -> list[str]:
    "CASE 2021 tables: figures by fold group, labels, disasters."
    summaries = _figures_of(result)
    metrics = [(f"{g} any", lambda s, g=g: f"{_pct(s['groups'][g]['any'])} of {s['groups'][g]['n']}")
               for g in (*CASE_GROUPS, "together")]
    metrics += [("together top", lambda s: _pct(s["groups"]["together"]["top"])),
                ("disasters clean", lambda s: f"{_pct(s['disaster']['share'])} of {s['disaster']['n']}")]
    out = _figure_table(summaries, metrics, result=result)
    name, detail = _detail(result)
    out += ["", f"per label ({name}):"]
    out += _table(["label", "accepted", "n", "any", "top"],
                  [[label, "/".join(CASE_MAPPING.get(label, ("", ()))[1]), v["n"], _pct(v["any"]), _pct(v["top"])]
                   for label, v in detail["per_label"].items()])
    d = detail["disaster"]
    out += ["", f"disasters with no conflict event ({name}): {d['no_conflict']}/{d['n']} ({_pct(d['share']).strip()})"]
    if detail.get("unmapped"):
        out.append(f"unmapped labels (not scored): {', '.join(detail['unmapped'])}")
    return out


def _format_conflibert(result: dict) -> list[str]:
    "ConfliBERT tables: figures by fold group, per class, confusion."
    summaries = _figures_of(result)
    out = _figure_table(summaries, [("n", lambda s: str(s["n"])), ("accuracy", lambda s: _pct(s["accuracy"])),
                                    ("macro-F1", lambda s: _pct(s["macro_f1"]))], result=result)
    name, detail = _detail(result)
    out += ["", f"per class ({name}):"]
    out += _table(["class", "n", "P", "R", "F1"],
                  [[c, v["n"], _pct(v["precision"]), _pct(v["recall"]), _pct(v["f1"])]
                   for c, v in detail["per_class"].items()])
    out += ["", f"confusion ({name}; rows gold, columns predicted):"]
    classes = list(detail["confusion"])
    out += _table(["gold", *classes], [[g, *[detail["confusion"][g][p] for p in classes]] for g in classes])
    return out


def _format_sample(result: dict) -> list[str]:
    "Sample page: hits per grade, rows, not-events, teaser dates."
    if result.get("rejected"):
        return [f"page rejected: {result['rejected']}"]
    out = [f"documents {result['documents']}, events {result['events']}",
           f"must hits {result['must']['hits']}/{result['must']['n']}, "
           f"should hits {result['should']['hits']}/{result['should']['n']}", ""]
    out += _table(["#", "grade", "where", "event", "found"],
                  [[r["row"], r["grade"], r["where"], r["label"][:40], "yes" if r["found"] else "NO"]
                   for r in result["rows"]])
    violations = result["not_events"]["violations"]
    out += ["", f"not events coded as events: {len(violations)} (phrases: "
                + "; ".join(repr(p) for p in result["not_events"]["phrases"]) + ")"]
    out += [f"  {v['event_type']}: {v['sentence'][:90]}" for v in violations]
    misdated = result["teaser_dates"]["misdated"]
    out.append(f"teaser/caption events dated {result['teaser_dates']['published']}: {len(misdated)}")
    out += [f"  {m['doc_id']} {m['event_type']}" for m in misdated]
    return out
