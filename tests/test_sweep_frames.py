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
    room = nudge.sweep_room(params, slider, values)
    for value, frame in zip(values, frames, strict=True):
        alone = NUDGE.build(**{**params, slider: value}, sweeping=True, least=room)
        assert frame == alone, (slider, value)


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("slider", NUDGE.sliders)
def test_a_sweep_lays_every_frame_out_in_the_panels_of_the_one_needing_most(settings, slider):
    """One margin and one gap for the whole sweep: the widest that the exact figure at any
    frame's value, or at the sweep's own parameters, has. Each frame's panels then lie within
    the panels of whichever of those figures is on screen when a drag starts."""
    params = parse_params(NUDGE.schema, settings)
    values = grid(NUDGE.schema[slider])
    frames = NUDGE.sweep_frames(params, slider, values)
    panels = {_panels(frame["figure"]["layout"]) for frame in frames}
    assert len(panels) == 1
    ((left, g_domain, f_domain),) = panels
    exact = [_panels(NUDGE.build(**{**params, slider: v})["figure"]["layout"])
             for v in [*values, params[slider]]]
    assert left == max(e[0] for e in exact)
    for e_left, e_g, e_f in exact:
        assert left >= e_left and e_g[0] <= g_domain[0] and g_domain[1] <= e_g[1]
        assert e_f[0] <= f_domain[0] and f_domain[1] <= e_f[1]
    if not params["narrow"]:  # the gap: as wide as the widest any of them needs
        assert f_domain[0] - g_domain[1] >= max(e[2][0] - e[1][1] for e in exact) - 1e-12


def _panels(layout: dict) -> tuple:
    return (layout["margin"]["l"], tuple(layout["xaxis"]["domain"]),
            tuple(layout["xaxis2"]["domain"]))


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
    assert sorted(calls) == [1, 102]  # the exact figure's one setting; every frame's and it again


def test_a_one_value_sweep_is_one_frame():
    params = parse_params(NUDGE.schema, {"fn": "sin_square"})
    (frame,) = NUDGE.sweep_frames(params, "dx", [2.0])
    room = nudge.sweep_room(params, "dx", [2.0])
    assert frame == NUDGE.build(**{**params, "dx": 2.0}, sweeping=True, least=room)


def test_collection_pauses_for_a_sweeps_build_and_resumes_after(client, monkeypatch):
    seen = []

    def watched(states):
        seen.append((len(states), gc.isenabled()))
        return arrays(states)

    arrays = nudge_frames.arrays
    monkeypatch.setattr(nudge, "arrays", watched)
    assert client.get("/api/widgets/nudge?sweep=dx&x=0.3").status_code == 200
    assert seen == [(1, False), (len(grid(NUDGE.schema["dx"])) + 1, False)] and gc.isenabled()


def test_collection_resumes_after_a_build_that_fails(client, monkeypatch):
    def broken(states):
        raise RuntimeError("a build that fails")

    monkeypatch.setattr(nudge, "arrays", broken)
    try:
        status = client.get("/api/widgets/nudge?sweep=dx&x=0.7").status_code
    except RuntimeError:
        status = 500
    assert status == 500 and gc.isenabled()
