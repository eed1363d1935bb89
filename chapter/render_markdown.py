"""One piece of chapter Markdown → HTML: maths as MathML, engine values, key terms.

Maths and terms become finished HTML before Markdown runs, and are kept behind placeholders
(a ``Stash``) so Markdown cannot rewrite them. How a term or a display formula looks is a
partial under ``templates/blocks/``; this module only finds them and checks them.

Inside maths, two macros of the chapter's own:

- ``\\link{name}{…}`` marks a factor that has a counterpart in a figure (names and figures
  in ``chapter.values.LINKS``): its ``<mrow>`` gets ``data-link``, ``tabindex="0"`` and an
  ``aria-describedby`` naming a visually hidden note (the factor, in words, and its number at
  the chapter's values). The formula is spoken as if unlinked.
- ``\\val{name}`` and ``\\param{name}``, only inside ``::: numbers``, are placeholders
  (``<mn data-value>`` / ``<mn data-param>``) that the page's script fills with a figure's
  values or settings; they start at the chapter's numbers.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup

from chapter.render_partials import partial
from chapter.values import LINKS


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
class Context:
    """What rendering one file needs: where it is (for errors), the values, terms, figures,
    and the chapter-wide counters (formula numbers, term pop-up ids)."""

    path: Path
    values: dict[str, str]
    terms: dict[str, Term]
    term_lookup: dict[str, str]
    figures: dict[str, str]
    counter: list[int]
    formulas: list[str] | None = None  # display MathML, collected to be spoken (speech.py)
    # Inside a "With your numbers" block: the figure's value names → the chapter's numbers,
    # which ``\\val{…}`` and ``\\param{…}`` may name (render_blocks sets it, then clears it).
    placeholders: dict[str, str] | None = None
    links_made: list[int] = field(default_factory=lambda: [0])  # ids for the factors' notes

    def fail(self, line: int, reason: str) -> ContentError:
        return ContentError(self.path, line, reason)


class Stash:
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


def speech_slot(index: int) -> str:
    """Where a display formula's speech text goes once the chapter's formulas are spoken."""
    return f"zzspeech{index}zz"


SPEECH_SLOT = re.compile(r"zzspeech(\d+)zz")


def _line_at(text: str, pos: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, pos)


@dataclass(frozen=True)
class LinkNote:
    """A linked factor's visually hidden description, which its ``aria-describedby`` names."""

    id: str
    text: str


_LINK_OPEN = re.compile(r"\\link\s*\{([^{}]*)\}\s*\{")
_PLACEHOLDER = re.compile(r"\\(val|param)\s*\{([^{}]*)\}")
_SENTINEL = re.compile(r"<mrow><mtext>zzlink(\d+)zz</mtext>")
_VALUE_SENTINEL = re.compile(r"<mtext>zzval(\d+)zz</mtext>")


def _closing_brace(tex: str, start: int) -> int:
    """The index of the ``}`` that closes the group whose body starts at ``start``."""
    depth = 1
    for i in range(start, len(tex)):
        if tex[i] == "\\":
            continue
        if tex[i] == "{" and (i == 0 or tex[i - 1] != "\\"):
            depth += 1
        elif tex[i] == "}" and (i == 0 or tex[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return i
    return -1


def _expand_links(tex: str, line: int, ctx: Context) -> tuple[str, str, list[str]]:
    r"""``\link{name}{body}`` → a sentinel group that becomes the factor's ``<mrow>``.

    Returns the TeX to typeset, the same TeX with every link unwrapped (what is spoken, so a
    linked formula sounds exactly as it did unlinked), and the link names in order."""
    marked, plain, names = tex, tex, []
    while (m := _LINK_OPEN.search(marked)):
        name = m.group(1).strip()
        if name not in LINKS:
            raise ctx.fail(line, f"unknown link \\link{{{name}}} (known: {', '.join(LINKS)})")
        end = _closing_brace(marked, m.end())
        if end == -1:
            raise ctx.fail(line, f"\\link{{{name}}}{{…}} is never closed by a }}")
        marked = (marked[:m.start()] + rf"{{\text{{zzlink{len(names)}zz}} "
                  + marked[m.end():end] + "}" + marked[end + 1:])
        names.append(name)
        p = _LINK_OPEN.search(plain)
        close = _closing_brace(plain, p.end())
        plain = plain[:p.start()] + plain[p.end():close] + plain[close + 1:]
    return marked, plain, names


def _expand_placeholders(tex: str, line: int, ctx: Context) -> tuple[str, str, list[str]]:
    r"""``\val{name}`` / ``\param{name}`` → a sentinel that becomes ``<mn data-value>``.

    Returns the TeX to typeset, the TeX with the chapter's numbers written in (for speech),
    and the names with their kind, in order."""
    found: list[str] = []

    def mark(m: re.Match) -> str:
        kind, name = m.group(1), m.group(2).strip()
        if ctx.placeholders is None:
            raise ctx.fail(line, f"\\{kind}{{{name}}} belongs inside a ::: numbers block")
        if name not in ctx.placeholders:
            raise ctx.fail(line, f"unknown \\{kind}{{{name}}} "
                           f"(known: {', '.join(ctx.placeholders)})")
        found.append(f"{kind}:{name}")
        return rf"\text{{zzval{len(found) - 1}zz}}"

    def number(m: re.Match) -> str:
        return "{" + ctx.placeholders[m.group(2).strip()].replace("−", "-") + "}"

    marked = _PLACEHOLDER.sub(mark, tex)
    return marked, _PLACEHOLDER.sub(number, tex) if found else tex, found


def _link_factors(mathml: str, names: list[str], line: int,
                  ctx: Context) -> tuple[str, list[LinkNote]]:
    """Each link's sentinel ``<mrow>`` becomes a focusable factor described by its note."""
    notes: list[LinkNote] = []

    def factor(m: re.Match) -> str:
        link = LINKS[names[int(m.group(1))]]
        ctx.links_made[0] += 1
        note = LinkNote(f"link-{ctx.path.stem}-{ctx.links_made[0]}",
                        f"{link.symbol}, {link.meaning}, {ctx.values[link.value]} at the "
                        "chapter's numbers")
        notes.append(note)
        return (f'<mrow class="link-factor" data-link="{names[int(m.group(1))]}" '
                f'data-figure="{link.figure}" tabindex="0" aria-describedby="{note.id}">')

    for name in names:
        if LINKS[name].value not in ctx.values:
            raise ctx.fail(line, f"\\link{{{name}}} needs the value {{={LINKS[name].value}=}}")
    linked = _SENTINEL.sub(factor, mathml)
    if len(notes) != len(names):
        raise ctx.fail(line, "a \\link{…}{…} must wrap part of a formula, not stand inside "
                       "another command's argument")
    return linked, notes


def _fill_placeholders(mathml: str, found: list[str], ctx: Context) -> str:
    def token(m: re.Match) -> str:
        kind, name = found[int(m.group(1))].split(":")
        attribute = "data-value" if kind == "val" else "data-param"
        return f'<mn {attribute}="{name}">{ctx.placeholders[name]}</mn>'

    return _VALUE_SENTINEL.sub(token, mathml)


def _typeset(tex: str, display: bool, line: int, ctx: Context) -> tuple[Markup, str, list]:
    """A formula's MathML with its links and placeholders in place, the MathML to speak,
    and the linked factors' notes."""
    marked, plain, names = _expand_links(tex, line, ctx)
    marked, _, found = _expand_placeholders(marked, line, ctx)

    def plain_numbers_of(unlinked: str) -> str:
        return _expand_placeholders(unlinked, line, ctx)[1] if found else unlinked

    try:
        mathml = tex_to_mathml(marked, display)
        spoken = mathml if not (names or found) else tex_to_mathml(plain_numbers_of(plain), display)
    except Exception as exc:  # latex2mathml raises several types for bad TeX
        raise ctx.fail(line, f"cannot typeset ${tex}$: {exc}") from None
    mathml, notes = _link_factors(mathml, names, line, ctx)
    if found:
        mathml = _fill_placeholders(mathml, found, ctx)
    return Markup(mathml), spoken, notes


def _stash_maths(text: str, first_line: int, ctx: Context, stash: Stash) -> str:
    def math(m: re.Match) -> str:
        display = m.group(1) is not None
        tex = m.group(1) if display else m.group(2)
        line = _line_at(text, m.start(), first_line)
        mathml, spoken, notes = _typeset(tex, display, line, ctx)
        if display:
            ctx.counter[0] += 1
            speech = None
            if ctx.formulas is not None:
                speech = speech_slot(len(ctx.formulas))
                ctx.formulas.append(spoken)
            return stash.put(partial("math_display", mathml=mathml, number=ctx.counter[0],
                                     speech=speech, notes=notes))
        if m.group(3):
            return stash.put(partial("math_nowrap", mathml=mathml, punctuation=m.group(3),
                                     notes=notes))
        return stash.put(mathml + partial("link_notes", notes=notes) if notes else mathml)

    text = _MATH.sub(math, text)
    stray = re.search(r"(?<!\\)\$", text)
    if stray:
        raise ctx.fail(_line_at(text, stray.start(), first_line),
                       "unclosed $ in maths (write \\$ for a dollar sign)")
    return text.replace(r"\$", stash.put("$"))


# --- values and terms ----------------------------------------------------------------------

_VALUE = re.compile(r"\{=\s*([A-Za-z0-9_]+)\s*=\}")
_TERM = re.compile(r"\[\[([^\]|]+?)(?:\|([a-z0-9-]+))?\]\]")


def _substitute_values(text: str, first_line: int, ctx: Context) -> str:
    def value(m: re.Match) -> str:
        name = m.group(1)
        if name not in ctx.values:
            raise ctx.fail(_line_at(text, m.start(), first_line), f"unknown value {{={name}=}}")
        return ctx.values[name]

    return _VALUE.sub(value, text)


def _stash_terms(text: str, first_line: int, ctx: Context, stash: Stash) -> str:
    def term(m: re.Match) -> str:
        shown, term_id = m.group(1).strip(), m.group(2)
        term_id = term_id or ctx.term_lookup.get(shown.lower())
        if term_id not in ctx.terms:
            raise ctx.fail(_line_at(text, m.start(), first_line),
                           f"unknown key term [[{m.group(0)[2:-2]}]] "
                           f"(known: {', '.join(sorted(ctx.terms))})")
        return stash.put(_term_html(shown, ctx.terms[term_id], ctx))

    return _TERM.sub(term, text)


def _term_html(shown: str, term: Term, ctx: Context) -> Markup:
    ctx.counter[1] += 1
    return partial("term", term=term, shown=shown, tip_id=f"term-{term.id}-{ctx.counter[1]}",
                   definition=unwrap_paragraph(term.definition_html))


# --- the pipeline ----------------------------------------------------------------------------

_MD_EXTENSIONS = ["extra", "sane_lists", "smarty"]


def render_markdown(text: str, first_line: int, ctx: Context) -> Markup:
    """Markdown with maths, values and terms: the body of a section or of a block.

    ``first_line`` is the file line ``text`` starts on, so an error names the right line."""
    stash = Stash()
    text = _substitute_values(text, first_line, ctx)
    text = _stash_maths(text, first_line, ctx, stash)
    text = _stash_terms(text, first_line, ctx, stash)
    rendered = markdown.markdown(text, extensions=_MD_EXTENSIONS, output_format="html")
    return Markup(stash.restore(rendered))


def unwrap_paragraph(fragment: str) -> Markup:
    """A fragment without its one wrapping ``<p>``: for text that sits inside another tag
    (a caption, a summary, a term's pop-up)."""
    fragment = fragment.strip()
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return Markup(fragment[3:-4])
    return Markup(fragment)
