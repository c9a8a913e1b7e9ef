"""The store's writes, counted: one lock for the writer, a number that moves at each committed
write, and reads remembered until it moves.

INTERFACE:

    writes = Writes()                      # shared by a Store and every session() of it
    with writes.writing():                 # the writer's lock; the generation moves on leaving
        ...                                # (after the commit: a reader that sees the new number sees the data)
    writes.generation -> int
    writes.remember(key, compute)          # compute()'s value, kept until the next write (at most
                                           # ``size`` keys; a key is any hashable of the read and its options)

A read remembered under generation g was computed after g was read, so it holds everything
committed up to g; a write committed meanwhile moves the number on and the next call computes
again. Nothing is ever served from before the last write whose number a caller could have seen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TypeVar

__all__ = ["Writes"]

T = TypeVar("T")


class Writes:
    """The writer's lock, the count of committed writes and the reads remembered at the current count."""

    def __init__(self, size: int = 256):
        self.lock = threading.Lock()
        self.generation = 0
        self._size = size
        self._kept: OrderedDict[Hashable, tuple[int, object]] = OrderedDict()
        self._kept_lock = threading.Lock()

    @contextmanager
    def writing(self) -> Iterator[None]:
        "Hold the writer's lock; on leaving (committed or not) the generation moves on."
        with self.lock:
            try:
                yield
            finally:
                self.moved()

    def moved(self) -> None:
        "A write was committed: the generation moves on and every kept read goes (``writing`` calls it too)."
        self.generation += 1
        with self._kept_lock:
            self._kept.clear()

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        "``compute()``, or its value from an earlier call when no write was committed since."
        generation = self.generation  # read before computing: a write during compute makes it stale
        with self._kept_lock:
            kept = self._kept.get(key)
        if kept is not None and kept[0] == generation:
            return kept[1]  # type: ignore[return-value]
        value = compute()
        with self._kept_lock:
            if generation == self.generation:
                self._kept[key] = (generation, value)
                self._kept.move_to_end(key)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return value
