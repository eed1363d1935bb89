"""Durable grading throughput: POST /api/checkpoint/q1 under gunicorn beside a constant route.

    PYTHONPATH=. python -m benchmarks.bench_grading [--db sqlite,postgres] [--seed 1000000]
                                                    [--seconds 5] [--rounds 2]

An answer is acknowledged (200, ``saved: true``) only after its transaction has committed
(``Store.record_attempt``). Per database, one gunicorn for the app and one for
``benchmarks/constant_app.py`` (``POST /post``: reads the body, returns a constant JSON), both
2 gthread workers × 4 threads (``--workers sync``: 2 sync workers) on loopback, hit by wrk
(16 connections) in alternating rounds:

  empty       attempts table empty; no cookie, so every answer is a new learner
  1M          after bulk-inserting ``--seed`` attempts (SQLAlchemy Core, 10 per learner over
              ``seed / 10`` learners); new learners again
  history 10  200 learners with 10 stored attempts each, their cookies rotated by wrk
  history 1850  200 learners with 1,850 stored attempts each (stay below the 2,000 cap
              during the run); same requests — the per-answer cost should not grow
  at cap      one learner at the 2,000-attempt cap: graded, not stored (``saved: false``)

The app's answer limits (30 a minute per learner, 300 per address, per worker) would refuse
most of this; each server's ``instance/config.py`` raises ANSWERS_PER_MINUTE_LEARNER and
ANSWERS_PER_MINUTE_ADDRESS to 10⁹ (the app reads them from its config, not the environment).
Every run counts the rows the database gained: "stored/s" (durable answers) is that count over
the run's seconds; it is what the ratio to the constant route uses, except at the cap.
Each run also reads the CPU its server's workers used (``/proc``), a request: a shared
machine moves requests a second far more than that, and the constant route's CPU over an
answer's is the ratio the answers could reach with the machine to themselves (on PostgreSQL,
without the server's own CPU, which runs in its processes).
PostgreSQL: a throwaway database on ``BENCH_DATABASE_URL`` (default the local test server),
dropped afterwards; ANALYZE (every table) after seeding, as autovacuum would soon do.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import time
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from benchmarks import servers, wrk
from benchmarks.bench_api import first_choice, scratch_postgres
from benchmarks.bench_reader import rebuild

CONNECTIONS = 16
WORKERS = {"gthread": ("--worker-class", "gthread", "--threads", "4"), "sync": ()}
TARGET_RATIO = {"SQLite": 0.3, "PostgreSQL": 0.1}  # stored/s ÷ the constant route
CAP = 2000
HISTORY_LEARNERS = 200
SHORT, LONG = 10, 1850


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def learner_of(cookie: str) -> str:
    """The learner id in a Flask session cookie (signed, not encrypted)."""
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if cookie.startswith(".") else data)["learner"]


def answer_once(port: int, answer: str) -> tuple[dict, str]:
    """One answer from a new reader: the JSON and the session cookie it was given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/checkpoint/q1", json.dumps({"answer": answer}),
                     {"Content-Type": "application/json"})
        response = conn.getresponse()
        body = json.loads(response.read())
        cookie = response.getheader("Set-Cookie", "").split(";")[0].removeprefix("session=")
        assert response.status == 200, (response.status, body)
        return body, cookie
    finally:
        conn.close()


def rotate_cookies(cookies: list[str]) -> str:
    """wrk Lua: each request carries the next learner's session cookie."""
    listed = ",\n".join(f'  "session={c}"' for c in cookies)
    return f"""
local cookies = {{
{listed}
}}
local i = math.random(#cookies)
request = function()
  i = i % #cookies + 1
  wrk.headers["Cookie"] = cookies[i]
  return wrk.format()
end
"""


def bulk_insert(store, rows, batch: int = 10_000) -> None:
    from store.schema import attempts

    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == batch:
            with store.engine.begin() as conn:
                conn.execute(attempts.insert(), chunk)
            chunk = []
    if chunk:
        with store.engine.begin() as conn:
            conn.execute(attempts.insert(), chunk)


def attempt_rows(learners: list[str], each: int, start: datetime, seed: int):
    rng = random.Random(seed)
    qids = ["q1", "q2", "q3", "q4"]
    n = 0
    for learner in learners:
        for _ in range(each):
            right = rng.random() < 0.6
            yield {"learner_id": learner, "question_id": rng.choice(qids), "variant": None,
                   "answer": "bench", "score": 1.0 if right else 0.0, "correct": right,
                   "misconception": None if right else "bench", "class_id": None,
                   "created_at": start + timedelta(milliseconds=n)}
            n += 1


def count_rows(store) -> int:
    from store.schema import attempts

    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(attempts)).scalar_one()


def measure(label: str, url: str, instance: Path, seed_rows: int, seconds: int,
            rounds: int, worker: str = "gthread") -> list[dict]:
    from store import Store, database_url

    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("ANSWERS_PER_MINUTE_LEARNER = 1_000_000_000\n"
                                        "ANSWERS_PER_MINUTE_ADDRESS = 1_000_000_000\n")
    env = servers.app_env(instance, url)
    results: list[dict] = []
    store = Store(database_url(url, str(instance)))
    args = WORKERS[worker]
    with servers.gunicorn("app:create_app()", env, extra_args=args) as app, \
            servers.gunicorn("benchmarks.constant_app:app", env, extra_args=args,
                             ready_path="/tiny") as constant:
        answer = first_choice(app.url)
        body = json.dumps({"answer": answer})
        probe, _ = answer_once(app.port, answer)
        assert probe["saved"] is True and isinstance(probe["attempt"], int), probe

        def hit(name: str, target: str, lua: str = "", stored_expected: bool = True) -> None:
            before = count_rows(store) if target == "app" else 0
            server = app if target == "app" else constant
            base = app.url + "/api/checkpoint/q1" if target == "app" else constant.url + "/post"
            cpu_before = servers.workers_cpu_s(server.proc.pid)
            r = wrk.run(base, seconds, CONNECTIONS, method="POST", body=body, lua=lua)
            cpu = (servers.workers_cpu_s(server.proc.pid) - cpu_before) / max(r.requests, 1)
            time.sleep(1.0)  # answers in flight when wrk stopped commit before the count
            gained = count_rows(store) - before if target == "app" else None
            results.append({"db": label, "case": name, "rps": r.requests_per_s,
                            "p50": r.p50_ms, "p99": r.p99_ms, "requests": r.requests,
                            "errors": r.errors, "stored": gained, "load": load(),
                            "cpu_ms": cpu * 1000,
                            "seconds": seconds, "workers": worker,
                            "stored_expected": stored_expected})
            print(f"  {label} {name}: {r.requests_per_s:,.0f} req/s p50 {r.p50_ms:.1f} "
                  f"p99 {r.p99_ms:.1f} ms, {cpu * 1000:.3f} ms of worker CPU a request, "
                  f"{r.requests} answers, stored {gained}, "
                  f"errors {r.errors}, load {load()}", file=sys.stderr, flush=True)

        for _ in range(rounds):
            hit("constant", "constant")
            hit("empty", "app")

        began = time.perf_counter()
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        bulk_insert(store, attempt_rows([f"seed-{n:06d}" for n in range(seed_rows // 10)], 10,
                                        start, 1))
        short, long, capped = [], [], []
        for group, size in ((short, HISTORY_LEARNERS), (long, HISTORY_LEARNERS), (capped, 1)):
            for _ in range(size):
                group.append(answer_once(app.port, answer)[1])
        bulk_insert(store, attempt_rows([learner_of(c) for c in short], SHORT - 1, start, 2))
        bulk_insert(store, attempt_rows([learner_of(c) for c in long], LONG - 1, start, 3))
        bulk_insert(store, attempt_rows([learner_of(capped[0])], CAP - 1, start, 4))
        rebuild(store)  # the summaries from the rows (counted already where a trigger does)
        if store.engine.dialect.name == "postgresql":
            with store.engine.connect() as conn:
                conn.execute(text("ANALYZE"))  # every table the seeding wrote
                conn.commit()
        total = count_rows(store)
        print(f"  {label}: seeded to {total:,} rows in {time.perf_counter() - began:.0f} s",
              file=sys.stderr, flush=True)
        at_cap, _ = answer_once_with(app.port, answer, capped[0])
        assert at_cap["saved"] is False and at_cap["notice"], at_cap

        for _ in range(rounds):
            hit("constant", "constant")
            hit("1M", "app")
            hit(f"history {SHORT}", "app", rotate_cookies(short))
            hit(f"history {LONG}", "app", rotate_cookies(long))
            hit("at cap", "app", rotate_cookies(capped), stored_expected=False)
        for row in results:
            row["rows"] = total if row["case"] != "empty" else 0
    store.dispose()
    return results


def answer_once_with(port: int, answer: str, cookie: str) -> tuple[dict, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", "/api/checkpoint/q1", json.dumps({"answer": answer}),
                     {"Content-Type": "application/json", "Cookie": f"session={cookie}"})
        response = conn.getresponse()
        return json.loads(response.read()), response.status
    finally:
        conn.close()


def summarise(results: list[dict]) -> list[tuple[str, str, str, str]]:
    rows = []
    for db in dict.fromkeys(r["db"] for r in results):
        mine = [r for r in results if r["db"] == db]
        phases = {"before seeding": mine[: [r["case"] for r in mine].index("1M") - 1],
                  "after seeding": mine[[r["case"] for r in mine].index("1M") - 1:]}
        for phase, runs in phases.items():
            constant = statistics.mean(r["rps"] for r in runs if r["case"] == "constant")
            constant_cpu = statistics.mean(r["cpu_ms"] for r in runs if r["case"] == "constant")
            rows.append((f"grading {db}", f"constant POST route ({phase})",
                         f"{constant:,.0f} req/s, {constant_cpu:.3f} ms of worker CPU a "
                         "request", ""))
            for case in dict.fromkeys(r["case"] for r in runs if r["case"] != "constant"):
                these = [r for r in runs if r["case"] == case]
                rps = statistics.mean(r["rps"] for r in these)
                stored = sum(r["stored"] for r in these)
                answered = sum(r["requests"] for r in these)
                errors = sum(r["errors"] for r in these)
                durable = stored / sum(r["seconds"] for r in these)
                # the durable rate counts stored answers; at the cap none is stored by design
                ratio = (rps if case == "at cap" else durable) / constant
                # steadier on a shared machine than requests a second: how many times the
                # constant route's worker CPU one answer costs (the ceiling of the ratio)
                cpu = statistics.mean(r["cpu_ms"] for r in these)
                rows.append((
                    f"grading {db} ({these[0]['workers']})",
                    f"{case}, {these[0]['rows']:,} rows",
                    f"{rps:,.0f} answers/s, {durable:,.0f} stored/s = {ratio:.2f}× constant, p50 "
                    f"{statistics.mean(r['p50'] for r in these):.1f} ms, p99 "
                    f"{max(r['p99'] for r in these):.1f} ms; worker CPU {cpu:.3f} ms an "
                    f"answer = {constant_cpu / cpu:.2f}× by CPU; {answered} answers, {stored} "
                    f"stored, {errors} errors; load {these[-1]['load']}",
                    f"≥ {TARGET_RATIO.get(db, 0.3)}× "
                    f"{'ok' if ratio >= TARGET_RATIO.get(db, 0.3) else 'MISSED'}"))
    return rows


def run(dbs: str = "sqlite,postgres", seed_rows: int = 1_000_000, seconds: int = 5,
        rounds: int = 2, worker: str = "gthread") -> list[tuple[str, str, str, str]]:
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="seeingml-grading-") as tmp:
        for db in dbs.split(","):
            instance = Path(tmp) / db
            if db == "sqlite":
                results += measure("SQLite", f"sqlite:///{instance / 'bench.sqlite'}",
                                   instance, seed_rows, seconds, rounds, worker)
                continue
            with scratch_postgres("seeingml_bench_grading") as url:
                if url is None:
                    print("  PostgreSQL: no server answered; skipped", file=sys.stderr)
                    continue
                results += measure("PostgreSQL", url, instance, seed_rows, seconds, rounds, worker)
    (servers.ROOT / "artifacts").mkdir(exist_ok=True)
    (servers.ROOT / "artifacts" / "grading.json").write_text(json.dumps(results, indent=1))
    return summarise(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", choices=sorted(WORKERS), default="gthread",
                        help="gunicorn worker class for both servers (2 workers)")
    args = parser.parse_args()
    with contextlib.suppress(BrokenPipeError):
        for row in run(args.db, args.seed, args.seconds, args.rounds, args.workers):
            print(" | ".join(row))
    print(f"load average {load()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
