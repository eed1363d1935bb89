"""Practice variants: random ones grade their key as right and name every slip."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chapter.calculus import central_difference, inner_function, outer_function
from quizzes import variants
from quizzes.bank import default_bank
from quizzes.grading import accepted_interval, grade_practice, practice_prompt
from quizzes.numbers import parse_number
from quizzes.variants import InvalidVariant, VariantSigner, build, new_variant

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

BANK = default_bank()
PRACTICE = {qid: q for qid, q in BANK.questions.items() if q.practice}


def variant_for(qid: str, seed: int):
    return new_variant(qid, PRACTICE[qid].practice.generator, random.Random(seed))


def test_q1_and_q3_and_only_they_offer_practice():
    assert sorted(PRACTICE) == ["q1", "q3"]


@settings(max_examples=60, deadline=None)
@given(qid=st.sampled_from(["q1", "q3"]), seed=st.integers(0, 2**32))
def test_a_random_variant_grades_its_key_right_and_each_slip_by_name(qid, seed):
    question = PRACTICE[qid]
    variant = variant_for(qid, seed)
    right = grade_practice(question, variant, repr(variant.reference))
    assert right.correct and right.score == 1 and right.misconception is None
    for name, value in variant.misconceptions.items():
        wrong = grade_practice(question, variant, repr(value))
        assert (wrong.correct, wrong.misconception) == (False, name)
        assert name in BANK.misconceptions


def rounding_half_unit(reference: float) -> float:
    """Half a unit of the reference's second significant figure: the rounding window."""
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(reference))) - 1)


@settings(max_examples=60, deadline=None)
@given(qid=st.sampled_from(["q1", "q3"]), seed=st.integers(0, 2**32))
def test_a_number_rounded_to_two_figures_is_the_right_idea_and_a_wider_miss_is_not(qid, seed):
    question = PRACTICE[qid]
    variant = variant_for(qid, seed)
    low, high = accepted_interval(variant.reference, question.practice.tolerance)
    half = rounding_half_unit(variant.reference)
    rounded = variant.reference + 0.98 * half
    if not low <= rounded <= high:  # a window wider than the tolerance: there is a gap
        grade = grade_practice(question, variant, repr(rounded))
        assert (grade.correct, grade.near, grade.misconception) == (False, True, None)
        assert "Right idea, not precise enough" in str(grade.feedback)
    for miss in (variant.reference + 1.05 * half, variant.reference - 1.05 * half,
                 variant.reference * 1.08, variant.reference * 0.93):
        grade = grade_practice(question, variant, repr(miss))
        if low <= miss <= high:
            assert grade.correct  # a window narrower than the tolerance
            continue
        assert not grade.correct and not grade.near
        assert "Right idea" not in str(grade.feedback)


def test_a_slip_is_named_before_it_could_be_called_not_precise_enough():
    """e^(−0.5)-style wrong methods a few per cent off used to be praised; now the rounding
    window is narrower than the gap every slip keeps from the answer."""
    question = PRACTICE["q1"]
    for params in variants.all_params("composition"):
        variant = build("q1", "composition", params)
        if not variants.handed_out(variant):
            continue
        for name, value in variant.misconceptions.items():
            grade = grade_practice(question, variant, repr(value))
            assert (grade.misconception, grade.near) == (name, False)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), tolerance=st.sampled_from([1e-2, 1e-3, 5e-2]))
def test_the_interval_shown_is_exactly_the_interval_graded(seed, tolerance):
    variant = variant_for("q3", seed)
    low, high = accepted_interval(variant.reference, tolerance)
    assert low <= variant.reference <= high
    assert high - low >= 2 * tolerance * abs(variant.reference) * 0.999
    for bound in (low, high):
        assert parse_number(variants.plain_number(bound)).value == bound
    question = PRACTICE["q3"]
    low, high = accepted_interval(variant.reference, question.practice.tolerance)
    for bound in (low, high):
        shown = variants.plain_number(bound)
        assert grade_practice(question, variant, shown).correct
        beyond = variants.plain_number(bound * (0.9999 if bound == low else 1.0001), 8)
        assert not grade_practice(question, variant, beyond).correct


def test_the_base_question_is_the_variant_its_choices_were_computed_from():
    """q1's choices quote 4e⁴ ≈ 218.4, e⁴ ≈ 54.6, … : check each against the engine."""
    variant = build("q1", "composition", {"inner": "pow", "a": 2, "outer": "exp", "b": 0,
                                          "x": 2.0})
    question = BANK.questions["q1"]
    labels = {c.id: re.sub(r"<[^>]+>", "", str(c.label_html)) for c in question.choices}
    assert f"{variant.reference:.1f}" in labels[question.key]
    for choice in question.choices:
        if choice.misconception in variant.misconceptions:
            assert f"{variant.misconceptions[choice.misconception]:.1f}" in labels[choice.id]


@pytest.mark.parametrize("inner", sorted(variants.INNER))
@pytest.mark.parametrize("outer", sorted(variants.OUTER))
def test_each_derivative_agrees_with_central_differences(inner, outer):
    a, b = variants.INNER[inner][-1], variants.OUTER[outer][-1]
    for x in (-0.5, 0.5, 1.5):
        variant = build("q1", "composition", {"inner": inner, "a": a, "outer": outer, "b": b,
                                              "x": x})

        def composed(t, inner=inner, a=a, outer=outer, b=b):
            return outer_function(outer, b, inner_function(inner, a, t)[0])[0]

        assert variant.reference == pytest.approx(central_difference(composed, x), rel=1e-6)


@pytest.mark.parametrize("qid", ["q1", "q3"])
def test_a_variant_prompt_is_typeset_maths_with_its_own_numbers(qid):
    variant = variant_for(qid, 7)
    html = str(practice_prompt(PRACTICE[qid], variant))
    assert "<math" in html and "{=" not in html and "$" not in html
    shown = {"q1": ["x"], "q3": ["depth", "d"]}[qid]
    for name in shown:
        assert f"<mn>{variant.texts[name].strip('{}-')}</mn>" in html
    assert variant.texts["reference"] not in html  # the prompt never gives the answer away


def test_tokens_round_trip_and_refuse_tampering_and_other_questions():
    signer = VariantSigner("a-secret")
    variant = variant_for("q3", 1)
    token = signer.dumps(variant, "ada", NOW)
    assert signer.loads(token, "q3", "ada", NOW).reference == variant.reference
    assert signer.dumps(variant, "ada", NOW) != token  # every "Try another" is its own variant
    with pytest.raises(InvalidVariant, match="not one this server made"):
        VariantSigner("another-secret").loads(token, "q3", "ada", NOW)
    with pytest.raises(InvalidVariant, match="not one this server made"):
        signer.loads(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "q3", "ada",
                     NOW)
    with pytest.raises(InvalidVariant, match="belongs to q3"):
        signer.loads(token, "q1", "ada", NOW)
    with pytest.raises(InvalidVariant):
        signer.loads(12, "q3", "ada", NOW)


def test_a_token_is_its_readers_only_and_for_a_day():
    signer = VariantSigner("a-secret")
    token = signer.dumps(variant_for("q1", 3), "ada", NOW)
    for someone_else in ("bea", None, ""):
        with pytest.raises(InvalidVariant, match="handed to another reader"):
            signer.loads(token, "q1", someone_else, NOW)
    assert signer.loads(token, "q1", "ada", NOW + timedelta(hours=23, minutes=59))
    with pytest.raises(InvalidVariant, match=r"older than a day.*Try another"):
        signer.loads(token, "q1", "ada", NOW + timedelta(hours=24, seconds=1))
    short = VariantSigner("a-secret", timedelta(hours=2))
    with pytest.raises(InvalidVariant, match="older than 2 hours"):
        short.loads(token, "q1", "ada", NOW + timedelta(hours=3))


@pytest.mark.parametrize("params", [
    {"depth": 1000, "d": 0.1},
    {"depth": 10, "d": 2.0},
    {"depth": "10", "d": 0.1},
    {"depth": True, "d": 0.1},
])
def test_parameters_outside_the_generator_are_refused_even_when_signed(params):
    with pytest.raises(InvalidVariant):
        build("q3", "depth", params)
