"""Sweeps: frames along one slider, built by the figure's own builder, compact."""

from __future__ import annotations

import json

import brotli
import pytest

from chapter.figures import FIGURES, nudge
from chapter.figures.params import parse_params
from chapter.figures.sweep import MAX_FRAMES, drag_values, grid


def _sweep(client, query: str) -> dict:
    response = client.get(f"/api/widgets/{query}", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    return json.loads(brotli.decompress(response.get_data()))


def test_a_sweep_frame_is_the_exact_figure_at_its_value(client):
    body = _sweep(client, "nudge?x=1&sweep=x")
    sweep = body["sweep"]
    assert sweep["param"] == "x" and len(sweep["values"]) == len(sweep["frames"]) <= MAX_FRAMES
    assert sweep["values"][0] == -5 and sweep["values"][-1] == 5
    i = sweep["values"].index(2.5)
    frame = sweep["frames"][i]
    params = parse_params(FIGURES["nudge"].schema, {"x": "1"})
    base = FIGURES["nudge"].build(**params)
    # in the sweep's one set of panels (nudge.sweep_frames), the figure built alone at 2.5
    room = nudge.sweep_room(params, "x", sweep["values"])
    exact = FIGURES["nudge"].build(**{**params, "x": 2.5}, least=room)
    merged = [dict(b, **d) if d else b for b, d in zip(base["figure"]["data"], frame["data"],
                                                       strict=True)]
    assert merged == exact["figure"]["data"]
    assert {**base["figure"]["layout"], **frame["layout"]} == exact["figure"]["layout"]
    assert frame["values"]["dy_dx"] == pytest.approx(exact["values"]["dy_dx"])
    # Compact: an unchanged trace is null, a changed one carries only what changed.
    assert any(d is None for d in frame["data"]) or all("type" not in d for d in frame["data"])


def test_whole_number_sliders_sweep_every_value():
    assert grid(FIGURES["vanishing"].schema["depth"]) == list(range(1, 51))


@pytest.mark.parametrize("query", ["nudge?sweep=fn", "nudge?sweep=nope", "backprop?sweep=steps"])
def test_a_sweep_of_something_that_is_not_a_slider_is_a_400_naming_sweep(client, query):
    response = client.get(f"/api/widgets/{query}")
    assert response.status_code == 400
    assert response.get_json()["field"] == "sweep"


@pytest.mark.parametrize(("query", "hold"), [
    ("nudge?sweep=x", False), ("nudge?sweep=w", False), ("nudge?fn=exp_square&sweep=dx", False),
    ("vanishing?sweep=depth", True), ("vanishing?mode=network&sweep=width", True),
])
def test_the_held_axes_are_the_smallest_ranges_holding_every_frame(client, query, hold):
    name = query.split("?")[0]
    body = _sweep(client, query)
    sweep = body["sweep"]
    assert sweep["hold"] is hold  # the figure's choice for a drag (Figure 3 holds, 1 follows)
    base = body["figure"]["layout"]
    moving = {k for f in sweep["frames"] for k in f["layout"] if k[1:5] == "axis"}
    assert set(sweep["axes"]) == moving and moving, name
    for key, held in sweep["axes"].items():
        ranges = [base[key]["range"]] + [f["layout"].get(key, base[key])["range"]
                                         for f in sweep["frames"]]
        assert held["range"] == [min(r[0] for r in ranges), max(r[1] for r in ranges)]


# Every frame of every figure's sweeps, at the defaults and at other settings, against the
# builder called alone at that frame's value.
SETTINGS = {
    "nudge": [{}, {"fn": "exp_square", "x": "-2.3", "dx": "1.7"}, {"x": "4", "w": "-3.1"}],
    "backprop": [{}, {"x": "-1.5", "w1": "2.2", "eta": "1.3"}, {"steps": "7"}],
    "vanishing": [{}, {"activation": "sigmoid", "weight": "2.5", "depth": "33"},
                  {"mode": "network", "width": "9", "depth": "4", "seed": "41"}],
}
CASES = [(name, slider, settings) for name, figure in FIGURES.items()
         for settings in SETTINGS[name] for slider in figure.sliders]


def _merged(base: dict, frame: dict) -> tuple[list, dict]:
    """A frame onto the exact figure, as the script merges it: one entry per trace of the
    frame's own figure (a trace the base lacks comes whole)."""
    old, whole = base["data"], set(frame["whole"])
    data = [d if i in whole else dict(old[i], **d) if d else old[i]
            for i, d in enumerate(frame["data"])]
    layout = {k: v for k, v in base["layout"].items() if k not in frame["unset"]}
    return data, {**layout, **frame["layout"]}


@pytest.mark.parametrize(("name", "slider", "settings"), CASES)
def test_every_sweep_frame_is_the_builder_alone_at_its_value(client, name, slider, settings):
    figure = FIGURES[name]
    query = "&".join(f"{k}={v}" for k, v in settings.items())
    body = _sweep(client, f"{name}?{query}&sweep={slider}")
    sweep, drawn = body["sweep"], body["params"]
    assert sweep["values"] == [f["value"] for f in sweep["frames"]]
    assert len(sweep["frames"]) >= 1
    # Figure 1 lays a sweep's frames out in one set of panels (nudge.sweep_frames)
    room = ({"least": nudge.sweep_room(drawn, slider, sweep["values"])} if name == "nudge"
            else {})
    for frame in sweep["frames"]:
        exact = figure.build(**{**drawn, slider: frame["value"]}, **room)
        data, layout = _merged(body["figure"], frame)
        assert data == exact["figure"]["data"], (slider, frame["value"])
        assert layout == exact["figure"]["layout"], (slider, frame["value"])
        assert frame["values"] == drag_values(exact["values"])
        assert frame["summary"] == exact["summary"]


@pytest.mark.parametrize(("name", "slider"), [(n, s) for n, f in FIGURES.items()
                                              for s in f.sliders])
def test_a_slider_with_no_more_steps_than_frames_has_a_frame_at_every_step(name, slider):
    """The slider and its sweep agree: where the slider has at most MAX_FRAMES positions,
    each is a frame; a finer one (Δx, η, a seed) moves in the frames' steps while dragged."""
    spec = FIGURES[name].schema[slider]
    step = spec.step or (1 if spec.whole else (spec.high - spec.low) / 100)
    positions = round((spec.high - spec.low) / step) + 1
    values = grid(spec)
    assert values[0] == spec.low and values[-1] == spec.high
    if positions <= MAX_FRAMES:
        assert len(values) == positions
    else:
        assert len(values) == MAX_FRAMES


def test_unit_sliders_move_in_tenths_so_every_position_is_a_frame():
    for name, slider in [("nudge", "x"), ("nudge", "w"), ("backprop", "w1"),
                         ("backprop", "w2"), ("vanishing", "weight")]:
        assert len(grid(FIGURES[name].schema[slider])) == 101, (name, slider)
