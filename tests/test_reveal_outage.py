"""A reveal that cannot be recorded is not served: with storage down, "Show me the answer"
answers 503 with a message and no explanation, so no later right answer can count as clean
after an answer the record never saw."""

from __future__ import annotations

import time

import pytest

from quizzes.bank import default_bank
from tests.test_checkpoint_http import KEYS, post, text
from tests.test_teach_help import phrases

BANK = default_bank()


def _storage_down(app) -> None:
    """The breaker held open: every storage call fails at once, as in an outage."""
    app.extensions["store"]._open_until = time.monotonic() + 3600


def _storage_back(app) -> None:
    app.extensions["store"]._open_until = 0.0


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_a_reveal_during_an_outage_is_refused_and_shows_nothing(client, app, qid):
    client.get("/")
    _storage_down(app)
    response = client.post(f"/api/checkpoint/{qid}/reveal", json={})
    assert response.status_code == 503
    data = response.get_json()
    assert data["field"] == "question"
    assert data["error"].startswith("Can't record that right now — try again")
    assert set(data) == {"error", "field"}
    body = response.get_data(as_text=True)
    for phrase in phrases([BANK.questions[qid].explanation_html]):
        assert phrase not in body


def test_the_no_script_reveal_during_an_outage_is_a_page_without_the_explanation(client, app):
    client.get("/")
    _storage_down(app)
    response = client.post("/checkpoint/q2/reveal", data={})
    assert response.status_code == 503
    page = text(response.get_data(as_text=True))
    assert "Can't record that right now" in page
    for phrase in phrases([BANK.questions["q2"].explanation_html]):
        assert phrase not in page


def test_a_refused_reveal_leaves_a_later_right_answer_honest_and_a_recorded_one_counts(
        client, app):
    """The outage route: refused, nothing shown, so the right answer after it is the reader's
    own. Once storage is back, the reveal is recorded and the next right answer is not."""
    client.get("/")
    _storage_down(app)
    assert client.post("/api/checkpoint/q3/reveal", json={}).status_code == 503
    _storage_back(app)
    right = post(client, "q3", {"answer": KEYS["q3"]}).get_json()
    assert right["saved"] and right["state"]["state"] == "right-first-try"
    assert client.post("/api/checkpoint/q2/reveal", json={}).status_code == 200
    after = post(client, "q2", {"answer": KEYS["q2"]}).get_json()
    assert after["state"]["state"] == "revealed"
