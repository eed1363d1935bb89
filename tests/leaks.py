"""What numbers a text states, for the tests that check feedback and hints give no key away.

A text is the bank's Markdown with TeX maths (``$0.1^{10}$``, ``$4e^4$``, ``$e^4 \\cdot 4$``),
Unicode (``0.1¹⁰``, ``4e⁴``, ``10⁻¹⁰``) or words ("ten factors of 0.1", "0.4 by itself 3
times"). ``candidates`` returns every number and every expression made of adjacent numbers,
constants and operators, each as the text a reader could type and its value (read by the
app's own parser, which never evals); ``stated`` the ones a sentence gives as a result (after
"=", "≈", "is"). The checker is deliberately greedy: a piece of an expression (the 2 of
``2x``, the 10 of ``0.1^{10}``) is a candidate too, so it errs towards flagging.
"""

from __future__ import annotations

import math
import re

from quizzes.numbers import NumberFormatError, parse_number

NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50})
NAMES = {"e", "pi", "exp", "sqrt", "ln", "sin", "cos", "tan"}
REPEATED = re.compile(r"factor|times|layer|itself|power|copies", re.I)
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_TOKEN = re.compile(r"(?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+(?![\d^(]))?|\.\d+)"
                    r"|(?P<name>[A-Za-z]+)|(?P<op>\*\*|[-+*/^()])|(?P<rel>[=≈]|\\approx)"
                    r"|(?P<space>\s+)|(?P<other>.)", re.S)


def plain(source: str) -> str:
    """TeX and Unicode maths as the typed grammar writes it; prose left as it is."""
    text = source.replace("$", " ").replace("−", "-").replace("–", "-")
    text = text.replace("\\approx", " ≈ ")
    text = re.sub(r"\\(?:,|;|!|quad|left|right|text\{[^}]*\})", " ", text)
    text = re.sub(r"\\d?frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", text)
    text = re.sub(r"\\(?:times|cdot)|[×·⋅]", "*", text)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+", lambda m: f"^({m.group().translate(_SUPERSCRIPTS)})",
                  text)
    text = re.sub(r"\\(exp|sin|cos|tan|ln|sqrt|pi)\b", r"\1", text)
    text = re.sub(r"\\[A-Za-z]+", " ", text)  # any other command (\sigma, \partial) ends a run
    return text.replace("{", "(").replace("}", ")").replace("'", " ").replace("′", " ")


def _runs(text: str) -> list[tuple[list[str], bool]]:
    """Runs of adjacent number tokens; each says whether it follows a relation (= ≈ is)."""
    runs, current, after_relation, pending_relation = [], [], False, False
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "number" or kind == "op" or (kind == "name" and value in NAMES):
            if not current:
                after_relation, pending_relation = pending_relation, False
            current.append(value)
            continue
        if current:
            runs.append((current, after_relation))
            current = []
        pending_relation = kind == "rel" or (kind == "name" and value.lower() in {"is", "gives"})
    if current:
        runs.append((current, after_relation))
    return runs


def _value(expression: str) -> float | None:
    try:
        value = parse_number(expression).value
    except NumberFormatError:
        return None
    return value if math.isfinite(value) else None


def candidates(source: str, words: bool = True) -> list[tuple[str, float]]:
    """Every number and expression the text holds and, with ``words``, the repeated products
    a sentence about factors, layers or times may describe (a count and a number in it)."""
    found: list[tuple[str, float]] = []
    text = plain(source)
    for tokens, _ in _runs(text):
        for i in range(len(tokens)):
            for j in range(i + 1, len(tokens) + 1):
                expression = " ".join(tokens[i:j])
                value = _value(expression)
                if value is not None:
                    found.append((expression, value))
    for sentence in re.split(r"(?<=[.;:?!])\s+|\n\s*\n", text) if words else ():
        if not REPEATED.search(sentence):
            continue
        counts = {NUMBER_WORDS[w.lower()] for w in re.findall(r"[A-Za-z]+", sentence)
                  if w.lower() in NUMBER_WORDS}
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?|\.\d+", sentence)}
        counts |= {int(n) for n in numbers if n.is_integer() and 1 < n <= 60}
        for d in numbers:
            for n in counts:
                found.append((f"{d:g}^{n}", d ** n))
    return found


def stated(source: str) -> list[tuple[str, float]]:
    """The numbers a text gives as results: a whole run straight after "=", "≈" or "is"."""
    found = []
    for tokens, after_relation in _runs(plain(source)):
        value = _value(" ".join(tokens)) if after_relation else None
        if value is not None:
            found.append((" ".join(tokens), value))
    return found


def same(a: float, b: float, tolerance: float = 1e-2) -> bool:
    return abs(a - b) <= tolerance * max(abs(a), abs(b)) if max(abs(a), abs(b)) else True


def leaks(source: str, key: float, chosen: float | None = None) -> list[str]:
    """How a text gives ``key`` away: a number or expression in it equal to the key, two
    results it states whose product or sum is the key, or a stated result that completes the
    reader's own answer ``chosen`` (times, plus, divided)."""
    found = [f"{text} = {value:g}" for text, value in candidates(source) if same(value, key)]
    results = [v for _, v in stated(source)]
    for n, a in enumerate(results):
        for b in results[n + 1:]:
            if same(a * b, key) or same(a + b, key):
                found.append(f"stated {a:g} and {b:g} combine to the key")
    if chosen is not None:
        for c in results:
            for combined in (chosen * c, chosen + c, chosen - c, *(
                    (chosen / c, c / chosen) if c and chosen else ())):
                if same(combined, key):
                    found.append(f"stated {c:g} completes the answer {chosen:g}")
    return found
