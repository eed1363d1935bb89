"""A layer's matrix step and a classifier's output: the weight gradient δ·xᵀ (summed over a
batch) and softmax with cross-entropy, whose gradient with respect to the scores is p − y."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def softmax(scores) -> np.ndarray:
    """Probabilities from scores z: pᵢ = e^zᵢ / Σⱼ e^zⱼ (shifted by max z, which cancels)."""
    z = np.asarray(scores, dtype=float)
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class SoftmaxCrossEntropy:
    probabilities: np.ndarray  # p = softmax(z)
    loss: float  # L = −Σᵢ yᵢ log pᵢ
    gradient: np.ndarray  # ∂L/∂z = p − y


def softmax_cross_entropy(scores, target) -> SoftmaxCrossEntropy:
    """Cross-entropy of softmax(z) against a target distribution y (one-hot for a class).

    The softmax's derivative and the logarithm's combine: ∂L/∂zᵢ = pᵢ − yᵢ whenever Σ yᵢ = 1.
    """
    z = np.asarray(scores, dtype=float)
    y = np.asarray(target, dtype=float)
    shifted = z - z.max()
    log_p = shifted - np.log(np.exp(shifted).sum())
    p = np.exp(log_p)
    return SoftmaxCrossEntropy(probabilities=p, loss=float(-(y * log_p).sum()), gradient=p - y)


def one_hot(index: int, size: int) -> np.ndarray:
    target = np.zeros(size)
    target[index] = 1.0
    return target


@dataclass(frozen=True)
class DenseBackward:
    weight_gradient: np.ndarray  # ∂L/∂W = Σ_b δ_b x_bᵀ, the shape of W (m × n)
    input_gradient: np.ndarray  # ∂L/∂x_b = Wᵀ δ_b for each example, one row each (B × n)


def dense_backward(weights, inputs, deltas) -> DenseBackward:
    """The backward step of z = W x for a batch: W is m × n, inputs B × n (one x per row),
    deltas B × m (δ_b = ∂L/∂z_b per row). Each example adds its outer product δ_b x_bᵀ."""
    w = np.asarray(weights, dtype=float)
    x = np.atleast_2d(np.asarray(inputs, dtype=float))
    delta = np.atleast_2d(np.asarray(deltas, dtype=float))
    if x.shape[0] != delta.shape[0] or w.shape != (delta.shape[1], x.shape[1]):
        raise ValueError(f"shapes do not fit: W {w.shape}, x {x.shape}, δ {delta.shape}")
    weight_gradient = sum(np.outer(d, xb) for d, xb in zip(delta, x, strict=True))
    return DenseBackward(weight_gradient=weight_gradient, input_gradient=delta @ w)
