"""Storage for the whole app: one database, one schema, one handle. It imports no feature.

``schema`` (the checkpoint's and the classes' tables), ``lti`` (the LMS integration's
tables, on the same metadata), ``attempts`` (the ``Store`` and every attempt query),
``answers`` (an answer's one transaction), ``summaries`` (each learner's summary rows, kept
by the database from every attempt), ``reader`` (a reader's state in one read), ``classes``
(classes and enrolments), ``help``, ``review``, ``resume``, ``limits``, ``lti_queries`` (the LMS
integration's queries), ``migrate`` (Alembic, run from code).
Callers import the names below (tables from ``store.schema`` and ``store.lti``);
``StoreUnavailable`` is the one exception a failing database raises.
"""

import store.answers  # Store.record's one transaction (it sets Store.answer_transaction)
import store.lti  # noqa: F401 — every table on the one metadata, whoever imports the store
from store.attempts import (
    Attempt,
    AttemptCapReached,
    NewAttempt,
    QuestionProgress,
    Recorded,
    Store,
    StoreUnavailable,
    Summary,
    database_url,
    make_engine,
)
from store.limits import share_windows
from store.request_flags import failed_below


def init_app(app) -> Store:
    """Open the app's store (``store.attempts.init_app``) and share its answer windows."""
    from store import attempts

    opened = attempts.init_app(app)
    share_windows(app, opened)
    return opened


__all__ = ["Attempt", "AttemptCapReached", "NewAttempt", "QuestionProgress", "Recorded",
           "Store", "StoreUnavailable", "Summary",
           "database_url", "failed_below", "init_app", "make_engine"]
