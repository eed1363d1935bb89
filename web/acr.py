"""The accessibility conformance report as data: the criteria file (web/accessibility.toml:
every WCAG 2.2 A and AA success criterion, its conformance, remarks and the tests that check
it) joined with the outcomes of the last recorded test run (web/accessibility_results.json,
written by scripts/acr.py from pytest's JUnit XML, which only it reads). scripts/acr.py
writes ACCESSIBILITY.md from it; /accessibility (web/accessibility.py) serves the same rows.

A criterion whose named test failed in the recorded run is never shown as "Supports": it is
shown as "Partially Supports", and its remarks say which test failed.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRITERIA = HERE / "accessibility.toml"
RESULTS = HERE / "accessibility_results.json"
PYPROJECT = HERE.parent / "pyproject.toml"
LEVELS = ("Supports", "Partially Supports", "Does Not Support", "Not Applicable")

# WCAG 2.2's success criteria at levels A and AA, in its order (VPAT 2.5, WCAG edition).
# 4.1.1 Parsing is obsolete in WCAG 2.2; VPAT 2.5 still lists it, with that note.
WCAG22 = {
    "A": ("1.1.1", "1.2.1", "1.2.2", "1.2.3", "1.3.1", "1.3.2", "1.3.3", "1.4.1", "1.4.2",
          "2.1.1", "2.1.2", "2.1.4", "2.2.1", "2.2.2", "2.3.1", "2.4.1", "2.4.2", "2.4.3",
          "2.4.4", "2.5.1", "2.5.2", "2.5.3", "2.5.4", "3.1.1", "3.2.1", "3.2.2", "3.2.6",
          "3.3.1", "3.3.2", "3.3.7", "4.1.1", "4.1.2"),
    "AA": ("1.2.4", "1.2.5", "1.3.4", "1.3.5", "1.4.3", "1.4.4", "1.4.5", "1.4.10", "1.4.11",
           "1.4.12", "1.4.13", "2.4.5", "2.4.6", "2.4.7", "2.4.11", "2.5.7", "2.5.8", "3.1.2",
           "3.2.3", "3.2.4", "3.3.3", "3.3.4", "3.3.8", "4.1.3"),
}
TEST_ID = re.compile(r"^tests/[\w/]+\.py::\w+$")


class CriteriaError(ValueError):
    """The criteria file is wrong: the message says where and how."""


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    level: str
    conformance: str  # as shown: "Supports" downgraded when a named test failed
    remarks: str
    tests: tuple[str, ...]
    outcome: str  # "passed", "failed", "not run" (not in the recorded run), "by hand"
    failed: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    product: dict
    version: str
    run: dict  # date, passed, failed, skipped of the named tests in the recorded run
    rows: tuple[Row, ...]
    limitations: tuple[str, ...]
    methods: str

    def table(self, level: str) -> list[Row]:
        return [r for r in self.rows if r.level == level]

    def other_than_supports(self) -> list[Row]:
        return [r for r in self.rows if r.conformance != "Supports"]


def load_criteria(path: Path = CRITERIA) -> dict:
    """Read and check the criteria file: every A/AA criterion once, a known conformance
    level, remarks, and test ids in the suite's form."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    seen: dict[str, dict] = {}
    for c in data.get("criterion", []):
        where = f"{path.name}: criterion {c.get('id', '?')}"
        if c.get("id") in seen:
            raise CriteriaError(f"{where} is listed twice")
        level = next((lv for lv, ids in WCAG22.items() if c.get("id") in ids), None)
        if level is None or c.get("level") != level:
            raise CriteriaError(f"{where}: not a WCAG 2.2 criterion at level {c.get('level')}")
        if c.get("conformance") not in LEVELS:
            raise CriteriaError(f"{where}: conformance must be one of {', '.join(LEVELS)}")
        if not str(c.get("remarks", "")).strip() or not str(c.get("name", "")).strip():
            raise CriteriaError(f"{where}: needs a name and remarks")
        bad = [t for t in c.get("tests", []) if not TEST_ID.match(t)]
        if bad:
            raise CriteriaError(f"{where}: test ids look like tests/x.py::test_y, not {bad}")
        seen[c["id"]] = c
    product = data.get("product", {})
    for key in ("name", "description", "methods", "limitations"):
        if not product.get(key):
            raise CriteriaError(f"{path.name}: [product] needs {key}")
    missing = [i for ids in WCAG22.values() for i in ids if i not in seen]
    if missing:
        raise CriteriaError(f"{path.name}: no entry for {', '.join(missing)}")
    return data


def named_tests(criteria: dict) -> set[str]:
    return {t for c in criteria["criterion"] for t in c.get("tests", [])}


def load_results(path: Path = RESULTS) -> dict:
    """The recorded run; empty when none has been recorded."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def record(criteria: dict, date: str, outcomes: dict[str, str]) -> dict:
    """The results file's content: the named tests' outcomes in one run."""
    tests = {t: outcomes.get(t, "not run") for t in sorted(named_tests(criteria))}
    count = {k: sum(1 for o in tests.values() if o == k) for k in ("passed", "failed", "skipped")}
    return {"run": {"date": date, **count, "named": len(tests)}, "tests": tests}


def version() -> str:
    """The project's version: pyproject.toml beside the code, else the installed package's."""
    try:
        return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        from importlib import metadata

        try:
            return metadata.version("seeingml-chain-rule")
        except metadata.PackageNotFoundError:
            return "unknown"


def _row(c: dict, outcomes: dict[str, str]) -> Row:
    tests = tuple(c.get("tests", []))
    failed = tuple(t for t in tests if outcomes.get(t) == "failed")
    ran = [outcomes.get(t) for t in tests if outcomes.get(t) in ("passed", "failed")]
    outcome = ("by hand" if not tests else "failed" if failed else
               "passed" if ran and len(ran) == len(tests) else "not run")
    conformance, remarks = c["conformance"], c["remarks"].strip()
    if failed:
        remarks = (f"Not confirmed: {', '.join(failed)} failed in the last recorded run. "
                   + remarks)
        if conformance == "Supports":
            conformance = "Partially Supports"
    elif outcome == "not run":
        missing = [t for t in tests if outcomes.get(t) not in ("passed", "failed")]
        remarks = (f"Not confirmed: {', '.join(missing)} did not run in the last recorded "
                   "run. " + remarks)
    return Row(c["id"], c["name"], c["level"], conformance, remarks, tests, outcome, failed)


def build(criteria: dict | None = None, results: dict | None = None) -> Report:
    criteria = load_criteria() if criteria is None else criteria
    results = load_results() if results is None else results
    outcomes = results.get("tests", {})
    order = {i: n for n, i in enumerate(WCAG22["A"] + WCAG22["AA"])}
    rows = tuple(sorted((_row(c, outcomes) for c in criteria["criterion"]),
                        key=lambda r: order[r.id]))
    return Report(product=criteria.get("product", {}), version=version(),
                  run=results.get("run", {}), rows=rows,
                  limitations=tuple(criteria.get("product", {}).get("limitations", [])),
                  methods=criteria.get("product", {}).get("methods", "").strip())
