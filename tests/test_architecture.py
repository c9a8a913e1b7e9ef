"""The house by layer, measured: imports run one way, no circle, no giant, SQL only in the store.

Layers, from the bottom (a module imports only its own layer and those below it):

    records, errors, config          frozen records, the error tree, Settings
    text                             reading, decoding, HTML, cleaning, language, near-duplicates
    coding                           nlp, actors, lexicon, events/, dates, geo/, ontology, parties
    store                            schema, clustering, queries (all SQL), exports, the pandas front
    run, serve, evaluation           the pipeline (the only runner), pool, Ray; the API; eval
    cli, __init__, __main__          the edges
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "eventwire"
BASE = {"records", "errors", "config"}
ALLOWED = {  # layer -> the layers it may import
    "base": {"base"},
    "text": {"base", "text"},
    "coding": {"base", "text", "coding"},
    "store": {"base", "store"},
    "run": {"base", "text", "coding", "store", "run"},
    "serve": {"base", "store", "serve"},
    "evaluation": {"base", "text", "coding", "run", "evaluation"},
    "edge": {"base", "text", "coding", "store", "run", "serve", "evaluation", "edge"},
}
MAX_CLASS_LINES = 400
MAX_FUNCTION_LINES = 100
_SQL = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+TABLE)\b",
                  re.IGNORECASE | re.DOTALL)


def _modules() -> dict[str, Path]:
    "Dotted module name (without 'eventwire.') -> file."
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts) or "__init__"] = path
    return out


def _layer(module: str) -> str:
    "The layer of a dotted module name."
    head = module.split(".")[0]
    if head in BASE:
        return "base"
    if head in ALLOWED:
        return head
    return "edge"


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    "The eventwire modules a module imports, lazily or not (TYPE_CHECKING imports included)."
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if module == "__init__":
        package = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "eventwire":
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:  # "from . import dates" names a module
                candidate = ".".join([*target, alias.name])
                found.add(candidate if candidate in known else ".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("eventwire."):
                    found.add(alias.name.removeprefix("eventwire."))
    return {m or "__init__" for m in found if (m or "__init__") in known} - {module}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_architecture_layers_import_downwards(graph):
    wrong = sorted(f"{m} -> {t}" for m, targets in graph.items() for t in targets
                   if _layer(t) not in ALLOWED[_layer(m)])
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_architecture_no_import_circle(graph):
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt.startswith(f"{node}.") or node.startswith(f"{nxt}."):
                continue  # a package and its own modules
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles, "import circles:\n" + "\n".join(cycles)


def test_architecture_no_giant_class_or_function():
    giants = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            limit = (MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None)
            if limit and node.end_lineno - node.lineno + 1 > limit:
                giants.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name} "
                              f"({node.end_lineno - node.lineno + 1} lines, limit {limit})")
    assert not giants, "\n".join(giants)


def test_architecture_sql_only_in_the_store():
    outside = []
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] == "store":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and _SQL.search(node.value)):
                outside.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:60]!r}")
    assert not outside, "SQL outside store/:\n" + "\n".join(outside)


def test_architecture_checker_sees_a_circle_and_a_wrong_way_import(tmp_path):
    "The checks above can fail: a tiny tree with a circle and an upward import is caught."
    (tmp_path / "a.py").write_text("from . import b\n")
    (tmp_path / "b.py").write_text("from .a import x\n")
    known = {"a", "b"}
    g = {"a": _imports("a", tmp_path / "a.py", known), "b": _imports("b", tmp_path / "b.py", known)}
    assert g == {"a": {"b"}, "b": {"a"}}
    assert _layer("text.clean") == "text" and "store" not in ALLOWED["text"]
