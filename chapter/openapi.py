"""The API described for machines: OpenAPI 3.1 at ``GET /api/openapi.json``.

The widget parameters come from the very schemas the widget endpoints validate with
(``widget_api.SCHEMAS``), and the question ids from the bank, so the description cannot
drift from the code; tests/test_fuzz.py generates requests from this document and checks
the app answers as it says.
"""

from __future__ import annotations

import hashlib
import json
import re

from flask import Blueprint, Flask, Response, current_app

from chapter import assets
from chapter.widget_api import SCHEMAS
from quizzes.bank import default_bank

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}


def _error_responses(*codes: int) -> dict:
    reasons = {400: "A parameter or the body is malformed; `field` names it.",
               404: "No such widget or question.", 413: "The body is too large.",
               415: "The body is not JSON.", 422: "Well-formed, but not a valid answer; "
               "not counted as an attempt."}
    return {str(c): {"description": reasons[c],
                     "content": {"application/json": {"schema": ERROR}}} for c in codes}


def parameter_schema(spec) -> dict:
    """One validator from widget_api as a JSON Schema (query values are strings on the wire;
    the schema says what they must parse as)."""
    if hasattr(spec, "low"):
        kind = "integer" if spec.whole else "number"
        return {"type": kind, "minimum": spec.low, "maximum": spec.high, "default": spec.default}
    if hasattr(spec, "options"):
        return {"type": "string", "enum": list(spec.options), "default": spec.default}
    return {"type": "string", "enum": ["0", "1"], "default": "1" if spec.default else "0"}


def document(routes: set[str] | None = None) -> dict:
    """The description; ``routes`` (the app's URL rules) leaves out what is not served."""
    qids = list(default_bank().questions)
    paths: dict[str, dict] = {}
    for name, schema in SCHEMAS.items():
        paths[f"/api/widgets/{name}"] = {"get": {
            "summary": f"The {name} figure, its values and its text description",
            "parameters": [{"name": field, "in": "query", "required": False,
                            "schema": parameter_schema(spec)} for field, spec in schema.items()],
            "responses": {"200": {"description": "The figure", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Widget"}}}}, **_error_responses(400)},
        }}
    qid = {"name": "qid", "in": "path", "required": True,
           "schema": {"type": "string", "enum": qids}}
    paths["/api/checkpoint/{qid}"] = {"post": {
        "summary": "Grade an answer and store the attempt",
        "parameters": [qid],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/Answer"}}}},
        "responses": {"200": {"description": "The grade", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Grade"}}}},
            **_error_responses(400, 404, 413, 415, 422)},
    }}
    paths["/api/checkpoint/{qid}/variant"] = {"get": {
        "summary": "A fresh practice variant, with a signed token to answer it with",
        "parameters": [qid], "responses": {"200": {"description": "The variant"},
                                           **_error_responses(404)}}}
    paths["/api/progress"] = {"get": {
        "summary": "This reader's progress (from the session cookie)",
        "responses": {"200": {"description": "Per question: the last grade and attempts"}}}}
    if routes is not None:
        served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule) for rule in routes}
        paths = {p: v for p, v in paths.items()
                 if p in served or p.startswith("/api/widgets/")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "SeeingML · The Chain Rule — chapter API", "version": "1"},
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "string"}, "field": {"type": ["string", "null"]}}},
            "Widget": {"type": "object", "required": ["figure", "values", "description"],
                       "properties": {"figure": {"type": "object"}, "values": {"type": "object"},
                                      "description": {"type": "string"}}},
            "Answer": {"type": "object", "required": ["answer"], "properties": {
                "answer": {"oneOf": [{"type": "string", "maxLength": 200},
                                     {"type": "array", "items": {"type": "string"}}]},
                "token": {"type": "string"}}},
            "Grade": {"type": "object", "required": ["correct", "score", "feedback",
                                                     "explanation"], "properties": {
                "correct": {"type": "boolean"},
                "score": {"type": "number", "minimum": 0, "maximum": 1},
                "feedback": {"type": "string"}, "explanation": {"type": "string"},
                "saved": {"type": "boolean"}, "notice": {"type": ["string", "null"]}}},
        }},
    }


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    return current_app.extensions["openapi"].respond()


def init_app(app: Flask) -> None:
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    body = json.dumps(document(routes), indent=1, ensure_ascii=False).encode()
    etag = hashlib.sha256(body).hexdigest()[:20]
    app.extensions["openapi"] = assets.Prepared(assets.encode(body), "application/json", etag,
                                                "public, max-age=300")
    app.register_blueprint(bp)
