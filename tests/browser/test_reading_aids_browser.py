"""Key terms and the Browse panel on a touch phone: the defects a reader on a phone met."""

from __future__ import annotations

from tests.browser.pages import PHONE, frames, open_chapter


def test_every_term_opened_by_a_tap_stays_on_screen(phone_page, live_server):
    open_chapter(phone_page, live_server)
    triggers = phone_page.locator(".term-trigger")
    for i in range(triggers.count()):
        triggers.nth(i).scroll_into_view_if_needed()
        triggers.nth(i).tap()
        tip = phone_page.locator(".term-tip").nth(i)
        tip.wait_for()  # shown; then placed on screen in the next animation frame
        frames(phone_page)
        box = tip.bounding_box()
        assert tip.is_visible(), i
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
        triggers.nth(i).tap()  # close it again before the next one


def test_a_second_tap_hides_the_term_and_says_so(phone_page, live_server):
    open_chapter(phone_page, live_server)
    trigger, tip = phone_page.locator(".term-trigger").first, phone_page.locator(".term-tip").first
    trigger.tap()
    assert tip.is_visible() and trigger.get_attribute("aria-expanded") == "true"
    trigger.tap()
    tip.wait_for(state="hidden")
    assert trigger.get_attribute("aria-expanded") == "false"


def test_the_browse_panel_shows_its_last_entry_on_a_phone(phone_page, live_server):
    open_chapter(phone_page, live_server)
    phone_page.locator(".browse > summary").tap()
    last = phone_page.locator(".browse-panel .toc a").last
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    panel = phone_page.locator(".browse-panel").bounding_box()
    assert panel["y"] + panel["height"] <= PHONE["height"], panel


def test_tabbing_out_of_the_browse_panel_closes_it(page, live_server):
    open_chapter(page, live_server)
    page.set_viewport_size(PHONE)
    page.locator(".browse > summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".browse").get_attribute("open") is not None
    for _ in range(page.locator(".browse-panel .toc a").count() + 1):
        page.keyboard.press("Tab")
    assert page.locator(".browse").get_attribute("open") is None
