"""While storage hangs: latency of pages, widgets and answers when the database stalls.

    PYTHONPATH=. python -m benchmarks.bench_stall [--db sqlite,postgres] [--requests 200]
                                                  [--limit 20] [--workers gthread,sync]

Two stalls, each with the app started under gunicorn (2 workers) on loopback after the stall
began, beside the same mix with storage healthy, in one run:

  SQLite      another process holds ``BEGIN IMMEDIATE`` on the same file (the write lock; it
              gives it up when this benchmark ends, or after 120 s by itself)
  PostgreSQL  DATABASE_URL points at a loopback TCP listener that accepts connections and never
              answers; the healthy run uses a throwaway database on the local server; and
              "frozen mid-connection": the app reaches that database through a relay
              (tests/relay.py) that stops forwarding once every worker holds live connections

Four kinds of request run at once, each from 2 keep-alive connections (http.client), 200
requests per kind or ``--limit`` seconds, whichever comes first:

  page        anonymous ``GET /``
  widget      ``GET /api/widgets/nudge?fn=sigmoid&x=1&w=2``
  reader      ``GET /`` with the session cookie of a learner who answered before the stall
  answer      ``POST /api/checkpoint/q1`` (JSON) from that learner: must be 503 with
              ``saved: false`` and the "Not saved" sentence while storage hangs

Targets: page, widget and reader p99 < 250 ms; answers say "not saved" within 1 s (p99).
The app's answer limits are raised in each server's ``instance/config.py`` (the app reads
ANSWERS_PER_MINUTE_LEARNER / _ADDRESS from its config): one learner answers ~10 times a second.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks import servers
from benchmarks.bench_api import first_choice, scratch_postgres
from tests.relay import Relay

CONNECTIONS_PER_KIND = 2
PAGE_P99_MS, ANSWER_P99_MS = 250.0, 1000.0
WIDGET = "/api/widgets/nudge?fn=sigmoid&x=1&w=2"
HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=5)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO guess_misses (bucket, misses, last_miss, blocked_until) "
             "VALUES ('bench-lock', 0, 0, 0)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


class Blackhole:
    """A loopback TCP listener that accepts every connection and never says a word."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = self.sock.accept()
                self.held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


@contextlib.contextmanager
def sqlite_write_locked(path: Path, seconds: float = 120.0):
    """Another process holding the file's write lock (BEGIN IMMEDIATE plus a write)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "locked", "the lock holder did not lock"
        probe = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            raise AssertionError("the write lock is not held")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
        finally:
            probe.close()
        yield proc
    finally:
        servers.stop(proc)


def answer_cookie(port: int, answer: str) -> tuple[str, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/checkpoint/q1", json.dumps({"answer": answer}),
                     {"Content-Type": "application/json"})
        response = conn.getresponse()
        body = json.loads(response.read())
        return response.getheader("Set-Cookie", "").split(";")[0], body
    finally:
        conn.close()


def hammer(port: int, kind: str, cookie: str, body: str, count: int, deadline: float,
           out: dict) -> None:
    """One keep-alive connection doing ``count`` requests of one kind, or until deadline."""
    method, path, headers, payload = {
        "page": ("GET", "/", {}, None),
        "widget": ("GET", WIDGET, {}, None),
        "reader": ("GET", "/", {"Cookie": cookie}, None),
        "answer": ("POST", "/api/checkpoint/q1",
                   {"Cookie": cookie, "Content-Type": "application/json"}, body),
    }[kind]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for _ in range(count):
            if time.monotonic() > deadline:
                out["stopped"] += 1
                break
            began = time.perf_counter()
            try:
                conn.request(method, path, payload, headers)
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                out["errors"].append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            out["ms"].append((time.perf_counter() - began) * 1000)
            out["status"][response.status] = out["status"].get(response.status, 0) + 1
            if kind == "answer" and response.status in (200, 503):
                grade = json.loads(data)
                out["saved"] += response.status == 200 and grade.get("saved") is True
                out["not_saved_notice"] += (response.status == 503
                                            and grade.get("saved") is False
                                            and grade.get("error", "").startswith("Not saved"))
            if kind == "reader" and response.status == 200:
                out["reader_notice"] += b"could not be loaded" in data or b"not loaded" in data
    finally:
        conn.close()


def mix(port: int, cookie: str, body: str, requests: int, limit: float) -> dict:
    kinds = ("page", "widget", "reader", "answer")
    out = {k: {"ms": [], "status": {}, "errors": [], "saved": 0, "not_saved_notice": 0,
               "reader_notice": 0, "stopped": 0} for k in kinds}
    deadline = time.monotonic() + limit
    threads = [threading.Thread(target=hammer, args=(port, k, cookie, body,
                                                     requests // CONNECTIONS_PER_KIND,
                                                     deadline, out[k]))
               for k in kinds for _ in range(CONNECTIONS_PER_KIND)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(limit + 15)
    out["seconds"] = time.monotonic() - began
    return out


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def case(label: str, state: str, worker: str, env: dict, answer: str, cookie: str,
         requests: int, limit: float, relay=None) -> list[dict]:
    """With ``relay``, the server starts with storage healthy, every worker stores answers
    (so each holds live connections), then the relay freezes mid-connection."""
    extra = ("--worker-class", "gthread", "--threads", "4") if worker == "gthread" else ()
    started = time.monotonic()
    with servers.gunicorn("app:create_app()", env, workers=2, extra_args=extra) as server:
        boot = time.monotonic() - started
        if relay is not None:
            for _ in range(8):
                assert answer_cookie(server.port, answer)[1].get("saved") is True
            relay.frozen.set()
        try:
            out = mix(server.port, cookie, json.dumps({"answer": answer}), requests, limit)
        finally:
            if relay is not None:
                relay.frozen.clear()
    rows = []
    for kind in ("page", "widget", "reader", "answer"):
        o = out[kind]
        rows.append({"db": label, "storage": state, "workers": worker, "kind": kind,
                     "n": len(o["ms"]), "p50": pct(o["ms"], 50), "p99": pct(o["ms"], 99),
                     "max": max(o["ms"], default=float("nan")), "status": o["status"],
                     "errors": len(o["errors"]), "saved": o["saved"],
                     "not_saved_notice": o["not_saved_notice"],
                     "reader_notice": o["reader_notice"], "boot_s": boot,
                     "seconds": out["seconds"], "load": load()})
        print(f"  {label} {state} {worker} {kind}: n={len(o['ms'])} p50 {rows[-1]['p50']:.1f}"
              f" p99 {rows[-1]['p99']:.1f} max {rows[-1]['max']:.1f} ms {o['status']} "
              f"errors {len(o['errors'])} saved {o['saved']} not-saved+notice "
              f"{o['not_saved_notice']} reader-notice {o['reader_notice']} "
              f"(boot {boot:.1f} s, load {load()})", file=sys.stderr, flush=True)
    return rows


def instance_with_limits(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.py").write_text("ANSWERS_PER_MINUTE_LEARNER = 1_000_000_000\n"
                                      "ANSWERS_PER_MINUTE_ADDRESS = 1_000_000_000\n")
    return folder


def earlier_answer(env: dict) -> tuple[str, str]:
    """A reader who answered while storage was up: their cookie, and q1's first choice."""
    with servers.gunicorn("app:create_app()", env, workers=1) as server:
        answer = first_choice(server.url)
        cookie, body = answer_cookie(server.port, answer)
        assert body.get("saved") is True, body
    return answer, cookie


def measure_all(dbs: str = "sqlite,postgres", requests: int = 200, limit: float = 20.0,
                workers: str = "gthread,sync") -> list[dict]:
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="seeingml-stall-") as tmp:
        for db in dbs.split(","):
            instance = instance_with_limits(Path(tmp) / db)
            if db == "sqlite":
                db_file = instance / "bench.sqlite"
                env = servers.app_env(instance, f"sqlite:///{db_file}")
                answer, cookie = earlier_answer(env)
                for worker in workers.split(","):
                    rows += case("SQLite", "healthy", worker, env, answer, cookie, requests,
                                 limit)
                    with sqlite_write_locked(db_file):
                        rows += case("SQLite", "write-locked by another process", worker, env,
                                     answer, cookie, requests, limit)
                continue
            with scratch_postgres("seeingml_bench_stall") as url:
                if url is None:
                    print("  PostgreSQL: no server; skipped", file=sys.stderr)
                    continue
                env = servers.app_env(instance, url)
                answer, cookie = earlier_answer(env)
                hole = Blackhole()
                target = make_url(url)
                relay = Relay(target.host or "127.0.0.1", target.port or 5432)
                frozen = dict(env, DATABASE_URL=target.set(host="127.0.0.1", port=relay.port)
                              .render_as_string(hide_password=False))
                try:
                    hung = dict(env, DATABASE_URL=(
                        f"postgresql://seeingml:seeingml@127.0.0.1:{hole.port}/seeingml_test"))
                    for worker in workers.split(","):
                        rows += case("PostgreSQL", "healthy", worker, env, answer, cookie,
                                     requests, limit)
                        rows += case("PostgreSQL", "listener that never answers", worker,
                                     hung, answer, cookie, requests, limit)
                        rows += case("PostgreSQL", "frozen mid-connection", worker, frozen,
                                     answer, cookie, requests, limit, relay=relay)
                finally:
                    hole.close()
                    relay.close()
    (servers.ROOT / "artifacts").mkdir(exist_ok=True)
    (servers.ROOT / "artifacts" / "stall.json").write_text(json.dumps(rows, indent=1))
    return rows


def verdict(row: dict) -> str:
    limit = ANSWER_P99_MS if row["kind"] == "answer" else PAGE_P99_MS
    ok = row["p99"] < limit and row["errors"] == 0
    if row["kind"] == "answer" and row["storage"] != "healthy":
        ok = ok and row["not_saved_notice"] == row["n"] and row["status"] == {503: row["n"]}
    return f"< {limit:.0f} ms {'ok' if ok else 'MISSED'}"


def run() -> list[tuple[str, str, str, str]]:
    """For ``python -m benchmarks stall``: one row per database, storage, workers and kind."""
    return [(f"stall {r['db']}", f"{r['storage']}, {r['workers']}, {r['kind']}",
             f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, n {r['n']}, {r['status']}"
             + (f", not saved with notice {r['not_saved_notice']}" if r["kind"] == "answer"
                else ""),
             verdict(r) if r["storage"] != "healthy" else "")
            for r in measure_all()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--limit", type=float, default=20.0)
    parser.add_argument("--workers", default="gthread,sync")
    args = parser.parse_args()
    print("| db | storage | workers | request | n | p50 ms | p99 ms | max ms | statuses | "
          "answers saved / not-saved with notice | target p99 | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in measure_all(args.db, args.requests, args.limit, args.workers):
        answers = (f"{r['saved']} / {r['not_saved_notice']}" if r["kind"] == "answer" else
                   (f"reader notice {r['reader_notice']}" if r["kind"] == "reader" else ""))
        print(f"| {r['db']} | {r['storage']} | {r['workers']} | {r['kind']} | {r['n']} | "
              f"{r['p50']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {r['status']} | {answers} | "
              f"{verdict(r) if r['storage'] != 'healthy' else '-'} | {r['load']} |")
    print(f"load average {load()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
