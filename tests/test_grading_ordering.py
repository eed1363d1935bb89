"""q4's partial credit as a table over all 24 orders: the share of the steps' constraints an
order keeps (quizzes/ordering.py), the feedback's sentence saying that share, and the rule
that names the most basic constraint it breaks."""

from __future__ import annotations

import itertools
import re

import pytest

from quizzes.bank import default_bank
from quizzes.grading import grade_answer
from quizzes.ordering import closure, constraints, dependency_score, kept, positions_in_place

Q4 = default_bank().questions["q4"]
KEY = ["b", "a", "d", "c"]  # forward pass, ∂L/∂ŷ, × ∂ŷ/∂h, × ∂h/∂(W₁x)

# order → (constraints kept of 6, feedback ids). rule:0–2 forward pass first
# (backward-before-forward), rule:3–4 the loss first (loss-not-first), rule:5 outer before
# inner (forward-order).
TABLE = {
    "badc": (6, ("correct",)),
    "bacd": (5, ("placement:some", "rule:5")),  # the two products swapped
    "bdac": (5, ("placement:some", "rule:3")),
    "abdc": (5, ("placement:some", "rule:0")),
    "bdca": (4, ("placement:some", "rule:3")),
    "bcad": (4, ("placement:some", "rule:4")),
    "abcd": (4, ("placement:some", "rule:0")),
    "adbc": (4, ("placement:some", "rule:0")),
    "dbac": (4, ("placement:some", "rule:2")),
    "bcda": (3, ("placement:some", "rule:3")),  # forward first, the backward pass reversed
    "adcb": (3, ("placement:some", "rule:0")),  # the forward pass last
    "acbd": (3, ("placement:some", "rule:0")),
    "dbca": (3, ("placement:some", "rule:2")),
    "dabc": (3, ("placement:some", "rule:0")),
    "cbad": (3, ("placement:some", "rule:1")),
    "acdb": (2, ("placement:some", "rule:0")),
    "dacb": (2, ("placement:some", "rule:0")),
    "dcba": (2, ("placement:some", "rule:1")),
    "cbda": (2, ("placement:some", "rule:1")),
    "cabd": (2, ("placement:some", "rule:0")),
    "dcab": (1, ("placement:some", "rule:0")),
    "cadb": (1, ("placement:some", "rule:0")),
    "cdba": (1, ("placement:some", "rule:1")),
    "cdab": (0, ("placement:none", "rule:0")),  # the exact reverse
}
MISCONCEPTION = {"rule:0": "backward-before-forward", "rule:1": "backward-before-forward",
                 "rule:2": "backward-before-forward", "rule:3": "loss-not-first",
                 "rule:4": "loss-not-first", "rule:5": "forward-order"}


def words(markup) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", str(markup)).split())


def test_the_table_holds_every_order_once():
    assert sorted(TABLE) == sorted("".join(p) for p in itertools.permutations(KEY))


@pytest.mark.parametrize(("order", "expected"), TABLE.items())
def test_each_order_earns_its_share_of_the_constraints_and_says_so(order, expected):
    count, ids = expected
    grade = grade_answer(Q4, list(order))
    assert grade.score == pytest.approx(count / 6)
    assert grade.feedback_ids == ids
    assert grade.correct is (order == "badc")
    assert grade.misconception == MISCONCEPTION.get(ids[-1])
    said = words(grade.feedback)
    if count == 6:
        assert "Every step is in place" in said
    elif count == 0:
        assert "your order keeps none" in said and "backwards" in said
    else:  # the words name the very share the score is
        assert f"Of the 6 places where a step needs another one done before it, your order " \
               f"keeps {count}." in said
    assert "None of the" not in said and "right place" not in said


def test_the_forward_pass_last_no_longer_scores_like_one_swap_of_the_products():
    one_swap = grade_answer(Q4, list("bacd")).score
    assert 0 < one_swap < 1
    for backwards_in_idea in ("adcb", "cbad"):
        assert grade_answer(Q4, list(backwards_in_idea)).score < one_swap


def test_any_two_steps_swapped_earn_partial_credit():
    for i, j in itertools.combinations(range(4), 2):
        order = list(KEY)
        order[i], order[j] = order[j], order[i]
        assert 0 < grade_answer(Q4, order).score < 1, order


def test_the_constraints_come_from_each_steps_after_and_pin_the_key_down():
    assert set(Q4.constraints) == {("b", "a"), ("b", "d"), ("b", "c"), ("a", "d"),
                                   ("a", "c"), ("d", "c")}
    assert constraints({"x": [], "y": ["x"], "z": ["y"]}) == (("x", "y"), ("y", "z"))
    assert closure([("x", "y"), ("y", "z")]) == {("x", "y"), ("y", "z"), ("x", "z")}
    keeping_all = [p for p in itertools.permutations(KEY)
                   if kept(p, Q4.constraints) == len(Q4.constraints)]
    assert keeping_all == [tuple(KEY)]
    assert dependency_score(["x"], ()) == 1.0


@pytest.mark.parametrize(("submitted", "in_place"), [
    (["b", "a", "d", "c"], [0, 1, 2, 3]),
    (["b", "a", "c", "d"], [0, 1]),
    (["a", "b", "d", "c"], [2, 3]),
    (["c", "d", "a", "b"], []),
])
def test_steps_in_place_are_those_at_their_own_position(submitted, in_place):
    assert positions_in_place(submitted, KEY) == in_place


def test_a_bank_whose_constraints_leave_two_orders_right_stops_start_up(tmp_path):
    from chapter.render import ContentError
    from quizzes.bank import BANK_PATH, load_bank

    source = BANK_PATH.read_text(encoding="utf-8")
    loose = source.replace('after = ["b", "a", "d"]', 'after = ["b", "a"]', 1)
    assert loose != source
    broken = tmp_path / "checkpoint.toml"
    broken.write_text(loose, encoding="utf-8")
    with pytest.raises(ContentError, match="more than one order right"):
        load_bank(broken)
