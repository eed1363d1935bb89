"""A figure's answer as bytes (chapter/figures/wire.py): the fast encoder's JSON parses to
what the standard encoder writes, for every figure and every sweep at its defaults, and a
non-finite number is refused, never sent as a null or as the invalid JSON ``NaN``."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import orjson
import pytest

from chapter.figures import FIGURES, nudge, wire

SWEEPS = [(name, slider) for name, figure in FIGURES.items() for slider in figure.sliders]


def _strict(body: bytes):
    """JSON as a browser's JSON.parse reads it: NaN and Infinity are errors."""
    def refuse(token):
        raise ValueError(f"{token} is not JSON")
    return json.loads(body, parse_constant=refuse)


def _reference(answer) -> bytes:
    """What the answer was encoded with before: the standard library, strict."""
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode()


@pytest.mark.parametrize(("name", "slider"), SWEEPS)
def test_every_default_sweep_parses_to_what_the_standard_encoder_writes(
        app, monkeypatch, name, slider):
    client, encode, used = app.test_client(), wire.encode, []
    monkeypatch.setattr(wire, "encode", lambda answer: used.append(1) or encode(answer))
    url = f"/api/widgets/{name}?sweep={slider}"
    fast = client.get(url)
    assert fast.status_code == 200 and "Content-Encoding" not in fast.headers and used
    app.extensions["sweep_cache"].__init__(app.extensions["sweep_cache"].budget)  # emptied
    monkeypatch.setattr(wire, "encode", _reference)
    reference = client.get(url)
    assert reference.status_code == 200
    assert _strict(fast.data) == json.loads(reference.data)


@pytest.mark.parametrize(("name", "slider", "state"), [
    *[(name, slider, "") for name, slider in SWEEPS],
    *[("vanishing", slider, "&mode=network") for slider in FIGURES["vanishing"].sliders],
    # Figure 1's other compositions: eˣ² and sin(x²) were the largest sweeps (up to 193 KB
    # while each frame carried its curves' 282 abscissae; now their first value and step).
    *[("nudge", slider, f"&fn={fn}") for fn in ("sin_square", "exp_square", "double_triple")
      for slider in ("x", "dx")],
    # The largest found by benchmarks/bench_sweep_bytes.py: eˣ² rising 10⁴ times off its view
    # (174 KB while each point past the view was sent), and Figure 3's deepest chains (190 KB
    # while each frame carried its gradients layer by layer).
    ("nudge", "x", "&fn=exp_square&x=3.3&w=0.1&dx=1.37&narrow=1"),
    ("nudge", "x", "&fn=sin_square&x=-2.8&w=1.8&dx=0.83"),
    ("vanishing", "weight", "&depth=50&compare=linear&weight=-0.6&x=1.6&residual=1&narrow=1"),
    ("vanishing", "seed", "&mode=network&depth=41&compare=tanh&width=13&residual=1")])
def test_each_default_sweep_and_the_largest_found_is_at_most_150_kb_of_brotli(
        client, name, slider, state):
    response = client.get(f"/api/widgets/{name}?sweep={slider}{state}",
                          headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) <= 150 * 1024, (name, slider, len(response.data))


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_alone_parses_to_what_the_standard_encoder_writes(client, name):
    response = client.get(f"/api/widgets/{name}")
    built = FIGURES[name].build(**response.get_json()["params"])
    assert _strict(response.data) == json.loads(
        _reference({**built, "params": response.get_json()["params"]}))


def test_words_stay_utf8_and_numpy_numbers_are_numbers():
    body = wire.encode({"text": "Δx = −0.5 ≈ σ(wx)", "n": np.float64(0.1), "i": np.int64(3),
                        "a": np.array([1.5, 2.0]), "gap": [1.0, None], "t": (1, 2)})
    assert "Δx = −0.5 ≈ σ(wx)".encode() in body  # not \u escapes
    assert _strict(body) == {"text": "Δx = −0.5 ≈ σ(wx)", "n": 0.1, "i": 3, "a": [1.5, 2.0],
                             "gap": [1.0, None], "t": [1, 2]}


@dataclasses.dataclass
class _Point:
    x: float
    y: float


@pytest.mark.parametrize("bad", [
    math.nan, math.inf, -math.inf, np.float64("nan"), np.float32("inf"),
    np.array([0.5, np.nan]), [1.0, None, math.nan], ["label", math.inf],
    {"layout": {"xaxis": {"range": [0.0, math.nan]}}}, (1, (2, -math.inf)),
    [{"x": [None, 1.0]}, {"y": [math.nan]}],
    {"values": {"layers": [{"g": 1.0, "w": 2.0}, {"g": 0.5, "w": -math.inf}]}},
    [{"label": "a", "n": 1}, {"label": "b", "n": math.nan}], ["a", 1.0, [None, math.nan]],
    [np.array([1.0, 2.0]), np.array([np.inf])],  # arrays in a list: no truth value to sum on
    _Point(1.0, math.nan), [_Point(0.0, 1.0), {"p": _Point(math.inf, 0.0)}],  # dataclasses
])
def test_a_non_finite_number_anywhere_is_refused_as_the_standard_encoder_refuses_it(bad):
    with pytest.raises(ValueError, match="not JSON compliant"):
        wire.encode({"figure": {"data": [{"x": [1.0, 2.0]}], "values": bad}})
    assert orjson.dumps(bad, option=wire.OPTIONS).count(b"null")  # what the check prevents


@pytest.mark.parametrize("fine", [
    [1e308, 1e308, -1e308],  # finite numbers whose sum overflows
    [None, 0.0, -0.0, 5e-324], ["", None, [], {}], np.array([1, 2]), np.float64(2.5),
])
def test_finite_numbers_whose_sum_overflows_or_that_are_falsy_are_sent(fine):
    assert _strict(wire.encode({"v": fine})) == json.loads(_reference(
        {"v": fine.tolist() if isinstance(fine, np.ndarray) else fine}))


def test_an_int_too_big_for_a_float_and_arrays_in_a_list_are_finite_not_an_error():
    assert wire.finite([2, 10**400]) is True
    assert wire.finite([np.array([1.0, 2.0]), np.array([3.0])]) is True


def test_a_non_finite_number_in_a_figure_never_reaches_the_reader(app, monkeypatch):
    values = nudge._values

    def broken(s, shrink):
        return {**values(s, shrink), "dy_dx": math.nan}

    monkeypatch.setattr(nudge, "_values", broken)
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    for url in ("/api/widgets/nudge", "/api/widgets/nudge?sweep=x&x=0.4"):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 500, url
        assert "dy_dx" not in _strict(response.data)  # the error, valid JSON, no figure
        assert len(app.extensions["sweep_cache"]) == 0  # nothing half-made is kept


def test_a_sweep_over_the_brotli_limit_at_its_quality_is_made_again_at_5(monkeypatch):
    import brotli

    from chapter import api

    body = json.dumps([[i * 0.001 + (i % 7) * 1e-9 for i in range(4000)]] * 3).encode()
    assert api._encoded(body, "br") == brotli.compress(body, quality=api.BROTLI_QUALITY)
    monkeypatch.setattr(api, "BROTLI_AT_MOST",
                        len(brotli.compress(body, quality=api.BROTLI_QUALITY)) - 1)
    assert api._encoded(body, "br") == brotli.compress(body, quality=5)
    assert brotli.decompress(api._encoded(body, "br")) == body
