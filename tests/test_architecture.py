"""The architecture, checked from the import graph (see ARCHITECTURE.md).

Imports point one way only — web ← store ← chapter ← quizzes ← instructors ← lti, where nothing
but app.py imports lti — and no module imports itself round a cycle. Every import counts,
including those inside functions: a lazy import hides a dependency from the reader, not from
the design. Sizes keep each piece readable.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("web", "store", "chapter", "quizzes", "instructors", "lti")
FEATURES = ("chapter", "quizzes", "instructors", "lti")
MAX_FUNCTION_LINES = 60  # a function of 60 lines or more is too long
MAX_MODULE_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the packages, by dotted name; Alembic's migrations left out."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                found[module_name(path)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module ``name`` is, or lives in (``a.b.C`` → ``a.b`` for a class C)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _imported_names(module: str, path: Path) -> set[str]:
    """What ``module`` imports: ``from p import m`` names the submodule ``p.m`` when there is
    one, and ``p`` itself otherwise (a name defined in, or re-exported by, ``p``)."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[:len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                names.add(submodule if submodule in modules() else base)
    return names


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module → the modules of the packages it imports (itself excluded)."""
    known = modules()
    graph = {}
    for module, path in known.items():
        targets = {_resolve(name, known) for name in _imported_names(module, path)}
        graph[module] = frozenset(t for t in targets if t and t != module)
    return graph


def package_of(module: str) -> str:
    return module.split(".")[0]


def _cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def imports_between(source: str, targets: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {target}"
                  for module, imported in import_graph().items() if package_of(module) == source
                  for target in imported if package_of(target) in targets)


def test_the_graph_sees_every_package_and_real_imports():
    graph = import_graph()
    assert {package_of(m) for m in graph} == set(PACKAGES)
    assert "web.errors" in graph["chapter.figures.params"]  # a known import, found


def test_no_module_imports_itself_round_a_cycle():
    assert _cycles(import_graph()) == []


def test_web_imports_no_feature_package():
    assert imports_between("web", FEATURES) == []


def test_the_store_imports_no_feature_package():
    assert imports_between("store", FEATURES) == []


def test_the_chapter_imports_neither_the_checkpoint_nor_the_classes():
    assert imports_between("chapter", ("quizzes", "instructors")) == []


def test_the_checkpoint_does_not_import_the_classes():
    assert imports_between("quizzes", ("instructors", "lti")) == []


def test_only_the_app_imports_the_lms_integration():
    assert imports_between("instructors", ("lti",)) == []


def _function_lengths(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_is_60_lines_or_more():
    too_long = [f"{path.relative_to(ROOT)}:{line} {name}() is {length} lines"
                for path in modules().values()
                for name, line, length in _function_lengths(path)
                if length >= MAX_FUNCTION_LINES]
    assert too_long == []


def test_no_module_is_over_400_lines():
    too_long = [f"{path.relative_to(ROOT)} is {count} lines"
                for path in modules().values()
                if (count := len(path.read_text(encoding="utf-8").splitlines()))
                > MAX_MODULE_LINES]
    assert too_long == []


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": frozenset({"b"}), "b": frozenset({"a"})}, [["a", "b"]]),
    ({"a": frozenset({"b"}), "b": frozenset()}, []),
])
def test_the_cycle_check_can_fail(graph, expected):
    assert _cycles(graph) == expected


def _imports_sqlalchemy(source: str) -> bool:
    """Whether the source imports sqlalchemy or any part of it, anywhere (lazily too)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            names = [node.module or ""]
        else:
            continue
        if any(name == "sqlalchemy" or name.startswith("sqlalchemy.") for name in names):
            return True
    return False


def test_sql_lives_only_in_the_store():
    """No module of the app outside store/ (Alembic's migrations aside) touches sqlalchemy:
    every query runs in the store, under its time budget and circuit breaker."""
    app_modules = [*modules().values(), *sorted(ROOT.glob("*.py"))]
    outside = [str(path.relative_to(ROOT)) for path in app_modules
               if path.relative_to(ROOT).parts[0] != "store"
               and _imports_sqlalchemy(path.read_text(encoding="utf-8"))]
    assert outside == []


@pytest.mark.parametrize(("source", "expected"), [
    ("from sqlalchemy import select", True),
    ("import sqlalchemy.exc", True),
    ("def f():\n    from sqlalchemy.exc import IntegrityError", True),
    ("from store import lti_queries", False),
    ("import sqlalchemy_utils", False),
])
def test_the_sqlalchemy_check_can_fail(source, expected):
    assert _imports_sqlalchemy(source) is expected


def test_every_package_plugs_in_the_same_way_in_one_list():
    import app

    assert tuple(part.__name__ for part in app.PARTS) == PACKAGES  # in the import order
    assert all(callable(getattr(part, "init_app", None)) for part in app.PARTS)


def test_no_route_checks_the_form_token_itself():
    """web/csrf.py is the one place a form's token is read and compared."""
    needles = ('form.get("csrf_token"', "token_matches(", "session.get(reader.CSRF)")
    reading = [f"{path.relative_to(ROOT)}" for name, path in modules().items()
               if name != "web.csrf" and any(
                   needle in path.read_text(encoding="utf-8") for needle in needles)]
    assert reading == []
