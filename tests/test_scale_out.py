"""Scale-out: two app processes on two ports share one PostgreSQL database.

Each process is gunicorn serving ``app:create_app()``, as in production. Sessions are signed
cookies, so a student who joins through one process answers through the other; one
dashboard, on either process, shows every attempt. Skipped on a developer's machine without
TEST_DATABASE_URL; with CI=true a missing database is a failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.classes_helpers import CODE

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL"):
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("TEST_DATABASE_URL is not set: CI must run the scale-out test",
                        pytrace=False)
        pytest.skip("TEST_DATABASE_URL is not set")


def listening_socket() -> socket.socket:
    """A socket already listening on a free port, handed to gunicorn (``fd://``): requests
    wait in its backlog until a worker has the app, so nothing polls for start-up."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def first_page(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """The first request, answered once a worker is up (or the process's error if it died)."""
    try:
        with urllib.request.urlopen(url + "/", timeout=timeout) as response:
            assert response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        if process.poll() is not None:
            raise AssertionError(
                f"{url} exited: {process.stderr.read().decode()[-2000:]}") from exc
        raise AssertionError(f"{url} did not answer within {timeout} s: {exc}") from exc


@pytest.fixture
def two_processes(pg_database, tmp_path):
    env = {**os.environ, "DATABASE_URL": pg_database, "INSTRUCTOR_CODE": CODE,
           "SECRET_KEY": "scale-out-test-" + "k" * 24,
           "SESSION_COOKIE_SECURE": "0", "INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("FLASK_DEBUG", None)
    processes, urls, sockets = [], [], []
    for _ in range(2):
        sock = listening_socket()
        sockets.append(sock)
        processes.append(subprocess.Popen(
            [str(GUNICORN), "-w", "2", "-b", f"fd://{sock.fileno()}", "app:create_app()"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            pass_fds=(sock.fileno(),)))
        urls.append(f"http://127.0.0.1:{sock.getsockname()[1]}")
    try:
        for url, process in zip(urls, processes, strict=True):
            first_page(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
            process.stderr.close()
        for sock in sockets:
            sock.close()


class Browser:
    """One person's cookies, used against whichever process the request goes to — as a load
    balancer would spread them (cookies belong to the host, not the port)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:
            return response.read().decode("utf-8-sig")

    def post_form(self, url: str, fields: dict) -> str:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(url, data=data, timeout=10) as response:
            return response.read().decode()

    def post_json(self, url: str, body: dict) -> dict:
        request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with self.opener.open(request, timeout=10) as response:
            return json.loads(response.read())


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_two_processes_one_database_one_dashboard(two_processes):
    a, b = two_processes
    instructor = Browser()
    made = instructor.post_form(f"{a}/classes/new", {
        "name": "Two servers", "instructor_code": CODE,
        "csrf_token": csrf(instructor.get(f"{b}/classes/new"))})
    teach = re.search(r'id="teach-url"[^>]*>http://[^/]+(/teach/[^<]+)<', made).group(1)
    join = re.search(r'id="student-url" value="http://[^/]+(/join/[^"]+)"', made).group(1)

    ada, ben = Browser(), Browser()
    # Ada's join form comes from A and is sent to B: B accepts A's signed session.
    chapter = ada.post_form(f"{b}{join}", {"name": "Ada", "csrf_token": csrf(
        ada.get(f"{a}{join}"))})
    assert "Reading as <strong>Ada</strong> in Two servers" in chapter
    ben.post_form(f"{a}{join}", {"name": "Ben", "csrf_token": csrf(ben.get(f"{b}{join}"))})

    sent = [(ada, a, "q1", "e4"), (ada, b, "q1", "4e4"), (ben, b, "q1", "4e4"),
            (ben, a, "q2", "true"), (ada, a, "q2", "false"), (ben, b, "q3", "1e-10")]
    for who, server, qid, choice in sent:
        assert who.post_json(f"{server}/api/checkpoint/{qid}", {"answer": choice})["saved"]

    for server in (a, b):
        data = json.loads(instructor.get(f"{server}{teach}/data.json"))
        assert (data["students"], data["attempts"]) == (2, len(sent))
        q1, q2, q3, _ = data["questions"]
        assert (q1["attempted"], q1["first_try_correct"], q1["eventually_correct"]) == (2, 1, 2)
        assert (q2["attempted"], q2["first_try_correct"]) == (2, 1)
        assert (q3["attempted"], q3["first_try_correct"]) == (1, 1)
        roster = {r["name"]: r["states"] for r in data["roster"]}
        assert roster == {"Ada": {"q1": "right-after-tries", "q2": "right-first-try",
                                  "q3": "not-tried", "q4": "not-tried"},
                          "Ben": {"q1": "right-first-try", "q2": "wrong",
                                  "q3": "right-first-try", "q4": "not-tried"}}
    exported = instructor.get(f"{b}{teach}/attempts.csv").splitlines()
    assert len(exported) == 1 + len(sent)
