"""Instructors over HTTP: create a class, join it, the dashboard's numbers, CSV, who gets in.

Attempts are recorded through the store with the learner id of each student's session, the
same call the checkpoint routes make; tests/test_instructors_flow.py goes through the
checkpoint's own HTTP API.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from instructors import export, keys
from instructors.labels import plain_text
from instructors.ratelimit import FREE_MISSES
from store import NewAttempt
from store import classes as class_store
from tests.classes_helpers import CODE, create_class, csrf, join

SUFFIXES = ["", "/data.json", "/roster.csv", "/attempts.csv"]


def learner_of(client) -> str:
    with client.session_transaction() as session:
        return session["learner"]


def answer(app, client, qid: str, choice: str, variant: str | None = None) -> None:
    """Record an attempt as the checkpoint does: graded by the bank, stored for the learner."""
    from quizzes.bank import default_bank

    question = default_bank().questions[qid]
    correct = choice == question.key
    misconception = None if correct else question.choice_by_id[choice].misconception
    app.extensions["store"].record_attempt(NewAttempt(
        learner_of(client), qid, choice, 1.0 if correct else 0.0, correct, misconception,
        variant))


@pytest.fixture
def klass(client):
    return create_class(client)


# --- creating a class ------------------------------------------------------------------------

def test_creating_a_class_shows_both_links_and_says_to_save_the_secret_one(app, client, klass):
    page = klass["page"]
    assert "shown only once" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert len(klass["key"]) >= 43  # 256 bits, base64url
    assert len(klass["token"]) >= 22  # 128 bits
    # Only the key's hash is stored; the database cannot show the key again.
    (record, students), = class_store.list_classes(app.extensions["store"])
    assert record.key_hash == keys.hash_key(klass["key"]) != klass["key"]
    assert (record.name, students) == ("ML 101", 0)


def test_the_student_token_says_nothing_about_the_class_row_or_its_key(app, client):
    first, second = create_class(client, "A"), create_class(client, "B")
    store = app.extensions["store"]
    records = {r.token: r for r, _ in class_store.list_classes(store)}
    for made in (first, second):
        record = records[made["token"]]
        assert not made["token"].isdigit() and len(made["token"]) >= 22  # not a row number
        assert keys.hash_key(made["token"]) != record.key_hash  # not the key
        assert made["token"] not in made["key"] and made["key"] not in made["join"]
    # Made independently at random: consecutive classes share no structure.
    assert sum(a == b for a, b in zip(first["token"], second["token"], strict=False)) < 8


@pytest.mark.parametrize(("name", "message"), [
    ("", "cannot be empty"),
    ("   ", "cannot be empty"),
    ("x" * 121, "at most 120 characters"),
    ("bad\u0000name", "Use letters"),
])
def test_a_class_name_that_cannot_be_used_is_explained(client, name, message):
    client.application.config["INSTRUCTOR_CODE"] = CODE
    page = client.get("/classes/new")
    response = client.post("/classes/new", data={"name": name, "instructor_code": CODE,
                                                 "csrf_token": csrf(page.text)})
    assert response.status_code == 400
    assert message in response.text and 'aria-invalid="true"' in response.text


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_made(app, client):
    app.config["INSTRUCTOR_CODE"] = CODE
    client.get("/classes/new")
    response = client.post("/classes/new", data={"name": "Sneaky", "instructor_code": CODE})
    assert response.status_code == 400 and "expired" in response.text
    assert class_store.list_classes(app.extensions["store"]) == []


# --- students --------------------------------------------------------------------------------

def test_a_student_is_asked_for_a_name_once_then_reads_with_a_banner(app, klass):
    student = join(app, klass["join"], "Ada L.")
    again = student.get(klass["join"])
    assert again.status_code == 303 and again.location == "/"
    page = student.get("/class/name")  # the chapter page: tests/test_instructors_flow.py
    assert "Reading as <strong>Ada L.</strong> in ML 101" in page.text
    students = class_store.students(app.extensions["store"], 1)
    assert [(s.display_name, s.learner_id) for s in students] == [("Ada L.", learner_of(student))]


def test_a_student_can_change_their_name_and_the_roster_follows(app, client, klass):
    student = join(app, klass["join"], "Ada")
    form = student.get("/class/name")
    assert form.status_code == 200 and 'value="Ada"' in form.text
    response = student.post("/class/name", data={"name": "Ada Lovelace (s123)",
                                                 "csrf_token": csrf(form.text)})
    assert response.status_code == 303
    assert "Reading as <strong>Ada Lovelace (s123)</strong>" in student.get("/class/name").text
    roster = client.get(klass["teach"] + "/roster.csv").text
    assert "Ada Lovelace (s123)" in roster and ",Ada," not in roster


def test_changing_a_name_without_a_class_is_an_unknown_page(client):
    assert client.get("/class/name").status_code == 404


def test_an_unknown_student_link_is_an_unknown_page(client):
    assert client.get("/join/not-a-class-token").status_code == 404


def test_an_empty_display_name_is_refused_with_a_reason(app, klass):
    student = app.test_client()
    page = student.get(klass["join"])
    response = student.post(klass["join"], data={"name": " ", "csrf_token": csrf(page.text)})
    assert response.status_code == 400 and "cannot be empty" in response.text


def test_readers_without_a_class_get_the_same_bytes_as_before(app, client, klass):
    before = app.test_client().get("/")
    student = join(app, klass["join"], "Ada")
    answer(app, student, "q1", "e4")
    after = app.test_client().get("/")
    assert after.data == before.data == app.extensions["chapter_page"].body
    assert "Reading as" not in after.text


def test_attempts_carry_the_class_of_the_student_and_no_class_otherwise(app, klass):
    student = join(app, klass["join"], "Ada")
    loner = app.test_client()
    with loner.session_transaction() as session:
        session["learner"] = "no-class-learner"
    answer(app, student, "q1", "e4")
    answer(app, loner, "q1", "e4")
    store = app.extensions["store"]
    assert [a.class_id for a in store.attempts(learner_id=learner_of(student))] == [1]
    assert [a.class_id for a in store.attempts(learner_id="no-class-learner")] == [None]


def test_a_student_who_opens_another_class_link_answers_for_that_class(app, client):
    first, second = create_class(client, "A"), create_class(client, "B")
    student = join(app, first["join"], "Ada")
    answer(app, student, "q2", "true")
    page = student.get(second["join"])
    student.post(second["join"], data={"name": "Ada", "csrf_token": csrf(page.text)})
    answer(app, student, "q2", "false")
    student.get(first["join"])  # back to the first class: already named, so straight in
    answer(app, student, "q3", "1")
    store = app.extensions["store"]
    assert [(a.question_id, a.class_id) for a in store.attempts(learner_id=learner_of(student))
            ] == [("q2", 1), ("q2", 2), ("q3", 1)]


# --- the dashboard ---------------------------------------------------------------------------

@pytest.fixture
def busy_class(app, client, klass):
    """Four students: Ada wrong then right on q1, Ben right at once, Cy wrong twice,
    Dee joined and did nothing. Ada also tries a practice variant (left out of the numbers)."""
    ada, ben, cy = (join(app, klass["join"], n) for n in ("Ada", "Ben", "=HYPERLINK(\"x\")"))
    join(app, klass["join"], "Dee")
    answer(app, ada, "q1", "e4")
    answer(app, ada, "q1", "4e4")
    answer(app, ben, "q1", "4e4")
    answer(app, cy, "q1", "e4")
    answer(app, cy, "q1", "4e2")
    answer(app, ada, "q2", "true")
    answer(app, ada, "q1", "e4", variant="practice-token")
    return klass


def test_the_dashboard_counts_exactly_the_attempts_made(client, busy_class):
    data = client.get(busy_class["teach"] + "/data.json").json
    assert (data["students"], data["attempts"]) == (4, 7)
    q1, q2, q3, _ = data["questions"]
    assert (q1["attempted"], q1["first_try_correct"], q1["eventually_correct"],
            q1["attempts"]) == (3, 1, 2, 5)
    assert q1["mean_attempts"] == pytest.approx(5 / 3)
    answers = {a["answer"]: (a["first"], a["total"], a["misconception"]) for a in q1["answers"]}
    assert answers["e4"] == (2, 2, "forgot-inner-derivative")
    assert answers["4e4"] == (1, 2, None)
    assert answers["4e2"] == (0, 1, "outer-at-x")
    assert answers["2e4"] == (0, 0, "inner-derivative-constant")
    assert (q2["attempted"], q2["first_try_correct"], q2["eventually_correct"]) == (1, 0, 0)
    assert q3["attempted"] == 0 and q3["first_try_rate"] is None


def test_the_dashboard_names_the_misconception_behind_each_wrong_first_answer(client,
                                                                              busy_class):
    page = client.get(busy_class["teach"])
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    question_1 = page.text.split('id="qs-q1-h"')[1].split('id="qs-q2-h"')[0]
    slips = re.search(r'<ul class="slips">.*?</ul>', question_1, re.S).group(0)
    assert plain_text(slips) == "67 % chose e⁴ ≈ 54.6 — forgot the inner derivative (2 of 3)"
    text = plain_text(re.sub(r"<[^>]+>", " ", page.text))
    assert "Every first answer was right" not in text.split("Question 2")[0]


def test_the_roster_shows_each_students_state_per_question(client, busy_class):
    roster = {r["name"]: r for r in client.get(busy_class["teach"] + "/data.json").json["roster"]}
    assert roster["Ada"]["states"]["q1"] == "right-after-tries"
    assert roster["Ada"]["labels"]["q1"] == "Right after 2 tries"
    assert roster["Ada"]["attempts"]["q1"] == 2
    assert roster["Ada"]["states"]["q2"] == "wrong"
    assert roster["Ben"]["states"]["q1"] == "right-first-try"
    assert roster["Ben"]["attempts"]["q1"] == 1 and roster["Ben"]["first_try"] == 1
    assert roster['=HYPERLINK("x")']["states"]["q1"] == "wrong"
    assert roster["Dee"]["states"] == dict.fromkeys(("q1", "q2", "q3", "q4"), "not-tried")
    assert {n: r["score"] for n, r in roster.items()} == {
        "Ada": 1.0, "Ben": 1.0, '=HYPERLINK("x")': 0.0, "Dee": 0.0}


def read_csv(response) -> list[dict]:
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def test_the_roster_csv_has_one_row_per_student_and_is_formula_safe(client, busy_class):
    rows = read_csv(client.get(busy_class["teach"] + "/roster.csv"))
    assert [r["student"] for r in rows] == ["Ada", "Ben", "'=HYPERLINK(\"x\")", "Dee"]
    assert [r["student_no"] for r in rows] == ["1", "2", "3", "4"]
    ada = rows[0]
    assert (ada["q1_state"], ada["q1_attempts"], ada["q2_state"], ada["q3_state"]) == (
        "right-after-tries", "2", "wrong", "not-tried")
    assert (ada["q1_label"], ada["q1_first_try"], ada["q3_first_try"]) == (
        "Right after 2 tries", "no", "")
    assert (ada["score"], ada["out_of"]) == ("1.0", "4")
    assert rows[3]["last_activity"] == ""


def test_the_attempts_csv_has_one_row_per_attempt_practice_marked(client, busy_class):
    rows = read_csv(client.get(busy_class["teach"] + "/attempts.csv"))
    assert len(rows) == 7
    assert [(r["student"], r["question"], r["answer"], r["correct"]) for r in rows[:2]] == [
        ("Ada", "q1", "e4", "no"), ("Ada", "q1", "4e4", "yes")]
    assert rows[0]["misconception"] == "forgot-inner-derivative"
    assert rows[0]["answer_text"] == "e⁴ ≈ 54.6"
    assert [r["practice"] for r in rows].count("yes") == 1
    assert all(r["time"].endswith("Z") for r in rows)
    assert "practice-token" not in client.get(busy_class["teach"] + "/attempts.csv").text


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Ada", "Ada"), ("a=b", "a=b"), (3, 3), (-1.5, -1.5),
])
def test_cells_a_spreadsheet_would_run_get_an_apostrophe(cell, written):
    assert export.csv_safe(cell) == written


# --- who gets in -----------------------------------------------------------------------------

def unknown_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    return response.data


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("case", ["no key", "wrong key", "other class's key",
                                  "student token as key", "unknown class"])
def test_every_instructor_url_without_the_right_key_is_an_unknown_page(app, client, suffix,
                                                                       case):
    mine, other = create_class(client, "Mine"), create_class(client, "Other")
    join(app, mine["join"], "Ada")
    url = {
        "no key": f"/teach/{mine['token']}{suffix}",
        "wrong key": f"/teach/{mine['token']}/{'A' * 43}{suffix}",
        "other class's key": f"/teach/{mine['token']}/{other['key']}{suffix}",
        "student token as key": f"/teach/{mine['token']}/{mine['token']}{suffix}",
        "unknown class": f"/teach/{'B' * 22}/{mine['key']}{suffix}",
    }[case]
    response = client.get(url)
    assert response.status_code == 404
    assert response.data == unknown_page(client)
    assert b"Mine" not in response.data and b"Ada" not in response.data
    assert client.get(f"{mine['teach']}{suffix}").status_code == 200


def test_repeated_wrong_keys_from_one_address_are_slowed_down(client, klass):
    wrong = f"/teach/{klass['token']}/{'C' * 43}"
    for _ in range(FREE_MISSES):
        assert client.get(wrong).status_code == 404
    assert client.get(wrong).status_code == 404  # this miss starts the wait
    refused = client.get(wrong)  # the next miss waits
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert client.get(klass["teach"]).status_code == 200  # the right key is never refused
    other = client.get(wrong, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 404  # another address has misses of its own


# --- the command line ------------------------------------------------------------------------

def test_flask_classes_create_and_list(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["classes", "create", "Evening class", "--base-url",
                               "https://chapter.example"])
    assert made.exit_code == 0, made.output
    teach = re.search(r"https://chapter\.example(/teach/\S+)", made.output).group(1)
    join_link = re.search(r"https://chapter\.example(/join/\S+)", made.output).group(1)
    assert "cannot be shown again" in made.output
    assert client.get(teach).status_code == 200
    join(app, join_link, "Ada")
    listed = runner.invoke(args=["classes", "list"])
    assert "Evening class" in listed.output and "1 student " in listed.output
    assert teach.split("/")[3] not in listed.output  # the key is never printed again
    bad = runner.invoke(args=["classes", "create", "  "])
    assert bad.exit_code != 0 and "cannot be empty" in bad.output


def test_the_chapter_footer_tells_instructors_where_to_start(client):
    page = client.get("/").text
    assert '<a href="/classes/new">Teaching with this chapter? Assign it to a class</a>' in page


def test_a_database_that_is_down_gives_a_friendly_503_not_a_traceback(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": "postgresql://nobody:nothing@127.0.0.1:1/none",
                      "INSTANCE_PATH": str(tmp_path)})
    client = app.test_client()
    for url in (f"/join/{'s' * 22}", f"/teach/{'a' * 22}/{'b' * 43}"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "The chapter itself still works" in response.text
    app.config["INSTRUCTOR_CODE"] = CODE
    page = client.get("/classes/new")
    response = client.post("/classes/new", data={"name": "X", "instructor_code": CODE,
                                                 "csrf_token": csrf(page.text)})
    assert response.status_code == 503


def test_an_idle_dashboard_poll_gets_a_short_answer_until_something_changes(app, client,
                                                                            klass):
    url = klass["teach"] + "/data.json"
    version = client.get(url).json["version"]
    assert client.get(f"{url}?since={version}").json == {"unchanged": True,
                                                         "version": version}
    student = join(app, klass["join"], "Ada")
    changed = client.get(f"{url}?since={version}").json
    assert changed["students"] == 1 and changed["version"] != version
    answer(app, student, "q1", "e4")
    assert client.get(f"{url}?since={changed['version']}").json["attempts"] == 1
