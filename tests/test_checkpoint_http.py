"""The checkpoint over HTTP: grading, progress, the no-JavaScript form flow, every error path,
and that nothing graded leaks to a browser before it has answered."""

from __future__ import annotations

import html
import json
import math
import re

import pytest

from quizzes.bank import default_bank
from tests.apps import assert_honestly_unsaved

BANK = default_bank()
KEYS = {"q1": "4e4", "q2": "false", "q3": "1e-10", "q4": ["b", "a", "d", "c"]}
WRONG = {"q1": "e4", "q2": "true", "q3": "1", "q4": ["c", "d", "a", "b"]}


def post(client, qid, body, **kwargs):
    return client.post(f"/api/checkpoint/{qid}", json=body, **kwargs)


def text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


# --- grading through the JSON API -------------------------------------------------------------

@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_the_key_is_graded_correct_with_feedback_explanation_and_attempt(client, qid):
    data = post(client, qid, {"answer": KEYS[qid]}).get_json()
    assert (data["correct"], data["score"], data["attempt"], data["saved"]) == (True, 1, 1, True)
    assert text(data["feedback"]) and text(data["explanation"])
    assert data["misconception"] is None


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_a_wrong_answer_names_its_misconception_and_attempts_count_up(client, qid):
    first = post(client, qid, {"answer": WRONG[qid]}).get_json()
    assert (first["correct"], first["score"], first["attempt"]) == (False, 0, 1)
    assert first["misconception"] in BANK.misconceptions
    assert first["misconception_label"] == BANK.misconceptions[first["misconception"]]
    second = post(client, qid, {"answer": KEYS[qid]}).get_json()
    assert (second["correct"], second["attempt"]) == (True, 2)


def test_two_steps_swapped_earn_partial_credit_and_say_how_much_holds(client):
    data = post(client, "q4", {"answer": ["b", "a", "c", "d"]}).get_json()
    assert 0 < data["score"] < 1 and data["correct"] is False
    assert data["in_place"] == [1, 2]
    assert "your order keeps 5." in text(data["feedback"])


def test_the_summary_counts_questions_answered_correctly(client):
    post(client, "q1", {"answer": "4e4"})
    post(client, "q2", {"answer": "true"})
    data = post(client, "q3", {"answer": "1e-10"}).get_json()
    assert data["summary"] == {"correct": 2, "attempted": 3, "total": 4, "score": 2.0}


# --- every error path ---------------------------------------------------------------------------

def raw(client, qid, data, content_type="application/json"):
    return client.post(f"/api/checkpoint/{qid}", data=data, content_type=content_type)


@pytest.mark.parametrize(("send", "status", "field", "says"), [
    (lambda c: post(c, "q9", {"answer": "x"}), 404, "question", "There is no question 'q9'"),
    (lambda c: raw(c, "q1", '{"answer": "e4"}', "text/plain"), 415, "content-type",
     "application/json"),
    (lambda c: c.post("/api/checkpoint/q1", data={"answer": "e4"}), 415, "content-type",
     "application/json"),
    (lambda c: raw(c, "q1", '{"answer": '), 400, "body", "not valid JSON"),
    (lambda c: raw(c, "q1", b"\xff\xfe"), 400, "body", "not valid JSON"),
    (lambda c: raw(c, "q1", '["e4"]'), 400, "answer", 'a JSON object with an "answer"'),
    (lambda c: raw(c, "q1", '{"choice": "e4"}'), 400, "answer", '"answer"'),
    (lambda c: post(c, "q1", {"answer": "5e4"}), 422, "answer", "Choose one of: e4, 4e2"),
    (lambda c: post(c, "q1", {"answer": 218.4}), 422, "answer", "No such choice"),
    (lambda c: post(c, "q2", {"answer": True}), 422, "answer", "No such choice"),
    (lambda c: post(c, "q4", {"answer": ["b", "a", "d"]}), 422, "answer",
     "every step exactly once"),
    (lambda c: post(c, "q4", {"answer": "b,a,d,c"}), 422, "answer", "list of step ids"),
    (lambda c: post(c, "q2", {"answer": "1", "token": "abc"}), 422, "token",
     "q2 has no practice variants"),
    (lambda c: post(c, "q1", {"answer": "1", "token": "forged.token"}), 422, "token",
     "not one this server made"),
    (lambda c: raw(c, "q1", json.dumps({"answer": "e4", "pad": "x" * 5000})), 413, "body",
     "larger than 4096 bytes"),
    (lambda c: c.get("/api/checkpoint/q1"), 405, "method", "POST"),
    (lambda c: c.get("/api/checkpoint/q2/variant"), 404, "question", "no practice variants"),
    (lambda c: c.get("/api/checkpoint/q7/variant"), 404, "question", "no question"),
])
def test_bad_requests_get_a_json_error_saying_what_to_send(client, send, status, field, says):
    response = send(client)
    assert response.status_code == status
    body = response.get_json()
    assert body["field"] == field
    assert says in body["error"]


def test_deeply_nested_json_is_refused_not_crashed_on(client):
    response = raw(client, "q1", '{"answer": ' + "[" * 1800 + "]" * 1800 + "}")
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()


def test_invalid_answers_are_not_counted_as_attempts(client):
    post(client, "q1", {"answer": "nope"})
    post(client, "q4", {"answer": ["a"]})
    assert post(client, "q1", {"answer": "e4"}).get_json()["attempt"] == 1
    assert post(client, "q4", {"answer": KEYS["q4"]}).get_json()["attempt"] == 1


# --- practice variants ----------------------------------------------------------------------------

def variant(client, app, qid="q1"):
    data = client.get(f"/api/checkpoint/{qid}/variant").get_json()
    return data, app.extensions["checkpoint_signer"].inspect(data["token"], qid)


def test_a_variant_arrives_as_typeset_html_with_a_signed_token(client, app):
    response = client.get("/api/checkpoint/q3/variant")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert "<math" in data["prompt"] and data["token"] and "Type a number" in data["format"]
    # The token names its reader, so a reader without one is given an id with it.
    assert "Set-Cookie" in response.headers


def test_a_typed_number_is_graded_with_a_receipt(client, app):
    data, v = variant(client, app)
    right = post(client, "q1", {"answer": repr(v.reference), "token": data["token"]}).get_json()
    assert (right["correct"], right["variant"], right["attempt"]) == (True, True, 1)
    receipt = right["receipt"]
    assert receipt["low"] <= v.reference <= receipt["high"]
    assert {"value_text", "reference_text", "low_text", "high_text"} <= set(receipt)
    assert right["receipt"]["reference_text"] and "result_html" in right


def test_a_number_rounded_too_early_is_the_right_idea_not_precise_enough(client, app):
    for _ in range(40):  # a variant whose two-figure window reaches past the interval
        data, v = variant(client, app)
        half = 0.5 * 10.0 ** (math.floor(math.log10(abs(v.reference))) - 1)
        rounded = v.reference + 0.98 * half
        if abs(rounded - v.reference) > 0.011 * abs(v.reference):
            break
    near = post(client, "q1", {"answer": repr(rounded), "token": data["token"]}).get_json()
    assert (near["correct"], near["near"], near["misconception"]) == (False, True, None)
    assert "Right idea, not precise enough" in near["feedback"]


def test_a_typed_slip_is_named(client, app):
    data, v = variant(client, app, "q3")
    slip = post(client, "q3", {"answer": repr(v.misconceptions["off-by-one-layer"]),
                               "token": data["token"]}).get_json()
    assert (slip["correct"], slip["misconception"]) == (False, "off-by-one-layer")


def test_an_unreadable_number_is_refused_with_the_expected_format(client, app):
    data, _ = variant(client, app)
    response = post(client, "q1", {"answer": "about two hundred", "token": data["token"]})
    assert response.status_code == 422
    assert ("Type a number such as 12.7, 1.27e1 or an expression such as 7*cos(0.5)."
            in response.get_json()["error"])


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def test_the_chapters_own_notation_is_graded_like_any_number(client, app):
    data, v = variant(client, app, "q3")
    mantissa, exponent = f"{v.reference:.5e}".split("e")
    typed = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"  # 9.53674×10⁻⁷
    answer = post(client, "q3", {"answer": typed, "token": data["token"]}).get_json()
    assert answer["correct"] is True
    spaced = f"{mantissa} x 10^{int(exponent)}".replace("-", "−")  # 9.53674 x 10^−7
    assert post(client, "q3", {"answer": spaced, "token": data["token"]}).get_json()["correct"]


def test_a_number_with_a_comma_is_refused_with_both_readings_and_not_counted(client, app):
    data, _ = variant(client, app, "q1")
    response = post(client, "q1", {"answer": "1,024", "token": data["token"]})
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == "answer"
    assert ("1,024 has a comma: write 1024 for one thousand and twenty-four, or 1.024 for one "
            "point zero two four.") in body["error"]
    first = post(client, "q1", {"answer": "1", "token": data["token"]}).get_json()
    assert first["attempt"] == 1  # the refused answer was not an attempt


def test_practice_does_not_count_towards_the_summary(client, app):
    data, v = variant(client, app)
    result = post(client, "q1", {"answer": repr(v.reference), "token": data["token"]})
    assert result.get_json()["summary"]["attempted"] == 0


# --- the page: shared bytes for strangers, a per-reader page for learners ------------------------

def test_an_anonymous_reader_gets_the_same_cacheable_bytes_and_no_cookie(client):
    first, second = client.get("/"), client.get("/")
    assert first.data == second.data
    assert first.headers["ETag"] and "public" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_progress_for_a_stranger_is_empty_and_sets_no_cookie(client):
    response = client.get("/api/progress")
    assert response.get_json()["questions"] == {} and response.get_json()["csrf"] is None
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


def test_progress_survives_a_reload(client):
    post(client, "q2", {"answer": "true"})
    post(client, "q4", {"answer": ["b", "a", "c", "d"]})
    progress = client.get("/api/progress").get_json()
    assert set(progress["questions"]) == {"q2", "q4"}
    assert progress["questions"]["q4"]["answer"] == "b,a,c,d"
    assert progress["questions"]["q2"]["attempts"] == 1
    assert progress["summary"] == {"correct": 0, "attempted": 2, "total": 4, "score": 0.8333}
    assert progress["csrf"]
    page = client.get("/")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Cookie" in page.headers["Vary"] and "ETag" not in page.headers
    body = page.get_data(as_text=True)
    q2 = body[body.index('id="q2"'):body.index('id="q3"')]
    assert 'value="true" id="q2-true" checked' in q2
    assert "Not quite" in q2 and "Attempt 1" in q2 and "Try again" in q2
    q4 = body[body.index('id="q4"'):]
    assert "Partly right: 83 % credit" in q4
    steps = re.findall(r'name="order" value="(\w)"', q4)
    assert steps == ["b", "a", "c", "d"]  # the reader's own order, as they left it
    assert "<strong>0 of 4</strong> questions right without a shown answer" in body


def test_session_cookies_are_httponly_and_samesite_lax(client):
    response = post(client, "q1", {"answer": "e4"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- without JavaScript: forms, post/redirect/get ------------------------------------------------

def test_a_form_post_without_a_session_grades_and_redirects_to_the_question(client):
    response = client.post("/checkpoint/q1", data={"answer": "4e2"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/#q1")
    page = client.get("/").get_data(as_text=True)
    q1 = page[page.index('id="q1"'):page.index('id="q2"')]
    assert "Not quite" in q1 and "Attempt 1" in q1
    assert text(str(BANK.questions["q1"].choice_by_id["4e2"].feedback_html)) in text(q1)
    assert text(str(BANK.questions["q1"].explanation_html)) not in text(q1)  # not yet earned
    assert "after 2 more tries" in text(q1)


def csrf_of(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_form_post_with_a_session_needs_its_csrf_token(client):
    client.post("/checkpoint/q2", data={"answer": "true"})
    refused = client.post("/checkpoint/q2", data={"answer": "false"})
    assert refused.status_code == 403
    assert "This form has expired" in refused.get_data(as_text=True)
    forged = client.post("/checkpoint/q2", data={"answer": "false", "csrf_token": "guess"})
    assert forged.status_code == 403
    token = csrf_of(client)
    accepted = client.post("/checkpoint/q2", data={"answer": "false", "csrf_token": token})
    assert accepted.status_code == 303
    assert client.get("/api/progress").get_json()["questions"]["q2"]["attempts"] == 2


def test_the_ordering_form_uses_the_positions_a_reader_chose(client):
    response = client.post("/checkpoint/q4", data={
        "order": ["a", "c", "b", "d"], "position": ["2", "4", "1", "3"]})
    assert response.status_code == 303
    state = client.get("/api/progress").get_json()["questions"]["q4"]
    assert (state["answer"], state["correct"]) == ("b,a,d,c", True)


@pytest.mark.parametrize(("data", "status", "says"), [
    ({}, 422, "Choose one of the answers"),
    ({"answer": "maybe"}, 422, "No such choice"),
])
def test_a_form_that_cannot_be_graded_gets_a_friendly_page_back_to_the_question(
        client, data, status, says):
    response = client.post("/checkpoint/q2", data=data)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert says in body and 'href="/#q2"' in body and "<html" in body


def test_duplicate_positions_are_refused(client):
    response = client.post("/checkpoint/q4", data={
        "order": ["a", "c", "b", "d"], "position": ["1", "1", "2", "3"]})
    assert response.status_code == 422
    assert "different position" in response.get_data(as_text=True)


def test_an_oversized_form_gets_413_as_a_page(client):
    response = client.post("/checkpoint/q1", data={"answer": "e4", "pad": "x" * 6000})
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True)


def test_an_unknown_question_form_gets_404_as_a_page(client):
    response = client.post("/checkpoint/q5", data={"answer": "x"})
    assert response.status_code == 404 and "<html" in response.get_data(as_text=True)


# --- storage failure: not graded, and said so ---------------------------------------

@pytest.fixture
def broken_client(tmp_path):
    from app import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "DATABASE_URL": "postgresql://nobody:nothing@127.0.0.1:1/none",
                      "INSTANCE_PATH": str(tmp_path)})
    return app.test_client()


def test_when_storage_fails_an_answer_is_refused_without_its_grade(broken_client):
    assert_honestly_unsaved(post(broken_client, "q1", {"answer": "4e4"}))
    assert broken_client.get("/api/progress").status_code == 200


def test_when_storage_fails_the_chapter_reads_and_the_form_says_not_saved(broken_client):
    assert broken_client.get("/").status_code == 200
    response = broken_client.post("/checkpoint/q2", data={"answer": "false"})
    assert_honestly_unsaved(response)
    assert 'href="/#q2"' in response.get_data(as_text=True)  # back to the question
    page = broken_client.get("/").get_data(as_text=True)
    q2 = page[page.index('id="q2"'):page.index('id="q3"')]
    assert "Correct" not in q2


# --- nothing graded leaks before an attempt ---------------------------------------------

def secrets_of(question) -> list[str]:
    """Every explanation and feedback text of a question, rendered, as plain-text phrases."""
    rendered = [str(question.explanation_html), str(question.correct_feedback_html)]
    rendered += [str(c.feedback_html) for c in question.choices]
    rendered += [str(r.feedback_html) for r in question.rules]
    phrases = []
    for fragment in filter(None, rendered):
        for run in re.split(r"[.:;,?()]", text(fragment)):
            if len(run.strip()) >= 18:
                phrases.append(run.strip())
    named = {c.misconception for c in question.choices} | {r.misconception for r in question.rules}
    return phrases + [BANK.misconceptions[name] for name in named if name]


def everything_the_page_loads(client) -> str:
    page = client.get("/").get_data(as_text=True)
    parts = [page, client.get("/api/progress").get_data(as_text=True)]
    for url in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(url)
        assert response.status_code == 200, url
        parts.append(response.get_data(as_text=True))
    return text("\n".join(parts))


def test_no_explanation_or_feedback_reaches_a_browser_before_it_answers(client):
    loaded = everything_the_page_loads(client)
    for question in BANK.questions.values():
        for phrase in secrets_of(question):
            assert phrase not in loaded, (question.id, phrase)


def test_after_answering_one_question_only_that_question_is_revealed(client):
    post(client, "q2", {"answer": "true"})
    loaded = everything_the_page_loads(client)
    revealed = secrets_of(BANK.questions["q2"])
    assert any(p in loaded for p in revealed)
    for qid in ("q1", "q3", "q4"):
        for phrase in set(secrets_of(BANK.questions[qid])) - set(revealed):
            assert phrase not in loaded, (qid, phrase)


def test_a_practice_variant_reveals_nothing_of_the_base_question(client):
    loaded = text(client.get("/api/checkpoint/q1/variant").get_data(as_text=True))
    for phrase in secrets_of(BANK.questions["q1"]):
        assert phrase not in loaded
