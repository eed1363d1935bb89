"""Typed expressions in x, cut into tokens: what each piece of the reader's text is, and where.

The companion of ``numbers.py`` for answers that are functions of x rather than numbers (see
``expressions.py`` for the grammar). Every token keeps its place in the text as typed, so a
refusal can point at it. Synonyms are read as the usual sign: − and – as minus, × · ⋅ as
times, ÷ as divide, ** as ^, [ ] as brackets; a run of superscripts (x², e⁻ˣ) is a power.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

MAX_LENGTH = 200
MAX_DEPTH = 20
MAX_NUMBER = 1e6
FUNCTIONS = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "ln", "log": "ln",
             "sqrt": "sqrt", "sigma": "sigma", "sigmoid": "sigma", "σ": "sigma", "√": "sqrt"}
CONSTANTS = {"x": "x", "e": "e", "pi": "pi", "π": "pi"}
KNOWN = "x, e, pi, sin, cos, tan, exp, ln and log (both the natural logarithm), sqrt, sigma"
_WORDS = sorted((n for n in (*FUNCTIONS, *CONSTANTS) if n.isascii()), key=len, reverse=True)
_SYNONYMS = {"−": "-", "–": "-", "×": "*", "·": "*", "⋅": "*", "∗": "*", "÷": "/",
             "[": "(", "]": ")", "{": "(", "}": ")"}
_SUPERSCRIPT = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ˣ⁽⁾", "0123456789-+x()", strict=True))
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DIGITS = "0123456789"
_LETTERS = re.compile(r"[A-Za-z]+")
# "y' =", "y′ =", "dy/dx =" or "f'(x) =" before the expression: the reader restating the
# question. It is left out of the reading.
_PREFIX = re.compile(r"\s*(?:dy\s*/\s*dx|y\s*['′’]|f\s*['′’]\s*\(\s*x\s*\))\s*=\s*")


class Unreadable(ValueError):
    """Text the grammar cannot read: ``message`` says where and proposes a reading,
    ``position`` is the 0-based index in the text of the place it points at."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.message = message
        self.position = max(0, position)


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name" (x, e, pi), "function", "op"
    text: str  # the canonical spelling: "2.5", "x", "pi", "sin", "sqrt", "*", "^", "("
    pos: int  # where it starts in the text as typed
    spaced: bool  # whitespace stands between it and the token before
    typed: str = ""  # the text as typed, where it differs from ``text``


_OTHER_NAMES = {"sec": "1/cos(x)", "csc": "1/sin(x)", "cosec": "1/sin(x)",
                "cot": "cos(x)/sin(x)", "lg": "ln(x)"}


def nearest_name(word: str) -> str | None:
    close = difflib.get_close_matches(word.lower(), _WORDS, n=1, cutoff=0.6)
    return close[0] if close else None


def _split_letters(run: str) -> list[str] | None:
    """``sinx`` → sin, x; ``xe`` → x, e; None when a piece is no name at all."""
    pieces, at = [], 0
    while at < len(run):
        word = next((w for w in _WORDS if run.startswith(w, at)), None)
        if word is None:
            return None
        pieces.append(word)
        at += len(word)
    return pieces


def _unknown(run: str, pos: int) -> Unreadable:
    if run in ("u", "U"):
        return Unreadable("The answer is in x: write u as the inner function of x.", pos)
    if run in ("y", "dy", "dx", "d"):
        return Unreadable(f"I do not read “{run}” here: type only the derivative, an "
                          "expression in x such as 2*x*cos(x^2).", pos)
    if run.lower() in _OTHER_NAMES:
        return Unreadable(f"I do not know the name “{run}”: write {_OTHER_NAMES[run.lower()]} "
                          "instead.", pos)
    guess = nearest_name(run)
    proposal = f" Did you mean {guess}?" if guess else ""
    return Unreadable(f"I do not know the name “{run}”.{proposal} The names I read are "
                      f"{KNOWN}.", pos)


def _letters(text: str, pos: int, spaced: bool) -> tuple[list[Token], int]:
    run = _LETTERS.match(text, pos).group()
    pieces = _split_letters(run.lower())
    if pieces is None:
        raise _unknown(run, pos)
    tokens, at = [], pos
    for piece in pieces:
        kind = "function" if piece in FUNCTIONS else "name"
        canonical = FUNCTIONS.get(piece) or CONSTANTS[piece]
        tokens.append(Token(kind, canonical, at, spaced, piece))
        at, spaced = at + len(piece), False
    return tokens, pos + len(run)


def _number(text: str, pos: int, spaced: bool, before: Token | None) -> tuple[Token, int]:
    written = _NUMBER.match(text, pos).group()
    if before is not None and before.kind == "name" and not spaced:
        raise Unreadable(f"I read “{before.typed}{written}” as {before.typed} × {written}: "
                         f"did you mean {before.typed}^{written} or {written}{before.typed}?",
                         pos)
    if len(written) > 12 or float(written) > MAX_NUMBER:
        raise Unreadable(f"The number {written} is too large: numbers here go up to a "
                         "million.", pos)
    value = float(written)
    shown = str(int(value)) if value.is_integer() else repr(value)
    return Token("number", shown, pos, spaced, written), pos + len(written)


def _superscripts(text: str, pos: int, spaced: bool) -> tuple[list[Token], int]:
    """x² → x ^ ( 2 ); e⁻ˣ → e ^ ( - x ): the run as one bracketed power."""
    end = pos
    while end < len(text) and text[end] in _SUPERSCRIPT:
        end += 1
    plain = "".join(_SUPERSCRIPT[c] for c in text[pos:end])
    if not re.fullmatch(r"[-+]?(?:\d+|x|\d+x)", plain):
        raise Unreadable(f"I cannot read the power “{text[pos:end]}”: write it with ^, as "
                         f"in x^({plain}).", pos)
    tokens = [Token("op", "^", pos, spaced, text[pos]), Token("op", "(", pos, False)]
    at = pos
    for piece in re.findall(r"[-+]|\d+|x", plain):
        kind = "number" if piece.isdigit() else ("name" if piece == "x" else "op")
        tokens.append(Token(kind, piece, at, False, text[at:at + len(piece)]))
        at += len(piece)
    tokens.append(Token("op", ")", end - 1, False, ""))
    return tokens, end


def _one(text: str, pos: int, spaced: bool, before: Token | None) -> tuple[list[Token], int]:
    char = text[pos]
    if char in _DIGITS or (char == "." and pos + 1 < len(text) and text[pos + 1] in _DIGITS):
        token, end = _number(text, pos, spaced, before)
        return [token], end
    if char.isascii() and char.isalpha():
        return _letters(text, pos, spaced)
    if char in "σπ√":
        kind = "name" if char == "π" else "function"
        canonical = CONSTANTS.get(char) or FUNCTIONS[char]
        return [Token(kind, canonical, pos, spaced, char)], pos + 1
    if char in _SUPERSCRIPT:
        return _superscripts(text, pos, spaced)
    if text.startswith("**", pos):
        return [Token("op", "^", pos, spaced, "**")], pos + 2
    sign = _SYNONYMS.get(char, char)
    if sign in "+-*/^()":
        return [Token("op", sign, pos, spaced, char)], pos + 1
    raise _refused_character(text, pos)


def _refused_character(text: str, pos: int) -> Unreadable:
    char = text[pos]
    if char == ",":
        return Unreadable("I do not read commas: use a point for decimals (0.5) and * "
                          "between factors.", pos)
    if char == "=":
        return Unreadable("Type only the expression for the derivative, without “=”.", pos)
    if char == "|":
        return Unreadable("I do not read absolute-value bars “|”: write the expression "
                          "without them.", pos)
    if char in "'′’":
        return Unreadable("I do not read primes “′”: type the derivative itself, in x.", pos)
    return Unreadable(f"I cannot read “{char}” (character {pos + 1}). I read numbers, "
                      f"+ − * / ^, brackets and the names {KNOWN}.", pos)


def tokens(text: str) -> list[Token]:
    """The reader's text as tokens; ``Unreadable`` for anything the grammar has no word for,
    and for a text too long or too deeply bracketed, before anything is computed."""
    if not isinstance(text, str):
        raise Unreadable("The answer must be text.", 0)
    if not text.strip():
        raise Unreadable("The answer is empty: type the derivative, an expression in x.", 0)
    if len(text) > MAX_LENGTH:
        raise Unreadable(f"The answer is longer than {MAX_LENGTH} characters: type a "
                         "shorter form.", MAX_LENGTH)
    prefix = _PREFIX.match(text)
    pos = prefix.end() if prefix and prefix.end() < len(text) else 0
    found: list[Token] = []
    spaced = False
    while pos < len(text):
        if text[pos].isspace():
            pos, spaced = pos + 1, True
            continue
        new, pos = _one(text, pos, spaced, found[-1] if found else None)
        found.extend(new)
        spaced = False
    _check_depth(found)
    return found


def _check_depth(found: list[Token]) -> None:
    depth = 0
    for token in found:
        depth += {"(": 1, ")": -1}.get(token.text, 0) if token.kind == "op" else 0
        if depth > MAX_DEPTH:
            raise Unreadable(f"The brackets nest more than {MAX_DEPTH} deep: write a "
                             "simpler form.", token.pos)
