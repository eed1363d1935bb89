"""The class dashboard at 100,000 attempts in one class (300 students), in process.

    PYTHONPATH=. python -m benchmarks.bench_dashboard [--attempts N] [--runs N]

Seeds a fresh SQLite file — and a throwaway PostgreSQL database when ``TEST_DATABASE_URL``
is set (made and dropped here) — by bulk inserts, then times through the Flask test client:
the dashboard page (the first request of the process also by its CPU time), ``data.json``
changed (no ``since``) and unchanged (``since`` the current version), and both CSVs read to
their last byte. Median of a few runs, after one warm-up.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = 300
ATTEMPTS = 100_000
RUNS = 5
TARGET_MS = 200


def seed(app, attempts: int, students: int = STUDENTS) -> str:
    """One class, ``students`` enrolled, ``attempts`` attempts (10 % practice variants)."""
    from instructors import keys
    from quizzes.bank import default_bank
    from store import classes
    from store.schema import attempts as table
    from store.schema import enrolments

    store = app.extensions["store"]
    key = keys.new_key()
    record = classes.create_class(store, "Bench 101", keys.new_token(), keys.hash_key(key))
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rng = random.Random(11)
    bank = default_bank()
    options = {qid: ([",".join(q.key), "b,a,c,d", "a,c,b,d"] if q.kind == "ordering"
                     else [c.id for c in q.choices]) for qid, q in bank.questions.items()}
    with store.engine.begin() as conn:
        conn.execute(enrolments.insert(), [
            {"class_id": record.id, "learner_id": f"learner-{n:04d}",
             "display_name": f"Student {n}", "joined_at": start} for n in range(students)])
    batch = []
    for i in range(attempts):
        qid = rng.choice(list(bank.questions))
        answer = rng.choice(options[qid])
        key_answer = options[qid][0] if bank.questions[qid].kind == "ordering" else (
            bank.questions[qid].key)
        right = answer == key_answer
        batch.append({"learner_id": f"learner-{rng.randrange(students):04d}",
                      "question_id": qid, "answer": answer, "score": 1.0 if right else 0.0,
                      "correct": right, "misconception": None if right else "bench",
                      "variant": "practice" if rng.random() < 0.1 else None,
                      "created_at": start + timedelta(seconds=i), "class_id": record.id})
        if len(batch) == 10_000:
            with store.engine.begin() as conn:
                conn.execute(table.insert(), batch)
            batch = []
    if batch:
        with store.engine.begin() as conn:
            conn.execute(table.insert(), batch)
    return f"/teach/{record.token}/{key}"


def timed(client, url: str, runs: int, before=None) -> float:
    """The median time in ms of GET ``url``, reading the whole body, after one warm-up;
    ``before()`` runs ahead of each request, untimed."""
    times = []
    for n in range(runs + 1):
        if before:
            before()
        began = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        took = (time.perf_counter() - began) * 1000
        assert response.status_code == 200 and body, (url, response.status_code)
        if n:
            times.append(took)
    return statistics.median(times)


def measure(database_url: str, folder: Path, attempts: int, runs: int) -> dict[str, float]:
    from tests.apps import make_app

    app = make_app(folder, DATABASE_URL=database_url)
    began = time.perf_counter()
    teach = seed(app, attempts)
    seeded = time.perf_counter() - began
    client = app.test_client()
    began, cpu = time.perf_counter(), time.process_time()
    assert client.get(teach).status_code == 200
    cold = (time.perf_counter() - began) * 1000
    cold_cpu = (time.process_time() - cpu) * 1000  # a loaded machine's neighbours move it less
    store = app.extensions["store"]

    def version() -> str:
        return client.get(teach + "/data.json").json["version"]

    def one_more() -> None:  # a student answers: the next poll has something new
        from store import NewAttempt
        store.record_attempt(NewAttempt("learner-0001", "q1", "e4", 0.0, False, "bench"))

    figures = {
        "dashboard, first in the process": cold,
        "dashboard, first in the process (CPU of this process)": cold_cpu,
        "dashboard": timed(client, teach, runs),
        "data.json (one new attempt)": timed(client, teach + "/data.json", runs, one_more),
        "data.json (unchanged)": timed(client, f"{teach}/data.json?since={version()}", runs),
        "roster.csv": timed(client, teach + "/roster.csv", runs),
        "attempts.csv": timed(client, teach + "/attempts.csv", runs),
    }
    app.extensions["store"].dispose()
    print(f"  seeded {attempts:,} attempts in {seeded:.1f} s", file=sys.stderr)
    return figures


def _pg_database(admin_url: str):
    from store import database_url

    admin = create_engine(database_url(admin_url, ""), isolation_level="AUTOCOMMIT")
    name = f"seeingml_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def run(attempts: int = ATTEMPTS, runs: int = RUNS) -> list[tuple[str, ...]]:
    sys.path.insert(0, str(ROOT))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results.append(("sqlite", measure(
            f"sqlite:///{folder / 'bench.sqlite'}", folder, attempts, runs)))
        admin_url = os.environ.get("TEST_DATABASE_URL", "")
        if admin_url:
            admin, name, url = _pg_database(admin_url)
            try:
                results.append(("postgresql", measure(url, folder, attempts, runs)))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    rows = []
    for backend, figures in results:
        for what, ms in figures.items():
            target = "streamed" if what.endswith(".csv") else f"< {TARGET_MS} ms"
            rows.append((f"dashboard {backend}", f"{what}, {attempts:,} attempts",
                         f"{ms:.1f} ms", target))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=ATTEMPTS)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    for row in run(args.attempts, args.runs):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
