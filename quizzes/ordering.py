"""Partial credit for putting steps in order, from their longest common subsequence.

The steps a reader placed in the right *relative* order are the longest subsequence their
order shares with the key. Any single step is trivially "in order" with itself, so credit
starts above one: score = (LCS − 1) / (n − 1). The right order scores 1; two neighbours
swapped in four steps score 2/3; the exact reverse scores 0.
"""

from __future__ import annotations

from collections.abc import Sequence


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence (dynamic programming, one row at a time)."""
    previous = [0] * (len(b) + 1)
    for item in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if item == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def ordering_score(submitted: Sequence[str], key: Sequence[str]) -> float:
    if len(key) <= 1:
        return 1.0 if list(submitted) == list(key) else 0.0
    return (lcs_length(submitted, key) - 1) / (len(key) - 1)


def positions_in_place(submitted: Sequence[str], key: Sequence[str]) -> list[int]:
    """The 0-based positions where the reader's step is the key's step."""
    return [i for i, (mine, right) in enumerate(zip(submitted, key, strict=True)) if mine == right]


def placed_before(submitted: Sequence[str], first: str, second: str) -> bool:
    return submitted.index(first) < submitted.index(second)
