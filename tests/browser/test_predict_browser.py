""""Predict, then see": an optional guess, compared with the figure's value at the settings the
prompt names (even after the reader moved the figure's sliders), kept
only in this browser, operable from the keyboard and announced politely."""

from __future__ import annotations

import pytest

from tests.browser import pages
from tests.browser.pages import PHONE, axe_violations, figure_ready, send_figure_event, shot


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
    page.wait_for_function("() => document.querySelector(\"[data-predict='backprop'] "
                           "[data-role='result']\").textContent.includes('the figure shows')")
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
    # Compared with the state the prompt names, whatever the figure reports meanwhile.
    page.wait_for_function("() => document.querySelector(\"[data-predict='vanishing'] "
                           "[data-role='result']\").textContent.includes('orders of magnitude')")
    values = send_figure_event(page, "vanishing")
    text = result.text_content()
    assert "at 10 sigmoid layers, weight 1, input 1" in text
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
    block.locator("[data-role='result']").filter(has_text="the figure shows").wait_for()
    block.locator("[data-role='history'] summary").click()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    shot(block, f"predict-{name}")
    context.close()


RESULT = "[data-predict='{}'] [data-role='result']"


def wait_result(page, name, words):
    page.wait_for_function("([sel, w]) => document.querySelector(sel).textContent.includes(w)",
                           arg=[RESULT.format(name), words], timeout=15000)
    return page.locator(RESULT.format(name)).text_content()


def test_after_moving_a_slider_the_prediction_meets_the_named_state(page, live_server):
    # The reader moves W₁ in the real Figure 2, then predicts for the chapter's numbers: the
    # comparison is with −0.116 (those numbers), not with the figure's new value.
    open_chapter(page, live_server)
    figure_ready(page, "backprop")
    slider = page.locator("#widget-backprop-w1")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('widget-backprop-w1').value !== '0.5'")
    page.wait_for_selector("#figure-backprop .widget[data-state='ready']")  # redrawn at W₁
    block = page.locator("[data-predict='backprop']")
    block.locator("input[value='-1']").check()
    block.locator("input[name='size']").fill("0.12")
    block.locator("button[type='submit']").click()
    text = wait_result(page, "backprop", "the figure shows")
    assert "the figure shows −0.116" in text and "within 5% of it" in text
    assert "at the chapter’s numbers" in text or "at the chapter's numbers" in text
    assert "orders of magnitude" not in text


def test_a_slow_figure_answer_is_awaited_in_words(page, live_server):
    # The API's answer is held until the test lets it go: the reader is told what is being
    # asked while it waits, then the result.
    page.add_init_script("""(() => { const real = window.fetch;
      window.__release = null;
      const held = new Promise(r => { window.__release = r; });
      window.fetch = (url, ...rest) => String(url).includes('/api/widgets/backprop?x=')
        ? held.then(() => real(url, ...rest))
        : real(url, ...rest); })()""")
    open_chapter(page, live_server)
    block = page.locator("[data-predict='backprop']")
    block.locator("input[value='1']").check()
    block.locator("input[name='size']").fill("0.1")
    block.locator("button[type='submit']").click()
    asking = block.locator("[data-role='result']").filter(has_text="Asking Figure 2 for its")
    asking.wait_for()
    page.evaluate("() => window.__release()")
    text = wait_result(page, "backprop", "the figure shows")
    assert "the sign is the other way" in text


def test_without_the_api_only_the_named_state_settles_a_prediction(page, live_server):
    # The request fails; a figure event at other settings must not grade the prediction, one
    # at the named settings does.
    page.route("**/api/widgets/vanishing?depth=*", lambda route: route.abort())
    page.route("**/api/widgets/vanishing*narrow=*", lambda route: route.abort())
    open_chapter(page, live_server)
    block = page.locator("[data-predict='vanishing']")
    block.locator("input[name='size']").fill("1e-4")
    block.locator("button[type='submit']").click()
    wait_result(page, "vanishing", "could not be asked")
    page.unroute("**/api/widgets/vanishing?depth=*")
    send_figure_event(page, "vanishing", "weight=1.5")
    assert "you predicted" in (text := block.locator("[data-role='result']").text_content())
    assert "the figure shows" not in text
    send_figure_event(page, "vanishing")
    assert "orders of magnitude too large" in wait_result(page, "vanishing", "the figure shows")
    page.unroute_all(behavior="ignoreErrors")
