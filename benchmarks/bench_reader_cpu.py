"""CPU per request of a returning reader, in process: the WSGI app called in a loop, its own
CPU time counted (``time.process_time``), so a busy neighbour on the machine moves the figure
far less than it moves wrk's.

    PYTHONPATH=. python -m benchmarks.bench_reader_cpu [--calls 200]

SQLite in a temporary folder. Readers with 10 and with 1,990 stored attempts (bulk inserted,
then summarised as migration 0011 does); for each: GET / with their cookie (and apart, a
state's first view in the process), and a wrong answer POSTed to /api/checkpoint/q1
(stored: 200 readers per size, so none nears the 2,000 cap).
Beside them, in the same run: the anonymous GET / (in process the prepared bytes cost next
to nothing: no HTTP) and the constant app's POST /post. The req/s ratios against those are
bench_reader's and bench_grading's, under gunicorn; this one says where the CPU goes and
whether it grows with the history.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.test import EnvironBuilder

CALLS = 200
READERS = 200
SIZES = (10, 1990)
FIRST_VIEWS = 50  # the last readers of each size, timed on their first page before the rest
TARGETS = {"flat": 0.2}


GZIP = {"Accept-Encoding": "gzip, deflate, br"}  # what a browser sends


def _cpu_ms(wsgi, environs: list[dict]) -> float:
    """Mean CPU ms per call, cycling through ``environs`` (best of three passes)."""
    def start_response(status, headers, exc_info=None):
        assert status.startswith(("200", "303")), status

    def fresh(environ: dict) -> dict:  # a body is read once: each call gets its own
        return {**environ, "wsgi.input": io.BytesIO(environ["body"])}

    for environ in environs[:20]:
        b"".join(wsgi(fresh(environ), start_response))
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for n in range(CALLS):
            b"".join(wsgi(fresh(environs[n % len(environs)]), start_response))
        best = min(best, (time.process_time() - started) / CALLS * 1000)
    return best


def _first_ms(wsgi, environs: list[dict]) -> float:
    """Mean CPU ms of each reader's first page in this process (their state not yet seen:
    rendered by Flask's route, the fast path keeps it)."""
    def start_response(status, headers, exc_info=None):
        assert status.startswith("200"), status
    started = time.process_time()
    for environ in environs:
        b"".join(wsgi({**environ, "wsgi.input": io.BytesIO(b"")}, start_response))
    return (time.process_time() - started) / len(environs) * 1000


def _environ(path: str, cookie: str | None = None, body: dict | None = None,
             **extra: str) -> dict:
    headers = {"Cookie": f"session={cookie}", **extra} if cookie else dict(extra)
    if body is None:
        return {**EnvironBuilder(path=path, headers=headers).get_environ(), "body": b""}
    data = json.dumps(body).encode()
    return {**EnvironBuilder(path=path, method="POST", headers=headers, data=data,
                             content_type="application/json").get_environ(), "body": data}


def measure() -> dict[str, float]:
    from app import create_app
    from benchmarks.bench_grading import attempt_rows, bulk_insert
    from benchmarks.bench_reader import rebuild
    from benchmarks.constant_app import app as constant_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "c" * 40,
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'cpu.sqlite'}",
                          "ANSWERS_PER_MINUTE_LEARNER": 10**9,
                          "ANSWERS_PER_MINUTE_ADDRESS": 10**9})
        store = app.extensions["store"]
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        cookies: dict[int, list[str]] = {}
        for size in SIZES:
            client = None
            cookies[size], learners = [], []
            for _ in range(READERS):
                client = app.test_client()
                client.post("/api/checkpoint/q1", json={"answer": "e4"})
                cookies[size].append(client.get_cookie("session").value)
                with client.session_transaction() as session:
                    learners.append(session["learner"])
            bulk_insert(store, attempt_rows(learners, size - 1, start, size))
        rebuild(store)
        wrong = {"answer": "e4"}
        figures = {
            "anonymous page": _cpu_ms(app, [_environ("/")]),
            "constant POST": _cpu_ms(constant_app.wsgi_app, [_environ("/post", body=wrong)]),
        }
        for size in SIZES:
            figures[f"page {size}, a state's first view"] = _first_ms(
                app, [_environ("/", c) for c in cookies[size][-FIRST_VIEWS:]])
            figures[f"page {size}"] = _cpu_ms(app, [_environ("/", c) for c in cookies[size]])
            figures[f"page {size}, gzipped"] = _cpu_ms(
                app, [_environ("/", c, **GZIP) for c in cookies[size]])
            figures[f"answer {size}"] = _cpu_ms(
                app, [_environ("/api/checkpoint/q1", c, wrong) for c in cookies[size]])
        client = app.test_client()
        client.set_cookie("session", cookies[SIZES[0]][0])
        for name, headers in (("as it is", {}), ("gzipped", GZIP)):
            size = len(client.get("/", headers=headers).get_data())
            figures[f"page bytes, {name}"] = size / 1000
        store.dispose()
    return figures


def run() -> list[tuple[str, str, str, str]]:
    figures = measure()
    rows = [("reader cpu", f"{name}, mean of {FIRST_VIEWS if 'first' in name else CALLS}",
             f"{ms:.3f} ms CPU", "") for name, ms in figures.items() if "bytes" not in name]
    rows += [("reader cpu", f"a returning reader's {name} (sent)", f"{kb:.1f} KB", "")
             for name, kb in figures.items() if "bytes" in name]
    for what in ("page", "answer"):
        low, high = (figures[f"{what} {size}"] for size in SIZES)
        change = abs(high - low) / low
        rows.append(("reader cpu", f"{what}: {SIZES[1]} vs {SIZES[0]} attempts",
                     f"{change * 100:.0f} % apart",
                     f"≤ 20 % {'ok' if change <= TARGETS['flat'] else 'MISSED'}"))
    return rows


def main() -> None:
    global CALLS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS)
    CALLS = parser.parse_args().calls
    for row in run():
        print(" | ".join(row))


if __name__ == "__main__":
    main()
