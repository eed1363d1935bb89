"""Reading the bank file: TOML parsed, every problem a ContentError with its line, and a
maths-only label turned into plain words."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from markupsafe import Markup

from chapter.render import ContentError, render_fragment


class Reader:
    """Reads one bank file, turning every problem into a ContentError with a line number."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")

    def fail(self, where: str, reason: str, anchor: str | None = None) -> ContentError:
        line = 1
        if anchor:
            found = self.text.find(anchor)
            line = self.text.count("\n", 0, found) + 1 if found >= 0 else 1
        return ContentError(self.path, line, f"{where}: {reason}")

    def require(self, table: dict, key: str, where: str, anchor: str | None, kind=str):
        value = table.get(key)
        if not isinstance(value, kind) or value in ("", [], ()):
            raise self.fail(where, f"needs a {kind.__name__} '{key}'", anchor)
        return value

    def md(self, text: str, anchor: str | None = None) -> Markup:
        line = 1
        if anchor:
            found = self.text.find(anchor)
            line = self.text.count("\n", 0, max(found, 0)) + 1
        return render_fragment(text, self.path, line)


def load_toml(reader: Reader) -> dict:
    try:
        return tomllib.loads(reader.text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(reader.path, getattr(exc, "lineno", 1),
                           f"not valid TOML: {exc}") from None


_TEX_WORDS = [(r"\\approx", "≈"), (r"\\cdot", "·"), (r"\\times", "×"), (r"\\,", " "),
              (r"\^\{([^{}]*)\}", r"^\1"), (r"[{}$\\]", "")]


def label_text(source: str) -> str:
    """A maths-only label as plain text ("e^4 ≈ 54.6"): assistive technology and checkers
    that cannot read MathML still get a name for the control. Empty for labels in words."""
    stripped = source.strip()
    if not (stripped.startswith("$") and stripped.endswith("$")):
        return ""
    text = stripped
    for pattern, replacement in _TEX_WORDS:
        text = re.sub(pattern, replacement, text)
    return " ".join(text.split())
