"""Differentiate it yourself (question ``d1``): y = f(g(x)), the derivative typed in x.

The reader's text is read by the project's own grammar (``expressions.py``: never ``eval``)
into a tree, and graded by meaning: its values at the variant's test points (see
``typed_family.py``), and at every sampled point of y's domain, are compared with the
reference derivative's, within a relative tolerance. A wrong answer that equals, at every
test point, what a slip would have produced from the question's own f and g is named by
that slip. Text the grammar cannot read raises ``Unreadable``: not an attempt, and its
message says where and proposes a reading.

In the grammar ``ln`` and ``log`` are both the natural logarithm, and ``sigma``/``σ`` is the
logistic function 1/(1 + e⁻ᵘ).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from quizzes import typed_family as family
from quizzes import typed_text
from quizzes.expression_tokens import Unreadable
from quizzes.expression_write import evaluate, mathml, reading, speech
from quizzes.expressions import parse
from quizzes.typed_exact import identical

__all__ = ["SLIP_LABELS", "SLUGS", "Derivative", "Unreadable", "Verdict", "all_params",
           "build", "grade", "preview", "random_params"]
SLUGS: tuple[str, ...] = family.SLUGS
SLIP_LABELS: dict[str, str] = dict(typed_text.LABELS)  # for instructors: slug → the method


def preview(text: str) -> dict:
    """The expression as understood: MathML, words ("of" for application), and its reading
    in the answer grammar. Raises ``Unreadable``."""
    tree = parse(text)
    return {"mathml": mathml(tree), "speech": speech(tree), "reading": reading(tree)}


@dataclass(frozen=True)
class Derivative:
    params: dict
    function: str  # y in the answer grammar, e.g. "sin(3*x^2)"
    inner: str  # g(x)
    outer: str  # f(u), in u
    answer: str  # the reference derivative (never sent before it is earned)
    prompt_html: str
    hints: tuple[str, ...]
    solution_html: str
    prompt_speech: str = ""  # "y equals sine of …": the prompt's formula in words


@dataclass(frozen=True)
class Verdict:
    correct: bool
    misconception: str | None
    feedback: str


def all_params() -> list[dict]:
    """Every variant handed out."""
    return family.all_params()


def random_params(rng: random.Random) -> dict:
    """A variant: an outer function, then an inner one it pairs with, then the numbers, each
    chosen evenly (so the many uᵐ and a·x + b variants do not crowd out sin(eˣ))."""
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for params in family.all_params():
        by_pair.setdefault((params["outer"], params["inner"]), []).append(params)
    outer = rng.choice(sorted({o for o, _ in by_pair}))
    inner = rng.choice(sorted(i for o, i in by_pair if o == outer))
    return dict(rng.choice(by_pair[(outer, inner)]))


def _checked(params: object) -> dict:
    if not family.is_handed_out(params):
        raise ValueError("Not a variant of this question.")
    return dict(params)


def build(params: dict) -> Derivative:
    """The question for a variant; ``ValueError`` for parameters not handed out."""
    params = _checked(params)
    g, _ = family.inner(params)
    f_of_u, _ = family.outer(params, family.U)
    return Derivative(
        params=params,
        function=reading(family.function(params)),
        inner=reading(g),
        outer=reading(f_of_u),
        answer=reading(family.answer(params)),
        prompt_html=typed_text.prompt_html(params),
        hints=typed_text.hints(params),
        solution_html=typed_text.solution_html(params),
        prompt_speech=f"y equals {speech(family.function(params))}",
    )


def grade(params: dict, text: str) -> Verdict:
    """Right, a named slip, or wrong; ``Unreadable`` (not an attempt) for text the grammar
    cannot read; ``ValueError`` for parameters not handed out."""
    params = _checked(params)
    tree = parse(text)
    points, reference, slips = family.prepared(family.key(params))
    everywhere, expected = family.domain(family.key(params))
    with np.errstate(all="ignore"):  # undefined or overflowing values are a difference
        values = evaluate(tree, points)
        if family.close(values, reference) and family.close(evaluate(tree, everywhere),
                                                            expected):
            if not identical(tree, family.answer(params), points):  # close, not equal
                return Verdict(False, None, typed_text.APPROXIMATE)
            return Verdict(True, None, typed_text.RIGHT)
        named = next((slug for slug in SLUGS
                      if slug in slips and family.close(values, slips[slug])), None)
    return Verdict(False, named, typed_text.FEEDBACK.get(named, typed_text.UNNAMED))
