"""The widget endpoints as a client sees them: the contract, bad input, and plotly.js delivery."""

from __future__ import annotations

import gzip
import math
import re

import brotli
import pytest

from chapter import calculus
from chapter.figures import FIGURES
from web import assets


def get(client, path):
    response = client.get(path)
    return response, response.get_json(silent=True)


# --- the contract -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIGURES)
def test_each_widget_answers_with_figure_values_and_description(client, name):
    response, body = get(client, f"/api/widgets/{name}")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert {"figure", "values", "description"} <= set(body)
    assert {"data", "layout", "frames"} <= set(body["figure"])
    assert body["figure"]["data"] and body["description"]


def test_nudge_defaults_are_the_worked_neuron(client):
    values = get(client, "/api/widgets/nudge")[1]["values"]
    assert (values["fn"], values["x"], values["w"]) == ("sigmoid", 1.0, 2.0)
    assert values["u"] == 2.0
    assert round(values["y"], 3) == 0.881
    assert values["inner_derivative"] == 2.0
    assert round(values["outer_derivative"], 3) == 0.105
    assert round(values["dy_dx"], 3) == 0.210


@pytest.mark.parametrize(("query", "u", "inner", "outer"), [
    ("fn=sigmoid&x=-1.5&w=3", -4.5, 3.0, float(calculus.sigmoid_prime(-4.5))),
    ("fn=sin_square&x=1.5", 2.25, 3.0, math.cos(2.25)),
    ("fn=exp_square&x=2", 4.0, 4.0, math.exp(4.0)),
    ("fn=double_triple&x=0.7", 1.4, 2.0, 3.0),
])
def test_nudge_values_follow_the_chosen_composition(client, query, u, inner, outer):
    values = get(client, f"/api/widgets/nudge?{query}")[1]["values"]
    assert values["u"] == pytest.approx(u)
    assert values["inner_derivative"] == pytest.approx(inner)
    assert values["outer_derivative"] == pytest.approx(outer)
    assert values["dy_dx"] == pytest.approx(inner * outer)


def test_backprop_defaults_are_the_chapters_numbers(client):
    values = get(client, "/api/widgets/backprop")[1]["values"]
    expected = calculus.backward(2.0, 0.5, 1.2, 1.0).as_dict()
    for key in ("z", "h", "y_hat", "loss", "dL_dyhat", "dyhat_dh", "dh_dz", "dz_dw1",
                "dL_dw1", "dL_dw2"):
        assert values[key] == pytest.approx(expected[key])
    assert round(values["dL_dw1"], 3) == -0.116


def test_backprop_values_stay_those_of_the_given_weights_while_training(client):
    values = get(client, "/api/widgets/backprop?w1=-1&w2=2&steps=4&eta=0.3")[1]["values"]
    assert values["dL_dw1"] == pytest.approx(calculus.backward(2.0, -1.0, 2.0, 1.0).dL_dw1)
    assert [t["step"] for t in values["training"]] == [0, 1, 2, 3, 4]
    assert values["training"][-1]["loss"] < values["training"][0]["loss"]


def test_vanishing_layers_are_listed_first_layer_first(client):
    body = get(client, "/api/widgets/vanishing?depth=4&activation=linear&weight=0.5&x=2")[1]
    layers = body["values"]["layers"]
    assert [layer["gradient"] for layer in layers] == pytest.approx([0.0625, 0.125, 0.25, 0.5])
    assert all(layer["local_derivative"] == 0.5 for layer in layers)
    # ∂a₄/∂w₁ = (∂a₄/∂a₁)·a₀ = 0.125 · 2
    assert layers[0]["weight_gradient"] == pytest.approx(0.25)


def test_vanishing_residual_and_relu_at_zero(client):
    body = get(client, "/api/widgets/vanishing?depth=3&activation=relu&x=0&residual=1")[1]
    assert [layer["local_derivative"] for layer in body["values"]["layers"]] == [1.0] * 3
    body = get(client, "/api/widgets/vanishing?depth=1&activation=relu&x=0&residual=0")[1]
    assert body["values"]["layers"][0]["local_derivative"] == 0.0  # ReLU′(0) = 0


def test_vanishing_network_mode_adds_norms_and_keeps_the_scalar_layers(client):
    body = get(client, "/api/widgets/vanishing?mode=network&width=8&depth=6&init=xavier")[1]
    assert len(body["values"]["layers"]) == 6
    norms = body["values"]["network"]["layers"]
    assert set(norms) == {"sigmoid", "relu"} and len(norms["sigmoid"]) == 6
    assert "width 8" in body["description"]


def test_missing_parameters_take_defaults_and_extra_ones_are_ignored(client):
    plain = get(client, "/api/widgets/backprop")[1]["values"]
    extra = get(client, "/api/widgets/backprop?cachebust=7")[1]["values"]
    assert plain == extra


# --- bad input --------------------------------------------------------------------------------

BAD = [
    ("nudge", "x=abc", "x", "must be a number from -5 to 5"),
    ("nudge", "x=nan", "x", "finite"),
    ("nudge", "w=inf", "w", "finite"),
    ("nudge", "x=-Infinity", "x", "finite"),
    ("nudge", "x=5.01", "x", "out of range"),
    ("nudge", "x=", "x", "present but empty"),
    ("nudge", "fn=cube", "fn", "one of sigmoid, sin_square, exp_square, double_triple"),
    ("nudge", "dx=0", "dx", "from 0.01 to 2"),
    ("backprop", "w1=6", "w1", "from -5 to 5"),
    ("backprop", "w2=1e400", "w2", "finite"),
    ("backprop", "target=%20", "target", "present but empty"),
    ("backprop", "steps=2.5", "steps", "whole number"),
    ("backprop", "eta=-1", "eta", "from 0.01 to 2"),
    ("vanishing", "depth=0", "depth", "whole number from 1 to 50"),
    ("vanishing", "depth=51", "depth", "out of range"),
    ("vanishing", "depth=3.5", "depth", "whole number"),
    ("vanishing", "activation=softmax", "activation", "one of sigmoid, tanh, relu, linear"),
    ("vanishing", "residual=yes", "residual", "0 (off) or 1 (on)"),
    ("vanishing", "weight=-5.5", "weight", "out of range"),
    ("vanishing", "mode=deep", "mode", "one of chain, network"),
    ("vanishing", "width=1000", "width", "from 2 to 64"),
    ("vanishing", "init=zeros", "init", "one of"),
]


@pytest.mark.parametrize(("name", "query", "field", "message"), BAD)
def test_bad_parameters_get_a_400_naming_the_field_and_what_is_allowed(
        client, name, query, field, message):
    response, body = get(client, f"/api/widgets/{name}?{query}")
    assert response.status_code == 400
    assert body["field"] == field
    assert message in body["error"]
    assert body["error"].startswith(field)


def test_unknown_widget_is_a_404_listing_the_widgets(client):
    response, body = get(client, "/api/widgets/spiral")
    assert response.status_code == 404
    assert ", ".join(FIGURES) in body["error"]  # every figure, in figure order


@pytest.mark.parametrize("query", [
    "depth=50&activation=sigmoid&compare=relu&weight=5&x=5&residual=1",
    "depth=50&activation=linear&compare=tanh&weight=-5&x=-5&residual=1",
    "depth=50&activation=relu&weight=5&x=5&residual=1&mode=network&width=64&init=he",
    "depth=50&activation=linear&weight=5&residual=1&mode=network&width=64&init=he",
])
def test_the_largest_settings_still_give_finite_json(client, query):
    response = client.get(f"/api/widgets/vanishing?{query}")
    assert response.status_code == 200
    assert b"NaN" not in response.data and b"Infinity" not in response.data


# --- plotly.js --------------------------------------------------------------------------------


def plotly_url(client) -> str:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r'"plotly": ?"(/vendor/plotly-[0-9a-f]{16}\.min\.js)"', page)
    assert match, "the page names the plotly.js it will load"
    return match.group(1)


@pytest.mark.parametrize(("accept", "encoding"), [
    ("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip;q=0.5", "gzip"),
    ("", None), ("identity", None),
])
def test_plotly_is_served_precompressed_by_accept_encoding(client, accept, encoding):
    response = client.get(plotly_url(client), headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "javascript" in response.mimetype
    raw = assets.PLOTLY_JS.read_bytes()
    body = response.get_data()
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[encoding](body)
    assert decoded == raw
    if encoding:
        assert len(body) < len(raw) / 3


def test_plotly_answers_a_revalidation_with_304(client):
    url = plotly_url(client)
    first = client.get(url, headers={"Accept-Encoding": "br"})
    again = client.get(url, headers={"Accept-Encoding": "br",
                                     "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_plotly_under_a_stale_hash_is_not_found(client):
    assert client.get("/vendor/plotly-0000000000000000.min.js").status_code == 404


def test_compressed_plotly_is_reused_from_disk_not_compressed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "_memory", {})
    first = assets.Vendor("plotly", assets.PLOTLY_JS, tmp_path)
    body = first.prepared().bodies["gzip"]
    assert (tmp_path / f"plotly-{first.digest}.js.gz").read_bytes() == body
    monkeypatch.setattr(assets, "_memory", {})  # as if in a new process
    second = assets.Vendor("plotly", assets.PLOTLY_JS, tmp_path)
    monkeypatch.setattr(assets, "_compress", lambda *a: pytest.fail("compressed again"))
    assert second.prepared().bodies["gzip"] == body
