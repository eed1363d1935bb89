"""Carry on another device: a resume code made on one browser takes another browser to the
same learner — only after a confirmation with CSRF; a new code revokes the old one; wrong
codes are rate-limited in the database, so every worker shares the count."""

from __future__ import annotations

import re

import pytest

from quizzes import resume_routes
from store.schema import resume_codes
from tests.apps import make_app


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def answer(client, qid="q1", value="4e4"):
    response = client.post(f"/api/checkpoint/{qid}", json={"answer": value})
    assert response.status_code == 200
    return response.get_json()


def make_code(client) -> dict:
    response = client.post("/api/resume", json={})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def path_of(link: str) -> str:
    return link.removeprefix("http://localhost")


def carry(other, link: str):
    """Open the link on another browser and press the button."""
    page = other.get(path_of(link))
    assert page.status_code == 200 and "Carry on here" in page.text
    return other.post(path_of(link), data={"csrf_token": csrf(page.text)})


def test_a_code_is_short_unambiguous_random_and_stored_hashed(app, client):
    answer(client)
    made = make_code(client)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", made["code"])
    assert made["link"].endswith("/resume/" + made["code"].replace("-", ""))
    assert made["code"] != make_code(client)["code"]
    store = app.extensions["store"]
    with store.engine.connect() as conn:
        stored = conn.execute(resume_codes.select()).all()
    assert len(stored) == 1  # the second code replaced the first
    raw = make_code(client)["code"].replace("-", "")
    with store.engine.connect() as conn:
        (row,) = conn.execute(resume_codes.select()).all()
    assert raw not in row.code_hash and len(row.code_hash) == 64


def test_the_link_carries_progress_to_another_browser_after_a_confirmation(app, client):
    answer(client, "q1", "e4")
    answer(client, "q1", "4e4")
    made = make_code(client)
    other = app.test_client()
    preview = other.get(path_of(made["link"]))  # a link preview: nothing changes
    assert preview.status_code == 200 and "Carry on here" in preview.text
    assert other.get("/api/progress").get_json()["questions"] == {}
    assert preview.headers["Referrer-Policy"] == "no-referrer"
    moved = carry(other, made["link"])
    assert moved.status_code == 303 and moved.location.startswith("/#checkpoint-carry")
    mine = client.get("/api/progress").get_json()["states"]
    theirs = other.get("/api/progress").get_json()["states"]
    assert theirs == mine and theirs["q1"]["label"] == "Right after 2 tries"
    answer(other, "q2", "false")  # answers on the new device count for the same reader
    assert client.get("/api/progress").get_json()["states"]["q2"]["state"] == "right-first-try"


def test_the_code_can_be_typed_in_any_case_with_or_without_the_dash(app, client):
    answer(client)
    made = make_code(client)
    other = app.test_client()
    assert "Type your resume code" in other.get("/resume").text
    typed = other.get("/resume", query_string={"code": made["code"].lower().replace("-", " ")})
    assert typed.status_code == 303
    assert carry(other, typed.location).status_code == 303
    assert other.get("/api/progress").get_json()["summary"]["attempted"] == 1
    bad = other.get("/resume", query_string={"code": "abc"})
    assert bad.status_code == 400 and "10 letters and digits" in bad.text


def test_without_the_csrf_token_nothing_is_taken_over(app, client):
    answer(client)
    made = make_code(client)
    other = app.test_client()
    other.get(path_of(made["link"]))
    refused = other.post(path_of(made["link"]), data={"csrf_token": "forged"})
    assert refused.status_code == 400
    assert other.get("/api/progress").get_json()["questions"] == {}


def test_a_new_code_revokes_the_old_one(app, client):
    answer(client)
    old = make_code(client)
    new = make_code(client)
    other = app.test_client()
    gone = carry(other, old["link"])
    assert gone.status_code == 404 and "not known" in gone.text
    assert carry(other, new["link"]).status_code == 303


def test_guessing_is_rate_limited_across_workers(tmp_path):
    """Two apps on one database stand for two workers: misses in one count in the other."""
    one, two = make_app(tmp_path), make_app(tmp_path)
    guesser_one, guesser_two = one.test_client(), two.test_client()
    statuses = []
    for n in range(resume_routes.FREE_MISSES + 2):
        client = guesser_one if n % 2 else guesser_two
        statuses.append(carry(client, f"/resume/{'23456789AB'}").status_code)
    assert statuses[:resume_routes.FREE_MISSES] == [404] * resume_routes.FREE_MISSES
    assert statuses[-1] == 429


def test_the_api_refuses_what_is_not_json_in_the_error_shape(client):
    response = client.post("/api/resume", data="x", content_type="text/plain")
    assert response.status_code == 415 and response.get_json()["field"] == "content-type"
    response = client.post("/api/resume", data="[", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["field"] == "body"
    response = client.post("/api/resume", json=[1])
    assert response.status_code == 400 and set(response.get_json()) >= {"error", "field"}


@pytest.mark.parametrize("code", ["", "%00", "a" * 300, "0OIL1OIL10", "../.."])
def test_odd_codes_get_a_page_not_an_error(client, code):
    response = client.get(f"/resume/{code}")
    assert response.status_code in (200, 404)


def test_the_checkpoint_offers_the_control(client):
    page = client.get("/").text
    assert "Carry on another device" in page and 'data-api="/api/resume"' in page
