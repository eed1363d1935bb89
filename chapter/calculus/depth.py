"""Gradients through depth: a chain of one neuron per layer, and a real width-n network."""

from __future__ import annotations

import bisect
import functools
import math
from typing import NamedTuple

import numpy as np

from chapter.calculus.activations import ACTIVATIONS, SIGMOID_PRIME_MAX


def sigmoid_bound(weight: float, layers: int) -> float:
    """The most a gradient can keep through ``layers`` sigmoid layers of weight w: (0.25·|w|)ⁿ."""
    return (SIGMOID_PRIME_MAX * abs(weight)) ** layers


def chain_product(local_derivative: float, layers: int) -> float:
    """The gradient left after ``layers`` stages that each scale it by ``local_derivative``."""
    return float(local_derivative) ** layers


# --- a deep chain of one neuron per layer ----------------------------------------------------


class ChainLayer(NamedTuple):  # an immutable record (a tuple: a sweep makes thousands)
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
    return _chain_back(_chain_forward(depth, activation, weight, x, residual), depth, weight,
                       residual)


def gradient_flows(depths: list[int], activation: str, weight: float, x: float,
                   residual: bool = False) -> list[list[ChainLayer]]:
    """``gradient_flow`` at each depth in ``depths`` (a sweep along the depth): a deeper chain
    starts as a shallower one, so one forward pass, the deepest, serves every depth."""
    forward = _chain_forward(max(depths), activation, weight, x, residual)
    return [_chain_back(forward, depth, weight, residual) for depth in depths]


def _chain_forward(depth: int, activation: str, weight: float, x: float,
                   residual: bool) -> tuple[list, list, list, list]:
    """Each layer's input aₖ₋₁, zₖ, output aₖ and φ′(zₖ), first layer first."""
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
    return inputs, zs, outputs, primes


def _chain_back(forward: tuple, depth: int, weight: float, residual: bool) -> list[ChainLayer]:
    """The chain rule back from layer ``depth`` through the forward pass ``forward``."""
    inputs, zs, outputs, primes = forward
    skip = 1.0 if residual else 0.0
    layers: list[ChainLayer] = []
    downstream = 1.0  # ∂a_depth/∂aₖ, starting at the output
    for k in reversed(range(depth)):
        local = weight * primes[k] + skip
        weight_gradient = downstream * primes[k] * inputs[k]
        downstream = downstream * local
        layers.append(ChainLayer(zs[k], outputs[k], local, downstream, weight_gradient))
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


class NetworkLayer(NamedTuple):
    gradient_norm: float  # ‖∂L/∂aₖ₋₁‖: the signal arriving at the layer's input
    weight_gradient_norm: float  # ‖∂L/∂Wₖ‖ (Frobenius): how hard training pushes the layer
    active: int = -1  # units whose φ′(z) is not 0 (a ReLU unit with z ≤ 0 passes back nothing)


@functools.lru_cache(maxsize=16)
def network_setup(depth: int, width: int, init: str, seed: int):
    """(input x, read-out v, weights) drawn from ``seed``: the same seed, the same network.

    x ~ N(0, 1), then v ~ N(0, 1) scaled to unit length, then the weights ~ N(0, init's
    variance) layer by layer, so a deeper stack keeps the same first layers. Cached
    (read-only) because a comparison runs two activations through the very same weights,
    and drawing them is most of the work.
    """
    stream = np.random.default_rng(seed).standard_normal(2 * width + depth * width * width)
    return _scaled(stream, depth, width, init)


def _scaled(stream: np.ndarray, depth: int, width: int, init: str) -> tuple:
    """The network at ``width`` from a seed's standard normals (or each row's, for a stack of
    seeds): ``normal(loc, scale)`` draws loc + scale × the next one, so these are the arrays
    ``normal(0, 1, width)``, ``normal(0, 1, width)`` and ``normal(0, std, (depth, width,
    width))`` draw in turn (tests/test_network_batch.py compares them, bit for bit)."""
    head = stream[..., :2 * width] + 0.0  # 0 + 1 × z, and 1 × z is z
    x, readout = head[..., :width], head[..., width:]
    readout /= np.sqrt((readout[..., None, :] @ readout[..., :, None])[..., 0])  # √(v·v)
    weights = math.sqrt(INITS[init](width, width)) * stream[..., 2 * width:
                                                            2 * width + depth * width**2]
    weights += 0.0  # in place: 7 MB fewer at width 64
    weights = weights.reshape(*stream.shape[:-1], depth, width, width)
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


# --- many networks at once: a sweep's frames --------------------------------------------------
#
# Each pass below is ``_gradients``' arithmetic on many networks at once, the activations side
# by side: a stacked ``matmul`` multiplies each matrix and vector as ``@`` multiplies one pair,
# the activations act element by element, and each norm is its own vector's ``v @ v``
# (``_dots``); so every network's numbers are those it computes alone, bit for bit
# (tests/test_network_batch.py).


def network_setups(depth: int, widths: list[int], init: str, seed: int) -> list[tuple]:
    """``network_setup`` at each width in ``widths`` (a sweep along the width), drawn once:
    a seed's generator gives the same standard normals however many are asked for, so each
    width's network is scaled from the start of one stream."""
    top = max(widths)
    stream = np.random.default_rng(seed).standard_normal(2 * top + depth * top * top)
    return [_scaled(stream, depth, width, init) for width in widths]


def _dots(v: np.ndarray) -> np.ndarray:
    """Each row's v·v, as ``v @ v`` computes it for one row."""
    return (v[:, None, :] @ v[:, :, None])[:, 0, 0]


def _activate(acts: list, z: np.ndarray, inputs: np.ndarray, primes: np.ndarray, k: int,
              residual: bool) -> None:
    """Layer k's φ′(z) into ``primes[k]`` and, but at the last layer, its output φ(z)
    (+ aₖ₋₁) into ``inputs[k + 1]``: z holds each activation's pre-activations first."""
    for j, act in enumerate(acts):
        primes[k, j] = act.prime(z[j])
        if k + 1 < len(inputs):
            inputs[k + 1, j] = act.fn(z[j]) + (inputs[k, j] if residual else 0.0)


def _layers(grad: list, weight_grad: list, active: list) -> list[NetworkLayer]:
    return list(map(NetworkLayer, grad, weight_grad, active))


def _by_net(ll, ii, dd, active, names: list[str], depths: list[int] | None = None) -> list:
    """{activation: layers} per network from each layer's local·local, input·input,
    delta·delta and active units, arrays (networks × activations × layers); the first
    ``depths[i]`` layers of network i where given."""
    grad, weight_grad = np.sqrt(dd).tolist(), np.sqrt(ll * ii).tolist()
    active = active.tolist()
    if depths is None:
        return [{a: _layers(g[j], w[j], c[j]) for j, a in enumerate(names)}
                for g, w, c in zip(grad, weight_grad, active, strict=True)]
    return [{a: _layers(g[j][:d], w[j][:d], c[j][:d]) for j, a in enumerate(names)}
            for g, w, c, d in zip(grad, weight_grad, active, depths, strict=True)]


def network_gradients_widths(depth: int, widths: list[int], activations: list[str],
                             init: str, seed: int, residual: bool = False) -> list[dict]:
    """``network_gradients`` at each width in ``widths``, {activation: layers} per width, the
    networks drawn once (``network_setups``) and run side by side (``_side_by_side``)."""
    return _side_by_side([tuple(array[None] for array in setup)
                          for setup in network_setups(depth, widths, init, seed)],
                         activations, residual)


class _Block(NamedTuple):
    """One group's share of ``_side_by_side``'s rows: views of them as (…, networks, width, 1)
    columns, which a stacked ``matmul`` multiplies by the group's matrices."""
    weights: np.ndarray  # networks × depth × width × width
    back: np.ndarray  # the same, each matrix transposed
    inputs: np.ndarray
    z: np.ndarray
    local: np.ndarray
    delta: np.ndarray
    width: int

    def norms(self, rows: np.ndarray) -> np.ndarray:
        """Each network's v·v of ``rows`` (one of the views) at every layer, networks first."""
        return (_dots(rows.reshape(-1, self.width)).reshape(rows.shape[:3])
                .transpose(2, 1, 0))


def _side_by_side(groups: list[tuple], activations: list[str], residual: bool) -> list[dict]:
    """``network_gradients`` for every network in ``groups`` at once, {activation: layers}
    per network: each group one width, its networks stacked (x and read-out networks × width,
    weights networks × depth × width × width). One row per activation holds every network's
    vector end to end; each layer multiplies each group's block by its matrices in one stacked
    ``matmul`` and applies the activation to the whole row at once."""
    acts = [ACTIVATIONS[a] for a in activations]
    depth = groups[0][2].shape[1]
    ends = np.cumsum([x.size for x, _, _ in groups]).tolist()
    shape = (depth, len(acts), ends[-1])
    inputs, primes, local, delta = (np.empty(shape) for _ in range(4))
    inputs[0] = np.concatenate([x.ravel() for x, _, _ in groups])
    z = np.empty(shape[1:])
    blocks, starts = [], []
    for (x, _, weights), end in zip(groups, ends, strict=True):
        count, width = x.shape
        span = slice(end - x.size, end)
        starts += range(span.start, end, width)
        cut = [v[..., span].reshape(*v.shape[:-1], count, width, 1)
               for v in (inputs, z, local, delta)]
        blocks.append(_Block(weights, np.swapaxes(weights, 2, 3), *cut, width))
    for k in range(depth):
        for b in blocks:
            np.matmul(b.weights[:, k], b.inputs[k], out=b.z)
        _activate(acts, z, inputs, primes, k, residual)
    after = np.broadcast_to(np.concatenate([r.ravel() for _, r, _ in groups]), shape[1:])
    for k in reversed(range(depth)):  # after: ∂L/∂aₖ
        np.multiply(primes[k], after, out=local[k])  # ∂L/∂zₖ
        for b in blocks:
            np.matmul(b.back[:, k], b.local[k], out=b.delta[k])
        delta[k] += after if residual else 0.0
        after = delta[k]
    ll, ii, dd = (np.concatenate([b.norms(getattr(b, name)) for b in blocks])
                  for name in ("local", "inputs", "delta"))
    active = np.add.reduceat(primes != 0, starts, axis=2, dtype=np.intp).transpose(2, 1, 0)
    return _by_net(ll, ii, dd, active, activations)


def network_gradients_depths(depths: list[int], width: int, activations: list[str],
                             init: str, seed: int, residual: bool = False) -> list[dict]:
    """``network_gradients`` at each depth in ``depths`` (a sweep along the depth, ascending),
    {activation: layers} per depth, in one pass.

    A deeper stack keeps the same first layers (``network_setup`` draws them in order), so
    every depth's forward pass is the start of the deepest one's; the backward passes, one
    per depth from its own top, run stacked, step j taking layer depth − 1 − j of every
    stack that deep.
    """
    x, readout, weights = network_setup(max(depths), width, init, seed)
    acts, deepest, count = [ACTIVATIONS[a] for a in activations], len(weights), len(depths)
    inputs, primes = np.empty((deepest, len(acts), width)), np.empty((deepest, len(acts), width))
    inputs[0] = x
    z = np.empty((len(acts), width))
    for k in range(deepest):  # the deepest stack's forward pass: every depth's start
        np.matmul(weights[k], inputs[k, :, :, None], out=z[:, :, None])
        _activate(acts, z, inputs, primes, k, residual)
    ll, dd = np.zeros((2, count, deepest, len(acts)))  # ∂L/∂zₖ·∂L/∂zₖ, ∂L/∂aₖ₋₁·∂L/∂aₖ₋₁
    delta = np.broadcast_to(readout, (count, len(acts), width))  # ∂L/∂aₖ
    first = 0  # depths[first:]: the stacks still being run back
    for j in range(deepest):  # step j: every stack's vectors, its norms kept
        done = bisect.bisect_right(depths, j)  # stacks no deeper than j are through
        delta, first = delta[done - first:], done
        layer = np.array(depths[first:]) - 1 - j
        local = primes[layer] * delta
        delta = (np.swapaxes(weights[layer], 1, 2)[:, None] @ local[..., None])[..., 0] + (
            delta if residual else 0.0)
        ll[first:, j] = _dots(local.reshape(-1, width)).reshape(local.shape[:2])
        dd[first:, j] = _dots(delta.reshape(-1, width)).reshape(delta.shape[:2])
    # step j of a stack d deep is its layer d − 1 − j: each stack's steps, layer by layer
    step = np.maximum(np.array(depths)[:, None] - 1 - np.arange(deepest), 0)
    stack = np.arange(count)[:, None]
    ll, dd = (v[stack, step].transpose(0, 2, 1) for v in (ll, dd))
    ii = _dots(inputs.reshape(-1, width)).reshape(deepest, len(acts)).T  # every stack's own
    active = np.broadcast_to(np.count_nonzero(primes, axis=2).T, (count, *ii.shape))
    return _by_net(ll, ii, dd, active, activations, depths)


STACK_UP_TO = 32  # the widest networks a seed sweep copies into one stack


def network_gradients_many(depth: int, width: int, activations: list[str], init: str,
                           seeds: list[int], residual: bool = False) -> list[dict]:
    """``network_gradients`` for every seed in ``seeds`` (a sweep along the seed), each
    activation's layers by name: {activation: layers} per seed, the networks run side by
    side (``_side_by_side``) in one group, or wide ones (from the cache) each its own: a
    copy of their weights would cost more than a call per network and layer. More seeds
    than ``network_setup`` caches are drawn into one stack and not cached."""
    if len(seeds) > network_setup.cache_info().maxsize:  # they would only evict each other
        stream = np.empty((len(seeds), 2 * width + depth * width * width))
        for row, seed in zip(stream, seeds, strict=True):  # each drawn straight into place
            np.random.default_rng(seed).standard_normal(out=row)
        return _side_by_side([_scaled(stream, depth, width, init)], activations, residual)
    setups = [network_setup(depth, width, init, seed) for seed in seeds]
    if width > STACK_UP_TO:
        return _side_by_side([tuple(a[None] for a in setup) for setup in setups],
                             activations, residual)
    return _side_by_side([tuple(np.stack([setup[i] for setup in setups]) for i in range(3))],
                         activations, residual)


def network_output(weights, x, readout, activation: str, residual: bool = False) -> float:
    """L = v·a_depth for explicit weights — the forward pass the tests differentiate."""
    act = ACTIVATIONS[activation]
    a = np.asarray(x, dtype=float)
    for w in weights:
        a = act.fn(w @ a) + (a if residual else 0.0)
    return float(readout @ a)

