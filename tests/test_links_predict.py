"""``::: predict <figure>``: an optional prediction form, rendered hidden (it needs the script)."""

from __future__ import annotations

import re

import pytest

from chapter import render
from chapter.figures import TITLES
from chapter.values import chapter_values
from chapter.views import CONTENT_DIR, TERMS_PATH


@pytest.fixture(scope="module")
def html():
    return "".join(str(s.html) for s in render.load_chapter(CONTENT_DIR, TERMS_PATH,
                                                            chapter_values(), TITLES))


def test_each_prediction_stands_before_its_figure_hidden_without_js(html):
    for name in ("backprop", "vanishing"):
        block = html.index(f'data-predict="{name}"')
        assert block < html.index(f'id="figure-{name}"')
        opening = html[html.rindex("<section", 0, block):html.index(">", block)]
        assert opening.endswith(" hidden")


def test_the_forms_ask_what_the_brief_asks_with_labels(html):
    backprop = re.search(r'data-predict="backprop".*?</section>', html, re.S).group(0)
    assert backprop.count('type="radio" name="sign"') == 2
    assert '<label for="predict-backprop-size">' in backprop
    assert 'type="number" id="predict-backprop-size"' in backprop
    vanishing = re.search(r'data-predict="vanishing".*?</section>', html, re.S).group(0)
    assert '<label for="predict-vanishing-size">' in vanishing
    assert 'role="status" aria-live="polite"' in vanishing
    assert "Your predictions so far" in vanishing and "never graded" in vanishing
    assert "action=" not in backprop + vanishing  # nothing is ever posted


def test_an_unknown_prediction_is_reported_with_its_line(tmp_path):
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "01-t.md").write_text("---\ntitle: T\nkind: narrative\n---\n\n::: predict nudge\n"
                                    "Guess.\n:::\n", encoding="utf-8")
    (tmp_path / "terms.toml").write_text("")
    with pytest.raises(render.ContentError, match="unknown prediction 'nudge'") as caught:
        render.load_chapter(folder, tmp_path / "terms.toml", chapter_values(), TITLES)
    assert caught.value.line == 6


def test_each_prediction_names_the_settings_its_prompt_asks_about(html):
    # The script compares with the figure at exactly these settings; they are the chapter's.
    from chapter.figures import FIGURES
    for name in ("backprop", "vanishing"):
        state = re.search(rf'data-predict="{name}"[^>]*data-state="([^"]+)"', html).group(1)
        pairs = dict(p.split("=") for p in state.replace("&amp;", "&").split("&"))
        for key, spec in FIGURES[name].schema.items():
            if key != "narrow":
                assert float(pairs[key]) == float(spec.default) if isinstance(
                    spec.default, (int, float)) else pairs[key] == spec.default, key
    vanishing = re.search(r'data-predict="vanishing".*?</section>', html, re.S).group(0)
    assert "1e-6" not in vanishing and "0.001" not in vanishing  # no example near the answer
