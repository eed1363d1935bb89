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

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from lti import db
from quizzes.bank import default_bank
from store.lti import pending_scores

# --- what a score says ------------------------------------------------------------------------

def score_for(learner_id: str, sub: str) -> dict:
    """The learner's checkpoint as an AGS score: the fraction of the four questions whose
    latest answer is right, and a comment naming the misconceptions their answers showed."""
    store = db.store()
    bank = default_bank()
    progress = store.learner_progress(learner_id)
    right = sum(1 for p in progress.values() if p.last.correct)
    shown = list(dict.fromkeys(a.misconception for a in store.attempts(learner_id)
                               if a.misconception and not a.correct))
    total = len(bank.questions)
    comment = f"{right} of {total} checkpoint questions right."
    if shown:
        comment += " Misconceptions shown: " + "; ".join(
            f"{bank.misconceptions.get(name, name)} ({name})" for name in shown) + "."
    else:
        comment += " No misconceptions shown."
    return {
        "userId": sub, "scoreGiven": right, "scoreMaximum": total, "comment": comment,
        "activityProgress": "Completed" if len(progress) >= total else "InProgress",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


# --- the queue --------------------------------------------------------------------------------

def queue(registration_id: int, lineitem: str, class_id: int | None, score: dict) -> None:
    db.run(lambda conn: conn.execute(pending_scores.insert().values(
        registration_id=registration_id, lineitem_url=lineitem, class_id=class_id,
        score=json.dumps(score), tries=0, created_at=datetime.now(UTC))), write=True)


def pending_count(class_id: int | None = None) -> int:
    """Scores not yet accepted by the platform (for one class, or all)."""
    query = select(func.count()).select_from(pending_scores)
    if class_id is not None:
        query = query.where(pending_scores.c.class_id == class_id)
    return int(db.run(lambda conn: conn.execute(query).scalar_one()))
