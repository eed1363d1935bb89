"""The conformance report never reads as confirmed by tests that did not run."""

from __future__ import annotations

from web import acr


def test_a_criterion_whose_tests_did_not_run_says_it_is_not_confirmed():
    report = acr.build(acr.load_criteria(), {"run": {"date": "2026-03-04"}, "tests": {}})
    untested = [row for row in report.rows if row.tests]
    assert untested and all(row.outcome == "not run" for row in untested)
    for row in untested:
        assert row.remarks.startswith("Not confirmed"), row.id
        assert row.tests[0] in row.remarks


def test_a_criterion_whose_tests_all_passed_carries_its_remarks_as_written():
    criteria = acr.load_criteria()
    tested = next(c for c in criteria["criterion"] if c.get("tests"))
    report = acr.build(criteria, {"run": {}, "tests": {t: "passed" for t in tested["tests"]}})
    row = next(r for r in report.rows if r.id == tested["id"])
    assert row.outcome == "passed" and row.remarks == tested["remarks"].strip()
