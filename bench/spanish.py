"""Spanish throughput against bare parsing by the Spanish model, in the same run.

    python bench/spanish.py [--repeat 3] [--shared ../shared]

Takes the texts of ../shared/gold/dev/spanish_petrarch_dev.jsonl, then, in one process and
interleaved round by round (this shared machine's speed drifts): (a) ``nlp.pipe`` of the Spanish
model over the texts, (b) eventwire coding of the same texts as ``eventwire code`` does it
(``Coder.code_stream``: cleaning, detection, batched parsing, the UD coder, dates, places). Prints
texts/s of each, the ratio b/a of each round and of the fastest, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings
from pathlib import Path


def main(argv: list[str]) -> int:
    "Run the rounds and print the figures."
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    args = parser.parse_args(argv)
    path = Path(args.shared) / "gold" / "dev" / "spanish_petrarch_dev.jsonl"
    if not path.is_file():
        print(f"no {path}: nothing to measure", file=sys.stderr)
        return 2
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    from eventwire.config import Settings
    from eventwire.records import Article, Coded
    from eventwire.run.pipeline import Coder

    coder = Coder.load(Settings.load())
    articles = [Article(id=f"es-{n}", text=text) for n, text in enumerate(texts)]
    nlp = coder.kit("es").nlp
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        list(nlp.pipe(texts[:20]))
    coder.code_text(texts[0], language="es")
    bare, coded = [], []
    for n in range(args.repeat):
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        events = sum(len(found) for outcome in coder.code_stream(articles) if isinstance(outcome, Coded)
                     for _, found in outcome.documents)
        coded.append(time.perf_counter() - start)
        print(f"round {n + 1}: bare {len(texts) / bare[-1]:.1f} texts/s, eventwire {len(texts) / coded[-1]:.1f} "
              f"texts/s ({events} events), b/a {bare[-1] / coded[-1]:.2f}")
    print(f"fastest: bare {len(texts) / min(bare):.1f} texts/s, eventwire {len(texts) / min(coded):.1f} texts/s, "
          f"b/a {min(bare) / min(coded):.2f}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
