"""Figure 2 — forward, then backward, through the two-layer network."""

from __future__ import annotations

import itertools
import math

from chapter import calculus
from chapter.figures import style
from chapter.figures.style import round_sig
from chapter.format import approx, num, param

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
        return approx(v, True)

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
        return {"type": "scatter", "mode": "text", "x": round_sig([p[0] for p in pos]),
                "y": round_sig([p[1] for p in pos]), "text": texts, "name": name,
                "textposition": anchor, "textfont": {"color": color, "size": size},
                "hoverinfo": "skip", "cliponaxis": False, "xaxis": "x", "yaxis": "y"}

    def pulse(position, color, symbol):
        return {"type": "scatter", "mode": "markers", "x": round_sig([position[0]]),
                "y": round_sig([position[1]]), "name": "signal", "hoverinfo": "skip",
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
        {"type": "scatter", "mode": "lines", "x": round_sig(edges_x), "y": round_sig(edges_y),
         "line": {"color": style.MUTED, "width": 2}, "hoverinfo": "skip", "name": "edges",
         "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "markers+text", "x": round_sig([p[0] for p in nodes]),
         "y": round_sig([p[1] for p in nodes]), "text": node_labels,
             "textposition": "middle center",
         "textfont": {"size": 15, "color": style.INK}, "hoverinfo": "skip", "name": "nodes",
         "marker": {"size": 34, "color": style.WHITE, "line": {"color": style.INK, "width": 1.5}},
         "xaxis": "x", "yaxis": "y"},
        text_trace(side_label_pos,
                   [f"x = {param(x)}", f"W₂ = {wnum(now.w2)}", f"t = {param(target)}"], style.INK,
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
            sig = pulse(chain[max(min(step, 4), 0)], style.BLUE, "circle")
        else:
            sig = pulse(chain[4 - back], style.VERMILION, "square")
        return [
            text_trace(fwd_pos, fwd, style.BLUE, "forward values", text_anchor),
            text_trace(edge_mid, local_labels, style.VERMILION, "local derivatives",
                edge_anchor, 12),
            text_trace(grad_pos, grads, style.VERMILION, "gradients", text_anchor),
            text_trace([dw2_pos], [f"∂L/∂W₂<br>{short(now.dL_dw2)}" if back >= 4 else ""],
                       style.VERMILION, "weight gradient", dw2_anchor),
            sig,
        ]

    loss_trace = {
        "type": "scatter", "mode": "lines+markers", "x": list(range(len(history))),
        "y": round_sig([h.loss for h in history]), "xaxis": "x2", "yaxis": "y2", "name": "loss",
        "line": {"color": style.BLUE, "width": 2.5}, "marker": {"size": 8, "symbol": "circle"},
        "hovertemplate": "step %{x}: L = %{y:.4g}<extra></extra>"}
    data = [*static, loss_trace]
    first_animated = len(data)
    data += animated(8)
    animated_ids = list(range(first_animated, first_animated + 5))

    graph_dom, loss_dom = ((0.3, 1), (0, 0.2)) if narrow else ((0.36, 1), (0, 0.24))
    layout = style.layout(
        900 if narrow else 600,
        xaxis=style.axis("", (0, 1), "y", range=xr, visible=False),
        yaxis=style.axis("", graph_dom, "x", range=yr, visible=False),
        xaxis2=style.axis("gradient steps taken", (0, 1), "y2",
                     range=[-0.3, max(len(history) - 1, 5) + 0.3], dtick=1 if steps <= 12
                     else 5),
        yaxis2=style.axis("loss L", loss_dom, "x2", rangemode="tozero"),
        annotations=[style.panel_title("Loss after each gradient step", (0, 1),
                                  loss_dom[1])],
    )
    captions = [
        f"The inputs: x = {param(x)}, W₁ = {wnum(now.w1)}, W₂ = {wnum(now.w2)}, target "
        f"t = {param(target)}.",
        f"Forward: z = W₁x {approx(now.z)}.",
        f"Forward: h = σ(z) {approx(now.h)}.",
        f"Forward: ŷ = W₂h {approx(now.y_hat)}.",
        f"Forward: L = (ŷ − t)² {approx(now.loss)}.",
        f"Backward: start at the loss, ∂L/∂ŷ = 2(ŷ − t) {approx(now.dL_dyhat)}.",
        f"Backward: multiply by ∂ŷ/∂h = W₂ = {wnum(now.dyhat_dh)}: ∂L/∂h "
        f"{approx(now.dL_dh)}.",
        f"Backward: multiply by ∂h/∂z = σ′(z) {approx(now.dh_dz)}: ∂L/∂z "
        f"{approx(now.dL_dz)}.",
        f"Backward: multiply by ∂z/∂W₁ = x = {param(now.dz_dw1)}: ∂L/∂W₁ "
        f"{approx(now.dL_dw1)}; and ∂L/∂W₂ = ∂L/∂ŷ · h {approx(now.dL_dw2)}.",
    ]
    frames = [{"name": f"step-{i}", "traces": animated_ids,
               "data": style.changes(animated(i), ("x", "y", "text", "marker"))} for i in range(9)]

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
               f"{param(now.dz_dw1)} {approx(now.dL_dw1)}")
    description = (
        f"Forward, left to right: x = {param(x)}, W₁ = {wnum(now.w1)}, z = W₁x {approx(now.z)}, "
        f"h = σ(z) {approx(now.h)}, ŷ = W₂h {approx(now.y_hat)} with W₂ = {wnum(now.w2)}, "
        f"loss L = (ŷ − {param(target)})² {approx(now.loss)}. Backward, right to left: "
        f"∂L/∂ŷ {approx(now.dL_dyhat)}, times ∂ŷ/∂h = W₂ = {wnum(now.dyhat_dh)}, times "
        f"∂h/∂z = σ′(z) {approx(now.dh_dz)}, times ∂z/∂W₁ = x = {param(now.dz_dw1)}, gives "
        f"∂L/∂W₁ {approx(now.dL_dw1)}; a gradient step {direction} W₁. "
        f"∂L/∂W₂ = ∂L/∂ŷ × h {approx(now.dL_dw2)}."
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
    table = style.table("Forward values and backward gradients", ["quantity", "value"], rows)
    return {"figure": {"data": data, "layout": layout, "frames": frames}, "values": values,
            "description": description, "summary": summary, "table": table,
            "steps": captions}

