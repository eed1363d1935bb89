"""Grading: parse → grade, as plain functions of the bank's data. No Flask, no I/O.

``parse`` turns what a client sent into a well-formed response or raises ``InvalidAnswer``
(not graded, not counted as an attempt, with a message saying what is expected). ``grade``
turns a well-formed response into a ``Grade``: the score, the misconception it reveals, and
which of the bank's texts apply with the numbers they need. Every sentence a reader sees is
the bank's; this module only chooses it and fills in its numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup

from chapter.format import minus, plain_number
from chapter.render import render_fragment
from quizzes.bank import Question
from quizzes.numbers import NumberFormatError, parse_number
from quizzes.ordering import dependency_score, kept, placed_before, positions_in_place
from quizzes.variants import Variant

REL_TOL = 1e-2  # default relative tolerance for typed numbers (the bank may set its own)
DISPLAY_DIGITS = 4  # the accepted interval is shown and graded at these significant figures
NEAR_FIGURES = 2  # "right idea, not precise enough": agrees to this many significant figures


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
                "value_text": minus(plain_number(self.value, DISPLAY_DIGITS + 2)),
                "reference_text": minus(plain_number(self.reference, DISPLAY_DIGITS + 2)),
                "low_text": minus(plain_number(self.low, DISPLAY_DIGITS)),
                "high_text": minus(plain_number(self.high, DISPLAY_DIGITS))}


@dataclass(frozen=True)
class Grade:
    """A graded response as data: which of the bank's texts apply (``feedback_ids``) and the
    numbers they need (``values``); ``feedback`` and ``explanation`` render those texts."""

    correct: bool
    score: float
    feedback_ids: tuple[str, ...]  # "choice:<id>", "correct", "placement:<form>", "rule:<n>",
    #                                "practice:<name>" (a slip, or correct / near / wrong)
    misconception: str | None
    answer: str  # the response, normalised, as it is stored
    values: tuple[tuple[str, str], ...] = ()  # {=name=} → text, for the texts that need them
    in_place: tuple[int, ...] | None = None  # ordering: 1-based positions that are right
    receipt: Receipt | None = None
    near: bool = False
    question: Question | None = field(default=None, compare=False, repr=False)

    @property
    def feedback(self) -> Markup:
        return feedback_html(self)

    @property
    def explanation(self) -> Markup:
        return explanation_html(self)


# --- parse ------------------------------------------------------------------------------------

def parse(question: Question, raw: object) -> str | tuple[str, ...]:
    """A well-formed response, or InvalidAnswer (not graded, not counted) saying what to send."""
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
    """A parsed response graded against the key: pure, so a stored answer regrades alike."""
    if question.kind == "ordering":
        return _grade_ordering(question, tuple(response))
    choice = question.choice_by_id[response]
    correct = response == question.key
    return Grade(correct, 1.0 if correct else 0.0, (f"choice:{response}",),
                 None if correct else choice.misconception, response, question=question)


def grade_answer(question: Question, raw: object) -> Grade:
    """Parse, then grade: what a route calls with whatever the client sent."""
    return grade(question, parse(question, raw))


def _grade_ordering(question: Question, order: tuple[str, ...]) -> Grade:
    """Credit: the share of the steps' constraints the order keeps (quizzes/ordering.py).
    The feedback says that share in words, then the first broken constraint's rule."""
    key, pairs = question.key, question.constraints
    score = dependency_score(order, pairs)
    in_place = tuple(i + 1 for i in positions_in_place(order, key))
    if list(order) == list(key):
        return Grade(True, 1.0, ("correct",), None, ",".join(order), in_place=in_place,
                     question=question)
    rule = next((n for n, r in enumerate(question.rules) if placed_before(order, *r.before)),
                None)
    count = kept(order, pairs)
    ids = (f"placement:{'some' if count else 'none'}",) + (
        (f"rule:{rule}",) if rule is not None else ())
    values = (("kept", str(count)), ("total", str(len(pairs))))
    return Grade(False, score, ids, question.rules[rule].misconception if rule is not None
                 else None, ",".join(order), values, in_place, question=question)


# --- the bank's texts for a grade ---------------------------------------------------------------

@lru_cache(maxsize=4096)
def _render(source: str, values: tuple[tuple[str, str], ...]) -> Markup:
    # Typesetting costs milliseconds; variants come from a finite grid, so each text is
    # typeset once per process and then reused.
    return render_fragment(source, "checkpoint.toml", values=dict(values))


def _placement(question: Question, form: str, grade_: Grade) -> Markup:
    """The bank's sentence on how many of the order's constraints the answer keeps."""
    return _render(question.placement[form], grade_.values)


def feedback_html(grade_: Grade) -> Markup:
    """The feedback a reader sees for this grade: the bank's texts its ids name."""
    question = grade_.question
    parts = []
    for text_id in grade_.feedback_ids:
        kind, _, name = text_id.partition(":")
        if kind == "choice":
            parts.append(question.choice_by_id[name].feedback_html)
        elif kind == "correct":
            parts.append(question.correct_feedback_html)
        elif kind == "placement":
            parts.append(_placement(question, name, grade_))
        elif kind == "rule":
            parts.append(question.rules[int(name)].feedback_html)
        else:
            parts.append(_render(question.practice.feedback[name], grade_.values))
    return Markup("").join(parts)


def explanation_html(grade_: Grade) -> Markup:
    """The explanation for this grade: a variant's own, with its numbers, or the question's."""
    question = grade_.question
    if any(i.startswith("practice:") for i in grade_.feedback_ids):
        return _render(question.practice.explanation, grade_.values)
    return question.explanation_html


# --- practice variants: typed numbers -----------------------------------------------------------

def _round_sig(value: float, digits: int, up: bool) -> float:
    """``value`` rounded outward to ``digits`` significant figures, as the float that the
    shown text parses to, so the interval shown is exactly the interval graded."""
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    scaled = value / 10.0 ** exponent
    mantissa = math.ceil(scaled - 1e-9) if up else math.floor(scaled + 1e-9)
    return float(f"{mantissa}e{exponent}")


def accepted_interval(reference: float, tolerance: float) -> tuple[float, float]:
    """The interval graded correct, rounded outward to the digits it is shown in, so what a
    reader reads on the receipt is exactly what was graded. A reference of exactly 0 (an
    inactive ReLU's factor) is graded exactly: 0 and nothing else."""
    if reference == 0:
        return 0.0, 0.0
    low, high = sorted((reference * (1 - tolerance), reference * (1 + tolerance)))
    return _round_sig(low, DISPLAY_DIGITS, up=False), _round_sig(high, DISPLAY_DIGITS, up=True)


def near_enough(value: float, reference: float) -> bool:
    """A rounding slip, not a wrong method: within half a unit of the reference's
    ``NEAR_FIGURES``-th significant figure, so a value rounded early (220 for 218.4) counts
    and a different method a few per cent away does not. Nothing is near an exact 0."""
    if reference == 0:
        return False
    half_unit = 0.5 * 10.0 ** (math.floor(math.log10(abs(reference))) - NEAR_FIGURES + 1)
    return abs(value - reference) <= half_unit * (1 + 1e-9)


def _matches(value: float, slip: float, tolerance: float) -> bool:
    return abs(value - slip) <= tolerance * abs(slip)


def practice_prompt(question: Question, variant: Variant) -> Markup:
    """The variant's prompt with its own numbers: the only text sent before an attempt."""
    return _render(question.practice.prompt, tuple(sorted(variant.texts.items())))


def grade_practice(question: Question, variant: Variant, raw: object) -> Grade:
    """A typed number against the variant's reference, then each modelled slip (so a slip is
    named before it could be called "not precise enough"), then the rounding window."""
    try:
        parsed = parse_number(raw)
    except NumberFormatError as exc:
        raise InvalidAnswer(f"{exc.problem} {question.practice.format}") from None
    tolerance = question.practice.tolerance or REL_TOL
    low, high = accepted_interval(variant.reference, tolerance)
    value = parsed.value
    common = dict(answer=parsed.text, values=tuple(sorted(variant.texts.items())),
                  receipt=Receipt(value, variant.reference, low, high, tolerance),
                  question=question)
    if low <= value <= high:
        return Grade(True, 1.0, ("practice:correct",), None, **common)
    # Two slips of a variant either lie apart or give the very same number (variants.py):
    # then the number is explained by each of them, and the feedback names them all.
    named = list(dict.fromkeys(name for name, slip in variant.slips
                               if _matches(value, slip, tolerance)
                               and name in question.practice.feedback))
    if named:
        return Grade(False, 0.0, tuple(f"practice:{name}" for name in named), named[0],
                     **common)
    near = near_enough(value, variant.reference)
    return Grade(False, 0.0, (f"practice:{'near' if near else 'wrong'}",), None, near=near,
                 **common)


# --- help: hints and the worked solution, with a variant's numbers ----------------------------

def hint_sources(question: Question, variant: Variant | None) -> tuple:
    """The hint ladder for the base question (typeset) or a variant (Markdown sources)."""
    return question.practice.hints if variant is not None else question.hints


def hint_html(question: Question, variant: Variant | None, index: int) -> Markup:
    """Hint ``index`` (1-based): the bank's text, with the variant's numbers for a variant."""
    if variant is None:
        return question.hints[index - 1]
    return _render(question.practice.hints[index - 1], tuple(sorted(variant.texts.items())))


def variant_explanation_html(question: Question, variant: Variant) -> Markup:
    return _render(question.practice.explanation, tuple(sorted(variant.texts.items())))


def solution_html(question: Question, values: tuple[tuple[str, str], ...]) -> Markup:
    """The variant's worked solution, typeset with its own numbers."""
    return _render(question.practice.solution, values)
