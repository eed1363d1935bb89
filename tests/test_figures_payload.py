"""Every figure's answer is what the API's description says it is: validated against the very
schema ``/api/openapi.json`` serves (generated from ``chapter/figures/payload.py``) for every
registered figure — at its defaults, with each parameter at its ends and options, and with a
sweep of each of its sliders — and an answer that strays from it is refused."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from chapter.figures import FIGURES, payload
from tests.apps import make_app
from tests.figure_settings import query, settings

CASES = [(name, "") for name in FIGURES] + [
    (name, query(values)) for name, figure in FIGURES.items() for values in settings(figure)]
SWEEPS = [(name, slider) for name, figure in FIGURES.items() for slider in figure.sliders]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("payload")).test_client()


@pytest.fixture(scope="module")
def widget(client):
    """A validator of the document's ``Widget`` schema, as a client would build one."""
    document = client.get("/api/openapi.json").get_json()
    schema = {"$ref": "#/components/schemas/Widget", "components": document["components"]}
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator, answer) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(answer)]


@pytest.mark.parametrize(("name", "values"), CASES)
def test_each_answer_is_the_described_widget(client, widget, name, values):
    response = client.get(f"/api/widgets/{name}?{values}")
    assert response.status_code == 200, response.get_json()
    assert errors(widget, response.get_json()) == []


@pytest.mark.parametrize(("name", "slider"), SWEEPS)
def test_each_sweep_is_the_described_widget(client, widget, name, slider):
    when = FIGURES[name].schema[slider].when  # sweep it where it applies
    state = f"&{when[0]}={when[1][0]}" if when else ""
    body = client.get(f"/api/widgets/{name}?sweep={slider}{state}").get_json()
    assert body["sweep"]["param"] == slider and len(body["sweep"]["frames"]) > 1
    assert errors(widget, body) == []


@pytest.fixture(scope="module")
def answer(client):
    return client.get("/api/widgets/nudge?sweep=x").get_json()


@pytest.mark.parametrize(("change", "where"), [
    (lambda a: a.pop("summary"), "'summary' is a required property"),
    (lambda a: a["figure"].pop("layout"), "'layout' is a required property"),
    (lambda a: a["figure"].pop("frames"), "'frames' is a required property"),
    (lambda a: a.update(description=3), "description: 3 is not of type 'string'"),
    (lambda a: a.update(steps="one"), "steps: 'one' is not of type 'array'"),
    (lambda a: a["table"]["rows"][0].append(1.5), "1.5 is not of type 'string'"),
    (lambda a: a.update(colours={}), "('colours' was unexpected)"),
    (lambda a: a["figure"]["data"][0].update(type="pie"), "'pie' is not one of"),
    (lambda a: a["figure"]["data"][0].pop("type"), "'type' is a required property"),
    (lambda a: a["figure"]["layout"].update(height="640px"), "'640px' is not of type"),
    (lambda a: a["sweep"].pop("hold"), "'hold' is a required property"),
    (lambda a: a["sweep"]["frames"][3].update(value="x"), "'x' is not of type 'number'"),
    (lambda a: a["sweep"]["axes"].update(xaxis={"range": ["a"]}), "'a' is not of type"),
], ids=["no summary", "no layout", "no step frames", "description a number", "steps a string",
        "a number in the table", "an undeclared key", "a trace type none can draw",
        "a trace without a type", "a height in text", "a sweep without hold",
        "a frame's value a string", "a held range of text"])
def test_an_answer_that_strays_from_the_type_is_refused(widget, answer, change, where):
    assert errors(widget, answer) == []
    strayed = copy.deepcopy(answer)
    change(strayed)
    found = errors(widget, strayed)
    assert any(where in e for e in found), found


def test_the_document_serves_the_schemas_generated_from_the_type(client):
    document = client.get("/api/openapi.json").get_json()
    served, generated = document["components"]["schemas"], payload.components()
    assert {k: served[k] for k in generated} == generated
    assert served["WidgetTrace"]["properties"]["type"]["enum"] == list(payload.TRACE_TYPES)
    for name in FIGURES:
        ok = document["paths"][f"/api/widgets/{name}"]["get"]["responses"]["200"]
        assert ok["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Widget"}
