"""One answer to a database that is down (web/errors.py): 503, Retry-After, the same words in
JSON under /api/ and on a page elsewhere — quickly, and never a traceback."""

from __future__ import annotations

import time

import pytest

from app import create_app
from store import StoreUnavailable
from tests.apps import assert_honestly_unsaved
from web.errors import ServiceUnavailable

SAYS = "Saved progress and classes can"
DOWN_URL = "postgresql://nobody:nothing@127.0.0.1:1/none"


@pytest.fixture
def down(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": DOWN_URL, "INSTANCE_PATH": str(tmp_path)})
    return app.test_client()


def test_the_stores_failure_is_the_webs_service_unavailable():
    assert issubclass(StoreUnavailable, ServiceUnavailable)


@pytest.mark.parametrize(("method", "url", "body"), [
    ("POST", "/api/resume", {}),
])
def test_an_api_route_answers_503_json_with_retry_after(down, method, url, body):
    started = time.monotonic()
    response = down.open(url, method=method, json=body)
    assert time.monotonic() - started < 2.0  # refused connection, then the breaker: no wait
    assert response.status_code == 503
    assert response.get_json() == {"error": ServiceUnavailable.message, "field": None}
    assert "try again" in response.get_json()["error"]
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_a_review_without_its_token_is_refused_before_storage_is_asked(down):
    response = down.post("/api/review/q2", json={"answer": "false"})
    assert response.status_code == 422 and response.get_json()["field"] == "token"


@pytest.mark.parametrize(("method", "url"), [
    ("POST", "/resume/new"),
    ("GET", f"/join/{'s' * 22}"),
    ("GET", f"/teach/{'a' * 22}/{'b' * 43}"),
    ("GET", "/lti/jwks"),
])
def test_a_page_route_answers_a_friendly_503_page(down, method, url):
    response = down.open(url, method=method)
    assert response.status_code == 503
    assert "The chapter itself still works" in response.text and "<html" in response.text
    assert "Traceback" not in response.text and "psycopg" not in response.text
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Referrer-Policy"] == "no-referrer"  # a key may be in the path


def test_a_route_that_answers_differently_still_does(down):
    """The answer route's 503 names what was lost (the answer, not saved) and grades
    nothing; the review list answers empty with a notice."""
    assert_honestly_unsaved(down.post("/api/checkpoint/q2", json={"answer": "false"}))
    assert down.get("/api/review").get_json()["notice"] == "Reviews cannot be loaded just now."
