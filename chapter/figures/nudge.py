"""Figure 1 — a nudge flowing through a composition y = f(g(x)).

The figure shows what a nudge Δx really does to u and y beside what the tangent lines (the
chain rule's first-order estimate) say it does, so the estimate is never taken for the change.
"""

from __future__ import annotations

import numpy as np

from chapter import calculus
from chapter.figures import nudge_labels as words
from chapter.figures import style
from chapter.figures.figure import Figure
from chapter.figures.nudge_frames import SHRINK_DXS, Arrays, State, arrays
from chapter.figures.nudge_layout import HEIGHTS, Panels, layout, panels
from chapter.figures.params import UNIT, Choice, Flag, Number
from chapter.figures.style import round_sig
from chapter.format import approx, factors, num, param

G_AXES, F_AXES = ("x", "y"), ("x2", "y2")
SHRINK_DXS_DRAWN = round_sig(SHRINK_DXS)
# The traces' styles, made once and shared by the figure and every frame of a sweep, which then
# allocate, compare (sweep.py: the same object is the same value) and free them once. Read,
# never changed.
_EDGE = {"color": style.INK, "width": 1}
# Unsimplified: plotly.js would join nearly collinear points, choosing by the points past the
# panel too (beyond_view's stand-ins); through every point, as a drag's frames draw them.
_CURVE_LINES = {c: {"color": c, "width": 3, "simplify": False} for c in (style.BLUE, style.GREEN)}
_POINT_STYLES = {c: ({"color": style.text_colour(c)}, {"size": 11, "color": c, "line": _EDGE})
                 for c in (style.BLUE, style.GREEN)}
_TANGENT_LINE = {"color": style.MUTED, "width": 1.5, "dash": "dash"}
_LINKS = {link: {"link": link} for link in ("inner_derivative", "outer_derivative", "dy_dx")}
_GAP_LINE, _GAP_MARKER = {"color": style.BLUE, "width": 2}, {"size": 6, "symbol": "circle"}
_YOUR_DX_MARKER = {"size": 13, "symbol": "diamond", "color": style.ORANGE, "line": _EDGE}


def nudge_figure(fn: str = "sigmoid", x: float = 1.0, w: float = 2.0, dx: float = 0.5,
                 narrow: bool = False, sweeping: bool = False,
                 least: tuple[int, int] = (0, 0)) -> dict:
    """Figure 1: the nudge's stages as an animation, the real changes beside the tangent
    estimates, and the difference quotient closing on f′(u)·g′(x) as Δx shrinks. ``least``:
    the panels' smallest room (``nudge_labels.frame``), for a sweep's frames."""
    s = State.at(fn, x, w, dx, narrow)
    a = arrays([s])[0]
    views = _views(s, a)
    built = _built(s, a, sweeping, panels(s, _frame(s, views, least)), views)
    _cut_curves([built["figure"]], [a])
    return built


def sweep_frames(params: dict, param: str, values: list) -> list[dict]:
    """What ``nudge_figure(**params, sweeping=True, least=room)`` answers with ``param`` at
    each value, every frame's arrays computed in one pass (sweep.py), ``room`` being
    ``sweep_room``'s, the room of the figure on screen when a drag starts: each frame's
    panels lie within that figure's (its own where its tick labels need more room), so a
    drag moves its marks in the panels on screen (scrub.js), and plotly.js never lays the
    chart out during a drag because a tick label grew."""
    states, computed, views, room = _swept(params, param, values)
    shared, frames = {}, []
    for s, a, v in zip(states, computed, views, strict=True):
        own = _frame(s, v, room).room  # at least ``room``
        if own not in shared:  # a few distinct panels along a sweep, each laid out once
            shared[own] = panels(s, _frame(s, v, own))
        frames.append(_built(s, a, True, shared[own], v))
    _cut_curves([frame["figure"] for frame in frames], computed)  # every frame in one pass
    return frames


def sweep_room(params: dict, param: str, values: list) -> tuple[int, int]:
    """The room (``nudge_labels.frame``) of the exact figure at ``params``: the least any
    frame of the sweep along ``param`` is laid out with."""
    return _swept(params, param, values)[3]


def _swept(params: dict, param: str, values: list) -> tuple[list, list, list, tuple]:
    """The frames' states, arrays and views, and the room of the figure at ``params`` (its
    arrays computed in the frames' one pass)."""
    states = [State.at(**{**params, param: value}) for value in values]
    states.append(State.at(**params))  # the figure on screen when a drag starts
    computed = arrays(states)
    views = [_views(s, a) for s, a in zip(states, computed, strict=True)]
    room = _frame(states[-1], views[-1]).room
    return states[:-1], computed[:-1], views[:-1], room


def _frame(s: State, views: tuple, least: tuple[int, int] = (0, 0)) -> words.Frame:
    """The panels' places for the views ``views``, with at least ``least`` room."""
    return words.frame(HEIGHTS.at(s.narrow), s.narrow, *views, least)


# (trace, Arrays.extents entry, y-axis) of the inner and the outer curve
_CURVES = ((0, 0, "yaxis"), (3, 1, "yaxis2"))


def _cut_curves(figures: list[dict], computed: list[Arrays]) -> None:
    """Each figure's two curves with the points that draw nothing past their views sent as
    one short number (style.beyond_view), every figure in one pass."""
    for trace, entry, axis in _CURVES:
        curves = [figure["data"][trace] for figure in figures]
        cut = style.beyond_view([curve["y"] for curve in curves],
                                [a.extents[entry] for a in computed],
                                [figure["layout"][axis]["range"] for figure in figures])
        for curve, ys in zip(curves, cut, strict=True):
            curve["y"] = ys


def _built(s: State, a: Arrays, sweeping: bool, shared: Panels, views: tuple) -> dict:
    """The figure, its curves whole (its callers cut them: ``_cut_curves``)."""
    shrink = a.shrink
    data, ranges = _stage_traces(s, a, shared.frame, views)
    shrinking = len(data)  # the first trace of the shrinking-Δx panel
    data += _shrink_traces(s, a)
    first_segment = len(data)
    data += _segments(s, 3, ranges)
    if sweeping:  # with the steps' words, so a drag reads the frame's numbers
        return {**style.sweep_frame(data, layout(s, ranges, shrink, shared),
                                    _values(s, shrink), _summary(s)), "steps": _captions(s)}
    # plotly.js animates only the panels of the traces a frame lists and removes what it drew
    # in the others: each step lists a trace of the shrinking-Δx panel too, changing nothing.
    segment_ids = list(range(first_segment, len(data)))
    frames = [{"name": f"step-{i}", "traces": [shrinking, *segment_ids],
               "data": [{}, *style.changes(_segments(s, i, ranges), ("x", "y", "text"))]}
              for i in range(4)]
    return {"figure": {"data": data, "layout": layout(s, ranges, shrink, shared),
                       "frames": frames},
            "values": _values(s, shrink), "description": _description(s, shrink),
            "summary": _summary(s), "table": _table(s, shrink), "steps": _captions(s),
            "change": f"dy/dx is now {num(s.n.dy_dx)}"}  # said aloud after each change


# --- the two stages ---------------------------------------------------------------------------


def _curve(spacing: tuple[float, float], yv: list, color, name, axes) -> dict:
    """A stage's curve: its values ``yv`` at the evenly spaced ``x0 + k·dx``."""
    return {"type": "scatter", "mode": "lines", "x0": spacing[0], "dx": spacing[1], "y": yv,
            "xaxis": axes[0], "yaxis": axes[1], "name": name,
            "line": _CURVE_LINES[color],
            "hovertemplate": "%{x:.3g}, %{y:.3g}<extra>" + name + "</extra>"}


def _tangent(ts: list, values: list, axes, name, link, digits: int) -> dict:
    """A tangent line through its two ends (``Arrays.tangents``: small sweeps)."""
    return {"type": "scatter", "mode": "lines", "x": round_sig(ts), "meta": _LINKS[link],
            "y": round_sig(values, digits), "xaxis": axes[0],
            "yaxis": axes[1], "name": name, "hoverinfo": "skip",
            "line": _TANGENT_LINE}


def _point(px, py, label, axes, color, digits: int, place: str) -> dict:
    font, marker = _POINT_STYLES[color]
    return {"type": "scatter", "mode": "markers+text", "x": round_sig([px]),
            "y": round_sig([py], digits), "xaxis": axes[0], "yaxis": axes[1], "text": [label],
            "textposition": place, "textfont": font, "marker": marker,
            "hoverinfo": "skip", "cliponaxis": False}


def _views(s: State, a: Arrays) -> tuple[list, list]:
    """The inner and the outer panel's value ranges, holding the curves near the point and
    both the real change and the estimate (before room is made for the words)."""
    n, ch = s.n, s.ch
    u_ends = (n.u, n.u + ch.du_actual, n.u + ch.du_linear)
    y_ends = (n.y, n.y + ch.dy_actual, n.y + ch.dy_linear)
    g_extent, f_extent, _ = a.extents
    return (style.focus_range(g_extent, min(u_ends), max(u_ends)),
            style.focus_range(f_extent, min(y_ends), max(y_ends)))


def _stage_traces(s: State, a: Arrays, frame: words.Frame,
                  views: tuple) -> tuple[list[dict], dict]:
    """Inner stage g around x, outer stage f around u, each with its tangent line, in the
    panels ``frame`` places; and the axis ranges that keep both the real change and the
    estimate in view (``views``, grown here: copies)."""
    n = s.n
    g_range, f_range = list(views[0]), list(views[1])
    gaps_extent = a.extents[2]
    t = a.tangents
    curves = {"g": (a.xs, a.tails[:2], (t[0], t[1])), "f": (a.us, a.tails[2:], (t[2], t[3]))}
    places = {"g": words.point_place(t[0], s.x, frame.widths["g"], "(x, u)",
                                     n.inner_derivative, lambda v: s.comp.inner_prime(v, s.w)),
              "f": words.point_place(t[2], n.u, frame.widths["f"], "(u, y)",
                                     n.outer_derivative, s.comp.outer_prime)}
    blocks = words.place_blocks(  # grows the two views
        s, frame, g_range, f_range,
        lambda key, wide: words.under_block(*curves[key], frame.widths[key], wide),
        {"g": words.words_around(places["g"], words.POINT_WORDS_PX),
         "f": words.words_around(places["f"], 8)})
    # A view zoomed into a small span of large values (σ near 1 at saturation) draws its
    # curve, tangent, point and segments with more digits, or rounding would draw steps.
    digits = (style.digits_for(g_range), style.digits_for(f_range))
    # the curves' ends are the tangents' (Arrays.tangents), as floats
    ranges = {"xs": list(t[0]), "us": list(t[2]), "g": g_range,
              "f": f_range, "gaps": gaps_extent, "digits": digits, "frame": frame,
              "blocks": blocks, "places": places}
    xs, g, us, f = a.drawn
    g = g if digits[0] == 5 else round_sig(a.g, digits[0])
    f = f if digits[1] == 5 else round_sig(a.f, digits[1])
    data = [
        _curve(xs, g, style.BLUE, f"inner: {s.formula('inner_formula', True)}", G_AXES),
        _tangent(*a.tangents[:2], G_AXES, "tangent, slope g′(x)", "inner_derivative",
                 digits[0]),
        _point(s.x, n.u, "(x, u)", G_AXES, style.BLUE, digits[0], places["g"]),
        _curve(us, f, style.GREEN, f"outer: {s.formula('outer_formula', True)}", F_AXES),
        _tangent(*a.tangents[2:], F_AXES, "tangent, slope f′(u)", "outer_derivative",
                 digits[1]),
        _point(n.u, n.y, "(u, y)", F_AXES, style.GREEN, digits[1], places["f"]),
    ]
    return data, ranges


def _segments(s: State, step: int, ranges: dict) -> list[dict]:
    """The nudge's stages as segments: Δx, then the real Δu and Δy (solid) with the tangent
    estimates beside them (dotted), their numbers in each panel's block of words. Hidden
    segments have zero length at their start. Their ends are rounded in one pass for each
    panel's digits (``style.round_each``)."""
    n, ch, x, dx, (g_digits, f_digits) = s.n, s.ch, s.x, s.dx, ranges["digits"]
    du_a, du_l = (ch.du_actual, ch.du_linear) if step >= 2 else (0.0, 0.0)
    dy_a, dy_l = (ch.dy_actual, ch.dy_linear) if step >= 3 else (0.0, 0.0)
    u_a, u_l = n.u + ch.du_actual, n.u + ch.du_linear
    xs = style.round_each([x, x + (dx if step >= 1 else 0.0), x + dx, x + dx, n.u, n.u + du_a,
                           u_a, u_a, x + dx, x + dx, u_l, u_l])
    g_ys = [n.u, n.u, n.u, n.u + du_a, n.u, n.u + du_l]
    f_ys = [n.y, n.y, n.y, n.y + dy_a, n.y, n.y + dy_l]
    if g_digits == f_digits:
        ys = style.round_each(g_ys + f_ys, g_digits)
        g_ys, f_ys = ys[:6], ys[6:]
    else:
        g_ys, f_ys = style.round_each(g_ys, g_digits), style.round_each(f_ys, f_digits)
    seg, dx_label = style.drawn_segment, f"Δx = {param(dx)}"
    dx_place = words.dx_place(ranges["xs"], x + dx, ranges["frame"].widths["g"], dx_label,
                              ranges["places"]["g"])
    return [
        seg(xs[0:2], g_ys[0:2], style.ORANGE, dx_label if step >= 1 else "",
            axes=G_AXES, textposition=dx_place, name="Δx"),
        seg(xs[2:4], g_ys[2:4], style.VERMILION, "", axes=G_AXES, name="actual Δu"),
        seg(xs[4:6], f_ys[0:2], style.VERMILION, "", axes=F_AXES, name="actual Δu"),
        seg(xs[6:8], f_ys[2:4], style.PURPLE, "", axes=F_AXES, name="actual Δy"),
        seg(xs[8:10], g_ys[4:6], style.VERMILION, "", dash="dot", width=2, axes=G_AXES,
            name="tangent estimate of Δu"),
        {**seg(xs[10:12], f_ys[4:6], style.PURPLE, "", dash="dot", width=2, axes=F_AXES,
               name="tangent estimate of Δy"), "meta": _LINKS["dy_dx"]},
        words.block(ranges, "g", G_AXES, ranges["xs"], step >= 2),
        words.block(ranges, "f", F_AXES, ranges["us"], step >= 3),
    ]


# --- the shrinking-Δx panel -------------------------------------------------------------------


def _shrink_traces(s: State, a: Arrays) -> list[dict]:
    shrink = a.shrink
    return [
        {"type": "scatter", "mode": "lines+markers", "x": SHRINK_DXS_DRAWN,
         "y": a.gaps_drawn, "xaxis": "x3", "yaxis": "y3", "name": "gap",
         "line": _GAP_LINE, "marker": _GAP_MARKER,
         "hovertemplate": "Δx = %{x:.1e}: gap %{y:.2e}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": round_sig([s.dx]),
         "y": round_sig([np.nan if shrink["exact"] else shrink["current"]]), "xaxis": "x3",
         "yaxis": "y3", "name": "your Δx", "hoverinfo": "skip",
         "cliponaxis": False,  # whole at Δx = 2, near a narrow panel's right edge
         "marker": _YOUR_DX_MARKER},
    ]


# --- words and numbers ------------------------------------------------------------------------


def _captions(s: State) -> list[str]:
    """One caption per animation step, each naming real changes and estimates apart."""
    n, ch = s.n, s.ch
    # Where the change is the tangent's exactly, its number is the tangent's product: the
    # float difference g(x + Δx) − g(x) can be 0.019999999999999574 for an exact 0.02.
    inner = (f"The inner stage scales it by g′(x) {approx(n.inner_derivative)}: Δu "
             f"{approx(words.product(n.inner_derivative, s.dx))}, exactly the tangent's "
             f"g′(x)·Δx"
             + (" (a straight stage)." if s.straight[0] else ".")
             if s.u_same else
             f"The inner stage turns it into Δu = g(x + Δx) − g(x) {approx(ch.du_actual)}; "
             f"its tangent estimate g′(x)·Δx {approx(ch.du_linear)}.")
    outer = (f"The outer stage scales that by f′(u) {approx(n.outer_derivative)}: Δy "
             f"{approx(words.product(n.dy_dx, s.dx))}, exactly {num(n.dy_dx)} × Δx."
             if s.y_same else
             f"The outer stage turns that into an actual Δy {approx(ch.dy_actual)}; the "
             f"tangent estimate f′(u)·g′(x)·Δx {approx(ch.dy_linear)}, with f′(u)·g′(x) "
             f"{approx(n.dy_dx)}.")
    return [
        f"The point: x = {param(s.x)} goes in, the inner stage gives u {approx(n.u)}, "
        f"the outer stage gives y {approx(n.y)}.",
        f"A nudge Δx = {param(s.dx)} enters the inner stage.",
        inner,
        outer,
    ]


def _where(s: State) -> str:
    return f"x = {param(s.x)}" + (f", w = {param(s.w)}" if s.comp.uses_w else "")


def _outer_point(s: State) -> str:
    """Where f′ is taken: at u; "not at x" only where u and x differ."""
    return ("evaluated at u, which here equals x" if s.n.u == s.x
            else "evaluated at u, not at x")


def _description(s: State, shrink: dict) -> str:
    """The figure in words: the same numbers, in the same order as the picture."""
    n, ch = s.n, s.ch
    if s.u_same and s.y_same:
        why = (": both stages are straight lines" if all(s.straight) else
               " (the inner stage is flat here, g′(x) = 0, so the outer stage gets no nudge)"
               if ch.du_actual == 0 else ", to rounding")
        nudged = (f"A nudge Δx = {param(s.dx)} changes u by {num(ch.du_actual)} and y by "
                  f"{num(ch.dy_actual)}, exactly the tangent estimates{why}. ")
    else:
        nudged = (f"A nudge Δx = {param(s.dx)} actually changes u by {num(ch.du_actual)} and "
                  f"y by {num(ch.dy_actual)}; the tangent estimates are g′(x)·Δx "
                  f"{approx(ch.du_linear)} and f′(u)·g′(x)·Δx {approx(ch.dy_linear)}, off by "
                  f"{num(abs(ch.dy_linear - ch.dy_actual))} in y. ")
    return (
        f"{s.formula('formula')} at {_where(s)}. Inner stage {s.formula('inner_formula')}: "
        f"u {approx(n.u)}, inner derivative g′(x) {approx(n.inner_derivative)}. Outer stage "
        f"{s.formula('outer_formula')}: y {approx(n.y)}, outer derivative f′(u) "
        f"{approx(n.outer_derivative)}, {_outer_point(s)}. Chain rule: dy/dx = "
        f"{factors(num(n.outer_derivative), num(n.inner_derivative))} = {num(n.dy_dx)}. "
        + nudged + _shrinking(s, shrink)
    )


def _dx(row: dict) -> str:
    return f"{row['dx']:.5f}".rstrip("0")  # 0.1 … 0.00001, as the table's Δx are written


def _shrinking(s: State, shrink: dict) -> str:
    """The shrinking-Δx panel in words; gaps under the rounding floor are not gaps."""
    rows, target = shrink["rows"], num(s.n.dy_dx)
    if shrink["exact"]:
        what = ("this composition is a straight line" if s.line else
                "with w = 0, y = σ(0) = 0.5 whatever x is" if s.flat
                else "the gap is below rounding at every Δx shown")
        return f"The difference quotient is exact for every Δx (it equals {target}): {what}."
    seen = [r for r in rows if not r["rounding"]]
    if not seen:
        return (f"From Δx = 0.1 down, the difference quotient's gap to {target} is below "
                f"floating-point rounding.")
    text = (f"As Δx shrinks from {_dx(seen[0])} to {_dx(seen[-1])}, the difference "
            f"quotient's gap to {target} falls from {num(seen[0]['gap'])} to "
            f"{num(seen[-1]['gap'])}")
    if len(seen) < len(rows):
        text += "; below that it is lost in floating-point rounding"
    return text + "."


def _summary(s: State) -> str:
    n = s.n
    return (f"outer × inner = total: "
            f"{factors(num(n.outer_derivative), num(n.inner_derivative))} = {num(n.dy_dx)}")


def _table(s: State, shrink: dict) -> dict:
    n, ch = s.n, s.ch
    return style.table(
        f"{s.formula('formula')} at {_where(s)}", ["quantity", "value"],
        [["u = g(x)", n.u], ["y = f(u)", n.y], ["inner derivative g′(x)", n.inner_derivative],
         ["outer derivative f′(u)", n.outer_derivative], ["dy/dx = f′(u) × g′(x)", n.dy_dx],
         ["actual Δu = g(x + Δx) − g(x)", ch.du_actual],
         ["tangent estimate g′(x)·Δx", ch.du_linear],
         ["actual Δy = f(g(x + Δx)) − f(g(x))", ch.dy_actual],
         ["tangent estimate f′(u)·g′(x)·Δx", ch.dy_linear]]
        + [[f"quotient at Δx = {num(r['dx'])} (gap)",
            f"{num(r['quotient'])} ({'below rounding' if r['rounding'] else num(r['gap'])})"]
           for r in shrink["rows"]])


def _values(s: State, shrink: dict) -> dict:
    n, ch = s.n, s.ch
    return {
        "fn": s.fn, "x": s.x, "w": s.w, "dx": s.dx, "u": n.u, "y": n.y,
        "inner_derivative": n.inner_derivative, "outer_derivative": n.outer_derivative,
        "dy_dx": n.dy_dx, "du": n.du, "dy": n.dy, "du_actual": ch.du_actual,
        "dy_actual": ch.dy_actual, "du_linear": ch.du_linear, "dy_linear": ch.dy_linear,
        "shrink": shrink["rows"],
    }


FIGURE = Figure(
    "nudge", "Figure 1 — A nudge flowing through a composition", {
        "fn": Choice(tuple(calculus.COMPOSITIONS), "sigmoid", "Composition", (
            ("sigmoid", "σ(wx), the worked neuron"), ("sin_square", "sin(x²)"),
            ("exp_square", "eˣ²"), ("double_triple", "double, then triple"))),
        "x": Number(*UNIT, 1.0, label="Input x", step=0.1),
        "w": Number(*UNIT, 2.0, label="Weight w", step=0.1, when=("fn", ("sigmoid",))),
        "dx": Number(0.01, 2.0, 0.5, label="Nudge Δx", step=0.01),
        "narrow": Flag(False),
    }, nudge_figure, HEIGHTS,
    main=("x", "w", "fn"),  # the sliders first: nearest the chart on a phone
    sweep_frames=sweep_frames)
