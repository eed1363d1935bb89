"""scripts/acr.py: the conformance report is built from the tests — it refuses a criteria
file that names a test the suite does not have, records a run's outcomes from JUnit XML, and
the ACCESSIBILITY.md kept in the repository is what it writes from the recorded run."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from web import acr

ROOT = Path(__file__).resolve().parents[1]
SKIP_LINK = ("tests/browser/test_focus_visible_browser.py::"
             "test_the_skip_link_shows_when_reached_from_far_down_the_page")


def _script():
    spec = importlib.util.spec_from_file_location("acr_script", ROOT / "scripts" / "acr.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _criteria_naming(tmp_path, old: str, new: str) -> Path:
    text = acr.CRITERIA.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "criteria.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("missing", [
    SKIP_LINK.replace("test_the_skip_link", "test_no_such_skip_link"),  # no such test
    "tests/browser/test_no_such_file.py::test_anything",  # no such file
])
def test_a_criteria_file_naming_a_missing_test_is_refused(tmp_path, capsys, missing):
    criteria = _criteria_naming(tmp_path, SKIP_LINK, missing)
    out = tmp_path / "ACCESSIBILITY.md"
    code = _script().main(["--criteria", str(criteria), "--out", str(out),
                           "--results", str(tmp_path / "results.json")])
    assert code == 1
    assert missing in capsys.readouterr().err
    assert not out.exists()  # nothing written from a report that names a missing test


def test_every_criterion_must_be_there_once(tmp_path):
    text = acr.CRITERIA.read_text(encoding="utf-8")
    start = text.index('[[criterion]]\nid = "2.4.11"')
    end = text.index("[[criterion]]", start + 5)
    path = tmp_path / "criteria.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(acr.CriteriaError, match=r"no entry for 2\.4\.11"):
        acr.load_criteria(path)
    path.write_text(text.replace('conformance = "Not Applicable"', 'conformance = "Mostly"', 1),
                    encoding="utf-8")
    with pytest.raises(acr.CriteriaError, match="conformance must be one of"):
        acr.load_criteria(path)


JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="3"
  timestamp="2026-03-04T05:06:07.000000">
<testcase classname="tests.browser.test_control_names_browser"
  name="test_every_control_outside_running_text_is_at_least_24_px[desktop]" time="1"/>
<testcase classname="tests.browser.test_control_names_browser"
  name="test_every_control_outside_running_text_is_at_least_24_px[phone]" time="1">
  <failure message="a small button">AssertionError</failure></testcase>
<testcase classname="tests.browser.test_focus_visible_browser"
  name="test_the_skip_link_shows_when_reached_from_far_down_the_page" time="1"/>
</testsuite></testsuites>"""


def test_a_run_is_recorded_and_a_failed_test_marks_its_criterion(tmp_path):
    junit, results = tmp_path / "junit.xml", tmp_path / "results.json"
    junit.write_text(JUNIT, encoding="utf-8")
    out = tmp_path / "ACCESSIBILITY.md"
    code = _script().main(["--junit", str(junit), "--results", str(results), "--out", str(out)])
    assert code == 0
    recorded = json.loads(results.read_text(encoding="utf-8"))
    assert recorded["run"]["date"] == "2026-03-04"
    target = "tests/browser/test_control_names_browser.py::" \
             "test_every_control_outside_running_text_is_at_least_24_px"
    assert recorded["tests"][target] == "failed"  # one parameter failed: the test failed
    assert recorded["tests"][SKIP_LINK] == "passed"
    assert recorded["run"]["failed"] == 1 and recorded["run"]["passed"] == 1
    report = out.read_text(encoding="utf-8")
    row = next(line for line in report.splitlines() if line.startswith("| 2.5.8 "))
    assert "| Partially Supports |" in row and "Not confirmed" in row
    assert "**Report date:** 2026-03-04" in report


def test_the_report_in_the_repository_is_what_the_recorded_run_gives():
    """ACCESSIBILITY.md is regenerated, never edited: `python scripts/acr.py` (after
    changing web/accessibility.toml) brings it back in line."""
    written = _script().markdown(acr.build())
    assert (ROOT / "ACCESSIBILITY.md").read_text(encoding="utf-8") == written
