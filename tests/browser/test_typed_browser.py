"""Differentiate it yourself (d1) in a browser, at a phone's width and a laptop's: type with the
symbol buttons, see the preview, get a slip named, take a hint, show the answer."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer

from quizzes import typed_family, typed_routes
from quizzes.bank import default_bank
from quizzes.expression_write import reading
from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    axe_violations,
    new_page,
    open_chapter,
    shot,
)


def _params(page, app) -> dict:
    token = page.locator("#d1-practice [data-role=token]").input_value()
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=typed_routes.SALT).loads(token)["p"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP_1366], ids=["390", "1366"])
def test_a_reader_types_a_derivative_sees_it_read_and_gets_the_slip_named(
        browser, live_server, live_app, viewport):
    context, page = new_page(browser, viewport=viewport)
    try:
        open_chapter(page, live_server, "/#q1")
        item = page.locator("#d1")
        item.locator("[data-role=start]:not([data-js])").wait_for()  # its script took it over
        item.locator("[data-role=start]").click()
        panel = page.locator("#d1-practice")
        panel.locator("[data-role=prompt] math").wait_for()
        item.locator("[data-role=start]").wait_for(state="hidden")  # Try another from now on
        field = panel.locator("input[name=answer]")
        assert page.evaluate("document.activeElement.id") == "d1-answer"
        # Typing, with the symbol buttons for what a phone keyboard hides.
        field.type("2x cos(x", delay=20)
        panel.locator("[data-insert=')']").click()
        panel.locator("[data-insert='^']").click()
        field.type("2")
        panel.locator(".typed-reading").wait_for()
        page.wait_for_function("() => document.querySelector('#d1-practice .typed-reading code')"
                               ".textContent === '2*x*cos(x)^2'")
        panel.locator("#d1-preview .math-speech summary").click()
        assert "cosine of" in panel.locator("#d1-preview .math-speech p").inner_text()
        assert panel.locator("[data-role=prompt-speech] p").text_content().startswith("y equals")
        # A screen reader hears one sentence, the reading in words; the preview is not live.
        said = panel.locator("[data-role=preview-said]")
        assert said.get_attribute("aria-live") == "polite"
        assert panel.locator("#d1-preview").get_attribute("aria-live") is None
        assert said.text_content() == "Read as: " + panel.locator(
            "#d1-preview .math-speech p").text_content()
        shot(panel, f"typed-preview-{viewport['width']}")
        # Something unreadable: the place is named, and nothing is graded.
        field.fill("ln*x")
        panel.locator(".form-error").wait_for()
        assert "did you mean ln(x)?" in panel.locator(".form-error").inner_text()
        assert field.get_attribute("aria-invalid") == "true"
        # Not announced while typing (most refusals are half-typed), read with the field.
        assert said.text_content() == ""
        assert "d1-error" in field.get_attribute("aria-describedby").split()
        shot(panel, f"typed-unreadable-{viewport['width']}")
        # A slip built from the question's own f and g, named in words.
        params = _params(page, live_app)
        slug, tree = next(iter(typed_family.slips(params).items()))
        field.fill(reading(tree))
        panel.locator("[data-role=submit]").click()
        panel.locator(".result-slip").wait_for()
        label = default_bank().misconceptions[slug]
        assert label in panel.locator(".result-slip").inner_text()
        assert panel.locator("[data-role=explanation]").count() == 0
        assert item.locator("[data-role=state]").inner_text() == "Wrong"
        shot(panel, f"typed-slip-{viewport['width']}")
        assert axe_violations(page, "#d1-practice") == []
        panel.locator("[data-role=hint]").click()
        panel.locator(".hint").first.wait_for()
        panel.locator("[data-role=reveal]").click()
        panel.locator("[data-role=explanation]").wait_for()
        assert "worked solution" in panel.locator("[data-role=explanation]").inner_text().lower()
        page.wait_for_function("() => document.querySelector('#d1 [data-role=state]')"
                               ".textContent === 'Revealed'")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        unexpected = [e for e in page.watch.errors  # the unreadable preview's 422 is its answer
                      if "/d1/preview" not in e and "status of 422" not in e]
        assert not unexpected, unexpected
    finally:
        context.close()


def test_without_javascript_the_question_works_on_a_page_of_its_own(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        open_chapter(page, live_server, "/#q1", wait_until="load")
        assert page.locator("#d1 [data-role=start]").is_hidden()
        page.locator("#d1 [data-role=needs-js]").click()
        page.locator("#d1-answer").fill("x^2")
        assert page.locator("[data-role=keys]").is_hidden()  # they need the script
        page.locator("button[value=check]").click()
        assert "x^2" in page.locator(".typed-reading").inner_text()
        assert page.locator(".result").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
