"""Main-text extraction from HTML: eventwire's clean stage beside plain trafilatura.

    .venv/bin/python bench/html_extraction.py [--shared ../shared] [--limit N] [--show-leftovers]

Corpus: ../shared/corpus/html_scrapinghub_aeb (181 pages, gold ``articleBody`` per page).
Scored as that benchmark's evaluate.py does: tokens are ``re.sub(r"\\W", " ", text).split()``,
shingles are 4 consecutive tokens (counted with multiplicity); per page tp/fp/fn are the
matched/extra/missing shingle counts normalised to sum to 1 (so long pages do not weigh more),
then summed over pages; precision = tp/(tp+fp), recall = tp/(tp+fn), F1 their harmonic mean.
Also counted: output lines that look like captions, photo credits or teaser/related-story
lines ("leftovers"), with eventwire's own line tests, on both outputs; and extraction time.

Both extractors see the same decoded page and URL. "trafilatura" is
``trafilatura.extract(html, url=url, include_comments=False, include_tables=False)``;
"eventwire" is ``clean.html_to_text`` followed by the page segmentation of ``clean_article``
(main article text only, title excluded, as the gold bodies exclude it).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import logging
import platform
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from eventwire.text import clean  # noqa: E402
from eventwire.config import Settings  # noqa: E402
from eventwire.errors import ArticleRejected  # noqa: E402
from eventwire.records import Article  # noqa: E402

_NGRAM = 4  # the benchmark's shingle size


def tokenize(text: str) -> list[str]:
    "The benchmark's tokenizer: non-word characters to spaces, then split."
    return re.sub(r"\W", " ", text).split()


def shingles(text: str, n: int = _NGRAM) -> collections.Counter:
    "Counts of n-token shingles."
    tokens = tokenize(text)
    return collections.Counter(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def score_page(gold: str, pred: str) -> tuple[float, float, float]:
    "Normalised (tp, fp, fn) of one page."
    g, p = shingles(gold), shingles(pred)
    tp = fp = fn = 0.0
    for key in g.keys() | p.keys():
        tc, pc = g.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(scores: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    "Precision, recall and F1 over pages."
    tp = sum(s[0] for s in scores)
    fp = sum(s[1] for s in scores)
    fn = sum(s[2] for s in scores)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def leftover_lines(text: str, gold: str) -> list[str]:
    "Output lines that look like a caption, credit or teaser/marker and are not in the gold text."
    gold_key = " ".join(tokenize(gold))
    found = []
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        looks = (clean.is_credit_line(line) or clean.is_caption_line(line) or clean.is_marker_line(line)
                 or clean.is_junk_line(line))
        if looks and " ".join(tokenize(line)) not in gold_key:
            found.append(line)
    return found


def extract_trafilatura(html: str, url: str) -> str:
    "Plain trafilatura."
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, include_tables=False) or ""


def extract_eventwire(html: str, url: str, settings: Settings) -> str:
    "eventwire's clean stage: the main article's text."
    try:
        docs = clean.clean_article(Article(id="page", text="", html=html, url=url), settings=settings)
    except ArticleRejected:
        # Non-English pages are rejected by clean; score their extracted text without the language gate.
        return clean.extract_main_text(html, url=url, settings=settings)
    return docs[0].text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--show-leftovers", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    base = Path(args.shared) / "corpus" / "html_scrapinghub_aeb"
    gold = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(gold)[: args.limit or None]
    settings = Settings.load()
    results = {"trafilatura": [], "eventwire": []}
    leftovers = {"trafilatura": 0, "eventwire": 0}
    seconds = {"trafilatura": 0.0, "eventwire": 0.0}
    for doc_id in ids:
        html = gzip.open(base / "html" / f"{doc_id}.html.gz", "rb").read().decode("utf-8", errors="replace")
        url, body = gold[doc_id]["url"], gold[doc_id]["articleBody"]
        for name, run in (("trafilatura", lambda: extract_trafilatura(html, url)),
                          ("eventwire", lambda: extract_eventwire(html, url, settings))):
            start = time.perf_counter()
            text = run()
            seconds[name] += time.perf_counter() - start
            results[name].append(score_page(body, text))
            lines = leftover_lines(text, body)
            leftovers[name] += len(lines)
            if args.show_leftovers and lines:
                for line in lines:
                    print(f"  [{name}] {doc_id[:8]} {line[:110]}")
    print(f"pages: {len(ids)}   machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"{'extractor':<12} {'precision':>9} {'recall':>7} {'F1':>7} {'leftovers':>9} {'s/page':>7}")
    for name in ("trafilatura", "eventwire"):
        p, r, f = prf(results[name])
        print(f"{name:<12} {p:9.4f} {r:7.4f} {f:7.4f} {leftovers[name]:9d} {seconds[name] / len(ids):7.4f}")


if __name__ == "__main__":
    main()
