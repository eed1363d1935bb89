"""Typed numeric answers, read safely: never ``eval``, only a small grammar of arithmetic.

A reader may type what they would write on paper::

    218.4   2.18e2   4e^4   4*exp(4)   4·e^4   0.1^10   10^-10   1/1024   (0.25)^10
    9.5×10⁻⁷   9.5 x 10^-7   9.5·10^-7   9.5*10**-7   9.5e-7

Accepted: decimals and scientific notation; + − × ÷ (also * / · and **), ^ for powers;
superscript digits and signs (10⁻⁷, e⁴); an ``x`` between two numbers multiplies them;
parentheses; the constants e and pi (π); the functions exp, sqrt, ln, sin, cos, tan with
parentheses. A number written straight before a name or a bracket multiplies it (``4e^4``
is 4·e⁴, while ``4e4`` is scientific notation for 40000, as every calculator reads them).

Everything is computed in floating point, so no input can build a huge integer; inputs are
short and shallow, so no input can exhaust the stack. Anything else is a ``NumberFormatError``
whose message says what is expected.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_LENGTH = 100
MAX_DEPTH = 20
EXPECTED = "Type a number such as 218.4, 2.18e2 or 4*e^4."

CONSTANTS = {"e": math.e, "pi": math.pi, "π": math.pi}
FUNCTIONS = {"exp": math.exp, "sqrt": math.sqrt, "ln": math.log,
             "sin": math.sin, "cos": math.cos, "tan": math.tan}
_SYNONYMS = str.maketrans({"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "÷": "/"})
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
# "9.5 x 10^-7": a letter x read as a times sign, only between a number and a number.
_TIMES_X = re.compile(r"(?<=[\d.)])\s*[xX]\s*(?=[\d.(])")
# "1,024" (thousands) or "4,2" (a decimal comma): said back in words, both ways it may be meant.
_COMMA_NUMBER = re.compile(r"\d*,\d+(?:,\d+)*")
_DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
_TEENS = ("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
          "nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[A-Za-zπ]+)
    | (?P<op>\*\*|[-+*/^()])
    )""", re.X)


class NumberFormatError(ValueError):
    """The text is not a number this parser understands; the message says what to type."""

    def __init__(self, problem: str):
        super().__init__(f"{problem} {EXPECTED}")
        self.problem = problem  # what is wrong, without the examples (a caller may add its own)


@dataclass(frozen=True)
class ParsedNumber:
    text: str  # what the reader typed, trimmed, with runs of spaces collapsed
    value: float


def _words(n: int) -> str:
    """A whole number below a billion in words: 1024 → "one thousand and twenty-four"."""
    if n < 10:
        return _DIGIT_WORDS[n]
    if n < 20:
        return _TEENS[n - 10]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else "-" + _DIGIT_WORDS[n % 10])
    for size, name in ((10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            head, rest = divmod(n, size)
            if not rest:
                return f"{_words(head)} {name}"
            joiner = " and " if rest < 100 else " "
            return f"{_words(head)} {name}{joiner}{_words(rest)}"
    raise ValueError(n)


def _point_words(whole: str, fraction: str) -> str:
    head = _words(int(whole)) if whole else "zero"
    return f"{head} point {' '.join(_DIGIT_WORDS[int(d)] for d in fraction)}"


def _comma_problem(text: str) -> str:
    """What a number written with a comma means, each way it may have been meant."""
    match = _COMMA_NUMBER.search(text)
    written = match.group() if match else ","
    groups = written.split(",")
    decimal = f"{groups[0] or '0'}.{''.join(groups[1:])}"
    as_decimal = _point_words(groups[0], "".join(groups[1:]))
    thousands = (len(groups) > 1 and groups[0] != "" and len(groups[0]) <= 3
                 and all(len(g) == 3 for g in groups[1:]) and len(written) <= 11)
    if thousands and len(groups) == 2:
        whole = "".join(groups)
        return (f"{written} has a comma: write {whole} for {_words(int(whole))}, "
                f"or {decimal} for {as_decimal}.")
    if thousands:
        whole = "".join(groups)
        return f"{written} has commas: write {whole} for {_words(int(whole))}."
    if match and len(groups) == 2 and len(groups[0]) <= 9 and len(groups[1]) <= 12:
        return (f"{written} has a comma: use a point for decimals, {decimal} for "
                f"{as_decimal}.")
    return "Use a point for decimals and no commas between thousands."


def _superscript(match: re.Match) -> str:
    power = match.group().translate(_SUPERSCRIPT)
    if not power.lstrip("+-").isdigit() or power.count("-") + power.count("+") > 1:
        raise NumberFormatError(f"The power “{match.group()}” needs its digits after its "
                                "sign, as in 10⁻⁷.")
    return f"^({power})"


def _readable(text: str) -> str:
    """The same answer in the parser's own spelling: superscripts as ^(…), a times x as *."""
    text = _SUPERSCRIPT_RUN.sub(_superscript, text)
    return _TIMES_X.sub("*", text.translate(_SYNONYMS))


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            bad = text[pos:].strip()[:1]
            if bad == ",":
                raise NumberFormatError(_comma_problem(text))
            raise NumberFormatError(f"“{bad}” is not part of a number.")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            wanted = f"“{value}”" if value else "more"
            raise NumberFormatError(f"Expected {wanted} at the end.")
        self.pos += 1
        return token

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise NumberFormatError("Too many nested brackets.")

    def expression(self) -> float:
        self.nested()
        value = self.term()
        while (token := self.peek()) and token[1] in "+-":
            self.take()
            value = value + self.term() if token[1] == "+" else value - self.term()
        self.depth -= 1
        return value

    def term(self) -> float:
        value = self.unary()
        while token := self.peek():
            if token[1] in ("*", "/"):
                self.take()
                right = self.unary()
                if token[1] == "/" and right == 0:
                    raise NumberFormatError("That divides by zero.")
                value = value * right if token[1] == "*" else value / right
            elif token[0] == "name" or token[1] == "(":
                value *= self.unary()  # 4e^4, 2(3+1): a number written before a name
            else:
                break
        return value

    def unary(self) -> float:
        token = self.peek()
        if token and token[1] in "+-":
            self.take()
            self.nested()
            value = self.unary()
            self.depth -= 1
            return -value if token[1] == "-" else value
        return self.power()

    def power(self) -> float:
        base = self.atom()
        token = self.peek()
        if token and token[1] in ("^", "**"):
            self.take()
            self.nested()
            exponent = self.unary()  # right-associative, and 10^-10 works
            self.depth -= 1
            try:
                result = base ** exponent
            except ZeroDivisionError:
                raise NumberFormatError("That divides by zero.") from None
            if isinstance(result, complex):
                raise NumberFormatError("A negative number to a fractional power is not real.")
            return result
        return base

    def atom(self) -> float:
        kind, value = self.take()
        if kind == "number":
            return float(value)
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if kind == "name":
            if value in CONSTANTS:
                return CONSTANTS[value]
            if value in FUNCTIONS:
                if not (self.peek() and self.peek()[1] == "("):
                    raise NumberFormatError(f"Write {value}(…) with brackets.")
                self.take("(")
                argument = self.expression()
                self.take(")")
                try:
                    return FUNCTIONS[value](argument)
                except ValueError:
                    raise NumberFormatError(f"{value}({argument:g}) is not defined.") from None
            known = ", ".join([*CONSTANTS, *FUNCTIONS])
            raise NumberFormatError(f"“{value}” is not a name I know (known: {known}).")
        raise NumberFormatError(f"“{value}” cannot start a number.")


def parse_number(text: object) -> ParsedNumber:
    """The value of a typed answer, or ``NumberFormatError`` saying what to type instead."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise NumberFormatError("The answer must be text or a number.")
    text = " ".join(str(text).split())
    if not text:
        raise NumberFormatError("The answer is empty.")
    if len(text) > MAX_LENGTH:
        raise NumberFormatError(f"The answer is longer than {MAX_LENGTH} characters.")
    if "," in text:
        raise NumberFormatError(_comma_problem(text))
    parser = _Parser(_tokens(_readable(text)))
    try:
        value = parser.expression()
    except OverflowError:
        raise NumberFormatError("That number is too large to compute.") from None
    if parser.peek() is not None:
        raise NumberFormatError(f"Unexpected “{parser.peek()[1]}”.")
    if not math.isfinite(value):
        raise NumberFormatError("That is not a finite number.")
    return ParsedNumber(text, float(value))
