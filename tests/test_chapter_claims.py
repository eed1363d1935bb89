"""The chapter's claims, read off the rendered page: the overstatements are gone, and the added
material is there with the engine's own numbers."""

from __future__ import annotations

import html
import re

import pytest

from chapter import calculus
from tests.apps import make_app


@pytest.fixture(scope="module")
def text(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("claims"))
    page = app.test_client().get("/").get_data(as_text=True)
    # What a reader sees: tags dropped (MathML's too), whitespace collapsed.
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.?!])\s+", text)


def sci(value: float) -> str:
    """The page's plain-text scientific form: 9.8 × 10⁻⁴."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10" + str(int(exponent)).translate(str.maketrans("-0123456789",
                                                                              "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))


def minus(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace("-", "−")


# --- what must be gone -----------------------------------------------------------------------


def test_no_claim_that_a_forward_order_cannot_work(text):
    for sentence in sentences(text):
        assert not ("cannot" in sentence and "forward" in sentence.lower()), sentence
    assert "needs each outer derivative before" not in text


def test_the_quarter_bound_is_on_the_sigmoid_factors_not_the_gradient(text):
    bound = "9.5 × 10⁻⁷", "9.5×10−7"
    quoting = [s for s in sentences(text) if any(b in s for b in bound)]
    assert len(quoting) >= 5
    for sentence in quoting:
        # Either the σ′ factors are what is bounded, or the weights are pinned at 1.
        assert "σ′" in sentence or "with weight 1" in sentence, sentence
    assert "scaled by at most" not in text
    assert "at best. Stack ten" not in text


def test_no_weakest_link_and_no_overclaims_about_frameworks(text):
    assert "weakest link" not in text.lower()
    assert "Nobody writes" not in text
    for hit in re.finditer(r"\.backward\(\)", text):
        assert text[max(0, hit.start() - 10):hit.start()].endswith("PyTorch’s "), hit.start()
    assert "TensorFlow’s tape.gradient()" in text
    assert "custom autograd functions" in text and "fused" in text


def test_one_running_example_double_then_triple(text):
    nudge = calculus.nudge("double_triple", x=1.0, dx=1.0)
    inner, outer = f"{nudge.inner_derivative:g}", f"{nudge.outer_derivative:g}"
    assert f"a factor of {inner}" in text and f"a factor of {outer}" in text
    assert f"{inner} × {outer} = {nudge.dy_dx:g}" in text
    assert "each one taken at the point its own stage actually sees" in text


# --- what must be there ----------------------------------------------------------------------


def test_the_worked_neuron_gives_dy_dw_too(text):
    neuron = calculus.neuron_chain(x=1.0, w=2.0)
    dy_dw = f"{neuron.outer_derivative * neuron.x:.3f}"
    assert f"dydw=σ′(wx)·x≈{neuron.outer_derivative:.3f}×{neuron.x:g}≈{dy_dw}" in text


def test_target_is_t_and_partials_are_explained(text):
    assert "target t=1.0" in text and "(yˆ−t)" in text
    assert "z=W1x" in text
    assert "partial derivative varies one of them while holding the others fixed" in text


def test_fan_out_sums_its_paths_with_engine_numbers(text):
    fan = calculus.fan_out(3.0)
    assert "sum over paths" in text
    assert f"b·2x={fan.dy_da:g}×{fan.da_dx:g}={fan.path_a:g}" in text
    assert f"a·2={fan.dy_db:g}×{fan.db_dx:g}={fan.path_b:g}" in text
    assert f"={fan.path_a:g}+{fan.path_b:g}={fan.dy_dx:g}" in text
    assert "diag(σ′(z))" in text


def test_optimiser_and_central_difference_check(text):
    assert "W←W−η∂L∂W" in text
    assert "not a finished job" in text

    def loss(w1):
        return calculus.forward(2.0, w1, 1.2, 1.0)[3]

    bp = calculus.backward(2.0, 0.5, 1.2, 1.0)
    central = calculus.central_difference(loss, 0.5, h=0.01)
    assert f"gives {minus(central, 5)} against backpropagation’s {minus(bp.dL_dw1, 5)}" in text
    assert f"a gap of {sci(abs(central - bp.dL_dw1))}" in text
    assert "Figure 1’s shrinking-Δx panel" in text


def test_weights_multiply_into_the_sigmoid_factor(text):
    at_four = calculus.gradient_flow(10, "sigmoid", 4.0, 0.0)[0].local_derivative
    assert f"first-layer factor of {at_four:.1f}" in text
    assert f"(0.25|w|)10 is {calculus.sigmoid_bound(5.0, 10):.1f}" in text
    saturated = calculus.gradient_flow(10, "sigmoid", 5.0, 1.0)[0].gradient
    assert f"the first-layer gradient is {sci(saturated)}" in text


def test_relu_is_not_oversold(text):
    half = calculus.gradient_flow(10, "relu", 0.5, 1.0)[0].gradient
    as_maths = sci(half).replace(" ", "").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "−0123456789"))
    assert f"pass on only 0.510≈{as_maths}" in text
    assert "at exactly 0 the libraries use 0" in text and "dead unit" in text
    xavier = calculus.network_gradients(10, 16, "relu", "xavier", 0)[0].gradient_norm
    he = calculus.network_gradients(10, 16, "relu", "he", 0)[0].gradient_norm
    assert f"falls to {xavier:.2g}" in text and f"leaves {he:.2g}" in text
    assert "variance 2/fan-in" in text


def test_residuals_stop_vanishing_not_exploding(text):
    flow = calculus.gradient_flow(10, "relu", 1.0, 1.0, residual=True)
    assert "1+F′" in text
    assert "stops vanishing, not exploding" in text
    assert f"every block’s factor is {flow[0].local_derivative:g}" in text
    assert f"10={flow[0].gradient:g}" in text


def test_try_this_prompts_name_the_controls(text):
    start = text.index("Try this")
    prompts = text[start:start + 800]
    for control in ("Activation", "Weight w", "Network", "Initialisation",
                    "Residual connections"):
        assert control in prompts, control


def test_try_this_asks_about_settings_the_text_has_not_answered(text):
    # Each prompt's setting differs from the ones the paragraphs above work out, and the
    # prompts state none of the figure's answers.
    prompts = text[text.index("Try this"):text.index("Try this") + 900]
    assert "Weight w to 0.8" in prompts and "Depth (layers) 20" in prompts
    assert "Activation sigmoid at weight 1" in prompts
    answers = [calculus.gradient_flow(10, "relu", 0.8, 1.0)[0].gradient,
               calculus.gradient_flow(10, "sigmoid", 1.0, 1.0, residual=True)[0].gradient,
               calculus.network_gradients(20, 16, "relu", "xavier", 0)[0].gradient_norm,
               calculus.network_gradients(20, 16, "relu", "he", 0)[0].gradient_norm]
    for value in answers:
        for form in (sci(value), f"{value:.2g}", f"{value:.3f}"):
            assert form not in prompts, form
