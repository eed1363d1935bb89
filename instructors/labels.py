"""Plain-text labels from the bank's HTML, for chart axes and CSV cells.

Choice labels are Markdown rendered to HTML with MathML (``$e^4 \\approx 54.6$``). Tables show
that HTML as it is; a Plotly axis or a spreadsheet cell needs text, so ``e⁴ ≈ 54.6`` is read
back out of the MathML here rather than written a second time in the bank.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

SUPERSCRIPT = str.maketrans("0123456789+-−=()nix", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱˣ")
SUBSCRIPT = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
TAG = re.compile(r"<[^>]+>")
NAMED_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]*);")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _script(text: str, table: dict, fallback: str) -> str:
    text = "".join(text.split())
    mapped = text.translate(table)
    if all(ord(c) in table.values() or c.isspace() for c in mapped) and mapped:
        return mapped
    return f"{fallback}({text})" if len(text) > 1 else f"{fallback}{text}"


def _text(node: ET.Element) -> str:
    name = _local(node.tag)
    children = list(node)
    if name == "msup" and len(children) == 2:
        return _text(children[0]) + _script(_text(children[1]), SUPERSCRIPT, "^")
    if name == "msub" and len(children) == 2:
        return _text(children[0]) + _script(_text(children[1]), SUBSCRIPT, "_")
    if name == "mfrac" and len(children) == 2:
        return f"{_text(children[0])}/{_text(children[1])}"
    if name == "mover" and len(children) == 2 and _text(children[1]) in {"^", "ˆ"}:
        return _text(children[0]) + "\u0302"  # combining circumflex: ŷ
    if name == "mo":
        op = (node.text or "").strip()
        return f" {op} " if op in {"≈", "=", "+", "−", "·", "×", "→"} else op
    parts = [node.text or ""]
    for child in children:
        parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def plain_text(markup: Markup | str) -> str:
    """The text a reader sees in ``markup``, with MathML written in Unicode (e⁴, ∂L/∂ŷ)."""
    # XML knows five named entities; Markdown's typography (&rsquo;) becomes characters first.
    source = NAMED_ENTITY.sub(lambda m: html.unescape(m.group(0)), str(markup))
    try:
        # The bank's own rendered HTML, never a client's input.
        text = _text(ET.fromstring(f"<root>{source}</root>"))  # noqa: S314
    except ET.ParseError:
        text = html.unescape(TAG.sub("", source))
    return re.sub(r"\s+", " ", text).strip()
