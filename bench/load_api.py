"""Bounded load test of the read API on loopback, alone and while documents are ingested.

    python bench/load_api.py [--clients 16] [--requests 3000] [--samples samples/]
    python bench/load_api.py --events 1000000 --ingest watch     # the issue's figure: 1 M events,
                                                                 # the watcher ingesting meanwhile

Builds a temporary store, starts `eventwire serve` on 127.0.0.1 (a free port, a subprocess),
then runs two phases with the same read mix (/events?limit=50, /events/{id}, /stats) from N
concurrent httpx clients for a fixed number of requests:

1. reads alone (the baseline, measured in the same run);
2. the same reads while documents are ingested inside the server (DuckDB allows one writer
   process, so ingest runs there, as a deployment's would):
   - ``--ingest watch`` (default): the server runs with ``--watch FOLDER --every 1`` and the
     bench drops the samples, under new ids, into the watched folder as a new JSONL file every
     ``--feed-every`` seconds, so the watcher codes and stores them in its own transactions
     (``store_batch`` documents each) while the reads run;
   - ``--ingest post``: one writer POSTs the samples one document per request to /documents.

The store holds the samples coded (default), or with ``--events N`` N synthetic events made by
SQL (``store_bench.load``: skewed actors, ten years of dates, one mention each; about 20 s per
million on 2 cores). The watcher's first document loads the spaCy model before phase 1, so
neither phase pays for it.

Prints requests/s and p50/p99 latency per phase (and per route), their ratio, and the ingest
rate during phase 2.
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


def sample_docs(samples: Path) -> list[dict]:
    "The samples as document records (POST /documents bodies, JSONL lines of a watched folder)."
    from eventwire.config import Settings
    from eventwire.records import Article
    from eventwire.text.reading import read_inputs

    items = read_inputs([samples], settings=Settings.load())
    return [{"id": a.id, "text": a.text, "title": a.title,
             "published": a.published.isoformat() if a.published else None}
            for a in items if isinstance(a, Article) and a.text]


def build_store(samples: Path, db_path: str) -> None:
    "Code the samples into a store."
    from eventwire.config import Settings
    from eventwire.text.reading import read_inputs
    from eventwire.run.pipeline import Coder, split_outcomes
    from eventwire.store import Store

    settings = Settings.load()
    coder = Coder.load(settings)
    articles, rejected, events = split_outcomes(coder.code_stream(read_inputs([samples], settings=settings)))
    with Store.open(db_path) as store:
        store.write_batch(articles, rejected, events)


def build_synthetic_store(db_path: str, n: int) -> float:
    "N synthetic events (and their mentions) by SQL, as bench/store_bench.py makes them; returns seconds."
    import duckdb

    from eventwire.store import Store

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from store_bench import load

    start = time.perf_counter()
    with Store.open(db_path) as store:
        con = duckdb.connect(db_path)  # the same database instance: the bench's own SQL
        load(store, con, n, contexts="[]::VARCHAR[]")  # the API's event rows hold a list
        con.close()
    return time.perf_counter() - start


def free_port() -> int:
    "A free TCP port on loopback."
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: str, port: int, token: str, *, watch: str | None = None) -> subprocess.Popen:
    "`eventwire serve` in a subprocess (watching the sources file ``watch`` every second), once /health answers."
    env = {**os.environ, "EVENTWIRE_API_TOKEN": token}
    extra = ["--watch", watch, "--every", "1"] if watch else []
    proc = subprocess.Popen([sys.executable, "-m", "eventwire", "serve", "--db", db_path,
                             "--host", "127.0.0.1", "--port", str(port), "--updates-every", "0", *extra], env=env,
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


async def read_load(*, base: str, clients: int, requests: int, event_ids: list[str], seed: int) -> dict:
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


async def feed_until(base: str, folder: Path, docs: list[dict], stop: asyncio.Event, *, every: float) -> dict:
    "Drop the documents under fresh ids into the watched folder as a new JSONL file every ``every`` s."
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        before = (await client.get("/stats")).json()["tables"]
        start = time.perf_counter()
        round_ = 0
        while not stop.is_set():
            write_batch_file(folder, docs, f"load{round_}")
            round_ += 1
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except asyncio.TimeoutError:
                pass
        wall = time.perf_counter() - start
        after = (await client.get("/stats")).json()["tables"]
    stored = after["documents"] - before["documents"]
    return {"documents": stored, "mentions": after["mentions"] - before["mentions"],
            "docs_per_s": stored / wall if wall else 0.0, "files": round_}


def write_batch_file(folder: Path, docs: list[dict], tag: str) -> None:
    "One JSONL file of the documents under ids ending in ``~tag`` (written, then renamed)."
    import json

    part = folder / f".{tag}.part"
    part.write_text("".join(json.dumps({k: v for k, v in {**d, "id": f"{d['id']}~{tag}"}.items() if v is not None})
                            + "\n" for d in docs), encoding="utf-8")
    os.replace(part, folder / f"{tag}.jsonl")


async def loaded_phase(ingest, **read_args) -> tuple[dict, dict]:
    "Reads while ``ingest(stop)`` runs; it stops when the reads are done."
    stop = asyncio.Event()
    writer = asyncio.create_task(ingest(stop))
    await asyncio.sleep(1.0)  # let ingest get going before the reads are measured
    reads = await read_load(**read_args)
    stop.set()
    return reads, await writer


def wait_stored(base: str, n: int, *, timeout: float = 300) -> None:
    "Wait until the store holds at least ``n`` documents (the watcher's first file is coded)."
    deadline = time.monotonic() + timeout
    while httpx.get(f"{base}/stats", timeout=30).json()["tables"]["documents"] < n:
        if time.monotonic() > deadline:
            raise SystemExit("the watcher stored nothing: is the coder installed?")
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--samples", type=Path, default=REPO / "samples")
    parser.add_argument("--events", type=int, default=0,
                        help="A store of N synthetic events (default: the samples, coded).")
    parser.add_argument("--ingest", choices=["watch", "post"], default="watch",
                        help="How documents arrive in phase 2: the watcher reads a folder, or POST /documents.")
    parser.add_argument("--feed-every", type=float, default=2.0,
                        help="--ingest watch: seconds between two files dropped into the watched folder.")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]  # other tenants of a shared machine show here
    token = secrets.token_hex(16)
    docs = sample_docs(args.samples)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = str(Path(tmp) / "load.duckdb")
        if args.events:
            built = f"{args.events:,} synthetic events by SQL in {build_synthetic_store(db_path, args.events):.0f} s"
        else:
            build_store(args.samples, db_path)
            built = f"the samples of {args.samples}, coded"
        folder = Path(tmp) / "incoming"
        folder.mkdir()
        sources = Path(tmp) / "sources.txt"
        sources.write_text(f"{folder}\n", encoding="utf-8")
        port = free_port()
        server = start_server(db_path, port, token, watch=str(sources) if args.ingest == "watch" else None)
        base = f"http://127.0.0.1:{port}"
        try:
            stats = httpx.get(f"{base}/stats", timeout=60).json()["tables"]
            event_ids = [e["event_id"] for e in httpx.get(f"{base}/events", params={"limit": 1000},
                                                          timeout=60).json()["events"]]
            # warm the coder so that the loaded phase measures ingest, not model loading
            if args.ingest == "watch":
                write_batch_file(folder, docs[:1], "warmup")
                wait_stored(base, stats["documents"] + 1)
                ingest = lambda stop: feed_until(base, folder, docs, stop, every=args.feed_every)  # noqa: E731
            else:
                httpx.post(f"{base}/documents", json={"id": "warmup", "text": "Israel struck Hamas in Gaza."},
                           headers={"Authorization": f"Bearer {token}"}, timeout=120).raise_for_status()
                ingest = lambda stop: ingest_until(base, token, docs, stop)  # noqa: E731
            read_args = dict(base=base, clients=args.clients, requests=args.requests, event_ids=event_ids, seed=7)
            alone = asyncio.run(read_load(**read_args))
            loaded, ingested = asyncio.run(loaded_phase(ingest, **read_args))
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {platform.platform()}, load average before the run "
          f"{load_before:.2f}, after {os.getloadavg()[0]:.2f}")
    print(f"store: {stats['events']:,} events ({built}); {args.clients} clients, {args.requests} requests "
          f"per phase; mix {dict(READ_MIX)}; ingest: {args.ingest}")
    for name, r in (("reads alone", alone), ("reads + ingest", loaded)):
        print(f"{name:15s} {r['rps']:8.1f} req/s  p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
              f"statuses {r['statuses']}")
        print("    " + "  ".join(f"{k}: p50 {a:.1f} / p99 {b:.1f} ms" for k, (a, b) in r["kinds"].items()))
    print(f"ratio (loaded / alone): throughput {loaded['rps'] / alone['rps']:.2f}, "
          f"p99 {loaded['p99_ms'] / alone['p99_ms']:.2f}")
    print(f"ingest during the loaded phase ({args.ingest}): {ingested['documents']} documents, "
          f"{ingested['mentions']} mentions, {ingested['docs_per_s']:.1f} docs/s")


if __name__ == "__main__":
    main()
