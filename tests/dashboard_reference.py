"""The dashboard's numbers as they were first computed: in Python, from every attempt of the
class. Kept as the reference the SQL aggregation (store/classes.py's class_summary)
is checked against in tests/test_dashboard_sql.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from instructors.stats import AnswerCount, Cell, QuestionStats, RosterRow, answer_text
from quizzes.bank import Bank, Question
from quizzes.progress import state_of
from store.help import Help


def _base(attempts: Iterable) -> list:
    return [a for a in attempts if a.variant is None]


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


def roster(bank: Bank, students: Sequence, attempts: Sequence,
           helps: dict | None = None) -> list[RosterRow]:
    """One row per student in joining order, whether or not they have answered anything;
    each cell's state from quizzes/progress.py's ``state_of`` over that student's attempts
    and ``helps`` (learner → question → Help)."""
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
            help_ = (helps or {}).get(student.learner_id, {}).get(qid, Help())
            state = state_of(tries, help_)
            # The score is the state's (quizzes/scoring.py); a first try counts as one
            # only when nothing helped before it.
            cells[qid] = Cell(state.state, state.label, len(tries), state.score,
                              help_.hints, help_.revealed_at is not None,
                              (state.state == "right-first-try") if tries else None)
        rows.append(RosterRow(
            number, student.display_name, student.joined_at, cells,
            score=round(sum(c.score for c in cells.values()), 4),
            last_activity=latest.get(student.learner_id)))
    return rows
