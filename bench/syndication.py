"""Ingest cost as one story repeats: N outlets carry the same few events on one day (GDELT's everyday pattern).

    python bench/syndication.py [--sizes 400,800,1600,3200] [--workers 2] [--seed 7] [--out bench/results]

For each N, writes N short articles (one wire story rewritten per outlet: its own lead sentence,
the wire's sentences in a shuffled order, the outlet's name and URL, all dated the same day),
runs ONE `eventwire ingest --workers W` into a fresh DuckDB file, and prints the wall seconds,
documents/s, the events and mentions stored and the mentions of the largest event. The growth
exponent is the least-squares slope of log(seconds) on log(N) over all sizes, and pairwise between
neighbours: 1.0 is linear. Coding costs the same per article at every N, so what bends the curve
is the store (event clustering); issue 24 asks for at most 1.3 from N = 400 to 3,200.
Speed lives here, never in timed tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVENTWIRE = [sys.executable, "-m", "eventwire"]

WIRE = [  # the wire story every outlet carries: a handful of events, one day, one place
    "Israeli aircraft struck a school compound in Khan Younis on Tuesday, killing at least 20 people, "
    "Gaza's civil defence agency said.",
    "Hamas condemned the strike and accused Israel of targeting civilians.",
    "Egypt and Qatar urged both sides to return to ceasefire talks in Cairo.",
    "The United Nations called for an independent investigation into the attack.",
    "Protesters gathered outside the Israeli embassy in Amman to denounce the strike.",
]
LEADS = [
    "{outlet} reports: the war in Gaza took another deadly turn on Tuesday.",
    "Here is what we know, according to {outlet}'s correspondents.",
    "{outlet} has followed the story since the early hours.",
    "Readers of {outlet} asked what happened in southern Gaza.",
]


def write_story(path: Path, n: int, *, seed: int) -> None:
    "N versions of the wire story, one per outlet, as JSONL."
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as fh:
        for k in range(n):
            outlet = f"Outlet {k:05d}"
            body = WIRE[:]
            rng.shuffle(body)
            text = rng.choice(LEADS).format(outlet=outlet) + "\n\n" + "\n\n".join(body)
            fh.write(json.dumps({"id": f"outlet-{k:05d}", "text": text, "title": "Deadly strike on Gaza school",
                                 "published": "2024-08-06", "source": outlet,
                                 "url": f"https://news{k:05d}.example/2024/08/06/gaza-school-strike"}) + "\n")


def ingest(path: Path, db: Path, *, workers: int) -> float:
    "Seconds one `eventwire ingest` takes."
    start = time.perf_counter()
    subprocess.run([*EVENTWIRE, "ingest", str(path), "--db", str(db), "--workers", str(workers)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def store_counts(db: Path) -> dict:
    "Events, mentions and the mentions of the largest event in a store."
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    events, mentions = con.execute("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM mentions)").fetchone()
    largest = con.execute("SELECT coalesce(max(num_mentions), 0) FROM events").fetchone()[0]
    con.close()
    return {"events": events, "mentions": mentions, "largest_event": largest}


def slope(points: list[tuple[int, float]]) -> float:
    "Least-squares slope of log(seconds) on log(N)."
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400,800,1600,3200", help="comma-separated N")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="eventwire-syndication-") as tmp:
        for n in sizes:
            path, db = Path(tmp) / f"story-{n}.jsonl", Path(tmp) / f"store-{n}.duckdb"
            write_story(path, n, seed=args.seed)
            seconds = ingest(path, db, workers=args.workers)
            row = {"n": n, "seconds": round(seconds, 2), "docs_per_s": round(n / seconds, 1), **store_counts(db)}
            rows.append(row)
            print(f"N={n:>6}  {seconds:8.1f} s  {n / seconds:7.1f} docs/s  events {row['events']:>5}  "
                  f"mentions {row['mentions']:>6}  largest event {row['largest_event']:>6}", flush=True)
    points = [(r["n"], r["seconds"]) for r in rows]
    pairwise = [round(math.log(b[1] / a[1]) / math.log(b[0] / a[0]), 2) for a, b in zip(points, points[1:])]
    exponent = round(slope(points), 2) if len(points) > 1 else None
    print(f"growth exponent (least squares over N): {exponent}; pairwise: {pairwise}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = {"sizes": rows, "exponent": exponent, "pairwise": pairwise, "workers": args.workers,
              "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    (out / "syndication.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
