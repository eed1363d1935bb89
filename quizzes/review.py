"""What is due for spaced review, for the page and ``GET /api/review``: each due question with
what to answer it with (a fresh practice variant for q1 and q3, the question itself for q2
and q4), its review token, and what comes later. The routes are in review_routes.py.

A review token is handed out here and nowhere else. It is signed with its own salt (a practice
token is never a review token, however it is edited), names the reader and the question, and
carries a nonce: answering spends the nonce (store/review.py), so a token counts once, and
"Show answer" on it spends it as revealed, so the review counts as not known. Like practice
tokens it expires (``PRACTICE_TOKEN_HOURS``), and only its reader may use it.

q1 and q3 have about a hundred variants each, so "Try another" could be pressed until a
practice question has the review's own numbers, and its answer revealed there. A review is
therefore never drawn with numbers whose answer the reader was shown in practice (revealed,
or after the bank's number of tries), and a review answered with such numbers anyway counts
as not known (review_routes.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from quizzes import typed
from quizzes.bank import Question, default_bank
from quizzes.grading import practice_prompt
from quizzes.practice_items import TYPED_FORMAT, TYPED_SALT
from quizzes.variants import InvalidVariant, Variant, build, check_holder, new_variant
from store import StoreUnavailable
from store import help as help_store
from store import review as review_store

LAST = "review_result"  # the no-JS form's last review result, for the page
PREFIX = "review."  # every review token starts so; a practice token never does
SALT = "checkpoint-review-v1"
AGAIN = "reload the page (or GET /api/review) for this review's current question"


@dataclass(frozen=True)
class ReviewToken:
    question_id: str
    nonce: str
    variant: Variant | None  # q1 and q3 are reviewed with a practice variant
    params: dict | None = None  # d1 (typed derivatives): its y = f(g(x))


class ReviewSigner:
    def __init__(self, secret_key: str, max_age: timedelta):
        self._serializer = URLSafeSerializer(secret_key, salt=SALT)
        self.max_age = max_age

    def dumps(self, question_id: str, variant: Variant | None, learner: str,
              issued: datetime, params: dict | None = None) -> str:
        return PREFIX + self._serializer.dumps({
            "q": question_id, "p": variant.params if variant else params, "l": learner,
            "t": int(issued.timestamp()), "n": secrets.token_hex(16)})

    def loads(self, token: object, question: Question, learner: str | None,
              now: datetime) -> ReviewToken:
        if not (isinstance(token, str) and token.startswith(PREFIX) and len(token) < 1000):
            raise InvalidVariant("a review is answered with the token its review question "
                                 f"came with; {AGAIN}")
        try:
            data = self._serializer.loads(token[len(PREFIX):])
        except BadSignature:
            raise InvalidVariant(f"this review token is not one this server made; {AGAIN}"
                                 ) from None
        if not isinstance(data, dict) or data.get("q") != question.id:
            raise InvalidVariant(f"this review token is for another question; {AGAIN}")
        check_holder(data, learner, now, self.max_age, "review question", AGAIN)
        nonce = data.get("n")
        if not isinstance(nonce, str) or len(nonce) != 32:
            raise InvalidVariant(f"this review token has no number; {AGAIN}")
        variant = None
        if question.practice is not None:
            variant = build(question.id, question.practice.generator, data.get("p"))
        if question.engine == "typed":
            try:
                typed.build(data.get("p"))
            except ValueError:
                raise InvalidVariant(f"this review token names no question; {AGAIN}") from None
            return ReviewToken(question.id, nonce, None, data["p"])
        return ReviewToken(question.id, nonce, variant)


def reference_of(signer: ReviewSigner, token: str, question: Question) -> float:
    """A review variant's answer, its signature checked but not its reader or age: for tests
    and operators reading a token, never for a reader's request."""
    data = signer._serializer.loads(token[len(PREFIX):])
    return build(question.id, question.practice.generator, data["p"]).reference


def when_words(moment: datetime, now: datetime) -> str:
    """When a review comes due, in words that need no time zone ("tomorrow", "in 3 days"):
    what the page shows until its script writes the reader's own date and time."""
    seconds = (moment - now).total_seconds()
    if seconds <= 60:
        return "now"
    hours = seconds / 3600
    if hours < 20:
        n = max(1, round(hours))
        return f"in {n} hour{'s' if n != 1 else ''}"
    days = max(1, round(hours / 24))
    return "tomorrow" if days == 1 else f"in {days} days"


def _params_of(token: str, question: Question) -> dict | None:
    """The numbers a practice token of ``question`` carries (d1: its parameters); None for a
    token from another secret or an older generator."""
    try:
        if question.engine:
            return URLSafeSerializer(current_app.config["SECRET_KEY"],
                                     salt=TYPED_SALT).loads(token)["p"]
        return current_app.extensions["checkpoint_signer"].inspect(token, question.id).params
    except (BadSignature, InvalidVariant, AttributeError, TypeError, KeyError):
        return None


def seen_params(learner: str, question: Question) -> list[dict]:
    """The numbers of every practice variant of ``question`` whose answer this learner has
    been shown (revealed, or after the bank's number of tries); for d1, its parameters."""
    found = (_params_of(token, question) for token in review_store.shown_variants(
        current_app.extensions["store"], learner, question.id, question.reveal_after))
    return [params for params in found if params is not None]


def _seen_or_none(learner: str | None, question: Question) -> list[dict]:
    """``seen_params``, or none at all for a reader new here or when storage cannot say
    (then no answer can be stored either: store_limited refuses it)."""
    if learner is None:
        return []
    try:
        return seen_params(learner, question)
    except StoreUnavailable:
        return []


def unseen_typed(learner: str | None, question: Question) -> dict:
    """d1's parameters, not ones whose answer the learner was shown: for a review, and for
    "Try another", where drawing until a revealed function comes back would otherwise let
    the shown derivative count as right first try."""
    seen, rng = _seen_or_none(learner, question), secrets.SystemRandom()
    for _ in range(20):
        params = typed.random_params(rng)
        if params not in seen:
            break
    return params


def unseen_variant(learner: str | None, question: Question) -> Variant:
    """A fresh variant, not one whose answer the learner was shown in practice (drawn again
    a few times; there are far more variants than anyone reveals): for a review, and for a
    practice item's "Try another"."""
    seen = _seen_or_none(learner, question)
    for _ in range(20):
        variant = new_variant(question.id, question.practice.generator)
        if variant.params not in seen:
            break
    return variant


def mark_if_shown(learner: str, question: Question, params: dict, token: str,
                  hints: int) -> None:
    """Before a right answer to a practice item is stored: if the reader was shown the answer
    to these very numbers on another token (two tokens drawn alike, one revealed), record it
    as shown on this one too, so the answer counts as revealed; else if they took hints on
    such a twin, record as many here (up to ``hints``, this item's number), so it counts as
    right with hints. Raises StoreUnavailable."""
    store = current_app.extensions["store"]
    if params in seen_params(learner, question):
        help_store.record_reveal(store, learner, question.id, token)
        return
    helped = help_store.variant_help(store, [learner], [question.id])
    twins = [h.hints for (_, _, other), h in helped.items()
             if other != token and h.hints and _params_of(other, question) == params]
    mine = helped.get((learner, question.id, token))
    for _ in range(min(max(twins, default=0), hints) - (mine.hints if mine else 0)):
        help_store.take_hint(store, learner, question.id, token, hints)


def due_items(learner: str | None, items: dict | None = None) -> dict:
    """What is due now (each with what to answer it with and a review token of its own, made
    for this reader now) and what comes later. ``items``: the learner's review items when
    already read (store/reader.py)."""
    if learner is None:
        return {"due": [], "upcoming": []}
    bank = default_bank()
    store = current_app.extensions["store"]
    signer: ReviewSigner = current_app.extensions["review_signer"]
    now = store.now()
    due, upcoming = [], []
    if items is None:
        items = review_store.items(store, learner)
    for qid, (step, at) in sorted(items.items()):
        question = bank.item(qid)
        if question is None:
            continue
        label = question.title or f"Question {question.number}"
        if at > now:
            upcoming.append({"question": qid, "label": label, "due": at.isoformat(),
                             "due_words": when_words(at, now)})
            continue
        item = {"question": qid, "label": label, "practice": question.practice is not None,
                "typed": bool(question.engine), "step": step}
        variant = params = None
        if question.engine:  # d1: another y = f(g(x)), its derivative typed
            params = unseen_typed(learner, question)
            item.update(practice=True, prompt=typed.build(params).prompt_html,
                        format=TYPED_FORMAT)
        elif question.practice is not None:
            variant = unseen_variant(learner, question)
            item.update(prompt=str(practice_prompt(question, variant)),
                        format=question.practice.format)
        item["prompt_html"] = item.get("prompt") or str(question.prompt_html)
        item["token"] = signer.dumps(qid, variant, learner, now, params)
        due.append(item)
    nearest = min((u["due"] for u in upcoming), default=None)
    return {"due": due, "upcoming": upcoming, "next": nearest, "now": now.isoformat()}
