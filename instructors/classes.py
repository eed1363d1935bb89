"""Classes as plain data: keys and tokens, what a name may be, and what a class did.

No Flask, no SQL: the routes hand in rows from instructors/store.py and the question bank, and
get back numbers, rows and CSV text. The definitions a dashboard reader relies on:

- A question counts **base attempts** only; "Try another" practice variants are kept out of
  the per-question numbers and the roster (they appear in the raw-attempts export).
- **attempted**: students with at least one attempt. **first-try correct**: of those, whose
  first attempt was correct. **eventually correct**: of those, who got it right at some point.
  **mean attempts**: attempts per student who attempted.
- The **answer distribution** counts each student's first answer (what the class thought
  before any feedback), and also all attempts.
- A student's **state** on a question: right once any attempt is correct, wrong if attempted
  but never right, otherwise not tried. **Score**: the sum of the best score per question.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup

from instructors.labels import plain_text
from quizzes.bank import Bank, Question

TOKEN_BYTES = 16  # the student link: 128 random bits, unrelated to the class's row id
KEY_BYTES = 32  # the instructor key: 256 random bits, so a hash without salt is enough
CLASS_NAME_MAX = 120
DISPLAY_NAME_MAX = 80
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- keys and names ---------------------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str) -> str:
    """SHA-256 of the key: a leaked database does not open any dashboard. No salt or slow hash
    is needed for 256 random bits; nothing about them can be guessed."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: str, key_hash: str) -> bool:
    """Constant-time comparison, so response times say nothing about how close a guess was."""
    return hmac.compare_digest(hash_key(key), key_hash)


class BadName(ValueError):
    """A name that cannot be used; ``message`` says what would work."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def clean_name(raw: object, field: str, limit: int, what: str) -> str:
    """One line of printable text, spaces collapsed, 1..limit characters."""
    if not isinstance(raw, str):
        raise BadName(f"Type {what}.", field)
    text = " ".join(raw.split())
    if not text:
        raise BadName(f"Type {what}; it cannot be empty.", field)
    if len(text) > limit:
        raise BadName(f"{what[0].upper()}{what[1:]} can be at most {limit} characters "
                         f"(this one has {len(text)}).", field)
    if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co"} for c in text):
        raise BadName(f"Use letters, digits and punctuation in {what}.", field)
    return text


# --- what a class did -------------------------------------------------------------------------

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


def _answer_text(question: Question, answer: str) -> tuple[Markup, str]:
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
    for answer in answers:
        html, text = _answer_text(question, answer)
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


# --- CSV --------------------------------------------------------------------------------------

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
        text = (_answer_text(question, a.answer)[1]
                if question is not None and a.variant is None else a.answer)
        lines.append([_iso(a.created_at), number, name, a.question_id,
                      "yes" if a.variant else "no", a.answer, text,
                      "yes" if a.correct else "no", round(a.score, 4),
                      a.misconception or ""])
    return to_csv(header, lines)
