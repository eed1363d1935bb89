"""Keyboard focus stays where a reader can see it, wherever on the page they are."""

from __future__ import annotations

from tests.browser.pages import DESKTOP, hold_still


def test_the_skip_link_shows_when_reached_from_far_down_the_page(page, live_server):
    # A reader deep in the chapter presses Shift+Tab from the sticky masthead's first link:
    # focus lands on the skip link, which must appear on screen, not at the top of
    # the document thousands of pixels above.
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.focus(".masthead a.book")
    page.keyboard.press("Shift+Tab")
    page.wait_for_function("document.activeElement.classList.contains('skip-link')")
    hold_still(page, ".skip-link")  # any transition into view has landed
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= DESKTOP["height"], box
    assert page.evaluate("window.scrollY") > 1000  # the page did not have to jump to show it
