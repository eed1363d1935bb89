"""A class at once: simulated students against gunicorn, with SQLite and with PostgreSQL,
then faults. Stops by itself (every phase has a time limit) and prints one table.

    python scripts/load_test.py [--students 300] [--db sqlite,postgres] [--workers 4]
                                [--no-faults] [--time-limit 900]

Each student, concurrently (arriving within --start-by seconds, 60 by default: the class
told "open the chapter now"; thinking up to --pause seconds, 3, between actions): loads the
page and everything it links (and plotly.js, as opening a figure does), opens the three
widgets twice each, answers all four checkpoint questions (about half answer wrong first),
then reads its progress. ``--start-by 10 --pause 0.5`` is a harsher burst. Per database:

  class      the whole class, nothing going wrong — errors must be 0
  kill -9    the whole class again, one gunicorn worker killed with SIGKILL mid-way — every
             acknowledged attempt must still be stored
  storage    the database made unavailable (SQLite: file and folder made immutable with
  down       chattr +i, which binds root too; PostgreSQL: a server this script started in its
             own data directory, stopped mid-way) — the page and widgets must keep working,
             grading must still answer, saying "progress not saved"
  restart    the database back, gunicorn restarted — every acknowledged attempt stored, and
             students' progress reads back

"Acknowledged" means the server answered 200 with saved=true and an attempt id; "stored" is
what the database holds afterwards, read through store.py. Loopback only.

A whole class answers from one address (127.0.0.1), faster than the app's per-address answer
limit allows (ANSWERS_PER_MINUTE_ADDRESS, 300 a minute per worker). The app reads those limits
from its config only (web/security.py), not from the environment, so each server here gets an
``instance/config.py`` raising ANSWERS_PER_MINUTE_ADDRESS and ANSWERS_PER_MINUTE_LEARNER to
``--answers-per-minute`` (default 1,000,000): the test measures storage, not the flood guard.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import servers  # noqa: E402
from quizzes.bank import default_bank  # noqa: E402
from store import Store, database_url  # noqa: E402

SHARED_PG = os.environ.get("LOAD_DATABASE_URL",
                           "postgresql://seeingml:seeingml@127.0.0.1:5432/seeingml_test")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
WIDGET_QUERIES = {
    "nudge": ["fn=sigmoid&x=1&w=2", "fn=sin_square&x=2&w=1", "fn=exp_square&x=1.5&w=1"],
    "backprop": ["x=2&w1=0.5&w2=1.2&target=1", "x=1&w1=-1&w2=2&target=0&steps=10"],
    "vanishing": ["depth=10&activation=sigmoid", "depth=30&activation=relu&residual=1",
                  "depth=50&activation=tanh"],
}
REQUEST_TIMEOUT = 60.0
Ack = tuple[str, str, int]  # learner, question, nth attempt at it


# --- what students do ----------------------------------------------------------------------

@dataclass
class Tally:
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acked: set[Ack] = field(default_factory=set)
    not_saved: int = 0
    not_saved_with_notice: int = 0
    graded: int = 0
    learners: dict[int, httpx.Cookies] = field(default_factory=dict)

    def p(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] \
            if len(self.latencies) > 1 else self.latencies[0]


def answers_for(question, rng: random.Random) -> list[object]:
    """Some wrong first, then right: what a class does."""
    if question.kind == "ordering":
        right = list(question.key)
        wrong = right[:]
        wrong[0], wrong[1] = wrong[1], wrong[0]
    else:
        right = question.key
        wrong = rng.choice([c.id for c in question.choices if c.id != right])
    return [wrong, right] if rng.random() < 0.5 else [right]


async def call(client: httpx.AsyncClient, tally: Tally, method: str, url: str,
               raw: bool = False, **kw):
    """One request, timed. ``raw``: read the body as sent, undecoded (static files — a
    browser's cost is the transfer; decompressing 300 copies of plotly.js here would only
    slow this load generator down and inflate every latency it measures)."""
    started = time.perf_counter()
    tally.requests += 1
    try:
        if raw:
            async with client.stream(method, url, **kw) as response:
                async for _ in response.aiter_raw():
                    pass
        else:
            response = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        tally.errors.append(f"{method} {url}: {type(exc).__name__}")
        return None
    tally.latencies.append((time.perf_counter() - started) * 1000)
    if response.status_code >= 400:
        tally.errors.append(f"{method} {url}: {response.status_code}")
    return response


async def student(n: int, base: str, tally: Tally, assets: list[str], rng: random.Random,
                  start_by: float, pause: float) -> None:
    await asyncio.sleep(rng.uniform(0, start_by))
    headers = {"Accept-Encoding": "gzip, deflate, br", "User-Agent": f"student-{n}"}
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, headers=headers,
                                 limits=httpx.Limits(max_connections=2)) as client:
        await call(client, tally, "GET", "/")
        for url in assets:
            await call(client, tally, "GET", url, raw=True)
        for name, queries in WIDGET_QUERIES.items():
            for query in rng.sample(queries, 2):
                await call(client, tally, "GET", f"/api/widgets/{name}?{query}")
                await asyncio.sleep(rng.uniform(0, pause))
        for question in default_bank().questions.values():
            for answer in answers_for(question, rng):
                response = await call(client, tally, "POST", f"/api/checkpoint/{question.id}",
                                      json={"answer": answer})
                if response is not None and response.status_code == 200:
                    body = response.json()
                    tally.graded += 1
                    if body.get("saved") is True and isinstance(body.get("attempt"), int):
                        learner = learner_of(client.cookies.get("session", ""))
                        tally.acked.add((learner, question.id, body["attempt"]))
                    else:
                        tally.not_saved += 1
                        notice = body.get("notice") or ""
                        tally.not_saved_with_notice += "not saved" in notice
                await asyncio.sleep(rng.uniform(0, pause))
        await call(client, tally, "GET", "/api/progress")
        tally.learners[n] = httpx.Cookies(client.cookies)


async def a_class(base: str, students: int, seed: int, start_by: float, pause: float,
                  limit: float, during=None) -> Tally:
    """All students at once (starting within start_by seconds); `during` runs alongside."""
    tally = Tally()
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT) as probe:
        page = (await probe.get("/")).text
    assets = re.findall(r'(?:href|src|data-plotly-src)="(/(?:static|vendor)/[^"]+)"', page)
    rng = random.Random(seed)
    tasks = [student(n, base, tally, assets, random.Random(rng.random()), start_by, pause)
             for n in range(students)]
    side = [asyncio.create_task(during(tally))] if during else []
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), limit)
    except TimeoutError:
        tally.errors.append(f"phase stopped at its {limit:.0f} s limit")
    for task in side:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return tally


async def when_requests_reach(tally: Tally, count: int) -> None:
    while tally.requests < count:
        await asyncio.sleep(0.05)


# --- servers and databases ------------------------------------------------------------------

def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master:
                pids.append(int(stat.parent.name))
    return sorted(pids)


def learner_of(cookie: str) -> str:
    """The learner id inside a Flask session cookie (signed, not encrypted: readable)."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return json.loads(zlib.decompress(data) if compressed else data).get("learner", "?")


def stored_ids(url: str, instance: Path) -> set[Ack]:
    """Every stored attempt as (learner, question, nth attempt at it): the acknowledgement's
    terms, so the two sets can be compared exactly."""
    store = Store(database_url(url, str(instance)))
    try:
        nth: dict[tuple[str, str], int] = {}
        keys = set()
        for a in store.attempts():
            if a.variant is None:
                n = nth[(a.learner_id, a.question_id)] = nth.get((a.learner_id,
                                                                  a.question_id), 0) + 1
                keys.add((a.learner_id, a.question_id, n))
        return keys
    finally:
        store.dispose()


def run_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def shared_pg_database(name: str):
    """A database of our own on the shared server, dropped afterwards."""
    run_sql(SHARED_PG, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run_sql(SHARED_PG, f'CREATE DATABASE "{name}"')
    try:
        yield re.sub(r"/[^/]*$", f"/{name}", SHARED_PG)
    finally:
        with contextlib.suppress(Exception):
            run_sql(SHARED_PG, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class OwnPostgres:
    """A PostgreSQL server in a temporary data directory, run as the postgres user on its own
    port: the only server this script ever stops. The shared one is never touched."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="seeingml-pg-"))
        self.data = self.dir / "data"
        self.port = servers.free_port()
        shutil.chown(self.dir, "postgres", "postgres")

    def _as_postgres(self, *cmd: str, check: bool = True) -> None:
        subprocess.run(["su", "postgres", "-c", " ".join(cmd)], check=check, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def init(self) -> str:
        self._as_postgres(f"{PG_BIN}/initdb", "-D", str(self.data), "--auth=trust", "-U",
                          "postgres", "-E", "UTF8")
        self.start()
        self._as_postgres(f"{PG_BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-d",
                          "postgres", "-c", "'CREATE DATABASE seeingml_load'")
        return f"postgresql://postgres@127.0.0.1:{self.port}/seeingml_load"

    def start(self) -> None:
        self._as_postgres(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-w", "-l",
                          str(self.dir / "log"), "-o",
                          f"\"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1\"",
                          "start")

    def stop(self) -> None:
        self._as_postgres(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop",
                          check=False)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def immutable(paths: list[Path]):
    """Storage the app cannot write, even as root: chattr +i, undone afterwards."""
    present = [p for p in paths if p.exists()]
    subprocess.run(["chattr", "+i", *map(str, present)], check=True)
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", *map(str, present)], check=False)


# --- the phases ---------------------------------------------------------------------------

@dataclass
class Row:
    db: str
    phase: str
    students: int
    tally: Tally
    stored: int | None
    note: str

    def cells(self) -> list[str]:
        t = self.tally
        kinds = sorted({re.sub(r"/api/widgets/\w+\?.*", "/api/widgets/…", e) for e in t.errors})
        return [self.db, self.phase, str(self.students), str(t.requests), str(len(t.errors)),
                f"{t.p(50):.0f}", f"{t.p(99):.0f}", str(len(t.acked)),
                "-" if self.stored is None else str(self.stored),
                f"{t.not_saved_with_notice}/{t.not_saved}",
                (self.note + (" | " + "; ".join(kinds[:3]) if kinds else ""))[:110]]


def raise_answer_limits(instance: Path, per_minute: int) -> None:
    """The server's config file (INSTANCE_PATH/config.py): answer limits out of the way."""
    (instance / "config.py").write_text(f"ANSWERS_PER_MINUTE_LEARNER = {per_minute}\n"
                                        f"ANSWERS_PER_MINUTE_ADDRESS = {per_minute}\n")


def _go(base: str, seed: int, args, students: int, during=None) -> Tally:
    return asyncio.run(a_class(base, students, seed, args.start_by, args.pause,
                               args.phase_limit, during))


def normal_phases(db: str, url: str, instance: Path, args, rows: list[Row]) -> set[Ack]:
    """The class, then the class again with a worker killed; returns what was acknowledged."""
    raise_answer_limits(instance, args.answers_per_minute)
    env = servers.app_env(instance, url)
    acked_total: set[Ack] = set()
    with servers.gunicorn("app:create_app()", env, args.workers) as server:
        tally = _go(server.url, 1, args, args.students)
        acked_total |= tally.acked
        stored = stored_ids(url, instance)
        rows.append(Row(db, "class", args.students, tally, len(stored),
                        f"acked ⊆ stored: {tally.acked <= stored}"))
        print(f"  {db} class: {tally.requests} requests", file=sys.stderr, flush=True)
        if not args.faults:
            return acked_total
        killed: list[int] = []

        async def kill_one(t: Tally) -> None:
            await when_requests_reach(t, args.students * 8)
            victim = worker_pids(server.proc.pid)[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        before = stored_ids(url, instance)
        tally = _go(server.url, 2, args, args.students, kill_one)
        acked_total |= tally.acked
        stored = stored_ids(url, instance) - before
        rows.append(Row(db, "kill -9 worker", args.students, tally, len(stored),
                        f"killed worker pid {killed[0] if killed else '-'}; "
                        f"acked ⊆ stored: {tally.acked <= stored}"))
        print(f"  {db} kill -9: {tally.requests} requests", file=sys.stderr, flush=True)
    return acked_total


def outage_phases(db: str, url: str, instance: Path, args, rows: list[Row],
                  acked_total: set[Ack], own_pg: OwnPostgres | None = None) -> None:
    """Storage unavailable while students keep coming, then a restart with storage back."""
    raise_answer_limits(instance, args.answers_per_minute)
    env = servers.app_env(instance, url)
    small = max(args.students // 5, 10)
    before = stored_ids(url, instance)
    if own_pg is None:  # SQLite: the file and its folder made immutable, server restarted
        db_file = Path(url.removeprefix("sqlite:///"))
        paths = [db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"), db_file.parent]
        with immutable(paths), servers.gunicorn("app:create_app()", env, args.workers) as s:
            tally = _go(s.url, 3, args, small)
        note = "file + folder chattr +i all phase"
    else:  # PostgreSQL: our own server, stopped a third of the way in, started afterwards
        with servers.gunicorn("app:create_app()", env, args.workers) as s:
            async def stop_pg(t: Tally) -> None:
                await when_requests_reach(t, small * 5)
                await asyncio.to_thread(own_pg.stop)

            tally = _go(s.url, 3, args, small, stop_pg)
        own_pg.start()
        note = "own server stopped mid-phase"
    acked_total |= tally.acked
    stored_after = stored_ids(url, instance)
    rows.append(Row(db, "storage down", small, tally, len(stored_after - before),
                    f"{note}; acked ⊆ stored: {tally.acked <= stored_after}"))
    print(f"  {db} storage down: {tally.requests} requests", file=sys.stderr, flush=True)

    with servers.gunicorn("app:create_app()", env, args.workers) as server:
        tally = _go(server.url, 4, args, small)
        acked_total |= tally.acked
        stored = stored_ids(url, instance)
        readback = asyncio.run(progress_readback(server.url, tally))
    rows.append(Row(db, "restart", small, tally, len(stored),
                    f"every ack stored: {acked_total <= stored} ({len(acked_total)} acked, "
                    f"{len(stored)} stored); {readback}"))


async def progress_readback(base: str, tally: Tally) -> str:
    """Each student of the restart phase asks for its progress: all four questions there?"""
    complete = 0
    for cookies in tally.learners.values():
        async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
            body = (await client.get("/api/progress")).json()
            complete += len(body.get("questions", {})) == len(default_bank().questions)
    return f"progress read back complete for {complete}/{len(tally.learners)} students"


def args_small(args):
    """The own PostgreSQL server only needs some state before its outage: a fifth of the
    class, no kill (that fault was run against the shared server)."""
    return argparse.Namespace(**{**vars(args), "students": max(args.students // 5, 10),
                                 "faults": False})


def table(rows: list[Row]) -> str:
    header = ["db", "phase", "students", "requests", "errors", "p50 ms", "p99 ms", "acked",
              "stored", "notice/unsaved", "checks"]
    cells = [header, *[r.cells() for r in rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(header))) for c in cells]
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([rule, lines[0], rule, *lines[1:], rule])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-faults", dest="faults", action="store_false")
    parser.add_argument("--start-by", type=float, default=60.0,
                        help="students arrive within this many seconds")
    parser.add_argument("--pause", type=float, default=3.0,
                        help="longest think time between a student's actions, seconds")
    parser.add_argument("--answers-per-minute", type=int, default=1_000_000,
                        help="the servers' answer limits, per learner and per address")
    parser.add_argument("--phase-limit", type=float, default=300.0)
    parser.add_argument("--time-limit", type=float, default=1500.0)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("load test: overall time limit reached"))
    signal.alarm(int(args.time_limit))

    rows: list[Row] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="seeingml-load-") as tmp:
        for db in args.db.split(","):
            instance = Path(tmp) / db
            instance.mkdir()
            print(f"· {db}", file=sys.stderr, flush=True)
            if db == "sqlite":
                url = f"sqlite:///{instance / 'load.sqlite'}"
                acked = normal_phases(db, url, instance, args, rows)
                if args.faults:
                    outage_phases(db, url, instance, args, rows, acked)
                continue
            with shared_pg_database("seeingml_load") as url:  # the shared server: never stopped
                normal_phases(db, url, instance, args, rows)
            if args.faults:  # stopping a server: only one this script started itself
                own = OwnPostgres()
                try:
                    url = own.init()
                    acked = normal_phases(f"{db} (own)", url, instance, args_small(args), rows)
                    outage_phases(f"{db} (own)", url, instance, args, rows, acked, own)
                finally:
                    own.remove()
    print(table(rows))
    print(f"{args.students} students, gunicorn {args.workers} sync workers, "
          f"{time.monotonic() - started:.0f} s, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
