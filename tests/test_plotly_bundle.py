"""Which plotly.js the page gets: the basic bundle the setup installs, else the full file."""

from __future__ import annotations

import os

import pytest

from chapter.figures import FIGURES
from chapter.figures.params import parse_params
from tests.figure_settings import settings
from web import assets


def _bundle(path, banner: str) -> None:
    path.write_text(f"/**\n* {banner}\n*/\n(function(){{}})();\n")


def test_the_basic_bundle_is_chosen_when_its_version_matches_the_plotly_package(tmp_path):
    basic, full = tmp_path / "basic.js", tmp_path / "full.js"
    _bundle(basic, "plotly.js (basic - minified) v4.1.1")
    _bundle(full, "plotly.js v4.1.1")
    assert assets.choose_plotly(basic, full) == basic


@pytest.mark.parametrize("banner", ["plotly.js (basic - minified) v3.0.0", None])
def test_the_full_file_is_the_fallback_when_the_basic_bundle_is_missing_or_another_version(
        tmp_path, banner):
    basic, full = tmp_path / "basic.js", tmp_path / "full.js"
    if banner:
        _bundle(basic, banner)
    _bundle(full, "plotly.js v4.1.1")
    assert assets.choose_plotly(basic, full) == full


@pytest.mark.skipif(not os.environ.get("CI"), reason="the setup's npm step runs in CI")
def test_the_setup_installs_the_basic_bundle_and_the_app_serves_it():
    assert assets.PLOTLY_JS == assets.PLOTLY_BASIC
    assert assets.PLOTLY_JS.stat().st_size < assets.PLOTLY_FULL.stat().st_size / 3


def figure_trace_types() -> set[str]:
    """Every trace type any figure draws, at its defaults and each parameter's ends and
    options."""
    return {trace.get("type", "scatter") for name, figure in FIGURES.items()
            for values in [{}, *settings(figure)]
            for trace in figure.build(**parse_params(figure.schema, values))["figure"]["data"]}


def test_the_figures_draw_only_trace_types_of_the_basic_bundle():
    assert figure_trace_types() <= {"scatter", "bar", "pie"}
