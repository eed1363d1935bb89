"""The class's practice-only items (the bank's ``[[practice_item]]``) for the dashboard and the
roster CSV: each student's state on each item (quizzes/practice_items.py's rule, the words
their own page shows) and, per item, how many reached each state and which slips the class's
answers showed. Items never count in the score."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from quizzes.bank import Bank
from quizzes.practice_items import practice_states
from quizzes.scoring import FIRST_TRY, REVEALED, RIGHT, WITH_HINTS, QuestionState
from store import classes as class_store


@dataclass(frozen=True)
class ItemTally:
    id: str
    title: str
    tried: int  # students with an attempt or help on it
    first_try: int
    with_hints: int
    right: int  # right by any route the reader found
    revealed: int
    attempts: int
    slips: tuple[tuple[str, str, int], ...]  # (misconception, its label, attempts showing it)


def class_practice(store, bank: Bank, class_id: int,
                   students) -> tuple[dict[str, dict[str, QuestionState]], list[ItemTally]]:
    """Per student (learner id), per item, the state; and per item the class's tally."""
    if not bank.practice_items:
        return {}, []
    found = class_store.class_item_attempts(store, class_id, bank.practice_items)
    states = practice_states(store, bank, [s.learner_id for s in students], found)
    tallies = []
    for qid, item in bank.practice_items.items():
        held = [mine[qid] for mine in states.values()]
        named = Counter(a.misconception for a in found
                        if a.question_id == qid and a.misconception and not a.correct)
        tallies.append(ItemTally(
            qid, item.title, sum(1 for s in held if s.tries or s.hints or s.revealed),
            sum(1 for s in held if s.state == FIRST_TRY),
            sum(1 for s in held if s.state == WITH_HINTS),
            sum(1 for s in held if s.state in RIGHT),
            sum(1 for s in held if s.state == REVEALED),
            sum(1 for a in found if a.question_id == qid),
            tuple((name, bank.misconceptions.get(name, name), n)
                  for name, n in named.most_common())))
    return states, tallies
