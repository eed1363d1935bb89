"""The chapter's figures: one module per figure, and the registry that names them.

A figure is its title, its parameter schema (``params.py``: ranges and defaults, defined
once) and its builder, which turns parameters into plain data the browser draws as it is::

    {"figure": {data, layout, frames}, "values": {...}, "description": "...",
     "summary": one line, "table": {caption, columns, rows}, "steps": [frame captions],
     "change": the short sentence said aloud after a change}

Every number comes from ``chapter.calculus``; the figure modules only decide how to show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from chapter import calculus
from chapter.figures import page, picture
from chapter.figures.backprop import backprop_widget
from chapter.figures.nudge import nudge_widget
from chapter.figures.params import UNIT, Choice, Flag, Number, Schema, parse_params
from chapter.figures.vanishing import vanishing_widget


@dataclass(frozen=True)
class Figure:
    """A figure as the registry knows it: everything the API and the page need."""

    id: str
    title: str  # shown before its caption
    schema: Schema
    build: Callable[..., dict]
    presets: tuple[tuple[str, dict[str, str]], ...] = ()  # (button label, query values)
    main: tuple[str, ...] = ()  # the controls shown beside the chart; the rest: "More settings"
    # While a slider is dragged: "hold" keeps the axes still at a range holding every frame
    # (marks that fill their axes: Figure 3's layers), "follow" keeps each frame's own ranges
    # (a view that moves with its point: Figure 1's nudge). See sweep.py.
    sweep_view: str = "follow"


_ACTIVATIONS = tuple(calculus.ACTIVATIONS)
_NAMES = tuple((a, calculus.ACTIVATIONS[a].label) for a in _ACTIVATIONS)
_NETWORK = ("mode", ("network",))
_CHAIN = ("mode", ("chain",))

FIGURES: dict[str, Figure] = {f.id: f for f in (
    Figure("nudge", "Figure 1 — A nudge flowing through a composition", {
        "fn": Choice(tuple(calculus.COMPOSITIONS), "sigmoid", "Composition", (
            ("sigmoid", "σ(wx), the worked neuron"), ("sin_square", "sin(x²)"),
            ("exp_square", "eˣ²"), ("double_triple", "double, then triple"))),
        "x": Number(*UNIT, 1.0, label="Input x", step=0.05),
        "w": Number(*UNIT, 2.0, label="Weight w", step=0.05, when=("fn", ("sigmoid",))),
        "dx": Number(0.01, 2.0, 0.5, label="Nudge Δx", step=0.01),
        "narrow": Flag(False),
    }, nudge_widget, main=("x", "w", "fn")),  # the sliders first: nearest the chart on a phone
    Figure("backprop", "Figure 2 — Forward, then backward, through a two-layer network", {
        "x": Number(*UNIT, 2.0, label="Input x", step=0.1),
        "w1": Number(*UNIT, 0.5, label="Weight W₁", step=0.05),
        "w2": Number(*UNIT, 1.2, label="Weight W₂", step=0.05),
        "target": Number(*UNIT, 1.0, label="Target t", step=0.1),
        "eta": Number(0.01, 2.0, 0.2, label="Learning rate η", step=0.01),
        "steps": Number(0, 50, 0, whole=True), "narrow": Flag(False),
    }, backprop_widget, main=("x", "w1")),
    Figure("vanishing", "Figure 3 — Gradients shrinking through sigmoid versus ReLU layers", {
        "depth": Number(1, 50, 10, whole=True, label="Depth (layers)"),
        "activation": Choice(_ACTIVATIONS, "sigmoid", "Activation",
                             (*_NAMES, ("linear", "linear (local derivative = w)"))),
        "compare": Choice((*_ACTIVATIONS, "none"), "relu", "Compare with",
                          (*_NAMES, ("none", "nothing"))),
        "weight": Number(*UNIT, 1.0, label="Weight w (every layer)", step=0.05, when=_CHAIN),
        "x": Number(*UNIT, 1.0, label="Input x", step=0.1, when=_CHAIN),
        "residual": Flag(False, "Residual connections"),
        "mode": Choice(("chain", "network"), "chain", "Network", (
            ("chain", "one neuron per layer"), ("network", "real network (width n)"))),
        "width": Number(2, 64, 16, whole=True, label="Width n", when=_NETWORK),
        "init": Choice(tuple(calculus.INITS), "he", "Initialisation",
                       (("he", "He"), ("xavier", "Xavier")), when=_NETWORK),
        "seed": Number(0, 9999, 0, whole=True, label="Random seed", when=_NETWORK),
        "narrow": Flag(False),
    }, vanishing_widget, main=("depth", "activation", "compare"), sweep_view="hold", presets=(
        ("Vanishing: 10 layers × 0.5", {"activation": "linear", "compare": "none",
                                        "weight": "0.5", "depth": "10", "residual": "0",
                                        "mode": "chain"}),
        ("Exploding: 10 layers × 2", {"activation": "linear", "compare": "none",
                                      "weight": "2", "depth": "10", "residual": "0",
                                      "mode": "chain"}),
        ("Sigmoid versus ReLU", {"activation": "sigmoid", "compare": "relu", "weight": "1",
                                 "x": "1", "depth": "10", "residual": "0", "mode": "chain"}),
    )),
)}

TITLES = {f.id: f.title for f in FIGURES.values()}
SCHEMAS = {f.id: f.schema for f in FIGURES.values()}
BUILDERS = {f.id: f.build for f in FIGURES.values()}


def figure_params() -> dict:
    """Each figure's controls, presets and step limit for the page's script, from the schemas
    the API validates with: the page never writes a range or a default of its own."""
    out = {}
    for figure in FIGURES.values():
        for _, values in figure.presets:  # a preset the API would refuse stops start-up
            parse_params(figure.schema, values)
        controls = [c for name, spec in figure.schema.items() if (c := spec.control(name))]
        steps = figure.schema.get("steps")
        out[figure.id] = {
            "label": f"{figure.title.split(' — ')[0]} controls", "controls": controls,
            "presets": [list(p) for p in figure.presets],
            "max_steps": steps.high if steps else None,
        }
    return out


@cache
def _page_for(fig_id: str) -> dict:
    figure = FIGURES.get(fig_id)
    if figure is None:
        return {}
    return page.figure_page(figure, figure_params()[fig_id], picture.picture_for(figure))


page.register(_page_for)
