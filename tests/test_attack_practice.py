"""Attacks on the practice items (p1, p2) and Differentiate it yourself (d1): credit a reader
did not earn, text before it is earned, and odd JSON on every new route."""

from __future__ import annotations

import itertools
import re
import time

import pytest
from itsdangerous import URLSafeSerializer

from quizzes import typed, typed_routes, variants
from quizzes.bank import default_bank

SIN_SIN = {"outer": "sin", "inner": "sin"}  # y = sin(sin x): the only variant of its pair
SIN_SQUARE = {"outer": "sin", "inner": "power", "n": 2}


def _typed_params(token: str, app) -> dict:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=typed_routes.SALT).loads(token)["p"]


def test_d1_a_redrawn_variant_whose_answer_was_shown_is_not_right_first_try(client,
                                                                            monkeypatch):
    """Show answer, then Try another until the same function comes back, then type the
    shown derivative: that must not read as right first try."""
    draws = itertools.cycle([SIN_SIN, SIN_SQUARE])
    monkeypatch.setattr(typed, "random_params", lambda rng: dict(next(draws)))
    first = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    assert _typed_params(first, client.application) == SIN_SIN
    shown = client.post("/api/checkpoint/d1/reveal", json={"token": first}).get_json()
    for _ in range(4):
        token = client.get("/api/checkpoint/d1/variant").get_json()["token"]
        if _typed_params(token, client.application) != SIN_SIN:
            continue
        data = client.post("/api/checkpoint/d1", json={"answer": shown["derivative"],
                                                       "token": token}).get_json()
        assert data["state"]["state"] != "right-first-try"
    progress = client.get("/api/progress").get_json()["practice"]["d1"]
    assert progress["state"] != "right-first-try"


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_practice_item_a_redrawn_variant_whose_answer_was_shown_is_not_clean(client, qid,
                                                                             monkeypatch):
    generator = default_bank().practice_items[qid].practice.generator
    handed = [p for p in variants.all_params(generator)
              if variants.handed_out(variants.build(qid, generator, p))]
    draws = itertools.cycle([handed[0], handed[1]])
    monkeypatch.setattr(variants, "random_params", lambda gen, rng: dict(next(draws)))
    signer = client.application.extensions["checkpoint_signer"]
    first = client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
    seen = signer.inspect(first, qid)
    assert seen.params == handed[0]
    client.post(f"/api/checkpoint/{qid}/reveal", json={"token": first})
    for _ in range(4):
        token = client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
        if signer.inspect(token, qid).params != seen.params:
            continue
        data = client.post(f"/api/checkpoint/{qid}", json={
            "answer": repr(seen.reference), "token": token}).get_json()
        assert data["state"]["state"] != "right-first-try"
    assert client.get("/api/progress").get_json()["practice"][qid]["state"] != (
        "right-first-try")


@pytest.mark.parametrize("qid", ["d1", "p1", "p2"])
def test_with_storage_down_try_another_still_answers_at_once(client, app, qid):
    client.get(f"/api/checkpoint/{qid}/variant")  # a reader with a session
    app.extensions["store"]._open_until = time.monotonic() + 3600
    started = time.monotonic()
    response = client.get(f"/api/checkpoint/{qid}/variant")
    assert response.status_code == 200 and response.get_json()["token"]
    assert time.monotonic() - started < 1.0


def test_d1_two_tokens_for_one_function_then_show_answer_on_one_is_not_clean(client,
                                                                            monkeypatch):
    """Draw until two tokens carry the same function (before any Show answer), show one,
    type its derivative into the other: the answer was shown, so it is not right first
    try."""
    monkeypatch.setattr(typed, "random_params", lambda rng: dict(SIN_SIN))
    first = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    second = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    shown = client.post("/api/checkpoint/d1/reveal", json={"token": first}).get_json()
    data = client.post("/api/checkpoint/d1", json={"answer": shown["derivative"],
                                                   "token": second}).get_json()
    assert data["correct"] and data["state"]["state"] == "revealed"
    assert client.get("/api/progress").get_json()["practice"]["d1"]["state"] == "revealed"


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_practice_item_two_tokens_then_show_answer_on_one_is_not_clean(client, qid,
                                                                       monkeypatch):
    generator = default_bank().practice_items[qid].practice.generator
    chosen = next(p for p in variants.all_params(generator)
                  if variants.handed_out(variants.build(qid, generator, p)))
    monkeypatch.setattr(variants, "random_params", lambda gen, rng: dict(chosen))
    signer = client.application.extensions["checkpoint_signer"]
    first = client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
    second = client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
    client.post(f"/api/checkpoint/{qid}/reveal", json={"token": first})
    data = client.post(f"/api/checkpoint/{qid}", json={
        "answer": repr(signer.inspect(second, qid).reference), "token": second}).get_json()
    assert data["correct"] and data["state"]["state"] == "revealed"


def test_d1_a_right_answer_on_a_fresh_function_is_still_right_first_try(client, monkeypatch):
    draws = itertools.cycle([SIN_SIN, SIN_SQUARE])
    monkeypatch.setattr(typed, "random_params", lambda rng: dict(next(draws)))
    first = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    client.post("/api/checkpoint/d1/reveal", json={"token": first})
    second = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    data = client.post("/api/checkpoint/d1", json={"answer": "2x cos(x^2)",
                                                   "token": second}).get_json()
    assert data["correct"] and data["state"]["state"] == "right-first-try"


def _hint_while_down_then_right(client, app, qid, token, answer_text) -> dict:
    store = app.extensions["store"]
    store._open_until = time.monotonic() + 3600
    hinted = client.post(f"/api/checkpoint/{qid}/hint", json={"token": token})
    store._open_until = 0
    data = client.post(f"/api/checkpoint/{qid}", json={"answer": answer_text,
                                                       "token": token}).get_json()
    assert data["correct"]
    return hinted, data


def test_d1_a_hint_storage_cannot_record_is_not_shown(client, app):
    """The item's state is the variant's: a hint shown unrecorded would leave the right
    answer after it a clean first try."""
    token = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    params = _typed_params(token, app)
    hinted, data = _hint_while_down_then_right(client, app, "d1", token,
                                               typed.build(params).answer)
    assert hinted.status_code == 503 and "hint" not in hinted.get_json()
    assert data["state"]["state"] == "right-first-try"


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_practice_item_a_hint_storage_cannot_record_is_not_shown(client, app, qid):
    token = client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
    reference = app.extensions["checkpoint_signer"].inspect(token, qid).reference
    hinted, data = _hint_while_down_then_right(client, app, qid, token, repr(reference))
    assert hinted.status_code == 503 and "hint" not in hinted.get_json()
    assert data["state"]["state"] == "right-first-try"


def test_try_another_on_question_1_still_shows_a_hint_storage_cannot_record(client, app):
    """q1's practice variants count for nothing, so their hints still show (unsaved)."""
    token = client.get("/api/checkpoint/q1/variant").get_json()["token"]
    app.extensions["store"]._open_until = time.monotonic() + 3600
    hinted = client.post("/api/checkpoint/q1/hint", json={"token": token})
    assert hinted.status_code == 200 and hinted.get_json()["saved"] is False


def test_p1_hints_on_one_token_then_right_on_its_twin_is_right_with_hints(client,
                                                                         monkeypatch):
    """p1's second hint states the forward pass and every local derivative: hints taken on
    one token follow the same numbers drawn on another."""
    chosen = next(p for p in variants.all_params("fanout")
                  if variants.handed_out(variants.build("p1", "fanout", p)))
    monkeypatch.setattr(variants, "random_params", lambda gen, rng: dict(chosen))
    signer = client.application.extensions["checkpoint_signer"]
    first = client.get("/api/checkpoint/p1/variant").get_json()["token"]
    second = client.get("/api/checkpoint/p1/variant").get_json()["token"]
    for _ in range(2):
        client.post("/api/checkpoint/p1/hint", json={"token": first})
    data = client.post("/api/checkpoint/p1", json={
        "answer": repr(signer.inspect(second, "p1").reference), "token": second}).get_json()
    assert data["correct"] and data["state"]["state"] == "right-with-hints"
    assert data["state"]["hints"] == 2


def test_d1_hints_on_one_token_then_right_on_its_twin_is_right_with_hints(client,
                                                                         monkeypatch):
    monkeypatch.setattr(typed, "random_params", lambda rng: dict(SIN_SQUARE))
    first = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    second = client.get("/api/checkpoint/d1/variant").get_json()["token"]
    client.post("/api/checkpoint/d1/hint", json={"token": first})
    client.post("/api/checkpoint/d1/hint", json={"token": second})
    data = client.post("/api/checkpoint/d1", json={"answer": "2x cos(x^2)",
                                                   "token": second}).get_json()
    assert data["correct"] and data["state"]["state"] == "right-with-hints"
    assert data["state"]["hints"] == 1  # the twin's one hint, not one more


def test_without_javascript_an_answer_storage_cannot_record_is_a_503_not_a_422(client, app):
    """The page says the answer was not saved; its status says so too (a 422 would tell a
    client the answer itself was at fault, and not to try again)."""
    page = client.get("/checkpoint/d1").get_data(as_text=True)
    form = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
            for name in ("token", "csrf_token")}
    app.extensions["store"]._open_until = time.monotonic() + 3600
    refused = client.post("/checkpoint/d1", data={**form, "action": "check", "answer": "2x"})
    assert refused.status_code == 503 and refused.headers.get("Retry-After")
    assert "Not saved" in refused.get_data(as_text=True)
    unreadable = client.post("/checkpoint/d1", data={**form, "action": "check",
                                                     "answer": "ln*x"})
    assert unreadable.status_code == 422
