"""The same coding mapped over many machines (Ray Data) or the local process pool, to Parquet.

    run_to_parquet(["news.parquet"], out="events/", settings=settings, engine="ray", workers=8)
    ingest_parquet("events/", db_path="eventwire.duckdb", settings=settings)

The only module that imports ray, and only inside ``_run_ray``: the core needs no Ray.

OUTPUT LAYOUT (one folder, Hive-style, readable in place by DuckDB, Spark, pandas):

    OUT/events/year=YYYY/month=M/*.parquet   one row per event mention: the contract's record
        (``event_id`` first; ``actor``, ``recipient`` and ``location`` kept NESTED as structs,
        ``contexts`` a list, ``date`` a DATE) plus ``section`` and ``doc_kind``; ``year`` and
        ``month`` are the event date's (``__HIVE_DEFAULT_PARTITION__`` when it has none)
    OUT/documents/*.parquet                  one row per cleaned document (``status`` =
        ``coded``) or rejected input (``status`` = ``rejected``, ``reason`` set)

    duckdb -c "SELECT event_type, count(*) FROM read_parquet('OUT/events/**/*.parquet',
               hive_partitioning=true) GROUP BY 1"

Both engines write the same rows (file names and row order differ: compare sorted).
"""

from __future__ import annotations

import itertools
import logging
import shutil
from pathlib import Path
from typing import Iterable, Iterator

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from ..config import Settings
from ..errors import ConfigError, InputError
from ..records import Actor, Article, Event, Place, Rejected

logger = logging.getLogger(__name__)

_ACTOR = pa.struct([("text", pa.string()), ("name", pa.string()), ("code", pa.string()),
                    ("sector", pa.string())])
_PLACE = pa.struct([("text", pa.string()), ("name", pa.string()), ("country", pa.string()),
                    ("admin1", pa.string()), ("lat", pa.float64()), ("lon", pa.float64()),
                    ("precision", pa.string()), ("geonameid", pa.int64())])
EVENT_SCHEMA = pa.schema([
    ("event_id", pa.string()), ("doc_id", pa.string()), ("event_type", pa.string()),
    ("mode", pa.string()), ("contexts", pa.list_(pa.string())), ("actor", _ACTOR),
    ("recipient", _ACTOR), ("date", pa.date32()), ("date_precision", pa.string()),
    ("location", _PLACE), ("sentence", pa.string()), ("sentence_start", pa.int64()),
    ("sentence_end", pa.int64()), ("trigger", pa.string()), ("negated", pa.bool_()),
    ("hypothetical", pa.bool_()), ("confidence", pa.float64()), ("quad_class", pa.int64()),
    ("cameo", pa.string()), ("score", pa.float64()), ("coder_version", pa.string()),
    ("section", pa.string()), ("doc_kind", pa.string()), ("year", pa.int32()), ("month", pa.int32()),
])
DOCUMENT_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("status", pa.string()), ("reason", pa.string()), ("title", pa.string()),
    ("text", pa.string()), ("published", pa.date32()), ("url", pa.string()), ("source", pa.string()),
    ("kind", pa.string()), ("parent", pa.string()), ("language", pa.string()), ("origin", pa.string()),
])
_INPUT_FIELDS = ("id", "text", "title", "published", "url", "source", "html")
_ROWS_PER_FILE = 20_000  # events per Parquet file written by the local engine
_LOCAL_CHUNK = 256  # input records per Ray cleaning batch
_RAY_BATCH = 32  # documents per CodeBatch call: one nlp.pipe run, as pipeline._CHUNK_DOCS
ENGINES = ("local", "ray")


# ---- rows ---------------------------------------------------------------------------------
def event_row(event: Event) -> dict:
    "One Parquet row of an event: the contract record plus partition columns."
    row = event.as_dict()
    row["date"] = event.date
    row["year"] = event.date.year if event.date else None
    row["month"] = event.date.month if event.date else None
    return row


def document_row(item: Article | Rejected) -> dict:
    "One Parquet row of a cleaned document or a rejected input."
    if isinstance(item, Rejected):
        return {"doc_id": item.doc_id, "status": "rejected", "reason": item.reason, "origin": item.origin}
    return {"doc_id": item.id, "status": "coded", "reason": None, "title": item.title, "text": item.text,
            "published": item.published, "url": item.url, "source": item.source, "kind": item.kind,
            "parent": item.parent, "language": item.language, "origin": item.origin}


def event_from_row(row: dict) -> Event:
    "Rebuild an Event record from its Parquet row (offsets of actors and places are not kept)."
    rec, loc = row.get("recipient"), row.get("location")
    return Event(
        event_id=row["event_id"], doc_id=row["doc_id"], event_type=row["event_type"], mode=row["mode"],
        contexts=tuple(row["contexts"] or ()), actor=Actor(**row["actor"]),
        recipient=Actor(**rec) if rec else None, date=row["date"], date_precision=row["date_precision"],
        location=Place(**loc) if loc else None, sentence=row["sentence"],
        sentence_start=row["sentence_start"], sentence_end=row["sentence_end"], section=row["section"],
        trigger=row["trigger"], negated=row["negated"], hypothetical=row["hypothetical"],
        confidence=row["confidence"], quad_class=row["quad_class"], cameo=row["cameo"], score=row["score"],
        coder_version=row["coder_version"], doc_kind=row["doc_kind"])


def article_from_row(row: dict) -> Article:
    "Rebuild a cleaned Article from its documents row."
    return Article(id=row["doc_id"], text=row["text"] or "", title=row["title"], published=row["published"],
                   url=row["url"], source=row["source"], kind=row["kind"] or "article", parent=row["parent"],
                   language=row["language"], origin=row["origin"])


def _outcome_rows(outcomes: Iterable) -> tuple[list[dict], list[dict]]:
    "(event rows, document rows) of coded outcomes and rejections."
    events, documents = [], []
    for outcome in outcomes:
        if isinstance(outcome, Rejected):
            documents.append(document_row(outcome))
            continue
        for doc, evs in outcome.documents:
            documents.append(document_row(doc))
            events.extend(event_row(e) for e in evs)
    return events, documents


# ---- input ----------------------------------------------------------------------------------
def read_records(paths: Iterable[str], *, settings: Settings) -> Iterator[Article | Rejected]:
    """Documents from Parquet files (columns id, text and any of title, published, url, source, html)
    and from everything ``eventwire code`` reads, in the order given."""
    from ..text.reading import article_from_record, read_inputs

    for path in paths:
        if _is_parquet(path):
            for k, row in enumerate(_parquet_rows(path)):
                yield article_from_record(row, origin=f"{path}:{k}", fallback_id=f"{Path(path).stem}:{k}")
        else:
            yield from read_inputs([path], settings=settings)


def _is_parquet(path: str) -> bool:
    "A Parquet file, or a folder of them."
    return str(path).endswith(".parquet") or (Path(path).is_dir() and any(Path(path).rglob("*.parquet")))


def _parquet_rows(path: str) -> Iterator[dict]:
    "Rows of a Parquet file or folder, only the input columns, batch by batch."
    dataset = pads.dataset(path, format="parquet")
    columns = [c for c in _INPUT_FIELDS if c in dataset.schema.names]
    if "text" not in columns and "html" not in columns:
        raise InputError(f"{path}: a Parquet input needs a 'text' or 'html' column")
    for batch in dataset.to_batches(columns=columns):
        yield from batch.to_pylist()


def _record(item: Article) -> dict:
    "An input Article as a plain record for Ray (article_from_record reads it back)."
    return {"id": item.id, "text": item.text, "title": item.title,
            "published": item.published.isoformat() if item.published else None,
            "url": item.url, "source": item.source, "html": item.html, "origin": item.origin}


# ---- engines -----------------------------------------------------------------------------------
def run_to_parquet(inputs: list[str], *, out: str, settings: Settings, engine: str = "local",
                   workers: int = 1, address: str | None = None) -> dict:
    """Code every input document with ``engine`` and write OUT/events and OUT/documents; returns counts."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")
    if engine == "ray":  # OUT may be a URI there (s3://, gs://): a rerun writes new files beside the old
        if "://" not in out:
            _clear(Path(out))
        return _run_ray(inputs, root=out.rstrip("/"), settings=settings, workers=workers, address=address)
    if "://" in out:
        raise ConfigError("the local engine writes to a local folder; use --engine ray for object storage")
    _clear(Path(out))
    return _run_local(inputs, root=Path(out), settings=settings, workers=workers)


def _clear(root: Path) -> None:
    "Remove a previous run's output, so a rerun replaces it and never appends."
    for sub in ("events", "documents"):
        shutil.rmtree(root / sub, ignore_errors=True)


def _run_local(inputs: list[str], *, root: Path, settings: Settings, workers: int) -> dict:
    "The local process pool, writing Parquet as results arrive (bounded memory)."
    from .pool import code_parallel

    counts = {"documents": 0, "rejected": 0, "events": 0}
    events: list[dict] = []
    documents: list[dict] = []
    parts = itertools.count()
    for outcome in code_parallel(read_records(inputs, settings=settings), settings=settings, workers=workers):
        evs, docs = _outcome_rows([outcome])
        events.extend(evs)
        documents.extend(docs)
        if len(events) >= _ROWS_PER_FILE:
            _write_part(root, events, documents, next(parts), counts)
    _write_part(root, events, documents, next(parts), counts)
    return counts


def _write_part(root: Path, events: list[dict], documents: list[dict], part: int, counts: dict) -> None:
    "Write and clear the buffered rows as part-NNNNN files."
    counts["events"] += len(events)
    counts["documents"] += sum(1 for d in documents if d["status"] == "coded")
    counts["rejected"] += sum(1 for d in documents if d["status"] == "rejected")
    (root / "documents").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(documents, schema=DOCUMENT_SCHEMA),
                   root / "documents" / f"part-{part:05d}.parquet")
    if events:
        pq.write_to_dataset(pa.Table.from_pylist(events, schema=EVENT_SCHEMA), root / "events",
                            partition_cols=["year", "month"], basename_template=f"part-{part:05d}-{{i}}.parquet")
    (root / "events").mkdir(parents=True, exist_ok=True)
    events.clear()
    documents.clear()


class CodeBatch:
    """Ray Data callable class: one Coder per actor, loaded once; a batch of records -> event rows."""

    def __init__(self, settings: Settings):
        from .pipeline import Coder

        self.coder = Coder.load(settings)

    def __call__(self, batch: pa.Table) -> pa.Table:
        "Code one batch of input records."
        events, _ = _outcome_rows(self.coder.code_stream(_articles(batch)))
        return pa.Table.from_pylist(events, schema=EVENT_SCHEMA)


def clean_batch(batch: pa.Table, *, settings: Settings) -> pa.Table:
    "Ray Data task: a batch of input records -> document rows (cleaning only, no parsing)."
    from .pipeline import clean_stream

    rows = []
    for outcome in clean_stream(_articles(batch), settings=settings):
        if isinstance(outcome, Rejected):
            rows.append(document_row(outcome))
        else:
            rows.extend(document_row(doc) for doc in outcome.documents)
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def _articles(batch: pa.Table) -> list[Article | Rejected]:
    "Input records of a Ray batch as Articles (or rejections)."
    from ..text.reading import article_from_record

    out = []
    for k, row in enumerate(batch.to_pylist()):
        origin = row.get("origin") or f"ray:{k}"
        out.append(article_from_record(row, origin=origin, fallback_id=origin))
    return out


def _run_ray(inputs: list[str], *, root: str, settings: Settings, workers: int, address: str | None) -> dict:
    "Ray Data: read, code with ``workers`` actors (one model each), write partitioned Parquet."
    try:
        import ray
    except ImportError as exc:
        raise ConfigError("the ray engine needs Ray: pip install 'eventwire[ray]'") from exc
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                 **({} if address else {"num_cpus": max(workers, 1) + 1}))  # +1: read and write tasks
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        dataset, rejected = _ray_input(ray, inputs, settings=settings, workers=workers)
        documents = dataset.map_batches(clean_batch, fn_kwargs={"settings": settings},
                                        batch_format="pyarrow", batch_size=_LOCAL_CHUNK)
        documents.write_parquet(f"{root}/documents")
        if rejected:
            pq.write_table(pa.Table.from_pylist([document_row(r) for r in rejected], schema=DOCUMENT_SCHEMA),
                           f"{root}/documents/read-rejected.parquet")
        events = dataset.map_batches(CodeBatch, fn_constructor_kwargs={"settings": settings},
                                     batch_format="pyarrow", batch_size=_RAY_BATCH, concurrency=max(workers, 1),
                                     num_cpus=1)
        events.write_parquet(f"{root}/events", partition_cols=["year", "month"])
    finally:
        if started:
            ray.shutdown()
    return _count(root)


def _ray_input(ray, inputs: list[str], *, settings: Settings, workers: int):
    "A Ray dataset of input records, and the inputs already rejected while reading."
    parquet = [p for p in inputs if "://" in str(p) or _is_parquet(p)]
    others = [p for p in inputs if p not in parquet]
    rejected: list[Rejected] = []
    parts = []
    if parquet:
        parts.append(ray.data.read_parquet(parquet, columns=None))
    if others:
        records = []
        for item in read_records(others, settings=settings):
            if isinstance(item, Rejected):
                rejected.append(item)
            else:
                records.append(_record(item))
        if records:
            blocks = min(len(records), max(workers, -(-len(records) // _RAY_BATCH)))  # every actor gets work
            parts.append(ray.data.from_items(records, override_num_blocks=blocks))
    if not parts:
        raise InputError("no documents to code")
    dataset = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    return dataset, rejected


def _count(root: str) -> dict:
    "Counts of what a run wrote (local folder or URI)."
    docs = pads.dataset(f"{root}/documents", format="parquet").to_table(columns=["status"]).column("status")
    statuses = docs.to_pylist()
    try:
        events = _events_dataset(root).count_rows()
    except FileNotFoundError:  # no event at all: Ray writes no folder
        events = 0
    return {"documents": statuses.count("coded"), "rejected": statuses.count("rejected"), "events": events}


# ---- back into the store -------------------------------------------------------------------------------
def _events_dataset(root: str | Path) -> pads.Dataset:
    "The events folder as a dataset, year/month read from the folder names."
    return pads.dataset(f"{root}/events", format="parquet", partitioning="hive",
                        schema=EVENT_SCHEMA)


def read_events(root: str | Path) -> list[Event]:
    "Every event of a run's output, sorted by event_id."
    root = Path(root)
    if not any((root / "events").rglob("*.parquet")):
        return []
    rows = _events_dataset(root).to_table().to_pylist()
    return sorted((event_from_row(r) for r in rows), key=lambda e: e.event_id)


def ingest_parquet(root: str | Path, *, db_path: str, settings: Settings, batch_documents: int = 64) -> dict:
    """Load a run's documents and events into the DuckDB store with Store.write_batch; returns counts."""
    from ..config import coder_version as current_version
    from ..store.core import Store

    root = Path(root)
    if not (root / "documents").is_dir():
        raise InputError(f"{root} holds no documents/ folder: not an `eventwire run` output")
    doc_rows = sorted(pads.dataset(root / "documents", format="parquet", schema=DOCUMENT_SCHEMA)
                      .to_table().to_pylist(), key=lambda r: (r["doc_id"], r["status"]))
    by_doc: dict[str, list[Event]] = {}
    for event in read_events(root):
        by_doc.setdefault(event.doc_id, []).append(event)
    counts = {"documents": 0, "rejected": 0, "events": 0}
    version = current_version(settings.data_path, dict_dirs=settings.dict_dirs)
    with Store.open(db_path, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km) as store:
        for start in range(0, len(doc_rows), batch_documents):
            chunk = doc_rows[start:start + batch_documents]
            articles = [article_from_row(r) for r in chunk if r["status"] == "coded"]
            rejected = [Rejected(r["doc_id"], r["reason"] or "rejected", r["origin"])
                        for r in chunk if r["status"] == "rejected"]
            events = [e for a in articles for e in by_doc.get(a.id, [])]
            store.write_batch(articles, rejected, events, coder_version=version)
            counts["documents"] += len(articles)
            counts["rejected"] += len(rejected)
            counts["events"] += len(events)
    return counts


__all__ = ["CodeBatch", "DOCUMENT_SCHEMA", "ENGINES", "EVENT_SCHEMA", "article_from_row",
           "clean_batch", "document_row", "event_from_row", "event_row", "ingest_parquet", "read_events", "read_records",
           "run_to_parquet"]
