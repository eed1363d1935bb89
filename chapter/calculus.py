"""The maths engine of the chapter.

Every number a reader sees in the chapter or a widget comes from here: the sigmoid and
its derivative, the single-neuron chain of the worked example, and the forward and
backward pass through the two-layer network. Each derivative is checked against central
finite differences in ``tests/test_calculus.py``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


def sigmoid(u):
    """σ(u) = 1 / (1 + e^(−u)), written so that large |u| never overflows."""
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


def chain_product(local_derivative: float, layers: int) -> float:
    """The gradient left after ``layers`` stages that each scale it by ``local_derivative``."""
    return float(local_derivative) ** layers


def central_difference(f, x: float, h: float = 1e-6) -> float:
    """(f(x + h) − f(x − h)) / 2h — the numerical derivative the tests compare against."""
    return (float(f(x + h)) - float(f(x - h))) / (2.0 * h)
