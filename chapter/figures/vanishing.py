"""Figure 3 — gradients shrinking (or not) through a deep stack of layers."""

from __future__ import annotations

import math

import numpy as np

from chapter import calculus
from chapter.figures import style
from chapter.figures.style import round_sig
from chapter.format import SUPERSCRIPT, num, param

SERIES_STYLE = [  # first and second activation: colour, dash and marker all differ
    {"color": style.BLUE, "dash": "solid", "symbol": "circle"},
    {"color": style.VERMILION, "dash": "dash", "symbol": "square"},
]


def _magnitudes(values) -> list:
    """|v| for a log axis; an exact zero cannot be drawn there, so it becomes a gap."""
    return round_sig([abs(v) if v != 0 else np.nan for v in values], 4)


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
                     "line": {"color": style.MUTED, "dash": "dot", "width": 2}})
    first = len(data)
    data += [series(a, i, depth) for i, a in enumerate(acts)]
    series_ids = list(range(first, first + len(acts)))
    frames = [{"name": f"step-{j}", "traces": series_ids,
               "data": style.changes([series(a, i, j) for i, a in enumerate(acts)], ("y",))}
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
                            "showarrow": False, "font": {"color": style.MUTED, "size": 14}})
    quantity = "‖∂L/∂aₖ₋₁‖" if mode == "network" else "|∂a_depth/∂aₖ₋₁|"
    layout = style.layout(
        480 if narrow else 440, showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom",
                "font": {"size": 12}},
        margin={"l": 60, "r": 16, "t": 40, "b": 56},
        xaxis=style.axis("layer k (the gradient enters on the right)" if narrow else
                    "layer k (first layer on the left; the gradient enters on the right)",
                    (0, 1), "y", range=[0.5, depth + 0.5],
                    dtick=1 if depth <= 12 else 5 if depth <= 30 else 10),
        yaxis=style.axis(f"gradient {quantity} (log)", (0, 1), "x", type="log",
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
        power = str(depth).translate(SUPERSCRIPT)
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
    table = style.table(f"Per-layer gradients, first layer first ({setting})", columns, rows)
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

