"""A tree from ``expressions.py`` written out: its value at many points (NumPy), its reading in
the answer grammar (every product with *, every function with brackets), MathML, and words
for a screen reader (function application read "of": "cosine of x").
"""

from __future__ import annotations

import numpy as np

_PRECEDENCE = {"add": 1, "sub": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5}
_NUMPY = {"sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "ln": np.log,
          "sqrt": np.sqrt, "sigma": lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))}
_CONSTANT = {"x": None, "u": None, "e": np.e, "pi": np.pi}  # u: only in the worked solution
_ATOMS = ("num", "x", "u", "e", "pi")
_SPOKEN = {"sin": "sine", "cos": "cosine", "tan": "tangent", "exp": "the exponential",
           "ln": "the natural log", "sqrt": "the square root", "sigma": "sigma"}
_MATHML_NAME = {"sigma": "σ", "sqrt": "sqrt"}
_INVISIBLE_TIMES, _APPLY, _MINUS = "&#x2062;", "&#x2061;", "&#x2212;"


def precedence(node: tuple) -> int:
    return _PRECEDENCE.get(node[0], 9)


def evaluate(node: tuple, x: np.ndarray) -> np.ndarray:
    """The value at every point of ``x`` (NaN or inf where undefined; call it inside
    ``np.errstate(all="ignore")``)."""
    kind = node[0]
    if kind == "num":
        return np.full_like(x, node[1])
    if kind in _CONSTANT:
        if _CONSTANT[kind] is None:
            return x.copy()
        return np.full_like(x, _CONSTANT[kind])
    if kind == "neg":
        return -evaluate(node[1], x)
    if kind == "fn":
        return _NUMPY[node[1]](evaluate(node[2], x))
    left, right = evaluate(node[1], x), evaluate(node[2], x)
    if kind == "add":
        return left + right
    if kind == "sub":
        return left - right
    if kind == "mul":
        return left * right
    if kind == "div":
        return left / right
    return np.power(left, right)


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _wrap(text: str, inside: bool) -> str:
    return f"({text})" if inside else text


def _signed(node: tuple) -> bool:
    """Whether the node's reading starts with a minus sign (then "--" or "- -" would follow)."""
    while node[0] in ("add", "sub", "mul", "div"):
        node = node[1]
    return node[0] == "neg"


def reading(node: tuple) -> str:
    """The expression as understood, in the answer grammar: ``6*x*cos(3*x^2)``."""
    kind = node[0]
    if kind == "num":
        return number_text(node[1])
    if kind in _CONSTANT:
        return kind
    if kind == "fn":
        return f"{node[1]}({reading(node[2])})"
    if kind == "neg":
        return "-" + _wrap(reading(node[1]), precedence(node[1]) < 3 or _signed(node[1]))
    left, right = node[1], node[2]
    if kind in ("add", "sub"):
        sign = " + " if kind == "add" else " - "
        return reading(left) + sign + _wrap(reading(right),
                                            precedence(right) <= 2 or _signed(right))
    if kind in ("mul", "div"):
        sign = "*" if kind == "mul" else "/"
        return (_wrap(reading(left), precedence(left) < 2) + sign
                + _wrap(reading(right), precedence(right) <= 3))
    return (_wrap(reading(left), precedence(left) < 9)
            + "^" + _wrap(reading(right), right[0] not in _ATOMS))


def _fenced(inner: str) -> str:
    return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>"


def _ml(node: tuple) -> str:
    kind = node[0]
    if kind == "num":
        return f"<mn>{number_text(node[1])}</mn>"
    if kind in _CONSTANT:
        return "<mi>π</mi>" if kind == "pi" else f"<mi>{kind}</mi>"
    if kind == "fn":
        if node[1] == "sqrt":
            return f"<msqrt>{_ml(node[2])}</msqrt>"
        name = _MATHML_NAME.get(node[1], node[1])
        return f"<mi>{name}</mi><mo>{_APPLY}</mo>{_fenced(_ml(node[2]))}"
    if kind == "neg":
        inner = _ml(node[1]) if precedence(node[1]) >= 3 else _fenced(_ml(node[1]))
        return f"<mrow><mo>{_MINUS}</mo>{inner}</mrow>"
    left, right = node[1], node[2]
    if kind == "div":
        return f"<mfrac><mrow>{_ml(left)}</mrow><mrow>{_ml(right)}</mrow></mfrac>"
    if kind == "pow":
        base = _ml(left)
        return (f"<msup><mrow>{_fenced(base) if precedence(left) < 9 else base}</mrow>"
                f"<mrow>{_ml(right)}</mrow></msup>")
    if kind in ("add", "sub"):
        sign = "+" if kind == "add" else _MINUS
        inner = _ml(right)
        return (f"<mrow>{_ml(left)}<mo>{sign}</mo>"
                f"{_fenced(inner) if precedence(right) <= 2 else inner}</mrow>")
    fence = precedence(right) < 3
    sign = "·" if _leftmost(right)[0] == "num" and not fence else _INVISIBLE_TIMES
    parts = [_fenced(_ml(left)) if precedence(left) < 2 else _ml(left),
             _fenced(_ml(right)) if fence else _ml(right)]
    return f"<mrow>{parts[0]}<mo>{sign}</mo>{parts[1]}</mrow>"


def _leftmost(node: tuple) -> tuple:
    while node[0] in ("mul", "div", "pow", "add", "sub"):
        node = node[1]
    return node


def mathml_body(node: tuple) -> str:
    """The MathML inside ``<math>``, for a caller composing an equation."""
    return _ml(node)


def math_element(body: str, display: str = "inline") -> str:
    return (f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{display}">'
            f"<mrow>{body}</mrow></math>")


def mathml(node: tuple) -> str:
    return math_element(_ml(node))


def _simple(node: tuple) -> bool:
    if node[0] == "neg":
        return _simple(node[1])
    return node[0] in ("num", "x", "e", "pi") or (
        node[0] == "pow" and node[1][0] in ("x", "e") and node[2][0] == "num"
        and node[2][1] in (2.0, 3.0, *_ORDINALS))


def _grouped(node: tuple) -> str:
    spoken = speech(node)
    return spoken if _simple(node) else f"open bracket, {spoken}, close bracket"


_ORDINALS = {4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth", 9: "ninth",
             10: "tenth"}


def _power_words(base: tuple, power: tuple) -> str:
    """x squared, x cubed, x to the fourth, and otherwise "to the power …, end power", so
    that what follows a power is never heard as part of its exponent."""
    said = speech(base) if base[0] in _ATOMS else _grouped_always(base)
    if power[0] == "num" and power[1] in (2.0, 3.0):
        return f"{said} {'squared' if power[1] == 2 else 'cubed'}"
    if power[0] == "num" and power[1] in _ORDINALS:
        return f"{said} to the {_ORDINALS[int(power[1])]}"
    return f"{said} to the power {speech(power)}, end power"


def _grouped_always(node: tuple) -> str:
    return f"open bracket, {speech(node)}, close bracket"


def speech(node: tuple) -> str:
    """Words for the expression: "6 x times cosine of open bracket, 3 x squared, ..."."""
    kind = node[0]
    if kind == "num":
        return number_text(node[1])
    if kind in _CONSTANT:
        return kind
    if kind == "fn":
        argument = node[2]
        said = speech(argument) if argument[0] in _ATOMS else _grouped_always(argument)
        return f"{_SPOKEN[node[1]]} of {said}"
    if kind == "neg":
        return f"minus {_grouped(node[1]) if precedence(node[1]) < 3 else speech(node[1])}"
    left, right = node[1], node[2]
    if kind == "pow":
        return _power_words(left, right)
    if kind == "div":
        if _simple(left) and _simple(right):
            return f"{speech(left)} over {speech(right)}"
        return f"the fraction {speech(left)}, over {speech(right)}, end fraction"
    if kind == "mul":
        plain = right[0] in ("x", "pi", "e") or (
            right[0] == "pow" and right[1][0] in ("x", "e"))
        joiner = " " if left[0] == "num" and plain else " times "
        parts = [_grouped(left) if precedence(left) < 2 else speech(left),
                 _grouped_always(right) if right[0] == "neg"
                 else _grouped(right) if precedence(right) < 3 else speech(right)]
        return joiner.join(parts)
    sign = " plus " if kind == "add" else " minus "
    return speech(left) + sign + (_grouped_always(right) if precedence(right) <= 2
                                  else speech(right))
