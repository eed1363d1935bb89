"""The reader's CSRF check refuses any token but the session's, whatever characters it holds."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("sent", ["é", "\u2603", "ünïcode-token", "", None])
def test_a_forged_form_token_is_refused_not_a_500(client, sent):
    client.post("/api/checkpoint/q2", json={"answer": "true"})  # a session with a token
    data = {"answer": "true"} if sent is None else {"answer": "true", "csrf_token": sent}
    response = client.post("/checkpoint/q2", data=data)
    assert response.status_code == 403
