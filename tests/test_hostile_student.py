"""A scripted hostile student, on SQLite and on PostgreSQL: every route that once gave credit,
a clean state ("Right first try") or text a reader had not earned is tried again, one test
per route, each asserting no credit, no clean state and no unearned text.

The routes: answers revealed and typed back (JSON and the no-script forms), hints then the
right answer, the last hint typed as the answer, feedback that would compute the answer,
resume codes borrowed and handed back (explanations and hints carried), codes reused,
expired or superseded, review tokens of every wrong kind (practice, revealed, reused,
another reader's, forged, replayed, swapped), help asked for while storage is down, answers
and reveals racing, q4 orders that score without knowing, practice slips graded right,
typed-number tricks that would cost time, cross-site posts, the page and /api/progress
before anything is earned, the LMS score after reveals and the instructor's credit form
without the key.
"""

from __future__ import annotations

import base64
import itertools
import re
import threading
import time
import zlib

import pytest

from lti import ags
from quizzes.bank import default_bank
from quizzes.grading import grade_answer, grade_practice
from quizzes.review import reference_of
from quizzes.scoring import FIRST_TRY, REVEALED, RIGHT, WITH_HINTS
from quizzes.variants import all_params, build, handed_out
from tests.apps import assert_honestly_unsaved, make_app, own_cpu
from tests.classes_helpers import create_class, join

BANK = default_bank()
KEYS = {"q1": "4e4", "q2": "false", "q3": "1e-10", "q4": ["b", "a", "d", "c"]}
WRONG = {"q1": "e4", "q2": "true", "q3": "1", "q4": ["c", "d", "a", "b"]}
QIDS = ("q1", "q2", "q3", "q4")


@pytest.fixture
def app(tmp_path, store_url):
    """The app on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    return make_app(tmp_path, DATABASE_URL=store_url)



# --- helpers ---------------------------------------------------------------------------------

def text(markup: str) -> str:
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))).split())


def strings(data) -> list[str]:
    """Every string in a JSON document: what a script could show."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return []


def phrases(markups) -> list[str]:
    """Runs of plain words long enough that finding one means the text itself was sent."""
    found = []
    for fragment in markups:
        for run in re.split(r"[.:;,?()]", text(fragment)):
            if len(run.strip()) >= 18:
                found.append(run.strip())
    return found


def post(client, path: str, body: dict | None = None, status: int = 200) -> dict:
    response = client.post(path, json={} if body is None else body)
    assert response.status_code == status, (path, response.status_code, response.text)
    return response.get_json()


def answer(client, qid: str, value, token: str | None = None, status: int = 200) -> dict:
    body = {"answer": value, **({"token": token} if token else {})}
    return post(client, f"/api/checkpoint/{qid}", body, status)


def progress(client) -> dict:
    return client.get("/api/progress").get_json()


def state(client, qid: str) -> dict:
    return progress(client)["states"][qid]


def assert_no_credit(client, qid: str, expected: str = REVEALED) -> None:
    """Not right in any sense the reader did not earn: the expected state, a score of 0,
    not counted among "answered correctly", not a first try."""
    found = progress(client)
    s = found["states"][qid]
    assert s["state"] == expected, s
    assert s["state"] != FIRST_TRY
    if expected == REVEALED:
        assert s["score"] == 0 and s["state"] not in RIGHT
        assert found["summary"]["correct"] == sum(
            1 for other in found["states"].values() if other["state"] in RIGHT)


def csrf_of(client) -> str:
    return progress(client)["csrf"]


def learner_of(client) -> str:
    with client.session_transaction() as session:
        return session["learner"]


def variant_token(client, qid: str) -> str:
    return client.get(f"/api/checkpoint/{qid}/variant").get_json()["token"]


def reference(app, qid: str, token: str) -> float:
    return app.extensions["checkpoint_signer"].inspect(token, qid).reference


def storage_down(app) -> None:
    app.extensions["store"]._open_until = time.monotonic() + 3600


def storage_back(app) -> None:
    app.extensions["store"]._open_until = 0.0


def secrets_of(qid: str) -> list[str]:
    question = BANK.questions[qid]
    return phrases([question.explanation_html, *question.hints])


def make_code(client) -> str:
    return post(client, "/api/resume")["link"].removeprefix("http://localhost")


def carry(client, link: str):
    page = client.get(link)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(link, data={"csrf_token": token})


# --- 1. revealed answers typed back ---------------------------------------------------------

@pytest.mark.parametrize("qid", QIDS)
def test_revealed_answer_typed_back_scores_nothing(client, qid):
    shown = post(client, f"/api/checkpoint/{qid}/reveal")
    assert shown["explanation"]
    graded = answer(client, qid, KEYS[qid])
    assert graded["correct"] is True  # the grade says so; the record gives no credit for it
    assert_no_credit(client, qid)
    assert progress(client)["score"] == 0


def test_revealed_answer_typed_back_through_the_no_script_forms(client):
    client.get("/")
    answer(client, "q2", WRONG["q2"])  # a learner id and a form token
    token = csrf_of(client)
    assert client.post("/checkpoint/q3/reveal", data={"csrf_token": token}).status_code == 303
    assert client.post("/checkpoint/q3", data={"answer": KEYS["q3"],
                                               "csrf_token": token}).status_code == 303
    assert_no_credit(client, "q3")
    page = client.get("/").get_data(as_text=True)
    assert "<strong>0 of 4</strong>" in page


def test_revealing_a_practice_variant_gives_the_base_question_nothing(app, client):
    token = variant_token(client, "q1")
    shown = post(client, "/api/checkpoint/q1/reveal", {"token": token})
    assert shown["receipt"]["reference"] == pytest.approx(reference(app, "q1", token))
    assert answer(client, "q1", repr(shown["receipt"]["reference"]), token)["correct"]
    assert state(client, "q1")["state"] == "not-tried"
    assert progress(client)["score"] == 0


# --- 2, 3. hints ----------------------------------------------------------------------------

@pytest.mark.parametrize("qid", QIDS)
def test_hints_then_the_right_answer_is_not_a_first_try(client, qid):
    ladder = [post(client, f"/api/checkpoint/{qid}/hint") for _ in range(4)]
    assert ladder[-1]["last"] is True
    answer(client, qid, KEYS[qid])
    s = state(client, qid)
    assert s["state"] == WITH_HINTS and s["hints"] == len(BANK.questions[qid].hints)


def test_one_hint_between_two_wrong_answers_and_the_right_one_is_with_hints(client):
    answer(client, "q1", WRONG["q1"])
    post(client, "/api/checkpoint/q1/hint")
    answer(client, "q1", KEYS["q1"])
    assert state(client, "q1")["state"] == WITH_HINTS


def _typed_candidates(hint_html: str) -> list[str]:
    """What a student might copy out of a hint: the whole text, each number in it, each
    maths run between words."""
    plain = text(hint_html)
    numbers = re.findall(r"[−\-]?\d[\d.,]*(?:\s*[×x·*]\s*10\s*\^?\s*[−\-⁻]?[\d⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
                         r"(?:\s*\^\s*[−\-]?\d+)?(?:e[−\-]?\d+)?", plain)
    runs = re.findall(r"[\d.()^*×·+\-−/eσ ]{3,}", plain)
    return [plain[:200], *numbers, *(r.strip() for r in runs if r.strip())]


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_the_last_hint_typed_as_the_answer_is_not_right_in_practice(app, client, qid):
    app.extensions.pop("answer_windows", None)  # a determined student, below any flood limit
    for _ in range(15):  # fifteen variants: every one of its last hints, and its numbers
        token = variant_token(client, qid)
        last = [post(client, f"/api/checkpoint/{qid}/hint", {"token": token})
                for _ in range(3)][-1]
        assert last["last"] is True
        for typed in _typed_candidates(last["hint"]):
            response = client.post(f"/api/checkpoint/{qid}",
                                   json={"answer": typed, "token": token})
            assert response.status_code in (200, 422), response.text
            if response.status_code == 200:
                assert response.get_json()["correct"] is False, (typed, last["hint"])


@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
def test_the_last_hint_of_a_base_question_names_no_choice_alone(qid):
    """The last hint stops one step short: it does not contain the key choice's words."""
    question = BANK.questions[qid]
    key = question.choice_by_id[question.key]
    last = text(question.hints[-1]).lower()
    label = (key.label_text or text(key.label_html)).lower()
    assert label not in last, (label, last)


# --- 4. feedback that would give the answer away --------------------------------------------

@pytest.mark.parametrize("qid", ["q1", "q2", "q3"])
def test_every_wrong_choice_feedback_keeps_the_explanation_back(client, qid):
    question = BANK.questions[qid]
    hidden = phrases([question.explanation_html])
    for choice in question.choices:
        if choice.id == question.key:
            continue
        graded = answer(client, qid, choice.id)
        assert graded["correct"] is False and graded["explanation"] is None
        feedback = text(graded["feedback"])
        assert not [p for p in hidden if p in feedback], (choice.id, feedback)
        break  # one wrong answer: the second would earn the explanation by tries


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_wrong_practice_feedback_never_states_the_reference(app, client, qid):
    app.extensions.pop("answer_windows", None)
    for _ in range(20):
        token = variant_token(client, qid)
        variant = app.extensions["checkpoint_signer"].inspect(token, qid)
        wrong = [v for v in variant.misconceptions.values()] or [variant.reference * 7 + 1]
        graded = answer(client, qid, repr(wrong[0]), token)
        assert graded["correct"] is False
        said = text(graded["feedback"]) + " " + str(graded.get("receipt"))
        assert "reference" not in (graded.get("receipt") or {})
        assert variant.texts.get("answer", "§") not in said
        for digits in (3, 4, 6):
            shown = f"{variant.reference:.{digits}g}"
            if len(shown.strip("-0.")) >= 3:  # a number long enough to be the answer itself
                assert shown not in said, (shown, said)


# --- 5. resume codes ------------------------------------------------------------------------

def test_resume_code_borrow_and_go_back_leaves_no_clean_state(app):
    alice, bob = app.test_client(), app.test_client()
    answer(alice, "q1", KEYS["q1"])                      # right: explanation on her page
    post(alice, "/api/checkpoint/q2/reveal")             # revealed
    answer(alice, "q3", WRONG["q3"])
    answer(alice, "q3", "0.1")
    answer(alice, "q3", "1e-9")                          # three tries: explanation earned
    for _ in range(3):
        post(alice, "/api/checkpoint/q4/hint")           # hints on her page
    answer(bob, "q4", WRONG["q4"])                       # Bob exists, with one wrong q4
    bob_code, alice_code = make_code(bob), make_code(alice)
    assert carry(bob, alice_code).status_code == 303
    seen = client_text = text(" ".join(strings(progress(bob))))
    for qid in ("q1", "q2", "q3"):
        assert [p for p in phrases([BANK.questions[qid].explanation_html]) if p in seen]
    assert [p for p in phrases(BANK.questions["q4"].hints) if p in client_text]
    assert carry(bob, bob_code).status_code == 303       # back to himself
    for qid in QIDS:
        answer(bob, qid, KEYS[qid])
    states = progress(bob)["states"]
    for qid in ("q1", "q2", "q3"):
        assert states[qid]["state"] == REVEALED, (qid, states[qid])
    assert states["q4"]["state"] not in (FIRST_TRY, "right-after-tries"), states["q4"]
    assert states["q4"]["hints"] >= 3
    assert progress(bob)["score"] <= 1


def test_resume_code_used_twice_is_refused_the_second_time(app):
    owner, first, second = app.test_client(), app.test_client(), app.test_client()
    answer(owner, "q1", KEYS["q1"])
    link = make_code(owner)
    assert carry(first, link).status_code == 303
    refused = carry(second, link)
    assert refused.status_code == 404 and "not known" in refused.text
    with pytest.raises(KeyError):
        learner_of(second)


def test_resume_code_expired_is_refused(app, clock):
    owner, other = app.test_client(), app.test_client()
    answer(owner, "q1", KEYS["q1"])
    link = make_code(owner)
    clock(minutes=16)
    refused = carry(other, link)
    assert refused.status_code == 410 and "expired" in refused.text
    assert "states" not in progress(other)  # still nobody: no learner, no progress


def test_resume_code_superseded_by_a_newer_one_is_refused(app):
    owner, other = app.test_client(), app.test_client()
    answer(owner, "q1", KEYS["q1"])
    old = make_code(owner)
    make_code(owner)
    assert carry(other, old).status_code == 404
    with pytest.raises(KeyError):
        learner_of(other)


def test_resume_code_guessing_is_slowed_down(app):
    stranger = app.test_client()
    statuses = [carry(stranger, "/resume/ABCDE" + f"{n:05d}".translate(
        str.maketrans("0123456789", "23456789AB"))).status_code for n in range(8)]
    assert statuses[:5] == [404] * 5 and 429 in statuses


# --- 6. review tokens -----------------------------------------------------------------------

def due(client, clock, qid: str) -> dict:
    answer(client, qid, KEYS[qid] if qid != "q4" else list(KEYS[qid]))
    clock(days=1, minutes=1)
    return next(i for i in client.get("/api/review").get_json()["due"] if i["question"] == qid)


def review_right(app, item) -> dict:
    qid = item["question"]
    if item["practice"]:
        value = reference_of(app.extensions["review_signer"], item["token"], BANK.questions[qid])
        return {"answer": repr(value), "token": item["token"]}
    return {"answer": KEYS[qid], "token": item["token"]}


def refused_token(response) -> None:
    assert response.status_code == 422, response.text
    assert response.get_json()["field"] == "token"


def test_review_with_a_practice_token_is_refused(app, client, clock):
    due(client, clock, "q1")
    token = variant_token(client, "q1")
    refused_token(client.post("/api/review/q1", json={
        "answer": repr(reference(app, "q1", token)), "token": token}))


def test_review_with_a_revealed_items_token_is_refused(app, client, clock):
    item = due(client, clock, "q1")
    shown = post(client, "/api/checkpoint/q1/reveal", {"token": item["token"]})
    assert shown["explanation"]
    refused_token(client.post("/api/review/q1", json=review_right(app, item)))


def test_review_token_reused_is_refused(app, client, clock):
    item = due(client, clock, "q2")
    assert post(client, "/api/review/q2", review_right(app, item))["correct"]
    refused_token(client.post("/api/review/q2", json=review_right(app, item)))


def test_review_token_of_another_reader_is_refused(app, client, clock):
    item = due(client, clock, "q3")
    other = app.test_client()
    due(other, clock, "q3")
    refused_token(other.post("/api/review/q3", json=review_right(app, item)))
    refused_token(other.post("/api/checkpoint/q3/reveal", json={"token": item["token"]}))


def test_review_token_replayed_in_a_fresh_session_is_refused(app, client, clock):
    item = due(client, clock, "q1")
    fresh = app.test_client()
    refused_token(fresh.post("/api/review/q1", json=review_right(app, item)))
    assert post(client, "/api/review/q1", review_right(app, item))["correct"]  # still hers


def _flip(token: str, at: int) -> str:
    char = token[at]
    return token[:at] + ("A" if char != "A" else "B") + token[at + 1:]


def test_review_token_forged_by_flipping_characters_is_refused(app, client, clock):
    item = due(client, clock, "q1")
    token = item["token"]
    for at in (len("review.") + 2, len(token) // 2, len(token) - 3):
        refused_token(client.post("/api/review/q1", json={**review_right(app, item),
                                                          "token": _flip(token, at)}))
    assert post(client, "/api/review/q1", review_right(app, item))["correct"]


def test_review_token_with_a_changed_payload_is_refused(app, client, clock):
    item = due(client, clock, "q1")
    body, signature = item["token"][len("review."):].rsplit(".", 1)
    raw = base64.urlsafe_b64decode(body.lstrip(".") + "=" * (-len(body.lstrip(".")) % 4))
    decoded = (zlib.decompress(raw) if body.startswith(".") else raw).decode()
    assert '"q1"' in decoded
    changed = decoded.replace('"q1"', '"q3"')
    forged = "review." + base64.urlsafe_b64encode(changed.encode()).decode().rstrip("=") + (
        "." + signature)
    refused_token(client.post("/api/review/q3", json={"answer": "1e-10", "token": forged}))
    refused_token(client.post("/api/review/q1", json={"answer": "1", "token": forged}))


def test_review_token_swapped_between_q1_and_q3_is_refused(app, client, clock):
    answer(client, "q1", KEYS["q1"])
    item3 = due(client, clock, "q3")
    item1 = next(i for i in client.get("/api/review").get_json()["due"] if i["question"] == "q1")
    refused_token(client.post("/api/review/q3", json={"answer": "1", "token": item1["token"]}))
    refused_token(client.post("/api/review/q1", json={"answer": "1", "token": item3["token"]}))


def test_practice_token_of_another_reader_works_for_no_route(app, client):
    token = variant_token(client, "q1")
    other = app.test_client()
    other.get("/api/checkpoint/q1/variant")  # a reader of its own
    for route, body in (("", {"answer": "1", "token": token}), ("/hint", {"token": token}),
                        ("/reveal", {"token": token})):
        refused_token(other.post(f"/api/checkpoint/q1{route}", json=body))


def test_practice_token_expired_or_of_the_other_question_is_refused(app, client, clock):
    token = variant_token(client, "q1")
    refused_token(client.post("/api/checkpoint/q3", json={"answer": "1", "token": token}))
    clock(hours=25)
    refused_token(client.post("/api/checkpoint/q1/reveal", json={"token": token}))


# --- 7. storage outages ---------------------------------------------------------------------

def test_reveal_during_an_outage_then_the_right_answer_is_not_clean(app, client):
    client.get("/")
    answer(client, "q4", WRONG["q4"])
    storage_down(app)
    refused = client.post("/api/checkpoint/q3/reveal", json={})
    assert refused.status_code == 503
    assert not [p for p in secrets_of("q3") if p in refused.get_data(as_text=True)]
    storage_back(app)
    post(client, "/api/checkpoint/q3/reveal")
    answer(client, "q3", KEYS["q3"])
    assert_no_credit(client, "q3")


def test_hint_during_an_outage_then_the_right_answer_is_not_a_first_try(app, client):
    """A hint shown while it cannot be recorded would make the right answer after it look
    unaided; so it is not shown (as a reveal is not)."""
    answer(client, "q4", WRONG["q4"])
    storage_down(app)
    response = client.post("/api/checkpoint/q2/hint", json={})
    body = response.get_data(as_text=True)
    hint_shown = [p for p in phrases(BANK.questions["q2"].hints[:1]) if p in text(body)]
    storage_back(app)
    answer(client, "q2", KEYS["q2"])
    if hint_shown:
        assert state(client, "q2")["state"] != FIRST_TRY
    else:
        assert response.status_code == 503 and response.get_json()["field"] == "question"


# --- 8. answers at once ---------------------------------------------------------------------

def _at_once(app, cookie_from, calls) -> list:
    """Run each (path, body) at the same moment, each on its own client sharing one reader."""
    with cookie_from.session_transaction() as session:
        reader = dict(session)
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def one(i: int, path: str, body: dict) -> None:
        c = app.test_client()
        with c.session_transaction() as session:
            session.update(reader)
        start.wait()
        results[i] = c.post(path, json=body)

    threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twenty_four_parallel_answers_get_distinct_attempt_numbers(app, client):
    app.extensions.pop("answer_windows", None)  # the flood limit would refuse most of them
    answer(client, "q1", WRONG["q1"])
    results = _at_once(app, client, [("/api/checkpoint/q1", {"answer": WRONG["q1"]})] * 24)
    numbers = [r.get_json()["attempt"] for r in results if r.status_code == 200]
    assert len(numbers) == 24 and sorted(numbers) == list(range(2, 26))
    assert state(client, "q1")["tries"] == 25


def test_a_right_answer_racing_a_reveal_is_never_clean_after_the_reveal(app, client):
    app.extensions.pop("answer_windows", None)
    client.get("/")
    answer(client, "q4", WRONG["q4"])
    store = app.extensions["store"]
    for qid in ("q1", "q2", "q3"):
        _at_once(app, client, [(f"/api/checkpoint/{qid}/reveal", {}),
                               (f"/api/checkpoint/{qid}", {"answer": KEYS[qid]})])
        s = state(client, qid)
        first = store.attempts(learner_id=learner_of(client))
        right_at = min(a.created_at for a in first if a.question_id == qid and a.correct)
        from store.help import help_for

        revealed_at = help_for(store, learner_of(client), qid, None).revealed_at
        assert revealed_at is not None
        if s["state"] == FIRST_TRY:  # only if the answer was stored before the reveal
            assert right_at < revealed_at
        else:
            assert s["state"] == REVEALED and s["score"] == 0


# --- 9. q4 orders ---------------------------------------------------------------------------

def test_no_q4_order_but_the_key_is_right_and_a_random_order_scores_little():
    question = BANK.questions["q4"]
    steps = [s.id for s in question.steps]
    scores = {"".join(o): grade_answer(question, list(o)) for o in itertools.permutations(steps)}
    right = [o for o, g in scores.items() if g.correct]
    assert right == ["".join(KEYS["q4"])]
    assert all(g.score < 1 for o, g in scores.items() if o not in right)
    mean = sum(g.score for g in scores.values()) / len(scores)
    assert mean <= 0.5, mean
    swap = scores["abdc"].score  # one adjacent swap of the key
    for backwards in ("adcb", "cbad", "cdab", "dcba"):
        assert scores[backwards].score < swap, backwards


def test_a_q4_order_with_no_step_in_place_scores_nothing_and_says_so():
    question = BANK.questions["q4"]
    for order in itertools.permutations(KEYS["q4"]):
        graded = grade_answer(question, list(order))
        in_place = sum(a == b for a, b in zip(order, KEYS["q4"], strict=True))
        if in_place == 0 and "None of the" in text(graded.feedback):
            assert graded.score < 0.5, ("".join(order), graded.score)


# --- 10. practice slips graded right --------------------------------------------------------

@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_no_modelled_slip_of_a_handed_out_variant_is_graded_right(qid):
    question = BANK.questions[qid]
    generator = question.practice.generator
    checked = 0
    for params in all_params(generator):
        variant = build(qid, generator, params)
        if not handed_out(variant):
            continue
        for name, slip in variant.slips:
            graded = grade_practice(question, variant, repr(slip))
            assert graded.correct is False, (params, name, slip, variant.reference)
            checked += 1
    assert checked > 50


# --- 12. typed-number tricks ----------------------------------------------------------------

TRICKS = ["1e999999999", "9" * 3000, "1" + "0" * 300, "10^10^10^10", "((((((((((1))))))))))" * 9,
          "4e4", "4*e^4", "４e4", "1е-10", "1e-1０", "9.5×10⁻⁷", "NaN", "inf", "-inf", "1e309",
          "0x10", "1_000", "exp(exp(exp(9)))", "e^e^e^e^e", "2**2**2**2**2**2", "\u202e01-e1",
          "1,024", "", " ", "٤", "½", "1/0", "0/0", "sqrt(-1)"]


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_typed_number_tricks_answer_in_milliseconds_and_never_right(app, client, qid):
    app.extensions.pop("answer_windows", None)
    token = variant_token(client, qid)
    ref = reference(app, qid, token)
    for typed in TRICKS:
        with own_cpu() as took:  # this request's own CPU: not the machine's or the process's
            response = client.post(f"/api/checkpoint/{qid}",
                                   json={"answer": typed, "token": token})
        assert took[0] < 0.5, (typed[:30], took)
        assert response.status_code in (200, 413, 422), (typed[:30], response.text)
        if response.status_code == 200:
            data = response.get_json()
            if data["correct"]:  # only a spelling of the very number asked for
                assert abs(data["receipt"]["value"] - ref) <= abs(ref) * 0.02, typed
        else:
            assert response.get_json()["error"]


def test_a_base_question_does_not_take_a_number_for_its_choice(client):
    for typed in ("40000", "4*e^4", "218.39", "4 e4", "4E4 ", "4e⁴"):
        response = client.post("/api/checkpoint/q1", json={"answer": typed})
        if response.status_code == 200:
            assert response.get_json()["correct"] is False or typed.strip().lower() == "4e4"
    assert progress(client).get("states", {}).get("q1", {}).get("state") in (
        None, "not-tried", "wrong", FIRST_TRY)


# --- cross-site and form tricks -------------------------------------------------------------

def test_a_form_post_without_the_csrf_token_records_nothing(client):
    answer(client, "q4", WRONG["q4"])
    for path in ("/checkpoint/q1", "/checkpoint/q1/reveal", "/checkpoint/q1/hint"):
        response = client.post(path, data={"answer": KEYS["q1"]})
        assert response.status_code in (400, 403)
    assert state(client, "q1")["state"] == "not-tried"
    assert state(client, "q1")["hints"] == 0 and not state(client, "q1")["revealed"]


def test_a_cross_site_json_post_records_nothing(client):
    answer(client, "q4", WRONG["q4"])
    for headers, kind in (({"Origin": "https://evil.example"}, "application/json"),
                          ({"Sec-Fetch-Site": "cross-site"}, "application/json"),
                          ({}, "text/plain")):
        response = client.post("/api/checkpoint/q1/reveal", data="{}", content_type=kind,
                               headers=headers)
        assert response.status_code in (400, 403, 415), (headers, kind, response.status_code)
        assert not [p for p in secrets_of("q1") if p in response.get_data(as_text=True)]
    assert not state(client, "q1")["revealed"]


# --- 11. what is sent before anything is earned ---------------------------------------------

def test_the_page_and_progress_before_earning_carry_no_explanation_or_hint(client):
    def sent() -> str:
        return text(client.get("/").get_data(as_text=True) + " " +
                    client.get("/api/progress").get_data(as_text=True) + " " +
                    client.get("/api/review").get_data(as_text=True))

    fresh = sent()
    for qid in QIDS:
        assert not [p for p in secrets_of(qid) if p in fresh], qid
    answer(client, "q2", WRONG["q2"])                  # one wrong answer: feedback only
    after = sent()
    for qid in QIDS:
        assert not [p for p in secrets_of(qid) if p in after], qid
    hidden_feedback = phrases([c.feedback_html for c in BANK.questions["q1"].choices
                               if c.id != BANK.questions["q1"].key])
    assert not [p for p in hidden_feedback if p in after]


# --- LMS score and the instructor's credit form ---------------------------------------------

def test_lms_score_after_reveals_is_zero(app, client):
    klass = create_class(client, "Hostile")
    mallory = join(app, klass["join"], "Mallory")
    for qid in QIDS:
        post(mallory, f"/api/checkpoint/{qid}/reveal")
        answer(mallory, qid, KEYS[qid])
    from store import classes as class_store

    record = class_store.class_by_token(app.extensions["store"], klass["token"])
    with app.test_request_context():
        sent = ags.score_for(learner_of(mallory), "sub", record.id)
        alone = ags.score_for(learner_of(mallory), "sub")
    assert sent["scoreGiven"] == 0 and alone["scoreGiven"] == 0
    assert "Q1, Q2, Q3, Q4" in sent["comment"]


def test_instructor_credit_form_without_the_key_changes_nothing(app, client):
    klass = create_class(client, "Hostile")
    mallory = join(app, klass["join"], "Mallory")
    post(mallory, "/api/checkpoint/q2/reveal")
    answer(mallory, "q2", KEYS["q2"])
    token = csrf_of(mallory)
    for key in ("A" * len(klass["key"]), klass["key"][:-1], "", klass["key"].lower()):
        if key == klass["key"]:
            continue
        response = mallory.post(f"/teach/{klass['token']}/{key}/credit",
                                data={"revealed": "1", "hinted": "1", "csrf_token": token})
        assert response.status_code in (404, 405), (key, response.status_code)
    assert progress(mallory)["score"] == 0
    assert state(mallory, "q2")["state"] == REVEALED


def test_help_before_joining_a_class_counts_in_the_class(app, client):
    """Reveal and hints outside any class, then join a class and type the answers in: the
    roster, its CSV and the class's LMS score say revealed and with hints, as the page does."""
    klass = create_class(client, "Late joiners")
    mallory = app.test_client()
    post(mallory, "/api/checkpoint/q1/reveal")
    for _ in range(3):
        post(mallory, "/api/checkpoint/q2/hint")
    page = mallory.get(klass["join"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert mallory.post(klass["join"], data={"name": "Mallory", "csrf_token": token}
                        ).status_code == 303
    for qid in ("q1", "q2"):
        answer(mallory, qid, KEYS[qid])
    roster = {r["name"]: r for r in client.get(klass["teach"] + "/data.json").json["roster"]}
    labels = roster["Mallory"]["labels"]
    assert (labels["q1"], labels["q2"]) == ("Revealed", "Right with hints")
    assert roster["Mallory"]["score"] == 1.0 and roster["Mallory"]["first_try"] == 0
    from store import classes as class_store

    record = class_store.class_by_token(app.extensions["store"], klass["token"])
    with app.test_request_context():
        assert ags.score_for(learner_of(mallory), "sub", record.id)["scoreGiven"] == 1.0
    assert progress(mallory)["score"] == 1.0


def test_practice_never_hands_out_the_base_question_to_reveal(app, client):
    """"Try another" then "Show answer" on the base question's own numbers would hand over
    its key: no variant handed out is the base question or has its answer."""
    from quizzes.variants import BASE_PARAMS, is_base

    for qid in ("q1", "q3"):
        for _ in range(60):
            variant = app.extensions["checkpoint_signer"].inspect(variant_token(client, qid), qid)
            assert not is_base(variant) and variant.params != BASE_PARAMS[variant.generator]


def test_a_practice_token_taken_across_a_resume_code_is_refused(app, client):
    token = variant_token(client, "q1")
    other = app.test_client()
    answer(other, "q2", WRONG["q2"])
    assert carry(client, make_code(other)).status_code == 303  # this browser is now "other"
    for route, body in (("/reveal", {"token": token}), ("", {"answer": "1", "token": token})):
        refused_token(client.post(f"/api/checkpoint/q1{route}", json=body))


def test_guesses_before_joining_a_class_leave_no_first_try_in_it(app, client):
    klass = create_class(client, "Late joiners")
    mallory = app.test_client()
    answer(mallory, "q2", WRONG["q2"])  # the one wrong choice of two: the other is the key
    page = mallory.get(klass["join"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    mallory.post(klass["join"], data={"name": "Mallory", "csrf_token": token})
    answer(mallory, "q2", KEYS["q2"])
    assert state(mallory, "q2")["state"] == "right-after-tries"  # her own page is honest
    data = client.get(klass["teach"] + "/data.json").json
    roster = {r["name"]: r for r in data["roster"]}
    assert roster["Mallory"]["labels"]["q2"] == "Right after 2 tries"
    assert roster["Mallory"]["first_try"] == 0
    q2 = next(q for q in data["questions"] if q["id"] == "q2")
    assert (q2["first_try_correct"], q2["eventually_correct"]) == (0, 1)
    from store import classes as class_store

    record = class_store.class_by_token(app.extensions["store"], klass["token"])
    with app.test_request_context():
        sent = ags.score_for(learner_of(mallory), "sub", record.id)
    assert sent["scoreGiven"] == 1.0  # right after tries: full credit, not a first try
    csv_text = client.get(klass["teach"] + "/roster.csv").get_data(as_text=True)
    assert ",right-after-tries," in csv_text and ",right-first-try," not in csv_text


def test_a_student_right_before_joining_keeps_the_classs_first_try(app, client):
    """The other side: a right answer before joining was known, so the class's first right
    answer stays a first try (nothing is taken from a reader who knew)."""
    klass = create_class(client, "Early birds")
    ann = app.test_client()
    answer(ann, "q2", KEYS["q2"])
    page = ann.get(klass["join"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    ann.post(klass["join"], data={"name": "Ann", "csrf_token": token})
    answer(ann, "q2", KEYS["q2"])
    roster = {r["name"]: r for r in client.get(klass["teach"] + "/data.json").json["roster"]}
    assert roster["Ann"]["labels"]["q2"] == "Right first try"


def test_guesses_during_an_outage_are_not_graded_so_they_teach_nothing(app, client):
    """While storage cannot record an attempt, the answer is refused (503) without a word
    about it: guessing then would otherwise find the key for a "first try" afterwards."""
    answer(client, "q4", WRONG["q4"])
    storage_down(app)
    for guess in (WRONG["q2"], KEYS["q2"]):
        assert_honestly_unsaved(client.post("/api/checkpoint/q2", json={"answer": guess}))
    storage_back(app)
    # Nothing was learned, so nothing is owed: the next answer is the first one graded.
    assert [a.question_id for a in app.extensions["store"].attempts()] == ["q4"]
    first = answer(client, "q2", WRONG["q2"])
    assert first["correct"] is False and first["attempt"] == 1


def test_the_no_script_form_during_an_outage_says_not_saved_and_nothing_else(app, client):
    answer(client, "q4", WRONG["q4"])
    token = progress(client)["csrf"]
    storage_down(app)
    for guess in (WRONG["q2"], KEYS["q2"]):
        response = client.post("/checkpoint/q2", data={"answer": guess, "csrf_token": token})
        assert_honestly_unsaved(response)
    storage_back(app)
    page = client.get("/").get_data(as_text=True)
    q2 = page[page.index('id="q2"'):page.index('id="q3"')]
    assert "Correct" not in q2 and "Not quite" not in q2


def test_going_back_by_restoring_the_old_cookie_instead_of_a_code_leaves_no_clean_state(app):
    """No code back at all: the old session cookie put back by hand after reading another
    learner's page. What that page showed was counted against the leaving learner on the way
    in, so the answers typed after going back are revealed or with hints."""
    alice, bob = app.test_client(), app.test_client()
    answer(alice, "q1", KEYS["q1"])
    for _ in range(3):
        post(alice, "/api/checkpoint/q4/hint")
    answer(bob, "q2", WRONG["q2"])
    with bob.session_transaction() as session:
        saved = dict(session)
    assert carry(bob, make_code(alice)).status_code == 303
    assert progress(bob)["help"]["q1"]["explanation"]  # Alice's explanation, read by Bob
    with bob.session_transaction() as session:
        session.clear()
        session.update(saved)
    answer(bob, "q1", KEYS["q1"])
    answer(bob, "q4", KEYS["q4"])
    states = progress(bob)["states"]
    assert states["q1"]["state"] == REVEALED and states["q1"]["score"] == 0
    assert states["q4"]["state"] == WITH_HINTS
