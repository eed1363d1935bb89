"""Partial credit for putting steps in order, from what each step depends on.

A step's ``after`` lists the steps whose results it needs: backpropagation cannot evaluate a
local derivative before the forward pass has stored the value it is taken at, cannot start
multiplying before it has ∂L/∂ŷ, and multiplies the layers' factors from the outside in.
Each such "this before that" is one **constraint**; the credit for an order is the share of
the constraints it keeps.

Why this and not the longest common subsequence with the key: LCS counts how much of the key
survives in sequence, so moving the forward pass from first to last (``adcb``) costs one step,
exactly like swapping the two products — yet it breaks the one idea the question is about (no
derivative without the stored forward values). Counted by constraint, the forward pass carries
as many constraints as steps that need it, so putting it last costs half the credit, while
swapping the two products costs one constraint in six. The key keeps all of them and is the
only order that does (bank.py checks it), the exact reverse keeps none, and any two steps
swapped keep some and break some: 0 < credit < 1, as the checkpoint promises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def constraints(after: Mapping[str, Iterable[str]]) -> tuple[tuple[str, str], ...]:
    """Every (earlier, later) pair the steps' ``after`` lists ask for, in the order given."""
    return tuple((earlier, step) for step, needs in after.items() for earlier in needs)


def kept(order: Sequence[str], pairs: Iterable[tuple[str, str]]) -> int:
    """How many of ``pairs`` the order keeps."""
    place = {step: n for n, step in enumerate(order)}
    return sum(1 for earlier, later in pairs if place[earlier] < place[later])


def dependency_score(order: Sequence[str], pairs: Sequence[tuple[str, str]]) -> float:
    """The share of the constraints ``order`` keeps (1 when there are none)."""
    return kept(order, pairs) / len(pairs) if pairs else 1.0


def closure(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every (earlier, later) pair the constraints imply, transitively."""
    implied = set(pairs)
    while True:
        more = {(a, d) for a, b in implied for c, d in implied if b == c} - implied
        if not more:
            return implied
        implied |= more


def positions_in_place(submitted: Sequence[str], key: Sequence[str]) -> list[int]:
    """The 0-based positions where the reader's step is the key's step."""
    return [i for i, (mine, right) in enumerate(zip(submitted, key, strict=True)) if mine == right]


def placed_before(submitted: Sequence[str], first: str, second: str) -> bool:
    return submitted.index(first) < submitted.index(second)
