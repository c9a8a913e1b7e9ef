"""The local process pool: one Coder per worker process, the pipeline's outcomes in input order.

    for outcome in code_parallel(articles, settings=settings, workers=2): ...   # Coded | Rejected

Chunks of articles go to workers in a bounded window of tasks, collected in order, so ``--workers``
never changes the output. Small inputs are coded in-process: starting a worker costs a model load.
Importing this module does not import spaCy: the parent of a pool never codes.
"""
from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing as mp
from typing import TYPE_CHECKING, Iterable, Iterator

from ..config import Settings
from ..records import Article, Coded, Rejected

if TYPE_CHECKING:  # the parent of a pool never codes: it need not import spaCy
    from .pipeline import Coder

logger = logging.getLogger(__name__)

_CHUNK = 16  # articles per task: large enough to batch the parser, small enough to balance
_IN_FLIGHT = 4  # tasks queued per worker: keeps each busy while the parent writes, bounds memory
_coder: Coder | None = None
_load_error: Exception | None = None


def code_parallel(items: Iterable[Article | Rejected], *, settings: Settings, workers: int = 1,
                  coder: Coder | None = None) -> Iterator[Coded | Rejected]:
    """Code a stream of articles with ``workers`` processes, in input order."""
    items = iter(items)
    head = list(itertools.islice(items, _CHUNK * 2))
    if workers <= 1 or len(head) < _CHUNK * 2:
        local = coder or load_coder(settings)
        yield from local.code_stream(itertools.chain(head, items))
        return
    chunks = chunked(itertools.chain(head, items), _CHUNK)
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers, initializer=init_worker, initargs=(settings,)) as pool:
        # A bounded window of tasks, not imap: imap's feeder thread reads the whole input
        # ahead into memory, which a stream of millions of articles cannot afford.
        pending: collections.deque = collections.deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_code_chunk, (chunk,))))
            if len(pending) >= workers * _IN_FLIGHT:
                yield from _rejoin(*pending.popleft())
        while pending:
            yield from _rejoin(*pending.popleft())


def chunked(items: Iterator, size: int) -> Iterator[list]:
    "Lists of up to ``size`` items."
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def load_coder(settings: Settings) -> Coder:
    """``Coder.load``, imported when a process codes (importing ``pool`` does not import spaCy)."""
    from .pipeline import Coder

    return Coder.load(settings)


def init_worker(settings: Settings) -> None:
    """Load the coder once in each worker process. A failure (a missing model) is kept and raised by
    the first task, so the parent hears it: a pool whose initializer raises restarts workers forever."""
    global _coder, _load_error
    try:
        _coder = load_coder(settings)
    except Exception as exc:  # noqa: BLE001 - re-raised in the parent through the first task
        _load_error = exc


def worker_coder() -> Coder:
    "The coder of this worker process (loaded by ``init_worker``)."
    if _load_error is not None:
        raise _load_error
    assert _coder is not None, "init_worker was not run in this process"
    return _coder


def _code_chunk(chunk: list[Article | Rejected]) -> list[tuple | Rejected]:
    """Code one chunk in a worker: each outcome's documents, or its rejection. Not the input
    articles, which the parent holds: a third of what a chunk of JSONL records sent back."""
    return [outcome if isinstance(outcome, Rejected) else outcome.documents
            for outcome in worker_coder().code_stream(chunk)]


def _rejoin(chunk: list[Article | Rejected], result) -> Iterator[Coded | Rejected]:
    "The outcomes of a chunk, from what its worker sent back (one per item, in order)."
    for item, outcome in zip(chunk, result.get(), strict=True):
        yield outcome if isinstance(outcome, Rejected) else Coded(item, outcome)


