"""Sweeps: a figure precomputed along one parameter, so a dragged slider redraws from the
server's numbers without a request per step.

``GET /api/widgets/<name>?<params>&sweep=<param>`` answers, besides the exact figure's
``params``, ``{"sweep": {"param", "values", "frames"}}`` (the type ``payload.Sweep``): one
frame per value on the parameter's slider grid (at most ``MAX_FRAMES``, evenly spaced, both
ends included), each built by the figure's own builder and kept compact — ``data`` has one
entry per trace, null where the trace is the same as in the exact figure at the request's
parameters and otherwise only the keys that differ; ``layout`` only the top-level layout
keys that differ; ``values`` and ``summary`` as the builder gives them. The script merges a
frame onto that exact figure.

``axes`` holds, for every axis whose range moves somewhere along the sweep, one range that
contains all of them (with the tick spacing of the widest), and the API adds ``hold``, the
figure's choice for a drag: true, the script holds the axes at those ranges and moves the
marks across them; false, it moves the marks at each frame's own ranges and hides those
axes' ticks and grid until the exact figure, drawn on release with its own ranges, settles.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from chapter.figures.params import Number, ParamError
from chapter.figures.payload import SweepFrame

MAX_FRAMES = 101
AXIS = re.compile(r"^[xy]axis\d*$")


def grid(spec: Number) -> list:
    """The values a sweep visits: the slider's own steps, thinned to at most MAX_FRAMES."""
    step = spec.step or (1 if spec.whole else (spec.high - spec.low) / 100)
    count = round((spec.high - spec.low) / step) + 1
    picks = np.unique(np.round(np.linspace(0, count - 1, min(count, MAX_FRAMES))).astype(int))
    values = [spec.low + i * step for i in picks]
    if spec.whole:
        return [round(v) for v in values]
    return [float(f"{v:.10g}") for v in values]


def _diff(new: dict, old: dict | None) -> dict | None:
    if old is None:
        return new
    changed = {k: v for k, v in new.items() if old.get(k) != v}
    return changed or None


def _frame(build, params: dict, base: dict, value) -> SweepFrame:
    payload = build(**params)
    figure = payload["figure"]
    old = base["data"]
    data = [_diff(t, old[i] if i < len(old) else None) for i, t in enumerate(figure["data"])]
    layout = {k: v for k, v in figure["layout"].items() if base["layout"].get(k) != v}
    return {"value": value, "data": data, "layout": layout, "values": payload["values"],
            "summary": payload.get("summary", "")}


@lru_cache(maxsize=64)
def _sweep(name: str, build, frozen: tuple, param: str, spec: Number) -> dict:
    params = dict(frozen)
    base = build(**params)["figure"]
    frames = [_frame(build, {**params, param: v}, base, v) for v in grid(spec)]
    return {"param": param, "values": [f["value"] for f in frames], "frames": frames,
            "axes": held_axes(base["layout"], [f["layout"] for f in frames])}


def held_axes(base: dict, layouts: list[dict]) -> dict:
    """For each axis whose range some frame changes: the smallest range holding the base's
    and every frame's, and the tick spacing of the frame with the widest range (if it sets
    one)."""
    held = {}
    for key in sorted({k for layout in layouts for k in layout if AXIS.match(k)}):
        axes = [base[key]] + [layout.get(key, base[key]) for layout in layouts]
        ranges = [axis["range"] for axis in axes if axis.get("range")]
        if len(ranges) <= len(axes) - 1:  # an autoranged axis somewhere: nothing to hold
            continue
        widest = max(axes, key=lambda axis: axis["range"][1] - axis["range"][0])
        held[key] = {"range": [min(r[0] for r in ranges), max(r[1] for r in ranges)]}
        if widest.get("dtick") is not None:
            held[key]["dtick"] = widest["dtick"]
    return held


def sweep(name: str, build, schema: dict, params: dict, param: str) -> dict:
    """The sweep of ``param`` with the other parameters fixed at ``params``, or a 400 naming
    ``sweep`` when that parameter is not a slider of this figure."""
    spec = schema.get(param)
    if not isinstance(spec, Number) or not spec.label:
        sliders = [f for f, s in schema.items() if isinstance(s, Number) and s.label]
        raise ParamError("sweep", f"sweep must name one of this figure's sliders "
                                  f"({', '.join(sliders)}); got {param!r}.")
    return _sweep(name, build, tuple(sorted(params.items())), param, spec)
