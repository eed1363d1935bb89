"""An answer is one transaction: its summary rows, the attempt and the shared answer windows
commit together (one commit, one wait for SQLite's write lock), or none of them does. Its
reply is built from what that transaction read; the result block is rendered once per
distinct grade; an unchanged session is not signed again on every answer."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, func, select

from quizzes.answer_routes import result_html
from store import NewAttempt
from store.answers import Limits, record_answer
from store.schema import question_counters, rate_windows
from tests.apps import make_app
from tests.conftest import empty_database
from tests.test_checkpoint_http import KEYS, WRONG

LIMIT = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def limited(request, tmp_path):
    """An app on either database with a low answer limit per learner."""
    config = {"ANSWERS_PER_MINUTE_LEARNER": LIMIT}
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("pg_database")
        empty_database(config["DATABASE_URL"])
    app = make_app(tmp_path, **config)
    yield app
    app.extensions["store"].dispose()


def commits_of(app, call) -> int:
    seen: list[int] = []
    engine = app.extensions["store"].engine

    def counted(_conn) -> None:
        seen.append(1)

    event.listen(engine, "commit", counted)
    try:
        call()
    finally:
        event.remove(engine, "commit", counted)
    return len(seen)


def rows(app, table) -> int:
    with app.extensions["store"].engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_wrong_answer_commits_once_with_its_windows(limited):
    client = limited.test_client()
    assert client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]}).json["saved"]
    one = []
    assert commits_of(limited, lambda: one.append(client.post(
        "/api/checkpoint/q1", json={"answer": WRONG["q1"]}))) == 1
    assert one[0].status_code == 200 and one[0].json["attempt"] == 2
    assert one[0].json["state"]["tries"] == 2 and one[0].json["summary"]["attempted"] == 1
    with limited.extensions["store"].engine.connect() as conn:
        hits = dict(conn.execute(select(rate_windows.c.bucket, rate_windows.c.hits)).all())
    assert sorted(hits.values()) == [2, 2], hits  # the learner's window and the address's
    right = []
    assert commits_of(limited, lambda: right.append(client.post(
        "/api/checkpoint/q1", json={"answer": KEYS["q1"]}))) == 1  # its review scheduled too
    assert right[0].json["correct"] is True and right[0].json["attempt"] == 3
    store = limited.extensions["store"]
    from store import review as review_store

    assert review_store.due(store, store.attempts()[0].learner_id) == []  # due in a day
    assert list(review_store.items(store, store.attempts()[0].learner_id)) == ["q1"]


def test_an_answer_over_the_limit_leaves_no_trace(limited):
    """Refused with 429, nothing of it stored: no attempt, no summary change, no window hit;
    and it says nothing of the grade."""
    client = limited.test_client()
    for _ in range(LIMIT):
        assert client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]}).json["saved"]
    store = limited.extensions["store"]
    learner = store.attempts()[0].learner_id
    before = (rows(limited, question_counters), store.summaries(learner)[""].attempts)
    with store.engine.connect() as conn:
        windows = conn.execute(select(rate_windows).order_by(rate_windows.c.bucket)).all()
    refused = client.post("/api/checkpoint/q1", json={"answer": KEYS["q1"]})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "correct" not in refused.json and "explanation" not in refused.json
    assert len(store.attempts()) == LIMIT
    assert (rows(limited, question_counters), store.summaries(learner)[""].attempts) == before
    with store.engine.connect() as conn:
        assert conn.execute(select(rate_windows).order_by(rate_windows.c.bucket)).all() == windows


def test_the_store_counts_the_windows_in_the_answers_transaction(store):
    """Store level: an answer over a limit is rolled back whole, whatever the window says."""
    from store.limits import SharedWindows

    windows = SharedWindows(store)
    limits = Limits(windows, {"learner x": 1}, 60.0)
    first = record_answer(store, NewAttempt("x", "q1", "e4", 0.0, False), limits, True)
    assert first.recorded.number == 1 and first.wait == 0.0
    assert first.record.summaries["q1"].attempts == 1
    second = record_answer(store, NewAttempt("x", "q1", "4e4", 1.0, True), limits, True)
    assert second.recorded is None and 0 < second.wait <= 60 and second.record is None
    assert len(store.attempts(learner_id="x")) == 1
    assert store.summaries("x")["q1"].first_right is None
    assert windows.hit({"learner x": 2}, 60.0) == 0.0  # the refused answer was not counted


def test_the_result_block_from_the_cache_is_the_template_s(app):
    from flask import render_template

    client = app.test_client()
    replies = [client.post("/api/checkpoint/q1", json={"answer": answer}).json
               for answer in (WRONG["q1"], WRONG["q1"], WRONG["q1"], KEYS["q1"])]
    replies.append(client.get("/api/progress").json["questions"]["q1"])
    with app.test_request_context():
        for reply in replies:
            fresh = render_template("partials/result.html", s=reply)
            assert result_html(reply) == fresh
            assert result_html(reply) == fresh  # the cached block again
        numbers = [reply["result_html"] for reply in replies[:3]]
        assert [f"Attempt {n}<" in html for n, html in enumerate(numbers, 1)] == [True] * 3


def test_an_unchanged_session_is_not_signed_again_until_a_day_old(app, monkeypatch):
    from web import sessions

    client = app.test_client()
    first = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert "session=" in first.headers.get("Set-Cookie", "")
    again = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert client.get("/api/progress").json["csrf"] == first.json["csrf"]
    monkeypatch.setattr(sessions, "SESSION_RESIGN_AFTER_S", 0.0)
    time.sleep(1.01)  # the cookie's timestamp has a second's resolution
    later = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert "session=" in later.headers.get("Set-Cookie", "")
    assert later.json["attempt"] == 3


def test_a_short_lifetime_still_slides_with_use(tmp_path):
    """With sessions shorter than two days, an unchanged cookie is signed again once it is
    half its lifetime old, so an active reader's session does not end under them."""
    from datetime import timedelta

    app = make_app(tmp_path, PERMANENT_SESSION_LIFETIME=timedelta(seconds=2))
    client = app.test_client()
    first = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert "session=" in first.headers.get("Set-Cookie", "")
    time.sleep(1.05)  # half the lifetime, at the timestamp's one-second resolution
    again = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert "session=" in again.headers.get("Set-Cookie", "")
    time.sleep(1.05)  # past the first cookie's lifetime: the newer one carries the reader
    last = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert last.json["attempt"] == 3


def test_a_cookie_signed_with_a_fallback_key_is_signed_again_at_once(tmp_path):
    """After SECRET_KEY is rotated (the old one kept as a fallback), a returning reader's
    cookie moves to the new key on their next request, so the fallback can be dropped."""
    old = make_app(tmp_path / "old", SECRET_KEY="k-old" * 8)
    client = old.test_client()
    first = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    cookie = first.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    new = make_app(tmp_path / "new", SECRET_KEY="k-new" * 8,
                   SECRET_KEY_FALLBACKS=["k-old" * 8])
    reader = new.test_client()
    reader.set_cookie("session", cookie)
    moved = reader.get("/api/progress")
    assert moved.json["csrf"] == first.json["csrf"]  # the same reader, recognised
    assert "session=" in moved.headers.get("Set-Cookie", "")
    again = reader.get("/api/progress")
    assert "Set-Cookie" not in again.headers  # now on the new key: not signed again
    alone = make_app(tmp_path / "alone", SECRET_KEY="k-new" * 8).test_client()
    alone.set_cookie("session", reader.get_cookie("session").value)
    assert alone.get("/api/progress").json["csrf"] == first.json["csrf"]


def test_a_forged_cookie_still_starts_a_new_reader(app):
    client = app.test_client()
    client.set_cookie("session", "eyJsZWFybmVyIjoiYSJ9.forged.signature")
    reply = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert reply.status_code == 200 and reply.json["attempt"] == 1
    assert "session=" in reply.headers.get("Set-Cookie", "")


def test_a_cookie_verified_before_still_expires(app, monkeypatch):
    """The session interface checks a cookie's signature once per process, its age every
    time: past its lifetime the same cookie is a reader without a session again."""
    client = app.test_client()
    first = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]}).json["attempt"] == 2
    lifetime = app.permanent_session_lifetime.total_seconds()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + lifetime + 60)
    late = client.post("/api/checkpoint/q1", json={"answer": WRONG["q1"]})
    assert late.json["attempt"] == 1 and late.json["csrf"] != first.json["csrf"]


def test_a_session_holding_a_mutable_value_is_decoded_for_each_request(app):
    """Only plain values are kept between requests: a nested value changed in place by one
    request is never what the next request with the same cookie opens."""
    interface = app.session_interface
    serializer = interface.get_signing_serializer(app)
    for data in ({"learner": "a", "lti": {"frame": ["https://lms.example.edu"]}},
                 {"learner": "b", "csrf": "t"}):
        cookie = serializer.dumps(data)
        opened = []
        for _ in range(2):
            with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
                opened.append(interface.open_session(app, ctx.request))
        assert opened[0] == opened[1] == data
        if "lti" in data:
            opened[0]["lti"]["frame"].append("https://elsewhere.example")
            with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
                assert interface.open_session(app, ctx.request) == data
        opened[0]["learner"] = "changed"
        with app.test_request_context(headers={"Cookie": f"session={cookie}"}) as ctx:
            assert interface.open_session(app, ctx.request)["learner"] == data["learner"]


def test_a_typed_answer_is_one_transaction_and_refused_whole_over_the_limit(limited):
    """d1 (typed derivatives) stores through the same transaction: a wrong try commits once
    with its windows; past the limit a right one is refused, stored nowhere, told nothing."""
    from tests.test_typed_routes import SIN_SQUARE, answer, attempts_stored, token_for

    client = limited.test_client()
    token = token_for(client, SIN_SQUARE)
    replies = []
    for _ in range(LIMIT):
        assert commits_of(limited, lambda: replies.append(answer(client, token, "cos(x^2)"))) == 1
    assert [r.json["attempt"] for r in replies] == list(range(1, LIMIT + 1))
    refused = answer(client, token, "2x cos(x^2)")
    assert refused.status_code == 429 and "correct" not in refused.json
    assert attempts_stored(client) == LIMIT


@pytest.mark.parametrize("cache_control", [None, "no-store", "public, max-age=60",
                                           "Public", "private, no-cache"])
@pytest.mark.parametrize("change", ["unchanged", "read", "written", "emptied", "none"])
def test_saving_a_session_sends_what_flask_sends(app, cache_control, change):
    """The interface's short way for a session it does not send gives the same headers as
    Flask's own save_session (behind the same public-response rule)."""
    from flask import Response
    from flask.sessions import SecureCookieSessionInterface

    interface = app.session_interface

    def ours(session, response) -> None:
        interface.save_session(app, session, response)

    def flasks(session, response) -> None:
        if not response.cache_control.public:
            SecureCookieSessionInterface.save_session(interface, app, session, response)

    sent = []
    for save in (ours, flasks):
        session = interface.session_class(
            {} if change == "none" else {"learner": "a", "csrf": "t", "_permanent": True})
        session.signed_at = time.time()  # a fresh cookie: not due to be signed again
        if change == "read":
            session.accessed = True  # as reading it through flask.session marks it
        elif change == "written":
            session["csrf"] = "u"
        elif change == "emptied":
            session.clear()
        response = Response(b"{}", headers={"Cache-Control": cache_control}
                            if cache_control else {})
        with app.test_request_context():
            save(session, response)
        sent.append([(name, value.split("Expires=")[0]) for name, value in response.headers])
    assert sent[0] == sent[1]
