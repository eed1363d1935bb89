"""Resume codes as one-time keys: a code works once, for RESUME_CODE_MINUTES, and not after a
newer one; and no sequence of codes lets a browser see an explanation and then record a clean
right answer (the borrow-and-go-back attack)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.apps import make_app


@pytest.fixture
def app(tmp_path, store_url):
    """The app on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    return make_app(tmp_path, DATABASE_URL=store_url)



def make_code(client) -> str:
    response = client.post("/api/resume", json={})
    assert response.status_code == 200, response.text
    return response.get_json()["link"].removeprefix("http://localhost")


def carry(browser, path: str):
    """Open a resume link in ``browser`` and press "Carry on here"."""
    page = browser.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return browser.post(path, data={"csrf_token": token})


def learner(browser) -> str | None:
    with browser.session_transaction() as session:
        return session.get("learner")


def error_of(response) -> str:
    return re.search(r'class="form-error" role="alert">([^<]+)<', response.text).group(1)


def test_a_code_works_once(app):
    ada, phone, thief = app.test_client(), app.test_client(), app.test_client()
    ada.post("/api/checkpoint/q2", json={"answer": "false"})
    path = make_code(ada)
    assert carry(phone, path).status_code == 303 and learner(phone) == learner(ada)
    again = carry(thief, path)
    assert again.status_code == 404 and "works once" in error_of(again)
    assert learner(thief) is None


def test_a_code_expires_after_fifteen_minutes(app, clock):
    ada, phone = app.test_client(), app.test_client()
    ada.post("/api/checkpoint/q2", json={"answer": "false"})
    path = make_code(ada)
    clock(minutes=15, seconds=1)
    late = carry(phone, path)
    assert late.status_code == 410
    assert "expired" in error_of(late) and "15 minutes" in error_of(late)
    assert learner(phone) is None
    still = make_code(ada)  # a fresh one works
    assert carry(phone, still).status_code == 303


def test_the_lifetime_is_configurable(tmp_path, clock):
    app = make_app(tmp_path, RESUME_CODE_MINUTES=2)
    ada, phone = app.test_client(), app.test_client()
    ada.post("/api/checkpoint/q2", json={"answer": "false"})
    path = make_code(ada)
    clock(minutes=1, seconds=59)
    assert carry(phone, path).status_code == 303
    path = make_code(ada)
    clock(minutes=2, seconds=1)
    assert "2 minutes" in error_of(carry(app.test_client(), path))


def test_a_newer_code_revokes_the_older(app):
    ada, phone = app.test_client(), app.test_client()
    ada.post("/api/checkpoint/q2", json={"answer": "false"})
    old, new = make_code(ada), make_code(ada)
    refused = carry(phone, old)
    assert refused.status_code == 404 and "newer code replaces it" in error_of(refused)
    assert carry(phone, new).status_code == 303


def test_the_page_says_a_code_is_personal(app, client):
    client.post("/api/checkpoint/q2", json={"answer": "false"})
    assert "Don't share this code: it signs in as you" in client.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
    made = client.post("/resume/new", data={"csrf_token": token})
    assert "Don't share this code: it signs in as you" in made.text
    assert "works once, for 15 minutes" in made.text


def test_borrowing_a_record_and_going_back_leaves_no_clean_answer(app):
    """B makes a code for itself, takes A's code, reads A's explanations, takes its own code
    back, and answers: the answer counts as after a reveal, never "Right first try"."""
    a, b = app.test_client(), app.test_client()
    assert a.post("/api/checkpoint/q1", json={"answer": "4e4"}).get_json()["correct"]
    b.post("/api/checkpoint/q2", json={"answer": "true"})  # b has a record of its own
    b_learner = learner(b)
    b_code = make_code(b)
    assert carry(b, make_code(a)).status_code == 303
    seen = b.get("/api/progress").get_json()
    assert seen["help"]["q1"]["explanation"]  # A's explanation is on B's screen
    assert carry(b, b_code).status_code == 303 and learner(b) == b_learner
    right = b.post("/api/checkpoint/q1", json={"answer": "4e4"}).get_json()
    assert right["correct"]
    q1 = b.get("/api/progress").get_json()["states"]["q1"]
    assert q1["revealed"] and q1["state"] != "right-first-try", q1


def test_going_back_the_other_way_round_is_no_cleaner(app):
    """B borrows A's identity while holding its own code, and answers as A later: A's record
    already counts what B's page showed."""
    a, b = app.test_client(), app.test_client()
    b.post("/api/checkpoint/q2", json={"answer": "false"})  # b earned q2's explanation
    a.post("/api/checkpoint/q3", json={"answer": "1e-10"})
    assert carry(b, make_code(a)).status_code == 303
    assert b.post("/api/checkpoint/q2", json={"answer": "false"}).get_json()["correct"]
    q2 = b.get("/api/progress").get_json()["states"]["q2"]
    assert q2["revealed"] and q2["state"] != "right-first-try", q2


def test_the_same_person_on_two_devices_keeps_clean_answers(app):
    """No explanation was shown on the phone before: carrying on there costs nothing."""
    laptop, phone = app.test_client(), app.test_client()
    laptop.post("/api/checkpoint/q1", json={"answer": "4e4"})
    assert carry(phone, make_code(laptop)).status_code == 303
    phone.post("/api/checkpoint/q2", json={"answer": "false"})
    states = phone.get("/api/progress").get_json()["states"]
    assert states["q1"]["state"] == states["q2"]["state"] == "right-first-try"


def test_with_storage_locked_the_browser_does_not_switch_and_the_code_still_works(tmp_path):
    app = make_app(tmp_path)  # SQLite: another connection can hold its write lock
    ada, bea = app.test_client(), app.test_client()
    ada.post("/api/checkpoint/q2", json={"answer": "false"})
    bea.post("/api/checkpoint/q3", json={"answer": "1e-10"})
    path = make_code(ada)
    page = bea.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    file = app.extensions["store"].url.removeprefix("sqlite:///")
    other = sqlite3.connect(file, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        down = bea.post(path, data={"csrf_token": token})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert down.status_code == 503 and "Try again" in error_of(down)
    assert learner(bea) != learner(ada)
    app.extensions["store"]._open_until = 0.0  # storage is back
    assert carry(bea, path).status_code == 303 and learner(bea) == learner(ada)
