"""Worked solutions (every number from the engine, arriving at the graded reference), one
honest state per question, and the checkpoint's ending."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chapter.format import plain_number, tex_number
from quizzes.bank import default_bank
from quizzes.grading import grade_practice, solution_html
from quizzes.progress import state_of
from quizzes.variants import new_variant
from store import Attempt
from store.help import Help
from tests.test_checkpoint_http import KEYS, WRONG, post, text

BANK = default_bank()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), qid=st.sampled_from(["q1", "q3"]))
def test_a_variants_worked_solution_ends_at_the_graded_reference(seed, qid):
    question = BANK.questions[qid]
    variant = new_variant(qid, question.practice.generator, random.Random(seed))
    assert variant.solution_final == variant.reference
    assert variant.texts["solution"] == tex_number(variant.reference)
    typed_back = grade_practice(question, variant, plain_number(variant.solution_final, 6))
    assert typed_back.correct
    rendered = text(str(solution_html(question, tuple(sorted(variant.texts.items())))))
    shown = plain_number(variant.solution_final).replace("-", "−").split("e")[0]
    assert shown in rendered.replace(" ", "")


def at(minutes: int) -> datetime:
    return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)


def tries(*scores: float) -> list[Attempt]:
    return [Attempt(n, "me", "q1", None, "x", s, s == 1.0, None, at(n)) for n, s in
            enumerate(scores, start=1)]


def test_each_state_has_one_name_and_label():
    cases = [
        (tries(), Help(), "not-tried", "Not tried"),
        (tries(0.0), Help(), "wrong", "Wrong"),
        (tries(0.0, 0.6667), Help(), "partly-right", "Partly right (67 %)"),
        (tries(1.0), Help(), "right-first-try", "Right first try"),
        (tries(0.0, 0.0, 1.0), Help(2), "right-after-tries", "Right after 3 tries"),
        (tries(0.0), Help(0, at(5)), "revealed", "Revealed"),
        (tries(0.0, 1.0), Help(0, at(1)), "revealed", "Revealed"),  # revealed, then right
        (tries(0.0, 1.0), Help(0, at(9)), "right-after-tries", "Right after 2 tries"),
    ]
    for attempts, help_, name, label in cases:
        state = state_of(attempts, help_)
        assert (state.state, state.label) == (name, label)
    assert state_of(tries(0.0, 0.6667)).credit == 0.6667


def test_progress_names_every_questions_state_as_the_page_does(client):
    post(client, "q1", {"answer": WRONG["q1"]})
    post(client, "q2", {"answer": KEYS["q2"]})
    post(client, "q4", {"answer": ["b", "a", "c", "d"]})
    progress = client.get("/api/progress").get_json()
    states = {qid: s["state"] for qid, s in progress["states"].items()}
    assert states == {"q1": "wrong", "q2": "right-first-try", "q3": "not-tried",
                      "q4": "partly-right"}
    assert progress["questions"]["q4"]["state_label"] == "Partly right (83 %)"
    page = client.get("/").get_data(as_text=True)
    for qid, s in progress["states"].items():
        section = page[page.index(f'id="{qid}"'):]
        assert s["label"] in section[:section.index("</form>")]


def test_question_states_for_many_learners_at_once(app):
    from quizzes.progress import question_states
    from store import NewAttempt
    from store.help import record_reveal

    store = app.extensions["store"]
    store.record_attempt(NewAttempt("a", "q1", "4e4", 1.0, True))
    store.record_attempt(NewAttempt("b", "q1", "e4", 0.0, False, "forgot-inner-derivative"))
    record_reveal(store, "b", "q2", None)
    with app.app_context():
        states = question_states(store, ["a", "b", "c"])
    assert states["a"]["q1"].state == "right-first-try"
    assert (states["b"]["q1"].state, states["b"]["q2"].state) == ("wrong", "revealed")
    assert {s.state for s in states["c"].values()} == {"not-tried"}


def test_the_ending_sums_up_and_points_to_the_sections_to_revisit(client):
    assert client.get("/api/progress").get_json()["questions"] == {}
    post(client, "q1", {"answer": "4e2"})  # outer-at-x → worked-example
    client.post("/api/checkpoint/q1/hint", json={})
    post(client, "q1", {"answer": KEYS["q1"]})
    post(client, "q2", {"answer": KEYS["q2"]})
    post(client, "q3", {"answer": "0.1"})  # no-compounding → vanishing-gradients
    assert post(client, "q3", {"answer": KEYS["q3"]}).get_json()["ending_html"] is None
    done = client.post("/api/checkpoint/q4/reveal", json={}).get_json()
    assert "You have finished the checkpoint" in text(done["ending_html"])
    # what comes next: practice, review, and the way back to the chapter
    for offer in ("What comes next", "Try another", "Review", "Back to the start of the chapter"):
        assert offer in text(done["ending_html"]), offer
    assert 'href="#q1"' in done["ending_html"] and 'href="#main"' in done["ending_html"]
    ending = client.get("/api/progress").get_json()["ending"]
    assert (ending["first_try"], ending["revealed"], ending["hints"]) == (1, 1, 1)
    assert [r["slug"] for r in ending["revisit"]] == ["worked-example", "vanishing-gradients"]
    page = client.get("/").get_data(as_text=True)
    assert 'href="#worked-example"' in page and "1 of 4 right at the first try" in page
