"""The chapter in a real Chromium: clean load, real maths, contents, terms, phone, axe."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    PHONE,
    axe_violations,
    frames,
    hold_still,
    idle,
    near_figures_ready,
    open_chapter,
    screenshot,
)


def test_loads_with_no_console_error_or_failed_request(page, live_server):
    open_chapter(page, live_server)
    idle(page)  # the scripts' deferred start-up work has run too
    assert page.watch.errors == []


def test_every_formula_has_a_rendered_box(page, live_server):
    open_chapter(page, live_server)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    boxes = page.eval_on_selector_all(
        "math", "els => els.map(m => { const r = m.getBoundingClientRect();"
                " return [r.width, r.height, m.textContent.slice(0, 40),"
                " !!m.closest('.term-tip, [hidden]')]; })")
    assert len(boxes) > 50
    # Definitions in closed term pop-ups, and the "With your numbers" copies hidden until a
    # reader moves a figure, have no box until shown; everything else must.
    empty = [text for width, height, text, waiting in boxes
             if (width <= 0 or height <= 0) and not waiting]
    assert empty == []


def test_contents_reach_a_section_by_keyboard(page, live_server):
    open_chapter(page, live_server)
    page.focus(".browse > summary")
    page.keyboard.press("Enter")
    link = page.locator(".browse .toc a", has_text="A concrete backward pass")
    assert link.is_visible()
    link.focus()
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "concrete-backward-pass-h"
    # A smooth scroll over a long page takes about a second; then the heading sits just below
    # the masthead and stays there while the figures it passed finish loading.
    page.wait_for_function(
        "() => { const t = document.querySelector('#concrete-backward-pass-h')"
        ".getBoundingClientRect().top; return t > 0 && t < 200; }")
    near_figures_ready(page)
    hold_still(page, "#concrete-backward-pass-h", still_frames=10)
    top = page.locator("#concrete-backward-pass-h").bounding_box()["y"]
    masthead = page.locator(".masthead").bounding_box()
    assert masthead["height"] <= top < 200
    assert not page.locator(".browse").evaluate("d => d.open")
    current = page.locator(".sidebar [aria-current]")
    assert current.get_attribute("data-toc-link") == "concrete-backward-pass"


def test_contents_close_on_escape(page, live_server):
    open_chapter(page, live_server)
    page.focus(".browse > summary")
    page.keyboard.press("Enter")
    assert page.locator(".browse").evaluate("d => d.open")
    page.keyboard.press("Escape")
    assert not page.locator(".browse").evaluate("d => d.open")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_term_definition_opens_on_focus_and_closes_on_escape(page, live_server):
    open_chapter(page, live_server)
    trigger = page.locator(".term-trigger").first
    tip = page.locator(".term-tip").first
    assert not tip.is_visible()
    trigger.focus()
    assert tip.is_visible()
    assert "composition" in tip.inner_text()
    page.keyboard.press("Escape")
    assert not tip.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('term-trigger')")


def test_term_definition_opens_on_hover_and_stays_while_the_pointer_moves_onto_it(
        page, live_server):
    open_chapter(page, live_server)
    trigger, tip = page.locator(".term-trigger").nth(1), page.locator(".term-tip").nth(1)
    trigger.hover()
    assert tip.is_visible()
    start, end = trigger.bounding_box(), tip.bounding_box()
    x = start["x"] + 5
    for y in range(int(start["y"] + start["height"] / 2), int(end["y"] + 20), 3):
        page.mouse.move(x, y)
    assert tip.is_visible()


def test_every_term_definition_stays_on_a_phone_screen(phone_page, live_server):
    open_chapter(phone_page, live_server)
    triggers = phone_page.locator(".term-trigger")
    for i in range(triggers.count()):
        triggers.nth(i).focus()
        frames(phone_page)  # the definition is placed in the next animation frame
        box = phone_page.locator(".term-tip").nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], i


def test_term_definition_opens_on_tap(phone_page, live_server):
    open_chapter(phone_page, live_server)
    trigger = phone_page.locator(".term-trigger").first
    trigger.tap()
    assert phone_page.locator(".term-tip").first.is_visible()


@pytest.mark.parametrize("width", [320, PHONE["width"]])
def test_no_horizontal_scroll_on_a_phone(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 844}, is_mobile=True)
    page = context.new_page()
    open_chapter(page, live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"chapter-phone-{width}")
    context.close()


def test_display_maths_scroll_inside_a_focusable_container(phone_page, live_server):
    """On a phone the widest formulas scroll inside their box, which is then a keyboard stop
    (one that does not scroll is not: tests/browser/test_print_and_focus_browser.py)."""
    open_chapter(phone_page, live_server)
    containers = phone_page.locator(".math-display")
    assert containers.count() >= 8
    wide = phone_page.eval_on_selector_all(
        ".math-display", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => [getComputedStyle(e).overflowX, e.getAttribute('tabindex')])")
    assert wide and all(w == ["auto", "0"] for w in wide)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_violations(browser, live_server, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    open_chapter(page, live_server)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe_violations(page) == []
    screenshot(page, f"chapter-desktop-{scheme}")
    context.close()


def test_reduced_motion_turns_off_smooth_scrolling(browser, live_server):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    open_chapter(page, live_server)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    context.close()


def test_print_shows_the_whole_chapter_without_chrome(page, live_server):
    open_chapter(page, live_server)
    page.emulate_media(media="print")
    assert not page.locator(".masthead").is_visible()
    assert not page.locator(".sidebar").is_visible()
    assert page.locator(".faq-answer").first.is_visible()
    assert page.locator(".intuition-discussion").is_visible()
    overflowing = page.eval_on_selector_all(
        ".callout p, .figure p, .section > p",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert overflowing == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
