"""The figure payload, stated once: what a builder returns (``Built``), what
``GET /api/widgets/<name>`` answers (``Widget``: the built figure, the parameters drawn, and a
sweep when one is asked for). The OpenAPI description's component schemas are generated from
these types (``components()``), so the document says exactly what the code sends, and the
tests validate every figure's answer against the schema the document serves.

A key not listed here is refused (``additionalProperties: false``), except inside Plotly's
own objects (a trace, a layout) and a figure's ``values``, which are the figure's to choose.
(No ``from __future__ import annotations`` here: Python 3.11 would then take every key for a
required one.)
"""

import types
import typing
from typing import Annotated, Any, Literal, NotRequired, Required, TypedDict

# What every figure may draw: the trace types of plotly.js's basic bundle that the SVG
# writer (svg.py) can also draw. A trace of any other type is refused by both.
TraceType = Literal["scatter", "bar"]
TRACE_TYPES: tuple[str, ...] = typing.get_args(TraceType)
Number = float  # a JSON number; an int is one too


class Doc(str):
    """A field's description in the OpenAPI document: ``Annotated[type, Doc("…")]``."""


class Trace(TypedDict, total=False):
    """One Plotly trace: its type, then any of Plotly's keys for it."""

    type: Required[TraceType]


class Layout(TypedDict, total=False):
    """Plotly's layout; its height is the chart's height, the one the page reserves."""

    height: Required[int]


class StepFrame(TypedDict):
    """One step of the figure's animation: the named traces' changed keys."""

    name: str
    traces: list[int]
    data: list[dict[str, Any]]


class PlotlyFigure(TypedDict):
    """The Plotly figure, drawn as it is sent."""

    data: list[Trace]
    layout: Layout
    frames: Annotated[list[StepFrame], Doc("one per step, in step order")]


class Table(TypedDict):
    """The figure's data table, every number written as the prose writes it."""

    caption: str
    columns: list[str]
    rows: list[list[str]]


class Built(TypedDict):
    """What a figure's builder returns."""

    figure: PlotlyFigure
    values: Annotated[dict[str, Any], Doc("the figure's numbers, by name")]
    description: Annotated[str, Doc("the whole figure in words")]
    summary: Annotated[str, Doc("one line shown above the chart")]
    table: Table
    steps: Annotated[list[str], Doc("one caption per animation step")]
    change: Annotated[str, Doc("the short sentence said aloud after a change")]
    summaries: NotRequired[Annotated[list[str], Doc("the summary line at each step")]]
    start: NotRequired[Annotated[int, Doc("the step the figure opens on (else its last)")]]


class SweepFrame(TypedDict):
    """The figure at one value of the swept slider, as changes to the exact figure."""

    value: Number
    data: Annotated[list[dict[str, Any] | None], Doc(
        "one entry per trace: null where it equals the exact figure's, else its changed keys")]
    layout: Annotated[dict[str, Any], Doc("the top-level layout keys that differ")]
    whole: Annotated[list[int], Doc(
        "the traces given whole (they replace the exact figure's: a key of it is gone)")]
    unset: Annotated[list[str], Doc("the exact figure's top-level layout keys this frame lacks")]
    values: Annotated[dict[str, Any], Doc(
        "the figure's numbers, words and flags at this value, and its `now`; not its lists "
        "and tables, which come with the exact figure")]
    summary: str
    steps: NotRequired[Annotated[list[str], Doc(
        "a figure with steps: each step's words at this value, as the figure's `steps`")]]
    summaries: NotRequired[Annotated[list[str], Doc("… and each step's bold line")]]


class HeldAxis(TypedDict):
    """One range holding every frame's range of an axis, and the widest frame's ticks."""

    range: list[Number]
    dtick: NotRequired[Number]


class Sweep(TypedDict):
    """A figure precomputed along one slider (sweep.py)."""

    param: str
    values: list[Number]
    frames: list[SweepFrame]
    axes: Annotated[dict[str, HeldAxis], Doc("by layout key (xaxis, yaxis2, …)")]
    hold: Annotated[bool, Doc("true: hold the axes at `axes` during a drag; false: follow "
                                    "each frame's own ranges")]


class Widget(Built):
    """``GET /api/widgets/<name>``: the figure, what was drawn, and a sweep if asked for."""

    params: Annotated[dict[str, Any], Doc("the parameters drawn, defaults included")]
    sweep: NotRequired[Sweep]


ROOT = "#/components/schemas/"
# Plotly's own objects and the figures' values are open: any key of theirs is allowed.
OPEN = (Trace, Layout)


def components() -> dict[str, dict]:
    """The JSON Schema of ``Widget`` and every type it holds, by ``name_of``, for the OpenAPI
    document's ``components/schemas`` (each refers to the others as ``#/components/schemas/…``)."""
    out: dict[str, dict] = {}
    _schema(Widget, out)
    return out


def _schema(tp, out: dict[str, dict]) -> dict:
    """The JSON Schema (2020-12, as OpenAPI 3.1 uses) of one annotation."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if typing.is_typeddict(tp):
        return _typed_dict(tp, out)
    if origin is Annotated:
        inner = _schema(args[0], out)
        docs = [a for a in args[1:] if isinstance(a, Doc)]
        return {**inner, "description": str(docs[0])} if docs else inner
    if origin in (NotRequired, Required):
        return _schema(args[0], out)
    if origin is Literal:
        return {"type": "string", "enum": list(args)}
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_schema(a, out) for a in args]}
    if origin is list:
        return {"type": "array", "items": _schema(args[0], out)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], out)}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean",
              type(None): "null"}
    if tp in simple:
        return {"type": simple[tp]}
    if tp is Any:
        return {}
    raise TypeError(f"payload.py cannot state {tp!r} as JSON Schema")


def name_of(tp) -> str:
    """A type's name among the document's schemas: ``Widget``, ``WidgetSweep``, …"""
    return tp.__name__ if tp is Widget else f"Widget{tp.__name__}"


def _typed_dict(tp, out: dict[str, dict]) -> dict:
    name = name_of(tp)
    if name not in out:
        out[name] = {}  # a placeholder first: a type may be reached again while it is built
        hints = typing.get_type_hints(tp, include_extras=True)
        schema = {"type": "object", "description": " ".join((tp.__doc__ or "").split()),
                  "required": [k for k in hints if k in tp.__required_keys__],
                  "properties": {k: _schema(v, out) for k, v in hints.items()},
                  "additionalProperties": tp in OPEN}
        out[name] = schema
    return {"$ref": ROOT + name}
