""""With your numbers": the worked examples follow the figure's reported values, formatted as
the server formats them, and Reset goes back to the chapter's numbers."""

from __future__ import annotations

import pytest

from chapter.format import num
from tests.browser.pages import (
    PHONE,
    axe_violations,
    figure_ready,
    figure_script_reports,
    open_chapter,
    send_figure_event,
    shot,
)

BOX = "[data-your-numbers='{}']"


def test_the_box_stays_hidden_at_the_chapters_numbers_and_appears_with_yours(page, live_server):
    open_chapter(page, live_server)
    box = page.locator(BOX.format("backprop"))
    assert not box.is_visible()
    send_figure_event(page, "backprop")  # the first draw: the chapter's numbers
    assert not box.is_visible()
    values = send_figure_event(page, "backprop", "w1=1&target=0.5")
    assert box.is_visible()
    assert box.locator("[data-value='dL_dw1']").text_content() == num(values["dL_dw1"])
    assert box.locator("[data-value='dh_dz']").first.text_content() == num(values["dh_dz"])
    assert box.locator("[data-param='w1']").text_content() == "1"
    assert box.locator("[data-param='target']").text_content() == "0.5"
    page.wait_for_function("() => document.getElementById('links-voice').textContent"
                           ".includes('With your numbers')")
    # Still MathML: the numbers sit in the same <mn> tokens.
    assert box.locator("math mn[data-value='dL_dw1']").count() == 1
    assert axe_violations(page) == []


def test_reset_asks_the_figure_to_go_back_and_hides_the_box(page, live_server):
    open_chapter(page, live_server)
    send_figure_event(page, "backprop")
    send_figure_event(page, "backprop", "w1=-1")
    page.evaluate("() => { window.resets = []; document.addEventListener('seeingml:reset',"
                  " (e) => window.resets.push(e.detail)); }")
    box = page.locator(BOX.format("backprop"))
    box.locator("[data-role='reset']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.resets") == [{"name": "backprop"}]
    assert not box.is_visible()
    assert box.locator("[data-value='dL_dw1']").text_content() == "−0.116"
    assert page.evaluate("() => document.activeElement.id") == "figure-backprop"


def test_figure_1_box_follows_only_the_sigmoid_neuron(page, live_server):
    open_chapter(page, live_server)
    box = page.locator(BOX.format("nudge"))
    send_figure_event(page, "nudge")
    values = send_figure_event(page, "nudge", "w=-1.5&x=0.5")
    assert box.locator("[data-role='worked']").is_visible()
    assert box.locator("[data-value='dy_dx']").text_content() == num(values["dy_dx"])
    assert box.locator("[data-param='w']").first.text_content() == "−1.5"
    send_figure_event(page, "nudge", "fn=sin_square")
    assert box.is_visible()
    assert not box.locator("[data-role='worked']").is_visible()
    assert "another composition" in box.locator("[data-role='elsewhere']").text_content()


def test_numbers_are_formatted_as_the_server_formats_them(page, live_server):
    open_chapter(page, live_server)
    samples = [0, 2, -3, 0.5, 0.2104, -0.24483, 0.0052349, -0.00123, 0.000278, 2.78e-7,
               -4.4e-11, 12345.6, 1.2, 0.10499358540350662]
    shown = page.evaluate("xs => xs.map(window.SeeingML.formatNumber)", samples)
    assert shown == [num(x) for x in samples]


def test_without_javascript_the_box_is_not_shown(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    open_chapter(page, live_server)
    for name in ("nudge", "backprop"):
        assert not page.locator(BOX.format(name)).is_visible()
    context.close()


def test_the_real_figure_drives_the_box(page, live_server):
    open_chapter(page, live_server)
    if not figure_script_reports(page):
        pytest.skip("window.SeeingML.highlight is absent: the figure script that sends "
                    "seeingml:figure has not merged into this branch yet")
    figure_ready(page, "backprop")
    slider = page.locator("#widget-backprop-w1")
    slider.focus()
    page.keyboard.press("ArrowRight")
    box = page.locator(BOX.format("backprop"))
    box.wait_for(state="visible", timeout=10000)
    assert box.locator("[data-param='w1']").text_content() == "0.6"
    box.locator("[data-role='reset']").click()
    page.wait_for_function("() => document.getElementById('widget-backprop-w1').value === '0.5'",
                           timeout=10000)
    assert not box.is_visible()


def test_after_a_gradient_step_the_box_shows_the_trained_network(page, live_server):
    # The figure draws the network after the steps taken; the box works with the same numbers.
    open_chapter(page, live_server)
    if not figure_script_reports(page):
        pytest.skip("the figure script that sends seeingml:figure is absent")
    page.locator("#figure-backprop").scroll_into_view_if_needed()
    ready = ("() => document.querySelector('#figure-backprop .widget')?.dataset.state === "
             "'ready'")
    page.wait_for_function(ready, timeout=15000)
    page.evaluate("() => { window.reported = []; document.addEventListener('seeingml:figure',"
                  " e => window.reported.push(e.detail.values)); }")
    page.locator('#figure-backprop [data-action="step"]').click()
    page.wait_for_function("() => window.reported.length > 0", timeout=15000)
    trained = page.evaluate("() => window.reported[window.reported.length - 1].now")
    box = page.locator(BOX.format("backprop"))
    box.wait_for(state="visible", timeout=10000)
    assert trained["w1"] != 0.5  # the step moved the weight
    assert box.locator("[data-param='w1']").text_content() == str(round(trained["w1"], 3))
    assert box.locator("[data-value='dL_dw1']").text_content() == num(trained["dL_dw1"])
    assert box.locator("[data-value='loss']").first.text_content() == num(trained["loss"])
    # The figure's own table shows the same trained gradient.
    table = page.locator("#figure-backprop .widget-table").text_content()
    assert num(trained["dL_dw1"]) in table or f"{trained['dL_dw1']:.3f}" in table


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1366, "height": 900}, "desktop-1366"),
                                               (PHONE, "phone-390")])
def test_screenshots(browser, live_server, viewport, name):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_chapter(page, live_server)
    send_figure_event(page, "backprop")
    send_figure_event(page, "backprop", "w1=1&target=0.5")
    box = page.locator(BOX.format("backprop"))
    box.scroll_into_view_if_needed()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shot(box, f"numbers-{name}")
    context.close()
