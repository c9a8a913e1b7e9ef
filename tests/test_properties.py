"""Hostile input, generated: nothing crashes, and every document is coded or rejected.

Three properties, bounded so the file runs in well under a minute:
- reader: random files (bytes, unicode in several encodings, huge lines, broken JSON lines,
  HTML fragments) -> ``read_inputs`` yields one item per file (per non-blank line for JSONL);
- code: the same documents through ``Coder.code_stream`` -> one outcome per input item;
- ingest: ``eventwire ingest`` into a temporary DuckDB -> every input document id is in
  ``documents`` (as the main article) or in ``rejected``.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from eventwire.text.reading import read_inputs
from eventwire.run.pipeline import Coded
from eventwire.records import Article, Rejected

SENTENCES = ["Russian troops shelled Kharkiv on Monday.", "Police arrested twelve protesters in Lagos.",
             "The UN urged both sides to return to talks.", "Advertisement", "Read more", "Photo by AP"]
ENCODINGS = ["utf-8", "utf-16", "cp1252", "latin-1", "utf-8-sig"]

english = st.lists(st.sampled_from(SENTENCES), min_size=0, max_size=6).map(" ".join)
unicode_text = st.text(min_size=0, max_size=300)
html_fragment = st.builds(lambda a, b: f"<html><body><div><p>{a}</p><p>{b}", english, unicode_text)
huge_line = st.builds(lambda word, n: " ".join([word] * n), st.sampled_from(["war", "troops", "x" * 40]),
                      st.integers(1000, 6000))


@st.composite
def text_file(draw) -> tuple[str, bytes]:
    "A .txt/.html/.htm file: random bytes, or text in a random encoding (sometimes mixed)."
    kind = draw(st.sampled_from(["bytes", "text", "html", "huge", "mixed"]))
    suffix = ".html" if kind == "html" else draw(st.sampled_from([".txt", ".htm", ".txt"]))
    if kind == "bytes":
        return suffix, draw(st.binary(max_size=2000))
    if kind == "mixed":
        a, b = draw(english), draw(unicode_text)
        return suffix, a.encode("utf-8") + b"\n\n" + b.encode("cp1252", errors="replace")
    text = {"text": draw(st.one_of(english, unicode_text)), "html": draw(html_fragment), "huge": draw(huge_line)}[kind]
    return suffix, text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")


@st.composite
def jsonl_file(draw) -> tuple[str, bytes]:
    "A .jsonl file: good records, records without text, broken JSON and random lines."
    lines = draw(st.lists(st.one_of(
        st.builds(lambda t: json.dumps({"text": t}), st.one_of(english, unicode_text)),
        st.builds(lambda t: json.dumps({"title": t}), english),
        st.builds(lambda t: json.dumps({"html": f"<p>{t}</p>"}), english),
        st.text(max_size=80).filter(lambda s: "\n" not in s and "\r" not in s),
        st.just('{"text": "unterminated'), st.just("[1, 2, 3]"), st.just("null"),
    ), min_size=0, max_size=6))
    return ".jsonl", "\n".join(lines).encode("utf-8")


input_files = st.lists(st.one_of(text_file(), jsonl_file()), min_size=1, max_size=6)


def _write(folder, files) -> list[str]:
    "Write the generated files as doc0.txt, doc1.jsonl, ...; return the paths."
    paths = []
    for n, (suffix, data) in enumerate(files):
        path = folder / f"doc{n}{suffix}"
        path.write_bytes(data)
        paths.append(str(path))
    return paths


def _expected_items(files) -> int:
    "Items read_inputs must yield: one per file, one per non-blank line of JSONL (none for an empty JSONL)."
    total = 0
    for suffix, data in files:
        if suffix == ".jsonl":
            total += sum(1 for line in data.split(b"\n") if line.strip())
        else:
            total += 1
    return total


@pytest.mark.filterwarnings("ignore")
@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=input_files)
def test_properties_reader_accounts_for_every_input(tmp_path_factory, settings, files):
    folder = tmp_path_factory.mktemp("in")
    items = list(read_inputs(_write(folder, files), settings=settings))
    assert len(items) == _expected_items(files)
    for item in items:
        assert isinstance(item, (Article, Rejected))
        if isinstance(item, Rejected):
            assert item.reason.strip()
        else:
            assert item.text.strip() or (item.html or "").strip()


@pytest.mark.filterwarnings("ignore")
@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=input_files)
def test_properties_code_codes_or_rejects_every_document(tmp_path_factory, coder, files):
    folder = tmp_path_factory.mktemp("in")
    items = list(read_inputs(_write(folder, files), settings=coder.settings))
    outcomes = list(coder.code_stream(items))
    assert len(outcomes) == len(items)
    for item, outcome in zip(items, outcomes):
        doc_id = item.id if isinstance(item, Article) else item.doc_id
        if isinstance(outcome, Coded):
            assert outcome.article.id == doc_id
            for doc, events in outcome.documents:
                for event in events:
                    section = doc.text if event.section == "text" else doc.title
                    assert section[event.sentence_start:event.sentence_end] == event.sentence
        else:
            assert isinstance(outcome, Rejected) and outcome.doc_id == doc_id and outcome.reason


@pytest.mark.filterwarnings("ignore")
@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(text_file(), min_size=1, max_size=6))
def test_properties_ingest_stores_or_rejects_every_document(tmp_path_factory, coder, files):
    from eventwire.cli import main

    folder = tmp_path_factory.mktemp("in")
    _write(folder, files)
    db = folder.parent / f"{folder.name}.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = {r[0] for r in con.execute("SELECT doc_id FROM documents WHERE parent IS NULL").fetchall()}
        rejected = {r[0] for r in con.execute("SELECT doc_id FROM rejected").fetchall()}
    finally:
        con.close()
    expected = {f"doc{n}" for n in range(len(files))}
    assert stored | rejected == expected
    assert not stored & rejected
