"""Ingest and re-code into the store: documents, rejections, mentions and events, a batch per transaction.

    counts = ingest_items(read_inputs(paths, settings=s), db_path="eventwire.duckdb", settings=s, workers=2)
    counts = ingest_items(items, store=session, settings=s, coder=coder, seen={input_id: SeenItem(...)})
    counts = recode_store("eventwire.duckdb", settings=s, workers=2, everything=False)

Each batch of documents is written with their events in one store transaction, so a crash
loses at most the batch in flight, and a rerun rewrites it without duplicates.
"""
from __future__ import annotations

import collections
import logging
import multiprocessing as mp
from typing import Iterable, Iterator, Mapping

from ..config import Settings, coder_version
from ..records import Article, Rejected
from ..store import SeenItem, Store, StoredInput, input_hash
from ..text.dedup import DuplicateIndex
from . import pool
from .pipeline import guarded
from .pool import CoderProcesses, chunked, code_parallel

logger = logging.getLogger(__name__)


_STORE_BATCH = 64  # documents per store transaction


def ingest_items(items: Iterable[Article | Rejected], *, db_path: str | None = None, settings: Settings,
                 workers: int = 1, on_rejected=None, store_batch: int = _STORE_BATCH, store: Store | None = None,
                 coder=None, seen: Mapping[str, SeenItem] | None = None, kind: str = "ingest",
                 processes: CoderProcesses | None = None, kept: KeptIndex | None = None) -> dict:
    """Code a stream and store it in DuckDB in batches; returns counts.

    An input stored before, unchanged and by the same coder version, is skipped without
    coding; each batch records its inputs in the transaction that stores their documents,
    so a run killed at any point and run again ends with the store a clean run gives.
    ``store`` (an open Store, say a server's session) instead of ``db_path``; ``coder`` a loaded
    Coder to code with in this process; ``seen`` maps an input id to the watched item it came
    from, marked seen in the batch that stores the input. ``processes``: long-lived coder worker
    processes to code with instead (``pool.CoderProcesses``, the watcher's); ``kept``: the
    near-duplicate index kept between ingests into this store (``KeptIndex``), else built here.
    """
    if store is not None:
        return _ingest_into(store, items, settings=settings, workers=workers, on_rejected=on_rejected,
                            store_batch=store_batch, coder=coder, seen=seen or {}, kind=kind,
                            processes=processes, kept=kept)
    with Store.open(db_path, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km) as opened:
        return _ingest_into(opened, items, settings=settings, workers=workers, on_rejected=on_rejected,
                            store_batch=store_batch, coder=coder, seen=seen or {}, kind=kind,
                            processes=processes, kept=kept)


def _ingest_into(store: Store, items: Iterable[Article | Rejected], *, settings: Settings, workers: int,
                 on_rejected, store_batch: int, coder, seen: Mapping[str, SeenItem], kind: str,
                 processes: CoderProcesses | None, kept: KeptIndex | None) -> dict:
    "ingest_items on an open store."
    version = coder_version(settings.data_path, dict_dirs=settings.dict_dirs, decider=settings.decider)
    counts = {"documents": 0, "rejected": 0, "events": 0, "skipped": 0}
    stored = store.unchanged_inputs(version)
    store.start_run(kind=kind, coder_version=version)
    index = kept.current(store) if kept is not None else _duplicate_index(store)
    links: dict[str, str] = {}
    pending: collections.deque[tuple[str, str] | None] = collections.deque()
    articles: list[Article] = []
    rejected: list[Rejected] = []
    events: list = []
    inputs: list[StoredInput] = []
    marks: list[SeenItem] = []

    def fresh() -> Iterator[Article | Rejected]:
        for item in items:
            if isinstance(item, Article):
                digest = input_hash(item)
                if stored.get(item.id) == digest:
                    counts["skipped"] += 1
                    if item.id in seen:
                        marks.append(seen[item.id])
                    continue
                pending.append((item.id, digest))
            else:
                pending.append(None)
            yield item

    def flush() -> None:
        if articles or rejected or inputs or marks:
            store.write_batch(articles, rejected, events, coder_version=version, inputs=inputs,
                              duplicates=links, seen=marks)
        for batch in (articles, rejected, events, inputs, links, marks):
            batch.clear()

    for outcome in code_parallel(fresh(), settings=settings, workers=workers, coder=coder, processes=processes):
        source = pending.popleft()  # outcomes come one per item, in input order
        if isinstance(outcome, Rejected):
            rejected.append(outcome)
            counts["rejected"] += 1
            if on_rejected:
                on_rejected(outcome)
            if source and not _transient(outcome.reason):  # a timeout or a crash is tried again next run
                inputs.append(StoredInput(source[0], source[1], ()))
        else:
            for doc, evs in outcome.documents:
                articles.append(doc)
                events.extend(evs)
                if doc.kind == "article" and (canonical := index.add(doc)) is not None and canonical != doc.id:
                    links[doc.id] = canonical
                counts["documents"] += 1
                counts["events"] += len(evs)
            if source:
                inputs.append(StoredInput(source[0], source[1], tuple(d.id for d, _ in outcome.documents)))
        if source and source[0] in seen:
            marks.append(seen[source[0]])
        if len(articles) + len(rejected) >= store_batch:
            flush()
    flush()
    store.add_skipped(counts["skipped"])
    return counts


def _duplicate_index(store) -> DuplicateIndex:
    """A near-duplicate index holding the store's original (non-duplicate) articles.

    Rebuilt from the store at each ingest, so a rerun links new copies as a single run would.
    """
    index = DuplicateIndex()
    for doc_id, title, text in store.original_articles():
        index.add(Article(id=doc_id, text=text, title=title))
    return index


class KeptIndex:
    """The near-duplicate index of one store, kept between ingests (the service's watcher): building
    it reads and hashes every stored article, which a poll every few minutes cannot afford.

    ``current(store)`` brings it up to date first: the original articles stored since (by anyone:
    ``POST /documents`` too) are added; when an article it holds is no longer stored (a changed
    input dropped it, an ingest failed after its articles were added) it is built again."""

    def __init__(self) -> None:
        self._index: DuplicateIndex | None = None

    def current(self, store) -> DuplicateIndex:
        "The index, holding every original article the store holds and no article it lacks."
        stored, originals = store.article_ids()
        index = self._index
        if index is None or not index.ids() <= stored:
            index = self._index = _duplicate_index(store)
            return index
        missing = sorted(doc_id for doc_id in originals if doc_id not in index)
        if missing:
            for doc_id, title, text in store.original_articles(ids=missing):
                index.add(Article(id=doc_id, text=text, title=title))
        return index


def recode_store(db_path: str, *, settings: Settings, workers: int = 1, everything: bool = False,
                 on_progress=None) -> dict:
    """Re-code stored documents (their cleaned text, not re-cleaned) with the current coder.

    Only documents coded by another version unless ``everything``; each batch replaces its
    documents' mentions in one transaction, and the run is logged with kind ``recode``.
    """
    version = coder_version(settings.data_path, dict_dirs=settings.dict_dirs, decider=settings.decider)
    counts = {"documents": 0, "events": 0}
    with Store.open(db_path, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km) as store:
        todo = store.stored_documents(exclude_version=None if everything else version)
        store.start_run(kind="recode", coder_version=version)
        for coded in _code_stored(todo, settings=settings, workers=workers):
            failed = [(doc, evs) for doc, evs in coded if isinstance(evs, Rejected)]
            for doc, rejection in failed:  # its stored mentions stay; the next recode tries it again
                logger.warning("recode: %s not re-coded: %s", doc.id, rejection.reason)
            coded = [(doc, evs) for doc, evs in coded if not isinstance(evs, Rejected)]
            docs = [doc for doc, _ in coded]
            events = [e for _, evs in coded for e in evs]
            store.write_batch(docs, [], events, coder_version=version)
            counts["documents"] += len(docs)
            counts["events"] += len(events)
            if on_progress:
                on_progress(counts)
        store.mark_inputs_recoded(version)
    return counts


def _transient(reason: str) -> bool:
    "Whether a rejection may not recur (a time-out or a crash), so its input is not marked as done."
    return reason == "timeout" or reason.startswith("internal:")


def _recode_one(coder, doc: Article) -> tuple[Article, list | Rejected]:
    "One stored document re-coded, or its rejection (its stored mentions are then kept)."
    return doc, guarded(doc.id, doc.origin, lambda: coder.code_stored(doc))


def _code_stored(docs: Iterable[Article], *, settings: Settings, workers: int) -> Iterator[list]:
    "Lists of (document, events) of up to ``_STORE_BATCH`` stored documents, in order."
    chunks = chunked(iter(docs), _STORE_BATCH)
    if workers <= 1:
        coder = pool.load_coder(settings)
        for chunk in chunks:
            yield [_recode_one(coder, doc) for doc in chunk]
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=pool.init_worker, initargs=(settings,)) as workers_pool:
        for chunk in chunks:
            parts = workers_pool.map(_recode_chunk, list(chunked(iter(chunk), max(1, len(chunk) // workers))))
            yield [pair for part in parts for pair in part]


def _recode_chunk(chunk: list[Article]) -> list[tuple[Article, list]]:
    "Re-code stored documents in a worker."
    coder = pool.worker_coder()
    return [_recode_one(coder, doc) for doc in chunk]
