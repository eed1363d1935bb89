"""One scoring rule, the same everywhere (quizzes/scoring.py): the page's summary and
``/api/progress``, the roster and its CSV, the dashboard's rates and the LMS ``scoreGiven``.

The use case: a class whose students reach every state, with the chapter's credit and then
with the instructor's own. The abuse cases: a student who reveals every answer and types them
back, one who takes every hint before answering, a forged or malformed credit form. The slow
case: the class's storage down while the instructor saves the scoring.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from lti import ags
from quizzes.scoring import (
    DEFAULT_CREDIT,
    FIRST_TRY,
    STATES,
    WITH_HINTS,
    Credit,
    state_from,
)
from store import classes as class_store
from store.help import Help
from tests.apps import make_app
from tests.classes_helpers import create_class, csrf, join
from tests.test_checkpoint_http import KEYS

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --- the rule itself -------------------------------------------------------------------------

# (tries, first right, its time, last score, help) → state, score with the default credit,
# score with revealed 0.5 and hinted 0.25
RULE = [
    ((0, None, None, 0.0, Help()), "not-tried", 0.0, 0.0),
    ((2, None, None, 0.0, Help()), "wrong", 0.0, 0.0),
    ((1, None, None, 2 / 3, Help()), "partly-right", 0.6667, 0.6667),
    ((1, 1, at(1), 1.0, Help()), "right-first-try", 1.0, 1.0),
    ((1, 1, at(5), 1.0, Help(2, None, at(3))), "right-with-hints", 1.0, 0.25),
    ((3, 2, at(5), 0.0, Help(1, None, at(2))), "right-with-hints", 1.0, 0.25),
    ((2, 2, at(5), 1.0, Help()), "right-after-tries", 1.0, 1.0),
    ((1, 1, at(1), 1.0, Help(1, None, at(9))), "right-first-try", 1.0, 1.0),  # hint after
    ((1, 1, at(5), 1.0, Help(0, at(3))), "revealed", 0.0, 0.5),
    ((0, None, None, 0.0, Help(0, at(3))), "revealed", 0.0, 0.5),
    ((2, None, None, 2 / 3, Help(3, at(4), at(1))), "revealed", 0.0, 0.5),
    ((1, 1, at(1), 1.0, Help(0, at(9))), "right-first-try", 1.0, 1.0),  # revealed after
]


@pytest.mark.parametrize(("given", "state", "plain", "generous"), RULE)
def test_one_function_gives_each_state_and_its_score(given, state, plain, generous):
    assert state_from(*given).state == state
    assert state_from(*given).score == pytest.approx(plain)
    assert state_from(*given, Credit(0.5, 0.25)).score == pytest.approx(generous)


def test_the_table_reaches_every_state():
    assert {state for _, state, _, _ in RULE} == set(STATES)
    assert DEFAULT_CREDIT == Credit(revealed=0.0, hinted=1.0)


# --- a class whose students reach every state ----------------------------------------------

def post(client, path: str, body: dict | None = None):
    response = client.post(path, json=body or {})
    assert response.status_code == 200, response.text
    return response.get_json()


SCRIPT = {  # student → (question, what they do, the state it leaves)
    "Ann": ("q1", [], "not-tried"),
    "Bo": ("q1", [("answer", "e4")], "wrong"),
    "Cy": ("q4", [("answer", ["b", "a", "c", "d"])], "partly-right"),
    "Di": ("q1", [("answer", "4e4")], "right-first-try"),
    "Ed": ("q1", [("hint", None), ("hint", None), ("answer", "4e4")], "right-with-hints"),
    "Gus": ("q1", [("answer", "e4"), ("answer", "4e4")], "right-after-tries"),
    "Fay": ("q2", [("reveal", None), ("answer", "false")], "revealed"),
}


def act(client, qid: str, steps) -> None:
    for what, answer in steps:
        if what == "answer":
            post(client, f"/api/checkpoint/{qid}", {"answer": answer})
        else:
            post(client, f"/api/checkpoint/{qid}/{what}")


def learner_of(client) -> str:
    with client.session_transaction() as session:
        return session["learner"]


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def everywhere(app, teacher, klass, people) -> dict[str, dict]:
    """Per student: the score on their own page, in the roster's live data, on the roster
    page, in the roster CSV and in the LMS score, and the sum of the rule's scores."""
    store = app.extensions["store"]
    record = class_store.class_by_token(store, klass["token"])
    live = {r["name"]: r for r in teacher.get(klass["teach"] + "/data.json").json["roster"]}
    page = teacher.get(klass["teach"]).text
    listed = {re.search(r'<th scope="row"[^>]*>([^<]+)</th>', tr).group(1):
              float(re.search(r'data-label="Score">([\d.]+)', tr).group(1))
              for tr in re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", page, re.S)
              if 'data-label="Score"' in tr}
    rows = {r["student"]: r for r in read_csv(teacher.get(klass["teach"] + "/roster.csv"))}
    found = {}
    for name, client in people.items():
        progress = client.get("/api/progress").get_json()
        with app.test_request_context():
            sent = ags.score_for(learner_of(client), "sub", record.id)
        found[name] = {
            "page": progress.get("score", 0.0),
            "summary": (progress.get("summary") or {}).get("score", 0.0),
            "rule": round(sum(s["score"] for s in (progress.get("states") or {}).values()), 4),
            "live": live[name]["score"], "roster": listed[name],
            "csv": float(rows[name]["score"]), "lms": sent["scoreGiven"],
            "comment": sent["comment"],
        }
    return found


@pytest.fixture
def scripted(app, client):
    klass = create_class(client, "Scores")
    people = {name: join(app, klass["join"], name) for name in SCRIPT}
    for name, (qid, steps, _) in SCRIPT.items():
        act(people[name], qid, steps)
    return klass, people


EXPECTED_PLAIN = {"Ann": 0, "Bo": 0, "Cy": 0.8333, "Di": 1, "Ed": 1, "Gus": 1, "Fay": 0}


def agree(found: dict, expected: dict) -> None:
    """Every place says the expected score (the roster page rounds it to two places)."""
    for name, places in found.items():
        for where, value in places.items():
            if where != "comment":
                tolerance = 0.005 if where == "roster" else 1e-4
                assert value == pytest.approx(expected[name], abs=tolerance), (
                    name, where, value)


def test_every_state_scores_the_same_on_the_page_the_roster_its_csv_and_the_lms(
        app, client, scripted):
    klass, people = scripted
    found = everywhere(app, client, klass, people)
    for name, (qid, _, state) in SCRIPT.items():
        if name != "Ann":
            progress = people[name].get("/api/progress").get_json()
            assert progress["states"][qid]["state"] == state
    agree(found, EXPECTED_PLAIN)
    assert "Right with hints: Q1" in found["Ed"]["comment"]
    assert "Answer revealed before a right answer: Q2" in found["Fay"]["comment"]
    assert "revealed" not in found["Di"]["comment"]


def test_the_class_credit_shows_on_the_dashboard_and_moves_every_score_together(
        app, client, scripted):
    klass, people = scripted
    page = client.get(klass["teach"]).text
    assert re.search(r'id="credit-revealed" name="revealed"[^>]*value="0"', page)
    assert re.search(r'id="credit-hinted" name="hinted"[^>]*value="1"', page)
    response = client.post(klass["teach"] + "/credit", data={
        "revealed": "0.5", "hinted": "25 %", "csrf_token": csrf(page)})
    assert response.status_code == 303 and response.location.endswith("#credit")
    page = client.get(klass["teach"]).text
    assert re.search(r'id="credit-revealed" name="revealed"[^>]*value="0.5"', page)
    assert re.search(r'id="credit-hinted" name="hinted"[^>]*value="0.25"', page)
    found = everywhere(app, client, klass, people)
    agree(found, {**EXPECTED_PLAIN, "Fay": 0.5, "Ed": 0.25})
    # The student's own page says the same score.
    fay = people["Fay"].get("/").get_data(as_text=True)
    assert "Score: 0.5 of 4." in fay


def test_the_live_dashboard_sees_a_change_of_credit(app, client, scripted):
    klass, _ = scripted
    version = client.get(klass["teach"] + "/data.json").json["version"]
    page = client.get(klass["teach"]).text
    client.post(klass["teach"] + "/credit", data={
        "revealed": "1", "hinted": "1", "csrf_token": csrf(page)})
    data = client.get(klass["teach"] + "/data.json", query_string={"since": version}).json
    assert "unchanged" not in data
    assert {r["name"]: r["score"] for r in data["roster"]}["Fay"] == 1.0


# --- abuse: what a student or a forged form can get -----------------------------------------

def hostile_app(tmp_path, url):
    app = make_app(tmp_path, DATABASE_URL=url)
    return app, app.test_client()


def test_revealing_all_four_then_typing_them_back_scores_nothing_anywhere(tmp_path, store_url):
    """The hostile student of the red team, on SQLite and PostgreSQL: four reveals, four
    answers copied from them. Page, progress, roster, CSV and LMS: 0, "revealed"."""
    app, teacher = hostile_app(tmp_path, store_url)
    klass = create_class(teacher, "Hostile")
    mallory = join(app, klass["join"], "Mallory")
    for qid in ("q1", "q2", "q3", "q4"):
        post(mallory, f"/api/checkpoint/{qid}/reveal")
        answer = KEYS[qid] if qid != "q4" else list(KEYS[qid])
        assert post(mallory, f"/api/checkpoint/{qid}", {"answer": answer})["correct"]
    progress = mallory.get("/api/progress").get_json()
    assert {s["state"] for s in progress["states"].values()} == {"revealed"}
    assert progress["score"] == 0 and progress["summary"]["correct"] == 0
    assert all(q["score"] == 0 for q in progress["questions"].values())
    found = everywhere(app, teacher, klass, {"Mallory": mallory})
    agree(found, {"Mallory": 0})
    assert "Answer revealed before a right answer: Q1, Q2, Q3, Q4" in found["Mallory"]["comment"]
    assert "0 of 4 checkpoint questions right" in found["Mallory"]["comment"]
    rows = read_csv(teacher.get(klass["teach"] + "/roster.csv"))
    assert [rows[0][f"q{n}_state"] for n in range(1, 5)] == ["revealed"] * 4
    assert [rows[0][f"q{n}_first_try"] for n in range(1, 5)] == ["no"] * 4
    data = teacher.get(klass["teach"] + "/data.json").json
    assert all(q["first_try_correct"] == 0 and q["eventually_correct"] == 0
               for q in data["questions"])
    page = mallory.get("/").get_data(as_text=True)
    assert "<strong>0 of 4</strong> questions right without a shown answer" in page


def test_hints_before_the_first_answer_are_not_a_first_try(tmp_path, store_url):
    app, teacher = hostile_app(tmp_path, store_url)
    klass = create_class(teacher, "Hints")
    hinted, clean = join(app, klass["join"], "Hinted"), join(app, klass["join"], "Clean")
    for _ in range(3):
        post(hinted, "/api/checkpoint/q2/hint")
    post(hinted, "/api/checkpoint/q2", {"answer": KEYS["q2"]})
    post(clean, "/api/checkpoint/q2", {"answer": KEYS["q2"]})
    assert hinted.get("/api/progress").get_json()["states"]["q2"]["state"] == WITH_HINTS
    assert clean.get("/api/progress").get_json()["states"]["q2"]["state"] == FIRST_TRY
    data = teacher.get(klass["teach"] + "/data.json").json
    q2 = next(q for q in data["questions"] if q["id"] == "q2")
    assert (q2["attempted"], q2["first_try_correct"], q2["eventually_correct"]) == (2, 1, 2)
    assert q2["first_try_rate"] == 0.5
    roster = {r["name"]: r for r in data["roster"]}
    assert roster["Hinted"]["labels"]["q2"] == "Right with hints"
    assert (roster["Hinted"]["first_try"], roster["Clean"]["first_try"]) == (0, 1)
    assert "1 with hints" in data["html"]["summary"]
    rows = {r["student"]: r for r in read_csv(teacher.get(klass["teach"] + "/roster.csv"))}
    assert (rows["Hinted"]["q2_first_try"], rows["Clean"]["q2_first_try"]) == ("no", "yes")


@pytest.mark.parametrize(("form", "status", "says"), [
    ({"revealed": "1", "hinted": "1"}, 400, "This form had expired"),  # no CSRF token
    ({"revealed": "1", "hinted": "1", "csrf_token": "forged"}, 400, "This form had expired"),
    ({"revealed": "2", "hinted": "1"}, 400, "a number from 0 to 1"),
    ({"revealed": "nan", "hinted": "1"}, 400, "a number from 0 to 1"),
    ({"revealed": "0.5", "hinted": "-1"}, 400, "a right answer after hints"),
    ({"revealed": "", "hinted": "1"}, 400, "a revealed answer"),
])
def test_a_forged_or_wrong_credit_form_changes_nothing(app, client, scripted, form, status,
                                                      says):
    klass, people = scripted
    page = client.get(klass["teach"]).text
    if "csrf_token" not in form and "expired" not in says:
        form = {**form, "csrf_token": csrf(page)}
    response = client.post(klass["teach"] + "/credit", data=form)
    assert response.status_code == status
    assert says in response.get_data(as_text=True)
    record = class_store.class_by_token(app.extensions["store"], klass["token"])
    assert (record.revealed_credit, record.hinted_credit) == (0.0, 1.0)
    assert people["Fay"].get("/api/progress").get_json()["score"] == 0


def test_a_student_cannot_set_the_credit_without_the_instructor_key(app, client, scripted):
    klass, people = scripted
    fay = people["Fay"]
    page = fay.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    wrong = f"/teach/{klass['token']}/{'A' * len(klass['key'])}/credit"
    assert fay.post(wrong, data={"revealed": "1", "hinted": "1",
                                 "csrf_token": token}).status_code == 404
    assert fay.get("/api/progress").get_json()["score"] == 0


# --- slow case: storage down while the scoring is saved -------------------------------------

def test_saving_the_scoring_while_storage_is_down_is_a_503_page_and_changes_nothing(
        app, client, scripted):
    klass, _ = scripted
    page = client.get(klass["teach"]).text
    store = app.extensions["store"]
    store._open_until = time.monotonic() + 3600
    started = time.monotonic()
    response = client.post(klass["teach"] + "/credit", data={
        "revealed": "1", "hinted": "1", "csrf_token": csrf(page)})
    assert time.monotonic() - started < 1.0
    assert response.status_code == 503 and "try again in a minute" in response.text
    store._open_until = 0.0
    record = class_store.class_by_token(store, klass["token"])
    assert (record.revealed_credit, record.hinted_credit) == (0.0, 1.0)


def test_an_answer_the_explanation_had_already_shown_scores_as_revealed():
    """After the bank's reveal_after wrong tries the explanation shows itself, answer and all:
    typing that answer back is not finding it, so it scores like "Show answer"."""
    after_three = state_from(4, 4, T0, 1.0)
    assert after_three.state == "revealed" and after_three.score == 0.0
    assert after_three.label == "Revealed after 3 tries"
    assert state_from(4, 4, T0, 1.0, credit=Credit(0.5, 1.0)).score == 0.5
    assert state_from(3, 3, T0, 1.0).state == "right-after-tries"  # found on the last try
    assert state_from(5, 5, T0, 1.0, shown_after=5).state == "right-after-tries"


def test_three_wrong_guesses_then_the_shown_answer_earn_nothing_over_http(tmp_path):
    client = make_app(tmp_path).test_client()
    for wrong in ("e4", "4e2", "2e4"):
        assert client.post("/api/checkpoint/q1", json={"answer": wrong}).get_json()[
            "correct"] is False
    shown = client.post("/api/checkpoint/q1", json={"answer": "e4-2x"}).get_json()
    assert shown["explanation"]  # the bank's three tries are spent: the answer is on the page
    assert client.post("/api/checkpoint/q1", json={"answer": "4e4"}).get_json()["correct"]
    progress = client.get("/api/progress").get_json()
    assert progress["questions"]["q1"]["state"] == "revealed"
    assert progress["score"] == 0
