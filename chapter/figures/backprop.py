"""Figure 2 — forward, then backward, through the two-layer network."""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

from chapter import calculus
from chapter.figures import style
from chapter.figures.backprop_graph import NARROW, flow_arrows, geometry
from chapter.figures.figure import Figure, Heights
from chapter.figures.params import UNIT, Flag, Number
from chapter.figures.style import round_sig
from chapter.format import approx, factors, num, param

MAX_TRAINED_WEIGHT = 1e6  # beyond this the steps have diverged; stop drawing them
HEIGHTS = Heights(wide=600, narrow=384)
SATURATED = 1e-3  # σ′(z) below this: the hidden unit is saturated, the gradient vanishes there
HIDDEN = "rgba(0,0,0,0)"  # the colour of a word the pass has not reached yet


@dataclass(frozen=True)
class _State:
    """The reader's settings, the training history and the network as it now stands."""

    x: float
    w1: float
    w2: float
    target: float
    eta: float
    steps: int
    history: list
    diverged: int | None  # the first step whose weights ran away, if any

    @property
    def saturated(self) -> bool:
        return self.now.dh_dz < SATURATED

    @property
    def now(self):
        return self.history[-1]  # the network after the steps taken (the start when steps = 0)

    def wnum(self, value: float) -> str:
        return param(value) if len(self.history) == 1 else num(value)  # reader's or trained

    def wlabel(self, name: str, value: float) -> str:
        """A weight inside the chart: the reader's as set (W₂ = 1.2), a trained one as the
        chart's other numbers are (W₂ ≈ 1.3, W₂ ≈ −1.2×10⁵), short enough for a phone."""
        return f"{name} = {param(value)}" if len(self.history) == 1 else f"{name} {_short(value)}"


def _short(v) -> str:
    return approx(v, True)


def _signed(text: str) -> str:
    """A negative number inside an expression, in parentheses: ŷ − (−5), × (−1.2)."""
    return f"({text})" if text.startswith("−") else text


def _trained(x: float, w1: float, w2: float, target: float, eta: float, steps: int) -> _State:
    """The network after ``steps`` gradient steps, cut short where training diverges."""
    history = calculus.train(x, w1, w2, target, eta, steps)
    diverged = next((i for i, h in enumerate(history)
                     if not all(math.isfinite(v) and abs(v) < MAX_TRAINED_WEIGHT
                                for v in (h.w1, h.w2, h.loss))), None)
    return _State(x, w1, w2, target, eta, steps,
                  history[:diverged] if diverged is not None else history, diverged)


def backprop_figure(x: float = 2.0, w1: float = 0.5, w2: float = 1.2, target: float = 1.0,
                    eta: float = 0.2, steps: int = 0, narrow: bool = False,
                    sweeping: bool = False) -> dict:
    """Figure 2: the forward values then the gradients flowing back along W₁ → z → h → ŷ → L,
    and the loss over the gradient steps taken (cut short where training diverges)."""
    s = _trained(x, w1, w2, target, eta, steps)
    geo = geometry(narrow)
    data = [*_static_traces(s, geo, narrow), _loss_trace(s)]
    loss, first_animated = len(data) - 1, len(data)
    data += _animated(s, geo, 8)
    if sweeping:  # with each step's words, so a drag at any step reads the frame's numbers
        return {**style.sweep_frame(data, _layout(s, narrow), _values(s), _summary(s)),
                "steps": _captions(s), "summaries": _summaries(s)}
    figure = {"data": data, "layout": _layout(s, narrow), "frames": _step_frames(
        s, geo, loss, list(range(first_animated, len(data))))}
    return {"figure": figure,
            "values": _values(s), "description": _description(s), "summary": _summary(s),
            "table": _table(s), "steps": _captions(s), "summaries": _summaries(s),
            "change": _change(s),
            "start": 0}  # the script opens this figure on its first step, not its last


def _step_frames(s: _State, geo, loss: int, ids: list[int]) -> list[dict]:
    """Each step's changes to the graph's words and pulse. Every frame lists the loss trace
    too, changing nothing in it: plotly.js animates only the panels of the traces a frame
    lists and removes what it drew in any other, so without it the loss panel's curve and
    points would vanish at the first step."""
    return [{"name": f"step-{i}", "traces": [loss, *ids],
             "data": [{}, *style.changes(_animated(s, geo, i), ("x", "y", "textfont", "marker",
                                                              "hoverinfo"))]}
            for i in range(9)]


# --- the graph --------------------------------------------------------------------------------


def _text_trace(pos, texts, color, name, anchor, size=13, shown=None) -> dict:
    """Words at ``pos``; those ``shown`` marks False are drawn in no colour (see _animated)."""
    ink = style.text_colour(color)
    if shown is not None and not all(shown):
        ink = [ink if on else HIDDEN for on in shown]
    xs, ys = _placed(tuple(pos))
    return {"type": "scatter", "mode": "text", "x": xs, "y": ys, "text": texts, "name": name,
            "textposition": anchor, "textfont": {"color": ink, "size": size},
            "hoverinfo": "skip", "cliponaxis": False, "xaxis": "x", "yaxis": "y"}


def _pulse(position, color, symbol, size) -> dict:
    xs, ys = _placed((position,))
    return {"type": "scatter", "mode": "markers", "x": xs, "y": ys, "name": "signal",
            "hoverinfo": "skip",
            "marker": {"size": size, "color": "rgba(0,0,0,0)", "symbol": symbol,
                       "line": {"color": color, "width": 3}}, "xaxis": "x", "yaxis": "y"}


@functools.cache  # a few places per layout, the same in every figure and sweep frame
def _placed(pos: tuple) -> tuple[list, list]:
    """The points ``pos`` as drawn: their x and their y, rounded (read, never changed)."""
    return round_sig([p[0] for p in pos]), round_sig([p[1] for p in pos])


def _static_traces(s: _State, geo: dict, narrow: bool) -> list[dict]:
    """Edges, nodes and the inputs' labels: what every step of the animation shares."""
    return [*_graph(narrow),
            _text_trace(geo["side_labels"], [f"x = {param(s.x)}", s.wlabel("W₂", s.now.w2),
                                             f"t = {param(s.target)}"], style.INK, "inputs",
                        geo["side_anchor"])]


@functools.cache  # the geometry's alone: made once per layout, read, never changed
def _graph(narrow: bool) -> tuple[dict, dict]:
    """The edges and the nodes."""
    geo = geometry(narrow)
    chain, side = geo["chain"], geo["side"]
    edges_x, edges_y = [], []
    for a, b in [*itertools.pairwise(chain), (side["x"], chain[1]),
                 (side["W₂"], chain[3]), (side["t"], chain[4])]:
        edges_x += [a[0], b[0], None]
        edges_y += [a[1], b[1], None]
    nodes = [*chain, *side.values()]
    return (
        {"type": "scatter", "mode": "lines", "x": round_sig(edges_x), "y": round_sig(edges_y),
         "line": {"color": style.MUTED, "width": 2}, "hoverinfo": "skip", "name": "edges",
         "xaxis": "x", "yaxis": "y"},
        {"type": "scatter", "mode": "markers+text", "x": round_sig([p[0] for p in nodes]),
         "y": round_sig([p[1] for p in nodes]), "text": ["W₁", "z", "h", "ŷ", "L", *side],
         "textposition": "middle center",
         "textfont": {"size": 15, "color": style.INK}, "hoverinfo": "skip", "name": "nodes",
         "marker": {"size": geo["node"], "color": style.WHITE,
                    "line": {"color": style.INK, "width": 1.5}},
         "xaxis": "x", "yaxis": "y"},
    )


def _animated(s: _State, geo: dict, step: int) -> list[dict]:
    """Forward values appear left to right (steps 1…4), then gradients right to left (5…8).
    Every step carries every word: those the pass has not reached yet are drawn in no colour
    (and a linked one answers no hover), so a step has the same traces and words as the whole
    pass and a dragged slider only moves them (scrub.js), never redraws the chart whole."""
    now, sep, chain = s.now, geo["sep"], geo["chain"]
    forward = [s.wlabel("W₁", now.w1), f"z {_short(now.z)}", f"h {_short(now.h)}",
               f"ŷ {_short(now.y_hat)}", f"L {_short(now.loss)}"]
    grads = [f"∂L/∂W₁{sep}{_short(now.dL_dw1)}", f"∂L/∂z{sep}{_short(now.dL_dz)}",
             f"∂L/∂h{sep}{_short(now.dL_dh)}", f"∂L/∂ŷ{sep}{_short(now.dL_dyhat)}",
             f"∂L/∂L{sep}= 1"]
    # Narrow: one line, so the graph fits a phone's screen with its step buttons and sliders
    # (the chain sits left of centre to leave the line its room: NARROW).
    locals_ = [f"× x{sep}= {param(now.dz_dw1)}", f"× σ′(z){sep}{_short(now.dh_dz)}",
               f"× {s.wlabel('W₂', now.w2).replace(' ', sep, 1)}",
               f"× 2({geo['residual']}){sep}{_short(now.dL_dyhat)}"]
    shown_fwd = min(step, 4)
    back = max(step - 4, 0)
    fwd_on = [i == 0 or i <= shown_fwd for i in range(5)]
    grad_on = [back >= 1 and i >= 4 - back for i in range(5)]
    local_on = grad_on[:4]
    sig = (_pulse(chain[max(min(step, 4), 0)], style.BLUE, "circle", geo["pulse"]) if step <= 4
           else _pulse(chain[4 - back], style.VERMILION, "square", geo["pulse"]))
    locals_traces = [_linked(_text_trace([geo["edge"][i]], [locals_[i]], style.VERMILION,
                                         "local derivative", geo["anchor"],
                                         shown=local_on[i:i + 1]), link, local_on[i])
                     for i, link in enumerate(("dz_dw1", "dh_dz", "dyhat_dh", "dL_dyhat"))]
    return [
        _text_trace(geo["fwd"], forward, style.BLUE, "forward values", geo["anchor"],
                    shown=fwd_on),
        *locals_traces,
        _linked(_text_trace(geo["grad"][:1], grads[:1], style.VERMILION, "gradient ∂L/∂W₁",
                            geo["anchor"], shown=grad_on[:1]), "dL_dw1", grad_on[0]),
        _text_trace(geo["grad"][1:], grads[1:], style.VERMILION, "gradients", geo["anchor"],
                    shown=grad_on[1:]),
        _text_trace([geo["dw2"]], [f"∂L/∂W₂<br>{_short(now.dL_dw2)}"],
                    style.VERMILION, "weight gradient", geo["dw2_anchor"], shown=[back >= 4]),
        sig,
    ]


def _linked(trace: dict, link: str, shown: bool) -> dict:
    """A label a formula factor stands for: hovering it names the factor (no tip) once it is
    drawn; unreached, it answers no hover."""
    return {**trace, "meta": {"link": link}, "hoverinfo": "none" if shown else "skip"}


def _loss_trace(s: _State) -> dict:
    return {"type": "scatter", "mode": "lines+markers", "x": list(range(len(s.history))),
            "y": round_sig([h.loss for h in s.history]), "xaxis": "x2", "yaxis": "y2",
            "name": "loss", "line": {"color": style.BLUE, "width": 2.5},
            "marker": {"size": 8, "symbol": "circle"},
            "hovertemplate": "step %{x}: L = %{y:.4g}<extra></extra>"}


# The graph's and the loss panel's heights (paper), wide and narrow: on a phone the loss sits
# on top and the graph right above the step buttons, so the graph and Back/Next are on screen
# together.
_DOMAINS = {False: ((0.36, 1), (0, 0.24)), True: ((0, 0.76), (0.87, 1))}


def _layout(s: _State, narrow: bool) -> dict:
    loss_dom = _DOMAINS[narrow][1]
    # Narrow, nothing sits below the graph: no bottom margin, so the chart held in view on a
    # phone (widgets.css) leaves room beneath it for the slider being dragged.
    # Its side margins are slim, so the graph's words have the chart's whole width; the loss
    # panel starts in from the left instead, leaving its ticks (2×10⁻²⁴ at their longest) and
    # its axis title their room.
    margin = {"margin": NARROW["margin"]} if narrow else {}
    loss_x = (NARROW["loss_left"] if narrow else 0, 1)  # the title is centred over it too
    xaxis, yaxis, annotations = _fixed_layout(narrow)
    return style.layout(
        HEIGHTS.at(narrow), **margin, xaxis=xaxis, yaxis=yaxis,
        xaxis2=style.axis("gradient steps taken", loss_x, "y2",
                          range=[-0.3, max(len(s.history) - 1, 5) + 0.3],
                          dtick=1 if s.steps <= 12 else 5),
        # A phone's loss panel is ~50 px tall: three ticks at most, not five packed together.
        yaxis2=style.axis("loss L", loss_dom, "x2", range=_loss_range(s),
                          **({"nticks": 3} if narrow else {})),
        annotations=annotations,
    )


@functools.cache  # the geometry's alone: made once per layout, read, never changed
def _fixed_layout(narrow: bool) -> tuple[dict, dict, list]:
    """The graph's two hidden axes, and the annotations: the loss panel's title and the flow
    arrows."""
    geo, (graph_dom, loss_dom) = geometry(narrow), _DOMAINS[narrow]
    loss_x = (NARROW["loss_left"] if narrow else 0, 1)
    return (style.axis("", (0, 1), "y", range=geo["xr"], visible=False),
            style.axis("", graph_dom, "x", range=geo["yr"], visible=False),
            [style.panel_title(  # a phone's is shorter: it fits a 320 px screen
                "Loss at each step" if narrow else "Loss at each gradient step",
                loss_x, loss_dom[1]), *flow_arrows(narrow)])


def _loss_range(s: _State) -> list[float]:
    """From 0 to a little above the highest loss drawn: a range of its own (not plotly.js's
    autorange), so a drag holds it still while the loss moves (sweep.py)."""
    top = max(h.loss for h in s.history)
    return [0.0, round_sig([top * 1.1])[0] if top > 0 else 1.0]


# --- words and numbers ------------------------------------------------------------------------


def _captions(s: _State) -> list[str]:
    now, wnum = s.now, s.wnum
    sigma = (f"Backward: multiply by ∂h/∂z = σ′(z) {approx(now.dh_dz)}: ∂L/∂z "
             f"{approx(now.dL_dz)}.")
    if s.saturated:
        sigma += (" σ′(z) is below 0.001 — the hidden unit is saturated, so the gradient "
                  "vanishes right here: almost nothing is left to reach W₁.")
    return [
        f"The inputs: x = {param(s.x)}, W₁ = {wnum(now.w1)}, W₂ = {wnum(now.w2)}, target "
        f"t = {param(s.target)}. Press Next to send them forward.",
        f"Forward: z = W₁x {approx(now.z)}.",
        f"Forward: h = σ(z) {approx(now.h)}.",
        f"Forward: ŷ = W₂h {approx(now.y_hat)}.",
        f"Forward: L = (ŷ − t)² = (ŷ − {_signed(param(s.target))})² {approx(now.loss)}.",
        f"Backward: start at the loss, ∂L/∂ŷ = 2(ŷ − t) {approx(now.dL_dyhat)}.",
        f"Backward: multiply by ∂ŷ/∂h = W₂ = {wnum(now.dyhat_dh)}: ∂L/∂h "
        f"{approx(now.dL_dh)}.",
        sigma,
        f"Backward: multiply by ∂z/∂W₁ = x = {param(now.dz_dw1)}: ∂L/∂W₁ "
        f"{approx(now.dL_dw1)}; and ∂L/∂W₂ = ∂L/∂ŷ · h {approx(now.dL_dw2)}.",
    ]


def _summary(s: _State) -> str:
    now = s.now
    product = factors(num(now.dL_dyhat), s.wnum(now.dyhat_dh), num(now.dh_dz),
                      param(now.dz_dw1))
    return f"∂L/∂W₁ = {product} {approx(now.dL_dw1)}"


def _change(s: _State) -> str:
    """One short sentence said aloud after each change."""
    now = s.now
    text = f"∂L/∂W₁ is now {num(now.dL_dw1)}, loss {num(now.loss)}"
    if len(s.history) > 1:
        text += f", after {len(s.history) - 1} gradient step{'s' if len(s.history) > 2 else ''}"
    return text + (" (the hidden unit is saturated)" if s.saturated else "")


def _summaries(s: _State) -> list[str]:
    """The bold line at each step: the product ∂L/∂W₁ built factor by factor, as the backward
    pass reaches each one (steps 5…8); before it, what the forward pass has reached."""
    now = s.now
    terms = [num(now.dL_dyhat), s.wnum(now.dyhat_dh), num(now.dh_dz), param(now.dz_dw1)]
    forward = ["the forward pass comes first", f"z {approx(now.z)}", f"h {approx(now.h)}",
               f"ŷ {approx(now.y_hat)}", f"L {approx(now.loss)}"]
    out = [f"∂L/∂W₁ = ? — {forward[0]}"] + [f"Forward: {f}; ∂L/∂W₁ = ? (the backward pass "
                                             f"builds it)" for f in forward[1:]]
    for reached in range(1, 5):
        product = factors(*terms[:reached])
        out.append(f"∂L/∂W₁ = {product} {approx(now.dL_dw1)}" if reached == 4 else
                   f"∂L/∂W₁ = {product} × …")
    return out


def _description(s: _State) -> str:
    """The figure in words: the network as it now stands, then what training did."""
    now, wnum, history = s.now, s.wnum, s.history
    direction = "increases" if now.dL_dw1 < 0 else "decreases" if now.dL_dw1 > 0 else "keeps"
    text = (
        f"Forward, left to right: x = {param(s.x)}, W₁ = {wnum(now.w1)}, z = W₁x "
        f"{approx(now.z)}, h = σ(z) {approx(now.h)}, ŷ = W₂h {approx(now.y_hat)} with "
        f"W₂ = {wnum(now.w2)}, loss L = (ŷ − {_signed(param(s.target))})² {approx(now.loss)}. "
        f"Backward, "
        f"right to left: ∂L/∂ŷ {approx(now.dL_dyhat)}, times ∂ŷ/∂h = W₂ = "
        f"{wnum(now.dyhat_dh)}, times ∂h/∂z = σ′(z) {approx(now.dh_dz)}, times ∂z/∂W₁ = x = "
        f"{param(now.dz_dw1)}, gives ∂L/∂W₁ {approx(now.dL_dw1)}; a gradient step "
        f"{direction} W₁. ∂L/∂W₂ = ∂L/∂ŷ × h {approx(now.dL_dw2)}."
    )
    if s.saturated:
        text += (f" At z {approx(now.z)} the hidden unit is saturated: σ′(z) "
                 f"{approx(now.dh_dz)} is below 0.001, so the gradient vanishes right there, at "
                 "the hidden unit, and W₁ barely learns.")
    if len(history) > 1:
        text += (
            f" After {len(history) - 1} gradient step{'s' if len(history) > 2 else ''} with "
            f"learning rate η = {param(s.eta)}, starting from W₁ = {param(s.w1)}, "
            f"W₂ = {param(s.w2)}, the loss went from {num(history[0].loss)} to {num(now.loss)}.")
    if s.diverged is not None:
        text += (f" Training diverged after step {s.diverged - 1}: the learning rate is "
                 "too large, and the weights run away.")
    return text


def _table(s: _State) -> dict:
    now = s.now
    rows = [["x", s.x], ["W₁", now.w1], ["W₂", now.w2], ["target t", s.target],
            ["z = W₁x", now.z], ["h = σ(z)", now.h], ["ŷ = W₂h", now.y_hat], ["L", now.loss],
            ["∂L/∂ŷ", now.dL_dyhat], ["∂ŷ/∂h", now.dyhat_dh], ["∂h/∂z", now.dh_dz],
            ["∂z/∂W₁", now.dz_dw1], ["∂L/∂W₁", now.dL_dw1], ["∂L/∂W₂", now.dL_dw2]]
    rows += [[f"loss after step {i}", h.loss] for i, h in enumerate(s.history) if i > 0]
    return style.table("Forward values and backward gradients", ["quantity", "value"], rows)


def _values(s: _State) -> dict:
    """The API's values: those of the reader's own weights, with the training beside them and
    ``now``, the same values for the network the figure draws (after the steps taken)."""
    keys = ("x", "w1", "w2", "target", "z", "h", "y_hat", "loss", "dL_dyhat", "dyhat_dh",
            "dh_dz", "dz_dw1", "dL_dw1", "dL_dw2")
    bp = calculus.backward(s.x, s.w1, s.w2, s.target)
    values = {key: getattr(bp, key) for key in keys}
    values["now"] = {key: getattr(s.now, key) for key in keys}
    values.update(eta=s.eta, steps=s.steps, steps_taken=len(s.history) - 1,
                  diverged=s.diverged is not None,
                  training=[{"step": i, "w1": h.w1, "w2": h.w2, "loss": h.loss,
                             "dL_dw1": h.dL_dw1, "dL_dw2": h.dL_dw2}
                            for i, h in enumerate(s.history)])
    return values


FIGURE = Figure(
    "backprop", "Figure 2 — Forward, then backward, through a two-layer network", {
        "x": Number(*UNIT, 2.0, label="Input x", step=0.1),
        "w1": Number(*UNIT, 0.5, label="Weight W₁", step=0.1),
        "w2": Number(*UNIT, 1.2, label="Weight W₂", step=0.1),
        "target": Number(*UNIT, 1.0, label="Target t", step=0.1),
        "eta": Number(0.01, 2.0, 0.2, label="Learning rate η", step=0.01),
        "steps": Number(0, 50, 0, whole=True), "narrow": Flag(False),
    }, backprop_figure, HEIGHTS, main=("x", "w1"), trains=True, sweep_view="hold")
