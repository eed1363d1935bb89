"""The page's scripts: small, one set of DOM helpers, and nothing the server owns written into
them — no colour, no API URL. The page hands them their settings in #figure-config."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chapter.figures import BUILDERS, FIGURES, figure_params, style
from chapter.figures.params import parse_params

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))
STYLESHEETS = sorted((ROOT / "static" / "css").glob("*.css"))
HEX = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b")
CONFIG = re.compile(r'<script type="application/json" id="figure-config">(.*?)</script>', re.S)


def page_config(client) -> dict:
    match = CONFIG.search(client.get("/").get_data(as_text=True))
    assert match, "the page hands its figure scripts a #figure-config JSON block"
    return json.loads(match.group(1))


def code_of(path: Path) -> str:
    """A script without its // comments (a comment may name a colour or a URL)."""
    return "\n".join(re.sub(r"(^|\s)//.*$", "", line)
                     for line in path.read_text(encoding="utf-8").splitlines())


def test_there_are_scripts_to_check():
    assert {"dom.js", "figure.js", "scrub.js", "loader.js", "checkpoint.js"} <= {
        p.name for p in SCRIPTS}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_is_over_300_lines(script):
    lines = script.read_text(encoding="utf-8").count("\n")
    assert lines <= 300, f"{script.name} has {lines} lines: split it by job"


def test_one_el_helper_and_one_minus_helper_for_every_script():
    definitions = re.compile(r"\bfunction\s+(el|minus)\s*\(|\b(?:const|let|var)\s+(el|minus)\s*=")
    found = [(p.name, m.group(1) or m.group(2)) for p in SCRIPTS
             for m in definitions.finditer(code_of(p))]
    assert sorted(found) == [("dom.js", "el"), ("dom.js", "minus")]


def test_one_visually_hidden_rule():
    rules = [(p.name, m.group(0)) for p in STYLESHEETS
             for m in re.finditer(r"[^{}]*\.visually-hidden\b[^{}]*\{", p.read_text())]
    assert len(rules) == 1, rules


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_hold_no_colour_and_no_api_url(script):
    code = code_of(script)
    assert not HEX.findall(code), f"{script.name} writes colours: the page's palette has them"
    assert "/api/" not in code, f"{script.name} writes an API URL: the page hands it its URLs"


def test_the_page_hands_the_scripts_the_servers_palette(client):
    palette = page_config(client)["palette"]
    assert palette == style.CSS_VARIABLES
    for colour in (style.BLUE, style.VERMILION, style.GREEN, style.PURPLE, style.ORANGE,
                   style.INK, style.MUTED, style.RULE, style.WHITE, style.VERMILION_TEXT,
                   style.GREEN_TEXT):
        assert colour in palette


def test_every_colour_a_figure_draws_in_is_in_the_palette():
    """A colour outside the palette would stay its light value in dark mode."""
    for name, build in BUILDERS.items():
        for narrow in (False, True):
            text = json.dumps(build(**parse_params(FIGURES[name].schema,
                                                   {"narrow": "1" if narrow else "0"})))
            unmapped = set(HEX.findall(text)) - set(style.CSS_VARIABLES)
            assert not unmapped, (name, narrow, sorted(unmapped))


def test_every_palette_variable_is_defined_for_light_and_dark():
    css = "\n".join(p.read_text() for p in STYLESHEETS)
    dark = css[css.index("prefers-color-scheme: dark"):]
    for variable in style.CSS_VARIABLES.values():
        assert re.search(rf"{variable}\s*:", css), variable
        assert re.search(rf"{variable}\s*:", dark), f"{variable} has no dark value"


def test_the_page_hands_the_scripts_urls_that_answer(client):
    config = page_config(client)
    assert config["figures"] == json.loads(json.dumps(figure_params()))
    assert set(config["api"]) == set(FIGURES)
    for name, url in config["api"].items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_json()["params"], name
    assert client.get(config["plotly"]).status_code == 200


def test_the_config_block_cannot_end_its_script_element(client):
    """The JSON is written with <, > and & escaped, so no text in it closes the element."""
    block = CONFIG.search(client.get("/").get_data(as_text=True)).group(1)
    assert "<" not in block and ">" not in block
