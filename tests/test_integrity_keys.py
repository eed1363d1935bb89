"""Issue 11, items 1, 2 and 7: who may make a class, who may read a key, who is slowed down."""

from __future__ import annotations

import json
import re

import pytest

from instructors.ratelimit import FREE_MISSES
from quizzes.bank import default_bank
from store import classes as class_store
from tests.apps import make_app
from tests.classes_helpers import CODE, csrf, join
from tests.test_checkpoint_http import secrets_of, text

SUFFIXES = ["", "/data.json", "/roster.csv", "/attempts.csv"]


def cli_class(app, name="Evening class") -> tuple[str, str]:
    made = app.test_cli_runner().invoke(args=["classes", "create", name])
    assert made.exit_code == 0, made.output
    teach = re.search(r"(/teach/\S+)", made.output).group(1)
    join_link = re.search(r"(/join/\S+)", made.output).group(1)
    return teach, join_link


def test_without_an_instructor_code_the_web_form_only_explains(app, client):
    page = client.get("/classes/new")
    assert page.status_code == 200
    assert "flask --app app classes create NAME" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]
    page_csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    refused = client.post("/classes/new", data={
        "name": "Sneaky", "csrf_token": page_csrf.group(1) if page_csrf else ""})
    assert refused.status_code == 403 and "classes create NAME" in refused.text
    assert class_store.list_classes(app.extensions["store"]) == []


def test_the_footer_links_only_to_that_explanation(client):
    page = client.get("/").text
    footer = page[page.index('<footer'):page.index('</footer>')]
    # the accessibility statement, and for classes only the explanation
    assert re.findall(r'href="([^"]+)"', footer) == ["/accessibility", "/classes/new"]


def test_a_wrong_instructor_code_makes_nothing_and_is_slowed_down(tmp_path):
    app = make_app(tmp_path, INSTRUCTOR_CODE=CODE)
    client = app.test_client()
    token = csrf(client.get("/classes/new").text)
    assert 'name="instructor_code"' in client.get("/classes/new").text
    for _ in range(FREE_MISSES + 1):
        wrong = client.post("/classes/new", data={"name": "X", "instructor_code": "guess",
                                                  "csrf_token": token})
        assert wrong.status_code == 403 and "instructor code is not right" in wrong.text
    blocked = client.post("/classes/new", data={"name": "X", "instructor_code": "guess",
                                                "csrf_token": token})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1
    assert class_store.list_classes(app.extensions["store"]) == []
    right = client.post("/classes/new", data={"name": "X", "instructor_code": CODE,
                                              "csrf_token": token})
    assert right.status_code == 200 and "shown only once" in right.text  # never refused


def test_an_address_may_create_only_a_few_classes_an_hour(tmp_path):
    from web.security import RateWindow

    app = make_app(tmp_path, INSTRUCTOR_CODE=CODE)
    app.extensions["class_creation_window"] = RateWindow(2, 3600)
    client = app.test_client()
    token = csrf(client.get("/classes/new").text)
    form = {"name": "X", "instructor_code": CODE, "csrf_token": token}
    assert [client.post("/classes/new", data=form).status_code for _ in range(3)] == [
        200, 200, 429]
    assert len(class_store.list_classes(app.extensions["store"])) == 2


def bank_secrets() -> list[str]:
    phrases = []
    for question in default_bank().questions.values():
        phrases += secrets_of(question)
    return [p for p in phrases if p]


def test_an_empty_class_reveals_no_key_explanation_or_misconception(app, client):
    teach, join_link = cli_class(app)
    join(app, join_link, "Ada")  # a student, but nothing attempted
    seen = {suffix: client.get(teach + suffix) for suffix in SUFFIXES}
    assert all(r.status_code == 200 for r in seen.values())
    data = seen["/data.json"].json
    assert [q["answers"] for q in data["questions"]] == [[], [], [], []]
    assert '"correct": true' not in json.dumps(data)
    everything = text(" ".join(r.get_data(as_text=True) for r in seen.values()))
    for phrase in bank_secrets():
        assert phrase not in everything, phrase
    assert "tag-ok" not in seen[""].text and "Correct" not in text(seen[""].text)


def test_only_the_attempted_question_shows_its_distribution(app, client):
    teach, join_link = cli_class(app)
    ada = join(app, join_link, "Ada")
    assert ada.post("/api/checkpoint/q1", json={"answer": "e4"}).status_code == 200
    data = client.get(teach + "/data.json").json
    answers = {q["id"]: q["answers"] for q in data["questions"]}
    assert answers["q1"] and answers["q2"] == answers["q3"] == answers["q4"] == []
    q2_secrets = secrets_of(default_bank().questions["q2"])
    page = text(client.get(teach).text)
    for phrase in q2_secrets:
        assert phrase not in page, phrase


def test_the_right_instructor_link_is_never_refused_and_limits_are_per_class(app, client):
    teach, _ = cli_class(app, "Mine")
    other, _ = cli_class(app, "Other")
    token = teach.split("/")[2]
    wrong = f"/teach/{token}/{'C' * 43}"
    for _ in range(FREE_MISSES + 1):
        assert client.get(wrong).status_code == 404
    assert client.get(wrong).status_code == 429
    for _ in range(3):
        assert client.get(teach).status_code == 200  # same address, same class
    other_wrong = f"/teach/{other.split('/')[2]}/{'C' * 43}"
    assert client.get(other_wrong).status_code == 404  # another class: its own count


def test_every_worker_shares_the_count(tmp_path):
    first = make_app(tmp_path)
    second = make_app(tmp_path)  # another process on the same database
    teach, _ = cli_class(first)
    wrong = f"/teach/{teach.split('/')[2]}/{'C' * 43}"
    for _ in range(FREE_MISSES + 1):
        assert first.test_client().get(wrong).status_code == 404
    assert second.test_client().get(wrong).status_code == 429
    assert second.test_client().get(teach).status_code == 200


@pytest.mark.parametrize("url", [
    "/join/abc%00def", "/join/short", "/join/" + "x" * 65, "/join/" + "é" * 22,
    "/teach/abc%00def/" + "k" * 43, "/teach/" + "t" * 22 + "/k%00" + "k" * 40,
    "/teach/" + "t" * 22 + "/short/data.json", "/teach/" + "t" * 22 + "/" + "k" * 42 + "!",
])
def test_malformed_tokens_are_an_unknown_page_before_any_query(tmp_path, url):
    app = make_app(tmp_path, DATABASE_URL="postgresql://nobody:nothing@127.0.0.1:1/none")
    response = app.test_client().get(url)
    assert response.status_code == 404  # not 503: the database was never asked


def test_a_nul_byte_in_a_token_is_a_404_on_postgresql(tmp_path, pg_database):
    app = make_app(tmp_path, DATABASE_URL=pg_database)
    client = app.test_client()
    assert client.get("/join/" + "a" * 10 + "%00" + "b" * 11).status_code == 404
    assert client.get("/teach/" + "a" * 21 + "%00/" + "k" * 43).status_code == 404
