"""Per-request cost inside the process, no server and no network: the WSGI app called in a
loop with a prepared environ. Shows what the app itself adds, apart from gunicorn."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

from app import create_app
from benchmarks.constant_app import app as constant_app
from web.fastpage import FastPage

CALLS = 3000


def per_request_us(wsgi, path: str = "/", headers: dict | None = None) -> float:
    environ = EnvironBuilder(path=path, headers=headers or {}).get_environ()

    def start_response(status, headers, exc_info=None):
        return None

    for _ in range(100):
        b"".join(wsgi(dict(environ), start_response))
    best = float("inf")
    for _ in range(3):  # best of three: the least disturbed by other work on the machine
        started = time.perf_counter()
        for _ in range(CALLS):
            b"".join(wsgi(dict(environ), start_response))
        best = min(best, (time.perf_counter() - started) / CALLS * 1e6)
    return best


def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "i" * 32,
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'i.sqlite'}"})
        layer = app.wsgi_app
        while not isinstance(layer, FastPage):
            layer = layer.app
        br = {"Accept-Encoding": "gzip, deflate, br"}
        figures = {
            "GET / anonymous (fast path)": per_request_us(app, headers=br),
            "GET / through Flask (no fast path)": per_request_us(layer.inner, headers=br),
            "constant Flask route": per_request_us(constant_app.wsgi_app),
            "GET /static/<hashed css>": per_request_us(
                app, "/static/" + app.extensions["assets"].by_name["css/chapter.css"].hashed,
                br),
        }
    return [("in-process", f"{name}, best of 3×{CALLS}", f"{us:,.1f} µs", "")
            for name, us in figures.items()]
