"""Figure 1's sweep in one pass: every frame's arrays computed together, and each frame still
the builder's own answer at its value, for every composition, slider and width."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES, nudge_frames
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
