"""The API described for machines: OpenAPI 3.1 at ``GET /api/openapi.json``.

Each feature contributes its own part — paths and component schemas, built from the very
schemas its routes validate with — through ``contribute(app, part)`` in its ``init_app``;
``describe`` here, called after every part, assembles and serves them. So the description
cannot drift from the code; tests/test_fuzz.py generates requests from it and checks that the
app answers as it says.
"""

from __future__ import annotations

import hashlib
import json
import re

from flask import Blueprint, Flask, Response, current_app

from web import assets

bp = Blueprint("openapi", __name__)

ERROR = {"$ref": "#/components/schemas/Error"}
REASONS = {400: "A parameter or the body is malformed; `field` names it.",
           404: "No such widget or question.", 413: "The body is too large.",
           415: "The body is not JSON.", 422: "Well-formed, but not a valid answer; "
           "not counted as an attempt.", 429: "Too many requests; wait as Retry-After says.",
           503: "Storage is down: nothing was recorded, so nothing is shown; try again."}


def error_responses(*codes: int) -> dict:
    """The ``responses`` entries for refusals, each with the shared error shape."""
    return {str(c): {"description": REASONS[c],
                     "content": {"application/json": {"schema": ERROR}}} for c in codes}


def contribute(app: Flask, part: dict) -> None:
    """Add a feature's ``{"paths": …, "schemas": …}`` to the description."""
    app.extensions.setdefault("openapi_parts", []).append(part)


def document(parts: list[dict], routes: set[str] | None = None) -> dict:
    """The description from the features' parts; ``routes`` (the app's URL rules) leaves out
    what is not served."""
    paths: dict[str, dict] = {}
    schemas: dict[str, dict] = {"Error": {
        "type": "object", "required": ["error"], "properties": {
            "error": {"type": "string"}, "field": {"type": ["string", "null"]},
            "saved": {"type": "boolean", "description": "false on an answer storage could "
                      "not record (503): it was not graded either"}}}}
    for part in parts:
        paths.update(part.get("paths", {}))
        schemas.update(part.get("schemas", {}))
    if routes is not None:
        served = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule) for rule in routes}
        paths = {p: v for p, v in paths.items()
                 if p in served or p.startswith("/api/widgets/")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "SeeingML · The Chain Rule — chapter API", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


@bp.get("/api/openapi.json")
def openapi_json() -> Response:
    return current_app.extensions["openapi"].respond()


def describe(app: Flask) -> None:
    """Assemble and serve the description. Called last: it covers what every part
    contributed, and only the routes they registered."""
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    doc = document(app.extensions.get("openapi_parts", []), routes)
    body = json.dumps(doc, indent=1, ensure_ascii=False).encode()
    etag = hashlib.sha256(body).hexdigest()[:20]
    app.extensions["openapi"] = assets.Prepared(assets.encode(body), "application/json", etag,
                                                "public, max-age=300")
    app.register_blueprint(bp)
