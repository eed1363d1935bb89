"""API latency under concurrency: widgets at their largest parameters, grading with storage.

Each endpoint is hit by wrk (16 connections, a few seconds) against gunicorn with 2 workers:
the widget endpoints with the parameters that make the most work, and the grading endpoint
storing every attempt — in SQLite (the default file) and in PostgreSQL when one is reachable
(``BENCH_DATABASE_URL``, default the local test server; the benchmark makes and drops its
own database there). Reports requests/s and p50/p99 latency.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from benchmarks import servers, wrk

SECONDS = 5
CONNECTIONS = 16
WIDGETS = {
    "nudge": "fn=exp_square&x=5&w=5&dx=2",
    "backprop": "x=5&w1=5&w2=5&target=5&steps=50",
    "vanishing chain": "depth=50&activation=sigmoid&compare=relu&weight=5&x=5&residual=1",
    "vanishing network": ("depth=50&activation=sigmoid&compare=relu&mode=network&width=64"
                          "&residual=1"),
}
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql://seeingml:seeingml@127.0.0.1:5432/seeingml_test")


def _admin(sql: str, admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_postgres(name: str, admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[str | None]:
    """A fresh database for one run, dropped afterwards; None when no server answers."""
    try:
        _admin(f'DROP DATABASE IF EXISTS "{name}"', admin_url)
        _admin(f'CREATE DATABASE "{name}"', admin_url)
    except Exception:  # no server here: the PostgreSQL rows are skipped, said so in the table
        yield None
        return
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", admin_url)
    finally:
        with contextlib.suppress(Exception):
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_url)


def first_choice(base: str, qid: str = "q1") -> str:
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        page = response.read().decode()
    form = re.search(rf'<form[^>]*id="{qid}".*?</form>', page, re.S).group(0)
    return re.search(r'name="answer" value="([^"]+)"', form).group(1)


def _row(name: str, result: wrk.WrkResult) -> tuple[str, str, str, str]:
    return ("api", name, f"{result.requests_per_s:,.0f} req/s, p50 {result.p50_ms:.1f} ms, "
            f"p99 {result.p99_ms:.1f} ms", f"errors {result.errors}")


def grading_rows(label: str, env: dict[str, str]) -> list[tuple[str, str, str, str]]:
    with servers.gunicorn("app:create_app()", env) as server:
        answer = first_choice(server.url)
        result = wrk.run(server.url + "/api/checkpoint/q1", SECONDS, CONNECTIONS,
                         method="POST", body=json.dumps({"answer": answer}))
    return [_row(f"POST /api/checkpoint/q1, attempt stored in {label}", result)]


def run() -> list[tuple[str, str, str, str]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="seeingml-api-") as tmp:
        env = servers.app_env(Path(tmp))
        with servers.gunicorn("app:create_app()", env) as server:
            for name, query in WIDGETS.items():
                path = f"/api/widgets/{name.split()[0]}?{query}"
                result = wrk.run(server.url + path, SECONDS, CONNECTIONS)
                rows.append(_row(f"GET {path[:60]}", result))
        rows += grading_rows("SQLite", env)
        with scratch_postgres("seeingml_bench_api") as url:
            if url is None:
                rows.append(("api", "grading with PostgreSQL", "skipped: no server", ""))
            else:
                rows += grading_rows("PostgreSQL", servers.app_env(Path(tmp), url))
    return rows
