"""The practice items where the chapter teaches their ideas: Start, a slip named, a hint,
Show answer, and the item's state line, at a phone's width and a laptop's."""

from __future__ import annotations

import re

import pytest

from quizzes.bank import default_bank
from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    axe_violations,
    come_near,
    new_page,
    open_chapter,
    shot,
)


def _variant(page, qid: str):
    """The variant on screen, read back from its token by the server's own signer."""
    token = page.evaluate(f"document.getElementById('{qid}-practice').dataset.token")
    return page.app.extensions["checkpoint_signer"].inspect(token, qid)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP_1366], ids=["390", "1366"])
def test_a_reader_practises_the_sum_over_paths_where_it_is_taught(browser, live_server,
                                                                   live_app, viewport):
    context, page = new_page(browser, viewport=viewport)
    page.app = live_app
    try:
        open_chapter(page, live_server, "/#plain-english")
        item = come_near(page, "#p1")
        item.locator("[data-role=start]:not([data-js])").wait_for()  # its script took it over
        item.locator("[data-role=start]").click()
        page.wait_for_selector("#p1-practice .practice-prompt math")
        assert page.evaluate("document.activeElement.id") == "p1-practice-input"
        panel = page.locator("#p1-practice")
        assert panel.locator("[data-role=explanation]").count() == 0
        v = _variant(page, "p1")
        name, value = next(iter(v.misconceptions.items()))
        panel.locator("input").fill(repr(value))
        panel.locator("button[type=submit]").click()
        panel.locator(".result").wait_for()
        feedback = default_bank().practice_items["p1"].practice.feedback[name]
        words = " ".join(re.sub(r"\$[^$]*\$", " ", feedback).split()[:5])
        assert words in " ".join(panel.locator(".result").inner_text().split())
        assert item.locator("[data-role=state]").inner_text() == "Wrong"
        shot(page.locator("#p1-practice"), f"practice-p1-slip-{viewport['width']}")
        assert axe_violations(page, "#plain-english") == []
        panel.locator("[data-role=hint]").click()
        panel.locator(".hint").first.wait_for()
        panel.locator("[data-role=reveal]").click()
        panel.locator("[data-role=explanation]").wait_for()
        assert "two paths" in panel.locator("[data-role=explanation]").inner_text()
        page.wait_for_function("() => document.querySelector('#p1 [data-role=state]')"
                               ".textContent === 'Revealed'")
        panel.locator("input").fill(repr(v.reference))
        panel.locator("button[type=submit]").click()
        page.wait_for_function("() => document.querySelector('#p1 [data-role=state]')"
                               ".textContent === 'Revealed'")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], "no sideways scrolling"
        assert not page.watch.errors, page.watch.errors
    finally:
        context.close()


def test_show_answer_clears_an_earlier_refusal(browser, live_server):
    """Unreadable text is refused; once the answer is shown, the refusal no longer stands
    beside it as if it were the last word."""
    context, page = new_page(browser, viewport=PHONE)
    try:
        open_chapter(page, live_server, "/#plain-english")
        come_near(page, "#p1").locator("[data-role=start]").click()
        page.wait_for_selector("#p1-practice .practice-prompt math")
        panel = page.locator("#p1-practice")
        panel.locator("input").fill("abc")
        panel.locator("button[type=submit]").click()
        panel.locator("[data-role=result] .result-error").wait_for()
        panel.locator("[data-role=reveal]").click()
        panel.locator("[data-role=explanation]").wait_for()
        assert panel.locator("[data-role=result] .result-error").count() == 0
    finally:
        context.close()
