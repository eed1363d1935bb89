"""What every checkpoint route shares: refusals, the question and the store of a request,
practice tokens, the flood check, and what a reader is told besides a grade."""

from __future__ import annotations

import json

from flask import current_app, render_template, request, url_for

from quizzes import review
from quizzes.bank import PRACTICE_KIND, Question, default_bank
from quizzes.progress import NOT_LOADED, reader_state
from quizzes.reveal import earned
from quizzes.variants import InvalidVariant
from store import AttemptCapReached, NewAttempt, Recorded, StoreUnavailable
from store import answers as answer_store
from store import help as help_store
from web import csrf, reader, security
from web.errors import ClientError, respond

MAX_BODY = 4096  # an answer is a few bytes; anything bigger is refused with 413
CAP_NOTICE = ("Your answer was graded, but not saved: this browser has stored as many "
              "answers as the chapter keeps for one reader.")
NOT_SAVED = "Not saved: storage is unavailable — try again in a moment"
RETRY_AFTER_S = 5  # the store's breaker retries storage after 5 s


def refusal(status: int, message: str, field: str | None = None) -> ClientError:
    """A checkpoint refusal; its page links back to the question it came from."""
    qid = (request.view_args or {}).get("qid", "")
    back = url_for("chapter.index", _anchor=qid) if default_bank().item(qid) else (
        url_for("chapter.index"))
    heading = "That question isn't part of the chapter." if status == 404 else None
    return ClientError(message, field, status=status, heading=heading,
                       back=(back, "Back to the question"),
                       headers={"Retry-After": "60"} if status == 503 else None)


def expired_form(again: str):
    """A checkpoint blueprint's answer to a form whose token web/csrf.py found expired: the
    refusal page, linking back to the question (``again``: "answer" or "try")."""
    def answer(error: csrf.FormExpired):
        return respond(refusal(403, f"This form has expired. Reload the page and {again} "
                               "again.", csrf.FIELD))
    return answer


def json_body(wrong_type: str, not_json: str, not_object: str, *, required: str | None = None,
              empty_ok: bool = False) -> dict:
    """A checkpoint request's JSON object, or the refusal saying what to send: 413 over
    MAX_BODY, 415 (wrong_type) without the JSON content type, 400 (not_json) for a body that
    is not JSON, 400 (not_object) for one that is not an object or lacks ``required``. An
    empty body counts as {} when ``empty_ok``."""
    request.max_content_length = MAX_BODY
    if request.mimetype != "application/json":
        raise refusal(415, wrong_type, "content-type")
    raw = request.get_data(cache=False)
    if empty_ok and not raw:
        raw = b"{}"
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise refusal(400, not_json, "body") from None
    if not isinstance(body, dict) or (required is not None and required not in body):
        raise refusal(400, not_object, required or "body")
    return body


def question_for(qid: str) -> Question:
    """A checkpoint question or a practice-only item, or a 404 naming them."""
    question = default_bank().item(qid)
    if question is None:
        known = ", ".join([*default_bank().questions, *default_bank().practice_items])
        raise refusal(404, f"There is no question {qid!r}. The questions are {known}.",
                         "question")
    return question


def app_store():
    return current_app.extensions["store"]


def variant_for(question: Question, token: object):
    """The practice variant a token names (None without a token), or a 422 saying why not:
    a token this server did not sign, another reader's, or one past its age."""
    if token is None:
        if question.kind == PRACTICE_KIND:
            raise refusal(422, f"{question.id} is answered with the token of a practice "
                          f"question: GET /api/checkpoint/{question.id}/variant for one.",
                          "token")
        return None
    if question.practice is None:
        raise refusal(422, f"{question.id} has no practice variants; send only "
                         "an answer.", "token")
    if isinstance(token, str) and token.startswith(review.PREFIX):
        raise refusal(422, "That is a review question's token: answer it with POST "
                      f"/api/review/{question.id}, from memory.", "token")
    try:
        return current_app.extensions["checkpoint_signer"].loads(
            token, question.id, reader.learner(), app_store().now())
    except InvalidVariant as exc:
        raise refusal(422, f"The practice token is not valid: {exc}.", "token") from None


def review_token_for(question: Question, token: object):
    """The review question a review token names (None for any other token), or a 422."""
    if not (isinstance(token, str) and token.startswith(review.PREFIX)):
        return None
    return read_review_token(question, token)


def read_review_token(question: Question, token: object) -> review.ReviewToken:
    """A review token's question, nonce and variant, or a 422 saying why not: not signed
    here as a review token, another reader's, for another question, or past its age."""
    try:
        return current_app.extensions["review_signer"].loads(
            token, question, reader.learner(), app_store().now())
    except InvalidVariant as exc:
        raise refusal(422, f"The review token is not valid: {exc}.", "token") from None


def not_saved() -> ClientError:
    """503 for an attempt storage cannot record: nothing about the answer is told (a guess
    graded but not stored could be followed by a "first try" once storage is back)."""
    return ClientError(NOT_SAVED, "answer", status=503, heading="Your answer was not saved.",
                       back=(url_for("chapter.index", _anchor=request.view_args.get("qid", "")),
                             "Back to the question"),
                       headers={"Retry-After": str(RETRY_AFTER_S), "Cache-Control": "no-store"},
                       extra={"saved": False})


def explanation_earned(question: Question, attempt: int | None, learner: str,
                       token: str | None) -> bool:
    """After a wrong answer: whether the explanation is the reader's now (quizzes/reveal.py:
    the bank's number of tries, or revealed before); False while storage cannot say."""
    try:
        store = app_store()
        _, ever = store.tries(learner, question.id, token)
        revealed = help_store.help_for(store, learner, question.id, token).revealed_at
    except StoreUnavailable:  # the grade still answers; the explanation waits
        return False
    return earned(question, attempt, ever, revealed is not None)


def flood_check(learner: str) -> None:
    """A flood refused before anything is stored or shown (429), not an attempt."""
    _refuse_if_waiting(security.answer_wait(learner, request.remote_addr))


def _refuse_if_waiting(wait: float) -> None:
    if wait:
        error = refusal(429, f"Too many answers at once. Wait {int(wait) + 1} seconds, "
                        "then answer again.", "answer")
        error.headers["Retry-After"] = str(int(wait) + 1)
        raise error


def store_limited(new: NewAttempt, read_back: bool = False, counted_already: bool = False,
                  review: bool = False,
                  ) -> tuple[Recorded | None, dict, answer_store.ReaderRecord | None]:
    """Store one graded answer and count it in the shared answer windows, in one transaction
    (store/answers.py): both, or neither (a 429 over a limit).
    Returns what was recorded (None at the reader's cap: graded, said not saved), what the
    reader is told besides the grade and, with ``read_back``, the reader's record as the
    transaction left it (``counted_already``: the caller ran ``flood_check``; ``review``: a
    right answer's first spaced review is scheduled in the same transaction). Storage down:
    this worker's own count may still say 429; else the 503 that tells nothing of the
    grade."""
    address = request.remote_addr
    limits = security.answer_limits(new.learner_id, address)
    shared = current_app.extensions.get("shared_windows")
    counted = None
    if counted_already:
        pass
    elif limits is None or shared is None:
        flood_check(new.learner_id)
    else:
        counted = answer_store.Limits(shared, *limits)
    try:
        answered = answer_store.record_answer(app_store(), new, counted, read_back, review)
    except AttemptCapReached:  # graded and shown, so it counts in the windows all the same
        if counted is not None:
            flood_check(new.learner_id)
        return None, dict(attempt=None, saved=False, notice=CAP_NOTICE), None
    except StoreUnavailable:
        if counted is not None:
            _refuse_if_waiting(security.local_answer_wait(new.learner_id, address))
        raise not_saved() from None
    if answered.recorded is None:  # over a limit: nothing stored, nothing told
        _refuse_if_waiting(answered.wait)
    for listener in current_app.extensions.get("attempt_listeners", ()):
        listener(new.learner_id, new.question_id)
    number = answered.recorded.number
    return answered.recorded, dict(attempt=number, saved=True, notice=None), answered.record


def reader_extras(data: dict, learner: str, question: Question,
                  state: dict | None = None) -> None:
    """The summary ("N of 4" and the score, by quizzes/scoring.py's one rule), this
    question's state and, once every question is done, the ending (``state``: the reader's,
    when already read after this answer)."""
    data["summary"] = data["state"] = data["ending_html"] = None
    if not data.get("saved", True):
        return
    state = state or reader_state(learner)
    if state is None or state["notice"] == NOT_LOADED:
        return
    data["summary"] = state["summary"]
    data["state"] = state["states"].get(question.id) or state["practice"].get(question.id)
    if state["ending"]:
        data["ending_html"] = render_template("partials/ending.html", ending=state["ending"])


def form_order(question: Question) -> list[str]:
    """Steps in the order the reader chose: by the position each was given, when the page
    offered position menus (no JavaScript), else in the order they were posted."""
    order = request.form.getlist("order")
    positions = request.form.getlist("position")
    if not positions:
        return order
    if len(positions) != len(order) or not all(
            p.isascii() and p.isdigit() and len(p) <= 3 for p in positions):
        raise refusal(422, "Give every step a position number.", "position")
    if len(set(positions)) != len(positions):
        raise refusal(422, "Give each step a different position: 1 for the first step, "
                         "2 for the next, and so on.", "position")
    return [step for _, step in sorted(zip((int(p) for p in positions), order, strict=True))]
