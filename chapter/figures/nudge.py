"""Figure 1 — a nudge flowing through a composition y = f(g(x))."""

from __future__ import annotations

import numpy as np

from chapter import calculus
from chapter.figures import style
from chapter.figures.style import round_sig
from chapter.format import approx, num, param

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
    g_range = style.focus_range(us_curve, min(n.u, n.u + n.du), max(n.u, n.u + n.du))
    f_range = style.focus_range(ys_curve, min(n.y, n.y + n.dy), max(n.y, n.y + n.dy))

    def curve(xv, yv, color, name, axes):
        return {"type": "scatter", "mode": "lines", "x": round_sig(xv), "y": round_sig(yv),
                "xaxis": axes[0], "yaxis": axes[1], "name": name,
                "line": {"color": color, "width": 3}, "hovertemplate": "%{x:.3g}, %{y:.3g}"
                "<extra>" + name + "</extra>"}

    def tangent(at, value, slope, ts, axes, name):
        return {"type": "scatter", "mode": "lines", "x": round_sig(ts),
                "y": round_sig(calculus.tangent(at, value, slope, ts)), "xaxis": axes[0],
                "yaxis": axes[1], "name": name, "hoverinfo": "skip",
                "line": {"color": style.MUTED, "width": 1.5, "dash": "dash"}}

    def point(px, py, label, axes, color):
        return {"type": "scatter", "mode": "markers+text", "x": round_sig([px]),
            "y": round_sig([py]),
                "xaxis": axes[0], "yaxis": axes[1], "text": [label],
                "textposition": "top left", "textfont": {"color": color},
                "marker": {"size": 11, "color": color, "line": {"color": style.INK, "width": 1}},
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
            style.segment(x, n.u, x + dx_len, n.u, style.ORANGE,
                f"Δx = {param(dx)}" if step >= 1 else "",
                     axes=g_ax, textposition="bottom center", name="Δx"),
            style.segment(x + dx, n.u, x + dx, n.u + du_len, style.VERMILION,
                     f"Δu {approx(n.du, True)}" if step >= 2 else "", dash="dot", axes=g_ax,
                     textposition="top center" if n.du >= 0 else "bottom center", name="Δu"),
            style.segment(n.u, n.y, n.u + du_len, n.y, style.VERMILION,
                     f"Δu {approx(n.du, True)}" if step >= 2 else "", dash="dot", axes=f_ax,
                     textposition="bottom center", name="Δu"),
            style.segment(n.u + n.du, n.y, n.u + n.du, n.y + dy_len, style.PURPLE,
                     f"Δy {approx(n.dy, True)}" if step >= 3 else "", dash="dashdot",
                     axes=f_ax, textposition="top center" if n.dy >= 0 else "bottom center",
                     name="Δy"),
        ]

    data = [
        curve(xs, us_curve, style.BLUE, f"inner: {comp.inner_formula}", g_ax),
        tangent(x, n.u, n.inner_derivative, xs, g_ax, "tangent, slope g′(x)"),
        point(x, n.u, "(x, u)", g_ax, style.BLUE),
        curve(us, ys_curve, style.GREEN, f"outer: {comp.outer_formula}", f_ax),
        tangent(n.u, n.y, n.outer_derivative, us, f_ax, "tangent, slope f′(u)"),
        point(n.u, n.y, "(u, y)", f_ax, style.GREEN),
        {"type": "scatter", "mode": "lines+markers", "x": round_sig(SHRINK_DXS),
         "y": round_sig(shown_gaps), "xaxis": "x3", "yaxis": "y3", "name": "gap",
         "line": {"color": style.BLUE, "width": 2}, "marker": {"size": 6, "symbol": "circle"},
         "hovertemplate": "Δx = %{x:.1e}: gap %{y:.2e}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": round_sig([dx]),
         "y": round_sig([np.nan if exact.all() else current_gap[0]]), "xaxis": "x3",
         "yaxis": "y3", "name": "your Δx", "hoverinfo": "skip",
         "marker": {"size": 13, "symbol": "diamond", "color": style.ORANGE,
                    "line": {"color": style.INK, "width": 1}}},
    ]
    first_segment = len(data)
    data += nudge_segments(3)
    segment_ids = list(range(first_segment, first_segment + 4))

    annotations = [
        style.panel_title(f"Inner stage {comp.inner_formula}", dom["g"][0], dom["g"][1][1]),
        style.panel_title(f"Outer stage {comp.outer_formula}", dom["f"][0], dom["f"][1][1]),
        style.panel_title("Shrinking Δx: gap to f′(u)·g′(x)" if narrow else
                     "Shrinking Δx: the quotient's gap to f′(u)·g′(x)", dom["s"][0],
                     dom["s"][1][1]),
    ]
    if exact.all():
        annotations.append({"text": "Gap is 0 for every Δx: a straight line has no curvature.",
                            "xref": "x3 domain", "yref": "y3 domain", "x": 0.5, "y": 0.5,
                            "showarrow": False, "font": {"color": style.MUTED}})
    # Log ranges fixed here: an axis with nothing to autorange on (an exact line) breaks.
    drawn_gaps = shown_gaps[np.isfinite(shown_gaps) & (shown_gaps > 0)]
    gap_range = ([float(np.log10(drawn_gaps.min())) - 0.3, float(np.log10(drawn_gaps.max())) + 0.3]
                 if drawn_gaps.size else [-6.0, 0.0])
    layout = style.layout(
        height,
        xaxis=style.axis("x", dom["g"][0], "y", range=[xs[0], xs[-1]]),
        yaxis=style.axis("u", dom["g"][1], "x", range=g_range),
        xaxis2=style.axis("u", dom["f"][0], "y2", range=[us[0], us[-1]]),
        yaxis2=style.axis("y", dom["f"][1], "x2", range=f_range),
        xaxis3=style.axis("Δx (log scale)", dom["s"][0], "y3", type="log",
                     range=[-5.2, 0.4]),
        yaxis3=style.axis("gap (log)", dom["s"][1], "x3", type="log",
                     range=gap_range),
        annotations=annotations,
    )
    captions = [
        f"The point: x = {param(x)} goes in, the inner stage gives u {approx(n.u)}, "
        f"the outer stage gives y {approx(n.y)}.",
        f"A nudge Δx = {param(dx)} enters the inner stage.",
        f"The inner stage scales it by g′(x) {approx(n.inner_derivative)}: "
        f"Δu {approx(n.du)}.",
        f"The outer stage scales that by f′(u) {approx(n.outer_derivative)}: "
        f"Δy {approx(n.dy)}, which is {num(n.dy_dx)} × Δx.",
    ]
    frames = [{"name": f"step-{i}", "traces": segment_ids,
               "data": style.changes(nudge_segments(i), ("x", "y", "text"))} for i in range(4)]

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
        f"{comp.formula} at {where}. Inner stage {comp.inner_formula}: u {approx(n.u)}, "
        f"inner derivative g′(x) {approx(n.inner_derivative)}. Outer stage "
        f"{comp.outer_formula}: y {approx(n.y)}, outer derivative f′(u) "
        f"{approx(n.outer_derivative)}, evaluated at u, not at x. Chain rule: dy/dx = "
        f"{num(n.outer_derivative)} × {num(n.inner_derivative)} = {num(n.dy_dx)}. "
        f"A nudge Δx = {param(dx)} becomes Δu {approx(n.du)} after the inner stage and "
        f"Δy {approx(n.dy)} after the outer. "
        + ("The difference quotient is exact for every Δx: this composition is a straight "
           "line." if exact.all() else
           f"As Δx shrinks from 0.1 to 0.00001, the difference quotient's gap to "
           f"{num(n.dy_dx)} falls from {num(shrink[0]['gap'])} to {num(shrink[-1]['gap'])}.")
    )
    table = style.table(
        f"{comp.formula} at {where}", ["quantity", "value"],
        [["u = g(x)", n.u], ["y = f(u)", n.y], ["inner derivative g′(x)", n.inner_derivative],
         ["outer derivative f′(u)", n.outer_derivative], ["dy/dx = f′(u) × g′(x)", n.dy_dx]]
        + [[f"quotient at Δx = {num(s['dx'])} (gap)",
            f"{num(s['quotient'])} ({num(s['gap'])})"] for s in shrink])
    return {"figure": {"data": data, "layout": layout, "frames": frames}, "values": values,
            "description": description, "summary": summary, "table": table,
            "steps": captions}

