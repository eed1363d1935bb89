"""How every figure looks: the palette, axes, layout, labels and compact coordinates.

Colours are the Okabe–Ito palette written as light-theme hex values; the page's script swaps
each for the CSS variable of the same role (``CSS_VARIABLES``, which the page hands it), so
dark mode needs no second figure. Meaning is always carried twice: by colour and by a label,
marker shape or dash style.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np

from chapter.format import num

# Okabe–Ito, plus the page's own ink colours (light theme); the page's script maps each to a
# CSS variable (CSS_VARIABLES) so the same figure reads in dark mode.
BLUE, VERMILION, GREEN, PURPLE, ORANGE = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"
INK, MUTED, RULE, WHITE = "#1f2328", "#57606a", "#d8d4ca", "#ffffff"
# Text in a hue: vermilion and green are too light for words on the light page (3.9:1 and
# 3.4:1), so words take a darker shade of the same hue (≥ 5:1); blue passes as it is. In dark
# mode they map to --fig-*-text, which tests/test_figures_contrast.py checks.
VERMILION_TEXT, GREEN_TEXT = "#B34D00", "#007A5A"
# Each colour a figure is written in → the CSS variable (static/css/chapter.css, widgets.css)
# that carries its role in the reader's scheme. The page hands this map to its script
# (#figure-config), which draws every figure with the variables' values.
CSS_VARIABLES = {
    BLUE: "--widget-blue", VERMILION: "--widget-vermilion", GREEN: "--widget-green",
    PURPLE: "--widget-purple", ORANGE: "--widget-orange", INK: "--text", MUTED: "--muted",
    RULE: "--rule", WHITE: "--surface", VERMILION_TEXT: "--fig-vermilion-text",
    GREEN_TEXT: "--fig-green-text",
}
_TEXT = {VERMILION: VERMILION_TEXT, GREEN: GREEN_TEXT}
TEXT_MIN = 13  # px: no chart text is smaller


def round_sig(values, digits: int = 5) -> list:
    """Figure coordinates to a few significant digits (the JSON stays small); None is a gap."""
    if len(values) <= 24:  # NumPy's per-call overhead outweighs a short loop
        return round_each(values, digits)
    return [None if v != v else v for v in _rounded(values, digits).tolist()]  # v != v: NaN


def round_each(values, digits: int = 5) -> list:
    """``round_sig`` of a short list, one value at a time: the rounding of each value is its
    own, so a builder may round many short lists' values in one call and split the result."""
    spec = _SPECS.get(digits) or f".{digits}g"
    try:
        if math.isfinite(sum(values)):  # no gap, NaN nor infinity: no value needs a look
            return [float(_FORMAT(f, spec)) for f in map(float, values)]
    except TypeError:  # None among them: a gap
        pass
    return [None if v is None or (f := float(v)) - f != 0 else float(_FORMAT(f, spec))
            for v in values]  # f - f is NaN for NaN and ±inf


_FORMAT = float.__format__


_SPECS = {4: ".4g", 5: ".5g"}


def digits_for(view: list[float], digits: int = 5) -> int:
    """Significant digits that draw values on an axis showing ``view`` to a ten-thousandth of
    its span or finer: ``digits`` (5) unless the view is a small span of large values (a
    saturated sigmoid's y near 1 shown over 10⁻⁷), at most 15."""
    low, high = float(view[0]), float(view[1])
    largest = max(abs(low), abs(high))
    if not (high > low and largest > 0 and math.isfinite(largest)):
        return digits
    ratio = largest / (high - low)
    if ratio <= 10 and 5 <= digits <= 15:  # the usual view: log10 at most 1, 4 + 1 digits
        return digits
    # 4 digits across the view is a ten-thousandth of its height, finer than a pixel
    return int(min(15, max(digits, 4 + np.ceil(np.log10(ratio)))))


def round_rows(values, digits: int = 5) -> list[list]:
    """``round_sig`` of each row of a 2-D array, in one NumPy pass (a sweep's frames at once);
    each row is rounded exactly as ``round_sig`` rounds a long list."""
    rounded = _rounded(values, digits).reshape(len(values), -1)
    gapped = np.isnan(rounded).any(axis=1).tolist()  # only these rows need a pass in Python
    return [[None if v != v else v for v in row] if gap else row
            for row, gap in zip(rounded.tolist(), gapped, strict=True)]


def _rounded(values, digits: int) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    magnitude = np.abs(a)
    tiny = magnitude < 1e-300  # subnormal: its scale factor would overflow; drawn as 0
    keep = np.isfinite(a) & ~tiny
    if keep.all():  # the usual case: the same arithmetic on every value, nothing to pick out
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(magnitude)))
        return np.round(a * scale) / scale
    out = np.where(tiny, 0.0, np.nan)
    if keep.any():
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(magnitude[keep])))
        out[keep] = np.round(a[keep] * scale) / scale
    return out


def text_colour(colour: str) -> str:
    """The colour words take in a series' hue: the darker text shade where there is one."""
    return _TEXT.get(colour, colour)


def font(size: int = TEXT_MIN) -> dict:
    """The page's own type, so a figure reads as part of the text around it."""
    return {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "size": size, "color": INK}


def axis(title: str, domain, anchor: str, **extra) -> dict:
    """One axis, fixed (no zoom on a phone's scroll), powers of ten written as powers."""
    # A set standoff puts the title clear of the tick labels, however wide they are.
    axis = {"title": _axis_title(title), "domain": list(domain),
            "anchor": anchor, "gridcolor": RULE, "linecolor": MUTED, "zerolinecolor": MUTED,
            "tickfont": _TICK_FONT, "fixedrange": True, "exponentformat": "power",
            # Fixed margins, labels never hidden: each costs a relayout or a measuring pass
            # per redraw, and a scrubbed slider redraws forty times a second.
            "automargin": False, "ticklabeloverflow": "allow"}
    axis.update(extra)
    return axis


# Parts many figures and frames draw alike are made once and shared: a sweep's frames then
# allocate, compare (sweep.py: the same object is the same value) and free them once. Read,
# never changed.
_TICK_FONT = {"size": TEXT_MIN}
_SEGMENT_FONT = {"color": INK, "size": 13}


@functools.cache
def _axis_title(title: str) -> dict:
    return {"text": title, "font": _TICK_FONT, "standoff": 8}


@functools.cache
def _segment_style(color: str, width: float, dash: str) -> tuple[dict, dict]:
    """A segment's line and its end's marker (shared, as ``_TICK_FONT``)."""
    return ({"color": color, "width": width, "dash": dash},
            {"size": [0, 9], "color": color, "symbol": "diamond"})


def layout(height: int, **extra) -> dict:
    """A transparent layout, so the page's light or dark surface shows through."""
    layout = {
        "height": height, "autosize": True, "font": font(),
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 72, "r": 16, "t": 36, "b": 52}, "dragmode": False,
        "hovermode": "closest", "showlegend": False,
    }
    layout.update(extra)
    return layout


def panel_title(text: str, xdomain, ytop: float) -> dict:
    """A panel's title as an annotation: Plotly has one title per figure, not per panel."""
    return {"text": f"<b>{text}</b>", "x": (xdomain[0] + xdomain[1]) / 2, "y": ytop,
            "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 13, "color": INK}}


def segment(x0, y0, x1, y1, color, label, dash="solid", width=4, axes=("x", "y"),
             textposition="top center", name="", digits: int = 5) -> dict:
    """A straight segment from (x0, y0) to (x1, y1), its label at the far end (``digits``:
    of y, more where its axis shows a small span of large values: ``digits_for``)."""
    return drawn_segment(round_sig([x0, x1]), round_sig([y0, y1], digits), color, label, dash,
                         width, axes, textposition, name)


def drawn_segment(xs: list, ys: list, color, label, dash="solid", width=4, axes=("x", "y"),
                  textposition="top center", name="") -> dict:
    """``segment`` through ends already rounded (``round_each``): its two x and two y."""
    line, marker = _segment_style(color, width, dash)
    return {"type": "scatter", "mode": "lines+markers+text", "x": xs,
            "y": ys, "xaxis": axes[0], "yaxis": axes[1], "name": name,
            "line": line, "marker": marker, "text": ["", label], "textposition": textposition,
            "textfont": _SEGMENT_FONT, "hoverinfo": "skip", "cliponaxis": False}


def focus_range(extent: tuple | None, lo: float, hi: float) -> list[float]:
    """A y-range showing a curve whose finite values span ``extent`` (smallest, largest;
    None: it has none), but never so tall that the nudge becomes invisible."""
    c_lo, c_hi = (float(extent[0]), float(extent[1])) if extent else (lo, hi)
    c_lo, c_hi = min(c_lo, lo), max(c_hi, hi)
    span = hi - lo
    if span > 0 and c_hi - c_lo > 12 * span:
        c_lo, c_hi = max(c_lo, lo - 2 * span), min(c_hi, hi + 2 * span)
    pad = 0.1 * (c_hi - c_lo) or max(0.5, 0.1 * abs(c_hi))
    return [c_lo - pad, c_hi + pad]


# How far past its view a curve's point must lie, with its neighbours, before beyond_view
# sends a short number for it: a quarter of the view, over 50 px at the shortest panel (a
# phone's Figure 1, 211 px), past plotly.js's hover reach (20 px beyond a point's 3 px radius)
# and a 3 px line's half width. A pointer then labels, and the eye sees, the same points.
BEYOND = 0.25


def beyond_view(rows: list[list], extents: list, views: list) -> list[list]:
    """Curves' drawn values (``rows``, each as long) with each point that lies out of reach
    past one edge of its curve's y-range (``views``: [low, high] each; ``BEYOND`` of it past
    the edge), and whose neighbours lie as far past the same edge or are gaps, set to one
    short number past that edge (at least half the view past it, ``_short_past``). No segment
    from such a point comes within reach of the panel, before or after, so each curve is
    drawn and hovered as before; but a curve rising off the chart (eᵘ up to 10⁵ over a view
    of 20) is then a run of one repeated number, not 161 distinct ones: a third of a sweep's
    bytes. The points either side of a run keep their values, so the segment that leaves the
    panel keeps its slope. ``extents`` (each curve's smallest and largest finite value, or
    None): a curve within reach of its view is the same list. One pass for all of a sweep's
    frames (nudge.sweep_frames), the same arithmetic for one figure."""
    todo = [i for i, (extent, (lo, hi)) in enumerate(zip(extents, views, strict=True))
            if extent is not None and (extent[0] < lo - BEYOND * (hi - lo)
                                       or extent[1] > hi + BEYOND * (hi - lo))]
    if not todo:
        return rows
    values = np.array([rows[i] for i in todo], dtype=float)  # None (a gap) → NaN
    view = np.array([views[i] for i in todo], dtype=float)
    lows, highs = view[:, :1], view[:, 1:]
    reach = BEYOND * (highs - lows)
    gaps, ends = np.isnan(values), np.ones((len(todo), 1), dtype=bool)
    hidden = [past & side[:, :-2] & side[:, 2:]
              for past in (values > highs + reach, values < lows - reach)
              for side in [np.hstack([ends, past | gaps, ends])]]
    out = list(rows)
    for k, (i, up, down, any_gap) in enumerate(zip(
            todo, *(h.any(axis=1).tolist() for h in hidden), gaps.any(axis=1).tolist(),
            strict=True)):
        if not (up or down):
            continue
        row, (lo, hi) = values[k], views[i]
        if up:
            row[hidden[0][k]] = _short_past(hi, hi - lo)
        if down:
            row[hidden[1][k]] = _short_past(lo, lo - hi)
        out[i] = [None if v != v else v for v in row.tolist()] if any_gap else row.tolist()
    return out


def _short_past(edge: float, step: float) -> float:
    """The fewest significant digits of ``edge + step`` that still lie at least half of
    ``step`` past ``edge``: two digits of 1.0329 would be 1.0, 0.002 over a view up to
    0.99792, within a pointer's reach of its panel."""
    target = edge + step
    for digits in range(2, 18):
        short = float(f"{target:.{digits}g}")
        if (short - edge) / step >= 0.5:
            return short
    return target


def sweep_frame(data: list[dict], layout: dict, values: dict, summary: str) -> dict:
    """What a builder called with ``sweeping=True`` answers: the figure's data and layout,
    its values and summary — all a sweep frame carries (sweep.py), without the step frames,
    description and table the full answer computes."""
    return {"figure": {"data": data, "layout": layout}, "values": values, "summary": summary}


def changes(traces: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """A frame carries only what it changes; Plotly merges it onto the drawn traces."""
    return [{k: t[k] for k in keys if k in t} for t in traces]


def table(caption: str, columns: list[str], rows: list[list]) -> dict:
    """The figure's data table, every number written as the prose writes it."""
    return {"caption": caption, "columns": columns,
            "rows": [[cell if isinstance(cell, str) else num(cell) for cell in row]
                     for row in rows]}



_SUPERSCRIPTS = str.maketrans("xuw²", "ˣᵘʷ²")
_POWER = re.compile(r"e\^(\(([^()]*)\)|(\w))")


@functools.cache  # a handful of formulas, typeset for every frame of a sweep
def typeset(formula: str, html: bool) -> str:
    """A formula as it is printed, not typed: e^(x²) becomes e with x² raised — as Plotly's
    <sup> in a figure (``html``), as Unicode superscripts in the words a reader hears."""
    def power(match):
        exponent = match.group(2) if match.group(2) is not None else match.group(3)
        if html:
            return f"e<sup>{exponent}</sup>"
        raised = exponent.translate(_SUPERSCRIPTS)
        return f"e{raised}" if all(c in "ˣᵘʷ²" for c in raised) else f"exp({exponent})"
    return _POWER.sub(power, formula)
