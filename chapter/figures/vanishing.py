"""Figure 3 — gradients shrinking (or not) through a deep stack of layers.

The gradient axis is logarithmic, where an exact zero has no place: a zero gradient is drawn
pinned at the axis floor and named, and the words say which layers pass back 0 and why.
"""

from __future__ import annotations

import math

import numpy as np

from chapter import calculus
from chapter.figures import style
from chapter.figures.figure import Figure, Heights
from chapter.figures.params import UNIT, Choice, Flag, Number
from chapter.figures.style import round_sig
from chapter.figures.vanishing_frames import State, states
from chapter.format import SUPERSCRIPT, num, param

SERIES_STYLE = [  # first and second activation: colour, dash and marker all differ
    {"color": style.BLUE, "dash": "solid", "symbol": "circle"},
    {"color": style.VERMILION, "dash": "dash", "symbol": "square"},
]
HEIGHTS = Heights(wide=440, narrow=480)
CHAIN_QUANTITY = "|∂a<sub>depth</sub>/∂a<sub>k−1</sub>|"
NETWORK_QUANTITY = "‖∂L/∂a<sub>k−1</sub>‖"


def _magnitudes(values) -> list:
    """|v| for a log axis; an exact zero cannot be drawn there, so it becomes a gap (the zero
    markers draw it instead)."""
    return round_sig([abs(v) if v != 0 else np.nan for v in values], 4)


def vanishing_figure(depth: int = 10, activation: str = "sigmoid", weight: float = 1.0,
                     x: float = 1.0, residual: bool = False, compare: str = "relu",
                     mode: str = "chain", width: int = 16, init: str = "he",
                     seed: int = 0, narrow: bool = False, sweeping: bool = False) -> dict:
    """Figure 3: per-layer gradients for one activation (and one to compare), revealed from
    the last layer back to the first, in a scalar chain or a real network."""
    return _built(State.at(depth, activation, weight, x, residual, compare, mode, width, init,
                           seed), narrow, sweeping)


def sweep_frames(params: dict, param: str, values: list) -> list[dict]:
    """What ``vanishing_figure(**params, sweeping=True)`` answers with ``param`` at each
    value (sweep.py), from every frame's state at once (a real network's seed, width and
    depth sweeps compute all their networks in one pass: ``vanishing_frames.states``)."""
    return [_built(s, params["narrow"], True) for s in states(params, param, values)]


def _built(s: State, narrow: bool, sweeping: bool) -> dict:
    depth = s.depth
    y_range = _y_range(s)
    floor = 10 ** (y_range[0] + 0.12)
    plotted = {a: _magnitudes(s.magnitudes(a)) for a in s.acts}  # every step frame's too
    data = [_bound_trace(s)] if s.show_bound else []
    first = len(data)
    data += _animated(s, depth, floor, plotted)
    if sweeping:
        return style.sweep_frame(data, _layout(s, y_range, narrow), _values(s), _summary(s))
    ids = list(range(first, len(data)))
    frames = [{"name": f"step-{j}", "traces": ids, "data": _reached(s, j, floor, plotted)}
              for j in range(depth + 1)]
    return {"figure": {"data": data, "layout": _layout(s, y_range, narrow), "frames": frames},
            "values": _values(s), "description": _description(s), "summary": _summary(s),
            "table": _table(s), "steps": _captions(s),
            "change": "The first-layer gradient is now " + ", ".join(  # said after a change
                f"{num(s.magnitudes(a)[0])} through {s.label(a)}" for a in s.acts)}


# --- traces -----------------------------------------------------------------------------------


def _animated(s: State, reach: int, floor: float, plotted: dict) -> list[dict]:
    """The series, then their zero markers, revealed for the layers the signal has reached."""
    series = [_series(s, a, i, reach, plotted[a]) for i, a in enumerate(s.acts)]
    zeros = [_zeros(s, a, i, reach, floor) for i, a in enumerate(s.acts) if s.zero_layers(a)]
    return series + zeros


def _reached(s: State, reach: int, floor: float, plotted: dict) -> list[dict]:
    """What a step frame changes in ``_animated``'s traces: each one's y at ``reach``."""
    return ([{"y": _shown(s, plotted[a], reach)} for a in s.acts]
            + [{"y": _pinned(s, a, reach, floor)} for a in s.acts if s.zero_layers(a)])


def _shown(s: State, mags: list, reach: int) -> list:
    return [m if k >= s.depth - reach else None for k, m in enumerate(mags)]


def _series(s: State, a: str, i: int, reach: int, mags: list) -> dict:
    look = SERIES_STYLE[i]
    return {"type": "scatter", "mode": "lines+markers", "x": list(range(1, s.depth + 1)),
            "y": _shown(s, mags, reach), "name": s.label(a),
            "line": {"color": look["color"], "dash": look["dash"], "width": 2.5},
            "marker": {"symbol": look["symbol"], "size": 8, "color": look["color"]},
            "hovertemplate": f"{s.label(a)}, layer %{{x}}: %{{y:.3e}}<extra></extra>"}


def _pinned(s: State, a: str, reach: int, floor: float) -> list:
    return [floor if k > s.depth - reach else None for k in s.zero_layers(a)]


def _zeros(s: State, a: str, i: int, reach: int, floor: float) -> dict:
    """Exactly-zero gradients, pinned at the axis floor and labelled, never silently absent."""
    layers = s.zero_layers(a)
    label = f"0 ({_zero_cause(s, a)[0]})"
    # The label sits on the last zero; in the right half of the axis it ends there, as the
    # narrow right margin has no room for half of it (weight 0: at the deepest layer).
    side = "top left" if layers[-1] > s.depth / 2 else "top center"
    return {"type": "scatter", "mode": "markers+text", "x": layers,
            "y": _pinned(s, a, reach, floor),
            "name": f"{s.label(a)}: exactly 0", "showlegend": False, "cliponaxis": False,
            "text": [label if k == layers[-1] else "" for k in layers],
            "textposition": side,
            "textfont": {"color": style.text_colour(SERIES_STYLE[i]["color"])},
            "marker": {"symbol": "x-thin-open", "size": 11, "color": SERIES_STYLE[i]["color"],
                       "line": {"width": 2, "color": SERIES_STYLE[i]["color"]}},
            "hovertemplate": f"{s.label(a)}, layer %{{x}}: exactly 0<extra></extra>"}


def _bound_trace(s: State) -> dict:
    layers = range(1, s.depth + 1)
    return {"type": "scatter", "mode": "lines", "x": list(layers),
            "y": _magnitudes([calculus.sigmoid_bound(s.weight, s.depth - k + 1) for k in layers]),
            "name": "sigmoid bound (0.25·|w|)ⁿ", "hoverinfo": "skip",
            "line": {"color": style.MUTED, "dash": "dot", "width": 2}}


def _y_range(s: State) -> list[float]:
    """A fixed log range, so the axis holds still while the gradient travels back."""
    drawn = [abs(v) for a in s.acts for v in s.magnitudes(a) if v != 0]
    if s.show_bound:
        drawn += [y for y in _bound_trace(s)["y"] if y]
    if not drawn:
        return [-1, 1]
    return [math.log10(min(drawn)) - 0.4, math.log10(max(drawn)) + 0.4]


def _layout(s: State, y_range: list[float], narrow: bool) -> dict:
    annotations = []
    nothing = not any(m != 0 for a in s.acts for m in s.magnitudes(a))
    if nothing:  # a log axis has no place for 0: no tick labels that suggest a size
        # In lines that fit the panel: on one line it is wider than a phone's chart.
        lines = (["Every gradient here is", "exactly 0: no signal", "gets back, and no",
                  "nonzero gradient to plot."] if narrow else
                 ["Every gradient here is exactly 0: no signal gets back,",
                  "and no nonzero gradient to plot."])
        annotations.append({"text": "<br>".join(lines),
                            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
                            "showarrow": False, "font": {"color": style.MUTED, "size": 14}})
    quantity = NETWORK_QUANTITY if s.mode == "network" else CHAIN_QUANTITY
    depth = s.depth
    return style.layout(
        HEIGHTS.at(narrow), showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom",
                "font": {"size": style.TEXT_MIN}},
        margin={"l": 76, "r": 16, "t": 40, "b": 74 if narrow else 60},
        # Two lines on a phone: one is wider than a 320 px screen's plot.
        xaxis=style.axis("layer k<br>(gradient enters on the right)" if narrow else
                         "layer k (first layer on the left; the gradient enters on the right)",
                         (0, 1), "y", range=[0.5, depth + 0.5],
                         dtick=1 if depth <= 12 else 5 if depth <= 30 else 10),
        yaxis=style.axis(f"gradient {quantity} (log)", (0, 1), "x", type="log",
                         exponentformat="power", range=y_range, showticklabels=not nothing),
        annotations=annotations,
    )


# --- words ------------------------------------------------------------------------------------


UNDERFLOW = ("underflow", "the product of the local derivatives from layer {n} back, none of "
             "them 0, is smaller than the smallest number floating point holds (about "
             "5 × 10⁻³²⁴), so it is stored as 0")
THEN = ", and every gradient before it is multiplied by that 0"


def _zero_cause(s: State, a: str) -> tuple[str, str]:
    """(short label, the reason in words) for activation a's exactly-zero gradients.

    The zeros run from the first layer up to layer n, the one nearest the output where the
    running product first became 0; what happened there is the one cause for all of them.
    """
    n = s.zero_layers(a)[-1]
    if s.mode == "network":
        layer = s.networks[a][n - 1]
        if not s.residual and layer.active == 0 and a == "relu":
            return "ReLU off", (f"every ReLU unit of layer {n} is off (z ≤ 0, where ReLU′(z) "
                                f"= 0), so none of them passes a gradient back" + THEN)
        return UNDERFLOW[0], UNDERFLOW[1].format(n=n)
    layer = s.chains[a][n - 1]
    if layer.local_derivative != 0:
        return UNDERFLOW[0], UNDERFLOW[1].format(n=n)
    z = num(layer.z)
    if s.residual:  # the factor is 1 + F′ with F′ = w·φ′(z), the branch's own derivative
        exact = a in ("linear", "relu") or layer.z == 0
        return "branch cancels skip", (
            f"at layer {n} (z = {z}) the branch's derivative F′ = w·φ′(z) is −1"
            + ("" if exact else " to double precision")
            + ", so the block's factor 1 + F′ is 0: the branch cancels the skip path" + THEN)
    if s.weight == 0:
        return "weight 0", f"every weight is 0, so layer {n}'s local derivative w·φ′(z) is 0" + THEN
    if a == "relu":
        return "ReLU off", (f"layer {n}'s ReLU unit is off: z = {z}, and ReLU′(z) = 0 for "
                            f"every z ≤ 0 (an inactive unit passes no gradient back)" + THEN)
    return "underflow", (f"layer {n}'s local derivative w·φ′(z) at z = {z} is smaller than the "
                         f"smallest number floating point holds, so it is stored as 0" + THEN)


def _zero_sentences(s: State) -> str:
    out = ""
    for a in s.acts:
        layers = s.zero_layers(a)
        if layers:
            span = (f"layer {layers[0]}" if len(layers) == 1 else
                    f"layers {layers[0]}–{layers[-1]}" if layers == list(
                        range(layers[0], layers[-1] + 1)) else
                    "layers " + ", ".join(map(str, layers)))
            out += (f" Through {s.label(a)}, the gradient at {span} is exactly 0: "
                    f"{_zero_cause(s, a)[1]}.")
    return out


def _setting(s: State) -> str:
    layers = f"{s.depth} layer{'s' if s.depth != 1 else ''}"
    skip = f"residual connections {'on' if s.residual else 'off'}"
    if s.mode == "network":
        return (f"a real network of {layers}, width {s.width}, {s.init.capitalize()} "
                f"initialisation (seed {s.seed}), {skip}")
    return f"{layers}, every weight {param(s.weight)}, input x = {param(s.x)}, {skip}"


def _exact(s: State, layer, activation: str | None = None) -> bool:
    """Whether a layer's local derivative w·φ′(z) (+ 1) is exactly the number computed."""
    return s.weight == 0 or calculus.prime_is_exact(activation or s.activation, layer.z)


def _said(value: float, exact: bool) -> str:
    """A whole-looking number that is only rounded to it reads "about 1", not "1"."""
    return num(value) if exact or not float(value).is_integer() else f"about {num(value)}"


def _chain_sentence(s: State) -> str:
    main = s.chains[s.activation]
    exact = [_exact(s, layer) for layer in main]
    local = [(layer.local_derivative, sure) for layer, sure in zip(main, exact, strict=True)]
    arrives = _said(main[0].gradient, all(exact))
    name = s.label(s.activation)
    with_skip = " (each includes the skip path's + 1)" if s.residual else ""
    if s.depth == 1:
        return (f"Through one {name} layer the local derivative is {_said(*local[0])}"
                f"{with_skip}, so the gradient that leaves it as 1 arrives as {arrives}.")
    low, high = min(local), max(local)
    spread = (f"are all {_said(low[0], all(exact))}" if low[0] == high[0] else
              f"lie between {_said(*low)} and {_said(*high)}")
    return (f"Through {s.depth} {name} layers the local derivatives {spread}{with_skip}; "
            f"multiplied together, the gradient that leaves the last layer as 1 reaches the "
            f"first layer as {arrives}.")


def _description(s: State) -> str:
    """The figure in words, for exactly the settings drawn."""
    if s.mode == "network":
        text = (f"In {_setting(s)}, the gradient norm ‖∂L/∂aₖ₋₁‖ at the first layer is "
                + "; ".join(f"{num(s.magnitudes(a)[0])} for {s.label(a)} (at the last layer "
                            f"{num(s.magnitudes(a)[-1])})" for a in s.acts) + ".")
        return text + _zero_sentences(s)
    text = f"{_setting(s)}. {_chain_sentence(s)}"
    if s.show_bound:
        power = str(s.depth).translate(SUPERSCRIPT)
        text += (f" The sigmoid bound (0.25 × |w|){power} is "
                 f"{num(calculus.sigmoid_bound(s.weight, s.depth))}.")
    for a in s.acts[1:]:
        exact = all(_exact(s, layer, a) for layer in s.chains[a])
        text += (f" Through {s.label(a)} layers it reaches the first layer as "
                 f"{_said(s.chains[a][0].gradient, exact)}.")
    return text + _zero_sentences(s)


def _summary(s: State) -> str:
    kind = "gradient norm" if s.mode == "network" else "gradient"
    text = f"first-layer {kind}: " + ", ".join(
        f"{s.label(a)} {num(s.magnitudes(a)[0])}" for a in s.acts)
    if s.mode == "network":
        text += f" (width-{s.width} network, {s.init.capitalize()} init)"
    return text


def _captions(s: State) -> list[str]:
    captions = [f"The gradient enters at layer {s.depth}, the last layer."]
    kind = "gradient norm" if s.mode == "network" else "gradient"
    for j in range(1, s.depth + 1):
        k = s.depth - j + 1
        captions.append(f"Layer {k}: " + "; ".join(
            f"{s.label(a)} {kind} {num(s.magnitudes(a)[k - 1])}"
            + (" (exactly 0)" if s.magnitudes(a)[k - 1] == 0 else "") for a in s.acts) + ".")
    return captions


def _table(s: State) -> dict:
    if s.mode == "network":
        columns = ["layer k"]
        for a in s.acts:
            columns += [f"{s.label(a)}: ‖∂L/∂aₖ₋₁‖", f"{s.label(a)}: ‖∂L/∂Wₖ‖"]
        rows = [[str(k + 1)] + [v for a in s.acts for v in (
                    s.networks[a][k].gradient_norm, s.networks[a][k].weight_gradient_norm)]
                for k in range(s.depth)]
        return style.table(f"Per-layer gradient norms, first layer first ({_setting(s)})",
                           columns, rows)
    main, name = s.chains[s.activation], s.label(s.activation)
    columns = ["layer k", f"{name}: local derivative", f"{name}: gradient to the output",
               f"{name}: weight gradient"] + [f"{s.label(a)}: gradient" for a in s.acts[1:]]
    rows = [[str(k + 1), main[k].local_derivative, main[k].gradient, main[k].weight_gradient]
            + [s.chains[a][k].gradient for a in s.acts[1:]] for k in range(s.depth)]
    return style.table(f"Per-layer gradients, first layer first ({_setting(s)})", columns, rows)


def _chain_dicts(layers: list) -> list[dict]:
    """Each ChainLayer's gradients by name (a depth sweep writes thousands: unpacked)."""
    return [{"local_derivative": local, "gradient": gradient, "weight_gradient": weight}
            for _, _, local, gradient, weight in layers]


def _values(s: State) -> dict:
    main = s.chains[s.activation]
    values = {
        "depth": s.depth, "activation": s.activation, "weight": s.weight, "x": s.x,
        "residual": int(s.residual), "output": main[-1].a,
        "layers": _chain_dicts(main),
        "compare": ({"activation": s.acts[1], "layers": _chain_dicts(s.chains[s.acts[1]])}
                    if len(s.acts) > 1 else None),
        "mode": s.mode,
    }
    if s.mode == "network":  # each NetworkLayer: gradient_norm, weight_gradient_norm, active
        values["network"] = {
            "width": s.width, "init": s.init, "seed": s.seed,
            "layers": {a: [{"gradient_norm": norm, "weight_gradient_norm": weight_norm}
                           for norm, weight_norm, _ in s.networks[a]] for a in s.acts}}
    return values


_ACTIVATIONS = tuple(calculus.ACTIVATIONS)
_NAMES = tuple((a, calculus.ACTIVATIONS[a].label) for a in _ACTIVATIONS)
_NETWORK = ("mode", ("network",))
_CHAIN = ("mode", ("chain",))
def _frame_work(params: dict) -> float:
    """A sweep frame's cost: a real network draws width² × depth weights and runs each
    activation through them; the one-neuron chain costs next to nothing."""
    if params.get("mode") != "network":
        return 1.0
    runs = 1 + (params.get("compare") not in (None, "none", params.get("activation")))
    return float(params["width"] ** 2 * params["depth"] * (1 + runs))


_LINEAR = {"activation": "linear", "compare": "none", "depth": "10", "residual": "0",
           "mode": "chain"}

FIGURE = Figure(
    "vanishing", "Figure 3 — Gradients shrinking through sigmoid versus ReLU layers", {
        "depth": Number(1, 50, 10, whole=True, label="Depth (layers)"),
        "activation": Choice(_ACTIVATIONS, "sigmoid", "Activation",
                             (*_NAMES, ("linear", "linear (local derivative = w)"))),
        "compare": Choice((*_ACTIVATIONS, "none"), "relu", "Compare with",
                          (*_NAMES, ("none", "nothing"))),
        "weight": Number(*UNIT, 1.0, label="Weight w (every layer)", step=0.1, when=_CHAIN),
        "x": Number(*UNIT, 1.0, label="Input x", step=0.1, when=_CHAIN),
        "residual": Flag(False, "Residual connections"),
        "mode": Choice(("chain", "network"), "chain", "Network", (
            ("chain", "one neuron per layer"), ("network", "real network (width n)"))),
        "width": Number(2, 64, 16, whole=True, label="Width n", when=_NETWORK),
        "init": Choice(tuple(calculus.INITS), "he", "Initialisation",
                       (("he", "He"), ("xavier", "Xavier")), when=_NETWORK),
        "seed": Number(0, 9999, 0, whole=True, label="Random seed", when=_NETWORK),
        "narrow": Flag(False),
    }, vanishing_figure, HEIGHTS, main=("depth", "activation", "compare"), sweep_view="hold",
    frame_work=_frame_work, sweep_frames=sweep_frames,
    presets=(
        ("Vanishing: 10 layers × 0.5", {**_LINEAR, "weight": "0.5"}),
        ("Exploding: 10 layers × 2", {**_LINEAR, "weight": "2"}),
        ("Sigmoid versus ReLU", {"activation": "sigmoid", "compare": "relu", "weight": "1",
                                 "x": "1", "depth": "10", "residual": "0", "mode": "chain"}),
    ))
