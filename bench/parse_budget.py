"""Where parsing time goes, and how much text a candidate filter before the parser could skip.

    .venv/bin/python bench/parse_budget.py [--per-corpus 150] [--shared ../shared]

On the first --per-corpus documents of each corpus bench/run.py reads, cleaned and split into
paragraphs as the coder does:
  1. CPU seconds of each spaCy component of the coder's pipeline, run one after another over
     all paragraphs (the tokenizer included): what a filter could save by skipping a component;
  2. the share of tokens in paragraphs, and in sentences, with no possible trigger (no token whose
     lemma has a verb or noun entry in the trigger lexicon, and no speech verb), and how many of
     those tokens lie in paragraphs or sentences where the coder did find events: what a filter
     could skip, and what it would lose.
"""

from __future__ import annotations

import argparse
import collections
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

from eventwire.text.reading import read_inputs
from eventwire.coding.nlp import split_paragraphs
from eventwire.run.pipeline import Coder
from eventwire.records import Coded

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import REPO, write_sample  # noqa: E402  (the same documents as the throughput benchmark)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--per-corpus", type=int, default=150, help="documents taken from each corpus (0 = all)")
    args = parser.parse_args()
    shared = Path(args.shared)
    if not (shared / "corpus").is_dir():
        print(f"{shared}/corpus not found: the benchmark needs the shared corpus", file=sys.stderr)
        raise SystemExit(0)
    coder = Coder.load()
    with tempfile.TemporaryDirectory() as work:
        sample = Path(work) / "docs.jsonl"
        write_sample(shared, args.per_corpus, sample)
        coded = [c for c in coder.code_stream(read_inputs([str(sample)], settings=coder.settings))
                 if isinstance(c, Coded)]
    # where events were found: (document, section) -> sentence start offsets
    found: dict[tuple[str, str], set[int]] = collections.defaultdict(set)
    paragraphs = []
    for outcome in coded:
        for doc, events in outcome.documents:
            paragraphs.extend(split_paragraphs(doc))
            for event in events:
                found[(event.doc_id, event.section)].add(event.sentence_start)

    nlp = coder.nlp
    seconds: dict[str, float] = {}
    start = time.process_time()
    docs = [nlp.make_doc(p.text) for p in paragraphs]
    seconds["tokenizer"] = time.process_time() - start
    for name, component in nlp.pipeline:
        start = time.process_time()
        docs = list(component.pipe(docs, batch_size=coder.settings.batch_size))
        seconds[name] = time.process_time() - start

    lex = coder.lexicon

    def candidate(token) -> bool:
        lemma = token.lemma_.lower()
        return lex.has(lemma, "V") or lex.has(lemma, "N") or lemma in lex.classes.speech

    tokens = collections.Counter()
    for paragraph, doc in zip(paragraphs, docs):
        starts = found[(paragraph.doc_id, paragraph.section)]
        para_events = any(paragraph.start <= s < paragraph.end for s in starts)
        para_cand = any(candidate(t) for t in doc)
        tokens["all"] += len(doc)
        tokens["para_no_candidate"] += 0 if para_cand else len(doc)
        tokens["para_no_candidate_with_events"] += len(doc) if para_events and not para_cand else 0
        for sent in doc.sents:
            if not any(candidate(t) for t in sent):
                tokens["sent_no_candidate"] += len(sent)
                if paragraph.start + sent.start_char in starts:
                    tokens["sent_no_candidate_with_events"] += len(sent)

    total = sum(seconds.values())
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, spaCy model "
          f"{coder.settings.spacy_model}; {len(coded)} articles, {len(paragraphs)} paragraphs, "
          f"{tokens['all']} tokens")
    print("CPU seconds per component (one after another over all paragraphs):")
    for name, s in seconds.items():
        print(f"  {name:<16}{s:8.2f}  {s / total:6.1%}")
    print(f"  {'total':<16}{total:8.2f}")
    share = {k: v / tokens["all"] for k, v in tokens.items()}
    print(f"tokens in paragraphs with no possible trigger: {tokens['para_no_candidate']} "
          f"({share['para_no_candidate']:.1%}), of them in paragraphs with events: "
          f"{tokens['para_no_candidate_with_events']}")
    print(f"tokens in sentences with no possible trigger: {tokens['sent_no_candidate']} "
          f"({share['sent_no_candidate']:.1%}), of them in sentences with events: "
          f"{tokens['sent_no_candidate_with_events']}")
    print(json.dumps({"seconds": seconds, "tokens": dict(tokens)}))


if __name__ == "__main__":
    main()
