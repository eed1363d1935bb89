"""The reveal policy and the hint ladder: a wrong answer gets its feedback only; the
explanation comes with a right answer, after the bank's number of tries, or on request; hints
are a ladder, stored as help and never as attempts; nothing of either leaks before it is
asked for or earned."""

from __future__ import annotations

import re

import pytest

from quizzes.bank import default_bank
from tests.test_checkpoint_http import KEYS, WRONG, everything_the_page_loads, post, text

BANK = default_bank()


def phrases(markups) -> list[str]:
    found = []
    for fragment in markups:
        for run in re.split(r"[.:;,?()]", text(str(fragment))):
            if len(run.strip()) >= 18:
                found.append(run.strip())
    return found


def hint(client, qid, body=None):
    return client.post(f"/api/checkpoint/{qid}/hint", json=body or {})


def reveal(client, qid, body=None):
    return client.post(f"/api/checkpoint/{qid}/reveal", json=body or {})


def variant(client, app, qid="q1"):
    data = client.get(f"/api/checkpoint/{qid}/variant").get_json()
    return data["token"], app.extensions["checkpoint_signer"].inspect(data["token"], qid)


@pytest.mark.parametrize("qid", ["q1", "q2", "q3", "q4"])
def test_a_wrong_answer_gets_feedback_only_and_says_when_the_explanation_comes(client, qid):
    data = post(client, qid, {"answer": WRONG[qid]}).get_json()
    assert data["explanation"] is None and text(data["feedback"])
    assert data["reveal"] == {"after_tries": 3, "tries_left": 2, "on_request": True,
                              "available": False}
    assert "Explanation" not in text(data["result_html"])
    assert "after 2 more tries" in text(data["result_html"])


def test_the_explanation_comes_after_the_banks_number_of_tries(client):
    for _ in (1, 2):
        assert post(client, "q3", {"answer": WRONG["q3"]}).get_json()["explanation"] is None
    third = post(client, "q3", {"answer": WRONG["q3"]}).get_json()
    assert third["reveal"]["available"] and "ten factors" in text(third["explanation"])


def test_once_right_the_explanation_stays_with_later_wrong_answers(client):
    post(client, "q2", {"answer": KEYS["q2"]})
    again = post(client, "q2", {"answer": WRONG["q2"]}).get_json()
    assert again["explanation"] and again["correct"] is False


def test_reveal_returns_the_explanation_records_it_and_later_answers_carry_it(client):
    post(client, "q1", {"answer": WRONG["q1"]})
    data = reveal(client, "q1").get_json()
    assert text(data["explanation"]) == text(str(BANK.questions["q1"].explanation_html))
    assert data["state"]["state"] == "revealed" and "Explanation" in text(data["html"])
    assert post(client, "q1", {"answer": WRONG["q1"]}).get_json()["explanation"]
    right = post(client, "q1", {"answer": KEYS["q1"]}).get_json()
    assert right["state"]["state"] == "revealed"  # revealed before it was right: honest


def test_the_hint_ladder_steps_closer_and_stops_at_the_last(client):
    ladder = [hint(client, "q1").get_json() for _ in range(4)]
    assert [h["index"] for h in ladder] == [1, 2, 3, 3]
    assert [h["last"] for h in ladder] == [False, False, True, True]
    assert "inner" in text(ladder[0]["hint"]) and "multiplies" in text(ladder[2]["hint"])
    assert len({h["hint"] for h in ladder[:3]}) == 3 and len(ladder[3]["hints"]) == 3


def test_hints_are_help_not_attempts(client, app):
    hint(client, "q4")
    hint(client, "q4")
    assert post(client, "q4", {"answer": KEYS["q4"]}).get_json()["attempt"] == 1
    state = client.get("/api/progress").get_json()
    assert state["states"]["q4"]["hints"] == 2 and state["states"]["q4"]["tries"] == 1
    assert state["summary"]["attempted"] == 1


def test_a_wrong_variant_answer_carries_no_reference_and_reveal_gives_it(client, app):
    token, v = variant(client, app)
    wrong = post(client, "q1", {"answer": repr(-v.reference * 3), "token": token}).get_json()
    assert wrong["explanation"] is None and "solution" not in wrong
    assert set(wrong["receipt"]) == {"value", "value_text", "tolerance"}
    assert wrong["receipt"]["value_text"] in wrong["result_html"]
    assert "Reference" not in text(wrong["result_html"])
    shown = reveal(client, "q1", {"token": token}).get_json()
    assert shown["receipt"]["reference"] == v.reference and shown["solution"]
    assert shown["receipt"]["reference_text"] in text(shown["html"])


def test_variant_hints_use_the_variants_own_numbers(client, app):
    token, v = variant(client, app)
    second = [hint(client, "q1", {"token": token}).get_json() for _ in range(2)][1]
    assert second["index"] == 2
    assert v.texts["inner_prime"].strip("{}").replace("\\times 10^", "") in re.sub(
        r"\s", "", text(second["hint"])).replace("×10", "").replace("−", "-")
    token3, _ = variant(client, app, "q3")
    assert hint(client, "q3", {"token": token3}).get_json()["index"] == 1  # its own ladder


@pytest.mark.parametrize(("send", "status", "field"), [
    (lambda c: c.post("/api/checkpoint/q9/hint", json={}), 404, "question"),
    (lambda c: c.post("/api/checkpoint/q1/hint", data="{}", content_type="text/plain"),
     415, "content-type"),
    (lambda c: c.post("/api/checkpoint/q1/reveal", data="{", content_type="application/json"),
     400, "body"),
    (lambda c: c.post("/api/checkpoint/q1/hint", json=["x"]), 400, "body"),
    (lambda c: c.post("/api/checkpoint/q2/hint", json={"token": "x"}), 422, "token"),
    (lambda c: c.post("/api/checkpoint/q1/reveal", json={"token": "forged"}), 422, "token"),
    (lambda c: c.post("/api/checkpoint/q1/reveal", json={"token": 5}), 422, "token"),
    (lambda c: c.get("/api/checkpoint/q1/hint"), 405, None),
])
def test_bad_help_requests_get_the_json_error_shape(client, send, status, field):
    response = send(client)
    assert response.status_code == status
    body = response.get_json()
    assert "error" in body and (field is None or body["field"] == field)


def test_the_page_without_javascript_offers_hint_and_show_me_the_answer(client):
    page = client.get("/").get_data(as_text=True)
    assert 'formaction="/checkpoint/q1/hint"' in page
    assert 'formaction="/checkpoint/q1/reveal"' in page
    assert client.post("/checkpoint/q1/hint", data={}).status_code == 303  # a new session
    page = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/checkpoint/q1/hint", data={}).status_code == 403
    assert client.post("/checkpoint/q1/hint", data={"csrf_token": csrf}).status_code == 303
    q1 = client.get("/").get_data(as_text=True)
    q1 = q1[q1.index('id="q1"'):q1.index('id="q2"')]
    for shown in BANK.questions["q1"].hints[:2]:
        assert text(str(shown)) in text(q1)
    assert text(str(BANK.questions["q1"].hints[2])) not in text(q1)
    response = client.post("/checkpoint/q1/reveal", data={"csrf_token": csrf})
    assert response.status_code == 303 and response.headers["Location"].endswith("#q1-help")
    q1 = client.get("/").get_data(as_text=True)
    q1 = q1[q1.index('id="q1"'):]
    q1 = q1[:q1.index("</form>")]  # q1's own form (d1's card and the panels follow it)
    assert text(str(BANK.questions["q1"].explanation_html)) in text(q1)
    assert "Show answer" not in q1 and "Revealed" in q1


def test_no_hint_or_explanation_reaches_a_browser_before_it_is_asked_for(client):
    secrets = {q.id: phrases([*q.hints, q.explanation_html]) for q in BANK.questions.values()}
    loaded = everything_the_page_loads(client)
    for qid, found in secrets.items():
        for phrase in found:
            assert phrase not in loaded, (qid, phrase)
    post(client, "q1", {"answer": WRONG["q1"]})  # a wrong answer earns neither
    hint(client, "q2")  # one hint on q2: that hint only
    loaded = everything_the_page_loads(client)
    taken = set(phrases([BANK.questions["q2"].hints[0]]))
    assert taken and all(p in loaded for p in taken)
    for qid, found in secrets.items():
        for phrase in set(found) - taken:
            assert phrase not in loaded, (qid, phrase)
