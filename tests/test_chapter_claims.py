"""The chapter's claims, read off the rendered page: the overstatements are gone, and the added
material is there with the engine's own numbers."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from chapter import calculus
from chapter.figures import FIGURES
from tests.apps import make_app


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("claims"))
    return app.test_client().get("/").get_data(as_text=True)


def readable(markup: str) -> str:
    """What a reader sees: tags dropped (MathML's too), whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup)))


@pytest.fixture(scope="module")
def text(page):
    return readable(page)


@pytest.fixture(scope="module")
def section_text(page):
    """Each section's readable text, by its id."""
    starts = list(re.finditer(r'<section [^>]*id="([^"]+)"[^>]*data-section>', page))
    ends = [m.start() for m in starts[1:]] + [len(page)]
    return {m.group(1): readable(page[m.end():end]) for m, end in zip(starts, ends, strict=True)}


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


BOUND = "9.5 × 10⁻⁷", "9.5×10−7"


def test_the_quarter_bound_is_on_the_sigmoid_factors_not_the_gradient(text):
    quoting = [s for s in sentences(text) if any(b in s for b in BOUND)]
    assert quoting
    for sentence in quoting:
        # Either the σ′ factors are what is bounded, or the weights are pinned at 1.
        assert "σ′" in sentence or "with weight 1" in sentence, sentence
    assert "scaled by at most" not in text
    assert "at best. Stack ten" not in text


def test_the_quarter_bound_is_stated_once_and_pointed_back_to(section_text):
    # Stated in full in the vanishing-gradients section (its warning, and the figure's own text
    # alternative); the reflection's summary formula recalls it. Elsewhere: a pointer to it.
    quoting = {name for name, words in section_text.items() if any(b in words for b in BOUND)}
    assert quoting <= {"vanishing-gradients", "reflection"}, quoting
    assert "vanishing-gradients" in quoting
    for name in ("worked-example", "in-this-section", "key-points"):
        assert "Vanishing gradients" in section_text[name], name
        assert "0.25" not in section_text[name], name


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
    assert "variance 2/fan-in" in text


def test_residuals_explode_with_a_positive_branch(text):
    flow = calculus.gradient_flow(10, "relu", 1.0, 1.0, residual=True)
    assert "1+F′" in text
    assert f"every block’s factor is {flow[0].local_derivative:g}" in text
    assert f"10={flow[0].gradient:g}" in text


def test_try_this_prompts_name_the_controls(text):
    start = text.index("Try this")
    prompts = text[start:start + 800]
    for control in ("Activation", "Weight w", "Network", "Initialisation",
                    "Residual connections"):
        assert control in prompts, control


# --- corrected statements, each checked at the setting that refuted the old one -------------


def test_residual_connections_help_but_guarantee_nothing(text):
    for gone in ("does not vanish however deep", "stops vanishing, not exploding"):
        assert gone not in text
    assert "The skip path helps; it guarantees nothing." in text
    # Near 1 still compounds: fifty factors of 0.9.
    slow = calculus.chain_product(0.9, 50)
    assert slow == pytest.approx(0.00515, abs=1e-5)
    assert f"50 factors of 0.9 still shrink it to {slow:.3f}" in text
    # A negative branch derivative pulls the factor below 1: tanh at w = −0.5, depth 50.
    default_x = FIGURES["vanishing"].schema["x"].default
    deep = calculus.gradient_flow(50, "tanh", -0.5, default_x, residual=True)
    assert all(layer.local_derivative < 1 for layer in deep)
    assert deep[0].gradient == pytest.approx(1.2e-15, rel=0.05)
    deep_text = sci(deep[0].gradient)
    assert f"default input, 50 tanh blocks at weight −0.5 leave the first layer {deep_text}" in text
    # At F′ = −1 the branch cancels the skip path: linear at w = −1 everywhere, tanh at input 0.
    for activation, x in (("linear", 1.0), ("linear", -3.0), ("tanh", 0.0)):
        cancelled = calculus.gradient_flow(10, activation, -1.0, x, residual=True)
        assert [layer.local_derivative for layer in cancelled] == [0.0] * 10, activation
        assert cancelled[0].gradient == 0.0
    assert "with a linear branch at weight −1 every block’s factor is 1−1=0" in text


def test_moderate_sigmoid_weights_beat_the_weight_one_bound(section_text):
    bound = calculus.sigmoid_bound(1.0, 10)
    at_two = calculus.gradient_flow(10, "sigmoid", 2.0, 0.0)[0].gradient
    at_minus_four = calculus.gradient_flow(10, "sigmoid", -4.0, 0.0)[0].gradient
    assert at_two == pytest.approx(5.6e-6, rel=0.01) and round(at_two / bound) == 6
    assert abs(at_minus_four) == pytest.approx(0.049, rel=0.01)
    faq = section_text["in-this-section"]
    assert "Unless the weights are large" not in faq
    assert "ResNets and Transformers were each designed" not in faq
    assert f"weight 2, ten layers leave {sci(at_two)}, 6 times as much" in faq
    assert "unlikely to be caused by vanishing gradients" in faq
    vanishing = section_text["vanishing-gradients"]
    assert f"leave the first layer {sci(at_two)}, 6 times the weight-1 bound" in vanishing
    assert f"at weight −4 they leave {abs(at_minus_four):.2g}" in vanishing


def test_xavier_against_he_is_a_seed_free_ratio_with_a_spread(text):
    import statistics

    def first(init, seed):
        return calculus.network_gradients(10, 16, "relu", init, seed)[0].gradient_norm

    xavier = [first("xavier", seed) for seed in range(200)]
    he = [first("he", seed) for seed in range(200)]
    # ReLU is positively homogeneous: (√2)¹⁰ = 32 for every draw.
    for x, h in zip(xavier, he, strict=True):
        assert h / x == pytest.approx(32.0, rel=1e-12)
    median_x, median_he = statistics.median(xavier), statistics.median(he)
    assert f"{median_x:.2g}" == "0.013" and f"{median_he:.2g}" == "0.43"
    assert "designed for sigmoid-like" not in text
    assert "Xavier initialisation is designed for tanh-like layers" in text
    assert "25=32 times the gradient Xavier leaves, for every draw" in text
    assert (f"over 200 random seeds the median first-layer gradient is {median_x:.2g} with "
            f"Xavier and {median_he:.2g} with He") in text
    assert f"seed 0 on its own gives {xavier[0]:.2g} and {he[0]:.2g}" in text
    assert "move Random seed" in text


def test_backprop_cost_sums_history_and_the_lead(text):
    assert "a small constant times the cost" not in text and "about one extra pass" not in text
    assert "two to three forward passes" in text and "paid for in memory" in text
    assert "few inputs and many outputs" in text
    assert "That is what “accumulate” means in step 4" not in text
    assert "The adding happens while propagating, in step 3" in text
    lead = text[text.index("When you call PyTorch"):text.index("By the end of this chapter")]
    assert "one contributed by every layer it passed through" not in lead
    assert "multiplied together along each path through the graph, and added where paths meet" \
        in lead
    assert "Linnainmaa’s 1970" in text and "Werbos proposed it" in text
    assert "shows a first-layer factor" not in text
    assert "the data table under Figure 3 lists a first-layer factor" in text
    assert "designed, in part, to prevent" not in text


def test_notation_is_one_meaning_per_symbol(text):
    assert "responds to its own input" not in text
    assert "the weight it multiplies" in text
    assert "a change of approximately g′(x)Δx" in text
    assert "a change of approximately f′(u)g′(x)Δx" in text
    assert "a=σ(z)" not in text and "h=σ(z)" in text
    assert "call it w" in text and "with w its first weight W1" in text
    assert "Write ak for the output of layer k" in text


def test_softmax_cross_entropy_gradient_is_p_minus_y(text):
    scores, target = [2.0, 1.0, 0.0], calculus.one_hot(2, 3)
    result = calculus.softmax_cross_entropy(scores, target)
    for i in range(3):
        def loss(t, i=i):
            shifted = list(scores)
            shifted[i] = t
            return calculus.softmax_cross_entropy(shifted, target).loss
        numeric = calculus.central_difference(loss, scores[i], h=1e-5)
        assert result.gradient[i] == pytest.approx(numeric, abs=1e-8)
        assert result.gradient[i] == pytest.approx(result.probabilities[i] - target[i])
    vector = ",".join(minus(float(v), 3) for v in result.gradient)
    assert "∂L/∂z=p−y" in text
    assert f"∂L/∂z≈({vector}) — as large as the error itself" in text


def test_weight_gradient_is_delta_times_x_transposed_summed_over_a_batch(text):
    rng = np.random.default_rng(3)
    weights, inputs = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    targets = [calculus.one_hot(k % 3, 3) for k in range(5)]

    def batch_loss(w):
        pairs = zip(inputs, targets, strict=True)
        return sum(calculus.softmax_cross_entropy(w @ x, y).loss for x, y in pairs)

    deltas = np.array([calculus.softmax_cross_entropy(weights @ x, y).gradient
                       for x, y in zip(inputs, targets, strict=True)])
    step = calculus.dense_backward(weights, inputs, deltas)
    assert step.weight_gradient.shape == weights.shape == (3, 4)
    assert step.input_gradient.shape == inputs.shape
    for i in range(3):
        for j in range(4):
            def along(t, i=i, j=j):
                nudged = weights.copy()
                nudged[i, j] = t
                return batch_loss(nudged)
            numeric = calculus.central_difference(along, weights[i, j], h=1e-5)
            assert step.weight_gradient[i, j] == pytest.approx(numeric, abs=1e-7)
    with pytest.raises(ValueError):
        calculus.dense_backward(weights, inputs, deltas[:, :2])
    assert "∂L/∂W=δxT" in text and "Over a batch each example contributes" in text


def test_descent_fractions_and_clipping_are_taught(text):
    assert "ΔL≈∂L∂WΔW — the tangent line of Figure 1" in text
    assert "Derivatives are not fractions" in text and "twice the derivative" in text
    fan = calculus.fan_out(3.0)
    assert (f"the two products are {fan.path_a:g} and {fan.path_b:g}, neither of them the "
            f"derivative; only their sum, {fan.dy_dx:g}, is") in text
    assert "scaled down to that threshold before the step" in text


def test_the_new_numbers_are_the_engines_not_typed(text):
    from pathlib import Path

    source = "".join(p.read_text(encoding="utf-8")
                     for p in sorted((Path(__file__).parents[1] / "chapter/content").glob("*.md")))
    for number in ("1.2 × 10", "5.6 × 10", "0.049", "0.013", "0.43", "0.005", "0.0056", "0.18",
                   "= 32", "0.665", "0.245", "0.910", "200 random"):
        assert number not in source, number  # typed by hand
        assert number in text or number.replace("= ", "=") in text, number  # rendered


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
