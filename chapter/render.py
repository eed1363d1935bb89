"""Markdown → HTML, once, at start-up.

A section is a Markdown file with YAML front matter. Its body may use, besides Markdown:

- ``$…$`` and ``$$…$$`` for maths (LaTeX, converted to MathML here; ``\\$`` is a dollar sign);
- ``{=name=}`` for a number computed by the engine (see ``chapter/values.py``);
- ``[[text]]`` or ``[[text|term-id]]`` for a key term whose definition opens in place;
- blocks that name *what* they are, and leave the *how* to the templates::

      ::: callout insight        (insight, mistake, warning, history, realworld)
      ::: figure nudge           caption, then ``+++``, then a text description
      ::: faq What is …?         a collapsible question and its answer
      ::: intuition              the prompt, then ``+++``, then the discussion
      ::: glossary               the key terms, defined
      ::: checkpoint             where the checkpoint questions go

Anything the renderer does not understand stops start-up with a ``ContentError`` that names
the file, the line and the reason.

This module reads the files; ``render_markdown`` renders one piece of Markdown,
``render_blocks`` the ``:::`` blocks, and ``templates/blocks/`` holds all their markup.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from chapter import speech
from chapter.render_blocks import CALLOUT_KINDS, Part, render_body
from chapter.render_markdown import (
    SPEECH_SLOT,
    ContentError,
    Context,
    Term,
    render_markdown,
    tex_to_mathml,
    unwrap_paragraph,
)

__all__ = ["CALLOUT_KINDS", "ContentError", "Part", "Section", "Term", "load_chapter",
           "load_terms", "render_fragment", "render_inline_fragment", "tex_to_mathml"]

SECTION_KINDS = {"opening", "narrative", "faq", "glossary", "intuition", "reflection",
                 "keypoints", "checkpoint"}
FRONT_MATTER_KEYS = {"title", "kind", "nav", "subtitle", "group"}


@dataclass
class Section:
    """One rendered section. Its body is ``parts``: HTML, and the slots (the checkpoint)
    the page template fills in, so no template has to cut HTML apart at a marker."""

    slug: str
    title: str
    kind: str
    nav: str
    subtitle: str = ""
    group: str = ""
    parts: list[Part] = field(default_factory=list)

    @property
    def html(self) -> Markup:
        """The body's HTML, slots left out: for checks that read the section as text."""
        return Markup("").join(part.html for part in self.parts)


# --- files -----------------------------------------------------------------------------------


def _split_front_matter(path: Path, text: str) -> tuple[dict, str, int]:
    if not text.startswith("---\n"):
        raise ContentError(path, 1, "a section must begin with front matter between --- lines")
    end = text.find("\n---\n", 4)
    if end == -1:
        raise ContentError(path, 1, "front matter is never closed by a --- line")
    raw = text[4:end]
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark else 1
        raise ContentError(path, line, f"front matter is not valid YAML: "
                           f"{getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a mapping of key: value lines")
    unknown = set(meta) - FRONT_MATTER_KEYS
    if unknown:
        raise ContentError(path, 2, f"unknown front matter key(s): {', '.join(sorted(unknown))} "
                           f"(known: {', '.join(sorted(FRONT_MATTER_KEYS))})")
    for key in ("title", "kind"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ContentError(path, 2, f"front matter needs a non-empty '{key}'")
    if meta["kind"] not in SECTION_KINDS:
        raise ContentError(path, 2, f"unknown section kind {meta['kind']!r} "
                           f"(known: {', '.join(sorted(SECTION_KINDS))})")
    body_line = text.count("\n", 0, end + 5) + 1
    return meta, text[end + 5:], body_line


_FILE_NAME = re.compile(r"^(\d\d)-([a-z0-9-]+)\.md$")


def load_terms(path: Path, values: dict[str, str]) -> dict[str, Term]:
    """The key terms, from a TOML file: ``[[term]]`` tables with id, name, aliases, definition."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(path, getattr(exc, "lineno", 1), f"not valid TOML: {exc}") from None
    terms: dict[str, Term] = {}
    ctx = Context(path, values, {}, {}, {}, [0, 0])
    for index, entry in enumerate(data.get("term", []), start=1):
        missing = [k for k in ("id", "name", "definition") if not entry.get(k)]
        if missing:
            raise ContentError(path, 1, f"term #{index} is missing {', '.join(missing)}")
        terms[entry["id"]] = Term(
            id=entry["id"],
            name=entry["name"],
            definition_html=render_markdown(entry["definition"], 1, ctx),
            aliases=tuple(entry.get("aliases", ())),
        )
    return terms


def load_chapter(content_dir: Path, terms_path: Path, values: dict[str, str],
                 figures: dict[str, str]) -> list[Section]:
    """Every section of the chapter, rendered, in reading order.

    Runs once at start-up (and in tests, without an app), so a broken file stops the app
    before it serves anything; formula numbers and term ids count across the chapter."""
    terms = load_terms(terms_path, values)
    lookup = {t.name.lower(): t.id for t in terms.values()}
    for t in terms.values():
        lookup.update({alias.lower(): t.id for alias in t.aliases})
    counter, formulas = [0, 0], []
    sections = [_load_section(path, Context(path, values, terms, lookup, figures, counter,
                                            formulas))
                for path in sorted(content_dir.glob("*.md"))]
    if not sections:
        raise ContentError(content_dir, 1, "no section files (NN-slug.md) found")
    _fill_speech(sections, speech.speak_all(formulas))
    return sections


def _fill_speech(sections: list[Section], texts: list[str]) -> None:
    """Every display formula's "Read as words" text, spoken for the whole chapter at once."""
    def fill(html: Markup) -> Markup:
        return Markup(SPEECH_SLOT.sub(lambda m: escape(texts[int(m.group(1))]), str(html)))

    for section in sections:
        section.parts = [Part(html=fill(p.html), slot=p.slot) for p in section.parts]


def _load_section(path: Path, ctx: Context) -> Section:
    named = _FILE_NAME.match(path.name)
    if not named:
        raise ContentError(path, 1, "a section file is named NN-slug.md (e.g. 03-formal.md)")
    meta, body, body_line = _split_front_matter(path, path.read_text(encoding="utf-8"))
    section = Section(
        slug=named.group(2),
        title=meta["title"],
        kind=meta["kind"],
        nav=meta.get("nav", meta["title"]),
        subtitle=meta.get("subtitle", ""),
        group=meta.get("group", ""),
    )
    section.parts = render_body(body, body_line, ctx)
    return section


def render_fragment(text: str, path: Path | str, line: int = 1,
                    values: dict[str, str] | None = None) -> Markup:
    """A short piece of Markdown with maths (a question prompt, a choice label)."""
    ctx = Context(Path(path), values or {}, {}, {}, {}, [0, 0])
    return render_markdown(text, line, ctx)


def render_inline_fragment(text: str, path: Path | str, line: int = 1) -> Markup:
    """As ``render_fragment``, without the wrapping paragraph: for labels and summaries."""
    return unwrap_paragraph(render_fragment(text, path, line))
