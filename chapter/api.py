"""``GET /api/widgets/<name>``: a figure, computed on the server, as JSON.

The route only parses and answers: the query is validated against the figure's schema
(``chapter.figures``), the figure comes from its builder. The same schemas describe the
endpoint in the OpenAPI document.
"""

from __future__ import annotations

import gzip
import json

import brotli
from flask import Blueprint, Flask, Response, request

from chapter.figures import FIGURES
from chapter.figures.params import Number, parse_params
from chapter.figures.sweep import MAX_FRAMES, sweep
from web import assets, openapi
from web.errors import ClientError

bp = Blueprint("figures_api", __name__)


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


def _compressed(response: Response) -> Response:
    """A sweep is hundreds of kilobytes of numbers: brotli or gzip it when the client can
    take it (quickly, not at the smallest: it is made per distinct request)."""
    encoding = assets.choose_encoding(request.headers.get("Accept-Encoding", ""), ("br", "gzip"))
    response.vary.add("Accept-Encoding")
    if encoding != "identity":
        body = response.get_data()
        response.set_data(brotli.compress(body, quality=5) if encoding == "br"
                          else gzip.compress(body, compresslevel=6, mtime=0))
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
    frames = sweep(name, figure.build, figure.schema, params, swept) if swept is not None else None
    payload = figure.build(**params)
    payload["params"] = params  # what was drawn, defaults included: the controls adopt it
    if frames is not None:  # the exact figure above, and the frames to scrub through
        payload["sweep"] = {**frames, "hold": figure.sweep_view == "hold"}
    response = _compressed(_json(payload)) if frames is not None else _json(payload)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _sweep_param(figure) -> dict:
    sliders = [f for f, s in figure.schema.items() if isinstance(s, Number) and s.label]
    return {**_SWEEP_PARAM, "schema": {"type": "string", "enum": sliders}}


_SWEEP_PARAM = {
    "name": "sweep", "in": "query", "required": False,
    "description": (
        "Name one of the figure's sliders (x, dx, depth, …) to get, besides the figure, "
        "a sweep along it with the other parameters fixed as given: `{…the figure…, \"sweep\": "
        "{\"param\", \"values\": [...], \"frames\": [{\"value\", \"data\", \"layout\", "
        "\"values\", \"summary\"}], \"axes\", \"hold\"}}`, one frame per slider step (at most "
        f"{MAX_FRAMES}, evenly spaced). A frame's `data` has one entry per trace: null where "
        "the trace equals the exact figure at the given parameters, else only the keys that "
        "differ; `layout` holds only the top-level keys that differ. Merge a frame onto "
        "that figure to draw it. `axes` gives, for each axis whose range moves along the "
        "sweep, the smallest range holding every frame's (`{\"xaxis\": {\"range\", "
        "\"dtick\"?}}`); `hold` is true where the figure keeps its axes there while a slider "
        "is dragged, false where each frame keeps its own ranges. A name that is not a "
        "slider is a 400 with field `sweep`."),
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
                **openapi.error_responses(400)},
        }}
    widget_schema = {"type": "object", "required": ["figure", "values", "description"],
                     "properties": {"figure": {"type": "object"}, "values": {"type": "object"},
                                    "description": {"type": "string"}}}
    return {"paths": paths, "schemas": {"Widget": widget_schema}}


def init_app(app: Flask) -> None:
    """The endpoint, and its part of the OpenAPI document."""
    app.register_blueprint(bp)
    openapi.contribute(app, openapi_part())
