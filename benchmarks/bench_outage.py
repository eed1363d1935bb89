"""Each outside dependency broken in turn, under the deployment's shape: what readers get.

    PYTHONPATH=. python -m benchmarks.bench_outage [--cases lms-token,…] [--seconds 8]
                                                   [--learners 10000]

Every case starts the app under gunicorn as deploy/ runs it (2 workers, gthread × 4 threads,
the LMS score sender on in each worker), lets 4 readers answer while everything is healthy,
breaks one dependency, and runs 4 concurrent clients for ``--seconds``. Each client is one
reader cycling through the anonymous page, a widget, their own page (session cookie) and a
checkpoint answer. Then the dependency comes back and the benchmark checks what was kept:

  healthy        nothing broken (SQLite): the same mix, to compare with
  lms-token      the test LMS's token endpoint accepts and never answers (tests/lti_platform)
  lms-score      its score endpoint hangs the same way (a token was fetched before)
  pg-frozen      PostgreSQL reached through a relay that stops forwarding mid-connection, as a
                 SIGSTOPped server or a silent host (tests/relay.py; a throwaway database)
  pg-refusing    the relay closes every connection and refuses new ones
  sqlite-locked  another process holds the SQLite file's write lock (BEGIN IMMEDIATE)
  disk-full      the SQLite file on a 16 MiB tmpfs of our own, filled to the last byte
  sweeps         no outage: 3 clients ask for distinct heavy sweeps (Figure 3's real network)
                 while the 4th reads a plain widget; as deployed and with the per-address
                 limit off (each worker still builds one sweep at a time)
  learners       ``--learners`` distinct readers answer once each (4 clients): every answer
                 acknowledged as saved is stored

Per case: p99 of the page, widget and reader's page; the answers' max latency; answers
acknowledged saved vs refused "not saved" (503 with the one sentence: honest, counted apart
from other 5xx); 500s; acknowledged attempts lost (acknowledged minus stored, per reader,
after recovery); for the LMS cases, seconds from recovery until no score waits.
Targets (issue "Nothing slow takes it down"): p99 < 250 ms, answers ≤ 1.5 s, 0 × 500,
0 lost, scores delivered < 60 s after the LMS recovers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks import servers
from benchmarks.bench_api import scratch_postgres
from benchmarks.bench_stall import pct, sqlite_write_locked
from tests.relay import Relay

CLIENTS = 4
GTHREAD = ("--worker-class", "gthread", "--threads", "4")
WIDGET = "/api/widgets/nudge?fn=sigmoid&x=1&w=2"
NOT_SAVED = "Not saved: storage is unavailable — try again in a moment"
ANSWER = "4e4"  # q1's key; right or wrong changes nothing here
P99_MS, ANSWER_MAX_MS, DELIVERY_S = 250.0, 1500.0, 60.0
CASES = ("healthy", "lms-token", "lms-score", "pg-frozen", "pg-refusing", "sqlite-locked",
         "disk-full", "sweeps", "learners")
CONFIG = """ANSWERS_PER_MINUTE_LEARNER = 1_000_000_000
ANSWERS_PER_MINUTE_ADDRESS = 1_000_000_000
LTI_SEND_INTERVAL = 1.0
"""


def log(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


# --- the clients ------------------------------------------------------------------------------

class Tally:
    """What the clients saw, per kind of request, and every answer's outcome per reader."""

    def __init__(self) -> None:
        self.ms: dict[str, list[float]] = {k: [] for k in ("page", "widget", "reader", "answer")}
        self.status: dict[int, int] = {}
        self.acked: dict[str, int] = {}  # cookie → answers acknowledged as saved
        self.not_saved = self.other = self.errors = 0
        self.lock = threading.Lock()

    def answer(self, cookie: str, status: int, body: bytes) -> None:
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        with self.lock:
            self.status[status] = self.status.get(status, 0) + 1
            if status == 200 and data.get("saved") is True:
                self.acked[cookie] = self.acked.get(cookie, 0) + 1
            elif status == 503 and data.get("saved") is False and data.get("error") == NOT_SAVED:
                self.not_saved += 1
            else:
                self.other += 1


def request(conn, method: str, path: str, headers: dict, body: str | None = None):
    began = time.perf_counter()
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    data = response.read()
    cookie = response.getheader("Set-Cookie")
    return response.status, data, (time.perf_counter() - began) * 1000, cookie


def reader_loop(port: int, cookie: str, until: float, tally: Tally) -> None:
    """One reader: page, widget, own page, answer, again, on one keep-alive connection."""
    steps = (("page", "GET", "/", {}), ("widget", "GET", WIDGET, {}),
             ("reader", "GET", "/", {"Cookie": cookie}),
             ("answer", "POST", "/api/checkpoint/q1",
              {"Cookie": cookie, "Content-Type": "application/json"}))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    while time.monotonic() < until:
        for kind, method, path, headers in steps:
            body = json.dumps({"answer": ANSWER}) if kind == "answer" else None
            try:
                status, data, ms, _ = request(conn, method, path, headers, body)
            except (OSError, http.client.HTTPException):
                with tally.lock:
                    tally.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
                continue
            if kind == "answer":
                tally.answer(cookie, status, data)
            with tally.lock:
                tally.ms[kind].append(ms)
                if kind != "answer":
                    tally.status[status] = tally.status.get(status, 0) + 1
    conn.close()


def run_readers(port: int, cookies: list[str], seconds: float, tally: Tally) -> None:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=reader_loop, args=(port, c, until, tally))
               for c in cookies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)


def new_reader(port: int, tally: Tally) -> str:
    """A reader made by a first answer while storage is up: their session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        status, data, _, cookie = request(conn, "POST", "/api/checkpoint/q1",
                                          {"Content-Type": "application/json"},
                                          json.dumps({"answer": ANSWER}))
    finally:
        conn.close()
    cookie = (cookie or "").split(";")[0]
    assert status == 200 and json.loads(data)["saved"] is True, data[:200]
    tally.answer(cookie, status, data)
    return cookie


def answer_until_saved(port: int, cookie: str, tally: Tally, within: float = 30.0) -> float:
    """After recovery: answer until one is saved again; seconds it took."""
    began = time.monotonic()
    while time.monotonic() - began < within:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            status, data, _, _ = request(conn, "POST", "/api/checkpoint/q1",
                                         {"Cookie": cookie, "Content-Type": "application/json"},
                                         json.dumps({"answer": ANSWER}))
        finally:
            conn.close()
        tally.answer(cookie, status, data)
        if status == 200:
            return time.monotonic() - began
        time.sleep(0.25)
    raise RuntimeError(f"storage did not come back within {within:.0f} s")


# --- what was kept ----------------------------------------------------------------------------

def stored_per_reader(url: str, learners: dict[str, str]) -> dict[str, int]:
    """cookie → attempts stored for its learner (``learners``: cookie → learner id)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = dict(conn.execute(text(
                "SELECT learner_id, count(*) FROM attempts GROUP BY learner_id")).all())
    finally:
        engine.dispose()
    return {cookie: counts.get(learner, 0) for cookie, learner in learners.items()}


def learner_of(url: str, before: set[str]) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT DISTINCT learner_id FROM attempts"))
                    } - before
    finally:
        engine.dispose()


def readers_with_ids(port: int, url: str, tally: Tally) -> dict[str, str]:
    """CLIENTS new readers, each with the learner id its first answer stored."""
    mapping = {}
    for _ in range(CLIENTS):
        known = learner_of(url, set())
        cookie = new_reader(port, tally)
        (learner,) = learner_of(url, known)
        mapping[cookie] = learner
    return mapping


def lost(tally: Tally, stored: dict[str, int]) -> int:
    return sum(max(0, n - stored.get(cookie, 0)) for cookie, n in tally.acked.items())


def row(case: str, tally: Tally, stored: dict[str, int], **extra) -> dict:
    fives = sum(n for s, n in tally.status.items() if s >= 500)
    result = {"case": case, **{f"{k}_p99": pct(v, 99) for k, v in tally.ms.items()
                               if k != "answer"},
              "reader_max": max(tally.ms["reader"], default=float("nan")),
              "answer_max": max(tally.ms["answer"], default=float("nan")),
              "answers": len(tally.ms["answer"]), "saved": sum(tally.acked.values()),
              "not_saved_503": tally.not_saved, "other_answers": tally.other,
              "5xx_other": fives - tally.not_saved, "errors": tally.errors,
              "lost": lost(tally, stored), "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    result.update(extra)
    log(json.dumps(result, ensure_ascii=False))
    return result


# --- the cases --------------------------------------------------------------------------------

def instance(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.py").write_text(CONFIG)
    return folder


def outage_case(case: str, env: dict, url: str, seconds: float, break_it, mend_it) -> dict:
    """Healthy readers, the dependency broken, the clients run, the dependency mended."""
    tally = Tally()
    with servers.gunicorn("app:create_app()", env, workers=2, extra_args=GTHREAD) as server:
        readers = readers_with_ids(server.port, url, tally)
        for cookie in readers:  # warm: each worker holds live connections
            for _ in range(3):
                new_answer(server.port, cookie, tally)
        break_it()
        try:
            run_readers(server.port, list(readers), seconds, tally)
        finally:
            mend_it()
        back = answer_until_saved(server.port, next(iter(readers)), tally)
        return row(case, tally, stored_per_reader(url, readers), back_s=round(back, 1))


def new_answer(port: int, cookie: str, tally: Tally) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        status, data, _, _ = request(conn, "POST", "/api/checkpoint/q1",
                                     {"Cookie": cookie, "Content-Type": "application/json"},
                                     json.dumps({"answer": ANSWER}))
    finally:
        conn.close()
    tally.answer(cookie, status, data)


def sqlite_cases(tmp: Path, seconds: float, names: set[str]) -> list[dict]:
    rows = []
    if "healthy" in names:
        folder = instance(tmp / "healthy")
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        rows.append(outage_case("healthy", servers.app_env(folder, url), url, seconds,
                                lambda: None, lambda: None))
    if "sqlite-locked" in names:
        folder = instance(tmp / "locked")
        db_file = folder / "bench.sqlite"
        url = f"sqlite:///{db_file}"
        holder = contextlib.ExitStack()
        rows.append(outage_case(
            "sqlite-locked", servers.app_env(folder, url), url, seconds,
            lambda: holder.enter_context(sqlite_write_locked(db_file)), holder.close))
    if "disk-full" in names:
        rows += disk_full(tmp, seconds)
    return rows


def disk_full(tmp: Path, seconds: float) -> list[dict]:
    """The SQLite file on a small tmpfs of our own (mounting needs root: else skipped)."""
    folder = instance(tmp / "full")
    mount = folder / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                             check=False, capture_output=True)
    if mounted.returncode != 0:
        log(f"disk full: no tmpfs could be mounted ({mounted.stderr.strip()!r}); skipped")
        return []
    filler = mount / "filler"
    url = f"sqlite:///{mount / 'bench.sqlite'}"

    def fill() -> None:
        with open(filler, "wb") as out, contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()

    try:
        return [outage_case("disk-full", servers.app_env(folder, url), url, seconds, fill,
                            lambda: filler.unlink())]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


class Relayed:
    """The app's way to PostgreSQL: a relay that can freeze, or refuse and come back."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.relay = Relay(host, port)
        self.port = self.relay.port

    def refuse(self) -> None:
        self.relay.close()  # every connection closed; new ones refused

    def accept(self) -> None:
        self.relay = Relay(*self.upstream, self.port)


def postgres_cases(seconds: float, names: set[str], tmp: Path) -> list[dict]:
    rows = []
    with scratch_postgres("seeingml_bench_outage") as url:
        if url is None:
            log("PostgreSQL: no server; its rows skipped")
            return []
        target = make_url(url)
        for case in ("pg-frozen", "pg-refusing"):
            if case not in names:
                continue
            way = Relayed(target.host or "127.0.0.1", target.port or 5432)
            relayed = target.set(host="127.0.0.1", port=way.port).render_as_string(
                hide_password=False)
            env = servers.app_env(instance(tmp / case), relayed)
            broken, mended = ((way.relay.frozen.set, way.relay.frozen.clear)
                              if case == "pg-frozen" else (way.refuse, way.accept))
            try:
                rows.append(outage_case(case, env, url, seconds, broken, mended))
            finally:
                way.relay.close()
            empty(url)
    return rows


def empty(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM attempts"))
    engine.dispose()


def lms_cases(tmp: Path, seconds: float, names: set[str]) -> list[dict]:
    from lti import ags
    from tests.lti_platform import INSTRUCTOR, World

    rows = []
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        os.environ.pop(name, None)  # the test LMS trusts the tool's own certificate
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # the test LMS's request lines
    for case, switch in (("lms-token", "answering"), ("lms-score", "scoring")):
        if case not in names:
            continue
        folder = instance(tmp / case)
        key = secrets.token_hex(32)
        (folder / "world").mkdir()
        world = World(folder / "world", SECRET_KEY=key, LTI_SEND_IN_BACKGROUND=False)
        url = world.db_url
        try:
            assert world.register(world.browser()).status_code == 200
            assert world.launch(world.browser(), sub="teacher", role=INSTRUCTOR)[0].status_code \
                == 303
            cookies = {}
            for n in range(CLIENTS):
                browser = world.browser()
                assert world.launch(browser, sub=f"student-{n}")[0].status_code == 303
                cookies[f"session={browser.cookies['session']}"] = None
            if case == "lms-token":  # a token per score, so the token endpoint matters
                world.platform.token_lifetime = 60
            env = servers.app_env(folder, url, SECRET_KEY=key)
            result = lms_case(case, env, url, world, getattr(world.platform, switch), cookies,
                              seconds, ags)
            rows.append(result)
        finally:
            world.platform.answering.set()
            world.platform.scoring.set()
            world.stop()
    return rows


def lms_case(case, env, url, world, switch, cookies, seconds, ags) -> dict:
    tally = Tally()

    def waiting() -> int:
        with world.app.app_context():
            return ags.pending_count()

    with servers.gunicorn("app:create_app()", env, workers=2, extra_args=GTHREAD) as server:
        for cookie in cookies:  # each reader's first score reaches the LMS while it is up
            new_answer(server.port, cookie, tally)
        deadline = time.monotonic() + 20
        while waiting() and time.monotonic() < deadline:
            time.sleep(0.2)
        switch.clear()
        try:
            run_readers(server.port, list(cookies), seconds, tally)
            queued = waiting()
        finally:
            switch.set()
        recovered = time.monotonic()
        while waiting() and time.monotonic() - recovered < 90:
            time.sleep(0.2)
        delivered_s = time.monotonic() - recovered
        left = waiting()
    stored = stored_by_session(url, cookies, world)
    return row(case, tally, stored, queued_at_recovery=queued,
               delivered_s=round(delivered_s, 1), still_waiting=left)


def stored_by_session(url: str, cookies: dict, world) -> dict[str, int]:
    """cookie → attempts stored for the learner that session names."""
    serializer = world.app.session_interface.get_signing_serializer(world.app)
    mapping = {c: serializer.loads(c.split("=", 1)[1])["learner"] for c in cookies}
    return stored_per_reader(url, mapping)


def sweep_flood(tmp: Path, seconds: float, limited: bool) -> dict:
    folder = instance(tmp / f"sweeps-{limited}")
    if not limited:
        with open(folder / "config.py", "a") as config:
            config.write("NEW_SWEEPS_PER_MINUTE = 1_000_000_000\n")
    env = servers.app_env(folder)
    widget: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    until = time.monotonic() + seconds

    def flood(seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while time.monotonic() < until:
            path = (f"/api/widgets/vanishing?mode=network&width={rng.randint(32, 64)}"
                    f"&depth={rng.randint(20, 50)}&activation={rng.choice(['sigmoid', 'tanh'])}"
                    f"&compare=relu&sweep=seed&x={rng.random()}")
            status, _, _, _ = request(conn, "GET", path, {"Accept-Encoding": "br"})
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    def plain() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        while time.monotonic() < until:
            status, _, ms, _ = request(conn, "GET", WIDGET, {})
            assert status == 200
            widget.append(ms)
            time.sleep(0.02)

    with servers.gunicorn("app:create_app()", env, workers=2, extra_args=GTHREAD) as server:
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=flood, args=(n,)) for n in range(CLIENTS - 1)]
        threads.append(threading.Thread(target=plain))
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 60)
        rss = worker_rss_mib(server.proc.pid)
    result = {"case": f"sweeps ({'as deployed' if limited else 'per-address limit off'})",
              "widget_p99": pct(widget, 99), "widget_n": len(widget), "sweeps": statuses,
              "worker_rss_mib": rss, "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    log(json.dumps(result))
    return result


def worker_rss_mib(master: int) -> list[float]:
    sizes = []
    for pid in servers.worker_pids(master):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def many_learners(tmp: Path, count: int) -> dict:
    folder = instance(tmp / "learners")
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    env = servers.app_env(folder, url)
    acked = [0] * CLIENTS
    other: dict[int, int] = {}
    lock = threading.Lock()

    def learners(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for _ in range(count // CLIENTS):
            status, data, _, _ = request(conn, "POST", "/api/checkpoint/q1",
                                         {"Content-Type": "application/json"},
                                         json.dumps({"answer": ANSWER}))
            if status == 200 and json.loads(data)["saved"] is True:
                acked[n] += 1
            else:
                with lock:
                    other[status] = other.get(status, 0) + 1

    began = time.monotonic()
    with servers.gunicorn("app:create_app()", env, workers=2, extra_args=GTHREAD) as server:
        threads = [threading.Thread(target=learners, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
    took = time.monotonic() - began
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*), count(DISTINCT learner_id) FROM attempts")
                              ).one()
    engine.dispose()
    result = {"case": "distinct learners", "asked": count, "acknowledged": sum(acked),
              "stored_attempts": stored[0], "stored_learners": stored[1], "other": other,
              "seconds": round(took, 1)}
    log(json.dumps(result))
    return result


def measure(names: set[str], seconds: float, learners: int) -> list[dict]:
    rows: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="seeingml-outage-"))
    try:
        rows += lms_cases(tmp, seconds, names)
        rows += postgres_cases(seconds, names, tmp)
        rows += sqlite_cases(tmp, seconds, names)
        if "sweeps" in names:
            rows += [sweep_flood(tmp, seconds, limited) for limited in (True, False)]
        if "learners" in names:
            rows.append(many_learners(tmp, learners))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (servers.ROOT / "artifacts").mkdir(exist_ok=True)
    (servers.ROOT / "artifacts" / "outage.json").write_text(json.dumps(rows, indent=1))
    return rows


def verdict(r: dict) -> str:
    if "lost" in r:
        ok = (max(r["page_p99"], r["widget_p99"], r["reader_p99"]) < P99_MS
              and r["answer_max"] <= ANSWER_MAX_MS and r["5xx_other"] == 0 and r["lost"] == 0
              and r["other_answers"] == 0 and r.get("delivered_s", 0) < DELIVERY_S)
    elif "widget_p99" in r:
        ok = r["widget_p99"] < P99_MS
    else:
        ok = r["acknowledged"] == r["stored_attempts"] == r["asked"]
    return "ok" if ok else "MISSED"


def summary(r: dict) -> str:
    if "lost" in r:
        text_ = (f"page/widget/reader p99 {r['page_p99']:.0f}/{r['widget_p99']:.0f}/"
                 f"{r['reader_p99']:.0f} ms (reader max {r['reader_max']:.0f}); "
                 f"answers max {r['answer_max']:.0f} ms, "
                 f"{r['saved']} saved / {r['not_saved_503']} 503 not saved / "
                 f"{r['other_answers']} other; other 5xx {r['5xx_other']}; lost {r['lost']}")
        if "delivered_s" in r:
            text_ += (f"; {r['queued_at_recovery']} scores waiting, all delivered "
                      f"{r['delivered_s']} s after recovery ({r['still_waiting']} left)")
        return text_
    if "widget_p99" in r:
        return (f"plain widget p99 {r['widget_p99']:.0f} ms (n {r['widget_n']}); sweeps "
                f"{r['sweeps']}; worker RSS {r['worker_rss_mib']} MiB")
    return (f"{r['asked']} readers: {r['acknowledged']} acknowledged, {r['stored_attempts']} "
            f"stored ({r['stored_learners']} learners) in {r['seconds']} s; other {r['other']}")


def run(names=CASES, seconds: float = 8.0, learners: int = 10_000) -> list[tuple[str, ...]]:
    """For ``python -m benchmarks outage``: one row per case."""
    return [("outage", r["case"], summary(r), verdict(r))
            for r in measure(set(names), seconds, learners)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--learners", type=int, default=10_000)
    args = parser.parse_args()
    for _, case, text_, ok in run(args.cases.split(","), args.seconds, args.learners):
        print(f"| {case} | {text_} | {ok} |")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")


if __name__ == "__main__":
    main()
