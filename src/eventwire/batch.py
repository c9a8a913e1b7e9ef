"""Batch jobs: the local process pool (one Coder per worker, input order kept) and ingest into the store.

Chunks of articles go to workers in a bounded window of tasks, collected in order, so ``--workers`` never changes
the output. Small inputs are coded in-process: starting a worker costs a model load.
Ingest writes each batch of documents with their events in one store transaction, so a
crash loses at most the batch in flight, and a rerun rewrites it without duplicates.
"""
from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing as mp
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Iterator

from .config import Settings
from .dedup import DuplicateIndex
from .records import Article, Coded, Rejected

if TYPE_CHECKING:  # the parent of a pool never codes: it need not import spaCy
    from .pipeline import Coder

logger = logging.getLogger(__name__)

_CHUNK = 16  # articles per task: large enough to batch the parser, small enough to balance
_IN_FLIGHT = 4  # tasks queued per worker: keeps each busy while the parent writes, bounds memory
_coder: Coder | None = None


def code_parallel(items: Iterable[Article | Rejected], *, settings: Settings, workers: int = 1,
                  coder: Coder | None = None) -> Iterator[Coded | Rejected]:
    """Code a stream of articles with ``workers`` processes, in input order."""
    items = iter(items)
    head = list(itertools.islice(items, _CHUNK * 2))
    if workers <= 1 or len(head) < _CHUNK * 2:
        local = coder or load_coder(settings)
        yield from local.code_stream(itertools.chain(head, items))
        return
    chunks = _chunked(itertools.chain(head, items), _CHUNK)
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        # A bounded window of tasks, not imap: imap's feeder thread reads the whole input
        # ahead into memory, which a stream of millions of articles cannot afford.
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_code_chunk, (chunk,))))
            if len(pending) >= workers * _IN_FLIGHT:
                yield from _rejoin(*pending.popleft())
        while pending:
            yield from _rejoin(*pending.popleft())


def _chunked(items: Iterator, size: int) -> Iterator[list]:
    "Lists of up to ``size`` items."
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def load_coder(settings: Settings) -> Coder:
    """``Coder.load``, imported when a process codes (importing ``batch`` does not import spaCy)."""
    from .pipeline import Coder

    return Coder.load(settings)


def _init_worker(settings: Settings) -> None:
    "Load the coder once in each worker process."
    global _coder
    _coder = load_coder(settings)


def _code_chunk(chunk: list[Article | Rejected]) -> list[tuple | Rejected]:
    """Code one chunk in a worker: each outcome's documents, or its rejection. Not the input
    articles, which the parent holds: a third of what a chunk of JSONL records sent back."""
    assert _coder is not None
    return [outcome if isinstance(outcome, Rejected) else outcome.documents for outcome in _coder.code_stream(chunk)]


def _rejoin(chunk: list[Article | Rejected], result) -> Iterator[Coded | Rejected]:
    "The outcomes of a chunk, from what its worker sent back (one per item, in order)."
    for item, outcome in zip(chunk, result.get(), strict=True):
        yield outcome if isinstance(outcome, Rejected) else Coded(item, outcome)


_STORE_BATCH = 64  # documents per store transaction


def ingest_items(items: Iterable[Article | Rejected], *, db_path: str, settings: Settings, workers: int = 1,
                 on_rejected=None, store_batch: int = _STORE_BATCH) -> dict:
    """Code a stream and store it in DuckDB in batches; returns counts.

    An input stored before, unchanged and by the same coder version, is skipped without
    coding; each batch records its inputs in the transaction that stores their documents,
    so a run killed at any point and run again ends with the store a clean run gives.
    """
    from .config import coder_version as current_version
    from .store import Store, StoredInput, input_hash

    coder_version = current_version(settings.data_path)
    counts = {"documents": 0, "rejected": 0, "events": 0, "skipped": 0}
    with Store.open(db_path, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km) as store:
        stored = store.unchanged_inputs(coder_version)
        store.start_run(kind="ingest", coder_version=coder_version)
        index = _duplicate_index(store)
        links: dict[str, str] = {}
        pending: collections.deque[tuple[str, str] | None] = collections.deque()
        articles: list[Article] = []
        rejected: list[Rejected] = []
        events: list = []
        inputs: list[StoredInput] = []

        def fresh() -> Iterator[Article | Rejected]:
            for item in items:
                if isinstance(item, Article):
                    digest = input_hash(item)
                    if stored.get(item.id) == digest:
                        counts["skipped"] += 1
                        continue
                    pending.append((item.id, digest))
                else:
                    pending.append(None)
                yield item

        def flush() -> None:
            if articles or rejected or inputs:
                store.write_batch(articles, rejected, events, coder_version=coder_version, inputs=inputs,
                                  duplicates=links)
            for batch in (articles, rejected, events, inputs, links):
                batch.clear()

        for outcome in code_parallel(fresh(), settings=settings, workers=workers):
            source = pending.popleft()  # outcomes come one per item, in input order
            if isinstance(outcome, Rejected):
                rejected.append(outcome)
                counts["rejected"] += 1
                if on_rejected:
                    on_rejected(outcome)
                if source:
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


def recode_store(db_path: str, *, settings: Settings, workers: int = 1, everything: bool = False,
                 on_progress=None) -> dict:
    """Re-code stored documents (their cleaned text, not re-cleaned) with the current coder.

    Only documents coded by another version unless ``everything``; each batch replaces its
    documents' mentions in one transaction, and the run is logged with kind ``recode``.
    """
    from .config import coder_version as current_version
    from .store import Store

    version = current_version(settings.data_path)
    counts = {"documents": 0, "events": 0}
    with Store.open(db_path, dedup_days=settings.dedup_days, dedup_km=settings.dedup_km) as store:
        todo = store.stored_documents(exclude_version=None if everything else version)
        store.start_run(kind="recode", coder_version=version)
        for coded in _code_stored(todo, settings=settings, workers=workers):
            docs = [doc for doc, _ in coded]
            events = [e for _, evs in coded for e in evs]
            store.write_batch(docs, [], events, coder_version=version)
            counts["documents"] += len(docs)
            counts["events"] += len(events)
            if on_progress:
                on_progress(counts)
        store.mark_inputs_recoded(version)
    return counts


def _code_stored(docs: Iterable[Article], *, settings: Settings, workers: int) -> Iterator[list]:
    "Lists of (document, events) of up to ``_STORE_BATCH`` stored documents, in order."
    chunks = _chunked(iter(docs), _STORE_BATCH)
    if workers <= 1:
        coder = load_coder(settings)
        for chunk in chunks:
            yield [(doc, code_stored_document(coder, doc)) for doc in chunk]
        return
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        for chunk in chunks:
            parts = pool.map(_recode_chunk, list(_chunked(iter(chunk), max(1, len(chunk) // workers))))
            yield [pair for part in parts for pair in part]


def _recode_chunk(chunk: list[Article]) -> list[tuple[Article, list]]:
    "Re-code stored documents in a worker."
    assert _coder is not None
    return [(doc, code_stored_document(_coder, doc)) for doc in chunk]


def code_stored_document(coder: Coder, doc: Article) -> list:
    "The events of one stored (already clean) document, as ingest codes it."
    events = coder.code_text(doc.text, published=doc.published, doc_id=doc.id, title=doc.title)
    return [e if e.doc_kind == doc.kind else replace(e, doc_kind=doc.kind) for e in events]
