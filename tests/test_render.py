"""The renderer: maths to MathML, values and terms in place, and loud failures for bad content."""

from __future__ import annotations

import textwrap

import pytest

from chapter import render
from chapter.values import chapter_values

FIGS = {"nudge": "Figure 1"}


def write(tmp_path, name, text):
    folder = tmp_path / "content"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


@pytest.fixture
def terms(tmp_path):
    path = tmp_path / "terms.toml"
    path.write_text('[[term]]\nid = "chain-rule"\nname = "Chain rule"\n'
                    'aliases = ["the chain rule"]\ndefinition = "Multiply $f\'(u)$ by $g\'(x)$."\n')
    return path


def load(tmp_path, terms, body, front="title: T\nkind: narrative"):
    folder = write(tmp_path, "01-t.md", f"---\n{front}\n---\n{body}")
    return render.load_chapter(folder, terms, {"answer": "0.210"}, FIGS)


def test_inline_and_display_maths_become_mathml(tmp_path, terms):
    [section] = load(tmp_path, terms, "Inline $x^2$ here.\n\n$$\\frac{dy}{dx}$$\n")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in section.html
    assert 'display="block"' in section.html
    assert "$" not in section.html and "\\frac" not in section.html


def test_display_maths_scrolls_in_a_focusable_labelled_container(tmp_path, terms):
    [section] = load(tmp_path, terms, "$$a + b$$\n")
    container = '<div class="math-display" tabindex="0" role="group" aria-label="Formula 1">'
    assert container in section.html


def test_escaped_dollar_stays_a_dollar_sign(tmp_path, terms):
    [section] = load(tmp_path, terms, "It costs \\$5 and $x$ is maths.\n")
    assert "It costs $5" in section.html
    assert section.html.count("<math") == 1


def test_prime_is_an_operator_after_the_letter_not_a_superscript(tmp_path, terms):
    [section] = load(tmp_path, terms, "$f'(u)$\n")
    assert "<msup>" not in section.html
    assert "<mi>f</mi><mo>&#x02032;</mo>" in section.html


def test_values_are_substituted(tmp_path, terms):
    [section] = load(tmp_path, terms, "dy/dx is {=answer=}.\n")
    assert "dy/dx is 0.210." in section.html


def test_term_opens_in_place_with_its_definition(tmp_path, terms):
    [section] = load(tmp_path, terms, "Use [[the chain rule]] here.\n")
    assert 'class="term-trigger" aria-describedby="term-chain-rule-1"' in section.html
    assert 'role="tooltip" id="term-chain-rule-1"' in section.html
    assert "Multiply" in section.html


# The body starts on line 5, after four lines of front matter.
@pytest.mark.parametrize(("body", "line", "reason"), [
    ("Fine.\n\n::: callout shout\nHey\n:::\n", 7, "unknown callout kind 'shout'"),
    ("::: figure nope\nA\n+++\nB\n:::\n", 5, "unknown figure id 'nope'"),
    ("Line\n::: sparkle\n:::\n", 6, "unknown block kind ::: sparkle"),
    ("\n\nSee {=missing=}.\n", 7, "unknown value {=missing=}"),
    ("A [[flux capacitor]] b\n", 5, "unknown key term [[flux capacitor]]"),
    ("Open $x + 1\n", 5, "unclosed $"),
    ("::: callout insight\nnever closed\n", 5, "::: callout block is never closed"),
])
def test_bad_content_names_file_line_and_reason(tmp_path, terms, body, line, reason):
    with pytest.raises(render.ContentError) as caught:
        load(tmp_path, terms, body)
    assert caught.value.path.endswith("01-t.md")
    assert caught.value.line == line
    assert reason in caught.value.reason


@pytest.mark.parametrize(("front", "reason"), [
    ("title: T\nkind: novel", "unknown section kind 'novel'"),
    ("kind: narrative", "needs a non-empty 'title'"),
    ("title: [unclosed\nkind: narrative", "not valid YAML"),
    ("title: T\nkind: narrative\ncolour: red", "unknown front matter key(s): colour"),
])
def test_bad_front_matter_is_reported(tmp_path, terms, front, reason):
    with pytest.raises(render.ContentError) as caught:
        load(tmp_path, terms, "Body\n", front=front)
    assert reason in str(caught.value)
    assert "01-t.md:" in str(caught.value)


def test_the_real_chapter_renders_with_no_tex_or_placeholders_left():
    from chapter.figures import TITLES as FIGURES
    from chapter.views import CONTENT_DIR, TERMS_PATH

    sections = render.load_chapter(CONTENT_DIR, TERMS_PATH, chapter_values(), FIGURES)
    html = "".join(s.html for s in sections)
    for leftover in ("$", "{=", "=}", "[[", "\\frac", "\\partial", "zzstash", ":::"):
        assert leftover not in html, leftover


def test_a_callout_topic_names_it_apart_from_others_of_its_kind(tmp_path, terms):
    body = ("::: callout mistake\nOne.\n:::\n\n"
            "::: callout mistake derivatives are not fractions\nTwo.\n:::\n")
    [section] = load(tmp_path, terms, body)
    labels = [part.split('"')[0] for part in section.html.split('aria-label="')[1:]]
    assert labels == ["Common mistake", "Common mistake: derivatives are not fractions"]
    assert "<span>Common mistake: derivatives are not fractions</span>" in section.html
