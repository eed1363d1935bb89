"""``GET /api/widgets/<name>``: a figure, computed on the server, as JSON.

The route only parses and answers: the query is validated against the figure's schema
(``chapter.figures``), the figure comes from its builder. The same schemas describe the
endpoint in the OpenAPI document, and its answer is described there by the schemas generated
from ``chapter.figures.payload``, the answer's one type.
"""

from __future__ import annotations

import gzip
import threading

import brotli
from flask import Blueprint, Flask, Response, current_app, request

from chapter.figures import FIGURES, payload, wire
from chapter.figures.params import parse_params
from chapter.figures.sweep import (
    MAX_FRAMES,
    MIN_FRAMES,
    check_param,
    no_collection,
    normalised,
    sweep,
)
from chapter.sweep_cache import DEFAULT_BUDGET, EncodedCache
from web import assets, openapi
from web.errors import ClientError
from web.security import RateWindow, new_sweep_wait

SWEEP_BUILDS_AT_ONCE = 1  # per process: a build is CPU-bound, more would only share the GIL
NEW_SWEEPS_PER_MINUTE = 60  # per address, shared by the workers: a reader dragging makes a few

bp = Blueprint("figures_api", __name__)


def _json(answer: dict, status: int = 200) -> Response:
    return Response(wire.encode(answer), status=status, mimetype="application/json")


BROTLI_QUALITY = 3  # a new sweep's; one over BROTLI_AT_MOST bytes at it is made again at 5
BROTLI_AT_MOST = 140_000


def _encoded(body: bytes, encoding: str) -> bytes:
    """A sweep is hundreds of kilobytes of numbers: brotli or gzip it (made once per distinct
    sweep and encoding, then served from the cache). Brotli at quality 3: three quarters of
    the time quality 4 takes (3 ms of 4 for Figure 1's sweeps) for 1–2 % more bytes, under
    half what quality 5 takes; an answer that comes out over ``BROTLI_AT_MOST`` at 3 is made
    again at 5, several per cent smaller (every sweep the page asks for by default is at most
    123 KB at 3: tests/test_widget_wire.py holds them under 150)."""
    if encoding == "br":
        packed = brotli.compress(body, quality=BROTLI_QUALITY)
        return packed if len(packed) <= BROTLI_AT_MOST else brotli.compress(body, quality=5)
    if encoding == "gzip":
        return gzip.compress(body, compresslevel=6, mtime=0)
    return body


def _build(figure, params: dict, swept: str, encoding: str) -> bytes:
    """A new sweep, counted against the address's NEW_SWEEPS_PER_MINUTE, encoded."""
    wait = new_sweep_wait(request.remote_addr)
    if wait:
        raise ClientError(f"Too many new sweeps from this address; try again in "
                          f"{int(wait) + 1} s (the figure still answers without one).",
                          "sweep", status=429, headers={"Retry-After": str(int(wait) + 1)})
    with no_collection():  # the answer is freed before collection resumes: see _encoded_sweep
        return _encoded_sweep(figure, params, swept, encoding)


def _encoded_sweep(figure, params: dict, swept: str, encoding: str) -> bytes:
    """The figure and its sweep, encoded. Its thousands of lists and dicts are freed on
    return, so collection resumes (``no_collection``) with none of them alive: otherwise the
    first collection after walks them all (1–2 ms)."""
    built = figure.build(**params)
    exact = {"data": built["figure"]["data"], "layout": built["figure"]["layout"]}
    frames = sweep(figure, params, swept, base=exact)  # each frame: what differs from it
    answer: payload.Widget = {**built, "params": params,
                              "sweep": {**frames, "hold": figure.sweep_view == "hold"}}
    return _encoded(wire.encode(answer), encoding)


def _sweep_response(figure, params: dict, swept: str) -> Response:
    """The figure with its sweep, from the encoded-bytes cache or built once: at most
    SWEEP_BUILDS_AT_ONCE builds per process (more is a 429 at once, so a flood of sweeps
    leaves the worker's other threads free for figures and pages)."""
    params = normalised(figure.schema, params)
    encoding = assets.choose_encoding(request.headers.get("Accept-Encoding", ""), ("br", "gzip"))
    cache: EncodedCache = current_app.extensions["sweep_cache"]
    key = (figure.id, tuple(sorted(params.items())), swept, encoding)
    body = cache.get(key)
    if body is None:
        check_param(figure.schema, swept)  # a 400 counts against nothing
        gate = current_app.extensions["sweep_gate"]
        if not gate.acquire(blocking=False):  # never a queue of builds in front of a figure
            raise ClientError("The server is building other sweeps; try again in 1 s (the "
                              "figure still answers without one).", "sweep", status=429,
                              headers={"Retry-After": "1"})
        try:
            body = _build(figure, params, swept, encoding)
        finally:
            gate.release()
        cache.put(key, body)
    response = Response(body, mimetype="application/json")
    response.vary.add("Accept-Encoding")
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    return response


@bp.get("/api/widgets/<name>")
def figure_json(name: str) -> Response:
    """Validate, build, answer: a client gets the figure or a 4xx naming the field."""
    figure = FIGURES.get(name)
    if figure is None:
        raise ClientError(f"There is no widget called {name!r}; the widgets are "
                          f"{', '.join(FIGURES)}.", "name", status=404)
    params = parse_params(figure.schema, request.args)
    swept = request.args.get("sweep")
    if swept is not None:  # the exact figure and the frames to scrub through
        response = _sweep_response(figure, params, swept)
    else:  # the figure, and what was drawn (defaults included): the controls adopt it
        response = _json({**figure.build(**params), "params": params})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _sweep_param(figure) -> dict:
    return {**_SWEEP_PARAM, "schema": {"type": "string", "enum": figure.sliders}}


_SWEEP_PARAM = {
    "name": "sweep", "in": "query", "required": False,
    "description": (
        "Name one of the figure's sliders (x, dx, depth, …) to get, besides the figure, "
        "a sweep along it with the other parameters fixed as given (`sweep` in the answer, "
        "schema `WidgetSweep`), one frame per slider step (a slider with more steps than "
        f"{MAX_FRAMES} gets {MAX_FRAMES} evenly spaced frames, both ends). A frame's `data` "
        "has one entry per trace of its figure: null where the trace equals the exact figure "
        "at the given parameters, else only the keys that differ, or the whole trace where "
        "the exact figure lacks it or has a key it lacks (its index in `whole`); `layout` "
        "holds only the top-level keys that differ, `unset` those the frame lacks. Merge a "
        "frame onto that figure to draw it. `axes` gives, for each axis whose range moves "
        "along the sweep, the smallest range holding every frame's (`{\"xaxis\": {\"range\", "
        "\"dtick\"?}}`); `hold` is true where the figure keeps its axes there while a slider "
        "is dragged, false where each frame keeps its own ranges. A name that is not a "
        "slider is a 400 with field `sweep`. With a sweep, every slider value is snapped to "
        "its slider's step and parameters that do not apply now take their defaults (`params` "
        "in the answer says what was drawn); a slider that does not apply gives one frame; "
        "Figure 3's real networks get fewer frames the wider and deeper they are (at least "
        f"{MIN_FRAMES}). New sweeps (not yet cached) are limited per address: 429."),
}


def openapi_part() -> dict:
    """The widget endpoints, described from the schemas they validate with."""
    paths = {}
    for figure in FIGURES.values():
        paths[f"/api/widgets/{figure.id}"] = {"get": {
            "summary": f"The {figure.id} figure, its values and its text description",
            "parameters": [{"name": field, "in": "query", "required": False,
                            "schema": spec.json_schema()}
                           for field, spec in figure.schema.items()] + [_sweep_param(figure)],
            "responses": {"200": {"description": "The figure", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Widget"}}}},
                **openapi.error_responses(400, 429)},
        }}
    return {"paths": paths, "schemas": payload.components()}


def init_app(app: Flask) -> None:
    """The endpoint, its sweep cache and limit, and its part of the OpenAPI document."""
    app.extensions["sweep_cache"] = EncodedCache(
        int(app.config.get("SWEEP_CACHE_BYTES", DEFAULT_BUDGET)))
    app.extensions["sweep_gate"] = threading.BoundedSemaphore(
        int(app.config.get("SWEEP_BUILDS_AT_ONCE", SWEEP_BUILDS_AT_ONCE)))
    app.extensions["sweep_builds"] = RateWindow(
        int(app.config.get("NEW_SWEEPS_PER_MINUTE", NEW_SWEEPS_PER_MINUTE)), 60)
    app.register_blueprint(bp)
    openapi.contribute(app, openapi_part())
