"""``:::`` blocks: find them in a section body, check them, render each with its partial.

The parse decides *what* a block is (its kind, argument and parts, with the line it opened
on for errors); ``templates/blocks/<kind>.html`` decides how it looks. A block that is a
*slot* (the checkpoint) is not HTML at all: the section keeps it as a part of its own, and
the page template puts the live checkpoint there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from markupsafe import Markup

from chapter.figures import FIGURES
from chapter.render_markdown import Context, Stash, render_markdown, unwrap_paragraph
from chapter.render_partials import partial
from chapter.values import FORMULA_STRIPS, LINKS, WORKED_NUMBERS

CALLOUT_KINDS = {
    "insight": "Insight",
    "mistake": "Common mistake",
    "warning": "Warning",
    "history": "History",
    "realworld": "Real world",
}
# Blocks the page fills in, rather than the renderer: the checkpoint, and a practice item
# ("::: practice p1"), whose state is the reader's own. The page knows each item's id.
SLOT_KINDS = {"checkpoint", "practice"}


@dataclass(frozen=True)
class Part:
    """One piece of a section's body: finished HTML, or a named slot for the page to fill."""

    html: Markup = field(default_factory=Markup)
    slot: str = ""


@dataclass(frozen=True)
class Block:
    """A parsed ``::: kind arg`` block: its body and the file line it opened on."""

    kind: str
    arg: str
    body: str
    line: int


_OPEN = re.compile(r"^:::\s*([a-z]+)\s*(.*?)\s*$")
_CLOSE = re.compile(r"^:::\s*$")


def _read_block(lines: list[str], i: int, first_line: int, ctx: Context) -> tuple[Block, int]:
    """The block opening at ``lines[i]``, and the index just past its closing ``:::``."""
    opened = _OPEN.match(lines[i])
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
    return Block(kind, arg, "\n".join(inner), first_line + start), i + 1


def render_body(body: str, first_line: int, ctx: Context) -> list[Part]:
    """A section body as parts: ``:::`` blocks rendered apart, the rest as Markdown, split
    where a slot block stands."""
    lines = body.split("\n")
    parts: list[Part] = []
    out: list[str] = []
    stash = Stash()
    segment_line = first_line

    def flush() -> None:
        parts.append(Part(html=Markup(stash.restore(render_markdown("\n".join(out),
                                                                    segment_line, ctx)))))

    i = 0
    while i < len(lines):
        if not _OPEN.match(lines[i]):
            if _CLOSE.match(lines[i]):
                raise ctx.fail(first_line + i, "::: closes a block that was never opened")
            out.append(lines[i])
            i += 1
            continue
        block, i = _read_block(lines, i, first_line, ctx)
        if block.kind in SLOT_KINDS:
            if block.kind == "practice" and not re.fullmatch(r"[a-z][a-z0-9]*", block.arg):
                raise ctx.fail(block.line, "::: practice needs the practice item's id, "
                               "such as ::: practice p1")
            flush()
            parts.append(Part(slot=f"{block.kind} {block.arg}".strip()))
            out, segment_line = [], first_line + i
            continue
        out.extend(["", stash.put(render_block(block, ctx)), ""])
    flush()
    return parts


def _split_parts(block: Block, ctx: Context) -> tuple[str, str]:
    parts = re.split(r"^\+\+\+\s*$", block.body, maxsplit=1, flags=re.M)
    if len(parts) != 2:
        raise ctx.fail(block.line, f"::: {block.kind} needs two parts separated by a line of +++")
    return parts[0], parts[1]


def _callout(block: Block, ctx: Context) -> Markup:
    # "::: callout mistake" or, to tell two of a kind apart, "::: callout mistake Its topic".
    kind, _, topic = block.arg.partition(" ")
    if kind not in CALLOUT_KINDS:
        raise ctx.fail(block.line, f"unknown callout kind {kind!r} "
                       f"(known: {', '.join(CALLOUT_KINDS)})")
    label = f"{CALLOUT_KINDS[kind]}: {topic.strip()}" if topic.strip() else CALLOUT_KINDS[kind]
    return partial("callout", kind=kind, label=label,
                   inner=render_markdown(block.body, block.line + 1, ctx))


def _figure(block: Block, ctx: Context) -> Markup:
    if block.arg not in ctx.figures:
        raise ctx.fail(block.line, f"unknown figure id {block.arg!r} "
                       f"(known: {', '.join(ctx.figures)})")
    caption, description = _split_parts(block, ctx)
    return partial("figure", fig_id=block.arg, title=ctx.figures[block.arg],
                   strip=_formula_strip(block.arg, ctx),
                   caption=unwrap_paragraph(render_markdown(caption, block.line + 1, ctx)),
                   description=render_markdown(description, block.line + 1, ctx))


def _formula_strip(fig_id: str, ctx: Context) -> list[dict]:
    """The linked formula in a figure's card: each factor's name, symbol, meaning and the
    chapter's number for it (the script follows the figure's own values from then on)."""
    if fig_id not in FORMULA_STRIPS:
        return []
    result, factors = FORMULA_STRIPS[fig_id]
    return [{"name": name, "symbol": LINKS[name].symbol, "meaning": LINKS[name].meaning,
             "value": ctx.values.get(LINKS[name].value, "")} for name in (result, *factors)]


def _faq(block: Block, ctx: Context) -> Markup:
    if not block.arg:
        raise ctx.fail(block.line, "::: faq needs its question on the same line")
    return partial("faq", question=unwrap_paragraph(render_markdown(block.arg, block.line, ctx)),
                   answer=render_markdown(block.body, block.line + 1, ctx))


def _intuition(block: Block, ctx: Context) -> Markup:
    prompt, discussion = _split_parts(block, ctx)
    return partial("intuition", prompt=render_markdown(prompt, block.line + 1, ctx),
                   discussion=render_markdown(discussion, block.line + 1, ctx))


def _glossary(block: Block, ctx: Context) -> Markup:
    return partial("glossary", terms=list(ctx.terms.values()))


# A "With your numbers" box follows its figure only while the figure shows what the worked
# example works: Figure 1's sigmoid neuron, not its other compositions.
NUMBERS_WHEN = {"nudge": "fn=sigmoid"}


def _numbers(block: Block, ctx: Context) -> Markup:
    if block.arg not in WORKED_NUMBERS:
        raise ctx.fail(block.line, f"::: numbers needs a figure whose numbers it follows "
                       f"(known: {', '.join(WORKED_NUMBERS)})")
    # The worked lines, then (after +++) what to say while the figure shows something else.
    worked, *rest = re.split(r"^\+\+\+\s*$", block.body, maxsplit=1, flags=re.M)
    elsewhere = rest[0] if rest else ""
    missing = [key for key in WORKED_NUMBERS[block.arg].values() if key not in ctx.values]
    if missing:
        raise ctx.fail(block.line, f"::: numbers {block.arg} needs the values "
                       f"{', '.join(missing)}")
    ctx.placeholders = {name: ctx.values[key] for name, key in WORKED_NUMBERS[block.arg].items()}
    try:
        inner = render_markdown(worked, block.line + 1, ctx)
    finally:
        ctx.placeholders = None
    return partial("numbers", fig_id=block.arg, when=NUMBERS_WHEN.get(block.arg, ""),
                   label=ctx.figures.get(block.arg, block.arg).split(" — ")[0], inner=inner,
                   elsewhere=render_markdown(elsewhere, block.line + 1, ctx) if elsewhere else "")


# What a prediction asks about, per figure: the value the figure's event will report.
PREDICTIONS = {"backprop": "sign_size", "vanishing": "magnitude"}


def named_state(fig_id: str) -> str:
    """The settings a prediction's prompt names — the figure's starting settings, which are the
    chapter's numbers — as the query the widget API reads. The script compares a prediction with
    the figure's value at exactly these settings, whatever the figure shows at the time."""
    def text(value) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return f"{value:g}" if isinstance(value, float) else str(value)

    schema = FIGURES[fig_id].schema
    return urlencode({k: text(spec.default) for k, spec in schema.items() if k != "narrow"})


def _predict(block: Block, ctx: Context) -> Markup:
    if block.arg not in PREDICTIONS:
        raise ctx.fail(block.line, f"unknown prediction {block.arg!r} "
                       f"(known: {', '.join(PREDICTIONS)})")
    return partial("predict", fig_id=block.arg, kind=PREDICTIONS[block.arg],
                   state=named_state(block.arg),
                   label=ctx.figures.get(block.arg, block.arg).split(" — ")[0],
                   prompt=render_markdown(block.body, block.line + 1, ctx))


_RENDERERS: dict[str, Callable[[Block, Context], Markup]] = {
    "callout": _callout,
    "figure": _figure,
    "faq": _faq,
    "intuition": _intuition,
    "glossary": _glossary,
    "numbers": _numbers,
    "predict": _predict,
}


def render_block(block: Block, ctx: Context) -> Markup:
    """One non-slot block as HTML; an unknown kind is a ``ContentError`` on its line."""
    renderer = _RENDERERS.get(block.kind)
    if renderer is None:
        known = ", ".join([*_RENDERERS, *sorted(SLOT_KINDS)])
        raise ctx.fail(block.line, f"unknown block kind ::: {block.kind} (known: {known})")
    return renderer(block, ctx)
