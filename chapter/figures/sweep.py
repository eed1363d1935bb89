"""Sweeps: a figure precomputed along one parameter, so a dragged slider redraws from the
server's numbers without a request per step.

``GET /api/widgets/<name>?<params>&sweep=<param>`` answers, besides the exact figure's
``params``, ``{"sweep": {"param", "values", "frames"}}``: one frame per value on the
parameter's slider grid (at most ``MAX_FRAMES``, evenly spaced, both ends included), each
built by the figure's own builder and kept compact — ``data`` has one entry per trace, null
where the trace is the same as in the exact figure at the request's parameters and otherwise
only the keys that differ; ``layout`` only the top-level layout keys that differ; ``values``
and ``summary`` as the builder gives them. The script merges a frame onto that exact figure.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from chapter.figures.params import Number, ParamError

MAX_FRAMES = 101


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


def _frame(build, params: dict, base: dict, value) -> dict:
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
    return {"param": param, "values": [f["value"] for f in frames], "frames": frames}


def sweep(name: str, build, schema: dict, params: dict, param: str) -> dict:
    """The sweep of ``param`` with the other parameters fixed at ``params``, or a 400 naming
    ``sweep`` when that parameter is not a slider of this figure."""
    spec = schema.get(param)
    if not isinstance(spec, Number) or not spec.label:
        sliders = [f for f, s in schema.items() if isinstance(s, Number) and s.label]
        raise ParamError("sweep", f"sweep must name one of this figure's sliders "
                                  f"({', '.join(sliders)}); got {param!r}.")
    return _sweep(name, build, tuple(sorted(params.items())), param, spec)
