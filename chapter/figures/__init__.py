"""The chapter's figures: one module per figure, and the registry that names them.

A figure is its title, its parameter schema (``params.py``: ranges and defaults, defined
once) and its builder, which turns parameters into plain data the browser draws as it is::

    {"figure": {data, layout, frames}, "values": {...}, "description": "...",
     "summary": one line, "table": {caption, columns, rows}, "steps": [frame captions]}

Every number comes from ``chapter.calculus``; the figure modules only decide how to show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chapter import calculus
from chapter.figures.backprop import backprop_widget
from chapter.figures.nudge import nudge_widget
from chapter.figures.params import UNIT, Choice, Flag, Number, Schema
from chapter.figures.vanishing import vanishing_widget


@dataclass(frozen=True)
class Figure:
    id: str
    title: str  # shown before its caption
    schema: Schema
    build: Callable[..., dict]


_ACTIVATIONS = tuple(calculus.ACTIVATIONS)

FIGURES: dict[str, Figure] = {f.id: f for f in (
    Figure("nudge", "Figure 1 — A nudge flowing through a composition", {
        "fn": Choice(tuple(calculus.COMPOSITIONS), "sigmoid"),
        "x": Number(*UNIT, 1.0), "w": Number(*UNIT, 2.0),
        "dx": Number(0.01, 2.0, 0.5), "narrow": Flag(False),
    }, nudge_widget),
    Figure("backprop", "Figure 2 — Forward, then backward, through a two-layer network", {
        "x": Number(*UNIT, 2.0), "w1": Number(*UNIT, 0.5), "w2": Number(*UNIT, 1.2),
        "target": Number(*UNIT, 1.0), "eta": Number(0.01, 2.0, 0.2),
        "steps": Number(0, 50, 0, whole=True), "narrow": Flag(False),
    }, backprop_widget),
    Figure("vanishing", "Figure 3 — Gradients shrinking through sigmoid versus ReLU layers", {
        "depth": Number(1, 50, 10, whole=True),
        "activation": Choice(_ACTIVATIONS, "sigmoid"),
        "compare": Choice((*_ACTIVATIONS, "none"), "relu"),
        "weight": Number(*UNIT, 1.0), "x": Number(*UNIT, 1.0), "residual": Flag(False),
        "mode": Choice(("chain", "network"), "chain"),
        "width": Number(2, 64, 16, whole=True), "init": Choice(tuple(calculus.INITS), "he"),
        "seed": Number(0, 9999, 0, whole=True), "narrow": Flag(False),
    }, vanishing_widget),
)}

TITLES = {f.id: f.title for f in FIGURES.values()}
SCHEMAS = {f.id: f.schema for f in FIGURES.values()}
BUILDERS = {f.id: f.build for f in FIGURES.values()}
