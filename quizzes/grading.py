"""Grading: parse → grade, as plain functions of the bank's data. No Flask, no I/O.

``parse`` turns what a client sent into a well-formed response or raises ``InvalidAnswer``
(not graded, not counted as an attempt, with a message saying what is expected). ``grade``
turns a well-formed response into a ``Grade``: the score, the feedback for *that* answer,
the misconception it reveals, and the explanation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from chapter.format import plain_number
from chapter.render import render_fragment
from quizzes.bank import Question
from quizzes.numbers import NumberFormatError, parse_number
from quizzes.ordering import ordering_score, placed_before, positions_in_place
from quizzes.variants import Variant

REL_TOL = 1e-2  # default relative tolerance for typed numbers (the bank may set its own)
NEAR_FACTOR = 10  # within ten tolerances: "right idea, not precise enough"
DISPLAY_DIGITS = 4  # the accepted interval is shown and graded at these significant figures


class InvalidAnswer(ValueError):
    """A response that cannot be graded; ``field`` is the part of the request at fault."""

    def __init__(self, message: str, field: str = "answer"):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Receipt:
    """What a typed number was graded against, in the digits the reader is shown."""

    value: float
    reference: float
    low: float
    high: float
    tolerance: float

    def as_dict(self) -> dict:
        return {"value": self.value, "reference": self.reference, "low": self.low,
                "high": self.high, "tolerance": self.tolerance,
                "value_text": plain_number(self.value, 6),
                "reference_text": plain_number(self.reference, DISPLAY_DIGITS + 2),
                "low_text": plain_number(self.low, DISPLAY_DIGITS),
                "high_text": plain_number(self.high, DISPLAY_DIGITS)}


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float
    feedback: Markup
    explanation: Markup
    misconception: str | None
    answer: str  # the response, normalised, as it is stored
    in_place: tuple[int, ...] | None = None  # ordering: 1-based positions that are right
    receipt: Receipt | None = None
    near: bool = False


# --- parse ------------------------------------------------------------------------------------

def parse(question: Question, raw: object) -> str | tuple[str, ...]:
    if question.kind == "ordering":
        ids = [s.id for s in question.steps]
        expected = f"Send every step exactly once, as a list of step ids: {', '.join(ids)}."
        if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
            raise InvalidAnswer(f"The answer must be a list of step ids. {expected}")
        if sorted(raw) != sorted(ids):
            raise InvalidAnswer(f"That is not the set of steps. {expected}")
        return tuple(raw)
    ids = [c.id for c in question.choices]
    if not isinstance(raw, str) or raw not in question.choice_by_id:
        raise InvalidAnswer(f"No such choice for {question.id}. Choose one of: {', '.join(ids)}.")
    return raw


def stored_response(question: Question, stored: str) -> str | tuple[str, ...]:
    """The response a stored answer came from (orderings are stored as "b,a,d,c")."""
    return parse(question, stored.split(",") if question.kind == "ordering" else stored)


# --- grade ------------------------------------------------------------------------------------

def grade(question: Question, response: str | tuple[str, ...]) -> Grade:
    if question.kind == "ordering":
        return _grade_ordering(question, tuple(response))
    choice = question.choice_by_id[response]
    correct = response == question.key
    return Grade(correct, 1.0 if correct else 0.0, choice.feedback_html,
                 question.explanation_html, None if correct else choice.misconception,
                 answer=response)


def grade_answer(question: Question, raw: object) -> Grade:
    return grade(question, parse(question, raw))


def _grade_ordering(question: Question, order: tuple[str, ...]) -> Grade:
    key = question.key
    score = ordering_score(order, key)
    in_place = tuple(i + 1 for i in positions_in_place(order, key))
    if score == 1:
        return Grade(True, 1.0, question.correct_feedback_html, question.explanation_html,
                     None, ",".join(order), in_place)
    rule = next((r for r in question.rules if placed_before(order, *r.before)), None)
    short = {s.id: s.short_html for s in question.steps}
    if in_place:
        named = Markup(" and ").join(Markup("step {} ({})").format(i, short[order[i - 1]])
                                     for i in in_place)
        missing = [str(i) for i in range(1, len(key) + 1) if i not in in_place]
        not_yet = f"Step {missing[0]} is" if len(missing) == 1 else (
            f"Steps {', '.join(missing[:-1])} and {missing[-1]} are")
        lead = Markup("<p>{} of {} steps are in their right place: {}. {} not yet.</p>").format(
            len(in_place), len(key), named, not_yet)
    else:
        lead = Markup("<p>None of the {} steps is in its right place yet.</p>").format(len(key))
    feedback = lead + (rule.feedback_html if rule else Markup(""))
    return Grade(False, score, feedback, question.explanation_html,
                 rule.misconception if rule else None, ",".join(order), in_place)


# --- practice variants: typed numbers -----------------------------------------------------------

def _round_sig(value: float, digits: int, up: bool) -> float:
    """``value`` rounded outward to ``digits`` significant figures, as the float that the
    shown text parses to, so the interval shown is exactly the interval graded."""
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    scaled = value / 10.0 ** exponent
    mantissa = math.ceil(scaled - 1e-9) if up else math.floor(scaled + 1e-9)
    return float(f"{mantissa}e{exponent}")


def accepted_interval(reference: float, tolerance: float) -> tuple[float, float]:
    low, high = sorted((reference * (1 - tolerance), reference * (1 + tolerance)))
    return _round_sig(low, DISPLAY_DIGITS, up=False), _round_sig(high, DISPLAY_DIGITS, up=True)


def _near(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance * abs(target)


@lru_cache(maxsize=4096)
def _render(source: str, values: tuple[tuple[str, str], ...]) -> Markup:
    # Typesetting costs milliseconds; variants come from a finite grid, so each text is
    # typeset once per process and then reused.
    return render_fragment(source, "checkpoint.toml", values=dict(values))


def _with_numbers(source: str, variant: Variant) -> Markup:
    return _render(source, tuple(sorted(variant.texts.items())))


def _practice_text(question: Question, name: str, variant: Variant) -> Markup:
    return _with_numbers(question.practice.feedback[name], variant)


def practice_prompt(question: Question, variant: Variant) -> Markup:
    return _with_numbers(question.practice.prompt, variant)


def practice_explanation(question: Question, variant: Variant) -> Markup:
    return _with_numbers(question.practice.explanation, variant)


def grade_practice(question: Question, variant: Variant, raw: object) -> Grade:
    """A typed number against the variant's reference and each misconception's value."""
    try:
        parsed = parse_number(raw)
    except NumberFormatError as exc:
        raise InvalidAnswer(str(exc)) from None
    tolerance = question.practice.tolerance or REL_TOL
    low, high = accepted_interval(variant.reference, tolerance)
    receipt = Receipt(parsed.value, variant.reference, low, high, tolerance)
    explanation = practice_explanation(question, variant)
    value = parsed.value
    if low <= value <= high:
        return Grade(True, 1.0, _practice_text(question, "correct", variant), explanation,
                     None, parsed.text, receipt=receipt)
    for name, slip in variant.misconceptions.items():
        if _near(value, slip, tolerance) and name in question.practice.feedback:
            return Grade(False, 0.0, _practice_text(question, name, variant), explanation,
                         name, parsed.text, receipt=receipt)
    near = _near(value, variant.reference, tolerance * NEAR_FACTOR)
    feedback = _practice_text(question, "near" if near else "wrong", variant)
    return Grade(False, 0.0, feedback, explanation, None, parsed.text, receipt=receipt,
                 near=near)
