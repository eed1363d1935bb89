"""What a class did, as plain data: per-question numbers and the roster.

No Flask, no SQL: the routes hand in the class's summary from quizzes/store/classes.py
(reduced in the database by GROUP BY queries) and the question bank, and get back numbers
and rows; ``summarize`` makes the same summary from a list of attempts. The definitions a
dashboard reader relies on:

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
from quizzes.store.classes import ClassSummary, Tries


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

    @property
    def partial(self) -> bool:
        """Wrong, but some credit: an ordering with some steps in place."""
        return self.state == "wrong" and 0 < self.best < 1

    @property
    def label(self) -> str:
        if self.partial:
            return f"Partly right ({self.best * 100:.0f} %)"
        return {"right": "Right", "wrong": "Wrong", "not-tried": "Not tried"}[self.state]


@dataclass(frozen=True)
class RosterRow:
    number: int  # order of joining, 1-based: a stable, meaningless student number
    name: str
    joined_at: datetime
    cells: dict[str, Cell] = field(default_factory=dict)
    score: float = 0.0
    last_activity: datetime | None = None


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


def summarize(attempts: Iterable) -> ClassSummary:
    """The reduction ``classes.class_summary`` makes in SQL, made in Python from attempts in
    the order they were made: for callers that already hold the attempts."""
    tries: dict[tuple[str, str], Tries] = {}
    answers: dict[str, dict[str, tuple[int, str | None]]] = {}
    latest: dict[str, datetime] = {}
    count = newest = 0
    for a in attempts:
        count, newest = count + 1, max(newest, a.id)
        if a.learner_id not in latest or a.created_at > latest[a.learner_id]:
            latest[a.learner_id] = a.created_at
        if a.variant is not None:
            continue
        key = (a.learner_id, a.question_id)
        seen = tries.get(key)
        tries[key] = Tries(1, a.correct, a.score, a.answer, a.correct) if seen is None else (
            Tries(seen.attempts + 1, seen.right or a.correct, max(seen.best, a.score),
                  seen.first_answer, seen.first_correct))
        per_answer = answers.setdefault(a.question_id, {})
        n, name = per_answer.get(a.answer, (0, None))
        per_answer[a.answer] = (n + 1, a.misconception or name)
    return ClassSummary(tries, answers, latest, count, max(latest.values(), default=None),
                        newest)


def _summary(data: ClassSummary | Iterable) -> ClassSummary:
    return data if isinstance(data, ClassSummary) else summarize(data)


def _answer_order(question: Question, firsts: Counter, totals: Counter) -> list[str]:
    if question.kind == "ordering":
        key = ",".join(question.key)
        others = sorted((a for a in totals if a != key),
                        key=lambda a: (-firsts[a], -totals[a], a))
        return [key, *others]
    return [c.id for c in question.choices] + sorted(set(totals) - set(question.choice_by_id))


def question_stats(question: Question, data: ClassSummary | Iterable,
                   bank: Bank) -> QuestionStats:
    """The numbers for one question, from the class's summary (or its attempts in order)."""
    summary = _summary(data)
    mine = [t for (_, qid), t in summary.tries.items() if qid == question.id]
    counted = summary.answers.get(question.id, {})
    firsts = Counter(t.first_answer for t in mine)
    totals = Counter({answer: n for answer, (n, _) in counted.items()})
    named = {answer: name for answer, (_, name) in counted.items() if name}
    key = ",".join(question.key) if question.kind == "ordering" else question.key
    # Nothing attempted: reveal no key and no misconception.
    answers = _answer_order(question, firsts, totals) if mine else []
    rows = []
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
        attempted=len(mine), first_try_correct=sum(1 for t in mine if t.first_correct),
        eventually_correct=sum(1 for t in mine if t.right),
        attempts=sum(totals.values()), answers=tuple(rows))


def class_stats(bank: Bank, data: ClassSummary | Iterable) -> list[QuestionStats]:
    summary = _summary(data)
    return [question_stats(q, summary, bank) for q in bank.questions.values()]


def roster(bank: Bank, students: Sequence, data: ClassSummary | Iterable) -> list[RosterRow]:
    """One row per student in joining order, whether or not they have answered anything."""
    summary = _summary(data)
    rows = []
    for number, student in enumerate(students, start=1):
        cells = {}
        for qid in bank.questions:
            tries = summary.tries.get((student.learner_id, qid))
            cells[qid] = Cell("not-tried") if tries is None else Cell(
                "right" if tries.right else "wrong", tries.attempts, tries.best)
        rows.append(RosterRow(
            number, student.display_name, student.joined_at, cells,
            score=round(sum(c.best for c in cells.values()), 4),
            last_activity=summary.latest.get(student.learner_id)))
    return rows


@dataclass(frozen=True)
class QuestionTally:
    id: str
    number: int
    right: int
    partial: int  # wrong, with some credit
    wrong: int  # wrong, no credit
    not_tried: int


@dataclass(frozen=True)
class Overview:
    """The roster in a few numbers, for the top of the dashboard (and a phone)."""

    students: int
    started: int  # attempted at least one question
    all_right: int  # right on every question
    mean_score: float | None  # over students who started
    questions: tuple[QuestionTally, ...]


def overview(bank: Bank, rows: Sequence[RosterRow]) -> Overview:
    started = [r for r in rows if any(c.state != "not-tried" for c in r.cells.values())]
    tallies = []
    for q in bank.questions.values():
        cells = [r.cells[q.id] for r in rows]
        partial = sum(1 for c in cells if c.partial)
        tallies.append(QuestionTally(
            q.id, q.number, sum(1 for c in cells if c.state == "right"), partial,
            sum(1 for c in cells if c.state == "wrong") - partial,
            sum(1 for c in cells if c.state == "not-tried")))
    return Overview(
        len(rows), len(started),
        sum(1 for r in rows if all(c.state == "right" for c in r.cells.values())),
        sum(r.score for r in started) / len(started) if started else None, tuple(tallies))
