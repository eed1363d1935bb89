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
from chapter.figures import page as page_module
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


def _words(payloads) -> tuple[list[str], list[str]]:
    steps, summaries = [], []
    for built in payloads:
        words = built.get("steps") or []
        steps += [f"Step {k + 1} of {len(words)}: {w}" for k, w in enumerate(words)]
        summaries += built.get("summaries") or []
    return steps, summaries


def test_the_page_holds_room_for_every_steps_words_hidden_from_eye_and_ear(client):
    """The longest of the steps' words (and of Figure 2's bold lines) at the defaults, and
    beside it, marked as reached, the longest the figure answers at its presets and every
    frame of a drag on each slider from there where that is longer, written hidden beside the
    ones the script fills in, so the room they take is there at first paint (the script holds
    every step's beside them once it draws)."""
    page = client.get("/").get_data(as_text=True)
    for name, figure in FIGURES.items():
        near = _words([figure.build()])
        far = _words(page_module.reachable(figure))
        block = re.search(rf'<figure class="figure" id="figure-{name}".*?</figure>', page, re.S)
        for part, held, reached in (("step", near[0], far[0]), ("summary", near[1], far[1])):
            cell = re.search(rf'<div class="widget-held"><p class="widget-{part}" id="widget-'
                             rf'{name}-{part}"></p><div class="widget-room" aria-hidden="true">'
                             r'(.*?)</div></div>', block.group(0), re.S)
            longest = [f"<span>{max(held, key=len)}</span>"] if held else []
            if reached and len(max(reached, key=len)) > len(max(held, key=len, default="")):
                longest.append(f'<span class="widget-reached">{max(reached, key=len)}</span>')
            assert html.unescape(cell.group(1)) == "".join(longest), (name, part)


def test_the_room_held_for_figure_2_holds_a_saturated_units_note():
    """W₁ dragged to its end saturates the hidden unit; the page holds room for the step
    that says so from the first paint (not only for the defaults' words), so the drag into
    it moves nothing below."""
    figure = FIGURES["backprop"]
    saturated = figure.build(w1=figure.schema["w1"].low)["steps"]
    note = next(words for words in saturated if "saturated" in words)
    held = page_module.held_words(figure.build(), page_module.reachable(figure))["step"]
    (near, _), (far, reached) = held
    assert "saturated" not in near and reached, held
    assert "saturated" in far and len(far) >= len(note), held


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
