"""Figure 3's real networks swept in one pass (along the seed: stacked; the width: drawn from one
stream; the depth: the deepest forward once, every depth back stacked): every network's numbers
are exactly those of the network computed alone, and every frame is the builder at its value."""

from __future__ import annotations

import numpy as np
import pytest

from chapter import calculus
from chapter.figures import FIGURES, vanishing
from chapter.figures.params import parse_params
from chapter.figures.sweep import frame_count, grid

VANISHING = FIGURES["vanishing"]
SEEDS = [0, 1, 41, 997, 5003, 9999]


@pytest.mark.parametrize("width", [2, 3, 16, 33, 64])
@pytest.mark.parametrize("depth", [1, 7, 50])
@pytest.mark.parametrize("residual", [False, True])
def test_a_batch_of_seeds_is_each_network_alone_exactly(width, depth, residual):
    acts = list(calculus.ACTIVATIONS)
    for init in calculus.INITS:
        batch = calculus.network_gradients_many(depth, width, acts, init, SEEDS, residual)
        for seed, layers in zip(SEEDS, batch, strict=True):
            for a in acts:  # == on the dataclasses: every float equal, not approximately
                assert layers[a] == calculus.network_gradients(depth, width, a, init, seed,
                                                               residual), (a, init, seed)


def normal_draws(depth: int, width: int, init: str, seed: int) -> tuple:
    """The network as NumPy's normal() draws it, one array after another: what
    ``network_setup`` and ``network_setups`` scale from a stream of standard normals."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, size=width)
    readout = rng.normal(0.0, 1.0, size=width)
    readout /= np.linalg.norm(readout)
    std = np.sqrt(calculus.INITS[init](width, width))
    return x, readout, rng.normal(0.0, std, size=(depth, width, width))


@pytest.mark.parametrize("width", [2, 33, 64])
@pytest.mark.parametrize("depth", [1, 7])
@pytest.mark.parametrize("residual", [False, True])
def test_more_seeds_than_the_cache_holds_drawn_into_one_stack_are_each_network(width, depth,
                                                                               residual):
    seeds = list(range(0, 10000, 499))
    assert len(seeds) > calculus.network_setup.cache_info().maxsize
    acts = list(calculus.ACTIVATIONS)
    batch = calculus.network_gradients_many(depth, width, acts, "he", seeds, residual)
    for seed, layers in zip(seeds, batch, strict=True):
        for a in acts:
            assert layers[a] == calculus.network_gradients(depth, width, a, "he", seed,
                                                           residual), (a, seed)


@pytest.mark.parametrize("seed", [0, 41, 9999])
@pytest.mark.parametrize("depth", [1, 10, 50])
def test_every_network_drawn_from_a_stream_is_normals_draws_bit_for_bit(seed, depth):
    widths = list(range(2, 65))
    for init in calculus.INITS:
        for width, drawn in zip(widths, calculus.network_setups(depth, widths, init, seed),
                                strict=True):
            alone = calculus.network_setup(depth, width, init, seed)
            for ours, single, theirs in zip(drawn, alone, normal_draws(depth, width, init, seed),
                                            strict=True):
                for mine in (ours, single):
                    assert mine.shape == theirs.shape and np.array_equal(mine, theirs)
                    assert np.array_equal(np.signbit(mine), np.signbit(theirs))  # −0.0 too


@pytest.mark.parametrize("width", [2, 16, 64])
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("depths", [list(range(1, 51)), [1, 6, 11, 46, 50], [3]])
def test_every_depth_run_back_stacked_is_its_network_alone_exactly(width, residual, depths):
    acts = list(calculus.ACTIVATIONS)
    for init in calculus.INITS:
        for seed in (0, 9999):
            batch = calculus.network_gradients_depths(depths, width, acts, init, seed, residual)
            for depth, layers in zip(depths, batch, strict=True):
                for a in acts:
                    assert layers[a] == calculus.network_gradients(depth, width, a, init, seed,
                                                                   residual), (a, depth)


SETTINGS = [{"mode": "network"},
            {"mode": "network", "width": "5", "depth": "23", "residual": "1", "init": "xavier",
             "activation": "tanh", "compare": "none"},
            {"mode": "network", "width": "64", "depth": "50", "activation": "linear"}]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("slider", ["seed", "width", "depth"])
def test_network_sweep_frames_are_the_builder_at_each_value(settings, slider):
    params = parse_params(VANISHING.schema, settings)
    values = grid(VANISHING.schema[slider], frame_count(VANISHING.frame_work, params))
    frames = VANISHING.sweep_frames(params, slider, values)
    assert len(frames) == len(values) > 1
    for value, frame in zip(values, frames, strict=True):
        assert frame == VANISHING.build(**{**params, slider: value}, sweeping=True), value


def test_a_seed_sweep_runs_its_networks_in_one_pass(monkeypatch):
    calls, many = [], calculus.network_gradients_many

    def counted(*args, **kwargs):
        calls.append(len(args[4]))
        return many(*args, **kwargs)

    def alone(*args, **kwargs):
        raise AssertionError("a seed sweep computed a network alone")

    monkeypatch.setattr(calculus, "network_gradients_many", counted)
    monkeypatch.setattr(calculus, "network_gradients", alone)
    params = parse_params(VANISHING.schema, {"mode": "network"})
    frames = vanishing.sweep_frames(params, "seed", grid(VANISHING.schema["seed"]))
    assert calls == [len(frames)] == [101]


def test_a_width_sweep_draws_its_networks_once(monkeypatch):
    def alone(*args, **kwargs):
        raise AssertionError("a width sweep drew a network alone")

    monkeypatch.setattr("chapter.calculus.depth.network_setup", alone)
    monkeypatch.setattr(calculus, "network_gradients", alone)
    params = parse_params(VANISHING.schema, {"mode": "network"})
    assert len(vanishing.sweep_frames(params, "width", grid(VANISHING.schema["width"]))) == 63


def test_a_depth_sweep_draws_the_deepest_network_once(monkeypatch):
    drawn, setup = [], calculus.network_setup

    def counted(depth, *args):
        drawn.append(depth)
        return setup(depth, *args)

    def alone(*args, **kwargs):
        raise AssertionError("a depth sweep computed a network alone")

    monkeypatch.setattr("chapter.calculus.depth.network_setup", counted)
    monkeypatch.setattr(calculus, "network_gradients", alone)
    params = parse_params(VANISHING.schema, {"mode": "network", "seed": "3"})
    assert len(vanishing.sweep_frames(params, "depth", grid(VANISHING.schema["depth"]))) == 50
    assert drawn == [50]
