"""store/classes.py against SQLite always, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from store import NewAttempt, classes


def attempt(learner: str, qid: str = "q1", answer: str = "e4") -> NewAttempt:
    return NewAttempt(learner, qid, answer, 0.0, False, "forgot-inner-derivative")


def test_a_class_is_found_by_its_token_only(store):
    made = classes.create_class(store, "ML 101", "tok-a", "0" * 64)
    found = classes.class_by_token(store, "tok-a")
    assert (found.id, found.name, found.key_hash) == (made.id, "ML 101", "0" * 64)
    assert classes.class_by_token(store, "tok-b") is None
    assert classes.class_by_token(store, str(made.id)) is None


def test_joining_twice_renames_and_keeps_one_enrolment(store):
    made = classes.create_class(store, "ML 101", "tok-a", "0" * 64)
    classes.enrol(store, made.id, "L1", "Ada")
    classes.enrol(store, made.id, "L1", "Ada Lovelace")
    classes.enrol(store, made.id, "L2", "Ben")
    assert [(s.learner_id, s.display_name) for s in classes.students(store, made.id)] == [
        ("L1", "Ada Lovelace"), ("L2", "Ben")]
    assert classes.student(store, made.id, "L3") is None
    assert [(r.name, n) for r, n in classes.list_classes(store)] == [("ML 101", 2)]


def test_attempts_are_tagged_with_the_current_class_and_listed_per_class(store):
    a = classes.create_class(store, "A", "tok-a", "0" * 64)
    b = classes.create_class(store, "B", "tok-b", "1" * 64)
    store.record_attempt(attempt("L1"))  # before joining: no class
    classes.enrol(store, a.id, "L1", "Ada")
    store.record_attempt(attempt("L1", "q2", "true"))
    classes.enrol(store, b.id, "L1", "Ada")
    store.record_attempt(attempt("L1", "q3", "1"))
    classes.make_current(store, a.id, "L1")
    store.record_attempt(attempt("L1", "q4", "b,a,c,d"))
    classes.enrol(store, b.id, "L2", "Ben")
    store.record_attempt(attempt("L2"))
    assert [x.question_id for x in classes.class_attempts(store, a.id)] == ["q2", "q4"]
    assert [(x.learner_id, x.question_id) for x in classes.class_attempts(store, b.id)] == [
        ("L1", "q3"), ("L2", "q1")]
    assert [x.class_id for x in store.attempts(learner_id="L1")] == [None, a.id, b.id, a.id]
