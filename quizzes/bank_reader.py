"""Reading the bank file: TOML parsed, and every problem a ContentError with its line."""

from __future__ import annotations

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
