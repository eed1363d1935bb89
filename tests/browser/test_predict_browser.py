""""Predict, then see": an optional guess, compared with the figure's reported value, kept
only in this browser, operable from the keyboard and announced politely."""

from __future__ import annotations

import pytest

from tests.browser import pages
from tests.browser.pages import PHONE, axe_violations, send_figure_event, shot


def open_chapter(page, live_server):
    """The chapter, with no prediction kept from an earlier test."""
    pages.open_chapter(page, live_server)
    page.evaluate("() => localStorage.removeItem('seeingml:predictions')")


def test_a_sign_and_size_prediction_meets_the_figures_value(page, live_server):
    open_chapter(page, live_server)
    block = page.locator("[data-predict='backprop']")
    assert block.is_visible()
    requests = []
    page.on("request", lambda r: r.method != "GET" and requests.append(r.url))
    # Keyboard only: the first radio, arrow to choose, Tab to the size, Enter to save.
    block.locator("input[name='sign']").first.focus()
    page.keyboard.press("Space")
    assert block.locator("input[value='-1']").is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    result = block.locator("[data-role='result']")
    assert result.get_attribute("aria-live") == "polite"
    send_figure_event(page, "backprop")  # the figure's backward pass reports ∂L/∂W₁
    text = result.text_content()
    assert "you predicted negative, about 0.5;" in text
    assert "the figure shows −0.116" in text
    assert "the sign is right" in text and "times the real size" in text
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('seeingml:predictions'))")
    assert stored[-1]["size"] == 0.5 and stored[-1]["actual"] == pytest.approx(-0.1158, abs=1e-3)
    assert requests == []  # nothing was sent to the server
    block.locator("[data-role='history'] summary").click()
    assert "the figure shows −0.116" in block.locator("[data-role='list']").text_content()
    assert axe_violations(page) == []


def test_an_order_of_magnitude_prediction_for_figure_3(page, live_server):
    # Only the figure events this test sends: the real Figure 3 must not draw in between.
    page.route("**/api/widgets/vanishing*narrow=*", lambda route: route.abort())  # the figure's
    open_chapter(page, live_server)
    block = page.locator("[data-predict='vanishing']")
    block.locator("input[name='size']").fill("1e-3")
    block.locator("button[type='submit']").click()
    result = block.locator("[data-role='result']")
    send_figure_event(page, "vanishing", "activation=relu")  # not the asked-for setting
    assert "Set Figure 3 to 10 sigmoid layers" in result.text_content()
    values = send_figure_event(page, "vanishing")
    text = result.text_content()
    assert "you predicted 0.001" in text
    assert "orders of magnitude too large" in text
    assert values["layers"][0]["gradient"] < 1e-4


def test_a_bad_size_is_explained_at_the_field(page, live_server):
    open_chapter(page, live_server)
    block = page.locator("[data-predict='vanishing']")
    field = block.locator("input[name='size']")
    field.fill("tiny")
    field.press("Enter")
    assert field.get_attribute("aria-invalid") == "true"
    assert "power of ten" in block.locator("[data-role='error']").text_content()
    assert page.evaluate("() => localStorage.getItem('seeingml:predictions')") is None
    for typed in ("10^-6", "10⁻⁶", "1e−6", "2 × 10^-3"):
        field.fill(typed)
        field.press("Enter")
        assert field.get_attribute("aria-invalid") is None, typed


def test_skipping_is_one_keypress_and_can_be_undone(page, live_server):
    open_chapter(page, live_server)
    block = page.locator("[data-predict='backprop']")
    block.locator("[data-role='skip']").focus()
    page.keyboard.press("Enter")
    assert not block.locator("form").is_visible()
    assert page.evaluate("() => document.activeElement.dataset.role") == "again"
    page.keyboard.press("Enter")
    assert block.locator("form").is_visible()


def test_without_javascript_no_prediction_form_shows(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = pages.open_chapter(context.new_page(), live_server, wait_until="load")
    assert page.locator("[data-predict]").count() == 2
    assert not page.locator("[data-predict='backprop']").is_visible()
    context.close()


@pytest.mark.parametrize(("viewport", "name"), [({"width": 1366, "height": 900}, "desktop-1366"),
                                               (PHONE, "phone-390")])
def test_screenshots(browser, live_server, viewport, name):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    open_chapter(page, live_server)
    block = page.locator("[data-predict='backprop']")
    block.locator("input[value='-1']").check()
    block.locator("input[name='size']").fill("0.3")
    block.locator("button[type='submit']").click()
    send_figure_event(page, "backprop")
    block.locator("[data-role='history'] summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shot(block, f"predict-{name}")
    context.close()
