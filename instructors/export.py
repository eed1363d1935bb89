"""The class's CSV exports: the roster and every attempt, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime

from instructors.stats import RosterRow, answer_text
from quizzes.bank import REVEAL_AFTER, Bank, default_bank
from quizzes.scoring import state_from
from store.classes import Tries, later
from store.help import Help

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading
    apostrophe, so it is shown as text. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def as_utc(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (stored as UTC); PostgreSQL aware ones."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


class _Line:
    """A file-like sink for csv.writer that hands back each line it was given."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


def iter_csv(header: Sequence[str], rows: Iterable[Sequence], lines: int = 1) -> Iterator[str]:
    """The CSV a few ``lines`` at a time, formula-safe: for a streamed response."""
    sink = _Line()
    writer = csv.writer(sink, lineterminator="\r\n")
    batch = []
    for row in itertools.chain([header], rows):
        writer.writerow([csv_safe(v) for v in row])
        batch.append(sink.text)
        if len(batch) >= lines:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _roster_header(bank: Bank) -> list[str]:
    header = ["student_no", "student"]
    for qid in bank.questions:
        header += [f"{qid}_state", f"{qid}_label", f"{qid}_attempts", f"{qid}_first_try",
                   f"{qid}_hints", f"{qid}_revealed", f"{qid}_score"]
    header += ["first_try_right", "hints", "score", "out_of", "last_activity", "joined"]
    for qid in bank.practice_items:  # practice-only items: states, never in the score
        header += [f"{qid}_state", f"{qid}_label", f"{qid}_attempts", f"{qid}_hints",
                   f"{qid}_revealed"]
    return header


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "no")


def _item_cells(bank: Bank, states: dict) -> list:
    cells: list = []
    for qid in bank.practice_items:
        s = states.get(qid)
        cells += ([s.state, s.label, s.tries, s.hints, _yes(s.revealed)] if s
                  else ["not-tried", "Not tried", 0, 0, "no"])
    return cells


def _roster_lines(bank: Bank, rows: Iterable[RosterRow],
                  practice: Sequence[dict] | None = None) -> Iterator[list]:
    """``practice``: per row (same order), instructors/practice.py's states of the items."""
    for n, r in enumerate(rows):
        line: list = [r.number, r.name]
        for qid in bank.questions:
            c = r.cells[qid]
            line += [c.state, c.label, c.attempts, _yes(c.first_try), c.hints,
                     _yes(c.revealed), round(c.score, 4)]
        states = practice[n] if practice is not None and n < len(practice) else {}
        yield [*line, r.first_try, r.hints, r.score, len(bank.questions),
               _iso(r.last_activity), _iso(r.joined_at), *_item_cells(bank, states)]


def iter_roster_csv(bank: Bank, rows: Iterable[RosterRow],
                    practice: Sequence[dict] | None = None) -> Iterator[str]:
    return iter_csv(_roster_header(bank), _roster_lines(bank, rows, practice))


def roster_csv(bank: Bank, rows: Sequence[RosterRow],
               practice: Sequence[dict] | None = None) -> str:
    return "".join(iter_roster_csv(bank, rows, practice))


CSV_LINES = 500  # lines per chunk of a streamed export
TEXT_CACHE = 4096  # distinct answers whose text is kept while one export runs
ATTEMPTS_HEADER = ["time", "student_no", "student", "question", "practice", "answer",
                   "answer_text", "correct", "score", "misconception", "misconception_label",
                  "after_hint",
                   "after_reveal", "state", "state_label"]


class _Running:
    """Each student's state on each question as their attempts stream past: what the row
    of an attempt says the state was once it was made (reveals up to then counted)."""

    def __init__(self, helped: dict | None):
        self.known = helped is not None  # without the help read, the marks stay blank
        self.helped = helped or {}
        self.tries: dict[tuple, Tries] = {}

    def after(self, a) -> tuple[str, str, str, str]:
        """``after_hint``, ``after_reveal``, and for a base attempt the state and its label."""
        hint, reveal = self.helped.get((a.learner_id, a.question_id, a.variant), (None, None))
        marks = (_yes(hint is not None and hint <= a.created_at) if self.known else "",
                 _yes(reveal is not None and reveal <= a.created_at) if self.known else "")
        item = a.question_id in default_bank().practice_items
        if a.variant is not None and not item:
            return (*marks, "", "")
        # A practice-only item's state is its variant's (quizzes/practice_items.py).
        key = (a.learner_id, a.question_id, a.variant) if item else (a.learner_id,
                                                                      a.question_id)
        one = Tries(1, a.correct, a.score, a.answer, a.correct, 1 if a.correct else None,
                    a.created_at if a.correct else None, a.score)
        t = self.tries[key] = one if key not in self.tries else later(self.tries[key], one)
        by_then = Help(0, reveal if reveal is not None and reveal <= a.created_at else None,
                       hint if hint is not None and hint <= a.created_at else None)
        question = default_bank().item(a.question_id)
        state = state_from(t.attempts, t.first_right, t.first_right_at, t.last_score, by_then,
                           shown_after=question.reveal_after if question else REVEAL_AFTER)
        return (*marks, state.state, state.label)


def _attempt_lines(bank: Bank, students: Sequence, attempts: Iterable,
                   helped: dict | None = None) -> Iterator[list]:
    numbers = {s.learner_id: (n, s.display_name) for n, s in enumerate(students, start=1)}
    texts: dict[tuple[str, str], str] = {}  # (question, answer) → its text, made once
    running = _Running(helped)

    def text_of(a) -> str:
        question = bank.questions.get(a.question_id)
        if question is None or a.variant is not None:
            return a.answer
        key = (a.question_id, a.answer)
        if key not in texts:
            if len(texts) >= TEXT_CACHE:
                return answer_text(question, a.answer)[1]
            texts[key] = answer_text(question, a.answer)[1]
        return texts[key]

    for a in attempts:
        number, name = numbers.get(a.learner_id, ("", ""))
        yield [_iso(a.created_at), number, name, a.question_id,
               "yes" if a.variant else "no", a.answer, text_of(a),
               "yes" if a.correct else "no", round(a.score, 4), a.misconception or "",
               bank.misconceptions.get(a.misconception, "") if a.misconception else "",
               *running.after(a)]


def iter_attempts_csv(bank: Bank, students: Sequence, attempts: Iterable,
                      helped: dict | None = None) -> Iterator[str]:
    """One row per attempt, oldest first; practice variants marked, never their token.
    ``attempts`` may be a stream: each is written as it comes. ``helped`` is
    store/help.py's ``class_help_times``: it marks the attempts made after a hint or
    a reveal. A base attempt's row also says the state it left the question in (the page's
    words, by quizzes/scoring.py's rule: hints and reveals made by then count)."""
    return iter_csv(ATTEMPTS_HEADER, _attempt_lines(bank, students, attempts, helped),
                    CSV_LINES)


def attempts_csv(bank: Bank, students: Sequence, attempts: Iterable,
                 helped: dict | None = None) -> str:
    return "".join(iter_attempts_csv(bank, students, attempts, helped))
