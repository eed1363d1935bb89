"""The maths engine of the chapter.

Every number a reader sees in the chapter or a widget comes from here: the sigmoid and
its derivative, the single-neuron chain of the worked example, and the forward and
backward pass through the two-layer network. Each derivative is checked against central
finite differences in ``tests/test_calculus.py``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np


def sigmoid(u):
    """σ(u) = 1 / (1 + e^(−u)), written so that large |u| never overflows.

    Arrays go through NumPy; a plain number takes a scalar path (the same formula, ten times
    faster), because the deep-chain widgets call it once per layer.
    """
    if isinstance(u, float | int):
        e = math.exp(-abs(u))
        return 1.0 / (1.0 + e) if u >= 0 else e / (1.0 + e)
    u = np.asarray(u, dtype=float)
    e = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(u):
    """σ′(u) = σ(u)(1 − σ(u)); it peaks at 0.25 when u = 0."""
    s = sigmoid(u)
    return s * (1.0 - s)


SIGMOID_PRIME_MAX = 0.25


@dataclass(frozen=True)
class NeuronChain:
    """y = σ(w·x) seen as a composition: inner g(x) = w·x, outer f(u) = σ(u)."""

    x: float
    w: float
    u: float  # g(x) = w·x
    y: float  # f(u) = σ(u)
    inner_derivative: float  # g′(x) = w
    outer_derivative: float  # f′(u) = σ′(u), evaluated at u = g(x), not at x
    dy_dx: float  # outer × inner


def neuron_chain(x: float, w: float) -> NeuronChain:
    u = w * x
    outer = float(sigmoid_prime(u))
    return NeuronChain(
        x=x,
        w=w,
        u=u,
        y=float(sigmoid(u)),
        inner_derivative=w,
        outer_derivative=outer,
        dy_dx=outer * w,
    )


@dataclass(frozen=True)
class Backprop:
    """One forward and one backward pass through h = σ(W₁x), ŷ = W₂h, L = (ŷ − target)².

    The backward factors are named after the stage they belong to; ``dL_dw1`` is their
    product, visited from the loss back to the first weight.
    """

    x: float
    w1: float
    w2: float
    target: float
    # forward: values flow left to right
    z: float  # W₁x
    h: float  # σ(z)
    y_hat: float  # W₂h
    loss: float  # (ŷ − target)²
    # backward: local derivatives, outermost first
    dL_dyhat: float  # 2(ŷ − target)
    dyhat_dh: float  # W₂
    dh_dz: float  # σ′(z)
    dz_dw1: float  # x
    dL_dw1: float
    dL_dw2: float  # ∂L/∂ŷ · ∂ŷ/∂W₂ = ∂L/∂ŷ · h

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @property
    def dL_dh(self) -> float:
        """The running product after two backward factors: ∂L/∂ŷ · ∂ŷ/∂h."""
        return self.dL_dyhat * self.dyhat_dh

    @property
    def dL_dz(self) -> float:
        """After three: ∂L/∂ŷ · ∂ŷ/∂h · ∂h/∂z."""
        return self.dL_dyhat * self.dyhat_dh * self.dh_dz


def forward(x: float, w1: float, w2: float, target: float) -> tuple[float, float, float, float]:
    """The forward pass, storing every intermediate: (z, h, ŷ, L)."""
    z = w1 * x
    h = float(sigmoid(z))
    y_hat = w2 * h
    loss = (y_hat - target) ** 2
    return z, h, y_hat, loss


def backward(x: float, w1: float, w2: float, target: float) -> Backprop:
    """Forward pass, then the chain rule from the loss back to each weight."""
    z, h, y_hat, loss = forward(x, w1, w2, target)
    dL_dyhat = 2.0 * (y_hat - target)
    dyhat_dh = w2
    dh_dz = float(sigmoid_prime(z))
    dz_dw1 = x
    # Outer derivatives first: each factor is the local derivative of one stage.
    dL_dw1 = dL_dyhat * dyhat_dh * dh_dz * dz_dw1
    dL_dw2 = dL_dyhat * h
    return Backprop(
        x=x, w1=w1, w2=w2, target=target,
        z=z, h=h, y_hat=y_hat, loss=loss,
        dL_dyhat=dL_dyhat, dyhat_dh=dyhat_dh, dh_dz=dh_dz, dz_dw1=dz_dw1,
        dL_dw1=dL_dw1, dL_dw2=dL_dw2,
    )


def sigmoid_bound(weight: float, layers: int) -> float:
    """The most a gradient can keep through ``layers`` sigmoid layers of weight w: (0.25·|w|)ⁿ."""
    return (SIGMOID_PRIME_MAX * abs(weight)) ** layers


def chain_product(local_derivative: float, layers: int) -> float:
    """The gradient left after ``layers`` stages that each scale it by ``local_derivative``."""
    return float(local_derivative) ** layers


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """(f(x + h) − f(x − h)) / 2h — the numerical derivative the tests compare against."""
    return (float(f(x + h)) - float(f(x - h))) / (2.0 * h)


# --- activations ------------------------------------------------------------------------------


# Each activation takes a number or an array; numbers skip NumPy's per-call overhead.


def _scalar(u) -> bool:
    return isinstance(u, float | int)


def tanh(u):
    return math.tanh(u) if _scalar(u) else np.tanh(np.asarray(u, dtype=float))


def tanh_prime(u):
    """tanh′(u) = 1 − tanh²(u); at most 1, at u = 0."""
    t = tanh(u)
    return 1.0 - t * t


def relu(u):
    """max(0, u)."""
    return max(float(u), 0.0) if _scalar(u) else np.maximum(np.asarray(u, dtype=float), 0.0)


def relu_prime(u):
    """1 for u > 0, else 0 — including u = 0, as the autograd libraries choose."""
    if _scalar(u):
        return 1.0 if u > 0 else 0.0
    return (np.asarray(u, dtype=float) > 0.0).astype(float)


def linear(u):
    """The identity: a layer whose local derivative is exactly its weight."""
    return float(u) if _scalar(u) else np.asarray(u, dtype=float) * 1.0


def linear_prime(u):
    return 1.0 if _scalar(u) else np.ones_like(np.asarray(u, dtype=float))


@dataclass(frozen=True)
class Activation:
    name: str
    label: str  # how the chapter writes it
    fn: Callable
    prime: Callable


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", "tanh", tanh, tanh_prime),
    "relu": Activation("relu", "ReLU", relu, relu_prime),
    "linear": Activation("linear", "linear", linear, linear_prime),
}


# --- compositions: a nudge through y = f(g(x)) ----------------------------------------------


@dataclass(frozen=True)
class Composition:
    """y = f(g(x)) as two stages. ``w`` is the neuron's weight; only σ(wx) uses it."""

    name: str
    formula: str  # y = …, in plain text
    inner_formula: str  # u = g(x)
    outer_formula: str  # y = f(u)
    uses_w: bool
    inner: Callable  # g(x, w)
    inner_prime: Callable  # g′(x, w)
    outer: Callable  # f(u)
    outer_prime: Callable  # f′(u)

    def y(self, x, w):
        return self.outer(self.inner(x, w))


def _arr(x):
    return np.asarray(x, dtype=float)


COMPOSITIONS: dict[str, Composition] = {
    "sigmoid": Composition(
        "sigmoid", "y = σ(wx)", "u = wx", "y = σ(u)", True,
        lambda x, w: _arr(x) * w, lambda x, w: np.full_like(_arr(x), w),
        sigmoid, sigmoid_prime),
    "sin_square": Composition(
        "sin_square", "y = sin(x²)", "u = x²", "y = sin(u)", False,
        lambda x, w: _arr(x) ** 2, lambda x, w: 2.0 * _arr(x),
        lambda u: np.sin(_arr(u)), lambda u: np.cos(_arr(u))),
    "exp_square": Composition(
        "exp_square", "y = e^(x²)", "u = x²", "y = e^u", False,
        lambda x, w: _arr(x) ** 2, lambda x, w: 2.0 * _arr(x),
        lambda u: np.exp(_arr(u)), lambda u: np.exp(_arr(u))),
    "double_triple": Composition(
        "double_triple", "y = 3(2x)", "u = 2x", "y = 3u", False,
        lambda x, w: 2.0 * _arr(x), lambda x, w: np.full_like(_arr(x), 2.0),
        lambda u: 3.0 * _arr(u), lambda u: np.full_like(_arr(u), 3.0)),
}


@dataclass(frozen=True)
class Nudge:
    """A nudge Δx through y = f(g(x)): inner stage scales it by g′(x), outer by f′(u)."""

    fn: str
    x: float
    w: float
    dx: float
    u: float
    y: float
    inner_derivative: float  # g′(x), evaluated at x
    outer_derivative: float  # f′(u), evaluated at u = g(x), not at x
    dy_dx: float  # outer × inner
    du: float  # g′(x)·Δx, the nudge after the inner stage (along its tangent)
    dy: float  # f′(u)·g′(x)·Δx, the nudge after both stages


def nudge(fn: str, x: float, w: float = 1.0, dx: float = 0.5) -> Nudge:
    comp = COMPOSITIONS[fn]
    u = float(comp.inner(x, w))
    inner = float(comp.inner_prime(x, w))
    outer = float(comp.outer_prime(u))
    return Nudge(fn=fn, x=x, w=w, dx=dx, u=u, y=float(comp.outer(u)),
                 inner_derivative=inner, outer_derivative=outer, dy_dx=outer * inner,
                 du=inner * dx, dy=outer * inner * dx)


def difference_quotients(fn: str, x: float, w: float, dxs):
    """(y(x + Δx) − y(x)) / Δx for each Δx, its gap to the chain rule's f′(g(x))·g′(x), and the
    size of gap that floating-point rounding alone can make.

    The gap shrinks in proportion to Δx: the chain rule is the limit of the quotient. A gap
    under the rounding floor means the quotient is exact (a straight line).
    """
    comp = COMPOSITIONS[fn]
    dxs = _arr(dxs)
    y0 = comp.y(x, w)
    quotients = (comp.y(x + dxs, w) - y0) / dxs
    gaps = np.abs(quotients - nudge(fn, x, w).dy_dx)
    rounding = 8 * np.finfo(float).eps * max(abs(float(y0)), 1.0) / dxs
    return quotients, gaps, rounding


def tangent(at: float, value: float, slope: float, ts):
    """The tangent line value + slope·(t − at): what a small nudge follows."""
    return value + slope * (_arr(ts) - at)


# --- a deep chain of one neuron per layer ----------------------------------------------------


@dataclass(frozen=True)
class ChainLayer:
    z: float  # wₖ·aₖ₋₁
    a: float  # φ(zₖ) (+ aₖ₋₁ with a residual connection)
    local_derivative: float  # ∂aₖ/∂aₖ₋₁ = wₖφ′(zₖ) (+ 1)
    gradient: float  # ∂a_depth/∂aₖ₋₁: the product of local derivatives from layer k to the end
    weight_gradient: float  # ∂a_depth/∂wₖ = ∂a_depth/∂aₖ · φ′(zₖ) · aₖ₋₁


def gradient_flow(depth: int, activation: str, weight: float, x: float,
                  residual: bool = False) -> list[ChainLayer]:
    """Forward through a₀ = x, aₖ = φ(w·aₖ₋₁) (+ aₖ₋₁), then the chain rule back to every layer.

    Returned first layer first. The gradient reaching layer k is the product of every local
    derivative after it — which is why it vanishes (or explodes) with depth.
    """
    act = ACTIVATIONS[activation]
    skip = 1.0 if residual else 0.0
    inputs, zs, outputs, primes = [], [], [], []
    a = float(x)
    for _ in range(depth):
        z = weight * a
        prime = float(act.prime(z))
        inputs.append(a)
        a = float(act.fn(z)) + skip * a
        zs.append(z)
        outputs.append(a)
        primes.append(prime)
    layers: list[ChainLayer] = []
    downstream = 1.0  # ∂a_depth/∂aₖ, starting at the output
    for k in reversed(range(depth)):
        local = weight * primes[k] + skip
        weight_gradient = downstream * primes[k] * inputs[k]
        downstream = downstream * local
        layers.append(ChainLayer(z=zs[k], a=outputs[k], local_derivative=local,
                                 gradient=downstream, weight_gradient=weight_gradient))
    layers.reverse()
    return layers


def chain_output(depth: int, activation: str, weights, x: float, residual: bool = False) -> float:
    """a_depth for per-layer weights — the plain forward pass that tests differentiate."""
    act = ACTIVATIONS[activation]
    a = float(x)
    for k in range(depth):
        a = float(act.fn(weights[k] * a)) + (a if residual else 0.0)
    return a


# --- a real network: width-n layers with random initialisation ------------------------------


INITS = {
    # Variance of each weight. Xavier (Glorot) keeps variance through tanh/sigmoid-like layers;
    # He doubles it to make up for ReLU zeroing half its inputs.
    "xavier": lambda fan_in, fan_out: 2.0 / (fan_in + fan_out),
    "he": lambda fan_in, fan_out: 2.0 / fan_in,
}


@dataclass(frozen=True)
class NetworkLayer:
    gradient_norm: float  # ‖∂L/∂aₖ₋₁‖: the signal arriving at the layer's input
    weight_gradient_norm: float  # ‖∂L/∂Wₖ‖ (Frobenius): how hard training pushes the layer


@functools.lru_cache(maxsize=16)
def network_setup(depth: int, width: int, init: str, seed: int):
    """(input x, read-out v, weights) drawn from ``seed``: the same seed, the same network.

    Input and read-out come first, then layer by layer, so a deeper stack keeps the same
    first layers. Cached (read-only) because a comparison runs two activations through the
    very same weights, and drawing them is most of the work.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, size=width)
    readout = rng.normal(0.0, 1.0, size=width)
    readout /= np.linalg.norm(readout)
    std = np.sqrt(INITS[init](width, width))
    weights = rng.normal(0.0, std, size=(depth, width, width))
    for array in (x, readout, weights):
        array.flags.writeable = False
    return x, readout, weights


def network_gradients(depth: int, width: int, activation: str, init: str, seed: int,
                      residual: bool = False) -> list[NetworkLayer]:
    """Per-layer gradient norms of a width-n stack aₖ = φ(Wₖaₖ₋₁) (+ aₖ₋₁), first layer first.

    The output is read out as L = v·a_depth with a fixed random unit vector v, so the gradient
    entering the stack has norm 1 and every change along the way is the layers' doing.
    """
    act = ACTIVATIONS[activation]
    a, readout, weights = network_setup(depth, width, init, seed)
    inputs, primes = [], []
    for k in range(depth):
        z = weights[k] @ a
        inputs.append(a)
        primes.append(act.prime(z))
        a = act.fn(z) + (a if residual else 0.0)
    layers: list[NetworkLayer] = []
    delta = readout  # ∂L/∂aₖ
    for k in reversed(range(depth)):
        local = primes[k] * delta  # ∂L/∂zₖ
        # ∂L/∂Wₖ is the outer product local·aₖ₋₁ᵀ, whose Frobenius norm is the product of norms.
        weight_grad_norm = math.sqrt(float(local @ local) * float(inputs[k] @ inputs[k]))
        delta = weights[k].T @ local + (delta if residual else 0.0)
        layers.append(NetworkLayer(gradient_norm=math.sqrt(float(delta @ delta)),
                                   weight_gradient_norm=weight_grad_norm))
    layers.reverse()
    return layers


def network_output(weights, x, readout, activation: str, residual: bool = False) -> float:
    """L = v·a_depth for explicit weights — the forward pass the tests differentiate."""
    act = ACTIVATIONS[activation]
    a = np.asarray(x, dtype=float)
    for w in weights:
        a = act.fn(w @ a) + (a if residual else 0.0)
    return float(readout @ a)


# --- training: gradient descent on the two-layer network ------------------------------------


def gradient_step(x: float, w1: float, w2: float, target: float,
                  eta: float) -> tuple[float, float]:
    """W ← W − η·∂L/∂W for both weights at once."""
    bp = backward(x, w1, w2, target)
    return w1 - eta * bp.dL_dw1, w2 - eta * bp.dL_dw2


def train(x: float, w1: float, w2: float, target: float, eta: float,
          steps: int) -> list[Backprop]:
    """The network after 0, 1, …, ``steps`` gradient steps: the loss falling is training."""
    history = [backward(x, w1, w2, target)]
    for _ in range(steps):
        w1, w2 = gradient_step(x, w1, w2, target, eta)
        history.append(backward(x, w1, w2, target))
    return history


# --- practice compositions: the checkpoint's "Try another" variants ---------------------------
# Inner functions g with a parameter a: x^a, sin x, a·x. Outer functions f with a parameter b:
# e^u, sin u, σ(u), u^b. Each returns (value, derivative) at the point given.


def inner_function(kind: str, a: int, x: float) -> tuple[float, float]:
    """g(x) and g′(x) for ``kind`` in pow (x^a), sin, lin (a·x)."""
    if kind == "pow":
        return x**a, a * x ** (a - 1)
    if kind == "sin":
        return math.sin(x), math.cos(x)
    if kind == "lin":
        return a * x, float(a)
    raise ValueError(f"unknown inner function {kind!r}")


def outer_function(kind: str, b: int, u: float) -> tuple[float, float]:
    """f(u) and f′(u) for ``kind`` in exp, sin, sigmoid, pow (u^b)."""
    if kind == "exp":
        return math.exp(u), math.exp(u)
    if kind == "sin":
        return math.sin(u), math.cos(u)
    if kind == "sigmoid":
        return float(sigmoid(u)), float(sigmoid_prime(u))
    if kind == "pow":
        return u**b, b * u ** (b - 1)
    raise ValueError(f"unknown outer function {kind!r}")
