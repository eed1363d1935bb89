"""``GET /api/widgets/<name>``: a figure, computed on the server, as JSON.

The route only parses and answers: the query is validated against the figure's schema
(``chapter.figures``), the figure comes from its builder. The same schemas describe the
endpoint in the OpenAPI document.
"""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, request

from chapter.figures import FIGURES
from chapter.figures.params import parse_params
from web import openapi
from web.errors import ClientError

bp = Blueprint("widget_api", __name__)


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


@bp.get("/api/widgets/<name>")
def widget(name: str) -> Response:
    """Validate, build, answer: a client gets the figure or a 4xx naming the field."""
    figure = FIGURES.get(name)
    if figure is None:
        raise ClientError(f"There is no widget called {name!r}; the widgets are "
                          f"{', '.join(FIGURES)}.", "name", status=404)
    params = parse_params(figure.schema, request.args)
    payload = figure.build(**params)
    payload["params"] = params  # what was drawn, defaults included: the controls adopt it
    response = _json(payload)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def openapi_part() -> dict:
    """The widget endpoints, described from the schemas they validate with."""
    paths = {}
    for figure in FIGURES.values():
        paths[f"/api/widgets/{figure.id}"] = {"get": {
            "summary": f"The {figure.id} figure, its values and its text description",
            "parameters": [{"name": field, "in": "query", "required": False,
                            "schema": spec.json_schema()}
                           for field, spec in figure.schema.items()],
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
