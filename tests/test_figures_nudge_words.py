"""Figure 1's words placed by the server (chapter/figures/nudge_labels.py), at the ends of
every slider: each block of the changes' numbers fits its panel at the narrowest chart, sits
inside the panel on the side of the point left free by the point's own words, and the words
the figure prints about a setting are true of it."""

from __future__ import annotations

import itertools

import pytest

from chapter.figures import nudge
from chapter.figures import nudge_labels as words

EXTREMES = [
    (fn, x, w, dx, narrow)
    for fn, ws in (("sigmoid", (-5.0, 0.0, 5.0)), ("sin_square", (2.0,)),
                   ("exp_square", (2.0,)), ("double_triple", (2.0,)))
    for x, w, dx, narrow in itertools.product((-5.0, 0.0, 5.0), ws, (0.01, 2.0), (False, True))
]


def _traces(built: dict) -> dict:
    data = built["figure"]["data"]
    return {"blocks": [t for t in data if t["mode"] == "text"],
            "points": [t for t in data if t["mode"] == "markers+text"]}


@pytest.mark.parametrize(("fn", "x", "w", "dx", "narrow"), EXTREMES)
def test_each_block_fits_its_panel_inside_and_clear_of_the_points_words(fn, x, w, dx, narrow):
    built = nudge.nudge_figure(fn, x, w, dx, narrow=narrow)
    layout = built["figure"]["layout"]
    frame = words.frame(layout["height"], narrow, [0, 1], [0, 1])  # the heights only
    blocks, points = _traces(built)["blocks"], _traces(built)["points"]
    assert len(blocks) == 2 and len(points) == 2
    for key, block, point, axis in (("g", blocks[0], points[0], "yaxis"),
                                    ("f", blocks[1], points[1], "yaxis2")):
        low, high = layout[axis]["range"]
        height = frame.heights[key]
        x_axis = "xaxis" if key == "g" else "xaxis2"
        domain = layout[x_axis]["domain"]
        plot_w = words.MIN_WIDTH[narrow] - layout["margin"]["l"] - layout["margin"]["r"]
        width = (domain[1] - domain[0]) * plot_w
        for line in block["text"]:
            assert line and words.text_px(line) <= width, (key, line, width)

        def px(value, low=low, high=high, height=height):  # from the panel's top
            return (high - value) / (high - low) * height

        tops = [px(y) - words.LINE_PX / 2 for y in block["y"]]
        bottoms = [px(y) + words.LINE_PX / 2 for y in block["y"]]
        assert min(tops) >= 0 and max(bottoms) <= height, (key, tops, bottoms, height)
        at = px(point["y"][0])
        below = words.POINT_WORDS_PX if key == "g" else 0  # the Δx label under the inner point
        near = 0.5  # px: the point's value is drawn rounded to the axis's digits
        assert at >= words.POINT_WORDS_PX - near and at + below <= height + near, (key, at)
        assert max(bottoms) <= at - words.POINT_WORDS_PX + near or min(tops) >= at + below - near, (
            key, tops, bottoms, at)


@pytest.mark.parametrize(("fn", "x", "w", "dx", "narrow"), EXTREMES)
def test_the_outer_panel_leaves_room_for_its_tick_labels(fn, x, w, dx, narrow):
    """Side by side, the gap before the outer panel holds its widest tick label and its
    title; stacked, the shared left margin holds every stage's."""
    layout = nudge.nudge_figure(fn, x, w, dx, narrow=narrow)["figure"]["layout"]
    plot_h = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    ticks = words.tick_px(layout["yaxis2"]["range"], 0.27 * plot_h)
    if narrow:
        assert layout["margin"]["l"] >= ticks + 24
    else:
        plot_w = words.MIN_WIDTH[False] - layout["margin"]["l"] - layout["margin"]["r"]
        gap = layout["xaxis2"]["domain"][0] - layout["xaxis"]["domain"][1]
        assert gap * plot_w >= ticks + 24


@pytest.mark.parametrize(("text", "drawn"), [
    ("0.999999999986", 111.7), ("Δy ≈ −7.1×10⁻¹³", 112.0), ("tangent g′·Δx = −0.100", 154.2),
    ("f′·g′·Δx ≈ −6.9×10⁻¹³", 139.0), ("(u, y)", 34.3), ("Δu = g′·Δx = −0.050", 135.5),
])
def test_a_width_estimate_is_never_under_what_the_browser_measured(text, drawn):
    """Widths Chromium measured for the chart's 13 px type: the estimate may be wider, never
    narrower (tick labels, digits only, to within a pixel)."""
    slack = 1.0 if text[0].isdigit() else 1.06
    assert drawn - 1 <= words.text_px(text, slack) <= drawn * 1.15


@pytest.mark.parametrize(("fn", "w", "says", "never"), [
    ("double_triple", 2.0, "a straight line", "w = 0"),
    ("sigmoid", 0.0, "y is 0.5", "straight line"),
])
@pytest.mark.parametrize("narrow", [False, True])
def test_the_gap_note_says_only_what_is_true_of_the_setting(fn, w, says, never, narrow):
    """The note in a gapless shrinking panel: a straight composition is said to be one; σ(0·x)
    is flat though σ curves, and is said to be that, not a straight line's curvature."""
    for x, dx in itertools.product((-5.0, 0.0, 5.0), (0.01, 2.0)):
        notes = [a["text"] for a in nudge.nudge_figure(fn, x, w, dx, narrow=narrow)["figure"]
                 ["layout"]["annotations"] if a["text"].startswith("Gap")]
        assert len(notes) == 1 and says in notes[0] and never not in notes[0], notes


def test_a_change_written_with_equals_is_the_tangents_exactly():
    """"Δu = g′·Δx = …" only where the real change is the tangent's (u = wx is a line); a
    curved stage writes the real change and the estimate apart."""
    line = nudge.nudge_figure("sigmoid", 5.0, 5.0, 2.0)["figure"]["data"]
    curve = nudge.nudge_figure("sin_square", 5.0, 2.0, 2.0)["figure"]["data"]
    assert next(t["text"] for t in line if t["mode"] == "text") == ["Δu = g′·Δx = 10"]
    assert next(t["text"] for t in curve if t["mode"] == "text")[0].startswith("actual Δu")


@pytest.mark.parametrize("narrow", [False, True])
def test_every_step_frame_lists_a_trace_of_each_panel(narrow):
    """plotly.js animates only the panels of the traces a frame lists and removes what it drew
    in any other (the shrinking-Δx panel lost its curve at Back): each step frame lists a
    trace of every panel, one of them changing nothing."""
    figure = nudge.nudge_figure(narrow=narrow)["figure"]
    data = figure["data"]
    panels = {(t["xaxis"], t["yaxis"]) for t in data}
    assert len(panels) == 3
    for frame in figure["frames"]:
        assert {(data[i]["xaxis"], data[i]["yaxis"]) for i in frame["traces"]} == panels
        assert len(frame["traces"]) == len(frame["data"])
        assert {} in frame["data"]
