"""Batch jobs: the local process pool (one Coder per worker, input order kept) and ingest into the store.

Chunks of articles go to workers with ``imap`` (ordered), so ``--workers`` never changes
the output. Small inputs are coded in-process: starting a worker costs a model load.
Ingest writes each batch of documents with their events in one store transaction, so a
crash loses at most the batch in flight, and a rerun rewrites it without duplicates.
"""
from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
from typing import Iterable, Iterator

from .config import Settings
from .pipeline import Coded, Coder
from .records import Article, Rejected

logger = logging.getLogger(__name__)

_CHUNK = 16  # articles per task: large enough to batch the parser, small enough to balance
_coder: Coder | None = None


def code_parallel(items: Iterable[Article | Rejected], *, settings: Settings, workers: int = 1,
                  coder: Coder | None = None) -> Iterator[Coded | Rejected]:
    """Code a stream of articles with ``workers`` processes, in input order."""
    items = iter(items)
    head = list(itertools.islice(items, _CHUNK * 2))
    if workers <= 1 or len(head) < _CHUNK * 2:
        local = coder or Coder.load(settings)
        yield from local.code_stream(itertools.chain(head, items))
        return
    chunks = _chunked(itertools.chain(head, items), _CHUNK)
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings,)) as pool:
        for outcomes in pool.imap(_code_chunk, chunks):
            yield from outcomes


def _chunked(items: Iterator, size: int) -> Iterator[list]:
    "Lists of up to ``size`` items."
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def _init_worker(settings: Settings) -> None:
    "Load the coder once in each worker process."
    global _coder
    _coder = Coder.load(settings)


def _code_chunk(chunk: list[Article | Rejected]) -> list[Coded | Rejected]:
    "Code one chunk in a worker."
    assert _coder is not None
    return list(_coder.code_stream(chunk))


_STORE_BATCH = 64  # documents per store transaction


def ingest_items(items: Iterable[Article | Rejected], *, db_path: str, settings: Settings, workers: int = 1,
                 on_rejected=None) -> dict:
    """Code a stream and store it in DuckDB in batches; returns counts."""
    from .config import coder_version as current_version
    from .store import Store

    coder_version = current_version(settings.data_path)
    counts = {"documents": 0, "rejected": 0, "events": 0}
    with Store.open(db_path) as store:
        articles: list[Article] = []
        rejected: list[Rejected] = []
        events: list = []

        def flush() -> None:
            if articles or rejected:
                store.write_batch(articles, rejected, events, coder_version=coder_version)
            articles.clear()
            rejected.clear()
            events.clear()

        for outcome in code_parallel(items, settings=settings, workers=workers):
            if isinstance(outcome, Rejected):
                rejected.append(outcome)
                counts["rejected"] += 1
                if on_rejected:
                    on_rejected(outcome)
            else:
                for doc, evs in outcome.documents:
                    articles.append(doc)
                    events.extend(evs)
                    counts["documents"] += 1
                    counts["events"] += len(evs)
            if len(articles) + len(rejected) >= _STORE_BATCH:
                flush()
        flush()
    return counts
