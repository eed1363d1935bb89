"""The chapter's figures: one module per figure, and the registry that collects them.

A figure module ends with ``FIGURE = Figure(...)`` (``figure.py``): its title, parameter
schema (``params.py``: ranges and defaults, defined once), builder, chart heights, controls
and presets. The registry imports every module of this package and keeps those that define
one, in the order of their figure numbers — adding a figure adds no line here. A builder
turns parameters into plain data the browser draws as it is, of the type ``payload.Built``::

    {"figure": {data, layout, frames}, "values": {...}, "description": "...",
     "summary": one line, "table": {caption, columns, rows}, "steps": [frame captions],
     "change": the short sentence said aloud after a change}

Every number comes from ``chapter.calculus``; the figure modules only decide how to show it.
"""

from __future__ import annotations

import importlib
import itertools
import pkgutil
from collections.abc import Iterable
from functools import cache
from types import ModuleType

from chapter.figures import page, picture
from chapter.figures.figure import Figure, FigureError
from chapter.figures.params import parse_params


def collect(modules: Iterable[ModuleType]) -> dict[str, Figure]:
    """The ``FIGURE`` of each module that has one, by id, in figure-number order; two figures
    with one id or one number stop start-up."""
    found = sorted((m.FIGURE for m in modules if isinstance(getattr(m, "FIGURE", None), Figure)),
                   key=lambda f: f.number)
    for a, b in itertools.pairwise(found):
        if a.number == b.number:
            raise FigureError(f"figures {a.id!r} and {b.id!r} are both {a.label}")
    ids = [f.id for f in found]
    if twice := sorted({i for i in ids if ids.count(i) > 1}):
        raise FigureError(f"two figures are called {', '.join(map(repr, twice))}")
    return {f.id: f for f in found}


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]


FIGURES: dict[str, Figure] = collect(_modules())
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
        out[figure.id] = {
            "label": f"{figure.label} controls", "controls": controls,
            "presets": [list(p) for p in figure.presets],
            "max_steps": figure.max_steps,  # a figure that trains: step buttons, no scrubbing
        }
    return out


@cache
def _page_for(fig_id: str) -> dict:
    figure = FIGURES.get(fig_id)
    if figure is None:
        return {}
    return page.figure_page(figure, figure_params()[fig_id], picture.picture_for(figure),
                            page.held_words(figure.build(), page.reachable(figure)))


page.register(_page_for)
