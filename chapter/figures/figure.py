"""What a figure is: one ``FIGURE = Figure(...)`` at the end of its module says everything the
API, the page, the picture and the tests need — its title, parameter schema and builder, the
chart's height at each width, which controls sit beside the chart, its presets, how a drag
scrubs it, and whether it trains. ``chapter/figures/__init__.py`` collects these.

A mistake in a definition (a title without its number, a main control that is not in the
schema, a training figure without its step count) stops start-up with the figure and the
reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from chapter.figures.params import Number, Schema

TITLE = re.compile(r"^Figure (\d+) — \S")
STEPS = "steps"  # the parameter a training figure counts its gradient steps in (the script's name)


class Heights(NamedTuple):
    """The chart's height in px: wide, and narrow (a figure under 35rem, the builder's
    ``narrow`` layout). The layouts use them and the page reserves them before any draw."""

    wide: int
    narrow: int

    def at(self, narrow: bool) -> int:
        return self.narrow if narrow else self.wide


class FigureError(ValueError):
    """A figure definition the registry refuses, naming the figure."""


@dataclass(frozen=True)
class Figure:
    """A figure as the registry knows it: everything the API and the page need."""

    id: str  # its URL name and the ``::: figure <id>`` of the content
    title: str  # "Figure N — what it shows", shown before its caption; N orders the registry
    schema: Schema
    build: Callable[..., dict]  # parameters → the payload of ``payload.Built``
    heights: Heights
    presets: tuple[tuple[str, dict[str, str]], ...] = ()  # (button label, query values)
    main: tuple[str, ...] = ()  # the controls shown beside the chart; the rest: "More settings"
    # While a slider is dragged: "hold" keeps the axes still at a range holding every frame
    # (marks that fill their axes: Figure 3's layers), "follow" keeps each frame's own ranges
    # (a view that moves with its point: Figure 1's nudge). See sweep.py.
    sweep_view: str = "follow"
    # A figure that trains: its "steps" parameter counts gradient steps, the page shows "Take a
    # gradient step" and "Reset training" instead of scrubbing a dragged slider.
    trains: bool = False
    # What one frame of a sweep costs at these parameters, in work units (sweep.MAX_WORK is
    # the most a sweep may do); None: every frame is cheap, a sweep has MAX_FRAMES.
    frame_work: Callable[[dict], float] | None = None
    # A sweep's frames in one pass: (params, slider, values) → what ``build(**params,
    # sweeping=True)`` answers at each value, computed together (nudge.sweep_frames: laid out
    # in the one set of panels that holds them all); None: sweep.py calls the builder once
    # per value.
    sweep_frames: Callable[[dict, str, list], list[dict]] | None = None

    def __post_init__(self):
        def refuse(reason: str):
            raise FigureError(f"figure {self.id!r}: {reason}")
        if not TITLE.match(self.title):
            refuse(f"its title must read 'Figure N — …'; got {self.title!r}")
        if unknown := [m for m in self.main if m not in self.schema]:
            refuse(f"main names {', '.join(unknown)}, not in its schema")
        if self.sweep_view not in ("hold", "follow"):
            refuse(f"sweep_view must be 'hold' or 'follow'; got {self.sweep_view!r}")
        steps = self.schema.get(STEPS)
        if self.trains and not (isinstance(steps, Number) and steps.whole and not steps.label):
            refuse(f"a figure that trains needs a whole-number {STEPS!r} parameter without a "
                   f"label (the page's step buttons set it)")

    @property
    def number(self) -> int:
        return int(TITLE.match(self.title).group(1))

    @property
    def label(self) -> str:
        """"Figure 1": the title's first part."""
        return self.title.split(" — ")[0]

    @property
    def sliders(self) -> list[str]:
        """The parameters with a slider: the ones a sweep may follow."""
        return [f for f, s in self.schema.items() if isinstance(s, Number) and s.label]

    @property
    def max_steps(self) -> int | None:
        """How many gradient steps a training figure takes at most; None when it does not."""
        return int(self.schema[STEPS].high) if self.trains else None
