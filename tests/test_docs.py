"""The README's Python API examples run, in order, against a small store built for them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

# short synthetic reports with United States -> Israel events the examples select
_DOCS = [
    ("usa-isr-1", "The United States urged Israel to accept a ceasefire in Gaza on Monday.", dt.date(2024, 8, 6)),
    ("usa-isr-2", "US Secretary of State Antony Blinken met Israeli Prime Minister Benjamin Netanyahu "
                  "in Jerusalem on Monday.", dt.date(2024, 8, 20)),
    ("usa-isr-3", "Washington asked Israel on Tuesday to allow more aid into Gaza.", dt.date(2024, 9, 4)),
    ("rus-ukr", "Russian troops shelled Kharkiv on Monday.", dt.date(2024, 5, 14)),
]


def python_blocks(section: str) -> list[str]:
    "The ```python blocks under one '## ' heading of the README."
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README has no '## {section}' section"
    return re.findall(r"^```python\n(.*?)^```", match.group(1), re.S | re.M)


def test_docs_python_api_examples_run(tmp_path, monkeypatch, settings):
    from eventwire.run.ingest import ingest_items
    from eventwire.records import Article

    blocks = python_blocks("Python API")
    assert len(blocks) >= 2, "the section shows eventwire.code and a store query"
    monkeypatch.chdir(tmp_path)
    ingest_items([Article(id=i, text=t, published=p, source="wire") for i, t, p in _DOCS],
                 db_path="eventwire.duckdb", settings=settings)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 - our own README
    if "frame" in namespace:
        assert len(namespace["frame"]) > 0, "the README's event query selects nothing from the example store"
    if "weekly" in namespace:
        assert namespace["weekly"]["events"].sum() > 0


@pytest.mark.parametrize("command", ["ingest", "recode", "export"])
def test_docs_store_commands_are_documented(command):
    assert f"eventwire {command}" in README.read_text(encoding="utf-8")
