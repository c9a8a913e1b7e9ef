"""Hostile JSONL through one ingest: does the batch survive, and is every line accounted for?

    python bench/fuzz_ingest.py [--lines 10000] [--seed 7] [--workers 2] [--real 100] [--shared ../shared]
                                [--keep DIR] [--out bench/results]

Writes --lines seeded hostile records, with --real real news articles from
../shared/corpus/wikinews_vanatteveldt/wikinews_2019_2020.jsonl spread among them (skipped with
a message when that file is absent), runs ONE `eventwire ingest --workers W` into a fresh
DuckDB file, and prints:

- the wall seconds, the exit code, and whether stderr held a traceback;
- the rejections by reason (from the store's `rejected` table; the detail after the reason's
  first ':' is dropped, so "invalid JSON: Expecting value (column 1)" counts as "invalid JSON");
- the lines accounted for: a line is stored (its id, or a cleaned document's parent, is in
  `documents`) or rejected (its id or its file:line is in `rejected`, which also holds the lines
  the reader could not read, as `rejected FILE:LINE: invalid JSON ...` on stderr); stored +
  rejected must equal the lines;
- the real articles stored, and coded (at least one event mention from them or their teasers
  and captions).

The hostile kinds, each drawn by weight: lone surrogates, 300 KB unbroken lines (letters,
base64), 20,000-word sentences, NULs and control characters, invalid JSON (cut, garbage, invalid
UTF-8, a 5,000-digit number, nesting 100,000 deep), wrong types, huge, empty and duplicate ids,
bad URLs and dates, binary blobs, deep HTML, right-to-left and zero-width text, and many
near-identical junk lines about one dyad. A line's expected key (the id ingest gives it) is
known when it is written: the record's id, else sha1(url)[:16], else FILE:LINE.
Speed lives here, never in timed tests.
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVENTWIRE = [sys.executable, "-m", "eventwire"]
REAL = "corpus/wikinews_vanatteveldt/wikinews_2019_2020.jsonl"

WORDS = ("the minister said troops would leave the city after talks with rebels on the border "
         "police arrested protesters and the army shelled villages near the river").split()
LEAD = "Russian forces attacked Ukrainian troops near Bakhmut on Monday, the military said."

# (kind, weight): heavy kinds (300 KB, 20,000 words, deep HTML) are rare so 10,000 lines stay ~100 MB
KINDS = [
    ("surrogate", 8), ("unbroken_300kb", 1), ("base64_300kb", 1), ("sentence_20k_words", 1),
    ("controls", 8), ("invalid_json", 8), ("invalid_utf8", 3), ("json_bomb", 1), ("wrong_types", 8),
    ("huge_id", 3), ("empty_id", 3), ("duplicate_id", 5), ("bad_url", 6), ("bad_date", 6),
    ("binary_blob", 3), ("deep_html", 1), ("rtl_zero_width", 6), ("junk_dyad", 28),
]


def _sentence(rng: random.Random, n: int) -> str:
    "n random words without a full stop."
    return " ".join(rng.choice(WORDS) for _ in range(n))


def hostile(kind: str, k: int, rng: random.Random, ids: list[str]) -> tuple[str | bytes, str | None]:
    """One hostile JSONL line of a kind, and the id ingest gives it (None: its file:line)."""
    doc_id = f"h{k:06d}"
    record: dict = {"id": doc_id, "text": LEAD + " " + _sentence(rng, 12) + ".", "published": "2024-05-13"}
    if kind == "surrogate":
        record["text"] = LEAD + " Officials \udf84 confirmed \ud800 it."
        record["title"] = "Attack \udc00 near Bakhmut"
    elif kind == "unbroken_300kb":
        record["text"] = LEAD + "\n\n" + "".join(rng.choice("abcdefgh") for _ in range(300_000))
    elif kind == "base64_300kb":
        record["text"] = LEAD + ' <img src="data:image/png;base64,' + base64.b64encode(rng.randbytes(225_000)).decode() + '">'
    elif kind == "sentence_20k_words":
        record["text"] = LEAD + "\n\n" + _sentence(rng, 20_000)
    elif kind == "controls":
        record["text"] = "".join(ch + (rng.choice("\x00\x01\x07\x0b\x1b\x7f\x85") if rng.random() < 0.03 else "")
                                 for ch in LEAD + " " + _sentence(rng, 30) + ".")
    elif kind == "invalid_json":
        line = json.dumps(record)
        return rng.choice([line[: rng.randrange(1, len(line) - 1)], "{" + line, "not json at all", "{'id': 1}",
                           line.replace('":', '" ', 1)]), None
    elif kind == "invalid_utf8":  # a raw 0xFF byte: the reader decodes the line as cp1252 instead
        return json.dumps(record).replace("Monday", "Mon\udcffday").encode("utf-8", "surrogateescape"), doc_id
    elif kind == "json_bomb":
        return rng.choice(['{"id": "x", "n": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000]), None
    elif kind == "wrong_types":
        field, value = rng.choice([("text", 123), ("text", ["a", "b"]), ("title", {"a": 1}), ("published", 20240513),
                                   ("url", 5), ("id", [1, 2]), ("id", 1.5), ("source", True)])
        record[field] = value
        return json.dumps(record), None if field == "id" else doc_id
    elif kind == "huge_id":
        record["id"] = "id" * rng.randrange(300, 50_000)
        return json.dumps(record), None
    elif kind == "empty_id":
        record["id"] = rng.choice(["", "   "])
        record["url"] = f"https://news.example/{k}"
        doc_id = hashlib.sha1(record["url"].encode()).hexdigest()[:16]
    elif kind == "duplicate_id" and ids:
        record["id"] = doc_id = rng.choice(ids)
    elif kind == "bad_url":
        record["url"] = rng.choice(["javascript:alert(1)", "ftp://x.org/a", "http://", "http://exa mple.org",
                                    "https://x.org:99999/", "//x.org/a", "https://x.org/" + "a" * 5000])
    elif kind == "bad_date":
        record["published"] = rng.choice(["31/31/2024", "0000-00-00", "2999-01-01", "yesterday", "0001-01-01T00:00:00Z",
                                          "2024-13-45", "x" * 500])
    elif kind == "binary_blob":
        record["text"] = rng.randbytes(rng.randrange(200, 20_000)).decode("latin-1")
    elif kind == "deep_html":
        del record["text"]
        record["html"] = "<html><body>" + "<div>" * rng.randrange(10_000, 60_000) + LEAD + "</body></html>"
    elif kind == "rtl_zero_width":
        record["text"] = rng.choice([
            "\u202e" + LEAD + "\u202c \u200b\u200c\u200d" * 20,
            "\u0647\u0627\u062c\u0645\u062a \u0627\u0644\u0642\u0648\u0627\u062a \u0627\u0644\u0631\u0648\u0633\u064a\u0629 " * 40,
            "\u05e6\u05d4\"\u05dc \u05ea\u05e7\u05e3 " * 40 + LEAD,
            LEAD.replace(" ", "\u200b \u2060"),
        ])
    elif kind == "junk_dyad":
        record["text"] = (f"Russian forces attacked Ukrainian troops near Bakhmut on Monday, report {k % 97} said. "
                          + _sentence(rng, rng.randrange(3, 9)) + ".")
        record["url"] = f"https://outlet{k % 500}.example/2024/05/13/bakhmut-{k}"
    return json.dumps(record), doc_id


def write_input(path: Path, *, lines: int, real: list[dict], seed: int) -> tuple[list[str], collections.Counter]:
    """The input file; returns each line's expected key and the count of each kind written."""
    rng = random.Random(seed)
    names, weights = zip(*KINDS)
    slots = set(rng.sample(range(lines + len(real)), len(real)))
    keys: list[str] = []
    kinds: collections.Counter = collections.Counter()
    ids: list[str] = []
    real_rows = iter(real)
    with open(path, "wb") as fh:
        for n in range(lines + len(real)):
            if n in slots:
                row = next(real_rows)
                line, key, kind = json.dumps(row), row["id"], "real"
            else:
                kind = rng.choices(names, weights)[0]
                line, key = hostile(kind, n, rng, ids)
                if key is not None and len(ids) < 1000:
                    ids.append(key)
            kinds[kind] += 1
            fh.write((line.encode("utf-8") if isinstance(line, str) else line) + b"\n")
            keys.append(key if key is not None else f"{path}:{n + 1}")
    return keys, kinds


def ingest(path: Path, db: Path, *, workers: int) -> tuple[float, int, str]:
    "Seconds, exit code and stderr of one `eventwire ingest`."
    start = time.perf_counter()
    proc = subprocess.run([*EVENTWIRE, "ingest", str(path), "--db", str(db), "--workers", str(workers)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
    return time.perf_counter() - start, proc.returncode, proc.stderr


def account(db: Path, keys: list[str], real_ids: list[str]) -> dict:
    "Rejections by reason, lines stored or rejected, real articles stored and coded."
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    stored = {d for row in con.execute("SELECT doc_id, parent FROM documents").fetchall() for d in row if d}
    rejected = dict(con.execute("SELECT doc_id, reason FROM rejected").fetchall())
    by_reason = collections.Counter(reason.split(":")[0] for (reason,) in con.execute("SELECT reason FROM rejected").fetchall())
    coded = {parent or doc for doc, parent in con.execute(
        "SELECT DISTINCT d.doc_id, d.parent FROM mentions m JOIN documents d ON d.doc_id = m.doc_id").fetchall()}
    con.close()
    lines_stored = sum(1 for key in keys if key in stored)
    lines_rejected = sum(1 for key in keys if key not in stored and key in rejected)
    return {"rejections_by_reason": dict(by_reason.most_common()), "lines": len(keys), "lines_stored": lines_stored,
            "lines_rejected": lines_rejected, "lines_unaccounted": len(keys) - lines_stored - lines_rejected,
            "real": len(real_ids), "real_stored": sum(1 for i in real_ids if i in stored),
            "real_coded": sum(1 for i in real_ids if i in coded)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000, help="hostile lines (the real articles come on top)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--real", type=int, default=100, help="real articles mixed in")
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--keep", default=None, help="write the input and the store here instead of a temporary folder")
    parser.add_argument("--out", default=str(REPO / "bench" / "results"))
    args = parser.parse_args()
    corpus = Path(args.shared) / REAL
    if not corpus.is_file():
        print(f"skipped: {corpus} is absent (the real articles come from ../shared)")
        return
    with open(corpus, encoding="utf-8") as fh:
        real = [json.loads(line) for line in fh if line.strip()][: args.real]
    with tempfile.TemporaryDirectory(prefix="eventwire-fuzz-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path, db = folder / f"fuzz-{args.seed}-{args.lines}.jsonl", folder / f"fuzz-{args.seed}-{args.lines}.duckdb"
        db.unlink(missing_ok=True)
        keys, kinds = write_input(path, lines=args.lines, real=real, seed=args.seed)
        size = path.stat().st_size
        print(f"input: {len(keys)} lines, {size / 1e6:.1f} MB, seed {args.seed}; kinds: "
              + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), flush=True)
        seconds, code, stderr = ingest(path, db, workers=args.workers)
        counts = account(db, keys, [r["id"] for r in real]) if db.exists() else {}
    traceback = "Traceback (most recent call last)" in stderr
    result = {"seconds": round(seconds, 1), "exit_code": code, "traceback": traceback, "lines_generated": len(keys),
              "input_mb": round(size / 1e6, 1), **counts, "workers": args.workers, "seed": args.seed,
              "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    print(f"{seconds:.1f} s, exit code {code}, traceback in stderr: {'yes' if traceback else 'no'}")
    if code != 0:
        print("stderr tail:\n" + "\n".join(stderr.splitlines()[-5:]))
    if counts:
        print("rejections by reason: " + ", ".join(f"{r} {n}" for r, n in counts["rejections_by_reason"].items()))
        print(f"lines accounted for: {counts['lines_stored']} stored + {counts['lines_rejected']} rejected = "
              f"{counts['lines_stored'] + counts['lines_rejected']} of {counts['lines']} "
              f"({counts['lines_unaccounted']} unaccounted)")
        print(f"real articles: {counts['real_stored']} of {counts['real']} stored, {counts['real_coded']} coded")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fuzz_ingest.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
