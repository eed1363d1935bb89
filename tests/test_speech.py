"""Every display formula can be heard: a speech text made at start-up, tied to its formula."""

from __future__ import annotations

import json
import os
import re
from html import unescape
from pathlib import Path

import pytest

from chapter import speech
from chapter.views import CONTENT_DIR, TERMS_PATH, chapter_sections

SNAPSHOT = Path(__file__).with_name("snapshots") / "speech.json"
SPOKEN = {"σ": "sigma", "η": "eta", "φ": "phi", "ε": "epsilon", "δ": "delta", "Δ": "delta",
          "ŷ": "y hat", "sin": "sine", "cos": "cosine", "tanh": "hyperbolic tangent",
          "exp": "exponential"}
BLOCK = re.compile(r'<div class="math-block">(.*?)</div>\s*(?:<details class="math-speech">'
                   r"<summary>.*?</summary><p>(.*?)</p></details>)?</div>", re.S)


def formulas() -> list[tuple[str, str | None]]:
    html = "".join(str(s.html) for s in chapter_sections(CONTENT_DIR, TERMS_PATH))
    return [(m.group(1), m.group(2) and unescape(m.group(2))) for m in BLOCK.finditer(html)]


def identifiers(mathml: str) -> set[str]:
    names = {unescape(t) for t in re.findall(r"<mi[^>]*>([^<]+)</mi>", mathml)}
    if re.search(r"<mover[^>]*><mi>y</mi><mo>&#x002C6;</mo></mover>", mathml):
        names.add("ŷ")
    return {n for n in names if any(c.isalpha() for c in n) and n != "d"}


engine = pytest.mark.skipif(not speech._engine_available() and not os.environ.get("CI"),
                            reason="speech-rule-engine is installed by the setup's npm step")


def test_every_display_formula_has_a_speech_text():
    found = formulas()
    assert len(found) >= 10
    assert all(text for _, text in found), [m[:80] for m, text in found if not text]


@engine
def test_each_speech_text_mentions_every_identifier_of_its_formula():
    for mathml, text in formulas():
        said = text.lower()
        for name in identifiers(mathml):
            word = SPOKEN.get(name, name).lower()
            assert re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", said), (name, text)


@engine
def test_the_speech_comes_from_the_engine_and_matches_the_snapshot():
    found = formulas()
    assert all(text != speech.plain_reading(m) for m, text in found)
    spoken = {re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", m))).strip(): text
              for m, text in found}
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(spoken, indent=1, ensure_ascii=False) + "\n")
    assert spoken == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


FRACTION = ("the fraction with numerator partial differential {} and denominator partial "
            "differential {}")
# Every display formula of the chapter, read as a mathematician reads it aloud: a function
# applied to its argument is "of" (f prime of g of x: the outer derivative *at* g(x)), two
# factors side by side are "times". Keyed by the formula's symbols.
EXPECTED = {
    "d y d x = f ′ ( u ) g ′ ( x ) ≈ 0.105 × 2 ≈ 0.210 .":
        "d y over d x equals f prime of u times g prime of x almost equals 0.105 times 2 "
        "almost equals 0.210 period",
    "d y d w = σ ′ ( w x ) · x ≈ 0.105 × 1 ≈ 0.105 .":
        "d y over d w equals sigma prime of w x times x almost equals 0.105 times 1 almost "
        "equals 0.105 period",
    "d y d x = f ′ ( g ( x ) ) g ′ ( x ) ,":
        "d y over d x equals f prime of g of x times g prime of x comma",
    "d y d x = d y d u · d u d x .": "d y over d x equals d y over d u times d u over d x period",
    "d d x sin ( x 2 ) = cos ( x 2 ) · 2 x .":
        "d over d x the sine of open paren x squared close paren equals the cosine of open "
        "paren x squared close paren times 2 x period",
    "z = W 1 x , h = σ ( z ) , y ˆ = W 2 h = W 2 σ ( W 1 x ) .":
        "z equals W sub 1 x comma h equals sigma of z comma y hat equals W sub 2 times h "
        "equals W sub 2 sigma of open paren W sub 1 x close paren period",
    "∂ L ∂ W 1 = ∂ L ∂ y ˆ · ∂ y ˆ ∂ h · ∂ h ∂ z · ∂ z ∂ W 1 .":
        FRACTION.format("L", "W sub 1") + " equals " + " times ".join(
            FRACTION.format(a, b) for a, b in (("L", "y hat"), ("y hat", "h"), ("h", "z"),
                                               ("z", "W sub 1"))) + " period",
    "d y d x = ∂ y ∂ a d a d x + ∂ y ∂ b d b d x = 42 + 18 = 60 ,":
        "d y over d x equals " + FRACTION.format("y", "a") + " times d a over d x plus "
        + FRACTION.format("y", "b") + " times d b over d x equals 42 plus 18 equals 60 comma",
    "W ← W − η ∂ L ∂ W ,": "W left arrow W minus eta times " + FRACTION.format("L", "W")
                           + " comma",
    "∂ L ∂ w ≈ L ( w + ε ) − L ( w − ε ) 2 ε .":
        FRACTION.format("L", "w") + " almost equals the fraction with numerator L of open "
        "paren w plus epsilon close paren minus L of open paren w minus epsilon close paren "
        "and denominator 2 epsilon period",
    "∂ L ∂ W 1 ≈ ( − 0.245 ) ( 1.2 ) ( 0.197 ) ( 2 ) ≈ − 0.116 .":
        FRACTION.format("L", "W sub 1") + " almost equals negative 0.245 times 1.2 times "
        "0.197 times 2 almost equals negative 0.116 period",
    "0.25 10 ≈ 9.5 × 10 − 7 ,":
        "0.25 to the tenth power almost equals 9.5 times 10 to the negative 7 power comma",
}


def symbols(mathml: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", mathml))).strip()


@engine
def test_every_display_formula_is_read_as_the_table_of_expected_readings_says():
    found = {symbols(m): text for m, text in formulas()}
    assert set(found) == set(EXPECTED), "a display formula was added or changed: read it " \
        "aloud and give its expected reading here"
    for formula, text in found.items():
        assert text == EXPECTED[formula], (formula, text)


@engine
def test_a_function_applied_to_its_argument_is_read_with_of_never_as_a_product():
    for mathml, text in formulas():
        for name, prime in re.findall(
                r"<mi>(f|g|L|&#x003C3;)</mi>(<mo>&#x02032;</mo>)?<mo stretchy=\"false\">"
                r"&#x00028;", mathml):
            spoken = {"&#x003C3;": "sigma"}.get(name, name) + (" prime" if prime else "")
            assert f"{spoken} of " in text, (symbols(mathml), text)
        assert "times open paren" not in text and " prime u" not in text, text


def test_the_engine_is_given_function_application_and_the_products_the_page_implies():
    page = ('<math><mi>L</mi><mo stretchy="false">&#x00028;</mo><mi>w</mi><mo>)</mo>'
            '<mfrac><mi>a</mi><mi>b</mi></mfrac><mfrac><mi>c</mi><mi>d</mi></mfrac>'
            '<mi>w</mi><mo>(</mo><mi>x</mi><mo>)</mo></math>')
    given = speech._for_engine(page)
    assert '<mi>L</mi><mo>&#x2061;</mo><mo stretchy="false">&#x00028;' in given
    assert "</mfrac><mo>&#x000B7;</mo><mfrac>" in given
    assert "<mi>w</mi><mo>(</mo>" in given  # w is no function: w(x) stays a product
    assert speech._key(page) != speech._key(page.replace("<mi>L</mi>", "<mi>K</mi>"))


def test_without_the_engine_a_plain_reading_stands_in():
    mathml = '<math><mi>y</mi><mo>=</mo><mi>σ</mi><mo>(</mo><mi>u</mi><mo>)</mo></math>'
    assert speech.plain_reading(mathml) == "y = σ ( u )"
