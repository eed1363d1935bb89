"""Figure 2 on a phone: every word its narrow chart prints is whole and clear of the rest —
inside the chart, off the nodes, the arrows and the other words — at the narrowest chart a
phone gives it, for settings at the ends of every slider and after training, long negative
numbers and powers of ten included. The boxes are worked out from the layout the builder
returns, as plotly.js places text (the browser tests measure the drawn chart itself)."""

from __future__ import annotations

import itertools

import pytest

from chapter.figures.backprop import HEIGHTS, backprop_figure
from chapter.figures.backprop_graph import NARROW

# A 320 px phone's chart: the card's padding less the part widgets.css lets the chart take.
NARROWEST = 278
FONT = 13  # px, the chart's text (style.TEXT_MIN)
LINE, PITCH = 15.0, 16.9  # a line's box and the step between lines, as plotly.js draws them
# Advance widths (em) of DejaVu Sans, the widest of the common sans faces and the one the
# browser tests draw with, for every character the chart writes (a new one fails loudly).
EM = {**dict.fromkeys("′", 0.2271), **dict.fromkeys(". ", 0.3179), "/": 0.3369,
      **dict.fromkeys("()", 0.3901), "t": 0.3921, **dict.fromkeys("₁₂⁰¹²³⁴⁵⁶⁷⁸⁹", 0.4009),
      "∂": 0.5171, "z": 0.5249, "⁻": 0.5278, "L": 0.5571, **dict.fromkeys("ŷx", 0.5918),
      **dict.fromkeys("hσ", 0.6338), **dict.fromkeys("0123456789", 0.6362),
      **dict.fromkeys("−=≈×", 0.8379), "W": 0.9888}


def _width(text: str) -> float:
    return FONT * sum(EM[c] for c in text)


class Chart:
    """The graph's axes as pixels of a chart ``width`` px wide."""

    def __init__(self, layout: dict, width: float):
        m = layout["margin"]
        self.left, self.top = m["l"], m["t"]
        self.w, self.h = width - m["l"] - m["r"], layout["height"] - m["t"] - m["b"]
        self.xr, self.yr = layout["xaxis"]["range"], layout["yaxis"]["range"]
        self.dom = layout["yaxis"]["domain"]

    def x(self, u: float) -> float:
        return self.left + (u - self.xr[0]) / (self.xr[1] - self.xr[0]) * self.w

    def y(self, v: float) -> float:
        along = (v - self.yr[0]) / (self.yr[1] - self.yr[0])
        frac = self.dom[0] + along * (self.dom[1] - self.dom[0])
        return self.top + (1 - frac) * self.h


def _boxes(figure: dict, width: float) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(what, (left, top, right, bottom)) of every word, node and arrow of the graph."""
    chart = Chart(figure["layout"], width)
    boxes = []
    for trace in figure["data"]:
        if trace.get("xaxis") != "x":
            continue
        mode = trace.get("mode", "")
        for i, (u, v) in enumerate(zip(trace["x"], trace["y"], strict=True)):
            if u is None:
                continue
            px, py = chart.x(u), chart.y(v)
            if "markers" in mode and trace["name"] != "signal":
                r = trace["marker"]["size"] / 2
                boxes.append((f"node {trace['text'][i]}", (px - r, py - r, px + r, py + r)))
            if mode == "text" and trace["text"][i]:
                # Each line its own box: the block of lines centred on its point, each line
                # placed as the position says (left, right or centred on it).
                lines = trace["text"][i].split("<br>")
                top = py - (LINE + PITCH * (len(lines) - 1)) / 2
                side = trace["textposition"].split()[-1]
                for k, line in enumerate(lines):
                    wide = _width(line)
                    left = {"right": px, "left": px - wide}.get(side, px - wide / 2)
                    boxes.append((line, (left, top + k * PITCH, left + wide,
                                         top + k * PITCH + LINE)))
    for a in figure["layout"]["annotations"]:
        if a.get("xref") == "x" and a.get("showarrow"):
            xs, ys = (chart.x(a["x"]), chart.x(a["ax"])), (chart.y(a["y"]), chart.y(a["ay"]))
            head = 2.5 * a["arrowsize"] * a["arrowwidth"]  # half a head's width, as drawn
            boxes.append(("arrow", (min(xs) - head, min(ys) - head, max(xs) + head,
                                    max(ys) + head)))
    return boxes


def _faults(figure: dict, width: float) -> list[str]:
    boxes = _boxes(figure, width)
    faults = [f"{what!r} runs off the chart ({box[0]:.0f}…{box[2]:.0f} of {width} px)"
              for what, box in boxes if box[0] < 0 or box[2] > width]
    words = [(what, box) for what, box in boxes if not what.startswith(("node", "arrow"))]
    for (a, p), (b, q) in itertools.combinations(boxes, 2):
        if a.startswith(("node", "arrow")) and b.startswith(("node", "arrow")):
            continue
        dx = min(p[2], q[2]) - max(p[0], q[0])
        dy = min(p[3], q[3]) - max(p[1], q[1])
        if dx > 0.5 and dy > 0.5:
            faults.append(f"{a!r} overlaps {b!r} by {dx:.1f} × {dy:.1f} px")
    assert words, "no words found"
    return faults


ENDS = (-5.0, -4.9, -0.1, 0.1, 4.9, 5.0)
UNTRAINED = [dict(zip(("x", "w1", "w2", "target"), v, strict=True))
             for v in itertools.product(ENDS, repeat=4)]
TRAINED = [dict(zip(("x", "w1", "w2", "target"), v, strict=True), eta=eta, steps=steps)
           for v in itertools.product((-5.0, 0.5, 5.0), repeat=4)
           for eta, steps in itertools.product((0.01, 1.0, 2.0), (1, 50))]


def test_the_defaults_words_fit_a_320_px_phones_chart_clear_of_each_other():
    built = backprop_figure(narrow=True)["figure"]
    assert built["layout"]["height"] == HEIGHTS.at(True)
    assert _faults(built, NARROWEST) == []
    # The layout itself says the chart's margins the page expects.
    assert built["layout"]["margin"] == NARROW["margin"]


@pytest.mark.parametrize("states", [UNTRAINED, TRAINED], ids=["slider-ends", "trained"])
def test_every_word_fits_whole_at_the_ends_of_every_slider_and_after_training(states):
    faults = {}
    for params in states:
        found = _faults(backprop_figure(narrow=True, **params)["figure"], NARROWEST)
        if found:
            faults[str(params)] = found[:3]
    assert not faults, list(faults.items())[:5]


@pytest.mark.parametrize("width", [NARROWEST, 330, 420, 584])
def test_a_wider_phone_spreads_the_words_further_apart(width):
    """The narrow layout holds up to where the page switches to the wide one (560 px of
    figure, 584 px on the way back), the worst words included."""
    worst = backprop_figure(narrow=True, x=-5, w1=-5, w2=0.1, target=0.1)["figure"]
    assert _faults(worst, width) == []
