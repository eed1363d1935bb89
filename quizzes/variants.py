"""Practice variants for "Try another": fresh numbers for q1 and q3, graded on the server.

A variant is a handful of parameters (which inner and outer function, which point; or how
deep and which local derivative). From them the server computes the reference answer and
what each named misconception would have produced, so a typed number can be matched to the
slip it reveals. The parameters travel to the browser and back in a token signed with the
app's secret key: the server grades without trusting the browser and without storing every
variant it ever handed out.

Only variants whose misconception values are clearly apart from the answer, and from each
other unless two slips give the very same number (then the feedback names both), are handed
out, so a number is never ambiguous between an explanation and the answer, or between two
explanations of which only one would be given.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from chapter.calculus import chain_product, inner_function, outer_function
from chapter.format import plain_number, tex_number, tex_relation
from quizzes import practice_generators as items

SALT = "checkpoint-practice-v1"
# Every modelled slip lies further from the answer than the rounding window reaches (at most
# 5 %: half a unit of the answer's second significant figure, see grading.py), and slips
# with different names lie more than two tolerances apart (1 % each), so no typed number
# can match the answer and a slip, or two different slips.
DISTINCT_FROM_ANSWER = 0.1
DISTINCT_SLIPS = 0.025
SAME_VALUE = 1e-9  # two slips this close are one number: its feedback names both
X_GRID = (-1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5)
INNER = {"pow": (2, 3), "sin": (0,), "lin": (-2, 2, 3, 4)}
OUTER = {"exp": (0,), "sin": (0,), "sigmoid": (0,), "pow": (2, 3)}
DEPTHS = range(3, 31)
LOCAL_DERIVATIVES = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75)
# Answers a person can type and read; q3 reaches the chapter's own scale of vanishing.
REFERENCE_RANGE = {"composition": (1e-3, 1e5), "depth": (0.9e-12, 1.0),
                   **items.REFERENCE_RANGE}
# The base questions' own parameters: a variant never repeats them (its receipt would give
# the base question's key away).
BASE_PARAMS = {"composition": {"inner": "pow", "a": 2, "outer": "exp", "b": 0, "x": 2.0},
               "depth": {"depth": 10, "d": 0.1}, **items.BASE_PARAMS}


class InvalidVariant(ValueError):
    """A token that was not signed here, or parameters outside what this module hands out."""


@dataclass(frozen=True)
class Variant:
    question_id: str
    generator: str
    params: dict
    reference: float
    slips: tuple[tuple[str, float], ...]  # every modelled slip: (misconception, its number)
    texts: dict[str, str]  # {=name=} values for the practice prompt, feedback, explanation
    solution: tuple[tuple[str, float], ...] = ()  # the worked solution's steps, the last final

    @property
    def solution_final(self) -> float:
        """The worked solution's last number: what the solution shown arrives at."""
        return self.solution[-1][1]

    @property
    def misconceptions(self) -> dict[str, float]:
        """Each named slip's number (the first, where one name models several forms), leaving
        out a slip whose number an earlier slip already gives: that number is stored under
        the earlier name, and its feedback names both."""
        named: dict[str, float] = {}
        for n, (name, value) in enumerate(self.slips):
            if name not in named and not any(_relative_gap(value, earlier) <= SAME_VALUE
                                             for _, earlier in self.slips[:n]):
                named[name] = value
        return named


# --- q1: y = f(g(x)) -------------------------------------------------------------------------

_INNER_TEX = {"pow": ("x^{{{a}}}", "{a}x^{{{a1}}}"), "sin": (r"\sin(x)", r"\cos(x)"),
              "lin": ("{a}x", "{a}")}
_OUTER_TEX = {"exp": ("e^{{u}}", "e^{{u}}"), "sin": (r"\sin(u)", r"\cos(u)"),
              "sigmoid": (r"\sigma(u)", r"\sigma(u)\,(1-\sigma(u))"),
              "pow": ("u^{{{b}}}", "{b}u^{{{b1}}}")}


def _composition(params: dict) -> tuple[float, dict[str, float], dict[str, str]]:
    inner, a, outer, b, x = (params.get(k) for k in ("inner", "a", "outer", "b", "x"))
    if (inner not in INNER or a not in INNER[inner] or outer not in OUTER
            or b not in OUTER[outer] or x not in X_GRID):
        raise InvalidVariant("unknown composition parameters")
    u, g_prime = inner_function(inner, a, x)
    f_value, f_prime = outer_function(outer, b, u)
    f_prime_at_x = outer_function(outer, b, x)[1]
    reference = f_prime * g_prime
    slips = [
        ("forgot-inner-derivative", f_prime),  # f′(g(x)) alone
        ("outer-at-x", f_prime_at_x * g_prime),  # f′(x)·g′(x)
        ("outer-at-x", f_prime_at_x),  # f′(x) alone
        ("added-instead-of-multiplied", f_prime + g_prime),
        ("forgot-outer-derivative", g_prime),
        ("inner-function-not-derivative", f_prime * u),  # f′(g(x))·g(x)
        ("outer-at-inner-derivative", outer_function(outer, b, g_prime)[1] * g_prime),
        ("sign-slip", -reference),
    ]
    if outer != "exp":  # eᵘ is its own derivative: for it these are no slips but the rule
        slips += [("function-not-derivative", f_value),  # f(g(x))
                  ("outer-not-differentiated", f_value * g_prime)]  # f(g(x))·g′(x)
    if outer == "pow":  # the power rule with the exponent kept: b·uᵇ for b·uᵇ⁻¹
        slips.append(("power-not-lowered", b * u ** b * g_prime))
    if inner == "pow":
        slips.append(("inner-derivative-constant", f_prime * a))  # d/dx xⁿ taken as n
        slips.append(("power-not-lowered", f_prime * a * x ** a))  # d/dx xⁿ taken as n·xⁿ
    inner_tex, inner_prime_tex = (t.format(a=a, a1=a - 1) for t in _INNER_TEX[inner])
    exponent_tex = str(a) if inner == "pow" else "n"  # only pow has an exponent slip
    if inner == "pow" and a == 2:
        inner_prime_tex = "2x"
    outer_tex, outer_prime_tex = (t.format(b=b, b1=b - 1) for t in _OUTER_TEX[outer])
    if outer == "pow" and b == 2:
        outer_prime_tex = "2u"
    texts = {"inner_tex": inner_tex, "inner_prime_tex": inner_prime_tex,
             "outer_tex": outer_tex, "outer_prime_tex": outer_prime_tex,
             "x": tex_number(x), "exponent": exponent_tex}
    for name, value in (("u", u), ("inner_prime", g_prime), ("outer_prime", f_prime),
                        ("reference", reference)):
        texts[name] = tex_number(value)
        texts[f"{name}_rel"] = tex_relation(value)
    return reference, slips, texts


# --- q3: a deep stack of equal local derivatives ----------------------------------------------

def _depth(params: dict) -> tuple[float, dict[str, float], dict[str, str]]:
    depth, d = params.get("depth"), params.get("d")
    if depth not in DEPTHS or d not in LOCAL_DERIVATIVES or isinstance(depth, bool):
        raise InvalidVariant("unknown depth parameters")
    reference = chain_product(d, depth)
    slips = [
        ("added-instead-of-multiplied", depth * d),
        ("no-compounding", d),
        ("off-by-one-layer", chain_product(d, depth - 1)),
        ("extra-layer", chain_product(d, depth + 1)),
        ("inverted-derivative", chain_product(1 / d, depth)),
        ("inverted-derivative", chain_product(1 / d, depth - 1)),
        ("inverted-derivative", chain_product(1 / d, depth + 1)),
    ]
    texts = {"depth": str(depth), "d": plain_number(d), "reference": tex_number(reference),
             "depth_less": str(depth - 1), "depth_more": str(depth + 1)}
    texts["reference_rel"] = tex_relation(reference)
    return reference, slips, texts


GENERATORS = {"composition": _composition, "depth": _depth, **items.GENERATORS}


def _composition_solution(params: dict) -> list[tuple[str, float]]:
    """The worked solution, one engine call per stage: where the inner stage takes x, what
    it passes on, each local derivative where its stage sees its input, then the product."""
    x = params["x"]
    u, g_prime = inner_function(params["inner"], params["a"], x)
    f_prime = outer_function(params["outer"], params["b"], u)[1]
    return [("x", x), ("u", u), ("inner_prime", g_prime), ("outer_prime", f_prime),
            ("product", f_prime * g_prime)]


def _depth_solution(params: dict) -> list[tuple[str, float]]:
    """The gradient layer by layer, each a product of the engine's local derivatives."""
    d, depth = params["d"], params["depth"]
    return [(f"after {n}", chain_product(d, n)) for n in range(1, depth + 1)]


SOLUTIONS = {"composition": _composition_solution, "depth": _depth_solution,
             **items.SOLUTIONS}


def build(question_id: str, generator: str, params: dict) -> Variant:
    if generator not in GENERATORS or not isinstance(params, dict):
        raise InvalidVariant("unknown practice generator")
    try:
        reference, slips, texts = GENERATORS[generator](params)
    except items.OutOfFamily as exc:
        raise InvalidVariant(str(exc)) from None
    solution = SOLUTIONS[generator](params)
    final = solution[-1][1]
    texts = {**texts, "solution": tex_number(final), "solution_rel": tex_relation(final)}
    if generator == "depth":
        two = solution[min(1, len(solution) - 1)][1]
        texts.update(two=tex_number(two), two_rel=tex_relation(two))
    return Variant(question_id, generator, dict(params), reference, tuple(slips), texts,
                   tuple(solution))


def _relative_gap(a: float, b: float) -> float:
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else 0.0


def is_base(variant: Variant) -> bool:
    """The base question itself, or a variant whose answer is the base question's key (for a
    practice-only item: the chapter's own worked example, where it has one)."""
    if variant.generator not in BASE_PARAMS:
        return False
    base = build(variant.question_id, variant.generator, BASE_PARAMS[variant.generator])
    return (variant.params == base.params
            or _relative_gap(variant.reference, base.reference) <= DISTINCT_FROM_ANSWER)


def distinguishable(variant: Variant) -> bool:
    """Every modelled slip gives a number clearly apart from the answer, and slips with
    different names give numbers apart from each other (or the very same number)."""
    low, high = REFERENCE_RANGE[variant.generator]
    values = [v for _, v in variant.slips]
    if not all(math.isfinite(v) for v in [variant.reference, *values]):
        return False
    if not low <= abs(variant.reference) <= high:
        return False
    if any(_relative_gap(variant.reference, v) <= DISTINCT_FROM_ANSWER for v in values):
        return False
    return all(name_a == name_b or _relative_gap(a, b) <= SAME_VALUE
               or _relative_gap(a, b) > DISTINCT_SLIPS
               for i, (name_a, a) in enumerate(variant.slips)
               for name_b, b in variant.slips[i + 1:])


def handed_out(variant: Variant) -> bool:
    """Whether "Try another" may hand this variant out: not when a hint states its answer."""
    stated = (items.hinted_values(variant.generator, variant.params)
              if variant.generator in items.GENERATORS else [])
    return (distinguishable(variant) and not is_base(variant)
            and all(_relative_gap(abs(variant.reference), abs(v)) > DISTINCT_FROM_ANSWER
                    for v in stated))


def random_params(generator: str, rng) -> dict:
    if generator in items.GENERATORS:
        return items.random_params(generator, rng)
    if generator == "composition":
        inner, outer = rng.choice(sorted(INNER)), rng.choice(sorted(OUTER))
        return {"inner": inner, "a": rng.choice(INNER[inner]), "outer": outer,
                "b": rng.choice(OUTER[outer]), "x": rng.choice(X_GRID)}
    return {"depth": rng.choice(DEPTHS), "d": rng.choice(LOCAL_DERIVATIVES)}


def all_params(generator: str) -> list[dict]:
    """Every parameter set the generator can draw, in a fixed order (for tests)."""
    if generator in items.GENERATORS:
        return items.all_params(generator)
    if generator == "composition":
        return [{"inner": i, "a": a, "outer": o, "b": b, "x": x}
                for i in sorted(INNER) for a in INNER[i] for o in sorted(OUTER)
                for b in OUTER[o] for x in X_GRID]
    return [{"depth": n, "d": d} for n in DEPTHS for d in LOCAL_DERIVATIVES]


def new_variant(question_id: str, generator: str, rng=None) -> Variant:
    """A fresh variant whose every slip is recognisable and which is not the base question.
    Most draws qualify; the rest are drawn again."""
    rng = rng or secrets.SystemRandom()
    while True:
        variant = build(question_id, generator, random_params(generator, rng))
        if handed_out(variant):
            return variant


class VariantSigner:
    """Variant parameters in a token only this server can have made, bound to the reader it
    was handed to and to when: another reader's token, or one older than ``max_age``, is
    refused, so a token cannot be passed round a class or kept for later."""

    def __init__(self, secret_key: str, max_age: timedelta = timedelta(days=1)):
        self._serializer = URLSafeSerializer(secret_key, salt=SALT)
        self.max_age = max_age

    def dumps(self, variant: Variant, learner: str, issued: datetime) -> str:
        return self._serializer.dumps({"q": variant.question_id, "g": variant.generator,
                                       "p": variant.params, "l": learner,
                                       "t": int(issued.timestamp()), "n": secrets.token_hex(4)})

    def loads(self, token: object, question_id: str, learner: str | None,
              now: datetime) -> Variant:
        if not isinstance(token, str) or len(token) > 1000:
            raise InvalidVariant("the practice token must be the text it was sent as")
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise InvalidVariant("this practice question's token is not one this server "
                                 "made; press Try another for a new question") from None
        if not isinstance(data, dict) or data.get("q") != question_id:
            raise InvalidVariant(f"this practice token belongs to {data.get('q')}, "
                                 f"not {question_id}" if isinstance(data, dict) else
                                 "this is not a practice question's token")
        check_holder(data, learner, now, self.max_age, "practice question",
                     "press Try another for a fresh one")
        return build(question_id, data.get("g"), data.get("p"))

    def inspect(self, token: str, question_id: str) -> Variant:
        """The variant a token names, its signature checked but not its reader or age: for
        tests and operators reading a stored token, never for a reader's request."""
        data = self._serializer.loads(token)
        return build(question_id, data.get("g"), data.get("p"))


def check_holder(data: dict, learner: str | None, now: datetime, max_age: timedelta,
                 what: str, remedy: str) -> None:
    """A signed token's reader and issue time: refused for anyone but the reader it was
    handed to (a token from before tokens named their reader names nobody, and is refused
    too), and once older than ``max_age``."""
    if not learner or data.get("l") != learner:
        raise InvalidVariant(f"this {what} was handed to another reader (another browser, "
                             f"or this one before it switched to saved progress): {remedy}")
    issued = data.get("t")
    if not isinstance(issued, int) or isinstance(issued, bool):
        raise InvalidVariant(f"this {what}'s token has no issue time: {remedy}")
    age = now.timestamp() - issued
    if age > max_age.total_seconds():
        hours = max_age.total_seconds() / 3600
        span = "a day" if hours == 24 else f"{hours:g} hours"
        raise InvalidVariant(f"this {what} is older than {span}, when its token expires: "
                             f"{remedy}")
