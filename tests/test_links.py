"""Linked factors: ``\\link{name}{…}`` in the maths becomes a focusable, described MathML factor."""

from __future__ import annotations

import re
import textwrap
from html import unescape

import pytest

from chapter import render
from chapter.figures import TITLES
from chapter.values import LINKS, chapter_values
from chapter.views import CONTENT_DIR, TERMS_PATH

VALUES = chapter_values()
FACTOR = re.compile(r'<mrow class="link-factor" data-link="([a-z_A-Z0-9]+)" '
                    r'data-figure="([a-z]+)" tabindex="0" aria-describedby="([a-z0-9-]+)">')


def load(tmp_path, body):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / "01-t.md").write_text("---\ntitle: T\nkind: narrative\n---\n"
                                    + textwrap.dedent(body), encoding="utf-8")
    terms = tmp_path / "terms.toml"
    terms.write_text("")
    return render.load_chapter(folder, terms, VALUES, TITLES)


@pytest.fixture(scope="module")
def chapter_html():
    return "".join(str(s.html) for s in render.load_chapter(CONTENT_DIR, TERMS_PATH, VALUES,
                                                            TITLES))


def test_a_linked_factor_is_a_focusable_mrow_described_by_its_name_and_value(tmp_path):
    [section] = load(tmp_path, r"$$\link{dL_dyhat}{\frac{\partial L}{\partial \hat y}} = 2$$")
    html = str(section.html)
    [(name, figure, note_id)] = FACTOR.findall(html)
    assert (name, figure) == ("dL_dyhat", "backprop")
    note = re.search(rf'<span class="link-note" hidden id="{note_id}">([^<]*)</span>', html)
    assert unescape(note.group(1)) == ("∂L/∂ŷ, the loss's sensitivity to the prediction, "
                                       "−0.245 at the chapter's numbers")
    # The factor wraps the fraction itself, inside the MathML.
    assert re.search(rf'aria-describedby="{note_id}"><mfrac>', html)


def test_unknown_link_names_stop_start_up_with_file_and_line(tmp_path):
    with pytest.raises(render.ContentError) as caught:
        load(tmp_path, "Fine.\n\nAnd $\\link{dL_dwhat}{x}$ here.\n")
    assert caught.value.path.endswith("01-t.md")
    assert caught.value.line == 7
    assert "unknown link \\link{dL_dwhat}" in caught.value.reason


def test_an_unclosed_link_is_reported(tmp_path):
    with pytest.raises(render.ContentError, match="never closed"):
        load(tmp_path, "$\\link{dh_dz}{\\frac{a}{b}$\n")


def test_links_do_not_change_what_a_formula_says(tmp_path):
    spoken = []
    from chapter import speech
    original = speech.speak_all
    speech.speak_all = lambda formulas, *a, **k: (spoken.extend(formulas), [""] * len(formulas))[1]
    try:
        load(tmp_path, "$$\\link{dy_dx}{\\frac{dy}{dx}} = \\link{outer_derivative}{f'(u)}"
                       "\\,\\link{inner_derivative}{g'(x)}$$\n\n"
                       "$$\\frac{dy}{dx} = f'(u)\\,g'(x)$$\n")
    finally:
        speech.speak_all = original
    assert spoken[0] == spoken[1]  # the speech engine is handed the unlinked MathML


def test_the_chapter_links_every_factor_of_the_three_formulas(chapter_html):
    found = FACTOR.findall(chapter_html)
    names = {name for name, _, _ in found}
    assert names == set(LINKS)
    for name, figure, _ in found:
        assert figure == LINKS[name].figure
    # Formal rule: f′(g(x)) and g′(x); two-layer formula and concrete pass: all four factors.
    for name in ("dL_dyhat", "dyhat_dh", "dh_dz", "dz_dw1"):
        assert sum(1 for n, _, _ in found if n == name) >= 3, name  # 05, 07's list and product


def test_every_factor_note_exists_once_and_quotes_the_chapter_number(chapter_html):
    ids = [note_id for _, _, note_id in FACTOR.findall(chapter_html)]
    assert len(ids) == len(set(ids))
    for name, _, note_id in FACTOR.findall(chapter_html):
        notes = re.findall(rf'<span class="link-note" hidden id="{note_id}">([^<]*)</span>',
                           chapter_html)
        assert len(notes) == 1, note_id
        text = unescape(notes[0])
        assert text.startswith(LINKS[name].symbol + ", ")
        assert f"{VALUES[LINKS[name].value]} at the chapter's numbers" in text


def test_the_mathml_stays_mathml(chapter_html):
    for math in re.findall(r"<math\b.*?</math>", chapter_html, re.S):
        tags = set(re.findall(r"<([a-z]+)[\s>/]", math))
        assert tags <= {"math", "mrow", "mi", "mn", "mo", "mfrac", "msub", "msup", "mover",
                        "mspace", "mtext", "munder", "msubsup", "mroot", "msqrt", "mtable",
                        "mtr", "mtd", "mstyle", "munderover"}, tags
        assert "zzlink" not in math and "zzval" not in math


def test_each_linked_figure_carries_its_formula_strip_beside_the_chart():
    # The strip sits in the figure's card before its chart, one factor per link of that figure,
    # each with the chapter's number for it, so a highlighted pair can always share a screen.
    from chapter import render
    from chapter.figures import TITLES
    from chapter.values import FORMULA_STRIPS, LINKS, chapter_values
    from chapter.views import CONTENT_DIR, TERMS_PATH
    values = chapter_values()
    html = "".join(str(s.html) for s in render.load_chapter(CONTENT_DIR, TERMS_PATH, values,
                                                            TITLES))
    for figure, (result, factors) in FORMULA_STRIPS.items():
        card = html[html.index(f'id="figure-{figure}"'):]
        card = card[:card.index("</figure>")]
        strip = card[card.index(f'data-formula-strip="{figure}"'):card.index("widget-plot")]
        linked = {name for name, link in LINKS.items() if link.figure == figure}
        assert set((result, *factors)) == linked
        for name in (result, *factors):
            assert (f'data-link="{name}" data-figure="{figure}" '
                    f'data-symbol="{LINKS[name].symbol}"') in strip
            assert f'data-readout="{name}">{values[LINKS[name].value]}<' in strip
