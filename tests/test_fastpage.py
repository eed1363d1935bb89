"""The anonymous page's fast path answers exactly as Flask does, and only when it should."""

from __future__ import annotations

import itertools

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.apps import make_app
from web.fastpage import FastPage


def fast_layer(app) -> FastPage:
    layer = app.wsgi_app
    while not isinstance(layer, FastPage):
        layer = layer.app  # ProxyFix, when PROXY_COUNT is set
    return layer


def call(wsgi, method="GET", path="/", base="http://localhost", **headers):
    environ = EnvironBuilder(method=method, path=path, base_url=base,
                             headers=headers).get_environ()
    body, status, response_headers = run_wsgi_app(wsgi, environ, buffered=True)
    return status, sorted(response_headers.items()), b"".join(body)


@pytest.fixture(params=[{}, {"PROXY_COUNT": "1"}], ids=["direct", "behind-proxy"])
def app(request, tmp_path):
    return make_app(tmp_path, **request.param)


ENCODINGS = ["br", "gzip, deflate", "identity", "br;q=0, gzip;q=0"]


@pytest.mark.parametrize(("method", "accept", "scheme"),
                         list(itertools.product(["GET", "HEAD"], ENCODINGS, ["http", "https"])))
def test_replayed_answers_equal_flasks_own(app, method, accept, scheme):
    flask_only = fast_layer(app).inner
    headers = {"Accept-Encoding": accept}
    if scheme == "https":
        headers["X-Forwarded-Proto"] = "https"
    base = f"{scheme}://localhost"
    for _ in range(2):  # the first is captured from Flask, the second replayed
        replayed = call(app, method, base=base, **headers)
    assert replayed == call(flask_only, method, base=base, **headers)
    etag = dict(replayed[1])["ETag"]
    for tags in (etag, f'"other", {etag}', "*"):
        revalidated = call(app, method, base=base, **headers, **{"If-None-Match": tags})
        assert revalidated[0].startswith("304")
        assert revalidated == call(flask_only, method, base=base, **headers,
                                   **{"If-None-Match": tags})
    stale = call(app, method, base=base, **headers, **{"If-None-Match": '"not-it"'})
    assert stale[0].startswith("200")


def test_the_replay_carries_the_security_headers(client):
    for _ in range(2):
        response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert set(response.headers["Vary"].replace(" ", "").split(",")) >= {"Accept-Encoding",
                                                                         "Cookie"}


def test_a_reader_with_a_session_gets_their_own_page(client):
    client.get("/")
    answered = client.post("/api/checkpoint/q1", json={"answer": "e4"})
    assert answered.status_code == 200
    page = client.get("/")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "public" not in page.headers["Cache-Control"]


@pytest.mark.parametrize(("method", "path"), [("POST", "/"), ("GET", "/static/favicon.svg"),
                                              ("GET", "/nowhere"), ("PUT", "/")])
def test_other_requests_go_to_flask(app, method, path):
    flask_only = fast_layer(app).inner
    assert call(app, method, path) == call(flask_only, method, path)
    assert fast_layer(app).cache == {}
