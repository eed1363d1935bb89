"""What a class did, as plain data: per-question numbers and the roster.

No Flask, no SQL: the routes hand in the class's summary from store/classes.py
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
- A student's **state** on a question is the one their own page shows (quizzes/scoring.py's
  ``state_from``): Not tried, Wrong, Partly right (67 %) (the last try's credit), Right first
  try, Right with hints (hints taken before the first right answer), Right after N tries, or
  Revealed (the explanation asked for before a right answer). Only the attempts and help of
  this class count. **Score**: the sum of the questions' scores by the same rule (the class's
  credit for revealed and hinted answers applied): what the LMS gradebook receives.
- With the students' states at hand, **first-try correct** counts only "Right first try"
  (a right first answer after a hint or a reveal is not one), and **eventually correct** only
  the right states (a revealed answer typed back is not).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup

from instructors.labels import plain_text
from quizzes.bank import Bank, Question
from quizzes.scoring import (
    DEFAULT_CREDIT,
    FIRST_TRY,
    NOT_TRIED,
    PARTLY,
    REVEALED,
    RIGHT,
    WITH_HINTS,
    WRONG,
    Credit,
    QuestionState,
    state_from,
    total,
)
from store.classes import ClassSummary, Tries, later


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
    """A student's standing on one question: their state (quizzes/progress.py's names and
    labels, the same words as on their page), tries, best score and the help they asked for."""

    state: str = NOT_TRIED
    label: str = "Not tried"
    attempts: int = 0
    score: float = 0.0  # the question's score by the one rule (quizzes/scoring.py)
    hints: int = 0
    revealed: bool = False  # asked for the explanation, before or after a right answer
    first_try: bool | None = None  # right at the first try, unaided; None when not tried

    @property
    def partial(self) -> bool:
        """Not right yet, but some credit: an ordering with some steps in place."""
        return self.state == PARTLY

    @property
    def right(self) -> bool:
        return self.state in RIGHT

    @classmethod
    def of(cls, state: QuestionState, tries: Tries | None) -> Cell:
        return cls(state.state, state.label, state.tries, state.score, state.hints,
                   state.revealed, (state.state == FIRST_TRY) if tries else None)


@dataclass(frozen=True)
class RosterRow:
    number: int  # order of joining, 1-based: a stable, meaningless student number
    name: str
    joined_at: datetime
    cells: dict[str, Cell] = field(default_factory=dict)
    score: float = 0.0
    last_activity: datetime | None = None

    @property
    def first_try(self) -> int:
        """Questions right at the first try, unaided."""
        return sum(1 for c in self.cells.values() if c.state == FIRST_TRY)

    @property
    def with_hints(self) -> int:
        return sum(1 for c in self.cells.values() if c.state == WITH_HINTS)

    @property
    def hints(self) -> int:
        return sum(c.hints for c in self.cells.values())


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
        one = Tries(1, a.correct, a.score, a.answer, a.correct, 1 if a.correct else None,
                    a.created_at if a.correct else None, a.score)
        tries[key] = one if seen is None else later(seen, one)
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


def question_stats(question: Question, data: ClassSummary | Iterable, bank: Bank,
                   states: dict | None = None) -> QuestionStats:
    """The numbers for one question, from the class's summary (or its attempts in order).
    With the students' ``states`` (quizzes/progress.py's ``question_states``), first-try and
    eventually correct follow the states: help before the first right answer is not a first
    try, and a revealed answer typed back is not right."""
    summary = _summary(data)
    learners = [who for (who, qid) in summary.tries if qid == question.id]
    mine = [summary.tries[(who, question.id)] for who in learners]
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
    if states is None:
        first = sum(1 for t in mine if t.first_correct)
        eventually = sum(1 for t in mine if t.right)
    else:
        held = [states.get(who, {}).get(question.id) for who in learners]
        first = sum(1 for s in held if s is not None and s.state == FIRST_TRY)
        eventually = sum(1 for s in held if s is not None and s.right)
    return QuestionStats(
        id=question.id, number=question.number, prompt_html=question.prompt_html,
        attempted=len(mine), first_try_correct=first, eventually_correct=eventually,
        attempts=sum(totals.values()), answers=tuple(rows))


def class_stats(bank: Bank, data: ClassSummary | Iterable,
                states: dict | None = None) -> list[QuestionStats]:
    summary = _summary(data)
    return [question_stats(q, summary, bank, states) for q in bank.questions.values()]


def roster(bank: Bank, students: Sequence, data: ClassSummary | Iterable,
           states: dict | None = None, credit: Credit = DEFAULT_CREDIT) -> list[RosterRow]:
    """One row per student in joining order, whether or not they have answered anything.
    ``states`` is quizzes/progress.py's ``question_states`` for these students (without it,
    from the tries alone, as if nobody asked for help, with ``credit``)."""
    summary = _summary(data)
    rows = []
    for number, student in enumerate(students, start=1):
        cells = {}
        for qid in bank.questions:
            tries = summary.tries.get((student.learner_id, qid))
            state = (states or {}).get(student.learner_id, {}).get(qid) or (
                state_from(0, None, None, 0.0, credit=credit) if tries is None else state_from(
                    tries.attempts, tries.first_right, tries.first_right_at,
                    tries.last_score, credit=credit,
                    shown_after=bank.questions[qid].reveal_after))
            cells[qid] = Cell.of(state, tries)
        rows.append(RosterRow(
            number, student.display_name, student.joined_at, cells,
            score=total(cells.values()),
            last_activity=summary.latest.get(student.learner_id)))
    return rows


@dataclass(frozen=True)
class QuestionTally:
    id: str
    number: int
    right: int  # right first try, with hints or after tries
    first_try: int  # right first try, unaided
    revealed: int
    partial: int  # not right, some credit
    wrong: int  # not right, no credit
    not_tried: int
    hints: int = 0  # hints taken, practice included (class_help_counts)
    reveals: int = 0  # reveals asked for, practice included
    with_hints: int = 0  # right, after hints taken before the first right answer


@dataclass(frozen=True)
class Overview:
    """The roster in a few numbers, for the top of the dashboard (and a phone)."""

    students: int
    started: int  # attempted at least one question
    all_right: int  # right on every question
    mean_score: float | None  # over students who started
    questions: tuple[QuestionTally, ...]


def overview(bank: Bank, rows: Sequence[RosterRow],
             help_counts: dict | None = None) -> Overview:
    """``help_counts``: store/help.py's ``class_help_counts``."""
    started = [r for r in rows if any(c.state != NOT_TRIED for c in r.cells.values())]
    tallies = []
    for q in bank.questions.values():
        cells = [r.cells[q.id] for r in rows]
        states = Counter(c.state for c in cells)
        helped = (help_counts or {}).get(q.id, {})
        tallies.append(QuestionTally(
            q.id, q.number, sum(1 for c in cells if c.right), states[FIRST_TRY],
            states[REVEALED], states[PARTLY], states[WRONG], states[NOT_TRIED],
            helped.get("hints", 0), helped.get("reveals", 0), states[WITH_HINTS]))
    return Overview(
        len(rows), len(started),
        sum(1 for r in rows if all(c.right for c in r.cells.values())),
        sum(r.score for r in started) / len(started) if started else None, tuple(tallies))


def question_numbers(s: QuestionStats, helped: dict) -> dict:
    """One question's numbers as the live dashboard's JSON carries them."""
    return {"id": s.id, "attempted": s.attempted, "hints": helped.get("hints", 0),
            "reveals": helped.get("reveals", 0), "first_try_correct": s.first_try_correct,
            "eventually_correct": s.eventually_correct, "attempts": s.attempts,
            "first_try_rate": s.first_try_rate, "eventual_rate": s.eventual_rate,
            "mean_attempts": s.mean_attempts,
            "answers": [{"answer": a.answer, "label": a.label_text, "correct": a.correct,
                         "misconception": a.misconception, "first": a.first,
                         "total": a.total} for a in s.answers]}
