"""The store's write count and the reads it keeps (store/generation.py, Store.remember)."""

from __future__ import annotations

import threading

from eventwire.store import Store
from eventwire.store.generation import Writes


def test_remember_keeps_a_read_until_a_write():
    writes, calls = Writes(), []
    read = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert writes.remember("k", read) == 1
    assert writes.remember("k", read) == 1 and len(calls) == 1
    with writes.writing():
        pass
    assert writes.generation == 1
    assert writes.remember("k", read) == 2


def test_a_write_during_a_read_is_not_hidden_by_it():
    "A read that a write overtakes is returned once but never kept: the next call reads again."
    writes, calls = Writes(), []

    def read():
        calls.append(1)
        if len(calls) == 1:
            writes.moved()  # a commit lands while the first read runs
        return len(calls)

    assert writes.remember("k", read) == 1
    assert writes.remember("k", read) == 2
    assert writes.remember("k", read) == 2


def test_writing_moves_on_even_when_the_write_fails_and_keeps_few_keys():
    writes = Writes(size=2)
    try:
        with writes.writing():
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    assert writes.generation == 1 and not writes.lock.locked()
    for key in "abc":
        writes.remember(key, lambda: key)
    assert len(writes._kept) == 2


def test_store_sessions_share_the_count(tmp_path):
    with Store.open(str(tmp_path / "g.duckdb")) as store:
        session = store.session()
        before = session._writes.generation
        seen = session.remember(("stats",), session.stats)
        assert seen["tables"]["runs"] == 0
        store.start_run(kind="ingest", coder_version="v")  # a write through another handle
        assert session._writes.generation > before
        assert session.remember(("stats",), session.stats)["tables"]["runs"] == 1
        session.close()


def test_reads_of_a_read_only_store_are_never_kept(tmp_path):
    path = str(tmp_path / "r.duckdb")
    Store.open(path).close()
    calls = []
    with Store.open(path, read_only=True) as store:
        store._writes = None  # as a Queryable without a writer
        store.remember("k", lambda: calls.append(1))
        store.remember("k", lambda: calls.append(1))
    assert len(calls) == 2


def test_concurrent_readers_and_a_writer_agree_on_the_last_value():
    writes, value = Writes(), [0]
    stop = threading.Event()

    def writer():
        for _ in range(200):
            with writes.writing():
                value[0] += 1
        stop.set()

    t = threading.Thread(target=writer)
    t.start()
    while not stop.is_set():
        writes.remember("v", lambda: value[0])
    t.join()
    assert writes.remember("v", lambda: value[0]) == 200
