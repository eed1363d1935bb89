"""The family of typed-derivative questions y = f(g(x)), and the slips each one invites.

Inner functions g: a·x + b, xⁿ, sin x, eˣ, ln x, a·x² + b·x; outer functions f: sin u, cos u,
eᵘ, uᵐ, ln u, σ(u), √u. Each is a tree (see ``expressions.py``) with its derivative, so the
reference dy/dx = f′(g(x))·g′(x) and every slip are built from the question's own f and g:

- forgot-inner f′(g(x)); outer-at-x f′(x)·g′(x); inner-only g′(x);
- outer-not-differentiated f(g(x))·g′(x) (not for eᵘ, whose derivative is itself);
- derivative-of-derivative f′(g′(x)) (not for eˣ inside, where it is f′(g(x)) again);
- product-rule f′(x)·g(x) + f(x)·g′(x); power-not-lowered m·g(x)ᵐ·g′(x) for uᵐ and
  ½·√g(x)·g′(x) for √u; sign, the whole answer negated.

Test points: ten of sixty candidates drawn in [−3, 3] by a generator seeded with the variant,
kept where y, the answer and every slip are all defined and below 10⁴ in size: so the
sampling domain is the variant's own (x > 0 for ln x, g(x) > 0 for ln u and √u) and stays
away from singularities. A right answer must also agree with the answer at every candidate
where y and the answer are defined and moderate (``domain``): the ten points may all lie on
one side of y's domain. A variant is handed out only if it has ten such points and no two of
answer and slips agree there (no slip equals the answer, no two slips coincide): a typed
answer then never matches two of them. Pairs that are x in disguise (e^(ln x), ln(eˣ)) or
√(x²ᵏ) are left out.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np

from quizzes.expression_write import evaluate

X, U, E = ("x",), ("u",), ("e",)
SLUGS = ("forgot-inner", "outer-at-x", "inner-only", "outer-not-differentiated",
         "derivative-of-derivative", "product-rule", "power-not-lowered", "sign")
OUTER_KINDS = ("sin", "cos", "exp", "power", "ln", "sigma", "sqrt")
INNER_KINDS = ("linear", "power", "sin", "exp", "ln", "quadratic")
RANGES = {  # the parameters each kind takes, and the values handed out
    ("inner", "linear"): {"a": (2, 3, 4, 5), "b": (-3, -2, -1, 0, 1, 2, 3)},
    ("inner", "power"): {"n": (2, 3, 4)},
    ("inner", "quadratic"): {"a": (1, 2, 3), "b": (-3, -2, -1, 1, 2, 3)},
    ("outer", "power"): {"m": (2, 3, 4, 5)},
}
POINTS = 10  # test points per variant
CANDIDATES = 60
SPAN = (-3.0, 3.0)
LARGEST = 1e4  # values beyond this at a point make it too near a singularity to test
RTOL, ATOL = 1e-6, 1e-9
APART = 1e-3  # two expressions this far apart (relative) at some point are told apart


def num(value: float) -> tuple:
    return ("num", float(value))


def fn(name: str, argument: tuple) -> tuple:
    return ("fn", name, argument)


def times(left: tuple, right: tuple) -> tuple:
    """left·right, with numbers gathered in front and 1s and −1s left out."""
    if left[0] == "num" and right[0] == "mul" and right[1][0] == "num":
        return times(num(left[1] * right[1][1]), right[2])
    if right[0] == "num" and left[0] != "num":
        return times(right, left)
    if left == num(1):
        return right
    if left == num(-1):
        return ("neg", right)
    if right[0] == "neg":
        return ("neg", times(left, right[1]))
    if right[0] == "div" and right[1] == num(1):
        return ("div", left, right[2])
    if right[0] == "mul":  # a·(b·c) written a·b·c
        return ("mul", times(left, right[1]), right[2])
    return ("mul", left, right)


def plus(left: tuple, right: tuple) -> tuple:
    if right == num(0):
        return left
    if right[0] == "num" and right[1] < 0:
        return ("sub", left, num(-right[1]))
    if right[0] == "neg":
        return ("sub", left, right[1])
    if right[0] == "mul" and right[1][0] == "num" and right[1][1] < 0:
        return ("sub", left, times(num(-right[1][1]), right[2]))
    return ("add", left, right)


def negated(node: tuple) -> tuple:
    return node[1] if node[0] == "neg" else ("neg", node)


def power(base: tuple, exponent: float) -> tuple:
    return base if exponent == 1 else ("pow", base, num(exponent))


def inner(params: dict) -> tuple[tuple, tuple]:
    """g(x) and g′(x)."""
    kind = params["inner"]
    if kind == "linear":
        return plus(times(num(params["a"]), X), num(params["b"])), num(params["a"])
    if kind == "power":
        n = params["n"]
        return power(X, n), times(num(n), power(X, n - 1))
    if kind == "quadratic":
        a, b = params["a"], params["b"]
        g = plus(times(num(a), power(X, 2)), times(num(b), X))
        return g, plus(times(num(2 * a), X), num(b))
    if kind == "sin":
        return fn("sin", X), fn("cos", X)
    if kind == "exp":
        return ("pow", E, X), ("pow", E, X)
    return fn("ln", X), ("div", num(1), X)


def outer(params: dict, u: tuple) -> tuple[tuple, tuple]:
    """f(u) and f′(u), for ``u`` any tree."""
    kind = params["outer"]
    if kind == "power":
        m = params["m"]
        return power(u, m), times(num(m), power(u, m - 1))
    if kind == "sin":
        return fn("sin", u), fn("cos", u)
    if kind == "cos":
        return fn("cos", u), ("neg", fn("sin", u))
    if kind == "exp":
        return ("pow", E, u), ("pow", E, u)
    if kind == "ln":
        return fn("ln", u), ("div", num(1), u)
    if kind == "sigma":
        return fn("sigma", u), ("mul", fn("sigma", u), ("sub", num(1), fn("sigma", u)))
    return fn("sqrt", u), ("div", num(1), times(num(2), fn("sqrt", u)))


def chain(outer_derivative: tuple, inner_derivative: tuple) -> tuple:
    """f′(…)·g′(x) written as a person would: numbers first, a reciprocal as a fraction."""
    if outer_derivative[0] == "div" and outer_derivative[1] == num(1):
        if inner_derivative[0] == "div":  # (1/D)·(n/d) = n/(d·D)
            return ("div", inner_derivative[1], times(inner_derivative[2],
                                                      outer_derivative[2]))
        return ("div", inner_derivative, outer_derivative[2])
    if outer_derivative[0] == "neg":
        return ("neg", chain(outer_derivative[1], inner_derivative))
    if inner_derivative[0] == "num" or (inner_derivative[0] == "mul" and \
            inner_derivative[1][0] == "num"):
        return times(inner_derivative, outer_derivative)
    return times(outer_derivative, inner_derivative)


def slips(params: dict) -> dict[str, tuple]:
    """Each slip the question invites, as the expression that slip would produce."""
    g, dg = inner(params)
    f_at_g, df_at_g = outer(params, g)
    f_at_x, df_at_x = outer(params, X)
    found = {
        "forgot-inner": df_at_g,
        "outer-at-x": chain(df_at_x, dg),
        "inner-only": dg,
        "outer-not-differentiated": chain(f_at_g, dg),
        "derivative-of-derivative": outer(params, dg)[1],
        "product-rule": ("add", times(df_at_x, g), times(f_at_x, dg)),
        "sign": negated(answer(params)),
    }
    if params["outer"] == "exp":
        del found["outer-not-differentiated"]
    if params["inner"] == "exp":
        del found["derivative-of-derivative"]
    if params["outer"] == "power":
        m = params["m"]
        found["power-not-lowered"] = chain(times(num(m), power(g, m)), dg)
    if params["outer"] == "sqrt":
        found["power-not-lowered"] = chain(times(num(0.5), fn("sqrt", g)), dg)
    return found


def function(params: dict) -> tuple:
    return outer(params, inner(params)[0])[0]


def answer(params: dict) -> tuple:
    g, dg = inner(params)
    return chain(outer(params, g)[1], dg)


def close(values: np.ndarray, reference: np.ndarray) -> bool:
    """Equal at every point, within a relative tolerance; a value undefined where the
    reference is defined is a difference."""
    scale = ATOL * (1.0 + float(np.max(np.abs(reference))))
    return bool(np.all(np.isfinite(values))
                and np.all(np.abs(values - reference) <= RTOL * np.abs(reference) + scale))


def apart(first: np.ndarray, second: np.ndarray) -> bool:
    gap = np.abs(first - second) / np.maximum(np.maximum(np.abs(first), np.abs(second)), 1.0)
    return bool(np.max(gap) > APART)


def key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


def _candidates(params_key: tuple) -> tuple[random.Random, np.ndarray]:
    # A string seed gives the same points in every process; the points are not secret.
    rng = random.Random(repr(params_key))  # noqa: S311
    return rng, np.array(sorted(rng.uniform(*SPAN) for _ in range(CANDIDATES)))


@cache
def domain(params_key: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(points, answer's values) at every candidate where y and the answer are defined and
    below 10⁴: the sampled domain of y itself. The ten test points can all lie on one side
    of it (the product-rule slip's ln x needs x > 0 even where y = ln(x²) does not), so a
    right answer must also agree here: 2/√(x²) is not the derivative of ln(x²)."""
    params = dict(params_key)
    _, candidates = _candidates(params_key)
    with np.errstate(all="ignore"):
        y, reference = (evaluate(tree, candidates)
                        for tree in (function(params), answer(params)))
    usable = np.all([np.isfinite(v) & (np.abs(v) < LARGEST) for v in (y, reference)], axis=0)
    return candidates[usable], reference[usable]


@cache
def prepared(params_key: tuple) -> tuple[np.ndarray, np.ndarray, dict] | None:
    """(points, answer's values, each slip's values) at the variant's test points; None when
    the variant has too few points where everything is defined and moderate."""
    params = dict(params_key)
    rng, candidates = _candidates(params_key)
    trees = {"y": function(params), "answer": answer(params), **slips(params)}
    with np.errstate(all="ignore"):
        values = {name: evaluate(tree, candidates) for name, tree in trees.items()}
    usable = np.all([np.isfinite(v) & (np.abs(v) < LARGEST) for v in values.values()], axis=0)
    if usable.sum() < POINTS:
        return None
    chosen = np.flatnonzero(usable)
    chosen = chosen[rng.sample(range(len(chosen)), POINTS)]
    points = candidates[np.sort(chosen)]
    at_points = {name: v[np.sort(chosen)] for name, v in values.items() if name != "y"}
    reference = at_points.pop("answer")
    return points, reference, at_points


def degenerate(params: dict) -> bool:
    """y that is x, or |x|ᵏ, in disguise (e^(ln x), ln(eˣ), √(x²)): no chain rule needed."""
    pair = (params["outer"], params["inner"])
    return pair in (("exp", "ln"), ("ln", "exp")) or (
        pair == ("sqrt", "power") and params["n"] % 2 == 0)


def distinguishable(params: dict) -> bool:
    if degenerate(params):
        return False
    ready = prepared(key(params))
    if ready is None:
        return False
    _, reference, slip_values = ready
    series = [reference, *slip_values.values()]
    return all(apart(series[i], series[j])
               for i in range(len(series)) for j in range(i + 1, len(series)))


def _choices(side: str, kind: str) -> list[dict]:
    ranges = RANGES.get((side, kind), {})
    found = [{}]
    for name, values in ranges.items():
        found = [{**partial, name: value} for partial in found for value in values]
    return found


@cache
def _handed_out() -> tuple[tuple, ...]:
    variants = []
    for outer_kind in OUTER_KINDS:
        for inner_kind in INNER_KINDS:
            for outer_part in _choices("outer", outer_kind):
                for inner_part in _choices("inner", inner_kind):
                    params = {"outer": outer_kind, "inner": inner_kind,
                              **outer_part, **inner_part}
                    if distinguishable(params):
                        variants.append(key(params))
    return tuple(variants)


def all_params() -> list[dict]:
    return [dict(k) for k in _handed_out()]


def is_handed_out(params: object) -> bool:
    """Whether ``params`` is a variant ``all_params`` lists (checked without listing them)."""
    if not isinstance(params, dict) or params.get("outer") not in OUTER_KINDS \
            or params.get("inner") not in INNER_KINDS:
        return False
    ranges = {**RANGES.get(("outer", params["outer"]), {}),
              **RANGES.get(("inner", params["inner"]), {})}
    if set(params) != {"outer", "inner", *ranges}:
        return False
    for name, allowed in ranges.items():
        value = params[name]
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            return False
    return distinguishable(params)
