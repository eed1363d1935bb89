"""Dynamic registration fetches the address it is given: only the operator's link may start it."""

from __future__ import annotations


def test_with_no_registration_code_set_dynamic_registration_is_off(client, monkeypatch):
    monkeypatch.delenv("LTI_REGISTRATION_CODE", raising=False)
    fetched = []
    monkeypatch.setattr("lti.registrations.register_dynamically",
                        lambda *a, **k: fetched.append(a))
    response = client.get("/lti/register", query_string={
        "openid_configuration": "https://127.0.0.1:9/.well-known/openid-configuration"})
    assert response.status_code == 403
    assert "LTI_REGISTRATION_CODE" in response.get_data(as_text=True)
    assert fetched == []
