"""Sweeps: a figure precomputed along one parameter, so a dragged slider redraws from the
server's numbers without a request per step.

``GET /api/widgets/<name>?<params>&sweep=<param>`` answers, besides the exact figure's
``params``, ``{"sweep": {"param", "values", "frames"}}`` (the type ``payload.Sweep``): one
frame per value on the parameter's slider grid (at most ``MAX_FRAMES``, evenly spaced, both
ends included), each built by the figure's own builder — or by its ``sweep_frames``, which
computes every frame's arrays in one NumPy pass with the builder's arithmetic — and kept
compact: ``data`` has one entry per trace, null where the trace is the same as in the exact
figure at the request's parameters and otherwise only the keys that differ; ``layout``
only the top-level layout keys that differ, ``unset`` the top-level keys it lacks; a trace
the exact figure lacks, or one without a key the exact figure's has, comes whole and is
listed in ``whole``; ``summary`` as the builder gives it and ``values`` as ``drag_values``
keeps them (and for a figure with steps, Figure 2, ``steps`` and ``summaries``: each step's
words at that value). The script
merges a frame onto that exact figure (a frame with other traces than the figure on screen
is drawn by plotly.js in full).

``axes`` holds, for every axis whose range moves somewhere along the sweep, one range that
contains all of them (with the tick spacing of the widest), and the API adds ``hold``, the
figure's choice for a drag: true, the script holds the axes at those ranges and moves the
marks across them; false, it moves the marks at each frame's own ranges and hides those
axes' ticks and grid until the exact figure, drawn on release with its own ranges, settles.

Every request's cost is bounded. The key space is finite: every slider value is snapped to
its slider's grid (what a slider can send) and every parameter that does not apply in the
current state (its ``when`` is not met: Figure 3's x and w in network mode) is set to its
default, so random values cannot make new sweeps; sweeping such a parameter gives one frame.
A figure may say what one frame costs (``Figure.frame_work``): a sweep then has at most
``MAX_WORK`` / that many frames (at least ``MIN_FRAMES``), so Figure 3's widest, deepest real
network is swept in a handful of frames, each still exact.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager

import numpy as np

from chapter.figures.params import Number, ParamError
from chapter.figures.payload import SweepFrame

MAX_FRAMES = 101
MIN_FRAMES = 11
MAX_WORK = 2_000_000  # a frame's work units (Figure.frame_work) times frames, at most
AXIS = re.compile(r"^[xy]axis\d*$")


def _step(spec: Number) -> float:
    return spec.step or (1 if spec.whole else (spec.high - spec.low) / 100)


def _on_grid(spec: Number, value: float):
    return round(value) if spec.whole else float(f"{value:.10g}")


def grid(spec: Number, frames: int = MAX_FRAMES) -> list:
    """The values a sweep visits: the slider's own steps, thinned to at most ``frames``."""
    step = _step(spec)
    count = round((spec.high - spec.low) / step) + 1
    # sorted(set(...)), not np.unique: that imports numpy.ma on its first call (~30 ms).
    picks = np.round(np.linspace(0, count - 1, min(count, frames))).astype(int).tolist()
    picks = sorted(set(picks))
    return [_on_grid(spec, spec.low + i * step) for i in picks]


def snap(spec: Number, value: float):
    """The slider's grid value nearest ``value`` (what the slider itself would send)."""
    step = _step(spec)
    index = min(max(round((value - spec.low) / step), 0), round((spec.high - spec.low) / step))
    return _on_grid(spec, spec.low + index * step)


def applies(spec, params: dict) -> bool:
    """Whether a parameter matters now: its ``when`` (field, options) is met, or it has none."""
    when = getattr(spec, "when", ())
    return not when or params.get(when[0]) in when[1]


def normalised(schema: dict, params: dict) -> dict:
    """The parameters a sweep is keyed on: sliders snapped to their grid, and parameters that
    do not apply now at their defaults (they change nothing drawn)."""
    out = {}
    for field, spec in schema.items():
        value = params[field]
        if not applies(spec, params):
            value = spec.default
        elif isinstance(spec, Number) and spec.label:
            value = snap(spec, value)
        out[field] = value
    return out


def _changed(new: dict, old: dict) -> dict:
    """The items of ``new`` whose values differ from ``old``'s. A builder shares the parts
    that depend on nothing a slider moves (one object in the base and every frame), which
    are the same without a look."""
    get = old.get
    return {k: v for k, v in new.items() if (before := get(k)) is not v and before != v}


def _traces(new: list[dict], old: list[dict]) -> tuple[list, list[int]]:
    """Each trace as what differs from the base's (None: nothing), and the indices of those
    sent whole: a trace the base lacks, or one without some key the base's has."""
    data, whole = [], []
    for i, trace in enumerate(new):
        before = old[i] if i < len(old) else None
        if before is trace:
            data.append(None)
        elif before is None or not before.keys() <= trace.keys():
            whole.append(i)
            data.append(trace)
        else:  # _changed, inlined: a sweep has thousands of traces
            get = before.get
            data.append({k: v for k, v in trace.items()
                         if (was := get(k)) is not v and was != v} or None)
    return data, whole


def drag_values(values: dict) -> dict:
    """A frame's ``values``: the builder's numbers, words and flags, and its ``now`` — what the
    formula strip's readouts follow during a drag (links.js, on ``seeingml:frame``) — without
    its lists and tables (Figure 3's gradients layer by layer, Figure 2's training run,
    Figure 1's shrinking-Δx rows), which no frame's reader reads: the exact figure, drawn on
    release, brings them. Those were 1.0 of Figure 3's 1.2 MB sweeps."""
    return {k: v for k, v in values.items() if k == "now" or not isinstance(v, list | dict)}


def _frame(payload: dict, base: dict, value) -> SweepFrame:
    """The builder's answer at ``value`` (``sweeping=True``: data, layout, values, summary)
    as what differs from ``base``."""
    figure = payload["figure"]
    old_layout = base["layout"]
    data, whole = _traces(figure["data"], base["data"])
    layout = _changed(figure["layout"], old_layout)
    return {"value": value, "data": data, "layout": layout, "whole": whole,
            "unset": sorted(old_layout.keys() - figure["layout"].keys()),
            "values": drag_values(payload["values"]), "summary": payload.get("summary", ""),
            **{k: payload[k] for k in ("steps", "summaries") if k in payload}}


def _sweep(figure, params: dict, param: str, values: list, base: dict | None) -> dict:
    """The frames at ``values``: from the figure's ``sweep_frames`` in one pass where it has
    one, else from its builder once per value."""
    if base is None:
        base = figure.build(**params, sweeping=True)["figure"]
    payloads = (figure.sweep_frames(params, param, values) if figure.sweep_frames else
                [figure.build(**{**params, param: v}, sweeping=True) for v in values])
    frames = [_frame(p, base, v) for p, v in zip(payloads, values, strict=True)]
    return {"param": param, "values": list(values), "frames": frames,
            "axes": held_axes(base["layout"], [f["layout"] for f in frames])}


@contextmanager
def no_collection():
    """Cyclic garbage collection paused while a sweep is built and encoded: its frames are
    plain lists and dicts without cycles, which reference counting frees, but their ~10⁵
    allocations set off collections that walk the whole worker's heap (a spike of tens of ms
    in one build out of a few). Builds are one at a time per process (api.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


def frame_count(frame_work, params: dict) -> int:
    """How many frames a sweep at ``params`` may have: MAX_WORK spread over the frames."""
    if frame_work is None:
        return MAX_FRAMES
    work = max(1.0, float(frame_work(params)))
    return int(min(MAX_FRAMES, max(MIN_FRAMES, MAX_WORK // work)))


def check_param(schema: dict, param: str) -> Number:
    """The slider ``param`` names, or a 400 naming ``sweep``."""
    spec = schema.get(param)
    if not isinstance(spec, Number) or not spec.label:
        sliders = [f for f, s in schema.items() if isinstance(s, Number) and s.label]
        raise ParamError("sweep", f"sweep must name one of this figure's sliders "
                                  f"({', '.join(sliders)}); got {param!r}.")
    return spec


def sweep(figure, params: dict, param: str, base: dict | None = None) -> dict:
    """The sweep of ``param`` of ``figure`` with the other parameters fixed at ``params``
    (already ``normalised``), at most ``frame_count`` frames, each the difference from
    ``base`` (the exact figure's ``{data, layout}`` at ``params``, built here if not given);
    one frame, at its value, for a slider that changes nothing in this state (Figure 3's x in
    network mode)."""
    spec = check_param(figure.schema, param)
    if not applies(spec, params):
        return _sweep(figure, params, param, [params[param]], base)
    return _sweep(figure, params, param,
                  grid(spec, frame_count(figure.frame_work, params)), base)
