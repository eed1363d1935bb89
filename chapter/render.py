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
"""

from __future__ import annotations

import html
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup

CALLOUT_KINDS = {
    "insight": "Insight",
    "mistake": "Common mistake",
    "warning": "Warning",
    "history": "History",
    "realworld": "Real world",
}
SECTION_KINDS = {"opening", "narrative", "faq", "glossary", "intuition", "reflection",
                 "keypoints", "checkpoint"}
FRONT_MATTER_KEYS = {"title", "kind", "nav", "subtitle", "group"}


class ContentError(Exception):
    """A content file the renderer cannot accept: where, and why."""

    def __init__(self, path: Path | str, line: int, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True)
class Term:
    id: str
    name: str
    definition_html: Markup
    aliases: tuple[str, ...]


@dataclass
class Section:
    slug: str
    title: str
    kind: str
    nav: str
    html: Markup
    path: str
    subtitle: str = ""
    group: str = ""
    figures: list[str] = field(default_factory=list)


# --- maths -------------------------------------------------------------------------------

_PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>&#x02032;</mi></msup>")
_MATH = re.compile(
    r"(?<!\\)\$\$(.+?)(?<!\\)\$\$"  # display
    r"|(?<![\\$])\$(?!\$)(.+?)(?<!\\)\$([.,;:!?)]*)",  # inline, with the punctuation after it
    re.S)
_HAT = re.compile(r"(<mover accent=\"true\">.*?)<mo>&#x0005E;</mo></mover>")


def tex_to_mathml(tex: str, display: bool) -> str:
    """One formula as MathML, with primes set as operators after their letter."""
    mathml = latex_to_mathml(tex.strip(), display="block" if display else "inline")
    # latex2mathml raises the prime as a superscript letter; set it as f′, the way print does.
    mathml = _PRIME.sub(r"\1<mo>&#x02032;</mo>", mathml)
    # \hat comes out as an ASCII caret, which math fonts draw large and high; use the accent.
    return _HAT.sub(r"\1<mo>&#x002C6;</mo></mover>", mathml)


# --- the pipeline for one piece of Markdown -------------------------------------------------


class _Stash:
    """Holds finished HTML while Markdown runs, behind placeholders it cannot touch."""

    _instances = itertools.count()

    def __init__(self) -> None:
        self.items: list[str] = []
        self.tag = f"zz{next(self._instances)}stash"  # nested stashes never collide

    def put(self, fragment: str) -> str:
        self.items.append(fragment)
        return f"{self.tag}{len(self.items) - 1}zz"

    def restore(self, text: str) -> str:
        text = re.sub(rf"<p>({self.tag}\d+zz)</p>", r"\1", text)
        return re.sub(rf"{self.tag}(\d+)zz", lambda m: self.items[int(m.group(1))], text)


_MD_EXTENSIONS = ["extra", "sane_lists", "smarty"]
_VALUE = re.compile(r"\{=\s*([A-Za-z0-9_]+)\s*=\}")
_TERM = re.compile(r"\[\[([^\]|]+?)(?:\|([a-z0-9-]+))?\]\]")


@dataclass
class _Context:
    path: Path
    values: dict[str, str]
    terms: dict[str, Term]
    term_lookup: dict[str, str]
    figures: dict[str, str]
    counter: list[int]

    def fail(self, line: int, reason: str) -> ContentError:
        return ContentError(self.path, line, reason)


def _line_at(text: str, pos: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, pos)


def _substitute_values(text: str, first_line: int, ctx: _Context) -> str:
    def value(m: re.Match) -> str:
        name = m.group(1)
        if name not in ctx.values:
            raise ctx.fail(_line_at(text, m.start(), first_line), f"unknown value {{={name}=}}")
        return ctx.values[name]

    return _VALUE.sub(value, text)


def _render_inline_markdown(text: str, first_line: int, ctx: _Context) -> str:
    """Markdown with maths, values and terms: the body of a section or of a block."""
    text = _substitute_values(text, first_line, ctx)
    stash = _Stash()

    def math(m: re.Match) -> str:
        display = m.group(1) is not None
        tex = m.group(1) if display else m.group(2)
        try:
            mathml = tex_to_mathml(tex, display)
        except Exception as exc:  # latex2mathml raises several types for bad TeX
            raise ctx.fail(_line_at(text, m.start(), first_line),
                           f"cannot typeset ${tex}$: {exc}") from None
        if display:
            ctx.counter[0] += 1
            mathml = (f'<div class="math-display" tabindex="0" role="group" '
                      f'aria-label="Formula {ctx.counter[0]}">{mathml}</div>')
        elif m.group(3):
            # Keep "x." together, so a line never starts with the punctuation after a formula.
            mathml = f'<span class="math-nowrap">{mathml}{m.group(3)}</span>'
        return stash.put(mathml)

    text = _MATH.sub(math, text)
    stray = re.search(r"(?<!\\)\$", text)
    if stray:
        raise ctx.fail(_line_at(text, stray.start(), first_line),
                       "unclosed $ in maths (write \\$ for a dollar sign)")
    text = text.replace(r"\$", stash.put("$"))

    def term(m: re.Match) -> str:
        shown, term_id = m.group(1).strip(), m.group(2)
        term_id = term_id or ctx.term_lookup.get(shown.lower())
        if term_id not in ctx.terms:
            raise ctx.fail(_line_at(text, m.start(), first_line),
                           f"unknown key term [[{m.group(0)[2:-2]}]] "
                           f"(known: {', '.join(sorted(ctx.terms))})")
        return stash.put(_term_html(shown, ctx.terms[term_id], ctx))

    text = _TERM.sub(term, text)
    rendered = markdown.markdown(text, extensions=_MD_EXTENSIONS, output_format="html")
    return stash.restore(rendered)


def _term_html(shown: str, term: Term, ctx: _Context) -> str:
    ctx.counter[1] += 1
    tip_id = f"term-{term.id}-{ctx.counter[1]}"
    return (
        f'<span class="term" data-term="{term.id}">'
        f'<button type="button" class="term-trigger" aria-describedby="{tip_id}">'
        f"{html.escape(shown)}</button>"
        f'<span class="term-tip" role="tooltip" id="{tip_id}">'
        f'<strong class="term-tip-name">{html.escape(term.name)}</strong> '
        f"{_unwrap_paragraph(term.definition_html)}</span></span>"
    )


def _unwrap_paragraph(fragment: str) -> str:
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


# --- blocks ----------------------------------------------------------------------------------

_OPEN = re.compile(r"^:::\s*([a-z]+)\s*(.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")


def _render_body(body: str, first_line: int, ctx: _Context, section: Section) -> str:
    """A section body: ``:::`` blocks are rendered apart, the rest is Markdown."""
    lines = body.split("\n")
    out: list[str] = []
    stash = _Stash()
    i = 0
    while i < len(lines):
        line = lines[i]
        opened = _OPEN.match(line)
        if not opened:
            if _CLOSE.match(line):
                raise ctx.fail(first_line + i, "::: closes a block that was never opened")
            out.append(line)
            i += 1
            continue
        kind, arg, start = opened.group(1), opened.group(2), i
        i += 1
        inner: list[str] = []
        while i < len(lines) and not _CLOSE.match(lines[i]):
            if _OPEN.match(lines[i]):
                raise ctx.fail(first_line + i, f"a ::: block cannot hold another "
                               f"(the {kind} block opened on line {first_line + start} "
                               "is still open)")
            inner.append(lines[i])
            i += 1
        if i == len(lines):
            raise ctx.fail(first_line + start, f"::: {kind} block is never closed")
        i += 1
        block = _render_block(kind, arg, "\n".join(inner), first_line + start, ctx, section)
        out.extend(["", stash.put(block), ""])
    rendered = _render_inline_markdown("\n".join(out), first_line, ctx)
    return stash.restore(rendered)


def _split_parts(text: str, line: int, ctx: _Context, kind: str) -> tuple[str, str]:
    parts = re.split(r"^\+\+\+\s*$", text, maxsplit=1, flags=re.M)
    if len(parts) != 2:
        raise ctx.fail(line, f"::: {kind} needs two parts separated by a line of +++")
    return parts[0], parts[1]


def _render_block(kind: str, arg: str, body: str, line: int, ctx: _Context,
                  section: Section) -> str:
    body_line = line + 1
    if kind == "callout":
        if arg not in CALLOUT_KINDS:
            raise ctx.fail(line, f"unknown callout kind {arg!r} "
                           f"(known: {', '.join(CALLOUT_KINDS)})")
        inner = _render_inline_markdown(body, body_line, ctx)
        return _callout_html(arg, inner)
    if kind == "figure":
        if arg not in ctx.figures:
            raise ctx.fail(line, f"unknown figure id {arg!r} (known: {', '.join(ctx.figures)})")
        caption, description = _split_parts(body, line, ctx, "figure")
        section.figures.append(arg)
        return _figure_html(arg, ctx.figures[arg],
                            _render_inline_markdown(caption, body_line, ctx),
                            _render_inline_markdown(description, body_line, ctx))
    if kind == "faq":
        if not arg:
            raise ctx.fail(line, "::: faq needs its question on the same line")
        question = _unwrap_paragraph(_render_inline_markdown(arg, line, ctx))
        answer = _render_inline_markdown(body, body_line, ctx)
        return (f'<details class="faq"><summary>{question}</summary>'
                f'<div class="faq-answer">{answer}</div></details>')
    if kind == "intuition":
        prompt, discussion = _split_parts(body, line, ctx, "intuition")
        return _intuition_html(_render_inline_markdown(prompt, body_line, ctx),
                               _render_inline_markdown(discussion, body_line, ctx))
    if kind == "glossary":
        items = "".join(
            f'<div class="glossary-item" id="term-{t.id}"><dt>{html.escape(t.name)}</dt>'
            f"<dd>{t.definition_html}</dd></div>"
            for t in ctx.terms.values()
        )
        return f'<dl class="glossary">{items}</dl>'
    if kind == "checkpoint":
        return '<div data-slot="checkpoint"></div>'
    raise ctx.fail(line, f"unknown block kind ::: {kind} "
                   "(known: callout, figure, faq, intuition, glossary, checkpoint)")


_ICONS = {
    # Simple line icons; the label beside each carries the meaning, the icon only helps.
    "insight": '<path d="M12 3a6 6 0 0 0-3.5 10.9V17h7v-3.1A6 6 0 0 0 12 3zM9.5 20h5"/>',
    "mistake": '<circle cx="12" cy="12" r="9"/><path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>',
    "warning": '<path d="M12 3.5 2.8 19.5h18.4z"/><path d="M12 10v4.5M12 17v.5"/>',
    "history": '<path d="M4 5.5h6a2 2 0 0 1 2 2V20a2 2 0 0 0-2-2H4zM20 5.5h-6a2 2 0 0 0-2 2V20'
               'a2 2 0 0 1 2-2h6z"/>',
    "realworld": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c2.8 3 2.8 15 0 18'
                 'M12 3c-2.8 3-2.8 15 0 18"/>',
}


def _icon(kind: str) -> str:
    return (f'<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
            f"{_ICONS[kind]}</svg>")


def _callout_html(kind: str, inner: str) -> str:
    label = CALLOUT_KINDS[kind]
    return (f'<aside class="callout callout-{kind}" aria-label="{label}">'
            f'<p class="callout-label">{_icon(kind)}<span>{label}</span></p>{inner}</aside>')


def _figure_html(fig_id: str, title: str, caption: str, description: str) -> str:
    return (
        f'<figure class="figure" id="figure-{fig_id}" data-widget="{fig_id}" '
        f'aria-labelledby="figure-{fig_id}-caption">'
        f'<div class="figure-stage" data-role="stage">'
        f'<div class="figure-description" data-role="description">{description}</div></div>'
        f'<figcaption id="figure-{fig_id}-caption"><span class="figure-title">'
        f"{html.escape(title)}.</span> {_unwrap_paragraph(caption)}</figcaption></figure>"
    )


def _intuition_html(prompt: str, discussion: str) -> str:
    return (
        '<div class="intuition">'
        f'<div class="intuition-prompt">{prompt}</div>'
        '<label class="intuition-label" for="intuition-answer">Your answer, before reading on'
        "</label>"
        '<textarea id="intuition-answer" class="intuition-answer" rows="4" '
        'placeholder="Think it through, then write a sentence or two."></textarea>'
        '<details class="intuition-reveal"><summary>Reveal the discussion</summary>'
        f'<div class="intuition-discussion">{discussion}</div></details></div>'
    )


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
    ctx = _Context(path, values, {}, {}, {}, [0, 0])
    for index, entry in enumerate(data.get("term", []), start=1):
        missing = [k for k in ("id", "name", "definition") if not entry.get(k)]
        if missing:
            raise ContentError(path, 1, f"term #{index} is missing {', '.join(missing)}")
        terms[entry["id"]] = Term(
            id=entry["id"],
            name=entry["name"],
            definition_html=Markup(_render_inline_markdown(entry["definition"], 1, ctx)),
            aliases=tuple(entry.get("aliases", ())),
        )
    return terms


def load_chapter(content_dir: Path, terms_path: Path, values: dict[str, str],
                 figures: dict[str, str]) -> list[Section]:
    """Every section of the chapter, rendered, in reading order."""
    terms = load_terms(terms_path, values)
    lookup = {t.name.lower(): t.id for t in terms.values()}
    for t in terms.values():
        lookup.update({alias.lower(): t.id for alias in t.aliases})
    counter = [0, 0]
    sections: list[Section] = []
    for path in sorted(content_dir.glob("*.md")):
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
            html=Markup(""),
            path=str(path),
        )
        ctx = _Context(path, values, terms, lookup, figures, counter)
        section.html = Markup(_render_body(body, body_line, ctx, section))
        sections.append(section)
    if not sections:
        raise ContentError(content_dir, 1, "no section files (NN-slug.md) found")
    return sections


def render_fragment(text: str, path: Path | str, line: int = 1,
                    values: dict[str, str] | None = None) -> Markup:
    """A short piece of Markdown with maths (a question prompt, a choice label)."""
    ctx = _Context(Path(path), values or {}, {}, {}, {}, [0, 0])
    return Markup(_render_inline_markdown(text, line, ctx))


def render_inline_fragment(text: str, path: Path | str, line: int = 1) -> Markup:
    """As ``render_fragment``, without the wrapping paragraph: for labels and summaries."""
    return Markup(_unwrap_paragraph(render_fragment(text, path, line)))
