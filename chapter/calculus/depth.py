"""Gradients through depth: a chain of one neuron per layer, and a real width-n network."""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass

import numpy as np

from chapter.calculus.activations import ACTIVATIONS, SIGMOID_PRIME_MAX


def sigmoid_bound(weight: float, layers: int) -> float:
    """The most a gradient can keep through ``layers`` sigmoid layers of weight w: (0.25·|w|)ⁿ."""
    return (SIGMOID_PRIME_MAX * abs(weight)) ** layers


def chain_product(local_derivative: float, layers: int) -> float:
    """The gradient left after ``layers`` stages that each scale it by ``local_derivative``."""
    return float(local_derivative) ** layers


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
    # Variance of each weight. Xavier (Glorot) keeps variance through tanh-like layers (slope 1
    # at 0); He doubles it to make up for ReLU zeroing about half its inputs.
    "xavier": lambda fan_in, fan_out: 2.0 / (fan_in + fan_out),
    "he": lambda fan_in, fan_out: 2.0 / fan_in,
}


@dataclass(frozen=True)
class NetworkLayer:
    gradient_norm: float  # ‖∂L/∂aₖ₋₁‖: the signal arriving at the layer's input
    weight_gradient_norm: float  # ‖∂L/∂Wₖ‖ (Frobenius): how hard training pushes the layer
    active: int = -1  # units whose φ′(z) is not 0 (a ReLU unit with z ≤ 0 passes back nothing)


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
    return _gradients(ACTIVATIONS[activation], network_setup(depth, width, init, seed),
                      residual)


def _gradients(act, setup: tuple, residual: bool) -> list[NetworkLayer]:
    """``network_gradients`` for the network ``setup`` (input, read-out, weights)."""
    a, readout, weights = setup
    depth = len(weights)
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
                                   weight_gradient_norm=weight_grad_norm,
                                   active=int(np.count_nonzero(primes[k]))))
    layers.reverse()
    return layers


def network_setups(depth: int, widths: list[int], init: str, seed: int) -> list[tuple]:
    """``network_setup`` at each width in ``widths`` (a sweep along the width), drawn once.

    A seed's generator gives the same sequence of standard normals however they are asked
    for, and ``normal(loc, scale)`` is loc + scale × the next one; so each width's input,
    read-out and weights are slices of one stream, scaled as ``network_setup`` scales them
    (tests/test_network_batch.py compares every width's arrays, bit for bit).
    """
    top = max(widths)
    stream = np.random.default_rng(seed).standard_normal(2 * top + depth * top * top)
    setups = []
    for width in widths:
        x = 0.0 + 1.0 * stream[:width]
        readout = 0.0 + 1.0 * stream[width:2 * width]
        readout /= np.linalg.norm(readout)
        std = np.sqrt(INITS[init](width, width))
        weights = std * stream[2 * width:2 * width + depth * width * width]
        weights += 0.0  # loc + scale × z, as normal() draws it (in place: 7 MB fewer at 64)
        setups.append((x, readout, weights.reshape(depth, width, width)))
    return setups


def network_gradients_widths(depth: int, widths: list[int], activations: list[str],
                             init: str, seed: int, residual: bool = False) -> list[dict]:
    """``network_gradients`` at each width in ``widths``, {activation: layers} per width, the
    networks drawn once (``network_setups``)."""
    return [{a: _gradients(ACTIVATIONS[a], setup, residual) for a in activations}
            for setup in network_setups(depth, widths, init, seed)]


def network_gradients_depths(depths: list[int], width: int, activations: list[str],
                             init: str, seed: int, residual: bool = False) -> list[dict]:
    """``network_gradients`` at each depth in ``depths`` (a sweep along the depth, ascending),
    {activation: layers} per depth, in one pass.

    A deeper stack keeps the same first layers (``network_setup`` draws them in order), so
    every depth's forward pass is the start of the deepest one's; the backward passes, one
    per depth from its own top, run stacked, step j taking layer depth − 1 − j of every
    stack that deep, each multiplied as ``@`` multiplies one pair.
    """
    setup = network_setup(max(depths), width, init, seed)
    runs = {a: _depth_layers(ACTIVATIONS[a], setup, depths, residual) for a in activations}
    return [{a: layers[i] for a, layers in runs.items()} for i in range(len(depths))]


def _depth_layers(act, setup: tuple, depths: list[int], residual: bool) -> list[list]:
    a, readout, weights = setup
    inputs, primes = [], []
    for k in range(len(weights)):  # the deepest stack's forward pass: every depth's start
        z = weights[k] @ a
        inputs.append(a)
        primes.append(act.prime(z))
        a = act.fn(z) + (a if residual else 0.0)
    inputs, primes = np.stack(inputs), np.stack(primes)
    rows: list[list[NetworkLayer]] = [[] for _ in depths]
    delta = np.broadcast_to(readout, (len(depths), len(readout))).copy()
    first = 0  # depths[first:]: the stacks still being run back
    for j in range(max(depths)):
        done = bisect.bisect_right(depths, j)  # stacks no deeper than j are through
        delta, first = delta[done - first:], done
        layer = np.array(depths[first:]) - 1 - j
        delta = _step_back(rows[first:], weights[layer], inputs[layer], primes[layer], delta,
                           residual)
    for row in rows:
        row.reverse()
    return rows


def network_gradients_many(depth: int, width: int, activations: list[str], init: str,
                           seeds: list[int], residual: bool = False) -> list[dict]:
    """``network_gradients`` for every seed in ``seeds`` (a sweep along the seed), each
    activation's layers by name: {activation: layers} per seed, in one batched pass.

    The networks are stacked, one per seed, and each step is the single network's step on
    the stack: a stacked ``@`` multiplies each seed's matrix and vector exactly as ``@`` does
    one pair, and the activations act element by element, so every number is the one
    ``network_gradients`` gives for that seed alone (tests/test_network_batch.py).
    """
    setups = [network_setup(depth, width, init, seed) for seed in seeds]
    x, readout, weights = (np.stack([setup[i] for setup in setups]) for i in range(3))
    runs = {a: _stacked_layers(ACTIVATIONS[a], x, readout, weights, residual)
            for a in activations}
    return [{a: layers[i] for a, layers in runs.items()} for i in range(len(seeds))]


def _dots(v: np.ndarray) -> np.ndarray:
    """Each row's v·v, as ``v @ v`` computes it for one row."""
    return (v[:, None, :] @ v[:, :, None])[:, 0, 0]


def _stacked_layers(act, x, readout, weights, residual: bool) -> list[list[NetworkLayer]]:
    """``network_gradients``' forward and backward passes on stacked networks: x, readout
    (seeds × width) and weights (seeds × depth × width × width)."""
    a, inputs, primes = x, [], []
    for k in range(weights.shape[1]):
        z = (weights[:, k] @ a[:, :, None])[:, :, 0]
        inputs.append(a)
        primes.append(act.prime(z))
        a = act.fn(z) + (a if residual else 0.0)
    rows: list[list[NetworkLayer]] = [[] for _ in range(len(x))]
    delta = readout
    for k in reversed(range(weights.shape[1])):
        delta = _step_back(rows, weights[:, k], inputs[k], primes[k], delta, residual)
    for row in rows:
        row.reverse()
    return rows


def _step_back(rows: list, weights, inputs, primes, delta, residual: bool):
    """One layer of stacked backward passes: each stack's layer (its norms, its active
    units) appended to its row; returns ∂L/∂aₖ₋₁ for every stack."""
    local = primes * delta  # ∂L/∂zₖ
    weight_grad = zip(_dots(local).tolist(), _dots(inputs).tolist(), strict=True)
    delta = (np.swapaxes(weights, 1, 2) @ local[:, :, None])[:, :, 0] + (
        delta if residual else 0.0)
    for row, norm2, (ll, ii), active in zip(rows, _dots(delta).tolist(), weight_grad,
                                            np.count_nonzero(primes, axis=1).tolist(),
                                            strict=True):
        row.append(NetworkLayer(gradient_norm=math.sqrt(norm2),
                                weight_gradient_norm=math.sqrt(ll * ii), active=active))
    return delta


def network_output(weights, x, readout, activation: str, residual: bool = False) -> float:
    """L = v·a_depth for explicit weights — the forward pass the tests differentiate."""
    act = ACTIVATIONS[activation]
    a = np.asarray(x, dtype=float)
    for w in weights:
        a = act.fn(w @ a) + (a if residual else 0.0)
    return float(readout @ a)
