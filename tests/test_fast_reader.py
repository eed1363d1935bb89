"""A returning reader's page below Flask (chapter/fast_reader.py) is Flask's page: the same
body byte for byte and the same headers, for every state; and it is served only when the
session is genuine and holds nothing else the page depends on."""

from __future__ import annotations

import gzip
import hashlib
import time
from email.utils import parsedate_to_datetime

import pytest
from flask.sessions import session_json_serializer
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import EnvironBuilder, run_wsgi_app

from chapter.fast_reader import ReaderPage
from quizzes.progress import NOT_LOADED
from tests.apps import make_app
from tests.classes_helpers import create_class, join
from web import sessions

KEYS = {"q1": "4e4", "q2": "false", "q3": "1e-10"}
WRONG = {"q1": "e4", "q2": "true", "q3": "1"}


def layer_of(app) -> ReaderPage:
    layer = app.wsgi_app
    while not isinstance(layer, ReaderPage):
        layer = getattr(layer, "app", None) or layer.inner  # ProxyFix, the anonymous page
    return layer


class Counted:
    """Flask behind the fast path, counting the requests that reach it."""

    def __init__(self, layer: ReaderPage):
        self.inner, self.calls = layer.inner, 0
        layer.inner = self

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


def call(wsgi, cookie: str | None, method="GET", base="http://localhost", **headers):
    if cookie is not None:
        headers["Cookie"] = f"session={cookie}"
    environ = EnvironBuilder(method=method, path="/", base_url=base,
                             headers=headers).get_environ()
    body, status, response_headers = run_wsgi_app(wsgi, environ, buffered=True)
    return status, list(response_headers.items()), b"".join(body)


def comparable(app, headers: list[tuple[str, str]]) -> list[tuple[str, object]]:
    """Headers with each Set-Cookie's value read back (its signature carries the second it
    was made) and its expiry rounded to the minute; a gzipped page's Content-Length left
    out (``decoded`` checks it)."""
    serializer = app.session_interface.get_signing_serializer(app)
    out = []
    gzipped = ("Content-Encoding", "gzip") in headers
    for name, value in headers:
        if name == "Content-Length" and gzipped:
            value = "(checked against the body)"
        if name == "Set-Cookie":
            fields = value.split("; ")
            data = serializer.loads(fields[0].removeprefix("session=")) if fields[0] != (
                "session=") else None
            expires = [f for f in fields if f.startswith("Expires=")]
            when = (round(parsedate_to_datetime(expires[0][8:]).timestamp() / 60)
                    if expires else None)
            value = (data, when, [f for f in fields[1:] if not f.startswith("Expires=")])
        out.append((name, value))
    return out


def assert_same(app, cookie, method="GET", base="http://localhost", **headers) -> bool:
    """The page through the fast path (twice: the first may fill it) equals Flask's own;
    True when the second was answered without Flask."""
    layer = layer_of(app)
    counted = Counted(layer)
    try:
        call(app, cookie, method, base, **headers)
        before = counted.calls
        status, got_headers, body = call(app, cookie, method, base, **headers)
        fast = counted.calls == before
        flask_status, flask_headers, flask_body = call(counted.inner, cookie, method, base,
                                                       **headers)
    finally:
        layer.inner = counted.inner
    assert status == flask_status
    assert decoded(method, got_headers, body) == decoded(method, flask_headers, flask_body)
    assert comparable(app, got_headers) == comparable(app, flask_headers)
    return fast


def decoded(method: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    """The body as the reader's browser reads it; its Content-Length checked against the
    bytes sent (a gzipped page's differs between the paths: each compresses its own way)."""
    names = dict(headers)
    if method == "GET":
        assert int(names["Content-Length"]) == len(body)
    if names.get("Content-Encoding") == "gzip" and method == "GET":
        return gzip.decompress(body)  # which checks its CRC and length
    return body


@pytest.fixture(params=[{}, {"PROXY_COUNT": "1"}], ids=["direct", "behind-proxy"])
def app(request, tmp_path):
    return make_app(tmp_path, **request.param)


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def answered(app, answers: dict) -> str:
    client = app.test_client()
    for qid, answer in answers.items():
        assert client.post(f"/api/checkpoint/{qid}", json={"answer": answer}).status_code == 200
    return cookie_of(client)


def helped(app, kind: str) -> str:
    client = app.test_client()
    client.post("/api/checkpoint/q2", json={"answer": WRONG["q2"]})
    assert client.post(f"/api/checkpoint/q2/{kind}", json={}).status_code == 200
    return cookie_of(client)


def practised(app) -> str:
    client = app.test_client()
    client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    token = client.get("/api/checkpoint/p1/variant").get_json()["token"]
    assert client.post("/api/checkpoint/p1", json={"answer": "1", "token": token}).status_code \
        == 200
    return cookie_of(client)


def class_member(app) -> str:
    made = create_class(app.test_client())
    student = join(app, made["join"], "Ada")
    student.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    return cookie_of(student)


# state → (how the reader got there, whether the fast path serves it)
STATES = {
    "answered wrong": (lambda app: answered(app, {"q1": WRONG["q1"]}), True),
    "wrong on three": (lambda app: answered(app, WRONG), True),
    "wrong then right (a review is scheduled)": (
        lambda app: answered(app, {"q1": WRONG["q1"], **KEYS}), False),
    "right first try (a review is scheduled)": (lambda app: answered(app, KEYS), False),
    "a hint taken": (lambda app: helped(app, "hint"), True),
    "the answer revealed": (lambda app: helped(app, "reveal"), True),
    "a practice item tried": (practised, False),
    "a class member": (class_member, True),
}


@pytest.mark.parametrize("state", list(STATES))
def test_each_state_is_flasks_page_byte_for_byte(app, state):
    make, fast = STATES[state]
    cookie = make(app)
    assert assert_same(app, cookie) is fast
    assert assert_same(app, cookie, method="HEAD") is fast
    assert assert_same(app, cookie, **{"Accept-Encoding": "br, gzip",
                                       "If-None-Match": '"x"'}) is fast


def test_https_behind_a_proxy_keeps_hsts_and_the_secure_cookie(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    app = make_app(tmp_path, PROXY_COUNT="1")
    client = app.test_client()
    client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]},
                headers={"X-Forwarded-Proto": "https"}, base_url="https://localhost")
    fresh = client.get_cookie("session", domain="localhost").value
    cookie = signed(app, app.session_interface.get_signing_serializer(app).loads(fresh),
                    age=sessions.resign_after(app) + 60)  # due to be sent again
    https = {"X-Forwarded-Proto": "https"}
    assert assert_same(app, cookie, base="https://localhost", **https)
    _, headers, _ = call(app, cookie, base="https://localhost", **https)
    names = dict(headers)
    assert names["Strict-Transport-Security"] and "Secure" in names["Set-Cookie"]
    assert assert_same(app, cookie)  # the plain scheme keeps its own headers


def test_the_page_carries_this_readers_own_form_token(app):
    first, second = answered(app, {"q1": WRONG["q1"]}), answered(app, {"q1": WRONG["q1"]})
    serializer = app.session_interface.get_signing_serializer(app)
    for cookie in (first, second, first):
        call(app, cookie)
        _, _, body = call(app, cookie)
        token = serializer.loads(cookie)["csrf"]
        assert f'name="csrf_token" value="{token}"'.encode() in body
        other = serializer.loads(second if cookie == first else first)["csrf"]
        assert other.encode() not in body
        assert layer_of(app).kept and all(
            kept.stand_in not in body for kept in layer_of(app).kept.values())


def test_a_new_answer_shows_at_once_not_the_kept_page(app):
    client = app.test_client()
    client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    cookie = cookie_of(client)
    assert assert_same(app, cookie)
    before = call(app, cookie)[2]
    client.post("/api/checkpoint/q3", json={"answer": WRONG["q3"]})
    assert assert_same(app, cookie_of(client))
    assert call(app, cookie_of(client))[2] != before


def test_the_session_is_refreshed_as_flask_refreshes_it(app):
    """A fresh cookie is not sent again; one due to be signed again (web/sessions.py
    ``resign_after``) is, with its expiry moved on — on both paths alike."""
    cookie = answered(app, {"q1": WRONG["q1"]})
    call(app, cookie)
    _, headers, _ = call(app, cookie)
    assert [name for name, _ in headers if name == "Set-Cookie"] == []
    assert assert_same(app, cookie)
    aged = signed(app, app.session_interface.get_signing_serializer(app).loads(cookie),
                  age=sessions.resign_after(app) + 60)
    call(app, aged)
    _, headers, _ = call(app, aged)
    sent = [value for name, value in headers if name == "Set-Cookie"]
    assert len(sent) == 1 and "HttpOnly" in sent[0] and "SameSite=Lax" in sent[0]
    expires = parsedate_to_datetime(sent[0].split("Expires=")[1].split(";")[0])
    assert abs(expires.timestamp() - time.time()
               - app.permanent_session_lifetime.total_seconds()) < 5
    assert assert_same(app, aged)


# --- abuse: only a genuine session, holding only what the page reads, is served here --------

def signed(app, data: dict, age: float = 0.0) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    signer = serializer.make_signer(serializer.salt)
    signer.get_timestamp = lambda: int(time.time() - age)
    return signer.sign(serializer.dump_payload(data)).decode()


def genuine(app) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(
        answered(app, {"q1": WRONG["q1"]}))


def test_a_tampered_cookie_is_flasks_anonymous_answer(app):
    cookie = answered(app, {"q1": WRONG["q1"]})
    payload, stamp, signature = cookie.rsplit(".", 2)
    # the first character: the last one's low bits are padding, some changes keep the bytes
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for forged in (f"{payload}.{stamp}.{flipped}", payload, "", "x" * 5000,
                   other_keys_cookie(genuine(app))):
        assert assert_same(app, forged) is False
        assert b"state-wrong" not in call(app, forged)[2]


def other_keys_cookie(data: dict) -> str:
    """A cookie made exactly as Flask makes one, under a key this app does not hold."""
    serializer = URLSafeTimedSerializer("another-key-entirely", salt="cookie-session",
                                        serializer=session_json_serializer,
                                        signer_kwargs={"key_derivation": "hmac",
                                                       "digest_method": hashlib.sha1})
    return serializer.dumps(data)


def test_an_expired_cookie_is_not_served_here(app):
    data = genuine(app)
    lifetime = app.permanent_session_lifetime.total_seconds()
    assert assert_same(app, signed(app, data, age=60)) is True
    assert assert_same(app, signed(app, data, age=lifetime + 60)) is False


def test_a_cookie_verified_before_still_expires_and_a_forged_one_is_never_kept(app,
                                                                                monkeypatch):
    """The same cookie's signature is checked once per process; its age every time."""
    data = genuine(app)
    lifetime = app.permanent_session_lifetime.total_seconds()
    cookie = signed(app, data, age=60)
    assert assert_same(app, cookie) is True  # verified, kept
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + lifetime)  # 60 s past its lifetime
    assert assert_same(app, cookie) is False  # Flask's answer: a reader without a session
    monkeypatch.setattr(time, "time", real)
    payload, stamp, signature = cookie.rsplit(".", 2)
    forged = f"{payload}.{stamp}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    for _ in range(2):
        assert assert_same(app, forged) is False
    assert forged.encode() not in layer_of(app).verified


@pytest.mark.parametrize("extra", [
    {"lti": {"frame": ["https://lms.example.edu"], "reg": 1, "sub": "s"}},
    {"review_result": {"q": "q1", "correct": True}},
    {"hints": {"q1": 1}},
    {"learner": ""},
    {"learner": ["a", "list"]},
    {"csrf": 12},
])
def test_a_session_holding_more_than_the_page_reads_goes_to_flask(app, extra):
    cookie = signed(app, {**genuine(app), **extra})
    assert assert_same(app, cookie) is False


def test_a_session_without_a_learner_gets_the_anonymous_page_from_flask(app):
    form_token_only = signed(app, {"csrf": "t" * 32})  # a form's token, but no learner
    assert assert_same(app, form_token_only) is False
    assert b"state-wrong" not in call(app, form_token_only)[2]


def test_a_second_session_cookie_is_read_as_flask_reads_it(app):
    cookie = answered(app, {"q1": WRONG["q1"]})
    other = answered(app, {"q1": WRONG["q1"], "q3": WRONG["q3"]})
    layer = layer_of(app)
    for header in (f"session={cookie}; session={other}", f"session=junk; session={cookie}"):
        environ = EnvironBuilder(path="/", headers={"Cookie": header}).get_environ()
        fast = b"".join(run_wsgi_app(app, environ, buffered=True)[0])
        environ = EnvironBuilder(path="/", headers={"Cookie": header}).get_environ()
        assert fast == b"".join(run_wsgi_app(layer.inner, environ, buffered=True)[0])


# --- slow case: storage down ----------------------------------------------------------------

def test_storage_down_gives_flasks_honest_page_at_once(app, monkeypatch):
    cookie = answered(app, {"q1": WRONG["q1"]})
    assert assert_same(app, cookie) is True
    monkeypatch.setattr(app.extensions["store"], "breaker_open", lambda: True)
    started = time.monotonic()
    status, _, body = call(app, cookie)
    assert time.monotonic() - started < 0.25
    assert status.startswith("200") and NOT_LOADED.encode() in body
    assert b"state-wrong" not in body
    assert assert_same(app, cookie) is False


@pytest.mark.postgres
def test_on_postgresql_too_each_state_is_flasks_page(pg_database, tmp_path):
    from tests.conftest import empty_database

    empty_database(pg_database)
    app = make_app(tmp_path, DATABASE_URL=pg_database)
    try:
        for state in ("answered wrong", "the answer revealed",
                      "right first try (a review is scheduled)", "a practice item tried"):
            make, fast = STATES[state]
            assert assert_same(app, make(app)) is fast
    finally:
        app.extensions["store"].dispose()


def test_a_driver_error_in_the_one_read_is_the_stores_outage_not_a_500(app, monkeypatch):
    from store import StoreUnavailable
    from store.reader import page_rows

    cookie = answered(app, {"q1": WRONG["q1"]})
    store = app.extensions["store"]
    failure = store.engine.dialect.loaded_dbapi.OperationalError

    class Broken:  # a pooled connection whose statement fails in the driver
        dbapi_connection = None

        def cursor(self):
            raise failure("disk I/O error")

        def invalidate(self, exc=None):
            self.invalidated = exc

        def close(self):
            pass

        def detach(self):  # kept by a thread for the page's read (store/page_read.py)
            pass

    if store.page_reads is not None:
        store.page_reads.close()  # the next read opens a connection: this one
    with monkeypatch.context() as patched:
        patched.setattr(store.engine, "raw_connection", Broken)
        with pytest.raises(StoreUnavailable):
            page_rows(store, "someone", ("p1",))
        patched.setattr(store, "breaker_open", lambda: False)  # not yet refused up front
        layer = layer_of(app)

        def flask_stand_in(environ, start_response):
            start_response("503 SERVICE UNAVAILABLE", [])
            return [b"flask"]
        patched.setattr(layer, "inner", flask_stand_in)
        status, _, body = call(app, cookie)
    assert (status, body) == ("503 SERVICE UNAVAILABLE", b"flask")  # handed on, not a 500


def test_a_cookie_under_a_rotated_key_is_read_as_flask_reads_it(app):
    cookie = answered(app, {"q1": WRONG["q1"]})
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="rotated-" + "y" * 40, SECRET_KEY_FALLBACKS=[old])
    app.secret_key = app.config["SECRET_KEY"]
    assert assert_same(app, cookie) is True  # opened with the fallback, re-sent under the new
    _, headers, _ = call(app, cookie)
    resent = dict(headers)["Set-Cookie"].split(";")[0].removeprefix("session=")
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert assert_same(app, resent) is True
    assert assert_same(app, cookie) is False  # the old key is gone: no longer this reader


def test_a_signed_token_with_markup_is_written_as_text_on_both_paths(app):
    """A session token is only ever made by the app (URL-safe), but one signed with markup in
    it — possible only with the secret key — is still written escaped, the same on both
    paths, never as markup."""
    data = {**genuine(app), "csrf": 'a"><script>x</script>'}
    cookie = signed(app, data)
    for _ in range(2):  # Flask's render, then the kept parts
        _, _, body = call(app, cookie)
        assert b"<script>x</script>" not in body
        assert b'value="a&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in body
    assert assert_same(app, cookie)
    assert assert_same(app, cookie, **{"Accept-Encoding": "gzip"})


@pytest.mark.parametrize("accepts, coding", [
    ("gzip, deflate, br", "gzip"), ("br", None), ("gzip;q=0, br", None), ("", None),
    ("identity", None), ("*", "gzip")])
def test_the_page_is_gzipped_when_the_reader_accepts_it(app, accepts, coding):
    """Compressed on both paths (~180 KB of HTML becomes ~40 KB); the fast path's gzip is its
    kept state's, with this reader's own token spliced in — two readers in one state each get
    their own token back, never the other's."""
    first, second = answered(app, {"q1": WRONG["q1"]}), answered(app, {"q1": WRONG["q1"]})
    serializer = app.session_interface.get_signing_serializer(app)
    layer = layer_of(app)
    tokens = {cookie: serializer.loads(cookie)["csrf"].encode() for cookie in (first, second)}
    for cookie, other in ((first, second), (second, first), (first, second)):
        token = tokens[cookie]
        assert assert_same(app, cookie, **{"Accept-Encoding": accepts}) is True
        counted = Counted(layer)
        try:
            _, headers, body = call(app, cookie, **{"Accept-Encoding": accepts})
        finally:
            layer.inner = counted.inner
        assert counted.calls == 0  # the fast path's answer
        names = dict(headers)
        assert names.get("Content-Encoding") == coding
        assert "Accept-Encoding" in names["Vary"] and "Cookie" in names["Vary"]
        page = gzip.decompress(body) if coding else body
        assert page.count(b'value="' + token + b'"') >= 1 and tokens[other] not in page
        if coding:
            assert len(body) < len(page) / 3


def test_a_read_that_failed_below_flask_is_not_tried_again_by_flask(app, monkeypatch, caplog):
    """Storage failing without opening the breaker (a driver error that is not an outage's):
    the fast path's one try is the request's one try. Flask's page says "not read" at once,
    and the failure is logged once, not twice."""
    cookie = answered(app, {"q1": WRONG["q1"]})
    store = app.extensions["store"]
    failure = store.engine.dialect.loaded_dbapi.OperationalError
    tries = []

    class Broken:  # a pooled connection whose statement fails in the driver
        dbapi_connection = None
        is_valid = True

        def cursor(self):
            tries.append(1)
            raise failure("no such savepoint")

        def invalidate(self, exc=None):
            pass

        def close(self):
            pass

        def detach(self):  # kept by a thread for the page's read (store/page_read.py)
            pass

    if store.page_reads is not None:
        store.page_reads.close()  # the next read opens a connection: this one
    with monkeypatch.context() as patched, caplog.at_level("WARNING", logger="store.attempts"):
        patched.setattr(store.engine, "raw_connection", Broken)
        patched.setattr(store, "breaker_open", lambda: False)  # not refused up front
        status, _, body = call(app, cookie)
    assert status.startswith("200") and NOT_LOADED.encode() in body
    assert b"state-wrong" not in body
    assert len(tries) == 1
    assert len([r for r in caplog.records if "progress not read" in r.getMessage()]) == 1


def test_with_fallback_keys_a_cookie_is_checked_once_too(app, monkeypatch):
    """Which key signed a cookie is part of what is kept: with SECRET_KEY_FALLBACKS set, a
    returning reader's cookie is not verified again (twice, for a fallback's) per request."""
    cookie = answered(app, {"q1": WRONG["q1"]})
    app.config["SECRET_KEY_FALLBACKS"] = ["an-old-key-" + "z" * 40]
    interface, checks = app.session_interface, []
    original = interface.signed_by_fallback
    monkeypatch.setattr(interface, "signed_by_fallback",
                        lambda flask, value: checks.append(value) or original(flask, value))
    layer = layer_of(app)
    for _ in range(3):
        assert layer._session(EnvironBuilder(path="/", headers={
            "Cookie": f"session={cookie}"}).get_environ()) is not None
    assert len(checks) == 1
