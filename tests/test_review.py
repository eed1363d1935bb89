"""Spaced review with an injected clock: a right answer comes due after 1, then 3, then 7
days; a wrong review starts again at a day; the page says what is due; the dashboard reports
delayed-review accuracy; a review is not an attempt."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from quizzes.bank import default_bank
from quizzes.review import reference_of
from store import Store
from tests.classes_helpers import create_class, join

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(app, monkeypatch):
    now = {"t": START}
    monkeypatch.setattr(Store, "now", lambda self: now["t"])

    def move(days: float):
        now["t"] = now["t"] + timedelta(days=days)
    return move


def due(client) -> list[dict]:
    return client.get("/api/review").get_json()["due"]


def review(client, item: dict, right: bool):
    """Answer a due review: q1/q3 from their variant's reference (read from the token here,
    as the server would; a reveal would give the review up)."""
    qid = item["question"]
    if item["practice"]:
        signer = client.application.extensions["review_signer"]
        value = reference_of(signer, item["token"], default_bank().questions[qid])
        answer = str(value if right else value * 7 + 1)
        body = {"answer": answer, "token": item["token"]}
    else:
        body = {"answer": "false" if right else "true", "token": item["token"]}
    response = client.post(f"/api/review/{qid}", json=body)
    assert response.status_code == 200, response.text
    assert response.get_json()["correct"] is right
    return response.get_json()


def test_the_intervals_are_1_3_7_days_and_a_wrong_review_resets(client, clock):
    assert client.post("/api/checkpoint/q2", json={"answer": "false"}).status_code == 200
    assert due(client) == []
    clock(0.99)
    assert due(client) == []
    clock(0.02)
    (item,) = due(client)
    assert item["question"] == "q2" and item["label"] == "Question 2"
    assert "Review due: Question 2" in client.get("/").text
    nxt = review(client, item, right=True)
    assert nxt["next_due"].startswith((START + timedelta(days=1.01 + 3)).date().isoformat())
    clock(2.9)
    assert due(client) == []
    clock(0.2)
    nxt = review(client, due(client)[0], right=False)  # wrong: back to a day
    assert datetime.fromisoformat(nxt["next_due"]) - (START + timedelta(days=4.11)) == (
        timedelta(days=1))
    clock(1)
    review(client, due(client)[0], right=True)  # → 3 days
    clock(3)
    nxt = review(client, due(client)[0], right=True)  # → 7 days
    assert nxt["next_due"] is not None
    clock(7)
    assert review(client, due(client)[0], right=True)["next_due"] is None  # retired
    clock(30)
    assert due(client) == []
    # Reviews are not attempts: the question's state is still its first answer.
    assert client.get("/api/progress").get_json()["states"]["q2"]["state"] == "right-first-try"


def test_practice_questions_are_reviewed_with_a_fresh_variant(client, clock):
    client.post("/api/checkpoint/q1", json={"answer": "4e4"})
    clock(1)
    (item,) = due(client)
    assert item["practice"] and item["token"] and item["prompt"]
    assert "explanation" not in item
    refused = client.post("/api/review/q1", json={"answer": "1"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "token"
    review(client, item, right=True)
    assert due(client) == []


def test_a_question_not_due_is_refused_and_nothing_is_stored(client, clock):
    client.post("/api/checkpoint/q2", json={"answer": "false"})
    clock(1)
    token = due(client)[0]["token"]
    clock(-1)
    response = client.post("/api/review/q2", json={"answer": "false", "token": token})
    assert response.status_code == 409 and response.get_json()["field"] == "question"
    clock(1)
    assert len(due(client)) == 1


def test_the_page_form_answers_a_review_without_javascript(client, clock):
    client.post("/api/checkpoint/q2", json={"answer": "false"})
    clock(1)
    page = client.get("/").text
    form = page[page.index('data-review="q2"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    review_token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    response = client.post("/review/q2", data={"answer": "false", "csrf_token": token,
                                               "token": review_token})
    assert response.status_code == 303 and response.location.endswith("#review")
    assert "Next review of this question" in client.get("/").text


def test_the_dashboard_reports_delayed_review_accuracy(app, client, clock):
    klass = create_class(client, "Reviewers")
    ada, ben = join(app, klass["join"], "Ada"), join(app, klass["join"], "Ben")
    for student in (ada, ben):
        student.post("/api/checkpoint/q2", json={"answer": "false"})
    clock(1)
    review(ada, due(ada)[0], right=True)
    review(ben, due(ben)[0], right=False)
    data = client.get(klass["teach"] + "/data.json").json
    assert data["reviews"] == {"right": 1, "answered": 2, "rate": 0.5}
    assert re.search(r"Delayed reviews right</dt><dd data-reviews>50 %", data["html"]["summary"])
