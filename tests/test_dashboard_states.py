"""One honest state everywhere: a scripted class whose students reach every state; the word
each student's own page (/api/progress) uses is the word on the dashboard's roster, in its
live data, in the roster CSV and in the attempts CSV; hints and reveals are counted."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.classes_helpers import create_class, join


def post(client, path: str, body: dict):
    response = client.post(path, json=body)
    assert response.status_code == 200, response.text
    return response.get_json()


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.fixture
def scripted(app, client):
    """Seven students, one per state on one question each:
    Ann nothing; Bo wrong on q1; Cy partly right on q4; Di right first try on q1;
    Ed wrong, a hint, then right on q1; Fay reveals q2, then answers it right;
    Gus wrong, then right on q1 without help."""
    klass = create_class(client, "States")
    people = {name: join(app, klass["join"], name) for name in
              ("Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gus")}
    post(people["Bo"], "/api/checkpoint/q1", {"answer": "e4"})
    post(people["Cy"], "/api/checkpoint/q4", {"answer": ["b", "a", "c", "d"]})
    post(people["Di"], "/api/checkpoint/q1", {"answer": "4e4"})
    post(people["Ed"], "/api/checkpoint/q1", {"answer": "e4"})
    post(people["Ed"], "/api/checkpoint/q1/hint", {})
    post(people["Ed"], "/api/checkpoint/q1", {"answer": "4e4"})
    post(people["Fay"], "/api/checkpoint/q2/reveal", {})
    post(people["Fay"], "/api/checkpoint/q2", {"answer": "false"})
    post(people["Gus"], "/api/checkpoint/q1", {"answer": "e4"})
    post(people["Gus"], "/api/checkpoint/q1", {"answer": "4e4"})
    return klass, people


EXPECTED = {  # student → (question, state, label pattern)
    "Ann": ("q1", "not-tried", r"Not tried"),
    "Bo": ("q1", "wrong", r"Wrong"),
    "Cy": ("q4", "partly-right", r"Partly right \(\d+ %\)"),
    "Di": ("q1", "right-first-try", r"Right first try"),
    "Ed": ("q1", "right-with-hints", r"Right with hints"),
    "Fay": ("q2", "revealed", r"Revealed"),
    "Gus": ("q1", "right-after-tries", r"Right after 2 tries"),
}


def page_states(people) -> dict[str, dict]:
    return {name: c.get("/api/progress").get_json().get("states") or {}
            for name, c in people.items()}


def test_every_state_has_the_same_word_on_the_page_and_the_dashboard(client, scripted):
    klass, people = scripted
    mine = page_states(people)
    roster = {r["name"]: r for r in client.get(klass["teach"] + "/data.json").json["roster"]}
    html = client.get(klass["teach"]).text
    rows: dict[str, str] = {}  # the roster's row of each (the practice items' table follows)
    for tr in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", html, re.S):
        rows.setdefault(re.search(r'<th scope="row"[^>]*>([^<]+)</th>', tr).group(1), tr)
    for name, (qid, state, label) in EXPECTED.items():
        assert roster[name]["states"][qid] == state, name
        assert re.fullmatch(label, roster[name]["labels"][qid]), name
        if name != "Ann":  # Ann never answered: her page has no states to compare
            assert mine[name][qid]["state"] == state
            assert mine[name][qid]["label"] == roster[name]["labels"][qid]
        cell = re.search(rf'data-state="{state}"[^>]*data-label="Q{qid[1]}">(.*?)</td>',
                         rows[name], re.S)
        assert cell, (name, rows[name])
        word = re.search(r'class="state-word">([^<]+)<', cell.group(1)).group(1)
        assert word == roster[name]["labels"][qid]
    assert roster["Ed"]["hints"]["q1"] == 1 and roster["Fay"]["revealed"]["q2"] is True
    assert roster["Di"]["first_try"] == 1 and roster["Ed"]["first_try"] == 0
    assert "1 hint" in rows["Ed"]


def test_the_questions_section_counts_hints_and_reveals(client, scripted):
    klass, _ = scripted
    data = client.get(klass["teach"] + "/data.json").json
    by_id = {q["id"]: q for q in data["questions"]}
    assert (by_id["q1"]["hints"], by_id["q1"]["reveals"]) == (1, 0)
    assert (by_id["q2"]["hints"], by_id["q2"]["reveals"]) == (0, 1)
    questions = data["html"]["questions"]
    q2 = questions[questions.index('id="qs-q2-h"'):questions.index('id="qs-q3-h"')]
    assert re.search(r'data-help="reveals">1<', q2)
    summary = data["html"]["summary"]
    assert "Revealed" in summary


def test_the_roster_csv_says_each_state_in_the_same_words(client, scripted):
    klass, _ = scripted
    rows = {r["student"]: r for r in read_csv(client.get(klass["teach"] + "/roster.csv"))}
    for name, (qid, state, label) in EXPECTED.items():
        assert rows[name][f"{qid}_state"] == state, name
        assert re.fullmatch(label, rows[name][f"{qid}_label"]), name
    assert (rows["Di"]["q1_first_try"], rows["Ed"]["q1_first_try"],
            rows["Ann"]["q1_first_try"]) == ("yes", "no", "")
    assert (rows["Ed"]["q1_hints"], rows["Ed"]["hints"]) == ("1", "1")
    assert (rows["Fay"]["q2_revealed"], rows["Di"]["q1_revealed"]) == ("yes", "no")
    assert (rows["Di"]["first_try_right"], rows["Fay"]["first_try_right"]) == ("1", "0")


def test_the_attempts_csv_marks_help_and_the_state_each_attempt_left(client, scripted):
    klass, _ = scripted
    rows = read_csv(client.get(klass["teach"] + "/attempts.csv"))
    by = {}
    for r in rows:
        by.setdefault(r["student"], []).append(r)
    seen = {(r["student"], r["state"], r["state_label"]) for r in rows}
    for name, (_, state, label) in EXPECTED.items():
        if name != "Ann":
            assert any(n == name and s == state and re.fullmatch(label, lab)
                       for n, s, lab in seen), name
    ed = by["Ed"]
    assert [(r["state"], r["after_hint"]) for r in ed] == [
        ("wrong", "no"), ("right-with-hints", "yes")]
    assert [(r["state"], r["after_reveal"]) for r in by["Fay"]] == [("revealed", "yes")]
    assert by["Di"][0]["after_hint"] == "no" and by["Di"][0]["state_label"] == "Right first try"


def test_the_attempts_csv_names_each_slip_in_words_beside_its_slug(client, scripted):
    """A wrong answer's misconception comes as its slug (for sorting and formulas) and as
    the label the bank gives it (for a person reading the sheet)."""
    from quizzes.bank import default_bank

    klass, _ = scripted
    rows = read_csv(client.get(klass["teach"] + "/attempts.csv"))
    slips = [r for r in rows if r["misconception"]]
    assert slips, "the scripted class made no wrong answer with a misconception"
    labels = default_bank().misconceptions
    for r in slips:
        assert r["misconception_label"] == labels[r["misconception"]]
    assert all(r["misconception_label"] == "" for r in rows if not r["misconception"])
