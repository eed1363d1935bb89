"""A reader's progress: per question its one honest state, their last answer graded again,
the help they asked for, and a summary.

The page fills its checkpoint from this, and ``GET /api/progress`` returns it. Feedback and
explanation come from grading the stored answer with the current bank, so a corrected bank
text reaches readers who answered before the correction. An explanation is included only
once it is earned (quizzes/reveal.py); a hint only once it was asked for.

The state and score of a question come from quizzes/scoring.py (``state_from``, the one rule);
``question_states`` applies it to many learners at once (for a class dashboard or a CSV
export), with the class's credit for revealed and hinted answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, session

from chapter.sections import section_titles
from quizzes.bank import REVEAL_AFTER, Bank, Question, default_bank
from quizzes.grading import Grade, InvalidAnswer, grade, solution_html, stored_response
from quizzes.practice_items import practice_states
from quizzes.reveal import earned, reveal_info
from quizzes.review import LAST, due_items
from quizzes.scoring import (
    DEFAULT_CREDIT,
    DONE,
    FIRST_TRY,
    NO_HELP,
    REVEALED,
    WITH_HINTS,
    Credit,
    QuestionState,
    state_from,
    state_of,
)
from quizzes.scoring import summary as score_summary
from store import Attempt, StoreUnavailable, Summary
from store import classes as class_store
from store import reader as reader_store
from store.help import Help, learners_help
from store.reader import ReaderRecord
from web import reader

__all__ = ["DONE", "QuestionState", "question_states", "reader_state", "state_from",
           "state_of"]

NOT_LOADED = ("Your saved progress could not be loaded just now; answers are graded again once "
              "it can be saved.")


def question_states(store, learner_ids, question_ids=None,
                    attempts: list[Attempt] | None = None, summary=None,
                    class_id: int | None = None,
                    credit: Credit = DEFAULT_CREDIT) -> dict[str, dict[str, QuestionState]]:
    """Per learner, per base question: its state and score. Two queries for all the learners
    (their attempts, unless ``attempts`` is given, e.g. a class's, or a class's ``summary``
    (store/classes.py, already reduced in the database); and their help, wherever it was
    asked: a class's view counts a reveal from before its student joined). With ``class_id``
    (a class's view of its own attempts), wrong tries made outside the class before its first
    right answer count as tries before it, in one more query: guesses made before joining
    leave no first try in the class. ``credit``: the class's."""
    learners = list(learner_ids)
    qids = list(question_ids or default_bank().questions)
    helps = learners_help(store, learners)
    outside = class_store.outside_tries(store, class_id, learners) if class_id else {}
    if summary is None:
        summary_of = _reduce(attempts if attempts is not None else [
            a for learner in learners for a in store.attempts(learner_id=learner)])
    else:
        summary_of = {key: (t.attempts, t.first_right, t.first_right_at, t.last_score)
                      for key, t in summary.tries.items()}

    shown_after = {qid: q.reveal_after for qid, q in default_bank().questions.items()}

    def state(learner: str, qid: str) -> QuestionState:
        tries, first_right, first_right_at, last_score = summary_of.get(
            (learner, qid), (0, None, None, 0.0))
        if first_right:
            earlier = _wrong_before(outside.get((learner, qid), ()), first_right_at)
            tries, first_right = tries + earlier, first_right + earlier
        return state_from(tries, first_right, first_right_at, last_score,
                          helps.get(learner, {}).get(qid, NO_HELP), credit,
                          shown_after.get(qid, REVEAL_AFTER))
    return {learner: {qid: state(learner, qid) for qid in qids} for learner in learners}


def _reduce(attempts: list[Attempt]) -> dict[tuple[str, str], tuple]:
    """Base attempts, per (learner, question): tries, the first right one's place and time,
    the last try's score."""
    mine: dict[tuple[str, str], list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.id):
        if a.variant is None:
            mine.setdefault((a.learner_id, a.question_id), []).append(a)
    reduced = {}
    for key, tried in mine.items():
        first = next((n for n, a in enumerate(tried, start=1) if a.correct), None)
        reduced[key] = (len(tried), first, tried[first - 1].created_at if first else None,
                        tried[-1].score)
    return reduced


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _wrong_before(outside, first_right_at) -> int:
    """Wrong tries made outside a class before its first right answer; none when one of
    them was right (the reader knew it before, and the class's own count stands)."""
    if first_right_at is None:
        return 0
    before = [right for at, right in outside if _utc(at) < _utc(first_right_at)]
    return 0 if any(before) else len(before)


def grade_dict(question: Question, result: Grade, available: bool = False,
               tries: int | None = None) -> dict:
    """A grade as JSON. Before the explanation is ``available`` it carries the feedback only:
    no explanation, and for a variant no reference value, interval or worked solution."""
    data = {"question": question.id, "correct": result.correct, "score": round(result.score, 4),
            "feedback": str(result.feedback),
            "explanation": str(result.explanation) if available else None,
            "misconception": result.misconception,
            "misconception_label": default_bank().misconceptions.get(result.misconception or ""),
            "answer": result.answer, "reveal": reveal_info(question, tries, available)}
    if result.in_place is not None:
        data["in_place"] = list(result.in_place)
    if result.receipt is not None:
        receipt = result.receipt.as_dict()
        data["receipt"] = receipt if available else {
            k: receipt[k] for k in ("value", "value_text", "tolerance")}
        data["near"] = result.near
        if available:
            data["solution"] = str(solution_html(question, result.values))
    return data


def _question_entry(question: Question, mine: Summary, state: QuestionState,
                    help_: Help) -> dict | None:
    try:
        result = grade(question, stored_response(question, mine.last_answer))
    except (InvalidAnswer, AttributeError, KeyError):
        return None  # an answer the current bank no longer has; nothing to show for it
    available = earned(question, mine.attempts, mine.first_right is not None,
                       help_.revealed_at is not None)
    graded = grade_dict(question, result, available, mine.attempts)
    # "score" is the question's (the one rule's); the last answer's own is "answer_score".
    return {**graded, "answer_score": graded["score"], "score": state.score,
            "attempts": mine.attempts, "hints": state.hints, "revealed": state.revealed,
            "state": state.state, "state_label": state.label}


def summary_state(mine: Summary | None, help_: Help, credit: Credit,
                  shown_after: int) -> QuestionState:
    """A question's state from the learner's summary row (store/attempts.py) by the one rule."""
    if mine is None:
        return state_from(0, None, None, 0.0, help_, credit, shown_after)
    return state_from(mine.attempts, mine.first_right, mine.first_right_at,
                      mine.last_score or 0.0, help_, credit, shown_after)


def help_entry(question: Question, hints: int, explanation: bool) -> dict:
    """The help a reader has asked for on a base question: hints taken, and the explanation
    when it is theirs (revealed, or earned)."""
    return {"hints": [str(h) for h in question.hints[:hints]],
            "more_hints": hints < len(question.hints),
            "explanation": str(question.explanation_html) if explanation else None}


def _load(learner: str) -> tuple[ReaderRecord, str | None]:
    try:  # one statement, whatever the learner's history
        return reader_store.read(current_app.extensions["store"], learner), None
    except StoreUnavailable:  # the page still shows, with a notice, and answers are graded
        return ReaderRecord(), NOT_LOADED


def reader_state(learner: str | None = None, practice: bool = True) -> dict | None:
    """What this reader has done: per attempted question its last answer, grade, feedback,
    state and attempt count; per question its state and the help asked for; a summary and,
    once every question is done, the ending. None for a reader with no learner id. Read from
    the learner's summary rows, so it costs the same whatever their history; ``practice``
    False leaves out the practice-only items' states (two more reads), which an answer to
    one of the four questions does not change."""
    learner = learner or reader.learner()
    if learner is None:
        return None
    bank = default_bank()
    record, notice = _load(learner)
    summaries, helps = record.summaries, record.help
    credit = Credit(*record.credit) if record.credit else DEFAULT_CREDIT
    questions: dict[str, dict] = {}
    states: dict[str, QuestionState] = {}
    help_: dict[str, dict] = {}
    for qid, question in bank.questions.items():
        mine = summaries.get(qid)
        mine_help = helps.get(qid, NO_HELP)
        states[qid] = summary_state(mine, mine_help, credit, question.reveal_after)
        entry = _question_entry(question, mine, states[qid], mine_help) if mine else None
        if entry:
            questions[qid] = entry
        shown = bool(entry and entry["explanation"]) or mine_help.revealed_at is not None
        help_[qid] = help_entry(question, mine_help.hints, shown)
    review = _review(learner, record.review if notice is None else None)
    everything = summaries.get("")
    return {"questions": questions, "csrf": reader.current_csrf(), "notice": notice,
            "practice": _practice(learner, bank, notice) if practice else {},
            "states": {qid: s.as_dict() for qid, s in states.items()}, "help": help_,
            "ending": ending(bank, states, everything.misconceptions if everything else ()),
            "review": review,
            "summary": {**score_summary(states), "attempted": len(questions)},
            "score": score_summary(states)["score"]}


def reply_state(record: ReaderRecord) -> dict:
    """What an answer's reply needs of ``reader_state``, from the record its own transaction
    read (store/answers.py): every question's state, the summary and the ending. Without
    grading the stored answers again or the review items (the page shows those)."""
    bank = default_bank()
    credit = Credit(*record.credit) if record.credit else DEFAULT_CREDIT
    states = {qid: summary_state(record.summaries.get(qid), record.help.get(qid, NO_HELP),
                                 credit, question.reveal_after)
              for qid, question in bank.questions.items()}
    everything = record.summaries.get("")
    return {"notice": None, "practice": {},
            "states": {qid: s.as_dict() for qid, s in states.items()},
            "ending": ending(bank, states, everything.misconceptions if everything else ()),
            "summary": {**score_summary(states),
                        "attempted": sum(1 for qid in bank.questions
                                         if qid in record.summaries)}}


def _practice(learner: str, bank: Bank, notice: str | None) -> dict[str, dict]:
    """The reader's state on each practice-only item (never part of the score): one read of
    their attempts on the items, one of their help on them."""
    if not bank.practice_items or notice is not None:
        return {}
    store = current_app.extensions["store"]
    try:
        history = store.attempts(learner, question_ids=tuple(bank.practice_items))
        states = practice_states(store, bank, [learner], history)[learner]
    except StoreUnavailable:  # the page still shows; the items show no state
        return {}
    return {qid: s.as_dict() for qid, s in states.items()}


def _review(learner: str, items: dict | None) -> dict:
    """What is due for spaced review now (with what to answer it with), and what comes later
    (``items``: the learner's review items, already read; None when they could not be)."""
    try:
        review = due_items(learner, items) if items is not None else {"due": [], "upcoming": []}
    except StoreUnavailable:  # nothing due shown: the rest of the reader's page still works
        review = {"due": [], "upcoming": []}
    review["last"] = session.pop(LAST) if LAST in session else None  # unchanged: not re-sent
    return review


def ending(bank: Bank, states: dict[str, QuestionState],
           misconceptions: tuple[str, ...]) -> dict | None:
    """Once every question is right or revealed: the reader's summary, and the sections
    tied to the misconceptions their answers showed (practice included, first shown first),
    to revisit."""
    if not states or not all(s.done for s in states.values()):
        return None
    titles = section_titles()
    sections: dict[str, dict] = {}
    for name in misconceptions:
        if name not in bank.revisit:
            continue
        slug = bank.revisit[name]
        entry = sections.setdefault(slug, {"slug": slug, "title": titles.get(slug, slug),
                                           "misconceptions": []})
        if bank.misconceptions[name] not in entry["misconceptions"]:
            entry["misconceptions"].append(bank.misconceptions[name])
    return {"first_try": sum(1 for s in states.values() if s.state == FIRST_TRY),
            "with_hints": sum(1 for s in states.values() if s.state == WITH_HINTS),
            "revealed": sum(1 for s in states.values() if s.state == REVEALED),
            "hints": sum(s.hints for s in states.values()), "total": len(states),
            "revisit": list(sections.values())}
