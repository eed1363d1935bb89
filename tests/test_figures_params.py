"""The page's controls come from the same schemas the widget API validates with."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chapter.figures import FIGURES, figure_params
from chapter.figures.params import Choice, Number, parse_params

FIGURE_SCRIPTS = [Path(__file__).resolve().parent.parent / "static" / "js" / name
                  for name in ("figure.js", "controls.js", "scrub.js", "loader.js")]


def page_config(client) -> dict:
    """The JSON the page hands its figure scripts (<script type="application/json">)."""
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'<script type="application/json" id="figure-config">(.*?)</script>',
                      page, re.S)
    assert match, "the page carries the figures' config"
    return json.loads(match.group(1))


def page_params(client) -> dict:
    return page_config(client)["figures"]


def test_the_page_carries_every_figures_controls_as_the_server_defines_them(client):
    assert page_params(client) == json.loads(json.dumps(figure_params()))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_control_has_the_schemas_range_default_and_options(name):
    schema = FIGURES[name].schema
    for control in figure_params()[name]["controls"]:
        spec = schema[control["name"]]
        assert control["default"] == (spec.default if not isinstance(spec.default, bool)
                                      else ("1" if spec.default else "0"))
        if isinstance(spec, Number):
            assert (control["min"], control["max"]) == (spec.low, spec.high)
            # The default sits on the slider's grid, or the browser would snap it away.
            on_grid = (spec.default - spec.low) / control["step"]
            assert on_grid == pytest.approx(round(on_grid))
        if isinstance(spec, Choice):
            assert [v for v, _ in control["options"]] == list(spec.options)


def test_the_drifted_minimums_and_seed_range_now_come_from_the_server():
    by_name = {f: {c["name"]: c for c in figure_params()[f]["controls"]} for f in FIGURES}
    assert by_name["nudge"]["dx"]["min"] == 0.01
    assert by_name["backprop"]["eta"]["min"] == 0.01
    assert by_name["vanishing"]["seed"]["max"] == 9999
    assert figure_params()["backprop"]["max_steps"] == 50


def test_presets_are_settings_the_api_accepts():
    for figure in FIGURES.values():
        for _, values in figure.presets:
            parse_params(figure.schema, values)


@pytest.mark.parametrize("script", FIGURE_SCRIPTS, ids=lambda p: p.name)
def test_the_figure_scripts_write_no_range_default_or_option_list_of_their_own(script):
    source = script.read_text(encoding="utf-8")
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    assert not re.search(r"\b(min|max|step|default)\s*:\s*-?\d", code)
    assert not re.search(r'range\("|select\("|\["sigmoid"|Math\.min\([^)]*\b50\b', code)
    assert "0.05" not in code and "9999" not in code
