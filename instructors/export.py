"""The class's CSV exports: the roster and every attempt, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from instructors.stats import RosterRow, answer_text
from quizzes.bank import Bank

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
    moment = as_utc(moment)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else ""


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


def roster_csv(bank: Bank, rows: Sequence[RosterRow]) -> str:
    header = ["student_no", "student"]
    for qid in bank.questions:
        header += [f"{qid}_state", f"{qid}_attempts", f"{qid}_score"]
    header += ["score", "out_of", "last_activity", "joined"]
    lines = []
    for r in rows:
        line: list = [r.number, r.name]
        for qid in bank.questions:
            c = r.cells[qid]
            line += [c.state, c.attempts, round(c.best, 4)]
        line += [r.score, len(bank.questions), _iso(r.last_activity), _iso(r.joined_at)]
        lines.append(line)
    return to_csv(header, lines)


def attempts_csv(bank: Bank, students: Sequence, attempts: Sequence) -> str:
    """One row per attempt, oldest first; practice variants marked, never their token."""
    numbers = {s.learner_id: (n, s.display_name) for n, s in enumerate(students, start=1)}
    header = ["time", "student_no", "student", "question", "practice", "answer",
              "answer_text", "correct", "score", "misconception"]
    lines = []
    for a in attempts:
        number, name = numbers.get(a.learner_id, ("", ""))
        question = bank.questions.get(a.question_id)
        text = (answer_text(question, a.answer)[1]
                if question is not None and a.variant is None else a.answer)
        lines.append([_iso(a.created_at), number, name, a.question_id,
                      "yes" if a.variant else "no", a.answer, text,
                      "yes" if a.correct else "no", round(a.score, 4),
                      a.misconception or ""])
    return to_csv(header, lines)
