"""Figure 1's numbers: the state the engine computes at one setting, and the arrays drawn from
it — the two stages' curves and the shrinking-Δx quotients — for many settings in one NumPy
pass. The builder is the one-setting case and a sweep the many (``nudge.sweep_frames``), so a
sweep frame is the exact figure at its value: the same arithmetic, element by element.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chapter import calculus
from chapter.figures.style import round_rows, typeset

SHRINK_DXS = np.logspace(0, -5, 26)
SHRINK_TABLE_DXS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)
_QUOTIENT_DXS = np.concatenate([SHRINK_DXS, SHRINK_TABLE_DXS])
CURVE_POINTS = (121, 161)  # x along the inner stage, u along the outer
EPS = float(np.finfo(float).eps)
# (inner, outer) straight: u = wx and u = 2x are lines, y = 3u is; σ, sin and exp are curves.
STRAIGHT = {"sigmoid": (True, False), "sin_square": (False, False),
            "exp_square": (False, False), "double_triple": (True, True)}


@dataclass(frozen=True)
class State:
    """Everything the figure shows, computed once by the engine."""

    fn: str
    x: float
    w: float
    dx: float
    comp: calculus.Composition
    n: calculus.Nudge
    ch: calculus.NudgeChanges
    narrow: bool = False  # a phone's stacked panels: shorter labels, more room beside them

    @classmethod
    def at(cls, fn: str, x: float, w: float, dx: float, narrow: bool = False) -> State:
        return cls(fn, x, w, dx, calculus.COMPOSITIONS[fn], calculus.nudge(fn, x, w, dx),
                   calculus.nudge_changes(fn, x, w, dx), narrow)

    def exact(self, actual: float, linear: float, before: float, after: float) -> bool:
        """The tangent's estimate equals the change up to the rounding of the subtraction
        after − before that made the change (relative to those two values, never absolute:
        a tiny change is not an exact one)."""
        return abs(actual - linear) <= 4 * EPS * (abs(before) + abs(after))

    @property
    def u_same(self) -> bool:
        return self.exact(self.ch.du_actual, self.ch.du_linear, self.n.u,
                          self.n.u + self.ch.du_actual)

    @property
    def y_same(self) -> bool:
        return self.exact(self.ch.dy_actual, self.ch.dy_linear, self.n.y,
                          self.n.y + self.ch.dy_actual)

    @property
    def straight(self) -> tuple[bool, bool]:
        """Which stages are straight lines — a property of the formulas, not of the numbers."""
        return STRAIGHT[self.fn]

    @property
    def line(self) -> bool:
        """Both stages straight: the composition is a line."""
        return all(self.straight)

    @property
    def flat(self) -> bool:
        """σ(wx) with w = 0: y = 0.5 for every x, a flat line."""
        return self.fn == "sigmoid" and self.w == 0

    @property
    def half_u(self) -> float:
        """Half the outer stage's u-window: the nudge's larger change, never under 1.5."""
        return max(2.5 * max(abs(self.ch.du_actual), abs(self.ch.du_linear)), 1.5)

    def formula(self, which: str, html: bool = False) -> str:
        return typeset(getattr(self.comp, which), html)


@dataclass(frozen=True)
class Arrays:
    """One setting's arrays: the curves as computed (``xs``, ``g``: u along x; ``us``, ``f``:
    y along u) and as drawn (``drawn``: each curve's evenly spaced abscissae as their first
    value and step, ``(x0, dx)``, which plotly.js spreads out itself, and its values rounded),
    and the shrinking-Δx panel."""

    xs: np.ndarray
    g: np.ndarray
    us: np.ndarray
    f: np.ndarray
    drawn: tuple[tuple, list, tuple, list]
    shrink: dict
    gaps_drawn: list
    extents: tuple  # (g, f, the drawn gaps): each (smallest, largest) finite value, or None
    tangents: tuple  # the two tangent lines' ends: (g's t, g's value, f's t, f's value)
    tails: tuple  # g's and f's ``_tail_extents``: (g's lows, g's highs, f's lows, f's highs)


def arrays(states: list[State]) -> list[Arrays]:
    """Each state's arrays, every state at once (all share ``fn`` and ``narrow``)."""
    first = states[0]
    # The outer point over a third of its panel from the left, with room for its label there
    # (nudge_labels.point_place), on the side of the point a rising tangent leaves free.
    column = np.array([[s.x, s.w, s.dx, s.n.u - 1.5 * s.half_u, s.n.u + 2.6 * s.half_u,
                        s.n.dy_dx, s.n.u, s.n.inner_derivative, s.n.y, s.n.outer_derivative]
                       for s in states], dtype=float).T[:, :, None]
    x, w, dx, u_lo, u_hi, slope, u, inner_slope, y, outer_slope = column
    # More room on the right, where the segments' labels run out beyond their ends.
    xs = _rows(x - 3 * dx, x + (6 if first.narrow else 4.5) * dx, CURVE_POINTS[0])
    us = _rows(u_lo, u_hi, CURVE_POINTS[1])  # the Δy labels run right
    g, f = first.comp.inner(xs, w), first.comp.outer(us)
    quotients, gaps, floors = calculus.quotient_grid(first.fn, x, w, slope, _QUOTIENT_DXS)
    _, current, current_floor = calculus.quotient_grid(first.fn, x, w, slope, dx)
    count = len(SHRINK_DXS)
    exact = gaps[:, :count] <= floors[:, :count]  # no gap bigger than rounding: none drawn
    shown = np.where(exact, np.nan, gaps[:, :count])
    drawn = zip(_spacing(xs), round_rows(g), _spacing(us), round_rows(f), strict=True)
    extents = zip(_extents(g), _extents(f), _extents(np.where(shown > 0, shown, np.nan)),
                  strict=True)
    ends = (xs[:, [0, -1]], us[:, [0, -1]])  # a straight line: its two ends draw it
    tangents = zip(ends[0].tolist(), calculus.tangent(x, u, inner_slope, ends[0]).tolist(),
                   ends[1].tolist(), calculus.tangent(u, y, outer_slope, ends[1]).tolist(),
                   strict=True)
    (g_lows, g_highs), (f_lows, f_highs) = _tail_extents(g), _tail_extents(f)
    table = zip(quotients[:, count:].tolist(), gaps[:, count:].tolist(),
                floors[:, count:].tolist(), current[:, 0].tolist(), current_floor[:, 0].tolist(),
                exact.all(axis=1).tolist(), strict=True)
    return [Arrays(xs[i], g[i], us[i], f[i], d, _shrink(shown[i], *row), gaps_drawn, e, t,
                   (g_lows[i], g_highs[i], f_lows[i], f_highs[i]))
            for i, (d, gaps_drawn, e, t, row) in enumerate(zip(
                drawn, round_rows(shown), extents, tangents, table, strict=True))]


def _tail_extents(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row and each k, the smallest and the largest finite value from its k-th on
    (±inf where none is, and at k = the row's length), so the curve under a block of words
    at a panel's right edge is two look-ups (``nudge_labels.under_block``), not a pass."""
    finite = np.isfinite(rows)
    edge = np.full((len(rows), 1), np.inf)
    lows = np.minimum.accumulate(np.where(finite, rows, np.inf)[:, ::-1], axis=1)[:, ::-1]
    highs = np.maximum.accumulate(np.where(finite, rows, -np.inf)[:, ::-1], axis=1)[:, ::-1]
    return np.hstack([lows, edge]), np.hstack([highs, -edge])


def _extents(rows: np.ndarray) -> list:
    """Each row's (smallest, largest) finite value, None where it has none."""
    finite = np.isfinite(rows)
    lows = np.where(finite, rows, np.inf).min(axis=1)
    highs = np.where(finite, rows, -np.inf).max(axis=1)
    return [(lo, hi) if any_ else None
            for lo, hi, any_ in zip(lows, highs, finite.any(axis=1).tolist(), strict=True)]


def _spacing(rows: np.ndarray) -> list[tuple[float, float]]:
    """Each evenly spaced row as (its first value, its step): ``x0 + k·dx`` is its k-th value
    to a few units in the last place, which is how plotly.js reads a trace's ``x0`` and
    ``dx``. Two numbers, not 121 or 161, in every figure and sweep frame."""
    steps = (rows[:, -1] - rows[:, 0]) / (rows.shape[1] - 1)
    return list(zip(rows[:, 0].tolist(), steps.tolist(), strict=True))


def _rows(starts: np.ndarray, stops: np.ndarray, count: int) -> np.ndarray:
    """``np.linspace(start, stop, count)`` for each (start, stop), one row each."""
    return np.ascontiguousarray(np.linspace(starts[:, 0], stops[:, 0], count, axis=-1))


def _shrink(shown, quotients: list, gaps: list, floors: list, current: float,
            current_floor: float, exact: bool) -> dict:
    """The difference quotient's gap to f′(u)·g′(x) along shrinking Δx (NaN where it is no
    bigger than rounding: nothing to draw there), at the reader's Δx, and at the table's."""
    rows = []
    for small, q, gap, floor in zip(SHRINK_TABLE_DXS, quotients, gaps, floors, strict=True):
        noise = gap <= floor  # rounding's own size: shown as 0, not as a gap
        rows.append({"dx": small, "quotient": q, "gap": 0.0 if noise else gap,
                     "rounding": noise})
    return {"gaps": shown, "exact": exact,
            "current": current if current > current_floor else float("nan"), "rows": rows}
