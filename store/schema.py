"""The schema: every table of the app's one database, as SQLAlchemy Core objects.

Alembic migrations in ``migrations/`` own the schema; these objects describe the *current*
schema for queries, and a test checks that the migrations produce exactly them. To add a
table or a column: change ``metadata`` here, add a migration (``flask db revision -m "…"``),
never edit an applied one.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

metadata = MetaData()

attempts = Table(
    "attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner_id", String(64), nullable=False),
    Column("question_id", String(32), nullable=False),
    Column("variant", Text, nullable=True),  # the practice variant's signed token; NULL = base
    Column("answer", Text, nullable=False),  # as submitted, normalised ("b,a,d,c", "4e2")
    Column("score", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("misconception", String(64), nullable=True),  # its name in checkpoint.toml
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The class the learner was enrolled in when answering (classes.py); NULL = none.
    Column("class_id", Integer, nullable=True),
    # Its number for this learner and question (or variant), 1, 2, …: taken from
    # question_counters in the attempt's own statement (the trigger of migration 0013).
    # Migration 0007 numbered older rows.
    Column("number", Integer, nullable=True),
    Index("ix_attempts_learner_question", "learner_id", "question_id"),
    # Two base attempts of one learner and question never share a number, on any database.
    Index("uq_attempts_learner_question_number", "learner_id", "question_id", "number",
          unique=True, sqlite_where=text("variant IS NULL"),
          postgresql_where=text("variant IS NULL")),
    Index("ix_attempts_question", "question_id"),
    # The dashboard's look-up of its students' attempts outside the class (0012).
    Index("ix_attempts_learner_class", "learner_id", "class_id"),
    # The class dashboard's three GROUP BY queries (store/classes.py) each read one of these
    # alone, in its grouping order (migration 0011).
    Index("ix_attempts_class_variant_learner_question", "class_id", "variant", "learner_id",
          "question_id", "correct", "score"),
    Index("ix_attempts_class_variant_question_answer", "class_id", "variant", "question_id",
          "answer", "misconception"),
    Index("ix_attempts_class_learner_time", "class_id", "learner_id", "created_at"),
)

# --- how many attempts each learner made at each question (or variant) ---------------------

question_counters = Table(
    "question_counters",
    metadata,
    Column("learner_id", String(64), primary_key=True),
    Column("question_id", String(32), primary_key=True),
    # "" for the base question; a practice variant's SHA-256 of its token, hex.
    Column("variant_key", String(64), primary_key=True),
    Column("attempts", Integer, nullable=False),  # the number the latest attempt was given
    # The learner's record on it, kept by the database from each inserted attempt (a trigger
    # on attempts, migration 0013; not in this metadata, tests/test_answer_statements.py):
    # the first right attempt's number and time, the last attempt's score and answer, and
    # the misconceptions shown (space-separated names, first seen first). The row with
    # question_id "" and variant_key "" sums up the learner: every attempt, every
    # misconception (practice included). Migration 0011 summarised older attempts.
    Column("first_right", Integer, nullable=True),
    Column("first_right_at", DateTime(timezone=True), nullable=True),
    Column("last_score", Float, nullable=True),
    Column("last_answer", Text, nullable=True),
    Column("misconceptions", Text, nullable=False, server_default=text("''")),
)

# --- classes and their students: queried by classes.py -------------------------------------

classes = Table(
    "classes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token", String(64), nullable=False, unique=True),  # the student link's, public
    Column("key_hash", String(64), nullable=False),  # SHA-256 of the instructor key, hex
    Column("name", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # What a question is worth whose answer was revealed before it was right, and one right
    # after hints (quizzes/scoring.py); the instructor sets them on the dashboard.
    Column("revealed_credit", Float, nullable=False, server_default=text("0")),
    Column("hinted_credit", Float, nullable=False, server_default=text("1")),
)

enrolments = Table(
    "enrolments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_id", Integer, ForeignKey("classes.id"), nullable=False),
    Column("learner_id", String(64), nullable=False),
    Column("display_name", String(80), nullable=False),
    # When the learner last opened this class's link: the latest is their current class.
    Column("joined_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("class_id", "learner_id", name="uq_enrolments_class_learner"),
    Index("ix_enrolments_learner", "learner_id"),
)

# --- guessing counters: misses per (address, class token), shared by every worker ----------

guess_misses = Table(
    "guess_misses",
    metadata,
    Column("bucket", String(200), primary_key=True),  # "<address> <class token or purpose>"
    Column("misses", Integer, nullable=False),
    Column("last_miss", Float, nullable=False),  # seconds since the epoch
    Column("blocked_until", Float, nullable=False),
    Index("ix_guess_misses_last_miss", "last_miss"),
)

# Fixed windows of answers, hints and reveals per learner and per address (limits.py), shared
# by every worker: a bucket's hits since window_start.
rate_windows = Table(
    "rate_windows",
    metadata,
    Column("bucket", String(200), primary_key=True),  # "<learner or address> <what>"
    Column("window_start", Float, nullable=False),  # seconds since the epoch
    Column("hits", Integer, nullable=False),
    Index("ix_rate_windows_window_start", "window_start"),
)

# --- what a reader asked for: hints and reveals (help.py) ------------------------------------

checkpoint_help = Table(
    "checkpoint_help",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner_id", String(64), nullable=False),
    Column("question_id", String(32), nullable=False),
    Column("variant", Text, nullable=True),  # the practice variant's token; NULL = base
    Column("kind", String(16), nullable=False),  # "hint" (one row per hint) or "reveal"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("class_id", Integer, nullable=True),  # the learner's class then, as for attempts
    Index("ix_checkpoint_help_learner_question", "learner_id", "question_id"),
    Index("ix_checkpoint_help_class", "class_id"),
)

# --- carrying progress to another device: one resume code per learner (resume.py) -----------

resume_codes = Table(
    "resume_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),  # HMAC-SHA-256 of the code, hex
    Column("learner_id", String(64), nullable=False, unique=True),  # a new code replaces
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# --- spaced review: what comes due when (review.py), and how reviews went --------------------

review_items = Table(
    "review_items",
    metadata,
    Column("learner_id", String(64), primary_key=True),
    Column("question_id", String(32), primary_key=True),
    Column("step", Integer, nullable=False),  # 0: due a day after, 1: three days, 2: seven
    Column("due_at", DateTime(timezone=True), nullable=False),
)

review_answers = Table(
    "review_answers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("learner_id", String(64), nullable=False),
    Column("question_id", String(32), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("class_id", Integer, nullable=True),  # the learner's class then, as for attempts
    Index("ix_review_answers_class", "class_id"),
)

# A review question handed out by GET /api/review is answered once: its token's nonce is
# spent here, with the answer (or with "Show answer", which counts as not known).
review_tokens = Table(
    "review_tokens",
    metadata,
    Column("nonce", String(32), primary_key=True),
    Column("learner_id", String(64), nullable=False),
    Column("question_id", String(32), nullable=False),
    Column("revealed", Boolean, nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=False),
    Index("ix_review_tokens_used_at", "used_at"),
)
