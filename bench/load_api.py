"""Bounded load test of the read API on loopback, alone and while documents are ingested.

    .venv/bin/python bench/load_api.py [--clients 16] [--requests 3000] [--samples samples/]

Builds a temporary store from the samples, starts `eventwire serve` on 127.0.0.1 (a free
port, a subprocess), then runs two phases with the same read mix (/events?limit=50,
/events/{id}, /stats) from N concurrent httpx clients for a fixed number of requests:

1. reads alone (the baseline, measured in the same run);
2. the same reads while one writer POSTs the samples again under new ids, one document per
   request, to POST /documents (DuckDB allows one writer process, so ingest runs inside the
   server, as a deployment would).

Prints requests/s and p50/p99 latency per phase, their ratio, and the ingest rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
READ_MIX = (("events", 0.4), ("event", 0.4), ("stats", 0.2))  # a dashboard user's share of calls
# "event" reads ids listed before the loaded phase: a 404 there means ingest re-clustered that event
# under a new id (an event's id is the smallest id among its mentions).


def build_store(samples: Path, db_path: str) -> list[dict]:
    "Code the samples into a store; return them as POST /documents bodies."
    from eventwire.config import Settings
    from eventwire.text.reading import read_inputs
    from eventwire.run.pipeline import Coder, split_outcomes
    from eventwire.records import Article
    from eventwire.store import Store

    settings = Settings.load()
    coder = Coder.load(settings)
    items = list(read_inputs([samples], settings=settings))
    articles, rejected, events = split_outcomes(coder.code_stream(items))
    with Store.open(db_path) as store:
        store.write_batch(articles, rejected, events)
    return [{"id": a.id, "text": a.text, "title": a.title,
             "published": a.published.isoformat() if a.published else None}
            for a in items if isinstance(a, Article) and a.text]


def free_port() -> int:
    "A free TCP port on loopback."
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: str, port: int, token: str) -> subprocess.Popen:
    "`eventwire serve` in a subprocess, once /health answers."
    env = {**os.environ, "EVENTWIRE_API_TOKEN": token}
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db_path,
                             "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode()[-2000:]}")


async def read_load(base: str, *, clients: int, requests: int, event_ids: list[str], seed: int) -> dict:
    "Fixed number of reads from ``clients`` concurrent clients; latencies in ms."
    rng = random.Random(seed)
    kinds = rng.choices([k for k, _ in READ_MIX], [w for _, w in READ_MIX], k=requests)
    paths = [("/events?limit=50" if k == "events" else f"/events/{rng.choice(event_ids)}" if k == "event"
              else "/stats") for k in kinds]
    queue: asyncio.Queue = asyncio.Queue()
    for kind, path in zip(kinds, paths):
        queue.put_nowait((kind, path))
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            kind, path = queue.get_nowait()
            t0 = time.perf_counter()
            response = await client.get(path)
            ms = (time.perf_counter() - t0) * 1000
            latencies.append(ms)
            by_kind.setdefault(kind, []).append(ms)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        start = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(clients)))
        wall = time.perf_counter() - start
    latencies.sort()
    return {"requests": len(latencies), "statuses": statuses, "wall_s": wall, "rps": len(latencies) / wall,
            "p50_ms": statistics.median(latencies), "p99_ms": _p99(latencies),
            "kinds": {k: (statistics.median(v), _p99(sorted(v))) for k, v in sorted(by_kind.items())}}


def _p99(values: list[float]) -> float:
    "The 99th percentile of sorted values (nearest rank)."
    return values[int(0.99 * (len(values) - 1))]


async def ingest_until(base: str, token: str, docs: list[dict], stop: asyncio.Event) -> dict:
    "POST the documents one at a time under fresh ids until ``stop``; count what was stored."
    posted = mentions = 0
    start = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base, timeout=120, headers=headers) as client:
        round_ = 0
        while not stop.is_set():
            for doc in docs:
                if stop.is_set():
                    break
                body = {k: v for k, v in {**doc, "id": f"{doc['id']}~load{round_}"}.items() if v is not None}
                response = await client.post("/documents", json=body)
                response.raise_for_status()
                posted += 1
                mentions += response.json()["mentions"]
            round_ += 1
    wall = time.perf_counter() - start
    return {"documents": posted, "mentions": mentions, "docs_per_s": posted / wall if wall else 0.0}


async def loaded_phase(base: str, token: str, docs: list[dict], **read_args) -> tuple[dict, dict]:
    "Reads while the writer ingests; the writer stops when the reads are done."
    stop = asyncio.Event()
    writer = asyncio.create_task(ingest_until(base, token, docs, stop))
    await asyncio.sleep(1.0)  # the first POST loads the spaCy model: measure reads once ingest is running
    reads = await read_load(base, **read_args)
    stop.set()
    return reads, await writer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--samples", type=Path, default=REPO / "samples")
    args = parser.parse_args()

    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "load.duckdb")
        docs = build_store(args.samples, db_path)
        port = free_port()
        server = start_server(db_path, port, token)
        base = f"http://127.0.0.1:{port}"
        try:
            event_ids = [e["event_id"] for e in httpx.get(f"{base}/events", params={"limit": 1000}).json()["events"]]
            # warm the coder so that the loaded phase measures ingest, not model loading
            httpx.post(f"{base}/documents", json={"id": "warmup", "text": "Israel struck Hamas in Gaza."},
                       headers={"Authorization": f"Bearer {token}"}, timeout=120).raise_for_status()
            read_args = dict(clients=args.clients, requests=args.requests, event_ids=event_ids, seed=7)
            alone = asyncio.run(read_load(base, **read_args))
            loaded, ingest = asyncio.run(loaded_phase(base, token, docs, **read_args))
        finally:
            server.terminate()
            server.wait(10)

    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.platform()}")
    print(f"store: {len(event_ids)} events from {args.samples}; {args.clients} clients, {args.requests} requests "
          f"per phase; mix {dict(READ_MIX)}")
    for name, r in (("reads alone", alone), ("reads + ingest", loaded)):
        print(f"{name:15s} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
              f"statuses {r['statuses']}")
        print("    " + "  ".join(f"{k}: p50 {a:.1f} / p99 {b:.1f} ms" for k, (a, b) in r["kinds"].items()))
    print(f"ratio (loaded / alone): throughput {loaded['rps'] / alone['rps']:.2f}, "
          f"p99 {loaded['p99_ms'] / alone['p99_ms']:.2f}")
    print(f"ingest during the loaded phase: {ingest['documents']} documents, {ingest['mentions']} mentions, "
          f"{ingest['docs_per_s']:.1f} docs/s")


if __name__ == "__main__":
    main()
