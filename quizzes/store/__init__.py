"""Storage for the whole app: one database, one schema, one handle.

``schema`` (the tables), ``attempts`` (the ``Store`` and every attempt query), ``classes``
(classes and enrolments), ``migrate`` (Alembic, run from code). Callers import the names
below (tables from ``quizzes.store.schema``); ``StoreUnavailable`` is the one
exception a failing database raises.
"""

from quizzes.store.attempts import (
    Attempt,
    AttemptCapReached,
    NewAttempt,
    QuestionProgress,
    Store,
    StoreUnavailable,
    database_url,
    init_app,
    make_engine,
)

__all__ = ["Attempt", "AttemptCapReached", "NewAttempt", "QuestionProgress", "Store",
           "StoreUnavailable",
           "database_url", "init_app", "make_engine"]
