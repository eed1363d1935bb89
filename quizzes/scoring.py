"""One rule for a question's state and score, the same everywhere: the reader's page and
``GET /api/progress``, the class dashboard, both CSVs and the score sent to the LMS.

A question is in one of seven states, decided by its base attempts (oldest first) and the
help asked for on it:

- ``not-tried``; ``wrong`` and ``partly-right`` (not right yet: the last try's credit);
- ``right-first-try``: the first try was right, with no hint and no reveal before it;
- ``right-with-hints``: right, after taking hints before the first right answer (counted
  apart from first tries on the dashboard);
- ``right-after-tries``: right, on a later try, unaided;
- ``revealed``: the answer was shown before the first right answer — asked for ("Show
  answer"), or shown unasked once the bank's ``reveal_after`` tries were all wrong (the
  explanation states the answer, so typing it back is not finding it).

Its **score** follows from the state alone: 1 for a right answer the reader found, the last
try's credit while partly right, 0 for wrong or not tried; a revealed question earns the
class's ``revealed`` credit (0 unless its instructor says otherwise) and a right answer after
hints the class's ``hinted`` credit (1 unless they say otherwise). ``state_from`` is the one
function that decides both; every place above calls it, so the same reader gets the same
state and the same score wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from quizzes.bank import REVEAL_AFTER
from store import Attempt
from store.help import Help

NOT_TRIED, WRONG, PARTLY = "not-tried", "wrong", "partly-right"
FIRST_TRY, WITH_HINTS, AFTER_TRIES, REVEALED = (
    "right-first-try", "right-with-hints", "right-after-tries", "revealed")
RIGHT = frozenset({FIRST_TRY, WITH_HINTS, AFTER_TRIES})  # found by the reader
DONE = RIGHT | {REVEALED}  # nothing more is asked of the reader here
STATES = (NOT_TRIED, WRONG, PARTLY, FIRST_TRY, WITH_HINTS, AFTER_TRIES, REVEALED)


@dataclass(frozen=True)
class Credit:
    """What a class counts, out of 1, for a revealed question and for a right answer after
    hints. The defaults are the chapter's own: nothing for a revealed answer, full credit for
    one found with hints."""

    revealed: float = 0.0
    hinted: float = 1.0


DEFAULT_CREDIT = Credit()


@dataclass(frozen=True)
class QuestionState:
    """One learner's standing on one base question, in one word and its label."""

    state: str  # one of STATES
    label: str  # the same, for people: "Right after 3 tries", "Partly right (67 %)"
    tries: int
    credit: float | None  # the last try's score, for a partly right answer
    hints: int
    done: bool  # right, or revealed: nothing more is asked of the reader here
    revealed: bool = False  # the explanation was asked for (before or after a right answer)
    score: float = 0.0  # what the question counts, out of 1 (the class's credit applied)

    @property
    def right(self) -> bool:
        return self.state in RIGHT

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in _STATE_FIELDS}  # all plain values


_STATE_FIELDS = tuple(f.name for f in fields(QuestionState))
NO_HELP = Help()


def state_of(attempts: list[Attempt], help_: Help = NO_HELP,
             credit: Credit = DEFAULT_CREDIT, shown_after: int = REVEAL_AFTER) -> QuestionState:
    """The state of one question from its attempts (oldest first, base question only) and
    the help asked for."""
    first_right = next((n for n, a in enumerate(attempts, start=1) if a.correct), None)
    return state_from(len(attempts), first_right,
                      attempts[first_right - 1].created_at if first_right else None,
                      attempts[-1].score if attempts else 0.0, help_, credit, shown_after)


def _before(moment: datetime | None, first_right_at: datetime | None,
            first_right: int | None) -> bool:
    """Did help asked for at ``moment`` come before the first right answer (or is there none
    yet)?"""
    return moment is not None and (first_right is None or first_right_at is None
                                   or moment <= first_right_at)


def state_from(tries: int, first_right: int | None, first_right_at, last_score: float,
               help_: Help = NO_HELP, credit: Credit = DEFAULT_CREDIT,
               shown_after: int = REVEAL_AFTER) -> QuestionState:
    """The state and score from what they depend on: the number of tries, which one was the
    first right one (1-based, or None) and when, the last try's score, the help asked for
    (its first hint's and its reveal's times), the class's credit and after how many wrong
    tries the explanation shows itself (the question's ``reveal_after``). The one place a
    state is named and a question scored."""
    common = dict(tries=tries, hints=help_.hints, revealed=help_.revealed_at is not None)
    if _before(help_.revealed_at, first_right_at, first_right):
        return QuestionState(REVEALED, "Revealed", credit=None, done=True,
                             score=credit.revealed, **common)
    if first_right and first_right > shown_after:  # the explanation had shown the answer
        return QuestionState(REVEALED, f"Revealed after {shown_after} tries", credit=None,
                             done=True, score=credit.revealed, **common)
    if first_right and _before(help_.hinted_at, first_right_at, first_right):
        return QuestionState(WITH_HINTS, "Right with hints", credit=1.0, done=True,
                             score=credit.hinted, **common)
    if first_right == 1:
        return QuestionState(FIRST_TRY, "Right first try", credit=1.0, done=True, score=1.0,
                             **common)
    if first_right:
        return QuestionState(AFTER_TRIES, f"Right after {first_right} tries", credit=1.0,
                             done=True, score=1.0, **common)
    if not tries:
        return QuestionState(NOT_TRIED, "Not tried", credit=None, done=False, **common)
    if last_score > 0:
        partial = round(last_score, 4)
        return QuestionState(PARTLY, f"Partly right ({round(last_score * 100)} %)",
                             credit=partial, done=False, score=partial, **common)
    return QuestionState(WRONG, "Wrong", credit=0.0, done=False, **common)


def total(states) -> float:
    """The sum of the questions' scores: the reader's score out of the number of questions."""
    return round(sum(s.score for s in states), 4)


def summary(states: dict[str, QuestionState]) -> dict:
    """The page's "N of 4" and the score beside it, from the states alone."""
    values = list(states.values())
    return {"correct": sum(1 for s in values if s.right),
            "attempted": sum(1 for s in values if s.tries),
            "total": len(values), "score": total(values)}
