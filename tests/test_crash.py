"""Crash safety: `eventwire ingest` killed with SIGKILL at random points, then run again,
leaves the store a clean run leaves (same rows, same event ids).

A real subprocess is killed: some kills land while the model loads, the others right
after a seeded number of batches were committed, in the middle of the next one.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
SEED = 20240801
N_DOCS = 60
STORE_BATCH = 6  # ten transactions for sixty documents: many places to die in

# (table, columns left out: times and run bookkeeping differ between runs by design)
_TABLES = [
    ("documents", ["ingested_at"]),
    ("rejected", ["first_seen"]),
    ("mentions", []),
    ("events", []),
    ("actors", []),
    ("inputs", []),
]

_PARTIES = ["Israel", "Hamas", "Russia", "Ukraine", "the United States", "Iran", "China", "Taiwan",
            "Egypt", "Qatar", "Turkey", "Syria"]
_VERBS = ["attacked", "criticized", "met with", "threatened", "praised", "accused", "sanctioned",
          "shelled", "condemned", "urged"]
_PLACES = ["in Gaza", "in Kyiv", "in Cairo", "in Doha", "", ""]


def _write_documents(path: Path) -> None:
    "Sixty short synthetic reports (some sharing events across documents), one empty."
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as out:
        for i in range(N_DOCS):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                a, b = rng.sample(_PARTIES, 2)
                sentence = f"{a} {rng.choice(_VERBS)} {b} {rng.choice(_PLACES)} on Monday."
                sentences.append(sentence[0].upper() + sentence[1:].replace("  ", " "))
            text = " ".join(sentences) + "\n\nOfficials said talks would continue."
            if i == 17:
                text = "   "  # rejected: empty
            record = {"id": f"doc{i:03d}", "text": text, "published": f"2024-0{1 + i % 3}-1{i % 4}",
                      "source": f"outlet{i % 5}", "url": f"https://example.org/{i}"}
            out.write(json.dumps(record) + "\n")


def _command(inputs: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "eventwire", "-vv", "ingest", str(inputs), "--db", str(db),
            "--workers", "1", "--store-batch", str(STORE_BATCH)]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def _snapshot(db: Path) -> dict[str, list[tuple]]:
    "Every row of every compared table, sorted."
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {table: sorted(con.execute(f"SELECT * EXCLUDE ({', '.join(skip)}) FROM {table}"
                                          if skip else f"SELECT * FROM {table}").fetchall(), key=repr)
                for table, skip in _TABLES}
    finally:
        con.close()


def _stored_count(db: Path) -> int:
    "Documents stored so far (0 when the file is not there yet)."
    if not db.exists():
        return 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()


def _kill_after(cmd: list[str], *, delay: float | None, batches: int | None, extra: float) -> None:
    """Start an ingest and SIGKILL it ``delay`` seconds after start, or ``extra`` seconds after
    its ``batches``-th committed batch."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(),
                            cwd=REPO, text=True)
    committed = threading.Event()

    def watch() -> None:
        seen = 0
        for line in proc.stderr:
            if "stored " in line and " mentions" in line:
                seen += 1
                if batches is not None and seen >= batches:
                    committed.set()
        committed.set()  # the process ended

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    if delay is not None:
        time.sleep(delay)
    else:
        committed.wait(timeout=60)
        time.sleep(extra)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    watcher.join(timeout=5)


def test_crash_ingest_killed_at_random_points_reruns_to_the_clean_store(tmp_path):
    inputs = tmp_path / "docs.jsonl"
    _write_documents(inputs)
    clean_db, crash_db = tmp_path / "clean.duckdb", tmp_path / "crash.duckdb"

    started = time.monotonic()
    done = subprocess.run(_command(inputs, clean_db), env=_env(), cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    clean_seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    clean = _snapshot(clean_db)
    assert len(clean["documents"]) == N_DOCS - 1 and clean["rejected"], "one document is empty"
    assert len(clean["events"]) > 20

    rng = random.Random(SEED)
    partial = []
    kills = [{"delay": rng.uniform(0.1, 0.8) * clean_seconds, "batches": None, "extra": 0.0}]
    kills += [{"delay": None, "batches": rng.randint(1, 3), "extra": rng.uniform(0.0, 0.4)} for _ in range(3)]
    for kill in kills:
        _kill_after(_command(inputs, crash_db), **kill)
        partial.append(_stored_count(crash_db))
    assert any(0 < n < N_DOCS - 1 for n in partial), f"no kill left a partial store: {partial}"

    rerun = subprocess.run(_command(inputs, crash_db), env=_env(), cwd=REPO, capture_output=True,
                           text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "unchanged inputs skipped" in rerun.stderr, "the rerun must not re-code stored inputs"
    assert _snapshot(crash_db) == clean
