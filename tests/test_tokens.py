"""Tokens bound to their reader: a practice variant's token and a review token work only for
the reader they were handed to, only for a while, and a review token only once and never
after its answer was shown. Every refusal is a 422 on the field "token" with a message that
says what to do, and stores nothing."""

from __future__ import annotations

import re
import sqlite3
import time

import pytest
from sqlalchemy import text as sql_text

from quizzes.bank import default_bank
from quizzes.review import reference_of
from tests.apps import make_app

ROUTES = ("", "/hint", "/reveal")  # answer, hint, reveal: every checkpoint route with a token


@pytest.fixture
def app(tmp_path, store_url):
    """The app on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    return make_app(tmp_path, DATABASE_URL=store_url)



def practice_token(client, qid="q1") -> str:
    return client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]


def send(client, qid, route, token, answer="12.5"):
    body = {"token": token, **({"answer": answer} if route == "" else {})}
    return client.post(f"/api/checkpoint/{qid}{route}", json=body)


def refused(response, words: str) -> str:
    assert response.status_code == 422, response.text
    data = response.get_json()
    assert data["field"] == "token"
    assert re.search(words, data["error"]), data["error"]
    return data["error"]


def due_review(client, clock, qid="q1") -> dict:
    """Answer ``qid`` right, let a day pass: its review is due; return it from GET /api/review."""
    right = {"q1": "4e4", "q2": "false", "q3": "1e-10"}[qid]
    assert client.post(f"/api/checkpoint/{qid}", json={"answer": right}).get_json()["correct"]
    clock(days=1, minutes=1)
    (item,) = [i for i in client.get("/api/review").get_json()["due"] if i["question"] == qid]
    return item


def review_answer(client, item, right=True) -> dict:
    qid = item["question"]
    if item["practice"]:
        value = reference_of(client.application.extensions["review_signer"], item["token"],
                             default_bank().questions[qid])
        return {"answer": repr(value if right else value * 7 + 1), "token": item["token"]}
    return {"answer": "false" if right else "true", "token": item["token"]}


def stored_for(app, client) -> tuple[int, int]:
    """(attempts, hints and reveals) stored for this client's learner."""
    with client.session_transaction() as session:
        learner = session["learner"]
    with app.extensions["store"].engine.connect() as conn:
        return tuple(conn.execute(sql_text(
            f"SELECT count(*) FROM {table} WHERE learner_id = :l"), {"l": learner}).scalar()
            for table in ("attempts", "checkpoint_help"))


# --- practice tokens -------------------------------------------------------------------------

@pytest.mark.parametrize("route", ROUTES)
def test_another_readers_practice_token_is_refused_and_nothing_is_stored(app, route):
    ada, bea = app.test_client(), app.test_client()
    token = practice_token(ada)
    bea.post("/api/checkpoint/q2", json={"answer": "true"})  # bea has a session of her own
    message = refused(send(bea, "q1", route, token), "handed to another reader.*Try another")
    assert "<" not in message
    # The borrowed token bought bea nothing: no attempt, hint or reveal on her record.
    assert stored_for(app, bea) == (1, 0)  # her one q2 answer, no help
    # ...and a reader with no session at all is refused the same way.
    refused(send(app.test_client(), "q1", route, token), "handed to another reader")
    assert send(ada, "q1", route, token).status_code == 200  # its own reader is served


@pytest.mark.parametrize("route", ROUTES)
def test_a_practice_token_expires_after_a_day(client, clock, route):
    token = practice_token(client)
    clock(hours=23, minutes=59)
    assert send(client, "q1", route, token).status_code == 200
    clock(minutes=2)
    refused(send(client, "q1", route, token), "older than a day.*Try another")


def test_the_practice_token_lifetime_is_configurable(tmp_path, clock):
    client = make_app(tmp_path, PRACTICE_TOKEN_HOURS=1).test_client()
    token = practice_token(client, "q3")
    clock(minutes=61)
    refused(send(client, "q3", "/hint", token), "older than 1 hours")


def test_a_review_token_is_not_a_practice_token(client, clock):
    item = due_review(client, clock)
    for route in ("", "/hint"):
        refused(send(client, "q1", route, item["token"]), "review question's token")


# --- review tokens -----------------------------------------------------------------------------

def test_a_review_token_is_answered_once(client, clock):
    item = due_review(client, clock, "q2")
    body = review_answer(client, item, right=True)
    assert client.post("/api/review/q2", json=body).get_json()["correct"] is True
    refused(client.post("/api/review/q2", json=body), "answered already.*Reload")
    clock(days=3, minutes=1)  # due again, and that token is both spent and stale
    refused(client.post("/api/review/q2", json=body), "older than a day")
    # A fresh token from GET /api/review is the way to answer it.
    (fresh,) = client.get("/api/review").get_json()["due"]
    assert fresh["token"] != item["token"]
    assert client.post("/api/review/q2", json=review_answer(client, fresh)).status_code == 200


@pytest.mark.parametrize("qid", ["q1", "q2"])
def test_show_answer_on_a_review_gives_it_up(client, clock, qid):
    item = due_review(client, clock, qid)
    body = review_answer(client, item, right=True)
    shown = client.post(f"/api/checkpoint/{qid}/reveal", json={"token": item["token"]})
    assert shown.status_code == 200 and shown.get_json()["explanation"]
    refused(client.post(f"/api/review/{qid}", json=body), "asked to see.*comes back in a day")
    # The same review cannot be shown again (a second give-up would count twice).
    refused(client.post(f"/api/checkpoint/{qid}/reveal", json={"token": item["token"]}),
            "answered or shown already")
    # It counted as not known: not due again today, so a fresh review question is no way round.
    assert client.get("/api/review").get_json()["due"] == []
    clock(days=1, minutes=1)
    assert len(client.get("/api/review").get_json()["due"]) == 1


def test_a_practice_token_forged_into_a_review_token_is_refused(client, clock):
    item = due_review(client, clock)
    practice = practice_token(client)
    reveal = send(client, "q1", "/reveal", practice).get_json()  # its answer, in hand
    for forged in (practice, "review." + practice, "review." + practice.split(".", 1)[-1],
                   item["token"][:-3] + "abc"):
        response = client.post("/api/review/q1", json={
            "answer": repr(reveal["receipt"]["reference"]), "token": forged})
        refused(response, "review")
    assert client.get("/api/review").get_json()["due"]  # still due: nothing was recorded


def matching_review_token(client, item: dict, practice: str) -> str:
    """A review token for the same item whose numbers are those of a practice token: what a
    reader hunting "Try another" for the review's own numbers would hold."""
    app = client.application
    with client.session_transaction() as session:
        learner = session["learner"]
    variant = app.extensions["checkpoint_signer"].inspect(practice, item["question"])
    return app.extensions["review_signer"].dumps(item["question"], variant, learner,
                                                 app.extensions["store"].now())


@pytest.mark.parametrize("how", ["reveal", "three wrong tries"])
def test_a_review_whose_numbers_were_shown_in_practice_counts_as_not_known(client, clock, how):
    item = due_review(client, clock, "q1")
    practice = practice_token(client)
    if how == "reveal":
        shown = send(client, "q1", "/reveal", practice).get_json()
    else:
        for _ in range(default_bank().questions["q1"].reveal_after):
            shown = send(client, "q1", "", practice, answer="123456")
            shown = shown.get_json()
    assert shown["explanation"]  # the practice answer is on screen
    token = matching_review_token(client, item, practice)
    value = client.application.extensions["checkpoint_signer"].inspect(practice, "q1").reference
    refused(client.post("/api/review/q1", json={"answer": repr(value), "token": token}),
            "shown the answer to this very question")
    assert client.get("/api/review").get_json()["due"] == []  # back in a day, not right


def test_a_review_is_not_drawn_with_numbers_already_revealed(client, clock, monkeypatch):
    from quizzes import review as review_module

    practice = practice_token(client)
    send(client, "q1", "/reveal", practice)
    seen = client.application.extensions["checkpoint_signer"].inspect(practice, "q1")
    real = review_module.new_variant
    draws = iter([seen])
    monkeypatch.setattr(review_module, "new_variant",
                        lambda qid, gen: next(draws, None) or real(qid, gen))
    item = due_review(client, clock, "q1")
    signer = client.application.extensions["review_signer"]
    # Drawn again: the review's numbers are not the revealed ones.
    assert signer._serializer.loads(item["token"][len("review."):])["p"] != seen.params


def test_another_readers_review_token_is_refused(app, clock):
    ada, bea = app.test_client(), app.test_client()
    bea.post("/api/checkpoint/q2", json={"answer": "false"})  # the same question due for bea
    item = due_review(ada, clock, "q2")
    assert bea.get("/api/review").get_json()["due"]
    refused(bea.post("/api/review/q2", json=review_answer(ada, item)), "another reader")
    refused(bea.post("/api/checkpoint/q2/reveal", json={"token": item["token"]}),
            "another reader")
    assert ada.post("/api/review/q2", json=review_answer(ada, item)).status_code == 200


def test_a_review_token_expires(client, clock):
    item = due_review(client, clock, "q2")
    clock(hours=24, minutes=1)
    refused(client.post("/api/review/q2", json=review_answer(client, item)), "older than a day")


def test_the_review_listing_has_the_documented_shape(client, clock):
    item = due_review(client, clock, "q2")
    assert item["prompt_html"] and item["token"].startswith("review.")
    listing = client.get("/api/review").get_json()
    assert listing["next"] is None  # nothing later than what is due now
    client.post("/api/review/q2", json=review_answer(client, item))
    listing = client.get("/api/review").get_json()
    assert listing["due"] == [] and listing["next"] == listing["upcoming"][0]["due"]


def test_a_review_without_a_token_is_refused(client, clock):
    due_review(client, clock, "q2")
    refused(client.post("/api/review/q2", json={"answer": "false"}), "token")


# --- the page: notice, contents, in-place errors without JavaScript ------------------------------

def test_the_page_announces_reviews_due_at_the_top_and_in_the_contents(client, clock):
    assert "review due" not in client.get("/").text
    due_review(client, clock, "q2")
    page = client.get("/").text
    notice = page.index('data-role="review-notice"')
    assert notice < page.index('class="chapter-head"')  # at the top of the page
    assert '<a href="#review">1 review due</a>' in page
    assert page.count('data-role="review-toc">1 review due</a>') == 2  # both contents lists
    assert 'data-review-time' not in page[:notice] and "(UTC)" not in page


def test_a_wrong_form_answer_comes_back_on_the_page_not_an_error_page(client, clock):
    due_review(client, clock, "q1")
    page = client.get("/").text
    form = page[page.index('data-review="q1"'):]
    fields = dict(re.findall(r'name="(csrf_token|token)" value="([^"]+)"', form)[:2])
    response = client.post("/review/q1", data={**fields, "answer": "12,5.3"})
    assert response.status_code == 303 and response.location.endswith("#review")
    page = client.get("/").text
    review = page[page.index('id="review"'):]
    assert 'value="12,5.3"' in review and 'aria-invalid="true"' in review
    error = re.search(r'id="review-q1-error"[^>]*>([^<]+)<', review).group(1)
    assert error.strip() and "ERROR" not in page


def test_the_next_review_is_said_in_words(client, clock):
    item = due_review(client, clock, "q2")
    data = client.post("/api/review/q2", json=review_answer(client, item)).get_json()
    assert data["next_due_words"] == "in 3 days"
    assert 'datetime="' in data["result_html"] or data["result_html"]
    page = client.get("/").text
    assert re.search(r'<time datetime="[^"]+" data-review-time>in 3 days</time>', page)


# --- the operator's shortcut ---------------------------------------------------------------------

def test_flask_review_due_makes_reviews_due_now(app, client):
    client.post("/api/checkpoint/q2", json={"answer": "false"})
    assert client.get("/api/review").get_json()["due"] == []
    runner = app.test_cli_runner()
    result = runner.invoke(args=["review", "due", "ALL"])
    assert result.exit_code == 0 and "1 review item of every learner's now due" in result.output
    assert [i["question"] for i in client.get("/api/review").get_json()["due"]] == ["q2"]
    nobody = runner.invoke(args=["review", "due", "no-such-learner"])
    assert nobody.exit_code == 0 and "No review items" in nobody.output


# --- storage down during a review: told honestly, quickly, and the token still counts once ------

def test_a_review_while_storage_is_locked_is_not_saved_and_says_so_quickly(tmp_path, clock):
    app = make_app(tmp_path)  # SQLite: another connection can hold its write lock
    client = app.test_client()
    item = due_review(client, clock, "q2")
    body = review_answer(client, item)
    path = app.extensions["store"].url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        response = client.post("/api/review/q2", json=body)
        took = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503 and took < 1.5, (response.status_code, took)
    assert "not saved" in response.get_json()["error"] and "Try again" in (
        response.get_json()["error"])
    app.extensions["store"]._open_until = 0.0  # the breaker's pause, skipped: storage is back
    # Nothing was half-written: the same token now counts, once.
    assert client.post("/api/review/q2", json=body).get_json()["correct"] is True
    refused(client.post("/api/review/q2", json=body), "answered already")
