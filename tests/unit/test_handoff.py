"""run/handoff.py: the spool beside a store, and pruning the answers nobody collected."""

from __future__ import annotations

import os
import time

from eventwire.records import Article
from eventwire.run.handoff import Spool


def test_handoff_prune_deletes_only_old_uncollected_answers(tmp_path):
    spool = Spool(str(tmp_path / "s.duckdb"))
    old, new = spool.submit([Article(id="a", text="x")]), spool.submit([Article(id="b", text="y")])
    for ticket in (old, new):
        spool.finish(ticket, {"documents": 1}, [])
    eight_days_ago = time.time() - 8 * 86400
    os.utime(spool.done / f"{old}.json", (eight_days_ago, eight_days_ago))
    assert spool.prune(keep_days=7) == 1
    assert sorted(p.stem for p in spool.done.glob("*.json")) == [new]
    assert spool.prune(keep_days=7) == 0
    assert spool.wait(new, alive=lambda: True, timeout=1)["counts"] == {"documents": 1}  # still collectable


def test_handoff_prune_without_a_spool_folder(tmp_path):
    assert Spool(str(tmp_path / "none.duckdb")).prune(keep_days=0) == 0
