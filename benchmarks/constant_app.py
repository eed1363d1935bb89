"""The floor of this stack: Flask under the same gunicorn settings, returning a constant.

``/`` returns the bytes in ``CONSTANT_BODY_FILE`` (the chapter page, so both move the same
number of bytes); ``/tiny`` returns two bytes; ``POST /post`` reads the request body and
returns a small constant JSON (the floor for a JSON answer).
Run: ``gunicorn benchmarks.constant_app:app``.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, request

_file = os.environ.get("CONSTANT_BODY_FILE")
BODY = Path(_file).read_bytes() if _file else b"ok"

app = Flask(__name__)


@app.get("/")
def constant() -> Response:
    return Response(BODY, mimetype="text/html")


@app.get("/tiny")
def tiny() -> Response:
    return Response(b"ok", mimetype="text/plain")


@app.post("/post")
def post() -> Response:
    request.get_data()
    return Response(b'{"ok": true}', mimetype="application/json")
