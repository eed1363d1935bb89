"""The reader's own page: GET / with a session cookie beside the anonymous GET /, one run.

    PYTHONPATH=. python -m benchmarks.bench_reader [--seconds 4] [--rounds 2]

One gunicorn (2 sync workers, SQLite), hit by wrk (16 connections) in alternating rounds:

  anonymous     GET / without a cookie (the prepared bytes)
  history 10    GET / as 50 readers with 10 stored attempts each, cookies rotated
  history 2000  GET / as 50 readers with 2,000 stored attempts each (the per-learner cap)

Each reader first answers once over HTTP (their cookie); the rest of their history is bulk
inserted (benchmarks/bench_grading.py), then the per-learner summaries are rebuilt from it
(``store.summaries.rebuild_summaries``), as migration 0011 does for existing data; then each
reader's page is requested a few times untimed, so each worker has seen every state (the
first view of a new state is Flask's render: bench_reader_cpu times it). Targets:
the reader's page ≥ 0.5× the anonymous page's req/s, and 2,000 attempts within 20 % of 10.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import servers, wrk
from benchmarks.bench_api import first_choice

CONNECTIONS = 16
READERS = 50
SHORT, LONG = 10, 2000
TARGET_RATIO, TARGET_FLAT = 0.5, 0.2


def rebuild(store) -> None:
    """Bring the per-learner summaries up to the bulk-inserted attempts (when the store
    keeps them)."""
    try:
        from store.summaries import rebuild_summaries
    except ImportError:  # a store without summaries reads the attempts themselves
        return
    rebuild_summaries(store.engine)


def warm(port: int, cookies: list[str], visits: int = 4,
         headers: dict[str, str] | None = None) -> None:
    """Request each reader's page a few times as the timed requests will (``headers``), so
    every worker has seen each state once in that encoding (a new state's first view is
    rendered by Flask, and its first gzipped view compresses it: bench_reader_cpu times
    both)."""
    for cookie in cookies:
        for _ in range(visits):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/", headers={**(headers or {}),
                                                  "Cookie": f"session={cookie}"})
                conn.getresponse().read()
            finally:
                conn.close()


def measure(seconds: int, rounds: int, headers: dict[str, str] | None = None
            ) -> tuple[dict[str, list[wrk.WrkResult]], dict[str, list[float]]]:
    """Each arm's wrk results and its worker CPU per request (ms, from /proc: what a busy
    neighbour on the machine moves far less than req/s), round by round."""
    from benchmarks.bench_grading import (
        answer_once,
        attempt_rows,
        bulk_insert,
        learner_of,
        rotate_cookies,
    )
    from store import Store, database_url

    with tempfile.TemporaryDirectory(prefix="seeingml-reader-") as tmp:
        instance = Path(tmp)
        (instance / "config.py").write_text("ANSWERS_PER_MINUTE_LEARNER = 1_000_000_000\n"
                                            "ANSWERS_PER_MINUTE_ADDRESS = 1_000_000_000\n")
        url = f"sqlite:///{instance / 'bench.sqlite'}"
        env = servers.app_env(instance, url)
        store = Store(database_url(url, str(instance)))
        with servers.gunicorn("app:create_app()", env) as app:
            answer = first_choice(app.url)
            start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
            groups: dict[str, list[str]] = {}
            for name, size, seed in ((f"history {SHORT}", SHORT, 2), (f"history {LONG}", LONG, 3)):
                cookies = [answer_once(app.port, answer)[1] for _ in range(READERS)]
                bulk_insert(store, attempt_rows([learner_of(c) for c in cookies], size - 1,
                                                start, seed))
                groups[name] = cookies
            rebuild(store)
            for cookies in groups.values():  # each reader's page seen once by each worker:
                warm(app.port, cookies, headers=headers)  # timed: the returning reader
            results: dict[str, list[wrk.WrkResult]] = {"anonymous": [], **{g: [] for g in groups}}
            cpu: dict[str, list[float]] = {name: [] for name in results}
            arms = {"anonymous": "", **{n: rotate_cookies(c) for n, c in groups.items()}}
            for lua in arms.values():  # one untimed second each: the workers' steady state
                wrk.run(app.url + "/", 1, CONNECTIONS, headers=headers, lua=lua)
            for _ in range(rounds):
                for name, lua in arms.items():
                    used = servers.workers_cpu_s(app.proc.pid)
                    result = wrk.run(app.url + "/", seconds, CONNECTIONS, headers=headers,
                                     lua=lua)
                    used = servers.workers_cpu_s(app.proc.pid) - used
                    results[name].append(result)
                    cpu[name].append(used * 1000 / max(result.requests, 1))
                print("  " + ", ".join(f"{n} {r[-1].requests_per_s:,.0f} req/s "
                                       f"({cpu[n][-1]:.3f} ms of worker CPU)"
                                       for n, r in results.items()), file=sys.stderr, flush=True)
        store.dispose()
    return results, cpu


BROWSER = {"Accept-Encoding": "gzip, deflate, br"}  # what a browser asks for


def run(seconds: int = 4, rounds: int = 2,
        browser: bool = False) -> list[tuple[str, str, str, str]]:
    from benchmarks.bench_grading import load
    results, cpu = measure(seconds, rounds, BROWSER if browser else None)
    asked = ", compressed as a browser asks" if browser else ""
    rps = {name: statistics.mean(r.requests_per_s for r in runs) for name, runs in results.items()}
    ms = {name: statistics.mean(costs) for name, costs in cpu.items()}
    anonymous = rps["anonymous"]
    short, long = rps[f"history {SHORT}"], rps[f"history {LONG}"]
    rows = [("reader page", f"anonymous GET /{asked}, gunicorn 2 sync workers, wrk {CONNECTIONS} "
             "conns",
             f"{anonymous:,.0f} req/s, {ms['anonymous']:.3f} ms of worker CPU a request", "")]
    for name in (f"history {SHORT}", f"history {LONG}"):
        runs = results[name]
        ratio, cpu_ratio = rps[name] / anonymous, ms["anonymous"] / ms[name]
        rows.append(("reader page", f"GET / with a session cookie{asked}, {name} attempts",
                     f"{rps[name]:,.0f} req/s = {ratio:.3f}× anonymous, p99 "
                     f"{max(r.p99_ms for r in runs):.1f} ms, errors {sum(r.errors for r in runs)}",
                     f"≥ {TARGET_RATIO}× {'ok' if ratio >= TARGET_RATIO else 'MISSED'}"))
        rows.append(("reader page", f"worker CPU a request, {name} attempts{asked}",
                     f"{ms[name]:.3f} ms: anonymous's is {cpu_ratio:.3f}× it (by round: "
                     + " / ".join(f"{a / r:.3f}" for a, r in zip(cpu["anonymous"], cpu[name],
                                                                  strict=True)) + ")",
                     f"≥ {TARGET_RATIO}× {'ok' if cpu_ratio >= TARGET_RATIO else 'MISSED'}"))
    short_ms, long_ms = ms[f"history {SHORT}"], ms[f"history {LONG}"]
    for what, change in (("req/s", abs(long - short) / short),
                         ("worker CPU a request", abs(long_ms - short_ms) / short_ms)):
        rows.append(("reader page", f"history {LONG} vs {SHORT}, {what}",
                     f"{change * 100:.0f} % apart",
                     f"≤ {TARGET_FLAT * 100:.0f} % {'ok' if change <= TARGET_FLAT else 'MISSED'}"))
    rows.append(("reader page", "load average", load(), ""))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--browser", action="store_true",
                        help="ask for gzip and brotli, as a browser does (both pages)")
    args = parser.parse_args()
    for row in run(args.seconds, args.rounds, args.browser):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
