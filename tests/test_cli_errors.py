"""Every command answers a broken environment with one line and a documented exit code, as a user sees it.

The commands run as real processes (``python -m eventwire``), so what is checked is what a terminal
shows: no traceback unless ``-vv``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eventwire.cli import EXIT_CONFIG, EXIT_STORE, EXIT_USAGE

MISSING = "no_such_spacy_model_xyz"


def _run(*args: str, model: str | None = MISSING, cwd=None) -> subprocess.CompletedProcess:
    "``eventwire ARGS`` in a fresh process, with a spaCy model that is not installed."
    env = dict(os.environ)
    if model:
        env["EVENTWIRE_SPACY_MODEL"] = model
    return subprocess.run([sys.executable, "-m", "eventwire", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


@pytest.fixture()
def one_doc(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps({"id": "d1", "text": "Police arrested protesters in Nairobi on Friday."}) + "\n")
    return path


def _one_line_error(result: subprocess.CompletedProcess, code: int) -> str:
    "The error line, checked: the exit code, one line, no traceback."
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["code"], ["places"], ["ingest", "--workers", "1"]])
def test_cli_missing_model_is_one_line(command, one_doc, tmp_path):
    extra = ["--db", str(tmp_path / "x.duckdb")] if command[0] == "ingest" else []
    line = _one_line_error(_run(*command, str(one_doc), *extra), EXIT_CONFIG)
    assert MISSING in line and "pip install" in line


def test_cli_missing_model_in_pool_workers_is_one_line(tmp_path):
    "With --workers 2 the model loads in the workers: their failure still ends the command with one line."
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Police arrested {i} protesters in Nairobi."}) + "\n"
                            for i in range(40)))
    line = _one_line_error(_run("code", str(path), "--workers", "2"), EXIT_CONFIG)
    assert MISSING in line


def test_cli_missing_model_eval_is_one_line(tmp_path):
    line = _one_line_error(_run("eval", "--shared", str(tmp_path)), EXIT_CONFIG)
    assert MISSING in line


def test_cli_traceback_only_with_vv(one_doc):
    result = _run("-vv", "code", str(one_doc))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_cli_usage_errors_exit_2_without_traceback(tmp_path):
    _one_line_error(_run("code", str(tmp_path / "missing.jsonl"), model=None), EXIT_USAGE)
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    _one_line_error(_run("--config", str(bad), "summary", "--db", str(tmp_path / "s.duckdb"), model=None),
                    EXIT_USAGE)


def test_cli_store_that_is_not_duckdb_exits_4(tmp_path):
    fake = tmp_path / "not-a-store.duckdb"
    fake.write_text("plain text, not a DuckDB file\n" * 100)
    line = _one_line_error(_run("summary", "--db", str(fake), model=None), EXIT_STORE)
    assert str(fake) in line
