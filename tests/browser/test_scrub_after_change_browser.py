"""A drag started while another setting's figure is still on its way: the sweep the page
holds is of the settings drawn, not of those on the controls, so its frames would show
another state's figure (σ's curve and numbers under a menu that says eˣ²). The drag waits for
the exact figure of the controls' settings instead, then scrubs through their own sweep."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError

from tests.browser.pages import (
    DESKTOP_1366,
    ask_for_sweep,
    figure_ready,
    hold_still,
    new_page,
    open_chapter,
    set_controls,
    watch_sweeps,
)

FRAMES_SEEN = """() => { window.__framesSeen = [];
  document.addEventListener("seeingml:frame", (e) => window.__framesSeen.push(e.detail.values.fn));
}"""
OUTER_NAME = "() => document.getElementById('widget-nudge-plot').data[3].name"
EXACT_EXP = re.compile(r".*/api/widgets/nudge\?(?!.*sweep=).*fn=exp_square.*")


def test_a_drag_before_the_last_change_is_drawn_shows_no_other_states_frames(
        browser, live_server):
    context, page = new_page(browser, DESKTOP_1366)
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "nudge", drawn=True)
    page.evaluate(FRAMES_SEEN)
    ask_for_sweep(page, "nudge", "x")  # σ's sweep along x, ready for a drag
    held = []
    page.route(EXACT_EXP, lambda route: held.append(route))  # eˣ²'s exact figure kept on its way
    set_controls(page, "nudge", {"fn": "exp_square"})
    page.wait_for_function("() => document.querySelector('#figure-nudge .widget')"
                           ".dataset.state === 'loading'")
    selector = "#widget-nudge-x"
    hold_still(page, selector)
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    for k in range(12):
        page.mouse.move(box["x"] + box["width"] * (0.6 - 0.03 * k), y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    assert held, "the exact figure of eˣ² was never asked for"
    assert page.evaluate("() => window.__framesSeen") == []  # no frame of σ's sweep
    assert "e<sup>u</sup>" not in page.evaluate(OUTER_NAME)  # σ's figure still, not a frame
    page.unroute(EXACT_EXP)
    for route in held:
        try:
            route.continue_()
        except PlaywrightError:  # a request the page has since aborted
            pass
    # Once eˣ²'s figure is drawn the drag goes on through eˣ²'s own sweep.
    page.wait_for_function(f"() => ({OUTER_NAME})().includes('e<sup>u</sup>')", timeout=20000)
    for k in range(12):
        page.mouse.move(box["x"] + box["width"] * (0.25 + 0.02 * k), y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    page.mouse.up()
    page.wait_for_function("() => document.querySelector('#figure-nudge .widget')"
                           ".dataset.state === 'ready'", timeout=20000)
    assert set(page.evaluate("() => window.__framesSeen")) <= {"exp_square"}
    assert "e<sup>u</sup>" in page.evaluate(OUTER_NAME)
    assert page.watch.errors == []
    context.close()
