"""The one guard on unsafe requests (web/csrf.py), over every route the app has.

The routes are read from the app's URL map, so a new POST route is covered (or must be
declared exempt) without editing this file.
"""

from __future__ import annotations

import tempfile

import pytest

from store import classes as class_store
from tests.apps import make_app
from tests.classes_helpers import CODE, create_class, csrf, join
from web import csrf as guard

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
EXEMPT = {"lti.login", "lti.launch_endpoint"}  # an LMS posts these from its own site
CROSS_SITE = [
    {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site too
    {"Origin": "https://evil.example"},  # an older browser: Origin only
    {"Origin": "http://localhost:8080"},  # another port is another origin
    {"Origin": "null"},  # a sandboxed frame, or a redirect from elsewhere
]


def _unsafe_routes() -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) for every unsafe method of every route."""
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        return sorted((rule.endpoint, rule.rule, method)
                      for rule in app.url_map.iter_rules()
                      for method in UNSAFE if method in rule.methods)


ROUTES = _unsafe_routes()
GUARDED = [r for r in ROUTES if r[0] not in EXEMPT]
FORMS = [r for r in GUARDED if not r[1].startswith("/api/")]


@pytest.fixture
def world(tmp_path):
    """An app with a class, a student in it who has answered once, and their class's links."""
    app = make_app(tmp_path, INSTRUCTOR_CODE=CODE)
    klass = create_class(app.test_client())
    student = join(app, klass["join"], "Ada")
    assert student.post("/api/checkpoint/q2", json={"answer": "true"}).status_code == 200
    return app, student, klass


def url_for_rule(rule: str, klass: dict) -> str:
    values = {"<qid>": "q1", "<code>": "23456789AB", "<token>": klass["token"],
              "<key>": klass["key"]}
    for name, value in values.items():
        rule = rule.replace(name, value)
    assert "<" not in rule, f"give {rule} a value in url_for_rule"
    return rule


def stored(app, client) -> tuple:
    """What a forged request could change: this reader's progress, the classes (without the
    clock the progress reports for its review dates)."""
    progress = client.get("/api/progress").get_json()
    (progress.get("review") or {}).pop("now", None)
    return progress, class_store.list_classes(app.extensions["store"])


def test_the_routes_read_from_the_map_include_every_kind():
    endpoints = {endpoint for endpoint, _, _ in GUARDED}
    assert {"checkpoint.api_attempt", "checkpoint.form_attempt", "checkpoint_help.form_hint",
            "review.form_answer", "resume.take", "instructors.new_class",
            "lti.deep_link"} <= endpoints
    assert len(GUARDED) == len(ROUTES) - len(EXEMPT)


@pytest.mark.parametrize(("endpoint", "rule", "method"), GUARDED)
def test_a_cross_site_request_is_refused_on_every_unsafe_route(world, endpoint, rule, method):
    app, student, klass = world
    before = stored(app, student)
    url = url_for_rule(rule, klass)
    token = csrf(student.get("/").text)  # the session's own token: not enough
    for headers in CROSS_SITE:
        if url.startswith("/api/"):
            response = student.open(url, method=method, json={"answer": "false"},
                                    headers=headers)
            assert response.status_code == 403, headers
            assert response.get_json() == {
                "error": "This request came from another site, so it was refused. Open the "
                         "chapter itself and try again from there.", "field": "origin"}
        else:
            response = student.open(url, method=method, headers=headers, data={
                "answer": "false", "csrf_token": token, "name": "Eve"})
            assert response.status_code == 403, headers
            assert "That request came from another site." in response.text
            assert "<html" in response.text
    assert stored(app, student) == before


@pytest.mark.parametrize(("endpoint", "rule", "method"), FORMS)
def test_a_form_post_without_the_sessions_token_is_refused(world, endpoint, rule, method):
    app, student, klass = world
    before = stored(app, student)
    url = url_for_rule(rule, klass)
    for form in ({"answer": "false", "name": "Eve"},
                 {"answer": "false", "name": "Eve", "csrf_token": "a-guess"}):
        response = student.open(url, method=method, data=form)
        assert response.status_code in (400, 403), (url, response.status_code)
        assert "expired" in response.text and "<html" in response.text
    assert stored(app, student) == before


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://localhost"},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},  # the reader's own action, not a page's
    {},  # not a browser: a script or curl
])
def test_same_origin_requests_are_accepted(world, headers):
    _, student, _ = world
    answered = student.post("/api/checkpoint/q2", json={"answer": "false"}, headers=headers)
    assert answered.status_code == 200 and answered.get_json()["attempt"] == 2
    token = csrf(student.get("/").text)
    posted = student.post("/checkpoint/q2", data={"answer": "false", "csrf_token": token},
                          headers=headers)
    assert posted.status_code == 303
    assert student.get("/api/progress").get_json()["questions"]["q2"]["attempts"] == 3


def test_a_form_post_from_a_reader_without_a_session_needs_no_token(client):
    response = client.post("/checkpoint/q2", data={"answer": "true"},
                           headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert client.get("/api/progress").get_json()["questions"]["q2"]["attempts"] == 1


@pytest.mark.parametrize("url", ["/resume/23456789AB", "/classes/new", "/review/q2"])
def test_forms_that_change_who_the_reader_is_need_a_token_even_without_a_session(tmp_path,
                                                                                url):
    app = make_app(tmp_path, INSTRUCTOR_CODE=CODE)
    response = app.test_client().post(url, data={"name": "Eve", "instructor_code": CODE})
    assert response.status_code in (400, 403) and "expired" in response.text
    assert class_store.list_classes(app.extensions["store"]) == []


def test_the_exemptions_are_declared_and_only_the_lms_launch(app):
    assert set(guard.exemptions(app)) == EXEMPT
    assert all(len(reason) > 30 for reason in guard.exemptions(app).values())


@pytest.mark.parametrize("url", ["/lti/login", "/lti/launch"])
def test_an_lms_may_post_the_launch_from_its_own_site(client, url):
    response = client.post(url, data={}, headers={"Origin": "https://lms.example",
                                                  "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400  # the launch's own check, not the guard's
    assert "The launch didn" in response.text and "another site" not in response.text


@pytest.mark.parametrize(("endpoint", "rule", "method"),
                         [r for r in GUARDED if r[1].startswith("/api/")])
def test_a_script_route_refuses_a_body_a_cross_site_form_could_send(world, endpoint, rule,
                                                                    method):
    """A browser that sends neither Origin nor Sec-Fetch-Site can still post a form or text
    across sites: no JSON route accepts either."""
    app, student, klass = world
    before = stored(app, student)
    url = url_for_rule(rule, klass)
    for body, content_type in (("answer=false", "application/x-www-form-urlencoded"),
                               ('{"answer": "false"}', "text/plain")):
        response = student.open(url, method=method, data=body, content_type=content_type)
        assert response.status_code in (405, 415), (url, response.status_code)
        assert set(response.get_json()) == {"error", "field"}
    assert stored(app, student) == before


def test_a_checkpoint_form_keeps_its_small_body_limit_before_the_guard_reads_it(world):
    _, student, _ = world
    token = csrf(student.get("/").text)
    response = student.post("/checkpoint/q1", data={"answer": "e4", "csrf_token": token,
                                                    "pad": "x" * 6000})
    assert response.status_code == 413 and "<html" in response.text
