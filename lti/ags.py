"""Grade passback (LTI Assignment and Grade Services): after each checkpoint attempt the
learner's score goes to the line item of the link they launched from.

An answer only writes its score to ``lti_pending_scores`` (no call to the platform inside a
reader's request); lti/sender.py sends it from a thread of its own or ``flask lti
send-scores``, and deletes it only when the platform accepted it, so a platform that is down,
slow or refusing loses nothing. ``pending_count(class_id)`` says how many wait, for the
dashboard.

The access token comes from the platform's token endpoint by the client-credentials grant
with a JWT client assertion signed by the tool's key (private_key_jwt), and is reused until
``TOKEN_MARGIN`` before it expires (lti/sender.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from quizzes.bank import default_bank
from quizzes.progress import question_states
from quizzes.scoring import DEFAULT_CREDIT, REVEALED, WITH_HINTS, Credit, total
from store import classes as class_store
from store import lti_queries as q

# --- what a score says ------------------------------------------------------------------------

def score_for(learner_id: str, sub: str, class_id: int | None = None) -> dict:
    """The learner's checkpoint as an AGS score: ``scoreGiven`` is the sum of the questions'
    scores by the one rule the page and the roster use (quizzes/scoring.py: a revealed
    question earns the class's revealed credit, 0 unless its instructor says otherwise). With
    ``class_id`` only that class's attempts count, as on its roster, with its credit (wrong
    tries before joining it as tries before its first right answer); help counts wherever it
    was asked (a reveal before joining the class was still seen).
    The comment names the revealed questions, the ones right with hints, and the
    misconceptions the answers showed."""
    store = current_app.extensions["store"]
    bank = default_bank()
    mine = store.attempts(learner_id)
    if class_id is not None:
        mine = [a for a in mine if a.class_id == class_id]
    record = class_store.class_by_id(store, class_id) if class_id is not None else None
    credit = Credit(record.revealed_credit, record.hinted_credit) if record else DEFAULT_CREDIT
    states = question_states(store, [learner_id], bank.questions, attempts=mine,
                             class_id=class_id, credit=credit)[learner_id]
    return {
        "userId": sub, "scoreGiven": total(states.values()),
        "scoreMaximum": len(bank.questions), "comment": score_comment(bank, states, mine),
        "activityProgress": "Completed" if all(s.done for s in states.values())
        else "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def score_comment(bank, states: dict, attempts) -> str:
    """What the gradebook's comment says: how many right, which were revealed or right with
    hints, and the misconceptions shown."""
    def numbers(state: str) -> str:
        return ", ".join(f"Q{bank.questions[q].number}" for q, s in states.items()
                         if s.state == state)

    right = sum(1 for s in states.values() if s.right)
    comment = f"{right} of {len(bank.questions)} checkpoint questions right."
    if numbers(WITH_HINTS):
        comment += f" Right with hints: {numbers(WITH_HINTS)}."
    if numbers(REVEALED):
        comment += f" Answer revealed before a right answer: {numbers(REVEALED)}."
    shown = list(dict.fromkeys(a.misconception for a in attempts
                               if a.misconception and not a.correct))
    if shown:
        comment += " Misconceptions shown: " + "; ".join(
            f"{bank.misconceptions.get(name, name)} ({name})" for name in shown) + "."
    else:
        comment += " No misconceptions shown."
    return comment


# --- the queue --------------------------------------------------------------------------------

def queue(registration_id: int, lineitem: str, class_id: int | None, score: dict) -> None:
    q.queue_score(current_app.extensions["store"], registration_id, lineitem, class_id, score,
                  datetime.now(UTC))


def pending_count(class_id: int | None = None) -> int:
    """Scores not yet accepted by the platform (for one class, or all)."""
    return q.pending_count(current_app.extensions["store"], class_id)
