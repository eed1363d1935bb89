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


def test_without_the_engine_a_plain_reading_stands_in():
    mathml = '<math><mi>y</mi><mo>=</mo><mi>σ</mi><mo>(</mo><mi>u</mi><mo>)</mo></math>'
    assert speech.plain_reading(mathml) == "y = σ ( u )"
