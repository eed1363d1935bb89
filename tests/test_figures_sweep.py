"""Sweeps: frames along one slider, built by the figure's own builder, compact."""

from __future__ import annotations

import json

import brotli
import pytest

from chapter.figures import FIGURES
from chapter.figures.params import parse_params
from chapter.figures.sweep import MAX_FRAMES, grid


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
    base = FIGURES["nudge"].build(**parse_params(FIGURES["nudge"].schema, {"x": "1"}))
    exact = FIGURES["nudge"].build(**parse_params(FIGURES["nudge"].schema, {"x": "2.5"}))
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
