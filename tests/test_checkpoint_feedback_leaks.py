"""Feedback names the slip, hints stop one step short, only "Show answer" answers.

Every wrong-answer feedback of the bank and of every practice variant that "Try another" can
hand out is read by ``tests/leaks.py`` (numbers, TeX and Unicode powers, products, "ten
factors of 0.1"): none may hold the key, two results that multiply or add to it, or a result
that completes the reader's own answer. Every hint's numbers and expressions are typed into
the real grader: none may be graded correct.
"""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from quizzes import variants
from quizzes.bank import default_bank
from quizzes.grading import grade_practice
from tests.leaks import _runs, _value, candidates, leaks, plain


def fill(source: str, **values: str) -> str:
    """A bank text with its {=name=} slots filled, as the grader fills them."""
    for name, value in values.items():
        source = source.replace(f"{{={name}=}}", value)
    return source

BANK = default_bank()
RAW = {q["id"]: q for q in tomllib.loads(
    (Path(__file__).parents[1] / "quizzes" / "checkpoint.toml").read_text())["question"]}
BASE = {qid: variants.build(qid, g, variants.BASE_PARAMS[g])
        for qid, g in {"q1": "composition", "q3": "depth"}.items()}
GENERATORS = {"q1": "composition", "q3": "depth", "p1": "fanout", "p2": "layer_factor"}


def label_value(label: str) -> float | None:
    """A choice's number: its label's first expression ("$4e^4 \\approx 218.4$" → 4e⁴)."""
    runs = _runs(plain(label))
    return _value(" ".join(runs[0][0])) if runs else None


# --- the checker reads what the feedback was written in ---------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("$4e^4 \\approx 218.4$", 218.39),
    ("4e⁴", 218.39),
    ("$e^4 \\cdot 4$", 218.39),
    ("$4 \\times e^{4}$", 218.39),
    ("$0.1^{10}$", 1e-10),
    ("0.1¹⁰", 1e-10),
    ("0.1^10", 1e-10),
    ("$10^{-10}$", 1e-10),
    ("10⁻¹⁰", 1e-10),
    ("ten factors of $0.1$", 1e-10),
    ("Multiply 0.4 by itself 3 times.", 0.064),
    ("$\\frac{1}{1024}$", 1 / 1024),
    ("$1\\times 10^{-10}$", 1e-10),
])
def test_the_checker_finds_a_value_in_each_notation(text, value):
    assert any(abs(v - value) <= 1e-3 * abs(value) for _, v in candidates(text)), text


# The sentences that gave the answer away before this was checked: the checker flags each.
@pytest.mark.parametrize(("text", "key", "chosen"), [
    ("That is the outer derivative alone, $f'(g(2)) = e^4$. The chain rule multiplies it by "
     "the inner derivative too: $g'(x) = 2x$, which is $4$ at $x = 2$.", 218.39, 54.598),
    ("That adds $0.1$ ten times. The chain rule multiplies the local derivatives, one factor "
     "per layer: $0.1^{10}$.", 1e-10, 1.0),
    ("That is not the product of one local derivative per layer. Multiply $0.4$ by itself "
     "$3$ times.", 0.064, None),
    ("Check the sign of each factor: $f'(g(1)) = 7.39$ and $g'(1) = 2$.", 14.78, -14.78),
])
def test_the_checker_flags_the_sentences_that_gave_the_key_away(text, key, chosen):
    assert leaks(text, key, chosen)


# --- the bank's own questions -------------------------------------------------------------------

@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_no_wrong_choice_feedback_holds_or_completes_the_key(qid):
    key = BASE[qid].reference
    assert label_value(next(c["label"] for c in RAW[qid]["choice"]
                            if c["id"] == RAW[qid]["key"])) == pytest.approx(key, rel=1e-3)
    for choice in RAW[qid]["choice"]:
        if choice["id"] == RAW[qid]["key"]:
            continue  # shown only with a right answer
        assert leaks(choice["feedback"], key, label_value(choice["label"])) == [], choice["id"]


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_no_hint_of_a_base_question_is_graded_correct_when_typed(qid):
    question = BANK.questions[qid]
    for n, hint in enumerate(RAW[qid]["hints"], start=1):
        assert leaks(hint, BASE[qid].reference) == [], (n, hint)
        for text, _ in candidates(hint):
            assert not grade_practice(question, BASE[qid], text).correct, (n, text)


def test_q2s_last_hint_asks_for_the_direction_without_giving_it():
    last = RAW["q2"]["hints"][-1].lower()
    for giveaway in ("reverse", "opposite", "backward", "back to", "on the way back",
                     "starts at the loss", "true", "false"):
        assert giveaway not in last, giveaway


# --- every practice variant "Try another" can hand out -----------------------------------------

def handed_out(qid: str) -> list[variants.Variant]:
    built = (variants.build(qid, GENERATORS[qid], p)
             for p in variants.all_params(GENERATORS[qid]))
    return [v for v in built if variants.handed_out(v)]


def drawn(qid: str, count: int = 500) -> list[variants.Variant]:
    rng = random.Random(f"feedback-{qid}")
    return [variants.new_variant(qid, GENERATORS[qid], rng) for _ in range(count)]


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_500_drawn_variants_are_all_among_those_checked_below(qid):
    every = {tuple(sorted(v.params.items())) for v in handed_out(qid)}
    assert {tuple(sorted(v.params.items())) for v in drawn(qid)} <= every


@pytest.mark.parametrize("qid", ["q1", "q3", "p1", "p2"])
def test_no_practice_feedback_holds_or_completes_the_variants_key(qid):
    practice = BANK.item(qid).practice
    checked = 0
    for v in handed_out(qid):
        values = dict(v.texts)
        slips = {}
        for name, value in v.slips:
            slips.setdefault(name, value)
        for name, source in practice.feedback.items():
            if name == "correct":
                continue  # shown only with a right answer
            found = leaks(fill(source, **values), v.reference, slips.get(name))
            assert found == [], (v.params, name, found)
            checked += 1
    assert checked > (1000 if qid in ("q1", "q3") else 300)


@pytest.mark.parametrize("qid", ["q1", "q3", "p1", "p2"])
def test_no_practice_hint_prompt_or_format_is_graded_correct_when_typed(qid):
    question = BANK.item(qid)
    practice = question.practice
    typed = 0
    for v in handed_out(qid):
        values = dict(v.texts)
        # the prompt states the depth and the local derivative: it is the question (and an
        # active ReLU unit's factor is the weight it states: that is what p2 asks to know)
        stated = not (qid == "p2" and v.params["act"] == "relu")
        texts = [(h, True) for h in practice.hints] + [(practice.prompt, False)] * stated + [
            (practice.format, True)]
        for n, (source, words) in enumerate(texts):
            for text, _ in candidates(fill(source, **values), words):
                assert not grade_practice(question, v, text).correct, (v.params, n, text)
                typed += 1
    assert typed > (2000 if qid in ("q1", "q3") else 400)
