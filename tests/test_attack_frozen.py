"""Try another on the practice items reads which answers the reader was shown: against a
frozen database it still answers, within the request's budget, with any variant."""

from __future__ import annotations

import pytest

from tests.test_frozen_database import frozen_setup, timed  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.postgres]


@pytest.mark.parametrize("qid", ["d1", "p1"])
def test_try_another_answers_while_storage_is_frozen(frozen_setup, qid):  # noqa: F811
    app, _store, relay = frozen_setup
    reader = app.test_client()
    token = reader.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]
    assert reader.post(f"/api/checkpoint/{qid}/reveal", json={"token": token}).status_code \
        == 200
    relay.frozen.set()
    try:
        first, took_first = timed(lambda: reader.get(f"/api/checkpoint/{qid}/variant"))
        again, took = timed(lambda: reader.get(f"/api/checkpoint/{qid}/variant"))
    finally:
        relay.frozen.clear()
    assert first.status_code == 200 and first.get_json()["token"] and took_first < 1.5
    assert again.status_code == 200 and took < 0.25, took


def test_a_right_d1_answer_to_a_frozen_database_is_refused_within_the_budget(frozen_setup):  # noqa: F811
    """A right answer first asks whether its function was shown on another token: frozen,
    that read ends in the same honest 503 as the attempt itself, within the budget."""
    from quizzes import typed
    from tests.apps import assert_honestly_unsaved
    from tests.test_typed_routes import token_for

    app, _store, relay = frozen_setup
    reader = app.test_client()
    params = {"outer": "sin", "inner": "power", "n": 2}
    token = token_for(reader, params)
    assert reader.post("/api/checkpoint/d1", json={"answer": "x", "token": token}).json[
        "saved"] is True
    relay.frozen.set()
    try:
        refused, took = timed(lambda: reader.post("/api/checkpoint/d1", json={
            "answer": typed.build(params).answer, "token": token}))
    finally:
        relay.frozen.clear()
    assert_honestly_unsaved(refused)  # 503, nothing of the grade
    assert took < 1.5, took
