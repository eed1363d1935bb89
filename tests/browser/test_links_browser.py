"""Linked highlighting in a real browser: a factor reached with Tab lights up its figure part
(and says so), the figure's own hover lights up the factor, on a desktop and a 390 px phone,
with reduced motion honoured and axe clean while highlights are on."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    PHONE,
    axe_violations,
    figure_ready,
    hold_still,
    open_chapter,
    screenshot,
)
from tests.browser.pages import figure_script_reports as has_figure_api

FACTOR = ".link-factor[data-link]"


def tab_to_every_factor(page):
    """Tab from the formal rule's heading on; yield each linked factor as focus reaches it."""
    page.evaluate("() => { const h = document.querySelector('#formal-h');"
                  " h.setAttribute('tabindex', '-1'); h.focus(); }")
    total = page.locator(FACTOR).count()
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate("() => { const a = document.activeElement;"
                             " return a && a.classList && a.classList.contains('link-factor')"
                             " ? [a.getAttribute('aria-describedby'), a.dataset.link,"
                             " a.dataset.figure] : null; }")
        if info and info[0] not in [s[0] for s in seen]:
            seen.append(info)
            yield info
        if len(seen) == total:
            return
    raise AssertionError(f"Tab reached {len(seen)} of {total} linked factors")


def check_each_factor(page, figure_api):
    reached = 0
    for note_id, link, figure in tab_to_every_factor(page):
        reached += 1
        factor = page.locator(f'[aria-describedby="{note_id}"]')
        assert factor.get_attribute("data-highlight") is not None, link
        symbol = page.locator(f"#{note_id}").text_content().split(",")[0]
        page.wait_for_function("s => document.getElementById('links-voice').textContent"
                               ".includes(s)", arg=symbol)
        if figure_api:
            assert page.locator(f"#figure-{figure}").get_attribute("data-highlight") is not None
    assert reached == page.locator(FACTOR).count()


def test_tab_reaches_every_factor_and_each_is_highlighted_and_announced(page, live_server):
    open_chapter(page, live_server)
    api = has_figure_api(page)
    if api:
        figure_ready(page, "nudge")
        figure_ready(page, "backprop")
    check_each_factor(page, api)
    # Leaving a factor lets its figure go.
    page.keyboard.press("Escape")
    assert page.locator(f"{FACTOR}[data-highlight]").count() == 0


def test_arrow_keys_move_between_the_factors_of_one_formula(page, live_server):
    open_chapter(page, live_server)
    first = page.locator(f"#long-compositions {FACTOR}").first
    first.focus()
    links = [first.get_attribute("data-link")]
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        links.append(page.evaluate("() => document.activeElement.dataset.link"))
    assert links == ["dL_dw1", "dL_dyhat", "dyhat_dh", "dh_dz", "dz_dw1"]
    page.keyboard.press("ArrowRight")  # the last factor stays put
    assert page.evaluate("() => document.activeElement.dataset.link") == "dz_dw1"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => document.activeElement.dataset.link") == "dh_dz"
    # Every factor carrying that name is marked, in 05 and in 07.
    assert page.locator(f'{FACTOR}[data-link="dh_dz"][data-highlight]').count() >= 3


def test_the_figure_highlights_the_matching_factors(page, live_server):
    open_chapter(page, live_server)
    if not has_figure_api(page):
        pytest.skip("window.SeeingML.highlight is absent: the figure script's side of the "
                    "contract (meta.link, seeingml:link) has not merged into this branch yet")
    figure_ready(page, "backprop")
    nxt = page.locator('#figure-backprop [data-action="next"]')
    step = page.locator("#widget-backprop-step")
    for _ in range(8):  # step the backward pass until ∂L/∂ŷ's edge carries its label
        if nxt.is_disabled():
            break
        shown = step.inner_text()
        nxt.click()
        page.wait_for_function("([e, before]) => e.innerText !== before",
                               arg=[step.element_handle(), shown])
    # Pointing at ∂L/∂ŷ's label: plotly.js finds the point under the pointer itself.
    selector = '#figure-backprop g.trace[data-link="dL_dyhat"] text'
    label = page.locator(selector).first
    label.wait_for()
    hold_still(page, selector)  # drawn where the last step puts it
    box = label.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelectorAll("
                           "'.link-factor[data-link=\"dL_dyhat\"][data-highlight]').length >= 3")
    assert "∂L/∂ŷ" in page.locator("#links-voice").text_content()
    page.mouse.move(0, 0)
    page.wait_for_function("() => !document.querySelector('.link-factor[data-highlight]')")


def test_a_figure_event_marks_the_factor_and_announces_it(page, live_server):
    # The figure script's side of the contract, sent as it sends it.
    open_chapter(page, live_server)
    page.evaluate("() => document.dispatchEvent(new CustomEvent('seeingml:link',"
                  " {detail: {figure: 'backprop', link: 'dh_dz'}}))")
    marked = page.locator(f"{FACTOR}[data-highlight]")
    assert marked.count() >= 3
    assert {marked.nth(i).get_attribute("data-link") for i in range(marked.count())} == {"dh_dz"}
    page.wait_for_function("() => document.getElementById('links-voice').textContent"
                           ".includes('∂h/∂z is highlighted')")
    page.evaluate("() => document.dispatchEvent(new CustomEvent('seeingml:link',"
                  " {detail: {figure: 'backprop', link: null}}))")
    assert marked.count() == 0


def test_the_switch_turns_highlights_off_and_is_remembered(page, live_server):
    open_chapter(page, live_server)
    switch = page.locator("button#links-switch")
    assert switch.count() == 1 and switch.get_attribute("aria-pressed") == "true"
    # It sits just before the first linked formula.
    assert page.evaluate("() => document.getElementById('links-switch').closest('p')"
                         ".nextElementSibling.querySelector('.link-factor') !== null")
    switch.click()
    assert switch.get_attribute("aria-pressed") == "false"
    factor = page.locator(FACTOR).first
    factor.focus()
    assert factor.get_attribute("data-highlight") is None
    assert factor.get_attribute("tabindex") == "-1"  # out of the Tab order while off
    page.reload(wait_until="networkidle")
    assert page.locator("#links-switch").get_attribute("aria-pressed") == "false"
    page.locator("#links-switch").click()
    assert page.locator("#links-switch").get_attribute("aria-pressed") == "true"


def test_axe_is_clean_with_a_factor_highlighted(page, live_server):
    open_chapter(page, live_server)
    page.locator(f"#concrete-backward-pass {FACTOR}").first.focus()
    assert page.locator(f"{FACTOR}[data-highlight]").count() >= 1
    assert axe_violations(page) == []


def test_on_a_phone_with_reduced_motion_a_tap_highlights_without_animating(phone_page,
                                                                            live_server):
    page = phone_page
    open_chapter(page, live_server, reduced_motion="reduce")
    api = has_figure_api(page)
    factor = page.locator(f"#long-compositions {FACTOR}").nth(1)
    factor.scroll_into_view_if_needed()
    factor.tap()
    assert factor.get_attribute("data-highlight") is not None
    assert factor.evaluate("f => getComputedStyle(f).transitionDuration") in ("0s", "")
    if api:
        assert page.locator("#figure-backprop").get_attribute("data-highlight") is not None
    # The page never scrolls sideways at 390 px.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "links-phone-390")
    factor.tap()  # a second tap lets go
    page.wait_for_function("(f) => !f.hasAttribute('data-highlight')",
                           arg=factor.element_handle())


def test_screenshot_desktop(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_chapter(page, live_server)
    factor = page.locator(f"#long-compositions {FACTOR}").nth(1)
    factor.focus()
    factor.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -200)")
    screenshot(page, "links-desktop-1366")
