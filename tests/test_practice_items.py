"""Practice-only items (p1, the sum over paths; p2, where a layer's factor comes from): graded
on the server like "Try another", shown with their states, never counted in the score."""

from __future__ import annotations

import csv
import io
import math
import re
import time

import markupsafe
import pytest

from chapter.calculus import central_difference, fan_out, relu, sigmoid
from quizzes.bank import default_bank
from quizzes.grading import grade_practice
from quizzes.numbers import parse_number
from quizzes.review import reference_of
from quizzes.variants import all_params, build, handed_out
from tests.apps import assert_honestly_unsaved
from tests.classes_helpers import create_class, join

BANK = default_bank()
ITEMS = {qid: q for qid, q in BANK.practice_items.items() if q.practice}  # number variants
ANSWER_PLACEHOLDERS = ("{=reference", "{=solution", "{=path_a", "{=path_b", "{=slope")


def handed(qid: str):
    item = ITEMS[qid]
    return [v for v in (build(qid, item.practice.generator, p)
                        for p in all_params(item.practice.generator)) if handed_out(v)]


def test_the_bank_has_two_practice_items_outside_the_four_questions():
    assert list(ITEMS) == ["p1", "p2"] and list(BANK.questions) == ["q1", "q2", "q3", "q4"]
    assert list(BANK.practice_items) == ["p1", "p2", "d1"]
    assert {ITEMS[q].section for q in ITEMS} == {"plain-english", "vanishing-gradients"}


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_every_variant_grades_its_reference_right_and_names_each_slip(qid):
    variants = handed(qid)
    assert len(variants) > 50
    named = set()
    for v in variants:
        assert grade_practice(ITEMS[qid], v, repr(v.reference)).correct
        for name, value in v.misconceptions.items():
            wrong = grade_practice(ITEMS[qid], v, repr(value))
            assert (wrong.correct, wrong.misconception) == (False, name)
            named.add(name)
    expected = ({"one-path-only", "product-of-paths", "local-derivatives-only",
                 "swapped-partials", "sign-slip"} if qid == "p1" else
                {"factor-without-weight", "activation-not-derivative", "weight-alone",
                 "slope-at-input", "relu-wrong-side", "sign-slip"})
    assert named == expected


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_the_banks_examples_grade_as_stated(qid):
    item = ITEMS[qid]
    for e in item.practice.examples:
        graded = grade_practice(item, build(qid, item.practice.generator, e.params), e.answer)
        assert (graded.score, graded.misconception) == (e.score, e.misconception)


def test_the_references_agree_with_central_differences():
    for v in handed("p1"):
        p = v.params
        slope = central_difference(lambda t, p=p: fan_out(t, p["n"], p["c"], p["d"]).y,
                                   p["x"], h=1e-5)
        assert math.isclose(v.reference, slope, rel_tol=1e-6, abs_tol=1e-6)
    for v in handed("p2"):
        p, phi = v.params, sigmoid if v.params["act"] == "sigmoid" else relu
        slope = central_difference(lambda a, p=p, phi=phi: float(phi(p["w"] * a)), p["a"])
        assert math.isclose(v.reference, slope, rel_tol=1e-5, abs_tol=1e-7)


def test_relu_variants_include_an_inactive_unit_whose_factor_is_exactly_zero():
    zero = [v for v in handed("p2") if v.reference == 0]
    assert zero
    v = zero[0]
    assert grade_practice(ITEMS["p2"], v, "0").correct
    assert not grade_practice(ITEMS["p2"], v, "0.001").correct


def test_the_activation_rule_is_a_short_formula_that_fits_a_phone():
    """The rule sits in inline maths, which never wraps: words inside it stay few."""
    for v in handed("p2"):
        words = "".join(re.findall(r"\\text\{([^}]*)\}", v.texts["act_rule"]))
        assert len(words) <= 16, v.texts["act_rule"]


def test_the_chapters_own_fan_out_example_is_never_handed_out():
    assert all(v.params != {"x": 3.0, "n": 2, "c": 2, "d": 1} for v in handed("p1"))


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_no_hint_states_or_computes_the_answer(qid):
    for hint in ITEMS[qid].practice.hints:
        assert not any(p in hint for p in ANSWER_PLACEHOLDERS), hint


# --- over HTTP ---------------------------------------------------------------------------------

def variant(client, qid):
    data = client.get(f"/api/checkpoint/{qid}/variant").get_json()
    return data["token"], client.application.extensions["checkpoint_signer"].inspect(
        data["token"], qid)


def answer(client, qid, token, value):
    return client.post(f"/api/checkpoint/{qid}", json={"answer": value, "token": token})


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_a_slip_is_named_then_the_right_answer_after_a_hint_is_right_with_hints(client, qid):
    token, v = variant(client, qid)
    name, value = next(iter(v.misconceptions.items()))
    wrong = answer(client, qid, token, repr(value)).get_json()
    assert (wrong["correct"], wrong["misconception"], wrong["explanation"]) == (False, name, None)
    assert "solution" not in wrong and "reference" not in wrong["receipt"]
    assert client.post(f"/api/checkpoint/{qid}/hint", json={"token": token}).status_code == 200
    right = answer(client, qid, token, repr(v.reference)).get_json()
    assert right["correct"] and right["solution"] and right["state"]["state"] == "right-with-hints"
    progress = client.get("/api/progress").get_json()
    assert progress["practice"][qid]["state"] == "right-with-hints"
    assert progress["summary"] == {"correct": 0, "attempted": 0, "total": 4, "score": 0.0}


def test_reveal_then_the_answer_is_revealed_not_right(client):
    token, v = variant(client, "p2")
    shown = client.post("/api/checkpoint/p2/reveal", json={"token": token}).get_json()
    assert shown["solution"] and shown["explanation"]
    assert shown["state"]["state"] == "revealed"  # the item's state line follows at once
    typed = answer(client, "p2", token, repr(v.reference)).get_json()
    assert typed["correct"] and typed["state"]["state"] == "revealed"
    assert client.get("/api/progress").get_json()["score"] == 0


def test_a_right_first_try_shows_on_the_page_and_a_new_variant_starts_afresh(client):
    token, v = variant(client, "p1")
    assert answer(client, "p1", token, repr(v.reference)).get_json()["state"]["state"] == (
        "right-first-try")
    page = client.get("/").get_data(as_text=True)
    item = page[page.index('id="p1"'):]
    assert re.search(r'data-role="state">.*Right first try</p>', item[:3000])
    token2, v2 = variant(client, "p1")
    answer(client, "p1", token2, repr(v2.reference * 3 + 7))
    assert client.get("/api/progress").get_json()["practice"]["p1"]["state"] == "wrong"


def test_an_item_is_answered_only_with_a_token_of_its_own_reader(app):
    ada, bea = app.test_client(), app.test_client()
    token, v = variant(ada, "p1")
    bea.get("/api/checkpoint/p2/variant")
    for client, tok in ((bea, token), (ada, None), (ada, "forged")):
        refused = answer(client, "p1", tok, repr(v.reference))
        assert refused.status_code == 422 and refused.get_json()["field"] == "token"
        hint = client.post("/api/checkpoint/p1/hint", json={"token": tok} if tok else {})
        assert hint.status_code == 422
    assert ada.post("/checkpoint/p1", data={"answer": "1"}).status_code in (403, 422)
    q1 = ada.get("/api/checkpoint/q1/variant").get_json()["token"]
    assert answer(ada, "p1", q1, "1").status_code == 422  # another question's token


def test_each_item_stands_in_the_section_that_teaches_its_idea(client):
    page = client.get("/").get_data(as_text=True)
    for qid, item in ITEMS.items():
        start = page.index(f'<section class="section section-narrative" id="{item.section}"')
        end = page.index("</section>", start)
        assert page.index(f'<div class="practice-item" id="{qid}"') in range(start, end)


def test_nothing_earned_is_on_the_page_before_an_answer(client):
    page = client.get("/").get_data(as_text=True)
    for qid, item in ITEMS.items():
        assert f'id="{qid}"' in page and str(markupsafe.escape(item.title)) in page
        for source in (*item.practice.hints, item.practice.solution,
                       *item.practice.feedback.values()):
            words = re.sub(r"\$[^$]*\$|\{=[^=]*=\}", " ", source).split()
            assert " ".join(words[:6]) not in page


def test_with_storage_down_an_answer_is_said_not_saved_quickly_and_not_graded(client, app):
    token, v = variant(client, "p2")
    app.extensions["store"]._open_until = time.monotonic() + 3600
    started = time.monotonic()
    response = answer(client, "p2", token, repr(v.reference))
    assert time.monotonic() - started < 2
    assert_honestly_unsaved(response)
    reveal = client.post("/api/checkpoint/p2/reveal", json={"token": token})
    assert reveal.status_code == 503 and "explanation" not in reveal.get_json()


def test_instructors_see_states_and_slips_on_the_dashboard_and_in_both_csvs(app):
    teacher = app.test_client()
    made = create_class(teacher)
    student = join(app, made["join"], "Ada")
    token, v = variant(student, "p1")
    name, value = next(iter(v.misconceptions.items()))
    answer(student, "p1", token, repr(value))
    answer(student, "p1", token, repr(v.reference))
    dashboard = teacher.get(made["teach"]).get_data(as_text=True)
    assert "More practice (not scored)" in dashboard and "Right after 2 tries" in dashboard
    assert BANK.misconceptions[name] in dashboard
    live = teacher.get(made["teach"] + "/data.json").get_json()  # the dashboard's polling
    assert "Right after 2 tries" in live["html"]["practice"]
    roster = list(csv.DictReader(io.StringIO(
        teacher.get(made["teach"] + "/roster.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert roster[0]["p1_state"] == "right-after-tries" and roster[0]["p2_state"] == "not-tried"
    assert roster[0]["score"] == "0.0" and roster[0]["out_of"] == "4"
    rows = list(csv.DictReader(io.StringIO(
        teacher.get(made["teach"] + "/attempts.csv").get_data(as_text=True).lstrip("\ufeff"))))
    mine = [r for r in rows if r["question"] == "p1"]
    assert [r["misconception"] for r in mine] == [name, ""]
    assert [r["state"] for r in mine] == ["wrong", "right-after-tries"]
    assert all(r["practice"] == "yes" for r in mine)


@pytest.mark.parametrize("qid", ["p1", "p2"])
def test_no_example_in_the_format_line_is_the_answer_to_any_variant(qid):
    found = re.findall(r"\d[\d.e*+\- ]*\d", ITEMS[qid].practice.format)
    examples = [parse_number(e).value for e in found]
    assert len(examples) == 3
    for v in handed(qid):
        assert not any(grade_practice(ITEMS[qid], v, repr(e)).correct for e in examples)


def test_a_practice_item_answered_right_comes_back_for_spaced_review(client, clock):
    token, v = variant(client, "p2")
    assert answer(client, "p2", token, repr(v.reference)).get_json()["correct"]
    assert client.get("/api/review").get_json()["due"] == []
    clock(days=1, minutes=1)
    (item,) = client.get("/api/review").get_json()["due"]
    assert item["question"] == "p2" and item["label"] == ITEMS["p2"].title
    assert item["practice"] and "<math" in item["prompt_html"]
    due_page = client.get("/")
    assert due_page.status_code == 200
    assert 'data-review="p2"' in due_page.get_data(as_text=True)
    review = client.application.extensions["review_signer"]
    value = reference_of(review, item["token"], ITEMS["p2"])
    graded = client.post("/api/review/p2", json={"answer": repr(value), "token": item["token"]})
    assert graded.status_code == 200 and graded.get_json()["correct"]
    assert graded.get_json()["next_due_words"] == "in 3 days"
    again = client.post("/api/review/p2", json={"answer": repr(value), "token": item["token"]})
    assert again.status_code == 422  # a review token counts once


NUMBERED = {**{q: x for q, x in BANK.questions.items() if x.practice}, **ITEMS}


@pytest.mark.parametrize("qid", sorted(NUMBERED))
def test_no_negative_number_follows_a_dot_or_times_unbracketed(qid):
    """A product written out keeps a negative factor in brackets — a · (−2), not a · −2 —
    in every handed-out variant's prompt, explanation, hints and worked solution."""
    item = NUMBERED[qid]
    texts = [item.practice.prompt, item.practice.explanation, item.practice.solution,
             *item.practice.hints]
    variants = [build(qid, item.practice.generator, p)
                for p in all_params(item.practice.generator)]
    for variant in [v for v in variants if handed_out(v)]:
        values = variant.texts
        for text in texts:
            filled = re.sub(r"\{=(\w+)=\}", lambda m, v=values: v.get(m[1], m[0]), text)
            assert not re.search(r"\\(?:cdot|times)\s*\{?-", filled), (variant.params, filled)


@pytest.mark.parametrize("qid", sorted(NUMBERED))
def test_no_variant_writes_a_signed_zero(qid):
    """A ReLU layer with a negative weight has the answer 0 (as −0.0 in floating point):
    its texts, reference and receipt say 0, never −0."""
    item = NUMBERED[qid]
    for params in all_params(item.practice.generator):
        variant = build(qid, item.practice.generator, params)
        if not handed_out(variant):
            continue
        for name, text in variant.texts.items():
            assert not re.search(r"(?<![\d.])-0(?![\d.])", text), (params, name, text)
        receipt = grade_practice(item, variant, repr(variant.reference)).receipt.as_dict()
        for key in ("reference_text", "low_text", "high_text"):
            assert not re.search(r"(?<![\d.])−0(?![\d.])", str(receipt.get(key, ""))), receipt
