"""One piece of chapter Markdown → HTML: maths as MathML, engine values, key terms.

Maths and terms become finished HTML before Markdown runs, and are kept behind placeholders
(a ``Stash``) so Markdown cannot rewrite them. How a term or a display formula looks is a
partial under ``templates/blocks/``; this module only finds them and checks them.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from latex2mathml.converter import convert as latex_to_mathml
from markupsafe import Markup

from chapter.render_partials import partial


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


def _stash_maths(text: str, first_line: int, ctx: Context, stash: Stash) -> str:
    def math(m: re.Match) -> str:
        display = m.group(1) is not None
        tex = m.group(1) if display else m.group(2)
        try:
            mathml = Markup(tex_to_mathml(tex, display))
        except Exception as exc:  # latex2mathml raises several types for bad TeX
            raise ctx.fail(_line_at(text, m.start(), first_line),
                           f"cannot typeset ${tex}$: {exc}") from None
        if display:
            ctx.counter[0] += 1
            speech = None
            if ctx.formulas is not None:
                speech = speech_slot(len(ctx.formulas))
                ctx.formulas.append(str(mathml))
            return stash.put(partial("math_display", mathml=mathml, number=ctx.counter[0],
                                     speech=speech))
        if m.group(3):
            return stash.put(partial("math_nowrap", mathml=mathml, punctuation=m.group(3)))
        return stash.put(mathml)

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
