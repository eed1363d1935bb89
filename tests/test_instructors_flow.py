"""A class through the checkpoint's own HTTP API: students join, answer, the dashboard counts.

tests/test_instructors.py covers the instructor side with attempts stored directly; here the
attempts go through ``POST /api/checkpoint/<qid>`` and the no-JS form post, as a browser
would send them.
"""

from __future__ import annotations

import re

from tests.classes_helpers import create_class, join


def test_answers_through_the_checkpoint_reach_the_dashboard_with_their_misconception(app,
                                                                                     client):
    klass = create_class(client, "Thursday seminar")
    ada = join(app, klass["join"], "Ada")
    ben = join(app, klass["join"], "Ben")
    outsider = app.test_client()
    assert ada.post("/api/checkpoint/q1", json={"answer": "e4"}).json["saved"]
    assert ada.post("/api/checkpoint/q1", json={"answer": "4e4"}).json["correct"]
    assert ben.post("/api/checkpoint/q1", json={"answer": "4e2"}).status_code == 200
    assert ben.post("/api/checkpoint/q4", json={"answer": ["b", "a", "c", "d"]}).json[
        "score"] < 1
    # Not counted: an invalid answer (422), and a reader who is not in the class.
    assert ben.post("/api/checkpoint/q1", json={"answer": "nope"}).status_code == 422
    assert outsider.post("/api/checkpoint/q1", json={"answer": "e4"}).status_code == 200

    data = client.get(klass["teach"] + "/data.json").json
    assert (data["students"], data["attempts"]) == (2, 4)
    q1 = data["questions"][0]
    assert (q1["attempted"], q1["first_try_correct"], q1["eventually_correct"]) == (2, 0, 1)
    first = {a["answer"]: (a["first"], a["misconception"]) for a in q1["answers"] if a["first"]}
    assert first == {"e4": (1, "forgot-inner-derivative"), "4e2": (1, "outer-at-x")}
    q4 = data["questions"][3]
    assert [(a["answer"], a["misconception"]) for a in q4["answers"] if a["first"]] == [
        ("b,a,c,d", "forward-order")]
    page = client.get(klass["teach"]).text
    assert "Applied the chain rule in the forward order" in page


def test_a_student_sees_the_class_banner_on_the_chapter_and_only_their_own_answers(app, client):
    klass = create_class(client, "Thursday seminar")
    ada = join(app, klass["join"], "Ada")
    ben = join(app, klass["join"], "Ben")
    ada.post("/api/checkpoint/q2", json={"answer": "true"})
    page = ada.get("/").text
    assert "Reading as <strong>Ada</strong> in Thursday seminar" in page
    assert "/class/name" in page
    ben_page = ben.get("/").text
    assert "Reading as <strong>Ben</strong>" in ben_page
    assert ben.get("/api/progress").json["summary"]["attempted"] == 0
    assert ada.get("/api/progress").json["summary"]["attempted"] == 1


def test_a_form_post_without_javascript_is_tagged_with_the_class_too(app, client):
    klass = create_class(client, "No-JS group")
    student = join(app, klass["join"], "Cy")
    page = student.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = student.post("/checkpoint/q3", data={"answer": "1e-10", "csrf_token": token})
    assert response.status_code in (302, 303)
    rows = client.get(klass["teach"] + "/data.json").json["roster"]
    assert rows[0]["states"]["q3"] == "right-first-try"


def test_the_shared_page_for_readers_without_a_cookie_is_unchanged_by_classes(app, client):
    before = app.test_client().get("/").data
    klass = create_class(client)
    student = join(app, klass["join"], "Ada")
    student.post("/api/checkpoint/q1", json={"answer": "e4"})
    assert app.test_client().get("/").data == before
