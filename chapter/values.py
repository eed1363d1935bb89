"""The numbers the prose quotes, computed once by the engine and formatted for reading.

Content files refer to them by name, as ``{=name=}``; the renderer substitutes them at
start-up, so no worked number is ever typed by hand. Names ending in ``_tex`` are meant for
use inside ``$…$`` maths; the others are plain text.
"""

from __future__ import annotations

import math

from chapter import calculus
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


def chapter_values() -> dict[str, str]:
    """Every computed number the chapter's prose uses, by name."""
    values: dict[str, str] = {}

    # Section 1: a nudge scaled by 3, then by 2.
    inner_scale, outer_scale = 3, 2
    values["nudge_inner"] = str(inner_scale)
    values["nudge_outer"] = str(outer_scale)
    values["nudge_total"] = f"{calculus.chain_product(inner_scale, 1) * outer_scale:g}"

    # Section 2: the worked neuron y = σ(wx) with w = 2, x = 1.
    neuron = calculus.neuron_chain(x=1.0, w=2.0)
    values["neuron_w"] = f"{neuron.w:g}"
    values["neuron_x"] = f"{neuron.x:g}"
    values["neuron_u"] = f"{neuron.u:g}"
    values["neuron_sigma"] = _fixed(neuron.y)
    values["neuron_one_minus_sigma"] = _fixed(1.0 - neuron.y)
    values["neuron_outer"] = _fixed(neuron.outer_derivative)
    values["neuron_dy_dx"] = _fixed(neuron.dy_dx)

    # The sigmoid's ceiling, and what ten such factors leave at most.
    values["sigmoid_max"] = f"{calculus.SIGMOID_PRIME_MAX:g}"
    ten_sigmoids = calculus.chain_product(calculus.SIGMOID_PRIME_MAX, 10)
    values["sigmoid_bound10"] = _sci_text(ten_sigmoids)
    values["sigmoid_bound10_tex"] = _sci_tex(ten_sigmoids)
    values["sigmoid_bound10_order"] = _order_text(ten_sigmoids)

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

    # Intuition: ten layers of 0.5, and ten of 2.
    values["half10"] = f"{calculus.chain_product(0.5, 10):.3f}"
    values["half10_round"] = f"{calculus.chain_product(0.5, 10):.1g}"
    values["double10"] = f"{calculus.chain_product(2, 10):g}"
    values["double_triple"] = f"{calculus.chain_product(2, 1) * 3:g}"

    # In practice the first-layer gradient can be far smaller than the bound.
    tenth10 = calculus.chain_product(0.1, 10)
    values["tenth10"] = _order_text(tenth10)
    values["tenth10_tex"] = _order_tex(tenth10)
    return values
