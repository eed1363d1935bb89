"""The numbers the prose quotes, computed once by the engine and formatted for reading.

Content files refer to them by name, as ``{=name=}``; the renderer substitutes them at
start-up, so no worked number is ever typed by hand. Names ending in ``_tex`` are meant for
use inside ``$…$`` maths; the others are plain text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from chapter import calculus
from chapter.figures import FIGURES
from chapter.format import SUPERSCRIPT as _SUPERSCRIPT
from chapter.format import minus


def _fixed(value: float, places: int = 3) -> str:
    text = f"{value:.{places}f}"
    return minus(text)  # a real minus sign, in prose and in MathML alike


def _sci_parts(value: float, digits: int = 2) -> tuple[str, int]:
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return mantissa, int(exponent)


def _order(value: float) -> int:
    return round(math.log10(abs(value)))


def _order_text(value: float) -> str:
    """The power of ten nearest to ``value``, as text: 10⁻⁶."""
    return "10" + str(_order(value)).translate(_SUPERSCRIPT)


def _order_tex(value: float) -> str:
    return f"10^{{{_order(value)}}}"


def _sci_text(value: float, digits: int = 2) -> str:
    mantissa, exponent = _sci_parts(value, digits)
    return f"{mantissa} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _sci_tex(value: float, digits: int = 2) -> str:
    mantissa, exponent = _sci_parts(value, digits)
    return rf"{mantissa}\times 10^{{{exponent}}}"


def _composition_values(values: dict[str, str]) -> None:
    # Section 1: a nudge doubled by the inner stage, then tripled by the outer one — Figure 1's
    # "double, then triple" composition, g(x) = 2x then f(u) = 3u.
    double_triple = calculus.nudge("double_triple", x=1.0, dx=1.0)
    inner_scale = double_triple.inner_derivative
    outer_scale = double_triple.outer_derivative
    values["nudge_inner"] = f"{inner_scale:g}"
    values["nudge_outer"] = f"{outer_scale:g}"
    values["nudge_total"] = f"{double_triple.dy_dx:g}"
    values["fig1_dx"] = f"{FIGURES['nudge'].schema['dx'].default:g}"


def _neuron_values(values: dict[str, str]) -> None:
    # Section 2: the worked neuron y = σ(wx) with w = 2, x = 1.
    neuron = calculus.neuron_chain(x=1.0, w=2.0)
    values["neuron_w"] = f"{neuron.w:g}"
    values["neuron_x"] = f"{neuron.x:g}"
    values["neuron_u"] = f"{neuron.u:g}"
    values["neuron_sigma"] = _fixed(neuron.y)
    values["neuron_one_minus_sigma"] = _fixed(1.0 - neuron.y)
    values["neuron_outer"] = _fixed(neuron.outer_derivative)
    values["neuron_dy_dx"] = _fixed(neuron.dy_dx)
    # Training needs the weight's derivative: dy/dw = σ′(wx)·x, the same σ′ times the input.
    values["neuron_dy_dw"] = _fixed(neuron.outer_derivative * neuron.x)


def _sigmoid_values(values: dict[str, str]) -> None:
    # The sigmoid's ceiling, and what ten such factors leave at most.
    values["sigmoid_max"] = f"{calculus.SIGMOID_PRIME_MAX:g}"
    ten_sigmoids = calculus.chain_product(calculus.SIGMOID_PRIME_MAX, 10)
    values["sigmoid_bound10"] = _sci_text(ten_sigmoids)
    values["sigmoid_bound10_tex"] = _sci_tex(ten_sigmoids)
    values["sigmoid_bound10_order"] = _order_text(ten_sigmoids)

    # The weights multiply in too: a sigmoid layer's factor is w·σ′(z), bounded by 0.25·|w|,
    # so only a weight above 1/0.25 can lift it past 1. Figure 3 at that weight and x = 0 shows
    # a first-layer factor of exactly 0.25·w; one step further, the ten-layer bound exceeds 1.
    offset_weight = 1.0 / calculus.SIGMOID_PRIME_MAX
    values["sigmoid_offset_weight"] = f"{offset_weight:g}"
    at_offset = calculus.gradient_flow(10, "sigmoid", offset_weight, 0.0)
    values["sigmoid_offset_factor"] = f"{at_offset[0].local_derivative:.1f}"
    big_weight = offset_weight + 1.0
    values["sigmoid_big_weight"] = f"{big_weight:g}"
    values["sigmoid_big_bound10"] = f"{calculus.sigmoid_bound(big_weight, 10):.1f}"
    # … while the gradient itself, at that weight and x = 1, saturates to almost nothing.
    saturated = calculus.gradient_flow(10, "sigmoid", big_weight, 1.0)[0].gradient
    values["sigmoid_big_actual"] = _sci_text(saturated)


def _backprop_values(values: dict[str, str]) -> None:
    # Section 6: the concrete backward pass.
    bp = calculus.backward(x=2.0, w1=0.5, w2=1.2, target=1.0)
    values.update(
        bp_x=f"{bp.x:g}",
        bp_w1=f"{bp.w1:g}",
        bp_w2=f"{bp.w2:g}",
        bp_target=f"{bp.target:.1f}",
        bp_z=f"{bp.z:.1f}",
        bp_h=_fixed(bp.h),
        bp_one_minus_h=_fixed(1.0 - bp.h),
        bp_y_hat=_fixed(bp.y_hat),
        bp_error=_fixed(bp.y_hat - bp.target),
        bp_loss=_fixed(bp.loss),
        bp_dL_dyhat=_fixed(bp.dL_dyhat),
        bp_dyhat_dh=f"{bp.dyhat_dh:g}",
        bp_dh_dz=_fixed(bp.dh_dz),
        bp_dz_dw1=f"{bp.dz_dw1:g}",
        bp_dL_dw1=_fixed(bp.dL_dw1),
        bp_dL_dw2=_fixed(bp.dL_dw2),
        bp_direction="increase" if bp.dL_dw1 < 0 else "decrease",
    )
    _gradient_check_values(values, bp)


def _gradient_check_values(values: dict[str, str], bp: calculus.Backprop) -> None:
    # Checking a backward pass: the central difference (L(W₁+ε) − L(W₁−ε)) / 2ε against it.
    def loss_at(w1: float) -> float:
        return calculus.forward(bp.x, w1, bp.w2, bp.target)[3]

    check_eps, check_eps_small = 0.01, 0.001
    central = calculus.central_difference(loss_at, bp.w1, h=check_eps)
    central_small = calculus.central_difference(loss_at, bp.w1, h=check_eps_small)
    values.update(
        bp_check_eps=f"{check_eps:g}",
        bp_check_eps_small=f"{check_eps_small:g}",
        bp_check_central=_fixed(central, 5),
        bp_check_backprop=_fixed(bp.dL_dw1, 5),
        bp_check_gap=_sci_text(abs(central - bp.dL_dw1)),
        bp_check_gap_small=_sci_text(abs(central_small - bp.dL_dw1)),
    )


def _fanout_values(values: dict[str, str]) -> None:
    # Fan-out: x feeds a = x² and b = 2x + 1, then y = a·b; the gradient sums the two paths.
    fan = calculus.fan_out(3.0)
    values.update({f"fan_{name}": f"{getattr(fan, name):g}" for name in (
        "x", "a", "b", "y", "da_dx", "db_dx", "dy_da", "dy_db", "path_a", "path_b", "dy_dx")})
    fan_central = calculus.central_difference(lambda t: calculus.fan_out(t).y, fan.x, h=1e-4)
    values["fan_central"] = _fixed(fan_central, 4)


def _depth_values(values: dict[str, str]) -> None:
    # Figure 3, at the widget's own defaults, so the "try this" prompts match what it shows.
    schema = FIGURES["vanishing"].schema
    depth, x_in = schema["depth"].default, schema["x"].default
    width, seed = schema["width"].default, schema["seed"].default
    values["fig3_depth"] = f"{depth}"
    values["fig3_x"] = f"{x_in:g}"
    values["fig3_width"] = f"{width}"
    values["fig3_seed"] = f"{seed}"
    relu_half = calculus.gradient_flow(depth, "relu", 0.5, x_in)[0].gradient
    values["relu_half10"] = _sci_text(relu_half)
    values["relu_half10_tex"] = _sci_tex(relu_half)
    residual_relu = calculus.gradient_flow(depth, "relu", 1.0, x_in, residual=True)[0].gradient
    values["residual_relu10"] = f"{residual_relu:g}"
    block = calculus.gradient_flow(depth, "relu", 1.0, x_in, residual=True)[0].local_derivative
    values["residual_relu_factor"] = f"{block:g}"


def _residual_values(values: dict[str, str]) -> None:
    # Residual blocks: a factor 1 + F′ near 1 still compounds, and a negative F′ can cancel the
    # skip path. Figure 3 at its deepest setting, residual connections on.
    schema = FIGURES["vanishing"].schema
    deepest, x_in = int(schema["depth"].high), schema["x"].default
    values["residual_deep"] = f"{deepest}"
    values["residual_slow_factor"] = "0.9"
    values["residual_slow"] = _fixed(calculus.chain_product(0.9, deepest))
    tanh_weight = -0.5
    values["residual_tanh_weight"] = minus(f"{tanh_weight:g}")
    deep_tanh = calculus.gradient_flow(deepest, "tanh", tanh_weight, x_in, residual=True)
    values["residual_tanh_deep"] = _sci_text(deep_tanh[0].gradient)
    cancel_weight = -1.0
    values["residual_cancel_weight"] = minus(f"{cancel_weight:g}")
    cancel = calculus.gradient_flow(schema["depth"].default, "linear", cancel_weight, x_in,
                                    residual=True)
    values["residual_cancel_factor"] = f"{cancel[0].local_derivative:g}"


def _sigmoid_weight_values(values: dict[str, str]) -> None:
    # Moderate weights can beat the weight-1 bound: ten sigmoid layers at input 0.
    depth = 10
    bound = calculus.sigmoid_bound(1.0, depth)
    for name, weight in (("two", 2.0), ("minus_four", -4.0)):
        gradient = abs(calculus.gradient_flow(depth, "sigmoid", weight, 0.0)[0].gradient)
        values[f"sigmoid_w_{name}"] = minus(f"{weight:g}")
        values[f"sigmoid_w_{name}_gradient"] = (
            _sci_text(gradient) if gradient < 1e-3 else f"{gradient:.2g}")
        values[f"sigmoid_w_{name}_times_bound"] = f"{gradient / bound:.0f}"


# How many random networks the chapter's medians are taken over.
INIT_SEEDS = 200


def _init_values(values: dict[str, str]) -> None:
    # Xavier against He through ReLU layers: the seed-free ratio, and the spread over seeds.
    schema = FIGURES["vanishing"].schema
    depth, width, seed = schema["depth"].default, schema["width"].default, schema["seed"].default

    def first_layer(init: str, draw: int) -> float:
        return calculus.network_gradients(depth, width, "relu", init, draw)[0].gradient_norm

    xavier = [first_layer("xavier", draw) for draw in range(INIT_SEEDS)]
    he = [first_layer("he", draw) for draw in range(INIT_SEEDS)]
    values["net_relu_xavier"] = f"{xavier[seed]:.2g}"
    values["net_relu_he"] = f"{he[seed]:.2g}"
    values["net_seeds"] = f"{INIT_SEEDS}"
    values["net_relu_xavier_median"] = f"{float(np.median(xavier)):.2g}"
    values["net_relu_he_median"] = f"{float(np.median(he)):.2g}"
    values["relu_init_ratio"] = f"{he[seed] / xavier[seed]:.0f}"
    values["relu_init_power_tex"] = f"2^{{{depth / 2:g}}}"


def _output_values(values: dict[str, str]) -> None:
    # Softmax with cross-entropy at scores (2, 1, 0) when the third class is the right one.
    scores, right = (2.0, 1.0, 0.0), 2
    result = calculus.softmax_cross_entropy(scores, calculus.one_hot(right, len(scores)))

    def vector(entries) -> str:
        return "(" + ", ".join(_fixed(float(e)) for e in entries) + ")"

    values["softmax_scores"] = "(" + ", ".join(f"{s:g}" for s in scores) + ")"
    values["softmax_right"] = ("first", "second", "third")[right]
    values["softmax_p"] = vector(result.probabilities)
    values["softmax_gradient"] = vector(result.gradient)


def _intuition_values(values: dict[str, str]) -> None:
    # Intuition: ten layers of 0.5, and ten of 2.
    values["half10"] = f"{calculus.chain_product(0.5, 10):.3f}"
    values["half10_round"] = f"{calculus.chain_product(0.5, 10):.1g}"
    values["double10"] = f"{calculus.chain_product(2, 10):g}"
    values["double_triple"] = f"{calculus.chain_product(2, 1) * 3:g}"

    # In practice the first-layer gradient can be far smaller than the bound.
    tenth10 = calculus.chain_product(0.1, 10)
    values["tenth10"] = _order_text(tenth10)
    values["tenth10_tex"] = _order_tex(tenth10)


def chapter_values() -> dict[str, str]:
    """Every computed number the chapter's prose uses, by name."""
    values: dict[str, str] = {}
    for add in (_composition_values, _neuron_values, _sigmoid_values, _backprop_values,
                _fanout_values, _depth_values, _residual_values, _sigmoid_weight_values,
                _init_values, _output_values, _intuition_values):
        add(values)
    return values


# --- linked factors and the reader's numbers -----------------------------------------------


@dataclass(frozen=True)
class Link:
    """A factor a formula can link to its counterpart in a figure (``\\link{name}{…}``)."""

    figure: str  # the figure that draws it
    symbol: str  # how a sentence names it
    meaning: str  # what it is, in words
    value: str  # the chapter's number for it: a name in ``chapter_values()``


# The names are the figures' ``meta.link`` names, so a formula and a figure agree on them.
LINKS: dict[str, Link] = {
    "outer_derivative": Link("nudge", "f′(u)", "the outer derivative, the sigmoid's slope at u",
                             "neuron_outer"),
    "inner_derivative": Link("nudge", "g′(x)", "the inner derivative, here the weight w",
                             "neuron_w"),
    "dy_dx": Link("nudge", "dy/dx", "the whole composition's derivative, outer times inner",
                  "neuron_dy_dx"),
    "dL_dyhat": Link("backprop", "∂L/∂ŷ", "the loss's sensitivity to the prediction",
                     "bp_dL_dyhat"),
    "dyhat_dh": Link("backprop", "∂ŷ/∂h", "the prediction's sensitivity to the hidden unit, W₂",
                     "bp_dyhat_dh"),
    "dh_dz": Link("backprop", "∂h/∂z", "the sigmoid's slope at the hidden unit's input",
                  "bp_dh_dz"),
    "dz_dw1": Link("backprop", "∂z/∂W₁", "the hidden input's sensitivity to the first weight, x",
                   "bp_dz_dw1"),
    "dL_dw1": Link("backprop", "∂L/∂W₁", "the gradient for the first weight, all four factors "
                   "multiplied", "bp_dL_dw1"),
}

# The formula a linked figure carries in its card, beside its chart: the result's link, then
# the factors it multiplies. Each is a factor with its value, linked to the figure's part, so a
# highlighted pair is always on screen together.
FORMULA_STRIPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nudge": ("dy_dx", ("outer_derivative", "inner_derivative")),
    "backprop": ("dL_dw1", ("dL_dyhat", "dyhat_dh", "dh_dz", "dz_dw1")),
}

# A "With your numbers" box names a figure's values (``\val{…}``) and settings
# (``\param{…}``) as the widget API does; before the reader changes anything, each shows the
# chapter's own number, from ``chapter_values()``.
WORKED_NUMBERS: dict[str, dict[str, str]] = {
    "nudge": {"x": "neuron_x", "w": "neuron_w", "u": "neuron_u", "y": "neuron_sigma",
              "outer_derivative": "neuron_outer", "inner_derivative": "neuron_w",
              "dy_dx": "neuron_dy_dx"},
    "backprop": {name: f"bp_{name}" for name in (
        "x", "w1", "w2", "target", "z", "h", "y_hat", "loss", "dL_dyhat", "dyhat_dh", "dh_dz",
        "dz_dw1", "dL_dw1", "dL_dw2")},
}
