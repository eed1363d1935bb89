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
def test_every_frame_lies_within_the_panels_of_the_figure_a_drag_starts_from(settings, slider):
    """Each frame's panels lie within those of the exact figure at the sweep's parameters
    (on screen when a drag starts) and within the exact figure's at its own value: its left
    margin is the larger of the two, and where the figure at its value needs no less room
    than the one on screen, its panels are that figure's own."""
    params = parse_params(NUDGE.schema, settings)
    values = grid(NUDGE.schema[slider])
    frames = NUDGE.sweep_frames(params, slider, values)
    base = _panels(NUDGE.build(**params)["figure"]["layout"])
    for value, frame in zip(values, frames, strict=True):
        mine = _panels(frame["figure"]["layout"])
        exact = _panels(NUDGE.build(**{**params, slider: value})["figure"]["layout"])
        assert mine[0] == max(exact[0], base[0]), value
        assert _within(mine, base) and _within(mine, exact), (value, mine, base, exact)
        if _within(exact, base):
            assert mine == exact, value


def _within(inner: tuple, outer: tuple) -> bool:
    return inner[0] >= outer[0] and all(
        o[0] <= i[0] and i[1] <= o[1] for i, o in zip(inner[1:], outer[1:], strict=True))


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


def test_collection_resumes_with_the_sweeps_objects_already_freed(client, monkeypatch):
    # Collection off during a build counts every list and dict made and not yet freed; were
    # the answer's thousands still alive when it resumed, the next collection would walk them.
    from contextlib import contextmanager

    from chapter import api
    alive = []
    paused = api.no_collection

    @contextmanager
    def watched():
        with paused():
            yield
            alive.append(gc.get_count()[0])

    monkeypatch.setattr(api, "no_collection", watched)
    assert client.get("/api/widgets/nudge?sweep=x&x=0.2").status_code == 200
    assert len(alive) == 1 and alive[0] < 5_000, alive  # 356–1,264 here; ~9,000 if alive
