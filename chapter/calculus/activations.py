"""Activations and their derivatives, and the central difference every derivative is checked by."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

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
    """σ′(u) = σ(u)(1 − σ(u)); it peaks at 0.25 when u = 0.

    Computed as e/(1 + e)² with e = e^(−|u|), never as σ(1 − σ): far out, 1 − σ(u) rounds to
    exactly 0 while the true slope is e^(−|u|), still far above the smallest double.
    """
    if isinstance(u, float | int):
        e = math.exp(-abs(u))
        return e / ((1.0 + e) * (1.0 + e))
    e = np.exp(-np.abs(np.asarray(u, dtype=float)))
    return e / ((1.0 + e) * (1.0 + e))


SIGMOID_PRIME_MAX = 0.25


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
    """tanh′(u) = 1 − tanh²(u) = 1/cosh²(u); at most 1, at u = 0.

    Computed as 4e/(1 + e)² with e = e^(−2|u|), without the subtraction: 1 − tanh²(u) rounds
    to exactly 0 once tanh(u) rounds to ±1 (from |u| ≈ 19), a zero that is not the slope's.
    """
    if _scalar(u):
        e = math.exp(-2.0 * abs(u))
        return 4.0 * e / ((1.0 + e) * (1.0 + e))
    e = np.exp(-2.0 * np.abs(np.asarray(u, dtype=float)))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


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


def prime_is_exact(name: str, z: float) -> bool:
    """Whether φ′(z), as computed, is the exact value: ReLU's 0 or 1 and the linear 1 always,
    σ′(0) = 1/4 and tanh′(0) = 1; elsewhere σ′ and tanh′ are irrational, only rounded."""
    return name in ("relu", "linear") or z == 0


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", "sigmoid", sigmoid, sigmoid_prime),
    "tanh": Activation("tanh", "tanh", tanh, tanh_prime),
    "relu": Activation("relu", "ReLU", relu, relu_prime),
    "linear": Activation("linear", "linear", linear, linear_prime),
}

