"""The LMS integration's queries run under the store's guard (store/lti_queries.py): while
the circuit breaker is open, every LTI route that needs the database answers 503 at once
without asking it, and answers again as before once the breaker closes."""

from __future__ import annotations

import time

import pytest

from lti import ags, keys
from lti import registrations as regs
from store import StoreUnavailable


def _breaker_open(app) -> None:
    app.extensions["store"]._open_until = time.monotonic() + 3600


def _breaker_closed(app) -> None:
    app.extensions["store"]._open_until = 0.0


def test_the_jwks_is_served_when_storage_is_up(client):
    response = client.get("/lti/jwks")
    assert response.status_code == 200
    assert response.get_json()["keys"][0]["kid"]


@pytest.mark.parametrize(("method", "url", "data"), [
    ("GET", "/lti/jwks", None),
    ("POST", "/lti/login", {"iss": "https://lms.example", "login_hint": "u1",
                           "target_link_uri": "http://localhost/lti/launch"}),
])
def test_lti_routes_answer_503_at_once_while_the_breaker_is_open(app, client, method, url,
                                                                 data):
    _breaker_open(app)
    started = time.monotonic()
    response = client.open(url, method=method, data=data)
    assert time.monotonic() - started < 1.0  # refused by the breaker, no database asked
    assert response.status_code == 503
    assert "Traceback" not in response.text
    assert int(response.headers["Retry-After"]) > 0
    _breaker_closed(app)
    assert client.get("/lti/jwks").status_code == 200


def test_every_kind_of_lti_query_is_refused_while_the_breaker_is_open(app):
    """Reads and writes alike: keys, registrations, the score queue."""
    with app.app_context():
        keys.signing_key()
        _breaker_open(app)
        calls = [keys.live_keys, keys.rotate, lambda: regs.by_id(1),
                 lambda: regs.find("https://lms.example"), ags.pending_count,
                 lambda: ags.queue(1, "https://lms.example/li", None, {"userId": "u"})]
        for call in calls:
            with pytest.raises(StoreUnavailable):
                call()
        _breaker_closed(app)
        assert ags.pending_count() == 0  # the refused write left nothing behind
        assert len(keys.live_keys()) == 1  # nor did the refused rotation
