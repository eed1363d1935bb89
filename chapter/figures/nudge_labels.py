"""Where Figure 1 puts its words, so that at every setting the sliders allow each is whole,
inside the chart and clear of every other.

The chart's height is fixed (``HEIGHTS``), so a panel's height in pixels is known here; its
width is not (the page decides it), so every horizontal room is taken at the narrowest chart
the page draws in that layout (``MIN_WIDTH``). Words are measured with the chart's own type
(13 px system-ui) by ``text_px``, a little wider than they draw.

The nudge's changes are written in a block of lines at the right edge of each stage's panel,
above or below the point (whichever side has room beside the point's own label and, in the
inner panel, the Δx label, on either side of it: ``words_around``), not at the segments'
ends, where the real change and its estimate meet and their words would cover each other.
The points' labels and the Δx label sit on the sides that the stage's tangent and curve leave
free (``point_place``, ``dx_place``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import numpy as np

from chapter.figures import style
from chapter.figures.nudge_frames import State
from chapter.figures.style import round_sig
from chapter.format import approx

MIN_WIDTH = {True: 260, False: 560}  # px: the narrowest chart drawn narrow (a 320 px phone) / wide
MARGIN_T, MARGIN_B, MARGIN_R = 36, 52, 24  # r: half the widest x tick label at the right edge
LINE_PX = 17  # one line of 13 px words
POINT_WORDS_PX = 26  # a point's label or the Δx label, above or below it, with its offset
INSET_PX = 6
# Advance widths of the chart's type at 13 px (digits 8.3 px); anything else is 8.2.
_WIDTHS = {**dict.fromkeys("0123456789", 8.3), **dict.fromkeys(" .·,:", 4.1),
           **dict.fromkeys("−×≈=+", 10.9), **dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹", 5.5), "⁻": 6.9,
           "′": 3.0, "(": 5.1, ")": 5.1, "l": 3.6, "i": 3.6, "t": 5.1, "Δ": 8.9}


class _Advances(dict):
    def __missing__(self, _char: str) -> float:
        return 8.2


_ADVANCES = _Advances(_WIDTHS)


@lru_cache(maxsize=4096)  # a sweep measures the same few words in frame after frame
def text_px(text: str, slack: float = 1.06) -> float:
    """The width of one line of chart words, a little over what the browser draws (digits
    alone, as tick labels are, measure exactly: ``slack`` 1)."""
    return slack * sum(map(_ADVANCES.__getitem__, text))


def _nice_step(span: float, count: float) -> float:
    raw = span / max(count, 2)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def tick_px(view: list[float], length_px: float) -> float:
    """The widest tick label plotly.js writes on an axis showing ``view`` over ``length_px``
    (a tick every 40 px or so; large and tiny values written as powers of ten)."""
    low, high = float(view[0]), float(view[1])
    top = max(abs(low), abs(high))
    if not (high > low and math.isfinite(top)):
        return text_px("−0.000")
    step = _nice_step(high - low, length_px / 40)
    sign = "−" if low < 0 else ""
    power = text_px(f"{sign}8.8×10⁻⁸⁸")
    if top >= 1e5 or top < 1e-3 or step < 1e-12:
        return power
    decimals = max(0, -math.floor(math.log10(step)))
    plain = text_px(f"{sign}{top:.{decimals}f}", 1.0)
    return max(plain, power) if top >= 1e4 else plain


@dataclass(frozen=True)
class Frame:
    """The panels' places: the margins, the wide layout's domains, each panel's height."""

    margin: dict
    domains: dict
    heights: dict  # px: "g", "f"
    widths: dict  # px at the narrowest chart: "g", "f", "s"
    room: tuple[int, int] = (0, 0)  # px: the left margin, and the gap between wide panels


def frame(height: int, narrow: bool, g_range: list, f_range: list,
          least: tuple[int, int] = (0, 0)) -> Frame:
    """Margins wide enough for the y tick labels, and (side by side) a gap between the inner
    and the outer panel wide enough for the outer panel's tick labels and title; each at
    least ``least`` (another frame's ``room``: a sweep's frames have at least the room of
    the figure on screen when a drag starts, see ``nudge.sweep_frames``)."""
    plot_h = height - MARGIN_T - MARGIN_B
    title_px = 8 + 16 + 4  # standoff, a rotated title's height, a little air
    if narrow:
        ticks = max(tick_px(g_range, 0.26 * plot_h), tick_px(f_range, 0.27 * plot_h),
                    text_px("10⁻¹⁸"))
        left, gap = max(_step_up(ticks + title_px), least[0]), 0
        domains = {"s": ((0, 1), (0.72, 1)), "g": ((0, 1), (0.37, 0.63)),
                   "f": ((0, 1), (0, 0.27))}
        width = MIN_WIDTH[True] - left - MARGIN_R
        widths = {"g": width, "f": width, "s": width}
    else:
        left = max(_step_up(tick_px(g_range, 0.56 * plot_h) + title_px), least[0])
        plot_w = MIN_WIDTH[False] - left - MARGIN_R
        # the outer panel's tick labels and title, and half the inner panel's last x tick
        gap = max(_step_up(tick_px(f_range, 0.56 * plot_h) + title_px + 12, 88), least[1])
        half = (1 - gap / plot_w) / 2
        domains = {"g": ((0, half), (0.44, 1)), "f": ((1 - half, 1), (0.44, 1)),
                   "s": ((0, 1), (0, 0.28))}
        widths = {"g": half * plot_w, "f": half * plot_w, "s": plot_w}
    heights = {k: plot_h * (domains[k][1][1] - domains[k][1][0]) for k in ("g", "f")}
    margin = {"l": left, "r": MARGIN_R, "t": MARGIN_T, "b": MARGIN_B}
    return Frame(margin, domains, heights, widths, (left, gap))


def _step_up(px: float, least: int = 72, step: int = 24) -> int:
    """``px`` rounded up to ``least`` or a whole step beyond it: along a dragged slider the
    panels keep their places until a tick label needs a step more (plotly.js draws a frame
    whose domains moved whole, slower than moving its marks)."""
    return least + step * max(0, math.ceil((px - least) / step))


def lines(entries: list[tuple[str, str]], width_px: float) -> list[str]:
    """Each (name, "≈ value") as one line, or as two ("name ≈", "value") where one would not
    fit ``width_px``."""
    out = []
    for name, value in entries:
        whole = f"{name} {value}"
        relation, number = value.split(" ", 1)
        out += [whole] if text_px(whole) <= width_px - INSET_PX else [f"{name} {relation}",
                                                                      number]
    return out


def room(view: list[float], at: float, height_px: float, above_px: float,
         below_px: float) -> list[float]:
    """``view`` grown, if need be, so that ``above_px`` pixels are free above the value ``at``
    and ``below_px`` below it, in a panel ``height_px`` tall."""
    low, high = float(view[0]), float(view[1])
    up, down = max(high - at, 0.0), max(at - low, 0.0)
    top, bottom = above_px / height_px, below_px / height_px  # fractions, top + bottom < 1
    span = max(up + down, up / (1 - bottom), down / (1 - top))
    up = max(up, top * span)
    return [at - (span - up), at + up]


def block_side(view: list[float], at: float, height_px: float, block_px: float,
               below_point_px: float, lines_under=None,
               above_point_px: float = POINT_WORDS_PX) -> str:
    """"top" or "bottom": the side of the point (at ``at``) where a block of ``block_px``
    fits with the least growth of the view (with ``above_point_px`` of words above the
    point and ``below_point_px`` below it); where both fit as they are, the side whose
    corner the curve and tangent leave free (``lines_under()``: their lowest and highest
    value under the block)."""
    span = view[1] - view[0]
    above = (view[1] - at) / span * height_px
    below = (at - view[0]) / span * height_px
    short_top = max(0.0, block_px + above_point_px - above)
    short_bottom = max(0.0, block_px + below_point_px - below)
    if short_top == short_bottom == 0 and lines_under is not None:
        band = (block_px + INSET_PX) / height_px * span
        low, high = lines_under()
        top_free = high < view[1] - band or low > view[1]
        bottom_free = low > view[0] + band or high < view[0]
        if top_free != bottom_free:
            return "top" if top_free else "bottom"
    return "top" if short_top <= short_bottom else "bottom"


def under_block(xs: np.ndarray, tails: tuple, tangent: tuple, width_px: float,
                block_width_px: float) -> tuple[float, float]:
    """The lowest and highest value of a curve over ``xs`` (``tails``: its smallest and
    largest finite value from each point on, ``nudge_frames.Arrays.tails``) and its tangent
    line (``tangent``: its two ends) over the panel's right ``block_width_px`` of
    ``width_px``."""
    (t0, t1), (v0, v1) = tangent  # its ends are the curve's: t0, t1 = xs[0], xs[-1]
    start = t1 - (t1 - t0) * min(1.0, block_width_px / width_px)
    first = int(xs.searchsorted(start))
    low, high = float(tails[0][first]), float(tails[1][first])
    ends = [v0 + (v1 - v0) * (x - t0) / (t1 - t0) for x in (start, t1)] \
        if t1 != t0 else [v0, v1]
    return min(low, *ends), max(high, *ends)


def block_y(view: list[float], height_px: float, side: str, count: int) -> list[float]:
    """The heights (in the view's units) of ``count`` lines stacked at the panel's ``side``."""
    per_px = (view[1] - view[0]) / height_px
    offsets = [INSET_PX + LINE_PX * (k + 0.5) for k in range(count)]
    if side == "top":
        return [view[1] - o * per_px for o in offsets]
    return [view[0] + o * per_px for o in reversed(offsets)]


def place_blocks(s: State, frame: Frame, g_view: list, f_view: list,
                 lines_under=None, around: dict | None = None) -> dict:
    """Each stage's block of the changes' words: its side of the point and its lines, each
    view (changed in place) grown so the block and the point's words fit (``around``: the
    px of words each point has above and below it, ``words_around``; by default its label
    above, and below it the inner's Δx label or the outer's marker). ``lines_under(key,
    block_width_px)``: where the panel's curve and tangent run under such a block."""
    blocks = {}
    around = around or {"g": (POINT_WORDS_PX, POINT_WORDS_PX), "f": (POINT_WORDS_PX, 8)}
    for key, view, at, entries in (("g", g_view, s.n.u, u_entries(s)),
                                   ("f", f_view, s.n.y, y_entries(s))):
        words = lines(entries, frame.widths[key])
        height, block = frame.heights[key], len(words) * LINE_PX + INSET_PX
        wide = max(text_px(line) for line in words) + 2 * INSET_PX
        measure = (lambda key=key, wide=wide: lines_under(key, wide)) if lines_under else None
        above, below = around[key]
        side = block_side(view, at, height, block, below, measure, above)
        above_px, below_px = ((block + above, below) if side == "top" else
                              (above, block + below))
        view[:] = room(view, at, height, above_px, below_px)
        blocks[key] = (side, words)
    return blocks


def point_place(view: list[float], at: float, width_px: float, label: str,
                slope: float = 0.0, prime=None) -> str:
    """A point's label to its left, off the nudge's segments that leave it to the right, on
    the side its tangent (of ``slope``) leaves free there: above a rising tangent, below a
    falling one, as long as the curve keeps rising or falling across the label. A falling
    curve that bends down (``prime``, its slope, falls across a hundredth of the view) may
    rise to a peak just left of the point, as sin does past π/2, and cross the words below
    it: its label goes to the upper right, which the falling tangent and the curve under it
    leave free. Where the panel has no room on the left, also the upper right (on the
    narrowest phone a rising tangent or the segments may then cross it)."""
    left_px = (at - view[0]) / (view[1] - view[0]) * width_px
    room = left_px >= text_px(label) + 2 * INSET_PX
    if slope >= 0:
        return "top left" if room else "top right"
    h = (view[1] - view[0]) / 100
    before, after = prime(np.array([at - h, at + h], dtype=float)).tolist()
    return "bottom left" if room and after >= before else "top right"


def dx_place(view: list[float], end: float, width_px: float, label: str, point: str) -> str:
    """The Δx label at the Δx segment's end, on the other side of the segment from the
    point's label: under it, which a rising line leaves free to the end's right, or over it
    where the point's label went below a falling line; to the end's right if the panel has
    room, else centred under or over the end. (A falling line whose point's label had no
    room on the left has its Δx label under the segment, on the line's side.)"""
    above = point == "bottom left"
    right_px = (view[1] - end) / (view[1] - view[0]) * width_px
    if right_px < text_px(label) + 2 * INSET_PX:
        return "top center" if above else "bottom center"
    return "top right" if above else "bottom right"


def words_around(place: str, below: float) -> tuple[float, float]:
    """The room (px) a point with its label at ``place`` needs above and below it. ``below``
    is what its panel keeps under the point while the label is above (the inner's Δx label,
    the outer's marker); a label below takes that side, and those words cross to the point's
    other side (``dx_place``), where a marker needs 8 px at least."""
    if place.startswith("bottom"):
        return max(below, 8), POINT_WORDS_PX
    return POINT_WORDS_PX, below


# --- the changes' words ---------------------------------------------------------------------


@lru_cache(maxsize=64)  # the words and the captions of a frame write the same product
def product(slope: float, dx: float) -> float:
    """slope × Δx for a change that is the tangent's exactly: the product of the two numbers
    as written (6 × 0.1 is 0.6; in floats it is 0.6000000000000001)."""
    return float(Decimal(repr(float(slope))) * Decimal(repr(float(dx))))


def u_entries(s: State) -> list[tuple[str, str]]:
    """The change in u as the inner panel writes it: the one change where the tangent's is
    exact, else the actual change and the estimate (on a phone without the words "actual"
    and "tangent": the description and the dash say which is which)."""
    n, ch = s.n, s.ch
    if s.u_same:
        return [("Δu" if s.narrow else "Δu = g′·Δx",
                 approx(product(n.inner_derivative, s.dx), True))]
    real, tangent = ("", "") if s.narrow else ("actual ", "tangent ")
    return [(f"{real}Δu", approx(ch.du_actual, True)),
            (f"{tangent}g′·Δx", approx(ch.du_linear, True))]


def y_entries(s: State) -> list[tuple[str, str]]:
    """The change in y as the outer panel writes it (as ``u_entries``)."""
    n, ch = s.n, s.ch
    if s.y_same:
        return [("Δy" if s.narrow else "Δy = f′·g′·Δx", approx(product(n.dy_dx, s.dx), True))]
    real, tangent = ("", "") if s.narrow else ("actual ", "tangent ")
    return [(f"{real}Δy", approx(ch.dy_actual, True)),
            (f"{tangent}f′·g′·Δx", approx(ch.dy_linear, True))]


_FONT = {"color": style.INK, "size": 13}  # shared by every block drawn (read, never changed)


def block(ranges: dict, key: str, axes, xs: list, shown: bool) -> dict:
    """A panel's block of words, one line a point, right-aligned at the panel's right edge
    (``place_blocks``: the side of the point with room for it)."""
    side, rows = ranges["blocks"][key]
    view, height = ranges[key], ranges["frame"].heights[key]
    ys = block_y(view, height, side, len(rows))
    right = xs[1] - (xs[1] - xs[0]) * INSET_PX / ranges["frame"].widths[key]
    return {"type": "scatter", "mode": "text", "x": round_sig([right] * len(rows)),
            "y": round_sig(ys, ranges["digits"][0 if key == "g" else 1]),
            "xaxis": axes[0], "yaxis": axes[1], "name": "the changes in numbers",
            "text": rows if shown else [""] * len(rows), "textposition": "middle left",
            "textfont": _FONT, "hoverinfo": "skip",
            "cliponaxis": False}
