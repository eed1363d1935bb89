"""The state of a practice-only item (``[[practice_item]]`` in the bank), by the one rule.

A practice-only item has no question of its own: every answer is to a variant. Its state is
the state (quizzes/scoring.py's ``state_from``) of the variant the reader worked on last —
their latest attempt's, or a later-revealed or hinted one's — with that variant's help:
right first try, right with hints, revealed, … . It is shown to the reader and to
instructors, and is never added to the four questions' score or the LMS grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup

from quizzes.bank import Bank, default_bank
from quizzes.scoring import NO_HELP, QuestionState, state_of
from store import Attempt
from store.help import Help, variant_help

TYPED_SALT = "typed-derivative-v1"  # d1's tokens (quizzes/typed_routes.py)
TYPED_FORMAT = ("Type an expression in x, such as 3x^2*cos(x) or e^x/(1 + x): ^ for powers, "
                "sqrt or √, sigma or σ for the logistic function, ln or log for the natural "
                "log.")


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def item_state(attempts: list[Attempt], helps: dict[str, Help],
               shown_after: int) -> QuestionState:
    """One reader's state on one item from its attempts (oldest first, any variant) and the
    help per variant (keyed by the variant's token)."""
    last: dict[str, datetime] = {}
    for a in attempts:
        last[a.variant] = max(_utc(a.created_at), last.get(a.variant, _utc(None)))
    for variant, help_ in helps.items():
        moment = max(_utc(help_.revealed_at), _utc(help_.hinted_at))
        last[variant] = max(moment, last.get(variant, _utc(None)))
    if not last:
        return state_of([], NO_HELP, shown_after=shown_after)
    latest = max(last, key=lambda v: last[v])
    return state_of([a for a in attempts if a.variant == latest],
                    helps.get(latest, NO_HELP), shown_after=shown_after)


def practice_states(store, bank: Bank, learner_ids,
                    attempts: list[Attempt]) -> dict[str, dict[str, QuestionState]]:
    """Per learner, per practice-only item: its state. ``attempts``: these learners' (any
    question; the items' are picked out). One query for the help."""
    learners = list(learner_ids)
    helps: dict[tuple[str, str], dict[str, Help]] = {}
    for (who, qid, variant), help_ in variant_help(store, learners,
                                                    bank.practice_items).items():
        helps.setdefault((who, qid), {})[variant] = help_
    mine: dict[tuple[str, str], list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.id):
        if a.question_id in bank.practice_items and a.variant is not None:
            mine.setdefault((a.learner_id, a.question_id), []).append(a)
    result: dict[str, dict[str, QuestionState]] = {}
    for learner in learners:
        result[learner] = {}
        for qid, item in bank.practice_items.items():
            result[learner][qid] = item_state(mine.get((learner, qid), []),
                                              helps.get((learner, qid), {}),
                                              item.reveal_after)
    return result


@dataclass(frozen=True)
class PublicPracticeItem:
    """A practice-only item as the page shows it before any variant: heading, introduction,
    and the section whose "::: practice <id>" places it."""

    id: str
    title: str
    intro_html: Markup
    section: str
    engine: str = ""  # "typed": Differentiate it yourself (partials/typed_item.html)
    after: str = ""  # shown in the checkpoint after this question


def public_practice_items() -> list[PublicPracticeItem]:
    return [PublicPracticeItem(q.id, q.title, q.prompt_html, q.section, q.engine, q.after)
            for q in default_bank().practice_items.values()]
