"""What one sweep request can cost: a finite key space, a byte budget, a frame budget for
Figure 3's real networks and a limit on new sweeps per address."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from chapter.figures.sweep import MIN_FRAMES, drag_values, normalised, snap
from tests.apps import make_app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def _get(client, query: str):
    return client.get(f"/api/widgets/{query}", headers={"Accept-Encoding": "identity"})


def test_slider_values_are_snapped_to_the_slider_grid(app):
    client = app.test_client()
    spec = FIGURES["nudge"].schema["x"]
    assert snap(spec, 0.123456) == snap(spec, snap(spec, 0.123456))
    first = _get(client, "nudge?x=0.1234567&sweep=w")
    second = _get(client, f"nudge?x={snap(spec, 0.1234567)}&sweep=w")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    assert first.get_json()["params"]["x"] == snap(spec, 0.1234567)
    assert len(app.extensions["sweep_cache"]) == 1


def test_parameters_that_change_nothing_do_not_make_new_sweeps(app):
    client = app.test_client()
    bodies = {_get(client, f"vanishing?mode=network&width=8&depth=5&x={x}&weight={w}"
                           f"&sweep=depth").get_data()
              for x, w in [(0.31, 2.2), (-4.9, 0.05), (1.77, -3.3)]}
    assert len(bodies) == 1 and len(app.extensions["sweep_cache"]) == 1


def test_a_slider_that_does_not_apply_gives_one_frame(app):
    body = _get(app.test_client(), "vanishing?mode=network&width=4&depth=3&sweep=x").get_json()
    assert len(body["sweep"]["frames"]) == 1


def test_the_widest_deepest_network_is_swept_in_few_exact_frames(app):
    client = app.test_client()
    query = "vanishing?mode=network&width=64&depth=50&activation=sigmoid&compare=relu"
    body = _get(client, f"{query}&sweep=seed").get_json()
    frames = body["sweep"]["frames"]
    assert len(frames) == MIN_FRAMES
    last = frames[-1]
    exact = _get(client, f"{query}&seed={last['value']}").get_json()
    # each frame is still the exact figure there: its numbers, and its words about them
    assert last["values"] == drag_values(exact["values"]) and last["values"]["output"]
    assert last["summary"] == exact["summary"]


def test_the_cache_stays_within_its_byte_budget(tmp_path):
    app = make_app(tmp_path, SWEEP_CACHE_BYTES=400_000)
    client = app.test_client()
    for x in (-2, -1, 0, 1, 2, 3):
        assert _get(client, f"vanishing?x={x}&sweep=depth").status_code == 200
    cache = app.extensions["sweep_cache"]
    assert 0 < cache.size <= 400_000 and len(cache) < 6


def test_new_sweeps_are_limited_per_address_but_cached_ones_and_figures_are_not(tmp_path):
    app = make_app(tmp_path, NEW_SWEEPS_PER_MINUTE=2)
    client = app.test_client()
    assert _get(client, "nudge?sweep=x").status_code == 200
    assert _get(client, "nudge?sweep=w").status_code == 200
    refused = _get(client, "nudge?sweep=dx")
    assert refused.status_code == 429
    assert refused.get_json()["field"] == "sweep"
    assert "Too many new sweeps" in refused.get_json()["error"]
    assert _get(client, "nudge?sweep=x").status_code == 200  # cached: no new build
    assert _get(client, "nudge?x=1.5").status_code == 200  # a plain figure is never limited
    other = client.get("/api/widgets/nudge?sweep=dx", environ_base={"REMOTE_ADDR": "10.9.9.9"},
                       headers={"Accept-Encoding": "identity"})
    assert other.status_code == 200


def test_a_bad_sweep_name_counts_against_nothing(tmp_path):
    app = make_app(tmp_path, NEW_SWEEPS_PER_MINUTE=1)
    client = app.test_client()
    for _ in range(3):
        assert _get(client, "nudge?sweep=nope").status_code == 400
    assert _get(client, "nudge?sweep=x").status_code == 200


def test_a_cached_sweep_is_the_same_bytes_in_each_encoding(app):
    client = app.test_client()
    for encoding in ("br", "gzip", "identity"):
        first = client.get("/api/widgets/nudge?sweep=dx", headers={"Accept-Encoding": encoding})
        again = client.get("/api/widgets/nudge?sweep=dx", headers={"Accept-Encoding": encoding})
        assert first.get_data() == again.get_data()
        assert first.headers.get("Content-Encoding", "identity") == encoding
    assert len(app.extensions["sweep_cache"]) == 3


def test_normalised_keeps_applicable_parameters():
    figure = FIGURES["vanishing"]
    params = {k: s.default for k, s in figure.schema.items()} | {"x": 0.5, "mode": "chain"}
    assert normalised(figure.schema, params)["x"] == 0.5


def test_one_new_sweep_is_built_at_a_time_per_worker_and_others_are_told_at_once(app):
    client = app.test_client()
    assert _get(client, "nudge?sweep=x").status_code == 200  # cached from here on
    gate = app.extensions["sweep_gate"]
    assert gate.acquire(blocking=False)  # another thread of this worker is building
    try:
        busy = _get(client, "nudge?sweep=w")
        assert busy.status_code == 429 and busy.headers["Retry-After"] == "1"
        assert busy.get_json()["field"] == "sweep" and "building" in busy.get_json()["error"]
        assert _get(client, "nudge?sweep=x").status_code == 200  # a cached one still serves
        assert _get(client, "nudge?x=1.5").status_code == 200  # and plain figures
    finally:
        gate.release()
    assert _get(client, "nudge?sweep=w").status_code == 200
