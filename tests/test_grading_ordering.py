"""Ordering partial credit as a table: the order a reader gives, and the credit it earns."""

from __future__ import annotations

import itertools

import pytest

from quizzes.ordering import lcs_length, ordering_score, positions_in_place

KEY = ["b", "a", "d", "c"]


@pytest.mark.parametrize(("submitted", "lcs", "score"), [
    (["b", "a", "d", "c"], 4, 1.0),
    (["a", "b", "d", "c"], 3, 2 / 3),  # first two swapped
    (["b", "a", "c", "d"], 3, 2 / 3),  # last two swapped
    (["b", "d", "a", "c"], 3, 2 / 3),  # middle two swapped
    (["a", "d", "c", "b"], 3, 2 / 3),  # the first step moved to the end
    (["c", "b", "a", "d"], 3, 2 / 3),  # the last step moved to the front
    (["c", "d", "a", "b"], 1, 0.0),  # reversed
    (["a", "b", "c", "d"], 2, 1 / 3),
])
def test_credit_follows_the_longest_run_in_the_right_relative_order(submitted, lcs, score):
    assert lcs_length(submitted, KEY) == lcs
    assert ordering_score(submitted, KEY) == pytest.approx(score)


def test_only_the_right_order_earns_full_credit_and_every_score_is_in_range():
    for order in itertools.permutations(KEY):
        score = ordering_score(order, KEY)
        assert 0 <= score <= 1
        assert (score == 1) == (list(order) == KEY)


@pytest.mark.parametrize(("submitted", "in_place"), [
    (["b", "a", "d", "c"], [0, 1, 2, 3]),
    (["b", "a", "c", "d"], [0, 1]),
    (["a", "b", "d", "c"], [2, 3]),
    (["c", "d", "a", "b"], []),
])
def test_steps_in_place_are_those_at_their_own_position(submitted, in_place):
    assert positions_in_place(submitted, KEY) == in_place


def test_a_single_step_question_is_all_or_nothing():
    assert ordering_score(["x"], ["x"]) == 1.0
