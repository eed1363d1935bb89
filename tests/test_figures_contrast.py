"""Every word a figure draws is at least 13 px and reads at 4.5:1 or better on the page, in
the light and the dark scheme — after the page's script has mapped each light hex to its CSS
variable, whose dark value is checked too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chapter.figures import BUILDERS, picture, style

ROOT = Path(__file__).resolve().parents[1]
BACKGROUNDS = {"light": ("#fbfaf7", "#ffffff"), "dark": ("#14171c", "#1b1f26")}
SETTINGS = [  # every kind of label: defaults, narrow, exact lines, training, dead units, zeros
    ("nudge", {}), ("nudge", {"narrow": True}), ("nudge", {"fn": "double_triple"}),
    ("backprop", {}), ("backprop", {"narrow": True, "steps": 3}),
    ("vanishing", {}), ("vanishing", {"activation": "relu", "x": -1.0, "compare": "sigmoid"}),
    ("vanishing", {"weight": 0.0}), ("vanishing", {"mode": "network", "narrow": True}),
]


def theme_map() -> dict[str, str]:
    """The palette the page hands its figure script: light hex → CSS variable."""
    return {hex_.lower(): var for hex_, var in style.CSS_VARIABLES.items()}


def luminance(hex_: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_styles(figure: dict):
    """(where, colour, size) for every piece of text the figure draws."""
    layout = figure["layout"]
    base = layout["font"]
    for i, t in enumerate(figure["data"]):
        if "text" in t.get("mode", "") and any(t.get("text") or []):
            font = t.get("textfont") or {}
            yield f"trace {i} {t.get('name')}", font.get("color", base["color"]), font.get(
                "size", base["size"])
    for i, a in enumerate(layout.get("annotations", [])):
        font = a.get("font") or {}
        yield f"annotation {i}", font.get("color", base["color"]), font.get("size", base["size"])
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and axis.get("visible") is not False:
            for part in ("title", "tick"):
                font = axis["title"].get("font", {}) if part == "title" else axis.get(
                    "tickfont", {})
                yield f"{key} {part}", font.get("color", base["color"]), font.get(
                    "size", base["size"])
    if layout.get("showlegend"):
        font = (layout.get("legend") or {}).get("font", {})
        yield "legend", font.get("color", base["color"]), font.get("size", base["size"])


def used_text() -> dict[str, set]:
    seen: dict[str, set] = {}
    for name, params in SETTINGS:
        for where, colour, size in text_styles(BUILDERS[name](**params)["figure"]):
            seen.setdefault(colour.lower(), set()).add((f"{name}: {where}", size))
    return seen


def test_no_chart_text_is_smaller_than_13px():
    small = [(w, s) for places in used_text().values() for w, s in places if s < 13]
    assert not small, small


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_chart_text_colour_reads_at_4_5_to_1_on_both_backgrounds(scheme):
    themes = theme_map()
    light, dark = picture.theme_values()
    values = light if scheme == "light" else dark
    failures = []
    for colour, places in used_text().items():
        assert colour in themes, f"{colour} has no CSS variable, so dark mode cannot map it"
        shown = values[themes[colour]]
        for background in BACKGROUNDS[scheme]:
            ratio = contrast(shown, background)
            print(f"{scheme} {colour} → {themes[colour]} = {shown} on {background}: {ratio:.2f}")
            if ratio < 4.5:
                failures.append((colour, shown, background, round(ratio, 2), sorted(places)[:3]))
    assert not failures, failures


def test_the_text_shades_keep_their_hue_and_the_lines_keep_theirs():
    assert style.text_colour(style.VERMILION) == style.VERMILION_TEXT != style.VERMILION
    assert style.text_colour(style.GREEN) == style.GREEN_TEXT
    assert style.text_colour(style.BLUE) == style.BLUE
    assert contrast(style.VERMILION, "#ffffff") < 4.5 <= contrast(style.VERMILION_TEXT, "#fbfaf7")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_mark_colour_is_at_least_3_to_1_on_both_backgrounds(scheme):
    """Lines, markers and bars (WCAG 1.4.11): each hue a figure is drawn in, as the page's
    script shows it in this scheme, and the dashboard's bars."""
    from instructors import charts

    themes = theme_map()
    light, dark = picture.theme_values()
    values = light if scheme == "light" else dark
    marks = {themes[c.lower()]: values[themes[c.lower()]] for c in (
        style.BLUE, style.VERMILION, style.GREEN, style.PURPLE, style.ORANGE)}
    marks.update({"dashboard correct": charts.CORRECT, "dashboard wrong": charts.WRONG})
    low = [(name, shown, background, round(contrast(shown, background), 2))
           for name, shown in marks.items() for background in BACKGROUNDS[scheme]
           if contrast(shown, background) < 3]
    assert not low, low

