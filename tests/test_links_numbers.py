"""``::: numbers`` boxes: the worked example as MathML with placeholders, hidden until the
reader changes the figure, and starting at the chapter's numbers."""

from __future__ import annotations

import re
import textwrap

import pytest

from chapter import render
from chapter.figures import TITLES
from chapter.values import WORKED_NUMBERS, chapter_values
from chapter.views import CONTENT_DIR, TERMS_PATH

VALUES = chapter_values()


def load(tmp_path, body):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / "01-t.md").write_text("---\ntitle: T\nkind: narrative\n---\n"
                                    + textwrap.dedent(body), encoding="utf-8")
    terms = tmp_path / "terms.toml"
    terms.write_text("")
    return render.load_chapter(folder, terms, VALUES, TITLES)


@pytest.fixture(scope="module")
def boxes():
    html = "".join(str(s.html) for s in render.load_chapter(CONTENT_DIR, TERMS_PATH, VALUES,
                                                            TITLES))
    return dict(re.findall(r'<section class="your-numbers" data-your-numbers="([a-z]+)"'
                           r'(.*?)</section>', html, re.S))


def test_the_chapter_has_a_box_beside_each_worked_example_hidden_until_needed(boxes):
    assert set(boxes) == {"nudge", "backprop"}
    for box in boxes.values():
        opening = box[:box.index(">")]
        assert opening.endswith(" hidden")  # with JS off, the chapter's numbers stand
        assert 'data-role="reset"' in box


@pytest.mark.parametrize("figure", ["nudge", "backprop"])
def test_each_placeholder_is_an_mn_that_starts_at_the_chapters_number(boxes, figure):
    tokens = re.findall(r'<mn data-(value|param)="([A-Za-z0-9_]+)">([^<]*)</mn>', boxes[figure])
    assert len(tokens) >= 8
    for _, name, text in tokens:
        assert text == VALUES[WORKED_NUMBERS[figure][name]], name
    if figure == "backprop":
        assert ("value", "dL_dw1", VALUES["bp_dL_dw1"]) in tokens
        assert VALUES["bp_dL_dw1"].startswith("−")  # a real minus sign, in one <mn>


def test_placeholders_belong_inside_a_numbers_block(tmp_path):
    with pytest.raises(render.ContentError, match=r"belongs inside a ::: numbers block") as caught:
        load(tmp_path, "\n$x = \\val{dL_dw1}$\n")
    assert caught.value.line == 6


def test_an_unknown_placeholder_or_figure_is_reported(tmp_path):
    with pytest.raises(render.ContentError, match=r"unknown \\val\{dL_dw9\}"):
        load(tmp_path, "::: numbers backprop\n$\\val{dL_dw9}$\n:::\n")
    with pytest.raises(render.ContentError, match="::: numbers needs a figure"):
        load(tmp_path, "::: numbers vanishing\n$x$\n:::\n")


def test_the_nudge_box_follows_only_the_sigmoid_neuron(boxes):
    assert 'data-when="fn=sigmoid"' in boxes["nudge"][:200]
    assert 'data-role="elsewhere" hidden' in boxes["nudge"]
