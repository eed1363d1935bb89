"""Whether an answer that agrees with the derivative in floating point *is* the derivative.

The float check (typed_family.close, relative 10⁻⁶) cannot tell the derivative from a good
approximation of it, such as a difference quotient typed with a small step h. An identity
and an approximation behave differently as the working precision grows: the gap between two
forms of one function is rounding, and shrinks with the digits carried; an approximation's
gap is its truncation error, the same at any precision. So both trees are evaluated at a few
test points with 60 and with 120 significant digits (mpmath): an answer is the derivative
only if, at every point, its gap at 120 digits is a vanishing fraction of its gap at 60.

Every value is bounded (magnitude ≤ 10³⁰⁰), so a tree of nested exponentials cannot make the
arithmetic expensive; a value outside that range, or not real, counts as a difference.
"""

from __future__ import annotations

import mpmath

LOW, HIGH = 60, 120  # significant digits of the two evaluations
SHRINK = mpmath.mpf(10) ** -30  # an identity's gap at HIGH, at most this fraction of LOW's
FLOOR = mpmath.mpf(10) ** -100  # a gap this small (relative) is rounding at HIGH
BOUND = mpmath.mpf(10) ** 300
PROBES = 4  # test points used


class _Outside(ArithmeticError):
    """A value undefined, not real, or beyond BOUND."""


def _sigma(a):
    return 1 / (1 + mpmath.exp(-a))


_FUNCTIONS = {"sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "exp": mpmath.exp,
              "ln": mpmath.log, "sqrt": mpmath.sqrt, "sigma": _sigma}


def _checked(value):
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise _Outside
        value = value.real
    if not mpmath.isfinite(value) or abs(value) > BOUND:
        raise _Outside
    return value


def _value(node: tuple, x):
    kind = node[0]
    if kind == "num":
        return mpmath.mpf(node[1])
    if kind in ("x", "u"):
        return x
    if kind == "e":
        return mpmath.e
    if kind == "pi":
        return mpmath.pi
    if kind == "neg":
        return -_value(node[1], x)
    if kind == "fn":
        argument = _value(node[2], x)
        if node[1] in ("ln", "sqrt") and argument < 0:
            raise _Outside
        return _checked(_FUNCTIONS[node[1]](argument))
    left, right = _value(node[1], x), _value(node[2], x)
    try:
        if kind == "add":
            return _checked(left + right)
        if kind == "sub":
            return _checked(left - right)
        if kind == "mul":
            return _checked(left * right)
        if kind == "div":
            return _checked(left / right)
        if left < 0 and right != int(right):
            raise _Outside
        return _checked(mpmath.power(left, right))
    except ZeroDivisionError as error:
        raise _Outside from error


def _gap(tree: tuple, reference: tuple, x: float, digits: int):
    with mpmath.workdps(digits):
        point = mpmath.mpf(x)
        want = _value(reference, point)
        return abs(_value(tree, point) - want) / (1 + abs(want))


def identical(tree: tuple, reference: tuple, points) -> bool:
    """Whether ``tree`` is ``reference`` as a function (not only close to it) at ``points``
    (the first PROBES of them), by the two precisions' gaps."""
    try:
        for x in list(points)[:PROBES]:
            low, high = _gap(tree, reference, float(x), LOW), _gap(tree, reference, float(x), HIGH)
            if high > FLOOR and high > SHRINK * low:
                return False
    except _Outside:
        return False
    return True
