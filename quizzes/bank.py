"""The question bank: ``checkpoint.toml`` read, validated and rendered once at start-up."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from chapter.render import ContentError, render_fragment, render_inline_fragment

BANK_PATH = Path(__file__).with_name("checkpoint.toml")
KINDS = {"choice", "truefalse", "ordering"}


@dataclass(frozen=True)
class Option:
    """A choice or an ordering step, as the page shows it."""

    id: str
    label_html: Markup


@dataclass(frozen=True)
class PublicQuestion:
    """What a browser may see before an attempt: the prompt and the options, nothing else."""

    id: str
    number: int
    kind: str
    prompt_html: Markup
    options: tuple[Option, ...]


def load_bank(path: Path = BANK_PATH) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, getattr(exc, "lineno", 1), f"not valid TOML: {exc}") from None


def public_questions(path: Path = BANK_PATH) -> list[PublicQuestion]:
    questions = []
    for number, q in enumerate(load_bank(path).get("question", []), start=1):
        if q.get("kind") not in KINDS:
            raise ContentError(path, 1, f"question {q.get('id')!r}: unknown kind {q.get('kind')!r}")
        entries = q.get("step" if q["kind"] == "ordering" else "choice", [])
        options = tuple(Option(e["id"], render_inline_fragment(e["label"], path)) for e in entries)
        questions.append(PublicQuestion(q["id"], number, q["kind"],
                                        render_fragment(q["prompt"], path), options))
    return questions
