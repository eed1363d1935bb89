"""What a class did, as plain data: per-question numbers and the roster.

No Flask, no SQL: the routes hand in rows from quizzes/store/classes.py and the question bank, and
get back numbers, rows and CSV text. The definitions a dashboard reader relies on:

- A question counts **base attempts** only; "Try another" practice variants are kept out of
  the per-question numbers and the roster (they appear in the raw-attempts export).
- **attempted**: students with at least one attempt. **first-try correct**: of those, whose
  first attempt was correct. **eventually correct**: of those, who got it right at some point.
  **mean attempts**: attempts per student who attempted.
- The **answer distribution** counts each student's first answer (what the class thought
  before any feedback), and also all attempts.
- A question nobody in the class has attempted shows no answers at all: its key and its
  misconceptions stay unrevealed, as they are to any reader before an attempt.
- A student's **state** on a question: right once any attempt is correct, wrong if attempted
  but never right, otherwise not tried. **Score**: the sum of the best score per question.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from instructors.labels import plain_text
from quizzes.bank import Bank, Question


@dataclass(frozen=True)
class AnswerCount:
    answer: str
    label_html: Markup
    label_text: str
    correct: bool
    misconception: str | None  # its name in the bank
    misconception_text: str | None  # what it means, for people
    first: int  # students whose first answer this was
    total: int  # all attempts with this answer

    def share(self, of: int) -> float:
        return self.first / of if of else 0.0


@dataclass(frozen=True)
class QuestionStats:
    id: str
    number: int
    prompt_html: Markup
    attempted: int
    first_try_correct: int
    eventually_correct: int
    attempts: int
    answers: tuple[AnswerCount, ...]

    @property
    def first_try_rate(self) -> float | None:
        return self.first_try_correct / self.attempted if self.attempted else None

    @property
    def eventual_rate(self) -> float | None:
        return self.eventually_correct / self.attempted if self.attempted else None

    @property
    def mean_attempts(self) -> float | None:
        return self.attempts / self.attempted if self.attempted else None


@dataclass(frozen=True)
class Cell:
    state: str  # "not-tried" | "wrong" | "right"
    attempts: int = 0
    best: float = 0.0


@dataclass(frozen=True)
class RosterRow:
    number: int  # order of joining, 1-based: a stable, meaningless student number
    name: str
    joined_at: datetime
    cells: dict[str, Cell] = field(default_factory=dict)
    score: float = 0.0
    last_activity: datetime | None = None


def _base(attempts: Iterable) -> list:
    return [a for a in attempts if a.variant is None]


def answer_text(question: Question, answer: str) -> tuple[Markup, str]:
    if question.kind == "ordering":
        by_id = {s.id: s for s in question.steps}
        parts = [by_id[i].short_html if i in by_id else Markup.escape(i)
                 for i in answer.split(",")]
        html = Markup(" → ").join(parts)
        return html, plain_text(html)
    choice = question.choice_by_id.get(answer)
    if choice is None:
        return Markup.escape(answer), answer
    return choice.label_html, plain_text(choice.label_html)


def question_stats(question: Question, attempts: Sequence, bank: Bank) -> QuestionStats:
    """The numbers for one question from its base attempts, in the order they were made."""
    mine = [a for a in _base(attempts) if a.question_id == question.id]
    by_learner: dict[str, list] = {}
    for a in mine:
        by_learner.setdefault(a.learner_id, []).append(a)
    firsts = Counter(tries[0].answer for tries in by_learner.values())
    totals = Counter(a.answer for a in mine)
    named = {a.answer: a.misconception for a in mine if a.misconception}
    key = ",".join(question.key) if question.kind == "ordering" else question.key
    if question.kind == "ordering":
        others = sorted((a for a in totals if a != key),
                        key=lambda a: (-firsts[a], -totals[a], a))
        answers = [key, *others]
    else:
        answers = [c.id for c in question.choices] + sorted(set(totals) - set(
            question.choice_by_id))
    rows = []
    if not mine:
        answers = []  # nothing attempted: reveal no key and no misconception
    for answer in answers:
        html, text = answer_text(question, answer)
        name = named.get(answer)
        if name is None and question.kind != "ordering" and answer in question.choice_by_id:
            name = question.choice_by_id[answer].misconception
        rows.append(AnswerCount(answer, html, text, answer == key, name,
                                bank.misconceptions.get(name) if name else None,
                                firsts[answer], totals[answer]))
    return QuestionStats(
        id=question.id, number=question.number, prompt_html=question.prompt_html,
        attempted=len(by_learner),
        first_try_correct=sum(1 for t in by_learner.values() if t[0].correct),
        eventually_correct=sum(1 for t in by_learner.values() if any(a.correct for a in t)),
        attempts=len(mine), answers=tuple(rows))


def class_stats(bank: Bank, attempts: Sequence) -> list[QuestionStats]:
    return [question_stats(q, attempts, bank) for q in bank.questions.values()]


def roster(bank: Bank, students: Sequence, attempts: Sequence) -> list[RosterRow]:
    """One row per student in joining order, whether or not they have answered anything."""
    tries_of: dict[tuple[str, str], list] = {}  # (learner, question) → base attempts
    latest: dict[str, datetime] = {}  # learner → their last attempt of any kind
    for a in attempts:
        if a.variant is None:
            tries_of.setdefault((a.learner_id, a.question_id), []).append(a)
        if a.learner_id not in latest or a.created_at > latest[a.learner_id]:
            latest[a.learner_id] = a.created_at
    rows = []
    for number, student in enumerate(students, start=1):
        cells = {}
        for qid in bank.questions:
            tries = tries_of.get((student.learner_id, qid), [])
            if not tries:
                cells[qid] = Cell("not-tried")
            else:
                cells[qid] = Cell("right" if any(a.correct for a in tries) else "wrong",
                                  len(tries), max(a.score for a in tries))
        rows.append(RosterRow(
            number, student.display_name, student.joined_at, cells,
            score=round(sum(c.best for c in cells.values()), 4),
            last_activity=latest.get(student.learner_id)))
    return rows
