"""The OpenAPI description of Differentiate it yourself's routes (quizzes/typed_routes.py)."""

from __future__ import annotations

from web import openapi


def _post(summary: str, request: str, response: str, *codes: int) -> dict:
    return {"post": {
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "$ref": f"#/components/schemas/{request}"}}}},
        "responses": {"200": {"description": summary, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{response}"}}}},
            **openapi.error_responses(*codes)}}}


def openapi_part() -> dict:
    text = {"type": "string"}
    return {"paths": {
        "/api/checkpoint/d1/variant": {"get": {
            "summary": "A fresh y = f(g(x)) to differentiate, with a signed token",
            "responses": {"200": {"description": "The question", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/TypedVariant"}}}},
                **openapi.error_responses(503)}}},
        "/api/checkpoint/d1/preview": _post(
            "The expression as understood (no session, nothing stored); 422 with the "
            "position of what could not be read", "TypedAnswer", "TypedPreview",
            400, 413, 415, 422, 429),
        "/api/checkpoint/d1": _post(
            "Grade a typed derivative by meaning and store the attempt; unreadable text is "
            "422, not an attempt", "TypedAnswer", "Grade", 400, 413, 415, 422, 429),
        "/api/checkpoint/d1/hint": _post("The next hint (stored as help)", "Help", "Hint",
                                         400, 413, 415, 422, 429),
        "/api/checkpoint/d1/reveal": _post(
            "The derivative and its worked solution; the reveal is recorded", "Help",
            "Reveal", 400, 413, 415, 422, 429, 503),
    }, "schemas": {
        "TypedVariant": {"type": "object", "required": [
            "token", "prompt_html", "function", "inner", "outer"], "properties": {
            "token": text, "prompt_html": text, "function": text, "inner": text,
            "outer": text, "format": text}},
        "TypedAnswer": {"type": "object", "required": ["answer"], "properties": {
            "answer": {"type": "string", "maxLength": 200}, "token": text}},
        "TypedPreview": {"type": "object", "required": ["mathml", "speech", "reading"],
                         "properties": {"mathml": text, "speech": text, "reading": text}},
    }}
