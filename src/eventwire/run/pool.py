"""The local process pool: one Coder per worker process, the pipeline's outcomes in input order.

    for outcome in code_parallel(articles, settings=settings, workers=2): ...   # Coded | Rejected
    with CoderProcesses(settings, size=1) as processes:       # long-lived workers (a service's)
        for outcome in code_parallel(articles, settings=settings, processes=processes): ...

Chunks of articles go to workers in a bounded window of tasks, collected in order, so ``--workers``
never changes the output. Small inputs are coded in-process: starting a worker costs a model load.
Importing this module does not import spaCy: the parent of a pool never codes.

A time budget per document (``Settings.document_timeout`` seconds): each worker reports every stage
it starts (cleaning article i, parsing the chunk, coding article i). When a stage outlives its
budget (the parse of a chunk gets the budget once per article), the parent kills the worker and
starts a fresh one; the article being cleaned or coded is rejected with reason ``timeout`` and the
rest of its chunk is coded again; a chunk whose parse stalled is coded again one article at a time,
which finds the article to reject. A worker that dies (killed, out of memory) is handled the same
way, its article rejected as ``internal: worker died``.
"""
from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..config import Settings
from ..errors import ConfigError
from ..records import Article, Coded, Rejected

if TYPE_CHECKING:  # the parent of a pool never codes: it need not import spaCy
    from .pipeline import Coder

logger = logging.getLogger(__name__)

_CHUNK = 16  # articles per task: large enough to batch the parser, small enough to balance
_IN_FLIGHT = 4  # tasks queued per worker: keeps each busy while the parent writes, bounds memory
_coder: Coder | None = None
_load_error: Exception | None = None
_QUIT = object()  # the feeder thread's stop sign (None is the worker's)


def code_parallel(items: Iterable[Article | Rejected], *, settings: Settings, workers: int = 1,
                  coder: Coder | None = None, processes: CoderProcesses | None = None) -> Iterator[Coded | Rejected]:
    """Code a stream of articles with ``workers`` processes (or the long-lived ``processes``), in input order."""
    if processes is not None:
        yield from processes.code(items)
        return
    items = iter(items)
    head = list(itertools.islice(items, _CHUNK * 2))
    if workers <= 1 or len(head) < _CHUNK * 2:
        local = coder or load_coder(settings)
        yield from local.code_stream(itertools.chain(head, items))
        return
    with _Pool(settings, size=workers) as pool:
        yield from pool.code(chunked(itertools.chain(head, items), _CHUNK))


@dataclass
class _Task:
    """One chunk of input in its place in the output order; split into parts when its parse stalled."""

    items: list
    outcomes: list | None = None
    parts: list[_Task] = field(default_factory=list)

    def done(self) -> bool:
        "Whether every outcome of the chunk is known."
        return self.outcomes is not None or bool(self.parts) and all(p.done() for p in self.parts)

    def results(self) -> list:
        "The chunk's outcomes (Coded | Rejected), in input order."
        if self.outcomes is not None:
            return self.outcomes
        return [o for part in self.parts for o in part.results()]


class _Worker:
    """One worker process, the tasks sent to it in order and the deadline of its stage.

    Tasks go out through a one-way pipe written by a feeder thread and messages come back through
    another, read by the parent's main thread: a big chunk (300 KB pages) can fill a pipe, and a
    parent blocked writing it while the worker is blocked writing a stage message would deadlock.
    """

    def __init__(self, ctx, settings: Settings, loader: Callable[[Settings], Coder]):
        tasks_in, self._tasks = ctx.Pipe(duplex=False)
        self.conn, messages_out = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_serve, args=(tasks_in, messages_out, settings, loader), daemon=True)
        self.process.start()
        tasks_in.close()
        messages_out.close()
        self._outbox: queue.SimpleQueue = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._feed, name="eventwire-pool-feeder", daemon=True)
        self._feeder.start()
        self.queue: collections.deque[_Task] = collections.deque()
        self.stage: tuple[str, int] | None = None  # (stage, article index) of the first task
        self.deadline: float | None = None
        self.heard = False  # whether it ever sent a message (a worker that dies before that never coded)

    def _feed(self) -> None:
        "The feeder thread: write queued chunks to the worker, in order; None (stop) is the last."
        while (items := self._outbox.get()) is not _QUIT:
            try:
                self._tasks.send(items)
            except (BrokenPipeError, OSError):  # the worker was killed
                return
            if items is None:
                return

    def send(self, task: _Task) -> None:
        "Queue a task on this worker (never blocks)."
        self.queue.append(task)
        self._outbox.put(task.items)

    def stop(self, *, kill: bool = False) -> None:
        "End the process: politely (after the chunks already sent), or at once."
        if kill:
            self.process.kill()
        self._outbox.put(_QUIT if kill else None)
        self.process.join(timeout=None if kill else 10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self._feeder.join(timeout=5)
        self._tasks.close()
        self.conn.close()


class _Pool:
    """Worker processes with a watchdog: a stuck document costs itself, never the run."""

    def __init__(self, settings: Settings, *, size: int, loader: Callable[[Settings], Coder] | None = None):
        self.settings = settings
        self.loader = loader or load_coder  # a module-level function: it travels to the workers by name
        self.ctx = mp.get_context("spawn")
        self.workers = [_Worker(self.ctx, settings, self.loader) for _ in range(size)]

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.stop(kill=exc[0] is not None)

    def restart(self) -> None:
        "Kill every worker and start fresh ones (tasks in flight are dropped)."
        for i, worker in enumerate(self.workers):
            worker.stop(kill=True)
            self.workers[i] = _Worker(self.ctx, self.settings, self.loader)

    def code(self, chunks: Iterator[list]) -> Iterator[Coded | Rejected]:
        """The outcomes of every chunk, in order, keeping at most ``_IN_FLIGHT`` tasks per worker."""
        pending: collections.deque[_Task] = collections.deque()
        for chunk in chunks:
            task = _Task(chunk)
            pending.append(task)
            self._least_busy().send(task)
            while len(pending) >= len(self.workers) * _IN_FLIGHT:
                yield from self._drain(pending)
        while pending:
            yield from self._drain(pending)

    def _least_busy(self) -> _Worker:
        "The worker with the fewest queued tasks."
        return min(self.workers, key=lambda w: len(w.queue))

    def _drain(self, pending: collections.deque[_Task]) -> Iterator[Coded | Rejected]:
        "Wait for messages until the oldest task is done; yield the done tasks at the head, in order."
        while not pending[0].done():
            self._step()
        while pending and pending[0].done():
            task = pending.popleft()
            for item, outcome in zip(task.items, task.results(), strict=True):
                yield outcome if isinstance(outcome, Rejected) else Coded(item, outcome)

    def _step(self) -> None:
        "Handle one round of worker messages, or the expiry of the earliest deadline."
        now = time.monotonic()
        deadlines = [w.deadline for w in self.workers if w.deadline is not None]
        timeout = max(0.0, min(deadlines) - now) if deadlines else None
        ready = wait([w.conn for w in self.workers if w.queue], timeout=timeout)
        for worker in [w for w in self.workers if w.conn in ready]:
            try:
                self._receive(worker, worker.conn.recv())
            except (EOFError, OSError):
                if not worker.heard:  # it died loading the coder: every article would die the same way
                    worker.process.join(timeout=5)
                    raise ConfigError(f"a worker process died before it could code (exit code "
                                      f"{worker.process.exitcode}): out of memory, or a broken install") from None
                self._replace(worker, reason="internal: worker died")
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.deadline is not None and worker.deadline <= now:
                self._replace(worker, reason="timeout")

    def _receive(self, worker: _Worker, message: tuple) -> None:
        "A stage started, a task finished, or the worker could not code at all."
        worker.heard = True
        kind = message[0]
        if kind == "stage":
            _, stage, index, weight = message
            worker.stage = (stage, index)
            worker.deadline = time.monotonic() + self.settings.document_timeout * max(1, weight)
        elif kind == "done":
            task = worker.queue.popleft()
            task.outcomes = message[1]
            worker.stage = worker.deadline = None
        else:  # "error": the worker cannot code (a missing model): the run cannot go on
            raise message[1]

    def _replace(self, worker: _Worker, *, reason: str) -> None:
        "Kill a stuck or dead worker, start a fresh one, and send its tasks again without the culprit."
        stage, queue = worker.stage, list(worker.queue)
        worker.stop(kill=True)
        fresh = _Worker(self.ctx, self.settings, self.loader)
        self.workers[self.workers.index(worker)] = fresh
        if not queue:
            return
        first, rest = queue[0], queue[1:]
        if stage is not None and stage[0] != "parse":
            item = first.items[stage[1]]
            logger.warning("%s: %s while %s; rejected", getattr(item, "id", "?"), reason,
                           "cleaning" if stage[0] == "clean" else "coding")
            first.items = list(first.items)
            first.items[stage[1]] = Rejected(item.id, reason, item.origin)
            fresh.send(first)
        elif len(first.items) == 1:
            item = first.items[0]
            logger.warning("%s: %s while parsing; rejected", getattr(item, "id", "?"), reason)
            first.outcomes = [item if isinstance(item, Rejected) else Rejected(item.id, reason, item.origin)]
        else:
            logger.warning("a chunk of %d articles stalled (%s) while parsing: coding them one by one",
                           len(first.items), reason)
            first.parts = [_Task([item]) for item in first.items]
            for part in first.parts:
                fresh.send(part)
        for task in rest:
            fresh.send(task)


class CoderProcesses:
    """Worker processes kept between runs (the service's watcher): each loads the coder once.

    ``code`` is used by one thread at a time. A run left before its end (its consumer failed) has
    chunks in flight whose answers would reach the next run: the workers are then replaced."""

    def __init__(self, settings: Settings, *, size: int = 1, loader: Callable[[Settings], Coder] | None = None):
        self._pool = _Pool(settings, size=size, loader=loader)

    def __enter__(self) -> CoderProcesses:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def code(self, items: Iterable[Article | Rejected]) -> Iterator[Coded | Rejected]:
        "The outcomes of ``items``, in order (small inputs too: the workers are already loaded)."
        finished = False
        try:
            yield from self._pool.code(chunked(iter(items), _CHUNK))
            finished = True
        finally:
            if not finished:
                self._pool.restart()

    def close(self) -> None:
        "Stop the workers (after the chunks already sent)."
        self._pool.__exit__(None, None, None)


def _serve(tasks, conn, settings: Settings, loader: Callable[[Settings], Coder]) -> None:
    "A worker process: load the coder, then code each chunk received, reporting every stage it starts."
    coder, error = None, None
    try:
        coder = loader(settings)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, which stops the run with it
        error = exc

    def report(stage: str, index: int, weight: int = 1) -> None:
        conn.send(("stage", stage, index, weight))

    while (items := tasks.recv()) is not None:
        if error is not None:
            conn.send(("error", error))
            continue
        outcomes = coder.code_stream(items, on_stage=report)
        conn.send(("done", [o if isinstance(o, Rejected) else o.documents for o in outcomes]))


def chunked(items: Iterator, size: int) -> Iterator[list]:
    "Lists of up to ``size`` items."
    while chunk := list(itertools.islice(items, size)):
        yield chunk


def load_coder(settings: Settings) -> Coder:
    """``Coder.load``, imported when a process codes (importing ``pool`` does not import spaCy)."""
    from .pipeline import Coder

    return Coder.load(settings)


def load_background_coder(settings: Settings) -> Coder:
    """``load_coder`` in a process that yields the CPU to others (nice 10): a service's ingest is
    background work, its API answers people."""
    try:
        os.nice(10)
    except OSError:  # not permitted here: code at the normal priority
        logger.debug("could not lower the coder process's priority")
    return load_coder(settings)


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




