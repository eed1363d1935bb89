"""A figure is its module's ``FIGURE``: the registry collects them in figure order, refuses a
definition that cannot work, and the page, the pictures and the step buttons follow what each
figure declares (its heights, whether it trains) — nothing else lists the figures."""

from __future__ import annotations

import html
import re
import types
from pathlib import Path

import pytest

from chapter.figures import FIGURES, collect, figure_params, picture, svg
from chapter.figures.figure import Figure, FigureError, Heights
from chapter.figures.params import Flag, Number
from chapter.figures.style import layout

FOLDER = Path(__file__).resolve().parents[1] / "chapter" / "figures"


def _figure(fig_id="spiral", title="Figure 4 — A spiral", traces=("scatter",), height=300,
            **extra) -> Figure:
    def build(narrow: bool = False) -> dict:
        return {"figure": {"data": [{"type": t, "x": [0, 1], "y": [0, 1]} for t in traces],
                           "layout": layout(height)}, "summary": "a spiral",
                "description": "A spiral."}
    schema = extra.pop("schema", {"narrow": Flag(False)})
    return Figure(fig_id, title, schema, build, Heights(300, 300), **extra)


def _module(name: str, figure: Figure | None = None) -> types.ModuleType:
    module = types.ModuleType(name)
    if figure is not None:
        module.FIGURE = figure
    return module


def test_the_registry_is_every_figure_module_in_figure_order():
    defining = {p.stem for p in FOLDER.glob("*.py")
                if "\nFIGURE = Figure(" in p.read_text(encoding="utf-8")}
    assert {f.build.__module__.rsplit(".", 1)[1] for f in FIGURES.values()} == defining
    assert [f.number for f in FIGURES.values()] == list(range(1, len(FIGURES) + 1))
    assert list(FIGURES)[:3] == ["nudge", "backprop", "vanishing"]
    two, one = _figure("b", "Figure 2 — B"), _figure("a", "Figure 1 — A")
    found = collect([_module("style"), _module("b", two), _module("a", one)])
    assert list(found) == ["a", "b"]  # by number, not by module name; helpers skipped


@pytest.mark.parametrize(("figures", "message"), [
    ((_figure("a", "Figure 1 — A"), _figure("b", "Figure 1 — B")), "both Figure 1"),
    ((_figure("a", "Figure 1 — A"), _figure("a", "Figure 2 — A again")), "called 'a'"),
])
def test_two_figures_with_one_number_or_one_id_stop_start_up(figures, message):
    with pytest.raises(FigureError, match=message):
        collect([_module(f"m{i}", f) for i, f in enumerate(figures)])


@pytest.mark.parametrize(("extra", "message"), [
    ({"title": "A spiral"}, "title must read 'Figure N — …'"),
    ({"main": ("radius",)}, "main names radius"),
    ({"sweep_view": "zoom"}, "sweep_view must be"),
    ({"trains": True}, "needs a whole-number 'steps'"),
    ({"trains": True, "schema": {"steps": Number(0, 9, 0, whole=True, label="Steps")}},
     "without a label"),
])
def test_a_definition_that_cannot_work_names_the_figure_and_the_reason(extra, message):
    with pytest.raises(FigureError, match=f"figure 'spiral': .*{re.escape(message)}"):
        _figure(**extra)


def test_training_is_declared_and_gives_the_step_limit():
    for name, figure in FIGURES.items():
        assert (figure_params()[name]["max_steps"] is not None) == figure.trains, name
    assert [n for n, f in FIGURES.items() if f.trains] == ["backprop"]
    assert FIGURES["backprop"].max_steps == 50


def test_each_layout_is_as_high_as_its_figure_declares():
    for figure in FIGURES.values():
        for narrow in (False, True):
            height = figure.build(narrow=narrow)["figure"]["layout"]["height"]
            assert height == figure.heights.at(narrow), (figure.id, narrow)


def test_the_page_reserves_each_figures_heights_and_shows_step_buttons_only_where_it_trains(
        client):
    page = client.get("/").get_data(as_text=True)
    for name, figure in FIGURES.items():
        block = re.search(rf'<figure class="figure" id="figure-{name}".*?</figure>', page, re.S)
        plot = re.search(rf'<div class="widget-plot" id="widget-{name}-plot" style="([^"]*)"',
                         block.group(0))
        assert plot.group(1) == (f"--plot-h-wide: {figure.heights.wide}px; "
                                 f"--plot-h-narrow: {figure.heights.narrow}px"), name
        assert ('data-action="step"' in block.group(0)) == figure.trains, name


def test_the_page_holds_room_for_every_steps_words_hidden_from_eye_and_ear(client):
    """The longest of the steps' words (and of Figure 2's bold lines) at the defaults, written
    hidden beside the ones the script fills in, so the room they take is there at first paint
    (the script holds every step's once it draws)."""
    page = client.get("/").get_data(as_text=True)
    for name, figure in FIGURES.items():
        built = figure.build()
        block = re.search(rf'<figure class="figure" id="figure-{name}".*?</figure>', page, re.S)
        for part, held in (("step", [f"Step {k + 1} of {len(built['steps'])}: {words}"
                                     for k, words in enumerate(built["steps"])]),
                           ("summary", built.get("summaries") or [])):
            cell = re.search(rf'<div class="widget-held"><p class="widget-{part}" id="widget-'
                             rf'{name}-{part}"></p><div class="widget-room" aria-hidden="true">'
                             r'(.*?)</div></div>', block.group(0), re.S)
            longest = [max(held, key=len)] if held else []
            assert html.unescape(cell.group(1)) == "".join(f"<span>{w}</span>" for w in longest)


def test_a_layout_higher_than_declared_stops_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSET_BUILD_DIR", str(tmp_path))
    with pytest.raises(FigureError, match="'spiral': its wide layout is 320 px high, its "
                                          "heights say 300"):
        picture.picture_for(_figure(height=320))


def test_the_picture_refuses_a_trace_type_it_cannot_draw_naming_the_figure(tmp_path,
                                                                           monkeypatch):
    monkeypatch.setenv("ASSET_BUILD_DIR", str(tmp_path))
    assert picture.picture_for(_figure(traces=("scatter", "bar")))["wide"]  # these it draws
    with pytest.raises(svg.UnknownTrace, match=r"^Figure 4 — A spiral: trace 1 is of type "
                                               r"'heatmap', which the picture cannot draw"):
        picture.picture_for(_figure(traces=("scatter", "heatmap")))
    with pytest.raises(svg.UnknownTrace, match="Figure 4 — A spiral: trace 0 is of type None"):
        svg.to_svg({"data": [{"x": [0], "y": [0]}], "layout": layout(300)}, 640,
                   "Figure 4 — A spiral")
