"""A figure's JSON (what the builders make) as a static SVG picture: scatter traces (lines,
markers, text, gaps), bars, linear and log axes with ticks, grid and titles, subplot domains,
annotations with arrows, a horizontal legend — what the figures use, nothing more: a trace of
another type stops start-up (``UnknownTrace``) rather than be drawn as something it is not.
Colours are the page's CSS variables (the roles in style.CSS_VARIABLES), light value as
fallback; the picture carries the variables' values itself, since an <img> does not see the
page's CSS.
"""

from __future__ import annotations

import itertools
import re
from html import escape

from chapter.figures import style
from chapter.figures.payload import TRACE_TYPES
from chapter.figures.svg_axis import Axis

DASHES = {"dash": "6 4", "dot": "2 3", "dashdot": "6 3 2 3", "longdash": "10 4"}
# A label is never struck through by a line behind it: a halo of the surface around its words.
HALO = "text{paint-order:stroke;stroke:var(--surface,#fff);stroke-width:4px;stroke-linejoin:round}"
AXIS = re.compile(r"^([xy])axis(\d*)$")
_TAG = re.compile(r"(</?(?:b|sup|sub)>)")


class UnknownTrace(ValueError):
    """A trace type the picture cannot draw, named with the figure it is in."""

    def __init__(self, title: str, index: int, kind):
        super().__init__(f"{title}: trace {index} is of type {kind!r}, which the picture "
                         f"cannot draw (it draws {', '.join(TRACE_TYPES)})")


def colour(value, theme: dict | None = None) -> str:
    """A light-theme hex as its CSS variable (fallback: the hex); transparent as none."""
    if not value or value in ("rgba(0,0,0,0)", "transparent"):
        return "none"
    themes = style.CSS_VARIABLES if theme is None else theme
    return f"var({themes[value]}, {value})" if value in themes else value


def _f(v: float) -> str:  # a coordinate, to a tenth of a pixel
    return f"{v:.1f}"


def _attrs(**attrs) -> str:
    return "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(str(v))}"'
                   for k, v in attrs.items() if v is not None)


def rich_text(text: str, x: float, y: float, size: float, fill: str, anchor: str = "middle",
              baseline: str = "auto", weight: str | None = None) -> str:
    """Plotly's text markup (<b>, <sup>, <sub>, <br>) as an SVG <text> with <tspan>s."""
    lines = re.split(r"<br\s*/?>", str(text))
    if baseline == "central":
        y -= (len(lines) - 1) * size * 0.6
    elif baseline == "hanging":
        baseline, y = "auto", y + size * 0.9
    elif len(lines) > 1:
        y -= (len(lines) - 1) * size * 1.2
    out = []
    for n, line in enumerate(lines):
        parts, state = [], {"b": False, "sup": False, "sub": False}
        for token in _TAG.split(line):
            tag = re.fullmatch(r"<(/?)(b|sup|sub)>", token)
            if tag:
                state[tag.group(2)] = not tag.group(1)
                continue
            if not token:
                continue
            shift = "super" if state["sup"] else "sub" if state["sub"] else None
            small = size * 0.7 if shift else None
            style = (_attrs(font_weight='bold' if state['b'] else None)
                     + _attrs(baseline_shift=shift, font_size=small))
            words = escape(token, quote=False)
            parts.append(f"<tspan{style}>{words}</tspan>" if style else words)
        if len(lines) == 1:  # one line: its words alone, at the text's own x and y
            out.append("".join(parts))
            continue
        dy = "0" if n == 0 else f"{size * 1.2:g}"
        out.append(f'<tspan x="{x:.1f}" dy="{dy}">{"".join(parts)}</tspan>')
    baseline = None if baseline == "auto" else baseline  # SVG's own default
    return (f"<text{_attrs(x=f'{x:.1f}', y=f'{y:.1f}', font_size=size, fill=fill)}"
            f"{_attrs(text_anchor=anchor, dominant_baseline=baseline, font_weight=weight)}>"
            f"{''.join(out)}</text>")


class Canvas:
    """The figure's size, plot area and axes, from its layout."""

    def __init__(self, layout: dict, width: int):
        self.layout, self.width = layout, width
        self.height = layout.get("height", 450)
        m = {"l": 80, "r": 80, "t": 100, "b": 80, **layout.get("margin", {})}
        self.frame = (m["l"], m["t"], width - m["l"] - m["r"], self.height - m["t"] - m["b"])
        self.axes = {k: Axis(k, v, self.frame) for k, v in layout.items() if AXIS.match(k)}
        self.font = layout.get("font", {})
        self.size = self.font.get("size", 12)

    def axis(self, ref: str) -> Axis | None:
        """'x2' → the axis 'xaxis2'."""
        return self.axes.get(f"{ref[0]}axis{ref[1:]}")

    def paper(self, letter: str, value: float) -> float:
        left, top, width, height = self.frame
        return left + value * width if letter == "x" else top + (1 - value) * height

    def place(self, ref: str, letter: str, value) -> float | None:
        """An annotation's coordinate: paper, an axis' domain, or an axis' data."""
        ref = ref or "paper"
        if ref == "paper":
            return self.paper(letter, float(value))
        axis = self.axis(ref.split()[0])
        if axis is None:
            return None
        if ref.endswith(" domain"):
            return axis.p0 + float(value) * (axis.p1 - axis.p0)
        return axis.pos(value)


def _anchor_of(canvas: Canvas, axis: Axis) -> Axis | None:
    return canvas.axis(axis.spec.get("anchor", "y" if axis.letter == "x" else "x"))


def draw_axis(canvas: Canvas, axis: Axis) -> list[str]:
    """Grid, zero line, line, tick labels and title of one visible axis."""
    spec, other = axis.spec, _anchor_of(canvas, axis)
    if spec.get("visible") is False or other is None:
        return []
    size = (spec.get("tickfont") or {}).get("size", canvas.size)
    title = (spec.get("title") or {})
    tsize = (title.get("font") or {}).get("size", canvas.size)
    ink, muted = colour(style.INK), colour(spec.get("linecolor", style.MUTED))
    grid = colour(spec.get("gridcolor", style.RULE))
    out, lines = [], []  # the grid: one path of all its lines
    across = (other.p0, other.p1)
    for value, label in axis.ticks() if spec.get("showticklabels", True) else ():
        p = axis.pos(value)
        if p is None:
            continue
        if axis.letter == "x":
            lines.append(f"M{p:.1f} {across[0]:.1f}V{across[1]:.1f}")
            out.append(rich_text(label, p, across[0] + size + 4, size, ink, "middle"))
        else:
            lines.append(f"M{across[0]:.1f} {p:.1f}H{across[1]:.1f}")
            out.append(rich_text(label, across[0] - 6, p, size, ink, "end", "central"))
    if lines:
        out.insert(0, f'<path d="{"".join(lines)}"{_attrs(stroke=grid)} fill="none"/>')
    zero = axis.pos(0.0) if not axis.log and min(axis.range) < 0 < max(axis.range) else None
    if zero is not None:
        zc = colour(spec.get("zerolinecolor", style.MUTED))
        xy = ((zero, across[0], zero, across[1]) if axis.letter == "x" else
              (across[0], zero, across[1], zero))
        out.append(_line(*xy, zc))
    if axis.letter == "x":
        out.append(_line(axis.p0, across[0], axis.p1, across[0], muted))
        if title.get("text"):
            out.append(rich_text(title["text"], (axis.p0 + axis.p1) / 2,
                                 across[0] + size + tsize + 14, tsize, ink))
    else:
        out.append(_line(across[0], axis.p0, across[0], axis.p1, muted))
        if title.get("text"):
            x, y = across[0] - 4 * size, (axis.p0 + axis.p1) / 2
            out.append(f'<g transform="rotate(-90 {x:.1f} {y:.1f})">'
                       f"{rich_text(title['text'], x, y, tsize, ink)}</g>")
    return out


def _marker(x: float, y: float, size: float, symbol: str, fill: str, line: dict) -> str:
    r = size / 2
    stroke = _attrs(stroke=colour(line.get("color")) if line.get("color") else None,
                    stroke_width=line.get("width") if line.get("color") else None)
    if symbol.startswith("square"):
        return f"<rect{_attrs(x=_f(x - r), y=_f(y - r), width=_f(size), height=_f(size))}" \
               f"{_attrs(fill=fill)}{stroke}/>"
    if symbol.startswith("diamond"):
        pts = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        return f"<polygon{_attrs(points=pts, fill=fill)}{stroke}/>"
    if symbol.startswith("x"):
        d = (f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}"
             f"M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}")
        return f"<path{_attrs(d=d, stroke=fill, stroke_width=line.get('width', 2))}/>"
    return f"<circle{_attrs(cx=_f(x), cy=_f(y), r=_f(r), fill=fill)}{stroke}/>"


def _each(value, n: int) -> list:  # a per-point attribute, or one value for every point
    return list(value) if isinstance(value, list) else [value] * n

_TEXT_PLACE = {"top": ("auto", -1), "bottom": ("hanging", 1), "middle": ("central", 0)}


def _point_text(text, x: float, y: float, position: str, size: float, fill: str,
                gap: float) -> str:
    vertical, _, horizontal = (position or "middle center").partition(" ")
    baseline, sign = _TEXT_PLACE.get(vertical, ("central", 0))
    anchor = {"left": "end", "right": "start"}.get(horizontal, "middle")
    dx = {"left": -gap, "right": gap}.get(horizontal, 0)
    return rich_text(text, x + dx, y + sign * gap, size, fill, anchor, baseline)


def abscissae(trace: dict) -> list:
    """A trace's x values: its ``x``, or, as plotly.js reads a trace without one, ``x0 + k·dx``
    for each of its y values (both default to 0 and 1 there)."""
    if trace.get("x") is not None:
        return trace["x"]
    x0, dx = trace.get("x0", 0), trace.get("dx", 1)
    return [x0 + k * dx for k in range(len(trace.get("y") or []))]


def draw_trace(canvas: Canvas, trace: dict) -> list[str]:
    """A scatter (lines, markers, text) or bar trace on its axes."""
    xa, ya = canvas.axis(trace.get("xaxis", "x")), canvas.axis(trace.get("yaxis", "y"))
    if xa is None or ya is None or trace.get("visible") is False:
        return []
    xs, ys = abscissae(trace), trace.get("y") or []
    points = [(xa.pos(x), ya.pos(y)) for x, y in zip(xs, ys, strict=False)]
    line = trace.get("line") or {}
    marker = trace.get("marker") or {}
    base = colour(line.get("color") or marker.get("color") or style.BLUE)
    if trace.get("type") == "bar":
        return _bars(points, ya, colour(marker.get("color", style.BLUE)))
    mode, out = trace.get("mode", "lines+markers"), []
    if "lines" in mode:
        d, pen = [], "M"
        for px, py in points:
            if px is None or py is None:
                pen = "M"
                continue
            d.append(f"{pen}{px:.1f},{py:.1f}")
            pen = "L"
        if d:
            out.append(f"<path{_attrs(d=''.join(d), fill='none', stroke=base)}"
                       f"{_attrs(stroke_width=line.get('width', 2), stroke_linejoin='round')}"
                       f"{_attrs(stroke_dasharray=DASHES.get(line.get('dash')))}/>")
    n = len(points)
    sizes = _each(marker.get("size", 6), n)
    if "markers" in mode:
        fills = _each(marker.get("color", line.get("color")), n)
        symbols = _each(marker.get("symbol", "circle"), n)
        for (px, py), s, f, sym in zip(points, sizes, fills, symbols, strict=False):
            if px is not None and py is not None and s:
                out.append(_marker(px, py, s, sym, colour(f) if f else base,
                                   marker.get("line") or {}))
    if "text" in mode:
        font = trace.get("textfont") or {}
        texts = _each(trace.get("text", ""), n)
        for (px, py), t, s in zip(points, texts, sizes, strict=False):
            if px is not None and py is not None and t:
                out.append(_point_text(t, px, py, trace.get("textposition"),
                                       font.get("size", canvas.size),
                                       colour(font.get("color", style.INK)),
                                       (s if "markers" in mode else 0) / 2 + 4))
    return out


def _bars(points, ya: Axis, fill: str) -> list[str]:
    xs = sorted(px for px, py in points if px is not None)
    width = 0.8 * min((b - a for a, b in itertools.pairwise(xs)), default=20)
    zero = ya.pos(min(ya.range) if ya.log else 0.0) or ya.p0
    return [f"<rect{_attrs(x=_f(px - width / 2), y=_f(min(py, zero)), width=_f(width))}"
            f"{_attrs(height=_f(abs(zero - py)), fill=fill)}/>"
            for px, py in points if px is not None and py is not None]


def draw_annotation(canvas: Canvas, a: dict) -> list[str]:
    """An annotation's text at its place (paper, domain or data), with its arrow if any."""
    x = canvas.place(a.get("xref", "paper"), "x", a.get("x", 0))
    y = canvas.place(a.get("yref", "paper"), "y", a.get("y", 0))
    if x is None or y is None:
        return []
    font = a.get("font") or {}
    size, fill = font.get("size", canvas.size), colour(font.get("color", style.INK))
    out = []
    if a.get("showarrow", True):
        tail = (canvas.place(a["axref"], "x", a.get("ax", 0)) if a.get("axref", "pixel") != "pixel"
                else x + a.get("ax", -10), canvas.place(a["ayref"], "y", a.get("ay", 0))
                if a.get("ayref", "pixel") != "pixel" else y + a.get("ay", -30))
        if None not in tail:
            stroke = colour(a.get("arrowcolor", style.INK))
            out.append(_line(*tail, x, y, stroke, a.get("arrowwidth", 1.5),
                             marker_end=f"url(#{_head_id(stroke, a.get('arrowsize', 1))})"))
            x, y = tail
    if a.get("text"):
        anchor = {"left": "start", "right": "end"}.get(a.get("xanchor"), "middle")
        baseline = {"top": "hanging", "bottom": "auto"}.get(a.get("yanchor"), "central")
        out.append(rich_text(a["text"], x, y - (2 if baseline == "auto" else 0), size, fill,
                             anchor, baseline))
    return out


def _line(x1, y1, x2, y2, stroke, width=1, **extra) -> str:
    return (f"<line{_attrs(x1=f'{x1:.1f}', y1=f'{y1:.1f}', x2=f'{x2:.1f}', y2=f'{y2:.1f}')}"
            f"{_attrs(stroke=stroke, stroke_width=None if width == 1 else width, **extra)}/>")


def _css_id(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def draw_legend(canvas: Canvas, data: list[dict]) -> list[str]:
    """A horizontal legend above the plot area: each named trace's line, marker and name,
    in as many rows as the width needs (rows grow upwards, away from the plot)."""
    if not canvas.layout.get("showlegend"):
        return []
    size = (canvas.layout.get("legend") or {}).get("font", {}).get("size", canvas.size)
    items, rows, x = [], [[]], canvas.frame[0]
    for t in data:
        if t.get("showlegend") is False or not t.get("name"):
            continue
        width = 34 + 0.6 * size * len(re.sub(r"<[^>]+>", "", t["name"])) + 16
        if rows[-1] and x + width > canvas.width:
            rows.append([])
            x = canvas.frame[0]
        rows[-1].append((x, t))
        x += width
    y = canvas.frame[1] - 8 - (len(rows) - 1) * size * 1.5
    for row in rows:
        for x, t in row:
            items += _legend_item(t, x, y, size)
        y += size * 1.5
    return items


def _legend_item(t: dict, x: float, y: float, size: float) -> list[str]:
    line, marker, out = t.get("line") or {}, t.get("marker") or {}, []
    stroke = colour(line.get("color") or marker.get("color") or style.INK)
    if "lines" in t.get("mode", "lines"):
        out.append(_line(x, y - size / 3, x + 28, y - size / 3, stroke, line.get("width", 2),
                         stroke_dasharray=DASHES.get(line.get("dash"))))
    if "markers" in t.get("mode", ""):
        out.append(_marker(x + 14, y - size / 3, marker.get("size", 6),
                           marker.get("symbol", "circle"), stroke, {}))
    out.append(rich_text(t["name"], x + 34, y, size, colour(style.INK), "start"))
    return out


def _head_id(stroke: str, size: float) -> str:
    return f"head-{_css_id(stroke)}-{round(size * 100)}"


def _arrowheads(heads: set[tuple[str, float]]) -> str:
    """An arrowhead per colour and size, as big as plotly.js draws it (its ``arrowsize`` times
    the line's width, about five widths long at size 1)."""
    return "".join(
        f'<marker id="{_head_id(c, size)}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="{5 * size:g}" markerHeight="{5 * size:g}" orient="auto-start-reverse">'
        f'<path d="M0,0L10,5L0,10z" fill="{c}"/></marker>' for c, size in sorted(heads))


def to_svg(figure: dict, width: int, title: str, variables: str = "") -> str:
    """The whole picture: one <svg> with its title, its colour variables, axes, traces (each
    subplot's lines clipped to it), annotations and legend."""
    layout, data = figure["layout"], figure["data"]
    canvas = Canvas(layout, width)
    body = [p for axis in canvas.axes.values() for p in draw_axis(canvas, axis)]
    clips: dict[str, str] = {}  # a subplot's rectangle → its clip path's id
    clipped = None  # the clip path of the group the body ends in, if any
    for i, trace in enumerate(data):
        if trace.get("type") not in TRACE_TYPES:
            raise UnknownTrace(title, i, trace.get("type"))
        parts = draw_trace(canvas, trace)
        xa, ya = canvas.axis(trace.get("xaxis", "x")), canvas.axis(trace.get("yaxis", "y"))
        if parts and xa and ya and trace.get("cliponaxis", True) and "lines" in trace.get(
                "mode", ""):
            x0, x1, y0, y1 = sorted((xa.p0, xa.p1)) + sorted((ya.p0, ya.p1))
            rect = (f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
                    f'height="{y1 - y0:.1f}"/>')
            clip = clips.setdefault(rect, f"clip{len(clips)}")
            if clipped == clip:  # the same subplot's group goes on
                body.pop()
                parts = [*parts, "</g>"]
            else:
                parts = [f'<g clip-path="url(#{clip})">', *parts, "</g>"]
            clipped = clip
        elif parts:
            clipped = None
        body += parts
    for a in layout.get("annotations", []):
        body += draw_annotation(canvas, a)
    body += draw_legend(canvas, data)
    heads = {(colour(a.get("arrowcolor", style.INK)), a.get("arrowsize", 1))
             for a in layout.get("annotations", []) if a.get("showarrow", True)}
    family = escape(canvas.font.get("family", "sans-serif"))
    defs = "".join(f'<clipPath id="{clip}">{rect}</clipPath>' for rect, clip in clips.items())
    # The figure's own type size set once on the <svg>: its texts say only another size.
    size = f'{canvas.size:g}'
    drawn = "".join(body).replace(f' font-size="{size}"', "")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {canvas.height}" '
            f'width="{width}" height="{canvas.height}" role="img" font-family="{family}" '
            f'font-size="{size}"><title>{escape(title)}</title><style>{variables}{HALO}</style>'
            f"<defs>{defs}{_arrowheads(heads)}</defs>{drawn}</svg>")
