"""Variants of the practice-only items: the sum over paths (``fanout``) and where a layer's
factor comes from (``layer_factor``). Every number is the engine's (chapter/calculus).

Each generator returns, like quizzes/variants.py's own, the reference answer, every modelled
slip as (misconception, its number), and the {=name=} texts the bank's prompt, hints,
feedback and worked solution use. quizzes/variants.py registers them and decides which
variants are handed out (slips apart from the answer and from each other).
"""

from __future__ import annotations

from chapter.calculus import fan_out, relu, relu_prime, sigmoid, sigmoid_prime
from chapter.format import tex_number, tex_relation

FAN_X = (-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
FAN_POWERS = (2, 3)
FAN_SLOPES = (-2, 2, 3)
FAN_SHIFTS = (-1, 1, 2)
LAYER_ACTIVATIONS = {"sigmoid": (sigmoid, sigmoid_prime), "relu": (relu, relu_prime)}
LAYER_WEIGHTS = (-2.0, -1.5, -0.5, 0.5, 1.5, 2.0, 3.0)
LAYER_INPUTS = (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0)
REFERENCE_RANGE = {"fanout": (1e-2, 1e4), "layer_factor": (0.0, 10.0)}
# The chapter's own fan-out example (x = 3 through x² and 2x + 1): never handed out.
BASE_PARAMS = {"fanout": {"x": 3.0, "n": 2, "c": 2, "d": 1}}
# ReLU's rule states no 0 (it is some variants' answer) and few words (inline maths never wraps)
_ACTIVATION_TEX = {"sigmoid": (r"\sigma", r"\sigma'(z) = \sigma(z)\,(1-\sigma(z))"),
                   "relu": (r"\operatorname{ReLU}",
                            r"\operatorname{ReLU}'(z) = 1 \text{ for positive } z")}


class OutOfFamily(ValueError):
    """Parameters this module does not hand out (variants.py reports it as InvalidVariant)."""


def _invalid(message: str) -> Exception:
    return OutOfFamily(message)


def _numbers(texts: dict, **values: float) -> None:
    for name, value in values.items():
        texts[name] = tex_number(value)
        texts[f"{name}_rel"] = tex_relation(value)


def _line_tex(c: int, d: int) -> str:
    slope = {1: "", -1: "-"}.get(c, str(c))
    return f"{slope}x {'+' if d > 0 else '-'} {abs(d)}"


def fanout(params: dict) -> tuple[float, list, dict]:
    x, n, c, d = (params.get(k) for k in ("x", "n", "c", "d"))
    if x not in FAN_X or n not in FAN_POWERS or c not in FAN_SLOPES or d not in FAN_SHIFTS:
        raise _invalid("unknown fan-out parameters")
    f = fan_out(x, n, c, d)
    slips = [
        ("one-path-only", f.path_a),
        ("one-path-only", f.path_b),
        ("product-of-paths", f.path_a * f.path_b),
        ("local-derivatives-only", f.da_dx + f.db_dx),
        ("swapped-partials", f.dy_da * f.db_dx + f.dy_db * f.da_dx),
        ("sign-slip", -f.dy_dx),
    ]
    texts = {"x": tex_number(x), "a_tex": f"x^{{{n}}}", "b_tex": _line_tex(c, d),
             "da_tex": "2x" if n == 2 else f"{n}x^{{{n - 1}}}"}
    _numbers(texts, a=f.a, b=f.b, da_dx=f.da_dx, db_dx=f.db_dx, path_a=f.path_a,
             path_b=f.path_b, reference=f.dy_dx)
    # As a factor after a dot, a negative slope is bracketed: a · (−2), never a · −2.
    texts["db_factor"] = f"({texts['db_dx']})" if f.db_dx < 0 else texts["db_dx"]
    return f.dy_dx, slips, texts


def fanout_solution(params: dict) -> list[tuple[str, float]]:
    f = fan_out(params["x"], params["n"], params["c"], params["d"])
    return [("a", f.a), ("b", f.b), ("path a", f.path_a), ("path b", f.path_b),
            ("sum", f.dy_dx)]


def layer_factor(params: dict) -> tuple[float, list, dict]:
    act, w, a = (params.get(k) for k in ("act", "w", "a"))
    if act not in LAYER_ACTIVATIONS or w not in LAYER_WEIGHTS or a not in LAYER_INPUTS:
        raise _invalid("unknown layer parameters")
    phi, phi_prime = LAYER_ACTIVATIONS[act]
    z = w * a
    slope, value = float(phi_prime(z)), float(phi(z))
    reference = w * slope
    if act == "sigmoid":
        slips = [("factor-without-weight", slope), ("activation-not-derivative", w * value),
                 ("activation-not-derivative", value), ("weight-alone", w),
                 ("slope-at-input", w * float(phi_prime(a))), ("sign-slip", -reference)]
    elif z > 0:  # an active unit: ReLU′ = 1, so the factor is the weight itself
        slips = [("factor-without-weight", 1.0), ("activation-not-derivative", w * value),
                 ("relu-wrong-side", 0.0), ("sign-slip", -reference)]
    else:  # an inactive unit: ReLU′ = 0, so nothing passes, whatever the weight
        slips = [("relu-wrong-side", w), ("relu-wrong-side", 1.0)]
    act_tex, rule_tex = _ACTIVATION_TEX[act]
    texts = {"act_tex": act_tex, "act_rule": rule_tex, "w": tex_number(w),
             "a": tex_number(a)}
    _numbers(texts, z=z, slope=slope, reference=reference)
    return reference, slips, texts


def layer_factor_solution(params: dict) -> list[tuple[str, float]]:
    phi_prime = LAYER_ACTIVATIONS[params["act"]][1]
    z = params["w"] * params["a"]
    slope = float(phi_prime(z))
    return [("z", z), ("slope", slope), ("factor", params["w"] * slope)]


def hinted_values(generator: str, params: dict) -> list[float]:
    """The numbers a variant's hints state (p1's forward values and local derivatives, p2's
    z): a variant whose answer is one of them, or its negative, is not handed out."""
    if generator == "fanout":
        f = fan_out(params["x"], params["n"], params["c"], params["d"])
        return [params["x"], f.a, f.b, f.da_dx, f.db_dx]
    return [params["w"] * params["a"]]


GENERATORS = {"fanout": fanout, "layer_factor": layer_factor}
SOLUTIONS = {"fanout": fanout_solution, "layer_factor": layer_factor_solution}


def random_params(generator: str, rng) -> dict:
    if generator == "fanout":
        return {"x": rng.choice(FAN_X), "n": rng.choice(FAN_POWERS),
                "c": rng.choice(FAN_SLOPES), "d": rng.choice(FAN_SHIFTS)}
    return {"act": rng.choice(sorted(LAYER_ACTIVATIONS)), "w": rng.choice(LAYER_WEIGHTS),
            "a": rng.choice(LAYER_INPUTS)}


def all_params(generator: str) -> list[dict]:
    if generator == "fanout":
        return [{"x": x, "n": n, "c": c, "d": d} for x in FAN_X for n in FAN_POWERS
                for c in FAN_SLOPES for d in FAN_SHIFTS]
    return [{"act": act, "w": w, "a": a} for act in sorted(LAYER_ACTIVATIONS)
            for w in LAYER_WEIGHTS for a in LAYER_INPUTS]
