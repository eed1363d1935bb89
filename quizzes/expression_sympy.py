"""Trees of ``expressions.py`` to SymPy and back, so SymPy can differentiate, expand or factor
an expression the project's own grammar built. Reader text never reaches SymPy as text: no
``sympify`` and no ``parse_expr``, only this walk over a tree.
"""

from __future__ import annotations

import sympy

X = sympy.Symbol("x", real=True)
U = sympy.Symbol("u", real=True)


class sigma(sympy.Function):  # lower case, as SymPy names its functions
    """The logistic function σ(u) = 1/(1 + e⁻ᵘ), with σ′ = σ(1 − σ)."""

    def fdiff(self, argindex: int = 1):
        value = sigma(self.args[0])
        return value * (1 - value)


_FUNCTIONS = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "exp": sympy.exp,
              "ln": sympy.log, "sqrt": sympy.sqrt, "sigma": sigma}
_NAMES = {sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan", sympy.log: "ln",
          sympy.exp: "exp", sigma: "sigma"}


def to_sympy(node: tuple) -> sympy.Expr:
    kind = node[0]
    if kind == "num":
        value = node[1]
        return sympy.Integer(int(value)) if float(value).is_integer() else sympy.Float(value)
    simple = {"x": X, "u": U, "e": sympy.E, "pi": sympy.pi}
    if kind in simple:
        return simple[kind]
    if kind == "neg":
        return -to_sympy(node[1])
    if kind == "fn":
        return _FUNCTIONS[node[1]](to_sympy(node[2]))
    left, right = to_sympy(node[1]), to_sympy(node[2])
    combine = {"add": lambda: left + right, "sub": lambda: left - right,
               "mul": lambda: left * right, "div": lambda: left / right,
               "pow": lambda: left ** right}
    return combine[kind]()


def _number(value: sympy.Expr) -> tuple:
    if value.is_Rational and not value.is_Integer:
        numerator, denominator = (int(v) for v in value.as_numer_denom())
        fraction = ("div", ("num", float(abs(numerator))), ("num", float(denominator)))
        return ("neg", fraction) if numerator < 0 else fraction
    number = float(value)
    return ("neg", ("num", -number)) if number < 0 else ("num", number)


def _product(factors: list[tuple]) -> tuple:
    node = factors[0]
    for factor in factors[1:]:
        node = ("mul", node, factor)
    return node


def _mul(expr: sympy.Mul) -> tuple:
    top, bottom = [], []
    for factor in expr.as_ordered_factors():
        base, power = factor.as_base_exp()
        if power.is_number and power.is_negative and not factor.is_Number:
            bottom.append(from_sympy(base ** -power))
        else:
            top.append(from_sympy(factor))
    negative = top and top[0][0] == "neg"
    if negative:
        top[0] = top[0][1]
    if top and top[0] == ("num", 1.0) and len(top) > 1:
        top = top[1:]
    node = _product(top or [("num", 1.0)])
    if bottom:
        node = ("div", node, _product(bottom))
    return ("neg", node) if negative else node


def from_sympy(expr: sympy.Expr) -> tuple:
    """A tree (and so a reading in the answer grammar) for a SymPy expression."""
    if expr == X:
        return ("x",)
    if expr == U:
        return ("u",)
    if expr is sympy.E:
        return ("e",)
    if expr is sympy.pi:
        return ("pi",)
    if expr.is_Number:
        return _number(expr)
    if expr.is_Add:
        terms = [from_sympy(term) for term in expr.as_ordered_terms()]
        node = terms[0]
        for term in terms[1:]:
            node = ("sub", node, term[1]) if term[0] == "neg" else ("add", node, term)
        return node
    if expr.is_Mul:
        return _mul(expr)
    if expr.is_Pow:
        base, power = expr.args
        if power == sympy.Rational(1, 2):
            return ("fn", "sqrt", from_sympy(base))
        if power.is_number and power.is_negative:
            return ("div", ("num", 1.0), from_sympy(base ** -power))
        return ("pow", from_sympy(base), from_sympy(power))
    if isinstance(expr, sympy.exp):
        return ("pow", ("e",), from_sympy(expr.args[0]))
    if expr.func in _NAMES:
        return ("fn", _NAMES[expr.func], from_sympy(expr.args[0]))
    raise ValueError(f"No reading for {type(expr).__name__}.")
