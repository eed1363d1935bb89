"""Typed expressions in x, read safely into a tree: never ``eval``, only a small grammar.

A reader types a derivative as they would write it on paper::

    6x cos(3x^2)   6*x*cos(3*x**2)   6x·cos(3x²)   2x/(x²+1)   −3sin(3x+1)   e^(x^2)·2x
    cos^2(x)   cos(x)^2   2 sin x cos x   sigma(x)(1 − sigma(x))   √(2x+1)   (x+1)(x−1)

Read: numbers (decimals, 2.5e3), x, e, pi (π); + − × ÷ and * / · ** ^; superscripts (x², e⁻ˣ);
brackets ( ) [ ] { }; sin cos tan, exp, ln and log (both the natural logarithm, as in NumPy
and SymPy), sqrt and √, sigma, sigmoid and σ (the logistic function 1/(1 + e⁻ᵘ)).
Conventions, each one said back in the reading so a reader sees what was understood:

- Writing two factors side by side multiplies them: 2x, 2 x, x(x+1), 2sin(x), (x+1)(x−1).
- A function without brackets acts on the product that follows, up to the next sign or
  function: ``sin 2x`` is sin(2x), ``sin x^2`` is sin(x²), ``sin x cos x`` is sin(x)·cos(x),
  ``ln x + 1`` is ln(x) + 1; a bracket after it (``sin x (x+1)``) is asked about, not
  guessed. √ acts on one factor: ``√x^2`` is √(x²), ``√x·x`` is √x·x.
- ``cos^2(x)``, ``cos²x`` and ``cos(x)^2`` are all (cos x)²; ^ groups from the right;
  ``-x^2`` is −(x²); ``e^-x`` is e^(−x).
- Refused, with a proposal: a number power run into a letter (``e^2x``: e^(2x) or e²·x?), a
  letter run into a number (``x2``), a function with nothing to act on (``ln*x``), unknown
  names (the nearest known one proposed), unbalanced brackets, an exponent missing (``x^``).
Text over 200 characters, nested over 20 deep (brackets, functions, signs and powers each
count a level; a function's own bracket does not) or with a number over a million is refused
before anything is evaluated. The tree is plain tuples: ("num", value), ("x",), ("e",),
("pi",), ("neg", a), (op, a, b) for op in add sub mul div pow, ("fn", name, a).
"""

from __future__ import annotations

from quizzes.expression_tokens import MAX_DEPTH, Token, Unreadable, tokens

__all__ = ["Unreadable", "parse"]
_BINARY = {"+": "add", "-": "sub", "*": "mul", "/": "div"}


def _starts_factor(token: Token | None) -> bool:
    return token is not None and (token.kind != "op" or token.text == "(")


class _Parser:
    def __init__(self, found: list[Token], text: str):
        self.found, self.text, self.at, self.depth = found, text, 0, 0

    def peek(self, ahead: int = 0) -> Token | None:
        at = self.at + ahead
        return self.found[at] if at < len(self.found) else None

    def is_op(self, text: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind == "op" and token.text == text

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise Unreadable(f"“{self.text.strip()}” stops too soon: something is missing at "
                             "the end.", len(self.text.rstrip()))
        self.at += 1
        return token

    def enter(self) -> None:
        """One level deeper, opened by the token just taken (a sign, ^, bracket, function)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unreadable(f"The expression nests more than {MAX_DEPTH} deep: write a "
                             "simpler form.", self.found[self.at - 1].pos)

    def expression(self) -> tuple:
        node = self.term()
        while (token := self.peek()) and token.kind == "op" and token.text in "+-":
            self.take()
            node = (_BINARY[token.text], node, self.term())
        return node

    def term(self) -> tuple:
        start, divided = self.peek(), None
        node = self.signed()
        while token := self.peek():
            if token.kind == "op" and token.text in "*/":
                self.take()
                node = (_BINARY[token.text], node, self.signed())
                divided = token if token.text == "/" else None
            elif _starts_factor(token):
                self._check_numbers_apart(token)
                node = ("mul", node, self.power())
                if divided is not None and not token.spaced:
                    raise self._run_on_division(start, divided, token)
                divided = None
            else:
                break
        return node

    def _run_on_division(self, start: Token, divided: Token, token: Token) -> Unreadable:
        """``1/2x`` may be 1/(2x) or (1/2)·x: a divisor run straight into a factor."""
        end = self.peek().pos if self.peek() is not None else len(self.text)
        top = self.text[start.pos:divided.pos].strip()
        by = self.text[divided.pos + len(divided.typed or divided.text):token.pos].strip()
        then = self.text[token.pos:end].strip()
        return Unreadable(f"I can read “{top}/{by}{then}” two ways: {top}/({by}{then}), or "
                          f"{top}/{by} times {then}. Write {top}/({by}*{then}) or "
                          f"({top}/{by})*{then}.", token.pos)

    def _check_numbers_apart(self, token: Token) -> None:
        before = self.found[self.at - 1]
        if token.kind == "number" and before.kind == "number" and not token.spaced:
            raise Unreadable(f"“{before.typed}{token.typed}” has two decimal points: write "
                             "one number, or * between two.", token.pos)
        if token.kind == "number" and before.kind == "number":
            raise Unreadable(f"I read “{before.typed} {token.typed}” as {before.text} × "
                             f"{token.text}: did you mean {before.text}{token.text} or "
                             f"{before.text}*{token.text}?", token.pos)

    def signed(self) -> tuple:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.take()
            self.enter()
            node = self.signed()
            self.depth -= 1
            return ("neg", node) if token.text == "-" else node
        return self.power()

    def power(self) -> tuple:
        start = self.peek()
        base = self.atom()
        if not self.is_op("^"):
            return base
        caret = self.take()
        self.enter()
        bracketed = self.is_op("(")
        exponent = self.exponent(caret)
        self.depth -= 1
        if not bracketed:
            self._check_run_on(start, caret, exponent)
        return ("pow", base, exponent)

    def exponent(self, caret: Token) -> tuple:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in "+-":
            self.take()
            self.enter()
            node = self.exponent(caret)
            self.depth -= 1
            return ("neg", node) if token.text == "-" else node
        if not _starts_factor(token):
            base = self.text[:caret.pos].strip() or "x"
            raise Unreadable(f"“{caret.typed}” needs a power after it: did you mean "
                             f"{base}^2?",
                             caret.pos + 1)
        node = self.atom()
        if self.is_op("^"):
            inner = self.take()
            self.enter()
            node = ("pow", node, self.exponent(inner))
            self.depth -= 1
        return node

    def _check_run_on(self, start: Token, caret: Token, exponent: tuple) -> None:
        """``e^2x`` may be e^(2x) or e²·x: a number power run straight into a letter."""
        after = self.peek()
        number = exponent[0] == "num" or (exponent[0] == "neg" and exponent[1][0] == "num")
        if not number or after is None or after.kind != "name" or after.spaced:
            return
        base = self.text[start.pos:caret.pos].strip()
        power = self.text[caret.pos + len(caret.typed):after.pos].strip()
        raise Unreadable(f"I can read “{base}^{power}{after.typed}” two ways: "
                         f"{base}^({power}{after.typed}), or {base}^{power} times "
                         f"{after.typed}. Write {base}^({power}*{after.typed}) or "
                         f"{base}^{power}*{after.typed}.", after.pos)

    def atom(self) -> tuple:
        token = self.take()
        if token.kind == "number":
            return ("num", float(token.text))
        if token.kind == "name":
            return (token.text,)
        if token.kind == "function":
            return self.function(token)
        if token.text == "(":
            return self.bracket(token)
        if token.text == ")":
            raise Unreadable(f"The closing bracket at character {token.pos + 1} has no "
                             "opening bracket before it.", token.pos)
        raise Unreadable(f"“{token.typed}” at character {token.pos + 1} needs something "
                         "before it.", token.pos)

    def bracket(self, opening: Token, nested: bool = True) -> tuple:
        """What a bracket holds: a level of its own, unless it is a function's."""
        if self.is_op(")"):
            raise Unreadable("The brackets are empty: put an expression inside them.",
                             opening.pos)
        if nested:
            self.enter()
        inner = self.expression()
        self.depth -= nested
        if not self.is_op(")"):
            where = self.peek()
            if where is None:
                raise Unreadable(f"The bracket opened at character {opening.pos + 1} is "
                                 f"never closed: did you mean {self.text.strip()})?",
                                 opening.pos)
            raise Unreadable(f"I expected “)” before “{where.typed}” at character "
                             f"{where.pos + 1}.", where.pos)
        self.take()
        return inner

    def function(self, name: Token) -> tuple:
        self.enter()
        power = self.function_power(name) if self.is_op("^") else None
        if self.is_op("("):
            argument = self.bracket(self.take(), nested=False)
        elif _starts_factor(self.peek()):
            argument = self.bare_argument(name)
        else:
            raise self._no_argument(name)
        self.depth -= 1
        node = ("fn", name.text, argument)
        return ("pow", node, power) if power is not None else node

    def function_power(self, name: Token) -> tuple:
        """``cos^2(x)`` and ``cos²x``: the power of the function's value."""
        caret = self.take()
        bracketed = self.is_op("(") and self.peek(1) is not None and self.is_op(")", 2)
        value = self.peek(1 if bracketed else 0)
        if value is None or value.kind != "number" or not value.text.isdigit():
            raise Unreadable(f"After “{name.typed}^” I read a whole-number power such as "
                             f"{name.typed}^2(x); write 1/{name.typed}(x) for a reciprocal "
                             "(inverse functions are not part of this grammar).",
                             caret.pos)
        self.at += 3 if bracketed else 1
        return ("num", float(value.text))

    def bare_argument(self, name: Token) -> tuple:
        """``sin 2x`` → sin(2x); ``√2`` → √2; stops at a sign or the next function."""
        start = self.peek()
        node = self.power()
        if name.text == "sqrt" and name.typed == "√":
            after = self.peek()
            if node[0] == "num" and after is not None and after.kind == "name" \
                    and not after.spaced:
                raise Unreadable(f"I can read “√{start.typed}{after.typed}” two ways: "
                                 f"√({start.typed}{after.typed}) or √{start.typed} times "
                                 f"{after.typed}. Write √({start.typed}*{after.typed}) or "
                                 f"√{start.typed}*{after.typed}.", after.pos)
            return node
        while _starts_factor(self.peek()) and self.peek().kind != "function":
            if self.is_op("("):
                raise self._bracket_after_bare(name, start)
            self._check_numbers_apart(self.peek())
            node = ("mul", node, self.power())
        return node

    def _bracket_after_bare(self, name: Token, start: Token) -> Unreadable:
        """``sin x (x+1)``: sin(x)·(x+1) or sin(x·(x+1))? Asked, not guessed."""
        bracket = self.peek()
        argument = self.text[start.pos:bracket.pos].strip()
        return Unreadable(f"I can read “{name.typed} {argument}(…)” two ways: "
                          f"{name.typed}({argument}) times the bracket, or {name.typed} of "
                          f"{argument} times the bracket. Write {name.typed}({argument})*(…) "
                          f"or {name.typed}({argument}*(…)).", bracket.pos)

    def _no_argument(self, name: Token) -> Unreadable:
        after, then = self.peek(), self.peek(1)
        if after is not None and after.text in "*·" and _starts_factor(then) \
                and then.kind != "function":
            return Unreadable(f"I read “{name.typed}{after.typed}{then.typed}” as "
                              f"{name.typed} × {then.typed}, but {name.typed} needs "
                              f"something to act on: did you mean {name.typed}"
                              f"({then.typed})?", after.pos)
        if after is not None and after.text == "-":
            return Unreadable(f"Put the minus inside the brackets: {name.typed}(−…), as in "
                              f"{name.typed}(−x).", after.pos)
        return Unreadable(f"“{name.typed}” needs something to act on: write it with "
                          f"brackets, as in {name.typed}(x).", name.pos + len(name.typed))


def parse(text: str) -> tuple:
    """The tree of a typed expression in x, or ``Unreadable`` saying where and what to type."""
    found = tokens(text)
    if not found:
        raise Unreadable("The answer is empty: type the derivative, an expression in x.", 0)
    parser = _Parser(found, text)
    tree = parser.expression()
    left = parser.peek()
    if left is not None:
        if left.text == ")":
            raise Unreadable(f"The closing bracket at character {left.pos + 1} has no "
                             "opening bracket before it.", left.pos)
        raise Unreadable(f"I did not expect “{left.typed}” at character {left.pos + 1}.",
                         left.pos)
    return tree
