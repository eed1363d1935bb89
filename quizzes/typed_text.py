"""What a reader sees of a typed-derivative question: the prompt, a ladder of three hints, the
worked solution, and the feedback for each slip. Hints and feedback describe a step in words
and never compute the answer; only the worked solution (shown once earned) writes it out.
"""

from __future__ import annotations

from quizzes import typed_family as family
from quizzes.expression_write import math_element, mathml_body

FEEDBACK = {
    "forgot-inner": "You differentiated the outer function and evaluated it at the inner "
                    "function, but did not multiply by the inner function’s derivative, "
                    "du/dx.",
    "outer-at-x": "You differentiated the outer function but evaluated it at x instead of at "
                  "u, the inner function.",
    "inner-only": "You differentiated only the inner function: the outer function’s "
                  "derivative, evaluated at the inner function, is missing from the product.",
    "outer-not-differentiated": "You multiplied by the inner function’s derivative but kept "
                                "the outer function itself: differentiate the outer "
                                "function too.",
    "derivative-of-derivative": "You evaluated the outer function’s derivative at the inner "
                                "function’s derivative; it belongs at the inner function "
                                "itself, u.",
    "product-rule": "You used the product rule, but y is one function inside another, not a "
                    "product of two functions: that calls for the chain rule.",
    "power-not-lowered": "You brought the exponent down in front but did not lower the power "
                         "by one.",
    "sign": "Your answer has the right size but the wrong sign: check the sign of each "
            "derivative you used.",
}
LABELS = {  # each slip named for an instructor: the wrong method, in f and g
    "forgot-inner": "Forgot the inner derivative: f′(g(x))",
    "outer-at-x": "Outer derivative taken at x: f′(x)·g′(x)",
    "inner-only": "Inner derivative only: g′(x)",
    "outer-not-differentiated": "Outer function not differentiated: f(g(x))·g′(x)",
    "derivative-of-derivative": "Outer derivative taken at g′(x): f′(g′(x))",
    "product-rule": "Product rule on a composition: f′(x)·g(x) + f(x)·g′(x)",
    "power-not-lowered": "Power rule without lowering the exponent",
    "sign": "Sign slip: the whole derivative negated",
}
RIGHT = ("Right: the outer function’s derivative, evaluated at the inner function, times the "
         "inner function’s derivative.")
APPROXIMATE = ("Close to dy/dx at every point checked, but not equal to it: an approximation, "
               "such as a difference quotient with a small step, is not the derivative. Write "
               "the derivative itself: name the inner function u, find du/dx and dy/du, and "
               "multiply them.")
UNNAMED = ("That is not dy/dx: it differs from the derivative at some points, and it matches "
           "none of the usual slips. Name the inner function u, find du/dx and dy/du, and "
           "multiply them.")
_EQUALS = "<mo>=</mo>"
_TIMES = "<mo>·</mo>"


def _name(letter: str) -> str:
    return f"<mi>{letter}</mi>"


def _ratio(top: str, bottom: str) -> str:
    return (f"<mfrac><mrow><mi>d</mi><mi>{top}</mi></mrow>"
            f"<mrow><mi>d</mi><mi>{bottom}</mi></mrow></mfrac>")


def _equation(*parts: str) -> str:
    return math_element(_EQUALS.join(parts))


def prompt_html(params: dict) -> str:
    y = _equation(_name("y"), mathml_body(family.function(params)))
    return f"<p>Differentiate {y} with respect to x.</p>"


def hints(params: dict) -> tuple[str, ...]:
    g, _ = family.inner(params)
    f_of_u, _ = family.outer(params, family.U)
    u_is_g = _equation(_name("u"), mathml_body(g))
    y_is_f = _equation(_name("y"), mathml_body(f_of_u))
    chain = _equation(_ratio("y", "x"), _ratio("y", "u") + _TIMES + _ratio("u", "x"))
    return (
        f"<p>Name the inner function: let {u_is_g}. Then {y_is_f}, a function of u.</p>",
        f"<p>The chain rule multiplies two derivatives: {chain}. Differentiate y with "
        "respect to u first, treating u as the variable.</p>",
        f"<p>Evaluate {math_element(_ratio('y', 'u'))} at {u_is_g}, not at x, and multiply "
        f"it by {math_element(_ratio('u', 'x'))}, the derivative of the inner function.</p>",
    )


def solution_html(params: dict) -> str:
    g, dg = family.inner(params)
    f_of_u, df_of_u = family.outer(params, family.U)
    _, df_at_g = family.outer(params, g)
    product = ("mul", df_at_g, dg)
    answer = family.answer(params)
    steps = [
        ("Name the inner function", _equation(_name("u"), mathml_body(g))
         + ", so " + _equation(_name("y"), mathml_body(f_of_u)) + "."),
        ("Differentiate the inner function", _equation(_ratio("u", "x"), mathml_body(dg))
         + "."),
        ("Differentiate the outer function with respect to u",
         _equation(_ratio("y", "u"), mathml_body(df_of_u)) + "."),
        ("Evaluate it at the inner function",
         _equation(_ratio("y", "u"), mathml_body(df_at_g)) + "."),
        # Two equations, so a phone's narrow line breaks between them.
        ("Multiply",
         _equation(_ratio("y", "x"), _ratio("y", "u") + _TIMES + _ratio("u", "x"),
                   mathml_body(product)) + "; written in x, "
         + _equation(_ratio("y", "x"), mathml_body(answer)) + "."),
    ]
    items = "".join(f"<li>{title}: {body}</li>" for title, body in steps)
    return f"<ol class=\"worked-solution\">{items}</ol>"
