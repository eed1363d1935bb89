"""Saving the class's scoring says it was saved, and only then."""

from __future__ import annotations

import re

from tests.browser.conftest import DESKTOP, axe_violations
from tests.classes_helpers import create_class


def test_saving_the_scoring_says_so_in_place(browser, live_server, live_app):
    klass = create_class(live_app.test_client(), "Saved scoring")
    teacher = browser.new_context(viewport=DESKTOP)
    page = teacher.new_page()
    page.goto(live_server.url + klass["teach"])
    assert page.locator("#credit-saved").count() == 0  # nothing saved yet, nothing said
    page.fill("#credit-revealed", "0.5")
    page.click("text=Save the scoring")
    page.wait_for_url(re.compile(r"#credit$"))
    saved = page.locator("#credit-saved")
    assert saved.is_visible() and saved.get_attribute("role") == "status"
    assert "Saved" in saved.inner_text()
    assert page.input_value("#credit-revealed") == "0.5"
    assert axe_violations(page) == []
    page.fill("#credit-revealed", "lots")  # refused: the error, never "Saved"
    page.click("text=Save the scoring")
    page.locator("#credit-error").wait_for()
    assert page.locator("#credit-saved").count() == 0
    teacher.close()
