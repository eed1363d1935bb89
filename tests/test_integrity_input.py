"""Issue 11, items 2, 4, 6 and 8: odd digits, JSON 500s, cookies on public responses, floods."""

from __future__ import annotations

import logging
import re

import pytest

from store import attempts as store_module
from tests.apps import make_app


@pytest.mark.parametrize("digit", ["²", "①", "٣", "1" * 9])
def test_non_ascii_positions_are_a_422_not_a_500(client, digit):
    response = client.post("/checkpoint/q4", data={
        "order": ["a", "b", "c", "d"], "position": ["1", "2", "3", digit]})
    assert response.status_code == 422 and "position" in response.text


def test_an_unexpected_error_under_api_is_json(tmp_path):
    app = make_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/api/boom", "boom", boom)
    response = app.test_client().get("/api/boom")
    assert response.status_code == 500 and response.is_json
    assert set(response.json) == {"error", "field"} and "our side" in response.json["error"]


def test_public_responses_never_carry_the_session_cookie(client, monkeypatch):
    from web import sessions

    monkeypatch.setattr(sessions, "SESSION_RESIGN_AFTER_S", 0.0)  # every cookie due again
    assert client.post("/api/checkpoint/q1", json={"answer": "4e4"}).status_code == 200
    page = client.get("/").text
    urls = ["/api/widgets/nudge", "/api/widgets/backprop?x=1", "/api/openapi.json"]
    urls += re.findall(r'(?:src|href)="(/static/[^"]+)"', page)[:3]
    urls += re.findall(r'"(/vendor/plotly-[^"]+)"', page)[:1]
    assert len(urls) >= 5
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response.headers.get("Cache-Control", ""), url
        assert "Set-Cookie" not in response.headers, url
    assert "Set-Cookie" in client.get("/api/progress").headers  # private ones still do


def test_an_answer_flood_gets_429_and_is_not_counted(tmp_path):
    app = make_app(tmp_path, ANSWERS_PER_MINUTE_LEARNER=3)
    client = app.test_client()
    for n in range(1, 4):
        assert client.post("/api/checkpoint/q1", json={"answer": "e4"}).json["attempt"] == n
    refused = client.post("/api/checkpoint/q1", json={"answer": "e4"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert set(refused.json) == {"error", "field"} and "explanation" not in refused.json
    assert len(app.extensions["store"].attempts()) == 3


def test_one_address_is_limited_too(tmp_path):
    app = make_app(tmp_path, ANSWERS_PER_MINUTE_ADDRESS=2)
    codes = [app.test_client().post("/api/checkpoint/q2", json={"answer": "true"}).status_code
             for _ in range(3)]  # three cookie-less readers from one address
    assert codes == [200, 200, 429]


def test_a_learner_can_store_only_so_many_attempts(client, app, monkeypatch):
    monkeypatch.setattr(store_module, "MAX_ATTEMPTS_PER_LEARNER", 3)
    for _ in range(3):
        assert client.post("/api/checkpoint/q1", json={"answer": "e4"}).json["saved"]
    capped = client.post("/api/checkpoint/q1", json={"answer": "4e4"})
    assert capped.status_code == 200 and capped.json["correct"] is True
    assert capped.json["saved"] is False and "not saved" in capped.json["notice"]
    assert len(app.extensions["store"].attempts()) == 3


def test_the_summary_does_not_reread_the_learners_history(client, app, monkeypatch):
    assert client.post("/api/checkpoint/q1", json={"answer": "e4"}).json["summary"] == {
        "correct": 0, "attempted": 1, "total": 4, "score": 0.0}

    def no_rereading(*_):
        raise AssertionError("the whole record was read again")

    monkeypatch.setattr(app.extensions["store"], "learner_progress", no_rereading)
    monkeypatch.setattr(app.extensions["store"], "attempts", no_rereading)  # summaries only
    client.post("/api/checkpoint/q2", json={"answer": "false"})
    summary = client.post("/api/checkpoint/q1", json={"answer": "4e4"}).json["summary"]
    assert summary == {"correct": 2, "attempted": 2, "total": 4, "score": 2.0}


def test_forwarded_headers_without_proxy_count_are_warned_about_once(tmp_path, caplog):
    app = make_app(tmp_path)
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            client.get("/api/widgets/nudge", headers={"X-Forwarded-For": "203.0.113.9"})
            client.get("/", headers={"X-Forwarded-For": "203.0.113.9"})
    warnings = [r for r in caplog.records if "PROXY_COUNT is not set" in r.getMessage()]
    assert len(warnings) == 1


def test_with_proxy_count_nothing_is_warned(tmp_path, caplog):
    app = make_app(tmp_path, PROXY_COUNT="1")
    with caplog.at_level(logging.WARNING):
        app.test_client().get("/", headers={"X-Forwarded-For": "203.0.113.9"})
    assert not [r for r in caplog.records if "PROXY_COUNT" in r.getMessage()]
