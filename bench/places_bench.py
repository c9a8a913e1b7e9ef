"""Place mentions per second after parsing, on the Wikinews corpus, as a ratio against bare spaCy parsing.

    .venv/bin/python bench/places_bench.py [--docs 295]

Parses every paragraph once with nlp.pipe (timed: the baseline), then runs build_context +
find_mentions over the parsed Docs (timed: geoparsing after parsing). Prints both, the
mentions/s of the second, and geoparsing time as a fraction of parsing time.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from eventwire.coding import geo
from eventwire.coding.nlp import parse_paragraphs, split_paragraphs
from eventwire.config import Settings
from eventwire.run.pipeline import Coder
from eventwire.records import Article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "wikinews_vanatteveldt" / "wikinews_2019_2020.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=295)
    parser.add_argument("--corpus", default=str(CORPUS))
    args = parser.parse_args()
    coder = Coder.load(Settings.load(None))
    with open(args.corpus, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh][: args.docs]
    paragraphs = [p for r in rows for p in split_paragraphs(Article(id=r["id"], text=r["text"]))]
    start = time.perf_counter()
    parsed = list(parse_paragraphs(coder.nlp, paragraphs, settings=coder.settings))
    parse_s = time.perf_counter() - start
    by_doc: dict[str, list] = {}
    for paragraph, doc in parsed:
        by_doc.setdefault(paragraph.doc_id, []).append((paragraph, doc))
    start = time.perf_counter()
    mentions = sum(len(geo.mention_records(doc_id, items, coder.gazetteer)) for doc_id, items in by_doc.items())
    geo_s = time.perf_counter() - start
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}, spaCy model "
          f"{coder.settings.spacy_model}")
    print(f"{len(rows)} docs, {len(paragraphs)} paragraphs: parse {parse_s:.2f} s; geoparse {geo_s:.2f} s; "
          f"{mentions} mentions = {mentions / geo_s:,.0f} mentions/s after parsing; "
          f"geoparse/parse = {geo_s / parse_s:.3f}")


if __name__ == "__main__":
    main()
