"""Figure 1's sweep in one pass: every frame's arrays computed together, and each frame still
the builder's own answer at its value, for every composition, slider and width."""

from __future__ import annotations

import gc

import pytest

from chapter.figures import FIGURES, nudge, nudge_frames
from chapter.figures.params import parse_params
from chapter.figures.sweep import grid, sweep

NUDGE = FIGURES["nudge"]
# Every composition at the defaults and at the grid's corners: saturated σ, w = 0 (a flat
# line), the largest Δx at the far left, and a phone's narrow layout.
SETTINGS = [{"fn": fn} for fn in ("sigmoid", "sin_square", "exp_square", "double_triple")] + [
    {"fn": "sigmoid", "x": "5", "w": "5", "narrow": "1"}, {"fn": "sigmoid", "w": "0"},
    {"fn": "exp_square", "x": "-5", "dx": "2", "narrow": "1"}, {"fn": "sin_square", "x": "0"},
]


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("slider", NUDGE.sliders)
def test_one_pass_frames_are_the_builder_at_each_value(settings, slider):
    params = parse_params(NUDGE.schema, settings)
    values = grid(NUDGE.schema[slider])
    frames = NUDGE.sweep_frames(params, slider, values)
    assert len(frames) == len(values)
    for value, frame in zip(values, frames, strict=True):
        alone = NUDGE.build(**{**params, slider: value}, sweeping=True)
        assert frame == alone, (slider, value)


def test_a_sweep_computes_its_frames_arrays_in_one_call(monkeypatch):
    calls = []

    def counted(states):
        calls.append(len(states))
        return arrays(states)

    arrays = nudge_frames.arrays
    monkeypatch.setattr("chapter.figures.nudge.arrays", counted)
    params = parse_params(NUDGE.schema, {})
    built = sweep(NUDGE, params, "x")
    assert len(built["frames"]) == len(grid(NUDGE.schema["x"])) == 101
    assert sorted(calls) == [1, 101]  # the exact figure's one setting, then every frame's


def test_a_one_value_sweep_is_one_frame():
    params = parse_params(NUDGE.schema, {"fn": "sin_square"})
    (frame,) = NUDGE.sweep_frames(params, "dx", [2.0])
    assert frame == NUDGE.build(**{**params, "dx": 2.0}, sweeping=True)


def test_collection_pauses_for_a_sweeps_build_and_resumes_after(client, monkeypatch):
    seen = []

    def watched(states):
        seen.append((len(states), gc.isenabled()))
        return arrays(states)

    arrays = nudge_frames.arrays
    monkeypatch.setattr(nudge, "arrays", watched)
    assert client.get("/api/widgets/nudge?sweep=dx&x=0.3").status_code == 200
    assert seen == [(1, False), (len(grid(NUDGE.schema["dx"])), False)] and gc.isenabled()


def test_collection_resumes_after_a_build_that_fails(client, monkeypatch):
    def broken(states):
        raise RuntimeError("a build that fails")

    monkeypatch.setattr(nudge, "arrays", broken)
    try:
        status = client.get("/api/widgets/nudge?sweep=dx&x=0.7").status_code
    except RuntimeError:
        status = 500
    assert status == 500 and gc.isenabled()
