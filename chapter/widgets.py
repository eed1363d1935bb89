"""The chapter's figures: one Plotly figure builder per widget, each with its text alternative.

Every number comes from ``chapter/calculus.py``; this module only decides how to show it. A
builder returns plain data the browser draws as it is:

    {"figure": {data, layout, frames}, "values": {...}, "description": "...",
     "summary": one line, "table": {caption, columns, rows}, "steps": [frame captions]}

Colours are the Okabe–Ito palette written as light-theme hex values; the page's script swaps
each for the CSS variable of the same role, so dark mode needs no second figure. Meaning is
always carried twice: by colour and by a label, marker shape or dash style.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from chapter import calculus

# id → the figure's title, shown before its caption.
FIGURES: dict[str, str] = {
    "nudge": "Figure 1 — A nudge flowing through a composition",
    "backprop": "Figure 2 — Forward, then backward, through a two-layer network",
    "vanishing": "Figure 3 — Gradients shrinking through sigmoid versus ReLU layers",
}

# Okabe–Ito, plus the page's own ink colours (light theme); static/js/widgets.js maps each to
# a CSS variable so the same figure reads in dark mode.
BLUE, VERMILION, GREEN, PURPLE, ORANGE = "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"
INK, MUTED, RULE, WHITE = "#1f2328", "#57606a", "#d8d4ca", "#ffffff"

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def num(value: float) -> str:
    """A number as the chapter writes it: 0.210, 2, −0.116, 2.78 × 10⁻⁷ (a real minus sign)."""
    value = float(value)
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1e4 or magnitude < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        text = f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    elif value.is_integer():
        text = f"{value:.0f}"
    elif magnitude >= 0.01:
        text = f"{value:.3f}"
    else:
        text = f"{value:.3g}"
    return text.replace("-", "−")


def param(value: float) -> str:
    """A reader's chosen setting, as short as it was typed: 0.5, 1.2, −3."""
    return f"{float(value):g}".replace("-", "−")


def _approx(value: float, short: bool = False) -> str:
    """"= 2" for exact-looking numbers, "≈ 0.881" otherwise (``short``: 2 digits, no spaces,
    for labels inside the chart)."""
    text = num(value)
    if short and " × " in text:
        mantissa, power = text.split(" × ")
        text = f"{float(mantissa.replace('−', '-')):.1f}×{power}".replace("-", "−")
    return f"= {text}" if float(value).is_integer() and abs(value) < 1e4 else f"≈ {text}"


def _round(values, digits: int = 5) -> list:
    """Figure coordinates to a few significant digits (the JSON stays small); None is a gap."""
    if len(values) <= 24:  # NumPy's per-call overhead outweighs a short loop
        return [None if v is None or not math.isfinite(v) else float(f"{v:.{digits}g}")
                for v in map(float, (np.nan if v is None else v for v in values))]
    a = np.asarray(values, dtype=float)
    out = np.where(a == 0, 0.0, np.nan)
    keep = np.isfinite(a) & (a != 0)
    if keep.any():
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(a[keep]))))
        out[keep] = np.round(a[keep] * scale) / scale
    return [None if v != v else v for v in out.tolist()]  # v != v: NaN


def _font(size: int = 13) -> dict:
    return {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "size": size, "color": INK}


def _axis(title: str, domain, anchor: str, **extra) -> dict:
    axis = {"title": {"text": title, "font": {"size": 12}}, "domain": list(domain),
            "anchor": anchor, "gridcolor": RULE, "linecolor": MUTED, "zerolinecolor": MUTED,
            "tickfont": {"size": 11}, "automargin": True, "fixedrange": True,
            "exponentformat": "power"}
    axis.update(extra)
    return axis


def _layout(height: int, **extra) -> dict:
    layout = {
        "height": height, "autosize": True, "font": _font(),
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "margin": {"l": 56, "r": 16, "t": 36, "b": 48}, "dragmode": False,
        "hovermode": "closest", "showlegend": False,
    }
    layout.update(extra)
    return layout


def _panel_title(text: str, xdomain, ytop: float) -> dict:
    return {"text": f"<b>{text}</b>", "x": (xdomain[0] + xdomain[1]) / 2, "y": ytop,
            "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
            "showarrow": False, "font": {"size": 13, "color": INK}}


def _segment(x0, y0, x1, y1, color, label, dash="solid", width=4, axes=("x", "y"),
             textposition="top center", name="") -> dict:
    """A straight segment from (x0, y0) to (x1, y1), its label at the far end."""
    return {"type": "scatter", "mode": "lines+markers+text", "x": _round([x0, x1]),
            "y": _round([y0, y1]), "xaxis": axes[0], "yaxis": axes[1], "name": name,
            "line": {"color": color, "width": width, "dash": dash},
            "marker": {"size": [0, 9], "color": color, "symbol": "diamond"},
            "text": ["", label], "textposition": textposition,
            "textfont": {"color": INK, "size": 13}, "hoverinfo": "skip", "cliponaxis": False}


def _focus_range(curve, lo: float, hi: float) -> list[float]:
    """A y-range showing the curve, but never so tall that the nudge becomes invisible."""
    finite = np.asarray(curve, dtype=float)
    finite = finite[np.isfinite(finite)]
    c_lo, c_hi = (float(finite.min()), float(finite.max())) if finite.size else (lo, hi)
    c_lo, c_hi = min(c_lo, lo), max(c_hi, hi)
    span = hi - lo
    if span > 0 and c_hi - c_lo > 12 * span:
        c_lo, c_hi = max(c_lo, lo - 2 * span), min(c_hi, hi + 2 * span)
    pad = 0.1 * (c_hi - c_lo) or max(0.5, 0.1 * abs(c_hi))
    return [c_lo - pad, c_hi + pad]


def _changes(traces: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """A frame carries only what it changes; Plotly merges it onto the drawn traces."""
    return [{k: t[k] for k in keys if k in t} for t in traces]


def _table(caption: str, columns: list[str], rows: list[list]) -> dict:
    return {"caption": caption, "columns": columns,
            "rows": [[cell if isinstance(cell, str) else num(cell) for cell in row]
                     for row in rows]}


# --- Figure 1: a nudge through a composition -------------------------------------------------

SHRINK_DXS = np.logspace(0, -5, 26)
SHRINK_TABLE_DXS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)


def nudge_widget(fn: str = "sigmoid", x: float = 1.0, w: float = 2.0, dx: float = 0.5,
                 narrow: bool = False) -> dict:
    comp = calculus.COMPOSITIONS[fn]
    n = calculus.nudge(fn, x, w, dx)
    weight = w if comp.uses_w else 1.0

    # Panel domains: g and f side by side above the shrinking-Δx panel; stacked when narrow.
    if narrow:
        dom = {"g": ((0, 1), (0.72, 1)), "f": ((0, 1), (0.38, 0.64)), "s": ((0, 1), (0, 0.28))}
        height = 900
    else:
        dom = {"g": ((0, 0.46), (0.44, 1)), "f": ((0.56, 1), (0.44, 1)),
               "s": ((0, 1), (0, 0.28))}
        height = 640

    # Inner stage g around x, outer stage f around u, each with its tangent line.
    xs = np.linspace(x - 3 * dx, x + 3 * dx, 121)
    us_curve = comp.inner(xs, weight)
    half_u = max(2.5 * abs(n.du), 1.5)
    us = np.linspace(n.u - half_u, n.u + half_u, 161)
    ys_curve = comp.outer(us)
    g_range = _focus_range(us_curve, min(n.u, n.u + n.du), max(n.u, n.u + n.du))
    f_range = _focus_range(ys_curve, min(n.y, n.y + n.dy), max(n.y, n.y + n.dy))

    def curve(xv, yv, color, name, axes):
        return {"type": "scatter", "mode": "lines", "x": _round(xv), "y": _round(yv),
                "xaxis": axes[0], "yaxis": axes[1], "name": name,
                "line": {"color": color, "width": 3}, "hovertemplate": "%{x:.3g}, %{y:.3g}"
                "<extra>" + name + "</extra>"}

    def tangent(at, value, slope, ts, axes, name):
        return {"type": "scatter", "mode": "lines", "x": _round(ts),
                "y": _round(calculus.tangent(at, value, slope, ts)), "xaxis": axes[0],
                "yaxis": axes[1], "name": name, "hoverinfo": "skip",
                "line": {"color": MUTED, "width": 1.5, "dash": "dash"}}

    def point(px, py, label, axes, color):
        return {"type": "scatter", "mode": "markers+text", "x": _round([px]), "y": _round([py]),
                "xaxis": axes[0], "yaxis": axes[1], "text": [label],
                "textposition": "top left", "textfont": {"color": color},
                "marker": {"size": 11, "color": color, "line": {"color": INK, "width": 1}},
                "hoverinfo": "skip", "cliponaxis": False}

    g_ax, f_ax = ("x", "y"), ("x2", "y2")
    _, gaps, rounding = calculus.difference_quotients(fn, x, w, SHRINK_DXS)
    exact = gaps <= rounding  # a straight line: the quotient is exact but for rounding
    shown_gaps = np.where(exact, np.nan, gaps)
    _, current_gap, _ = calculus.difference_quotients(fn, x, w, [dx])

    # The nudge's four stages, as segments; hidden segments have zero length at their start.
    def nudge_segments(step: int) -> list[dict]:
        dx_len = dx if step >= 1 else 0.0
        du_len = n.du if step >= 2 else 0.0
        dy_len = n.dy if step >= 3 else 0.0
        return [
            _segment(x, n.u, x + dx_len, n.u, ORANGE, f"Δx = {param(dx)}" if step >= 1 else "",
                     axes=g_ax, textposition="bottom center", name="Δx"),
            _segment(x + dx, n.u, x + dx, n.u + du_len, VERMILION,
                     f"Δu {_approx(n.du, True)}" if step >= 2 else "", dash="dot", axes=g_ax,
                     textposition="top center" if n.du >= 0 else "bottom center", name="Δu"),
            _segment(n.u, n.y, n.u + du_len, n.y, VERMILION,
                     f"Δu {_approx(n.du, True)}" if step >= 2 else "", dash="dot", axes=f_ax,
                     textposition="bottom center", name="Δu"),
            _segment(n.u + n.du, n.y, n.u + n.du, n.y + dy_len, PURPLE,
                     f"Δy {_approx(n.dy, True)}" if step >= 3 else "", dash="dashdot",
                     axes=f_ax, textposition="top center" if n.dy >= 0 else "bottom center",
                     name="Δy"),
        ]

    data = [
        curve(xs, us_curve, BLUE, f"inner: {comp.inner_formula}", g_ax),
        tangent(x, n.u, n.inner_derivative, xs, g_ax, "tangent, slope g′(x)"),
        point(x, n.u, "(x, u)", g_ax, BLUE),
        curve(us, ys_curve, GREEN, f"outer: {comp.outer_formula}", f_ax),
        tangent(n.u, n.y, n.outer_derivative, us, f_ax, "tangent, slope f′(u)"),
        point(n.u, n.y, "(u, y)", f_ax, GREEN),
        {"type": "scatter", "mode": "lines+markers", "x": _round(SHRINK_DXS),
         "y": _round(shown_gaps), "xaxis": "x3", "yaxis": "y3", "name": "gap",
         "line": {"color": BLUE, "width": 2}, "marker": {"size": 6, "symbol": "circle"},
         "hovertemplate": "Δx = %{x:.1e}: gap %{y:.2e}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": _round([dx]),
         "y": _round([np.nan if exact.all() else current_gap[0]]), "xaxis": "x3",
         "yaxis": "y3", "name": "your Δx", "hoverinfo": "skip",
         "marker": {"size": 13, "symbol": "diamond", "color": ORANGE,
                    "line": {"color": INK, "width": 1}}},
    ]
    first_segment = len(data)
    data += nudge_segments(3)
    segment_ids = list(range(first_segment, first_segment + 4))

    annotations = [
        _panel_title(f"Inner stage {comp.inner_formula}", dom["g"][0], dom["g"][1][1]),
        _panel_title(f"Outer stage {comp.outer_formula}", dom["f"][0], dom["f"][1][1]),
        _panel_title("Shrinking Δx: gap to f′(u)·g′(x)" if narrow else
                     "Shrinking Δx: the quotient's gap to f′(u)·g′(x)", dom["s"][0],
                     dom["s"][1][1]),
    ]
    if exact.all():
        annotations.append({"text": "Gap is 0 for every Δx: a straight line has no curvature.",
                            "xref": "x3 domain", "yref": "y3 domain", "x": 0.5, "y": 0.5,
                            "showarrow": False, "font": {"color": MUTED}})
    # Log ranges fixed here: an axis with nothing to autorange on (an exact line) breaks.
    drawn_gaps = shown_gaps[np.isfinite(shown_gaps) & (shown_gaps > 0)]
    gap_range = ([float(np.log10(drawn_gaps.min())) - 0.3, float(np.log10(drawn_gaps.max())) + 0.3]
                 if drawn_gaps.size else [-6.0, 0.0])
    layout = _layout(
        height,
        xaxis=_axis("x", dom["g"][0], "y", range=[xs[0], xs[-1]]),
        yaxis=_axis("u", dom["g"][1], "x", range=g_range),
        xaxis2=_axis("u", dom["f"][0], "y2", range=[us[0], us[-1]]),
        yaxis2=_axis("y", dom["f"][1], "x2", range=f_range),
        xaxis3=_axis("Δx (log scale)", dom["s"][0], "y3", type="log",
                     range=[-5.2, 0.4]),
        yaxis3=_axis("gap (log)", dom["s"][1], "x3", type="log",
                     range=gap_range),
        annotations=annotations,
    )
    captions = [
        f"The point: x = {param(x)} goes in, the inner stage gives u {_approx(n.u)}, "
        f"the outer stage gives y {_approx(n.y)}.",
        f"A nudge Δx = {param(dx)} enters the inner stage.",
        f"The inner stage scales it by g′(x) {_approx(n.inner_derivative)}: "
        f"Δu {_approx(n.du)}.",
        f"The outer stage scales that by f′(u) {_approx(n.outer_derivative)}: "
        f"Δy {_approx(n.dy)}, which is {num(n.dy_dx)} × Δx.",
    ]
    frames = [{"name": f"step-{i}", "traces": segment_ids,
               "data": _changes(nudge_segments(i), ("x", "y", "text"))} for i in range(4)]

    shrink = []
    for small in SHRINK_TABLE_DXS:
        q, gap, _ = calculus.difference_quotients(fn, x, w, [small])
        shrink.append({"dx": small, "quotient": float(q[0]), "gap": float(gap[0])})
    values = {
        "fn": fn, "x": x, "w": w, "dx": dx, "u": n.u, "y": n.y,
        "inner_derivative": n.inner_derivative, "outer_derivative": n.outer_derivative,
        "dy_dx": n.dy_dx, "du": n.du, "dy": n.dy, "shrink": shrink,
    }
    where = f"x = {param(x)}" + (f", w = {param(w)}" if comp.uses_w else "")
    summary = (f"outer × inner = total: {num(n.outer_derivative)} × {num(n.inner_derivative)}"
               f" = {num(n.dy_dx)}")
    description = (
        f"{comp.formula} at {where}. Inner stage {comp.inner_formula}: u {_approx(n.u)}, "
        f"inner derivative g′(x) {_approx(n.inner_derivative)}. Outer stage "
        f"{comp.outer_formula}: y {_approx(n.y)}, outer derivative f′(u) "
        f"{_approx(n.outer_derivative)}, evaluated at u, not at x. Chain rule: dy/dx = "
        f"{num(n.outer_derivative)} × {num(n.inner_derivative)} = {num(n.dy_dx)}. "
        f"A nudge Δx = {param(dx)} becomes Δu {_approx(n.du)} after the inner stage and "
        f"Δy {_approx(n.dy)} after the outer. "
        + ("The difference quotient is exact for every Δx: this composition is a straight "
           "line." if exact.all() else
           f"As Δx shrinks from 0.1 to 0.00001, the difference quotient's gap to "
           f"{num(n.dy_dx)} falls from {num(shrink[0]['gap'])} to {num(shrink[-1]['gap'])}.")
    )
    table = _table(
        f"{comp.formula} at {where}", ["quantity", "value"],
        [["u = g(x)", n.u], ["y = f(u)", n.y], ["inner derivative g′(x)", n.inner_derivative],
         ["outer derivative f′(u)", n.outer_derivative], ["dy/dx = f′(u) × g′(x)", n.dy_dx]]
        + [[f"quotient at Δx = {num(s['dx'])} (gap)",
            f"{num(s['quotient'])} ({num(s['gap'])})"] for s in shrink])
    return {"figure": {"data": data, "layout": layout, "frames": frames}, "values": values,
            "description": description, "summary": summary, "table": table,
            "steps": captions}


# --- Figure 2: forward, then backward, through a two-layer network ---------------------------

MAX_TRAINED_WEIGHT = 1e6  # beyond this the steps have diverged; stop drawing them


def backprop_widget(x: float = 2.0, w1: float = 0.5, w2: float = 1.2, target: float = 1.0,
                    eta: float = 0.2, steps: int = 0, narrow: bool = False) -> dict:
    bp = calculus.backward(x, w1, w2, target)
    history = calculus.train(x, w1, w2, target, eta, steps)
    diverged = next((i for i, h in enumerate(history)
                     if not all(math.isfinite(v) and abs(v) < MAX_TRAINED_WEIGHT
                                for v in (h.w1, h.w2, h.loss))), None)
    if diverged is not None:
        history = history[:diverged]
    now = history[-1]  # the network after the steps taken (the start when steps = 0)

    wnum = param if len(history) == 1 else num  # the reader's weights, or trained ones
    # The graph runs W₁ → z → h → ŷ → L (the path ∂L/∂W₁ takes back); x, W₂ and the target t
    # feed in from the side. Wide: left to right. Narrow: top to bottom, labels on the right.
    sep = " " if narrow else "<br>"
    gap = 1.6 if narrow else 1.0

    def at(along: float, across: float) -> tuple[float, float]:
        return (across, -along * gap) if narrow else (along, -across)

    chain = [at(i, 0) for i in range(5)]
    side = {k: at(i, -1.3 if narrow else -1.25) for k, i in (("x", 1), ("W₂", 3), ("t", 4))}
    def short(v):
        return _approx(v, True)

    forward_texts = [f"W₁ = {wnum(now.w1)}", f"z {short(now.z)}", f"h {short(now.h)}",
                     f"ŷ {short(now.y_hat)}", f"L {short(now.loss)}"]
    grad_texts = [f"∂L/∂W₁{sep}{short(now.dL_dw1)}", f"∂L/∂z{sep}{short(now.dL_dz)}",
                  f"∂L/∂h{sep}{short(now.dL_dh)}", f"∂L/∂ŷ{sep}{short(now.dL_dyhat)}",
                  f"∂L/∂L{sep}= 1"]
    locals_ = [f"× x{sep}= {param(now.dz_dw1)}", f"× σ′(z){sep}{short(now.dh_dz)}",
               f"× W₂{sep}= {wnum(now.w2)}", f"× 2(ŷ − t){sep}{short(now.dL_dyhat)}"]
    if narrow:
        fwd_pos = [(0.55, y + 0.24) for _, y in chain]
        grad_pos = [(0.55, y - 0.24) for _, y in chain]
        edge_mid = [(0.55, -(i + 0.5) * gap - 0.05) for i in range(4)]
        text_anchor = edge_anchor = "middle right"
        xr, yr = [-2.9, 3.3], [-4 * gap - 0.6, 0.6]
        side_label_pos = [(px - 0.6, py) for px, py in side.values()]
        side_anchor = "middle left"
        dw2_pos, dw2_anchor = (side["W₂"][0], side["W₂"][1] - 0.62), "middle center"
    else:
        fwd_pos = [(px, -0.45) for px, _ in chain]
        edge_mid = [(i + 0.5, -0.95) for i in range(4)]
        grad_pos = [(px, -1.6) for px, _ in chain]
        text_anchor = edge_anchor = "middle center"
        xr, yr = [-0.55, 4.55], [-2.05, 1.85]
        side_label_pos = [(px, py + 0.32) for px, py in side.values()]
        side_anchor = "top center"
        dw2_pos, dw2_anchor = (side["W₂"][0] - 0.55, side["W₂"][1]), "middle center"

    def text_trace(pos, texts, color, name, anchor, size=13):
        return {"type": "scatter", "mode": "text", "x": _round([p[0] for p in pos]),
                "y": _round([p[1] for p in pos]), "text": texts, "name": name,
                "textposition": anchor, "textfont": {"color": color, "size": size},
                "hoverinfo": "skip", "cliponaxis": False, "xaxis": "x", "yaxis": "y"}

    def pulse(position, color, symbol):
        return {"type": "scatter", "mode": "markers", "x": _round([position[0]]),
                "y": _round([position[1]]), "name": "signal", "hoverinfo": "skip",
                "marker": {"size": 40, "color": "rgba(0,0,0,0)", "symbol": symbol,
                           "line": {"color": color, "width": 3}}, "xaxis": "x", "yaxis": "y"}

    edges_x, edges_y = [], []
    for a, b in [*itertools.pairwise(chain), (side["x"], chain[1]),
                 (side["W₂"], chain[3]), (side["t"], chain[4])]:
        edges_x += [a[0], b[0], None]
        edges_y += [a[1], b[1], None]
    nodes = [*chain, *side.values()]
    node_labels = ["W₁", "z", "h", "ŷ", "L", *side]
    static = [
        {"type": "scatter", "mode": "lines", "x": _round(edges_x), "y": _round(edges_y),
         "line": {"color": MUTED, "width": 2}, "hoverinfo": "skip", "name": "edges",
         "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "markers+text", "x": _round([p[0] for p in nodes]),
         "y": _round([p[1] for p in nodes]), "text": node_labels, "textposition": "middle center",
         "textfont": {"size": 15, "color": INK}, "hoverinfo": "skip", "name": "nodes",
         "marker": {"size": 34, "color": WHITE, "line": {"color": INK, "width": 1.5}},
         "xaxis": "x", "yaxis": "y"},
        text_trace(side_label_pos,
                   [f"x = {param(x)}", f"W₂ = {wnum(now.w2)}", f"t = {param(target)}"], INK,
                   "inputs", side_anchor),
    ]

    # The animation: forward values appear left to right, then gradients right to left.
    def animated(step: int) -> list[dict]:
        shown_fwd = min(step, 4)  # steps 1…4 reveal z, h, ŷ, L
        back = max(step - 4, 0)  # steps 5…8 reveal ∂L/∂ŷ, ∂L/∂h, ∂L/∂z, ∂L/∂W₁
        fwd = [t if (i == 0 or i <= shown_fwd) else "" for i, t in enumerate(forward_texts)]
        grads = [t if (i == 4 and back >= 1) or (back >= 1 and i >= 4 - back) else ""
                 for i, t in enumerate(grad_texts)]
        local_labels = [t if back >= 1 and i >= 4 - back else "" for i, t in enumerate(locals_)]
        if step <= 4:
            sig = pulse(chain[max(min(step, 4), 0)], BLUE, "circle")
        else:
            sig = pulse(chain[4 - back], VERMILION, "square")
        return [
            text_trace(fwd_pos, fwd, BLUE, "forward values", text_anchor),
            text_trace(edge_mid, local_labels, VERMILION, "local derivatives", edge_anchor, 12),
            text_trace(grad_pos, grads, VERMILION, "gradients", text_anchor),
            text_trace([dw2_pos], [f"∂L/∂W₂<br>{short(now.dL_dw2)}" if back >= 4 else ""],
                       VERMILION, "weight gradient", dw2_anchor),
            sig,
        ]

    loss_trace = {
        "type": "scatter", "mode": "lines+markers", "x": list(range(len(history))),
        "y": _round([h.loss for h in history]), "xaxis": "x2", "yaxis": "y2", "name": "loss",
        "line": {"color": BLUE, "width": 2.5}, "marker": {"size": 8, "symbol": "circle"},
        "hovertemplate": "step %{x}: L = %{y:.4g}<extra></extra>"}
    data = [*static, loss_trace]
    first_animated = len(data)
    data += animated(8)
    animated_ids = list(range(first_animated, first_animated + 5))

    graph_dom, loss_dom = ((0.3, 1), (0, 0.2)) if narrow else ((0.36, 1), (0, 0.24))
    layout = _layout(
        900 if narrow else 600,
        xaxis=_axis("", (0, 1), "y", range=xr, visible=False),
        yaxis=_axis("", graph_dom, "x", range=yr, visible=False),
        xaxis2=_axis("gradient steps taken", (0, 1), "y2",
                     range=[-0.3, max(len(history) - 1, 5) + 0.3], dtick=1 if steps <= 12
                     else 5),
        yaxis2=_axis("loss L", loss_dom, "x2", rangemode="tozero"),
        annotations=[_panel_title("Loss after each gradient step", (0, 1),
                                  loss_dom[1])],
    )
    captions = [
        f"The inputs: x = {param(x)}, W₁ = {wnum(now.w1)}, W₂ = {wnum(now.w2)}, target "
        f"t = {param(target)}.",
        f"Forward: z = W₁x {_approx(now.z)}.",
        f"Forward: h = σ(z) {_approx(now.h)}.",
        f"Forward: ŷ = W₂h {_approx(now.y_hat)}.",
        f"Forward: L = (ŷ − t)² {_approx(now.loss)}.",
        f"Backward: start at the loss, ∂L/∂ŷ = 2(ŷ − t) {_approx(now.dL_dyhat)}.",
        f"Backward: multiply by ∂ŷ/∂h = W₂ = {wnum(now.dyhat_dh)}: ∂L/∂h "
        f"{_approx(now.dL_dh)}.",
        f"Backward: multiply by ∂h/∂z = σ′(z) {_approx(now.dh_dz)}: ∂L/∂z "
        f"{_approx(now.dL_dz)}.",
        f"Backward: multiply by ∂z/∂W₁ = x = {param(now.dz_dw1)}: ∂L/∂W₁ "
        f"{_approx(now.dL_dw1)}; and ∂L/∂W₂ = ∂L/∂ŷ · h {_approx(now.dL_dw2)}.",
    ]
    frames = [{"name": f"step-{i}", "traces": animated_ids,
               "data": _changes(animated(i), ("x", "y", "text", "marker"))} for i in range(9)]

    values = {key: getattr(bp, key) for key in (
        "x", "w1", "w2", "target", "z", "h", "y_hat", "loss", "dL_dyhat", "dyhat_dh", "dh_dz",
        "dz_dw1", "dL_dw1", "dL_dw2")}
    values.update(eta=eta, steps=steps, steps_taken=len(history) - 1,
                  diverged=diverged is not None,
                  training=[{"step": i, "w1": h.w1, "w2": h.w2, "loss": h.loss,
                             "dL_dw1": h.dL_dw1, "dL_dw2": h.dL_dw2}
                            for i, h in enumerate(history)])
    direction = "increases" if now.dL_dw1 < 0 else "decreases" if now.dL_dw1 > 0 else "keeps"
    summary = (f"∂L/∂W₁ = {num(now.dL_dyhat)} × {wnum(now.dyhat_dh)} × {num(now.dh_dz)} × "
               f"{param(now.dz_dw1)} {_approx(now.dL_dw1)}")
    description = (
        f"Forward, left to right: x = {param(x)}, W₁ = {wnum(now.w1)}, z = W₁x {_approx(now.z)}, "
        f"h = σ(z) {_approx(now.h)}, ŷ = W₂h {_approx(now.y_hat)} with W₂ = {wnum(now.w2)}, "
        f"loss L = (ŷ − {param(target)})² {_approx(now.loss)}. Backward, right to left: "
        f"∂L/∂ŷ {_approx(now.dL_dyhat)}, times ∂ŷ/∂h = W₂ = {wnum(now.dyhat_dh)}, times "
        f"∂h/∂z = σ′(z) {_approx(now.dh_dz)}, times ∂z/∂W₁ = x = {param(now.dz_dw1)}, gives "
        f"∂L/∂W₁ {_approx(now.dL_dw1)}; a gradient step {direction} W₁. "
        f"∂L/∂W₂ = ∂L/∂ŷ × h {_approx(now.dL_dw2)}."
    )
    if len(history) > 1:
        description += (
            f" After {len(history) - 1} gradient step{'s' if len(history) > 2 else ''} with "
            f"learning rate η = {param(eta)}, starting from W₁ = {param(w1)}, "
            f"W₂ = {param(w2)}, the loss went from {num(history[0].loss)} to {num(now.loss)}.")
    if diverged is not None:
        description += (f" Training diverged after step {diverged - 1}: the learning rate is "
                        "too large, and the weights run away.")
    rows = [["x", x], ["W₁", now.w1], ["W₂", now.w2], ["target t", target],
            ["z = W₁x", now.z], ["h = σ(z)", now.h], ["ŷ = W₂h", now.y_hat], ["L", now.loss],
            ["∂L/∂ŷ", now.dL_dyhat], ["∂ŷ/∂h", now.dyhat_dh], ["∂h/∂z", now.dh_dz],
            ["∂z/∂W₁", now.dz_dw1], ["∂L/∂W₁", now.dL_dw1], ["∂L/∂W₂", now.dL_dw2]]
    rows += [[f"loss after step {i}", h.loss] for i, h in enumerate(history) if i > 0]
    table = _table("Forward values and backward gradients", ["quantity", "value"], rows)
    return {"figure": {"data": data, "layout": layout, "frames": frames}, "values": values,
            "description": description, "summary": summary, "table": table,
            "steps": captions}


# --- Figure 3: gradients shrinking through a deep stack --------------------------------------

SERIES_STYLE = [  # first and second activation: colour, dash and marker all differ
    {"color": BLUE, "dash": "solid", "symbol": "circle"},
    {"color": VERMILION, "dash": "dash", "symbol": "square"},
]


def _magnitudes(values) -> list:
    """|v| for a log axis; an exact zero cannot be drawn there, so it becomes a gap."""
    return _round([abs(v) if v != 0 else np.nan for v in values], 4)


def vanishing_widget(depth: int = 10, activation: str = "sigmoid", weight: float = 1.0,
                     x: float = 1.0, residual: bool = False, compare: str = "relu",
                     mode: str = "chain", width: int = 16, init: str = "he",
                     seed: int = 0, narrow: bool = False) -> dict:
    acts = [activation] + ([compare] if compare not in ("none", activation) else [])
    chains = {a: calculus.gradient_flow(depth, a, weight, x, residual) for a in acts}
    networks = ({a: calculus.network_gradients(depth, width, a, init, seed, residual)
                 for a in acts} if mode == "network" else {})
    label = {a: calculus.ACTIVATIONS[a].label for a in acts}
    layers_x = list(range(1, depth + 1))

    def magnitudes(a):
        if mode == "network":
            return [layer.gradient_norm for layer in networks[a]]
        return [layer.gradient for layer in chains[a]]

    drawn_mags = {a: _magnitudes(magnitudes(a)) for a in acts}

    def series(a, i, reach: int) -> dict:
        """Activation a's gradients, revealed only for the layers the signal has reached."""
        style = SERIES_STYLE[i]
        mags = drawn_mags[a]
        shown = [m if k >= depth - reach else None for k, m in enumerate(mags)]
        return {"type": "scatter", "mode": "lines+markers", "x": layers_x, "y": shown,
                "name": label[a], "line": {"color": style["color"], "dash": style["dash"],
                                           "width": 2.5},
                "marker": {"symbol": style["symbol"], "size": 8, "color": style["color"]},
                "hovertemplate": f"{label[a]}, layer %{{x}}: %{{y:.3e}}<extra></extra>"}

    data: list[dict] = []
    show_bound = mode == "chain" and not residual and "sigmoid" in acts and weight != 0
    if show_bound:
        data.append({"type": "scatter", "mode": "lines", "x": layers_x,
                     "y": _magnitudes([calculus.sigmoid_bound(weight, depth - k + 1)
                                       for k in layers_x]),
                     "name": "sigmoid bound (0.25·|w|)ⁿ", "hoverinfo": "skip",
                     "line": {"color": MUTED, "dash": "dot", "width": 2}})
    first = len(data)
    data += [series(a, i, depth) for i, a in enumerate(acts)]
    series_ids = list(range(first, first + len(acts)))
    frames = [{"name": f"step-{j}", "traces": series_ids,
               "data": _changes([series(a, i, j) for i, a in enumerate(acts)], ("y",))}
              for j in range(depth + 1)]

    all_mags = [abs(v) for a in acts for v in magnitudes(a) if v != 0]
    drawn = all_mags + [y for y in (data[0]["y"] if show_bound else []) if y]
    # A fixed log range, so the axis holds still while the gradient travels back.
    y_range = ([math.log10(min(drawn)) - 0.4, math.log10(max(drawn)) + 0.4] if drawn
               else [-1, 1])
    annotations = []
    if not all_mags:
        annotations.append({"text": "Every gradient here is exactly 0: no signal gets back.",
                            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                            "showarrow": False, "font": {"color": MUTED, "size": 14}})
    quantity = "‖∂L/∂aₖ₋₁‖" if mode == "network" else "|∂a_depth/∂aₖ₋₁|"
    layout = _layout(
        480 if narrow else 440, showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom",
                "font": {"size": 12}},
        margin={"l": 60, "r": 16, "t": 40, "b": 56},
        xaxis=_axis("layer k (the gradient enters on the right)" if narrow else
                    "layer k (first layer on the left; the gradient enters on the right)",
                    (0, 1), "y", range=[0.5, depth + 0.5],
                    dtick=1 if depth <= 12 else 5 if depth <= 30 else 10),
        yaxis=_axis(f"gradient {quantity} (log)", (0, 1), "x", type="log",
                    exponentformat="power", range=y_range),
        annotations=annotations,
    )

    def first_layer(a):
        return magnitudes(a)[0]

    setting = (f"{depth} layer{'s' if depth != 1 else ''}, every weight {param(weight)}, input "
               f"x = {param(x)}, residual connections {'on' if residual else 'off'}")
    main = chains[activation]
    local_values = [layer.local_derivative for layer in main]
    spread = (f"are all {num(local_values[0])}" if min(local_values) == max(local_values) else
              f"lie between {num(min(local_values))} and {num(max(local_values))}")
    description = (
        f"{setting}. Through {label[activation]} layers the local derivatives {spread}; "
        f"multiplied together, the "
        f"gradient that leaves the last layer as 1 reaches the first layer as "
        f"{num(main[0].gradient)}."
    )
    if show_bound:
        power = str(depth).translate(_SUPERSCRIPT)
        description += (f" The sigmoid bound (0.25 × |w|){power} is "
                        f"{num(calculus.sigmoid_bound(weight, depth))}.")
    for a in acts[1:]:
        description += (f" Through {label[a]} layers it reaches the first layer as "
                        f"{num(chains[a][0].gradient)}.")
    if mode == "network":
        description += (f" In a real network of width {width} with {init.capitalize()} "
                        f"initialisation (seed {seed}), the gradient norm at the first layer is "
                        + "; ".join(f"{num(first_layer(a))} for {label[a]}" for a in acts)
                        + ".")
    summary = "first-layer gradient: " + ", ".join(
        f"{label[a]} {num(first_layer(a))}" for a in acts)
    if mode == "network":
        summary += f" (width-{width} network, {init.capitalize()} init)"

    columns = ["layer k", f"{label[activation]}: local derivative",
               f"{label[activation]}: gradient ∂a_depth/∂aₖ₋₁",
               f"{label[activation]}: weight gradient"]
    columns += [f"{label[a]}: gradient" for a in acts[1:]]
    if mode == "network":
        columns += [f"network {label[a]}: ‖∂L/∂aₖ₋₁‖" for a in acts]
    rows = []
    for k in range(depth):
        row = [str(k + 1), main[k].local_derivative, main[k].gradient,
               main[k].weight_gradient]
        row += [chains[a][k].gradient for a in acts[1:]]
        row += [networks[a][k].gradient_norm for a in networks]
        rows.append(row)
    table = _table(f"Per-layer gradients, first layer first ({setting})", columns, rows)
    captions = [f"The gradient enters at layer {depth}, the last layer."]
    for j in range(1, depth + 1):
        k = depth - j + 1
        captions.append(f"Layer {k}: " + "; ".join(
            f"{label[a]} gradient {num(magnitudes(a)[k - 1])}" for a in acts) + ".")

    def layer_dict(layer):
        return {"local_derivative": layer.local_derivative, "gradient": layer.gradient,
                "weight_gradient": layer.weight_gradient}

    values = {
        "depth": depth, "activation": activation, "weight": weight, "x": x,
        "residual": int(residual), "output": main[-1].a,
        "layers": [layer_dict(layer) for layer in main],
        "compare": ({"activation": acts[1], "layers": [layer_dict(la) for la in chains[acts[1]]]}
                    if len(acts) > 1 else None),
        "mode": mode,
    }
    if mode == "network":
        values["network"] = {
            "width": width, "init": init, "seed": seed,
            "layers": {a: [{"gradient_norm": n.gradient_norm,
                            "weight_gradient_norm": n.weight_gradient_norm}
                           for n in networks[a]] for a in acts}}
    return {"figure": {"data": data, "layout": layout, "frames": frames}, "values": values,
            "description": description, "summary": summary, "table": table,
            "steps": captions}


BUILDERS = {"nudge": nudge_widget, "backprop": backprop_widget, "vanishing": vanishing_widget}
