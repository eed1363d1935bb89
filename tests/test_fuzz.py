"""Hostile input, generated: no request a client can send gets a 5xx, and every 4xx from the
API says what was wrong in JSON.

Hypothesis throws wrong types, huge and tiny numbers, NaN/inf spellings, unicode, very long
strings, deeply nested JSON, missing fields, wrong content types and oversized bodies at every
route in the app's URL map (the test fails if a route appears that no strategy covers).
"""

from __future__ import annotations

import json
import math
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.api import openapi_part as widget_part
from chapter.figures import SCHEMAS
from quizzes.answer_routes import openapi_part as checkpoint_part
from quizzes.resume_routes import openapi_part as resume_part
from quizzes.review_routes import openapi_part as review_part
from quizzes.typed_openapi import openapi_part as typed_part
from tests.apps import make_app
from web import openapi

FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
QIDS = ["q1", "q2", "q3", "q4"]

NASTY = st.sampled_from([
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "-Infinity", "1e309", "-1e309",
    "1e-400", "0x10", "1_000", "٣", "５", "5\u00a0", "\x00", "%00", "null", "true", "[]", "{}",
    "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "😀" * 20,
    "9" * 400, "-0", "+5", ".5", "5.", "1e2", "e4", "4*e^4", "4 e^4",
])
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-6, max_value=6).map(lambda f: f"{f:.3f}"),
)
TEXT = st.one_of(NASTY, NUMBERS, st.text(max_size=40),
                 st.text(alphabet=string.printable, min_size=500, max_size=3000))
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30),
                      max_value=10**30), st.floats(allow_nan=False), TEXT)
JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)),
    max_leaves=25)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    app = make_app(tmp)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug must show as the 500 a user would get
    return app.test_client()


def no_constants(text: str):
    raise AssertionError(f"response JSON contains {text}, which JSON does not allow")


def check(response, api: bool) -> None:
    """The rules: never 5xx; an API 4xx is JSON with an error a person can read."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if api and 400 <= response.status_code < 500:
        assert response.is_json, (response.status_code, response.get_data(as_text=True)[:200])
        body = response.get_json()
        assert isinstance(body.get("error"), str) and len(body["error"]) > 10, body
    if api and response.status_code == 200 and response.is_json:
        json.loads(response.get_data(as_text=True), parse_constant=no_constants)


# --- widgets ------------------------------------------------------------------------------------

@st.composite
def widget_query(draw):
    name = draw(st.sampled_from(sorted(SCHEMAS)))
    fields = draw(st.lists(st.sampled_from(sorted(SCHEMAS[name])), unique=True, max_size=6))
    query = {field: draw(TEXT) for field in fields}
    if draw(st.booleans()):
        query[draw(st.text(min_size=1, max_size=10))] = draw(TEXT)
    return name, query


@FUZZ
@given(widget_query())
def test_widget_parameters(client, case):
    name, query = case
    response = client.get(f"/api/widgets/{name}", query_string=query)
    check(response, api=True)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.get_json()["field"] in query
    else:
        body = response.get_json()
        assert {"figure", "values", "description"} <= set(body)


@FUZZ
@given(st.text(min_size=1, max_size=60).filter(lambda s: "/" not in s and s not in SCHEMAS))
def test_unknown_widgets_are_404_json(client, name):
    response = client.get("/api/widgets/" + name)
    check(response, api=True)
    assert response.status_code == 404


@pytest.mark.parametrize("end", ["low", "high"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_widgets_at_their_limits_stay_finite(client, name, end):
    """Every number field at the end of its range, all at once: finite numbers come back."""
    query = {}
    for field, spec in SCHEMAS[name].items():
        if hasattr(spec, end):
            query[field] = str(getattr(spec, end))
        elif hasattr(spec, "options"):
            query[field] = spec.options[-1 if end == "high" else 0]
    response = client.get(f"/api/widgets/{name}", query_string=query)
    check(response, api=True)
    assert response.status_code == 200, response.get_json()
    assert all(math.isfinite(v) for v in _numbers(response.get_json()["values"]))


def _numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


# --- checkpoint: JSON API -----------------------------------------------------------------------

@FUZZ
@given(qid=st.one_of(st.sampled_from(QIDS), st.text(min_size=1, max_size=30).filter(
    lambda s: "/" not in s)), body=st.one_of(
    JSON, st.fixed_dictionaries({"answer": JSON}),
    st.fixed_dictionaries({"answer": JSON, "token": TEXT})))
def test_checkpoint_json_bodies(client, qid, body):
    response = client.post(f"/api/checkpoint/{qid}", json=body)
    check(response, api=True)
    assert response.status_code in (200, 400, 404, 413, 415, 422), response.status_code


@FUZZ
@given(qid=st.sampled_from(QIDS), raw=st.one_of(st.binary(max_size=300), TEXT.map(str.encode)),
       content_type=st.sampled_from([
           "application/json", "text/plain", "application/x-www-form-urlencoded",
           "multipart/form-data", "application/json; charset=latin-1", "", "*/*",
           "application/json; charset=utf-16"]))
def test_checkpoint_raw_bodies_and_content_types(client, qid, raw, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(f"/api/checkpoint/{qid}", data=raw, headers=headers)
    check(response, api=True)


@pytest.mark.parametrize("depth", [50, 500, 1000, 2040])
def test_deeply_nested_json_is_refused_not_crashed(client, depth):
    for qid in QIDS:
        body = '{"answer": ' + "[" * depth + "]" * depth + "}"
        response = client.post(f"/api/checkpoint/{qid}", data=body,
                               content_type="application/json")
        check(response, api=True)
        assert response.status_code in (400, 413, 422)


@pytest.mark.parametrize("size", [4097, 20_000, 2_000_000])
def test_oversized_bodies_get_413_with_a_message(client, size):
    body = json.dumps({"answer": "x" * size})
    response = client.post("/api/checkpoint/q1", data=body, content_type="application/json")
    check(response, api=True)
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_other_methods_on_the_api_answer_in_json(client, method):
    response = client.open("/api/checkpoint/q1", method=method)
    check(response, api=True)
    assert response.status_code == 405


@FUZZ
@given(qid=st.one_of(st.sampled_from(QIDS), st.text(min_size=1, max_size=20).filter(
    lambda s: "/" not in s)), cookie=st.one_of(st.none(), TEXT))
def test_variants_and_progress_with_any_cookie(client, qid, cookie):
    client.delete_cookie("session")
    if cookie is not None:
        client.set_cookie("session", cookie.replace(";", "").replace("\x00", "")[:3000])
    check(client.get(f"/api/checkpoint/{qid}/variant"), api=True)
    check(client.get("/api/progress"), api=True)
    check(client.get("/"), api=False)
    client.delete_cookie("session")


@FUZZ
@given(qid=st.sampled_from(QIDS), token=TEXT, answer=TEXT)
def test_practice_tokens_cannot_be_forged(client, qid, token, answer):
    response = client.post(f"/api/checkpoint/{qid}", json={"answer": answer, "token": token})
    check(response, api=True)
    assert response.status_code in (200, 400, 404, 415, 422)


# --- checkpoint: the form without JavaScript ----------------------------------------------

@FUZZ
@given(qid=st.one_of(st.sampled_from(QIDS), st.text(min_size=1, max_size=20).filter(
    lambda s: "/" not in s)), form=st.dictionaries(
    st.sampled_from(["answer", "order", "position", "csrf_token", "token", "x"]),
    st.one_of(TEXT, st.lists(TEXT, max_size=6)), max_size=4))
def test_checkpoint_form_posts(client, qid, form):
    response = client.post(f"/checkpoint/{qid}", data=form)
    check(response, api=False)
    assert response.status_code in (303, 400, 403, 404, 413, 422), response.status_code
    for action in ("hint", "reveal"):
        response = client.post(f"/checkpoint/{qid}/{action}", data=form)
        check(response, api=False)
        assert response.status_code in (303, 400, 403, 404, 413, 422), response.status_code


@FUZZ
@given(qid=st.one_of(st.sampled_from(QIDS), st.text(min_size=1, max_size=20).filter(
    lambda s: "/" not in s)), action=st.sampled_from(["hint", "reveal"]),
    body=st.one_of(st.dictionaries(st.sampled_from(["token", "answer", "x"]),
                                   st.one_of(TEXT, st.integers(), st.none(),
                                             st.lists(TEXT, max_size=3)), max_size=3),
                   st.lists(TEXT, max_size=3), TEXT, st.none()))
def test_hint_and_reveal_json_bodies(client, qid, action, body):
    response = client.post(f"/api/checkpoint/{qid}/{action}", json=body)
    check(response, api=True)
    assert response.status_code in (200, 400, 404, 415, 422), response.status_code


@FUZZ
@given(body=st.one_of(JSON, st.binary(max_size=200)), code=st.one_of(
    TEXT.map(lambda s: s.replace("/", "")[:200]).filter(bool),
    st.text(alphabet="23456789ABCDEFGHJKMNPQRSTUVWXYZ-abc ", min_size=8, max_size=14)),
    json_type=st.booleans())
def test_resume_codes_with_any_body_and_any_code(client, body, code, json_type):
    if isinstance(body, bytes):
        response = client.post("/api/resume", data=body, content_type=(
            "application/json" if json_type else "text/plain"))
    else:
        response = client.post("/api/resume", json=body)
    check(response, api=True)
    assert response.status_code in (200, 400, 413, 415, 429), response.status_code
    for method in ("GET", "POST"):
        response = client.open(f"/resume/{code}", method=method, data={"csrf_token": code})
        check(response, api=False)
        assert response.status_code in (200, 303, 400, 404, 405, 429), response.status_code
    check(client.get("/resume", query_string={"code": code}), api=False)


@FUZZ
@given(qid=st.one_of(st.sampled_from(QIDS), st.text(min_size=1, max_size=20).filter(
    lambda s: "/" not in s)), body=st.one_of(JSON, st.fixed_dictionaries({"answer": JSON}),
    st.fixed_dictionaries({"answer": JSON, "token": TEXT})))
def test_review_answers_with_any_body(client, qid, body):
    response = client.post(f"/api/review/{qid}", json=body)
    check(response, api=True)
    assert response.status_code in (400, 404, 409, 413, 415, 422), response.status_code
    check(client.get("/api/review"), api=True)


# --- everything else in the URL map -----------------------------------------------------

SEGMENT = st.one_of(TEXT.map(lambda s: s.replace("/", "")[:200]).filter(bool),
                    st.sampled_from(["..", "%2e%2e", "a" * 2000, "x.css", "css/chapter.css"]))


@FUZZ
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
       template=st.sampled_from([
           "/static/{}", "/static/css/{}", "/vendor/plotly-{}.min.js", "/join/{}",
           "/teach/{}/{}", "/teach/{}/{}/data.json", "/teach/{}/{}/roster.csv",
           "/teach/{}/{}/attempts.csv", "/teach/{}/{}/credit", "/classes/new",
           "/class/name", "/{}", "/api/{}",
           "/api/openapi.json",
           "/api/widgets/{}", "/api/checkpoint/{}/{}", "/lti/login", "/lti/launch",
           "/lti/jwks", "/lti/config", "/lti/register", "/lti/dashboard", "/lti/deep-link",
           "/api/resume", "/resume/new", "/resume", "/resume/{}", "/resume?code={}",
           "/api/review", "/api/review/{}", "/review/{}", "/api/checkpoint/d1/{}",
           "/api/checkpoint/d1", "/checkpoint/d1", "/accessibility"]),
       parts=st.lists(SEGMENT, min_size=2, max_size=2),
       form=st.dictionaries(st.sampled_from(["name", "class_name", "key", "csrf_token", "x",
                                             "code", "revealed", "hinted",
                                             "id_token", "state", "iss", "login_hint",
                                             "item"]),
                            TEXT, max_size=3))
def test_any_method_any_route(client, method, template, parts, form):
    path = template.format(*parts)
    data = form if method in ("POST", "PUT", "PATCH") else None
    response = client.open(path, method=method, data=data)
    check(response, api=path.startswith("/api/") and method != "HEAD")  # HEAD: no body


def test_every_route_is_covered_by_a_strategy(client):
    """A new route must be added to the fuzzing above, or this fails."""
    covered = {"/", "/accessibility", "/static/<path:filename>", "/api/widgets/<name>",
               "/api/openapi.json",
               "/vendor/plotly-<digest>.min.js", "/api/checkpoint/<qid>", "/checkpoint/<qid>",
               "/api/checkpoint/<qid>/variant", "/api/progress", "/classes/new",
               "/api/checkpoint/<qid>/hint", "/api/checkpoint/<qid>/reveal",
               "/checkpoint/<qid>/hint", "/checkpoint/<qid>/reveal",
               "/join/<token>", "/class/name", "/teach/<token>/<key>",
               "/teach/<token>/<key>/data.json", "/teach/<token>/<key>/roster.csv",
               "/teach/<token>/<key>/attempts.csv", "/teach/<token>/<key>/credit",
               "/lti/login", "/lti/launch", "/lti/jwks",
               "/lti/config", "/lti/register", "/lti/dashboard", "/lti/deep-link",
               "/api/resume", "/resume/new", "/resume", "/resume/<code>",
               "/api/review", "/api/review/<qid>", "/review/<qid>",
               "/api/checkpoint/d1", "/api/checkpoint/d1/variant", "/api/checkpoint/d1/preview",
               "/api/checkpoint/d1/hint", "/api/checkpoint/d1/reveal", "/checkpoint/d1"}
    rules = {rule.rule for rule in client.application.url_map.iter_rules()}
    assert rules <= covered, sorted(rules - covered)


# --- against the published OpenAPI description ------------------------------------------------

SPEC = openapi.document([widget_part(), checkpoint_part(), resume_part(), review_part(),
                         typed_part()])
WIDGET_PATHS = sorted(p for p in SPEC["paths"] if p.startswith("/api/widgets/"))


def valid_value(schema: dict):
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    low, high = schema["minimum"], schema["maximum"]
    if schema["type"] == "integer":
        return st.integers(min_value=int(low), max_value=int(high)).map(str)
    return st.floats(min_value=low, max_value=high).map(repr)


def invalid_value(schema: dict):
    if "enum" in schema:
        return st.text(max_size=12).filter(lambda s: s not in schema["enum"])
    low, high = schema["minimum"], schema["maximum"]
    outside = st.one_of(st.floats(max_value=low, exclude_max=True, allow_infinity=False),
                        st.floats(min_value=high, exclude_min=True, allow_infinity=False))
    if schema["type"] == "integer":
        outside = st.one_of(outside, st.floats(min_value=low, max_value=high).filter(
            lambda f: not f.is_integer()))
    return st.one_of(outside.map(repr), st.sampled_from(["nan", "inf", "-inf", "x", ""]))


@st.composite
def described_widget_request(draw, break_one: bool):
    path = draw(st.sampled_from(WIDGET_PATHS))
    params = {p["name"]: p["schema"] for p in SPEC["paths"][path]["get"]["parameters"]}
    chosen = draw(st.lists(st.sampled_from(sorted(params)), unique=True,
                           min_size=1 if break_one else 0))
    query = {name: draw(valid_value(params[name])) for name in chosen}
    broken = None
    if break_one:
        broken = chosen[0]
        query[broken] = draw(invalid_value(params[broken]))
    return path, query, broken


@FUZZ
@given(described_widget_request(break_one=False))
def test_every_request_the_description_allows_succeeds(client, case):
    path, query, _ = case
    response = client.get(path, query_string=query)
    check(response, api=True)
    assert response.status_code == 200, (path, query, response.get_json())
    assert {"figure", "values", "description"} <= set(response.get_json())


@FUZZ
@given(described_widget_request(break_one=True))
def test_a_value_outside_the_description_is_a_400_naming_it(client, case):
    path, query, broken = case
    response = client.get(path, query_string=query)
    check(response, api=True)
    assert response.status_code == 400, (path, query)
    assert response.get_json()["field"] == broken


@FUZZ
@given(qid=st.sampled_from(SPEC["paths"]["/api/checkpoint/{qid}"]["post"]["parameters"][0][
    "schema"]["enum"]), answer=st.one_of(st.text(max_size=200), st.lists(st.text(max_size=8),
                                                                         max_size=6)))
def test_a_body_the_description_allows_is_graded_or_refused_as_invalid(client, qid, answer):
    response = client.post(f"/api/checkpoint/{qid}", json={"answer": answer})
    check(response, api=True)
    assert response.status_code in (200, 422), response.get_json()


def test_the_description_is_published_and_covers_every_api_route(client):
    served = client.get("/api/openapi.json").get_json()
    rules = {rule.rule for rule in client.application.url_map.iter_rules()}
    parts = [widget_part(), checkpoint_part(), resume_part(), review_part(), typed_part()]
    assert served == json.loads(json.dumps(openapi.document(parts, rules)))
    api = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule) for rule in rules
           if rule.startswith("/api/") and rule != "/api/openapi.json"}
    described = {re.sub(r"/api/widgets/\w+", "/api/widgets/{name}", p) for p in served["paths"]}
    assert api == described
