"""When a reader may see a question's explanation, as one plain rule.

A wrong answer gets its feedback only. The explanation (and, for a practice variant, its
reference value and worked solution) comes with a correct answer, after the bank's number
of tries (``reveal_after``), or when the reader asks for it.
"""

from __future__ import annotations

from quizzes.bank import Question


def earned(question: Question, tries: int | None, correct: bool, revealed: bool) -> bool:
    """Whether the explanation is part of the answer now. ``tries`` counts this one;
    ``correct`` is whether any try so far was correct."""
    return correct or revealed or (tries or 0) >= question.reveal_after


def reveal_info(question: Question, tries: int | None, available: bool) -> dict:
    """What the reader is told about when the explanation comes."""
    left = max(0, question.reveal_after - (tries or 0))
    return {"after_tries": question.reveal_after, "tries_left": 0 if available else left,
            "on_request": True, "available": available}
