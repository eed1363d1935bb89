"""Security headers on every response, and production refusing unsafe settings."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

import pytest
from flask import session

from app import create_app
from tests.apps import make_app
from web.security import DEVELOPMENT_SECRET_KEY, UnsafeConfiguration

REAL_KEY = "k" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("APP_ENV", "FRAME_ANCESTORS", "SESSION_COOKIE_SECURE", "PROXY_COUNT",
                 "SECRET_KEY", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def directives(csp: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in csp.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/", "/static/css/chapter.css", "/no-such-page",
                                  "/api/widgets/no-such-widget"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_a_304_still_carries_the_headers(client):
    etag = client.get("/").headers["ETag"]
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "Content-Security-Policy" in response.headers


class ScriptAudit(HTMLParser):
    """Collects inline scripts and inline event handlers, which the policy would block. A JSON
    data block (<script type="application/json">) is data a script reads, never run."""

    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.data_blocks = 0
        self.handlers: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            if names.get("src"):
                self.srcs.append(names["src"])
            elif names.get("type") == "application/json":
                self.data_blocks += 1
            else:
                self.inline_scripts += 1
        self.handlers += [f"{tag}[{n}]" for n in names if n.startswith("on")]


def test_the_page_runs_under_the_policy_no_inline_script_no_handlers(client):
    audit = ScriptAudit()
    audit.feed(client.get("/").get_data(as_text=True))
    assert audit.inline_scripts == 0
    assert audit.handlers == []
    assert audit.srcs and all(src.startswith("/") and not src.startswith("//")
                              for src in audit.srcs)


def test_an_lms_can_be_allowed_to_embed_the_chapter(tmp_path):
    app = make_app(tmp_path, FRAME_ANCESTORS="'self'  https://lms.example.edu")
    response = app.test_client().get("/")
    csp = directives(response.headers["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["'self'", "https://lms.example.edu"]
    # X-Frame-Options cannot name the LMS, so it must not contradict the policy.
    assert "X-Frame-Options" not in response.headers


def test_frame_ancestors_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAME_ANCESTORS", "'none'")
    response = make_app(tmp_path).test_client().get("/no-such-page")
    assert directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_frame_ancestors_value_that_would_inject_a_directive_is_refused(tmp_path):
    with pytest.raises(UnsafeConfiguration, match="FRAME_ANCESTORS"):
        make_app(tmp_path, FRAME_ANCESTORS="'self'; script-src *")


@pytest.mark.parametrize("key", [None, "", DEVELOPMENT_SECRET_KEY, "short"])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY") as refused:
        make_app(tmp_path, APP_ENV="production", SECRET_KEY=key)
    assert "secrets.token_hex" in str(refused.value)


def test_production_refuses_debug_mode(tmp_path):
    with pytest.raises(UnsafeConfiguration, match="debug"):
        make_app(tmp_path, APP_ENV="production", SECRET_KEY=REAL_KEY, DEBUG=True)


def test_development_keeps_the_built_in_key_so_make_run_works(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})  # what `make run` does: no settings
    assert app.config["APP_ENV"] == "development"
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert app.test_client().get("/").status_code == 200


def test_under_gunicorn_production_is_the_default(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "gunicorn", sys.modules.get("gunicorn") or object())
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    monkeypatch.setenv("APP_ENV", "development")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["APP_ENV"] == "development"


def test_an_unknown_app_env_is_refused_with_the_allowed_values(tmp_path):
    with pytest.raises(UnsafeConfiguration, match="'production' or 'development'"):
        make_app(tmp_path, APP_ENV="prod")


def _cookie_for(app) -> str:
    @app.get("/_set")
    def _set():
        session["seen"] = True
        return "ok"

    return app.test_client().get("/_set").headers["Set-Cookie"]


def test_production_session_cookie_is_httponly_lax_and_secure(tmp_path):
    cookie = _cookie_for(make_app(tmp_path, APP_ENV="production", SECRET_KEY=REAL_KEY))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert re.search(r"(^|; )Secure(;|$)", cookie)


def test_secure_cookie_can_be_turned_off_for_plain_http_on_loopback(tmp_path, monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    cookie = _cookie_for(make_app(tmp_path, APP_ENV="production", SECRET_KEY=REAL_KEY))
    assert "Secure" not in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_cookie_is_not_secure_so_http_localhost_works(tmp_path):
    cookie = _cookie_for(make_app(tmp_path))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_behind_a_proxy_https_is_recognised_and_hsts_sent(tmp_path):
    https = {"X-Forwarded-Proto": "https"}
    trusting = make_app(tmp_path, PROXY_COUNT="1").test_client()
    assert "Strict-Transport-Security" in trusting.get("/", headers=https).headers
    # Without PROXY_COUNT a client cannot claim HTTPS by sending the header itself.
    direct = make_app(tmp_path).test_client()
    assert "Strict-Transport-Security" not in direct.get("/", headers=https).headers
