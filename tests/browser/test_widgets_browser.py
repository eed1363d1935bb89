"""The three figures in a real Chromium: drawn lazily, driven by keyboard and touch, read out
in words, clean under a strict Content-Security-Policy and axe-core."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from tests.apps import make_app
from tests.browser.conftest import LiveServer
from tests.browser.pages import (
    DESKTOP,
    PHONE,
    axe_violations,
    drawn_words,
    figure_ready,
    hold_still,
    new_page,
    open_chapter,
    page_clock_past,
    readout,
    screenshot,
    trace,
)

WIDGETS = tuple(FIGURES)  # every registered figure
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'")


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    """The app behind exactly the policy the page must live with: scripts from files only."""
    folder = tmp_path_factory.mktemp("widgets-live")
    app = make_app(folder)

    @app.after_request
    def _strict_policy(response):
        response.headers["Content-Security-Policy"] = CSP
        return response

    with LiveServer(app) as server:
        yield server


def open_page(browser, viewport, **options):
    """A watched page that also collects Content-Security-Policy violations."""
    context, page = new_page(browser, viewport, **options)
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    page.violations = violations
    return context, page


def ready(page, name: str):
    """Scroll the figure near and wait until its chart is drawn."""
    return figure_ready(page, name, drawn=True)


def assert_clean(page):
    assert page.watch.errors == []
    assert page.violations == []


def test_widgets_load_plotly_after_the_page_and_respond_to_keyboard(browser, strict_server):
    context, page = open_page(browser, DESKTOP)
    vendor_requests: list[str] = []  # plotly.js over the network: preloaded and run, once
    page.on("request", lambda r: "/vendor/plotly-" in r.url and vendor_requests.append(r.url))
    open_chapter(page, strict_server, wait_until="load")

    # Figure 1 (plotly.js runs, once, only after the page has loaded: the top of the page
    # paints without it): the worked neuron, then a slider moved by keyboard.
    figure = ready(page, "nudge")
    assert len(vendor_requests) == 1
    loaded, starts = page.evaluate("""() => [
        performance.getEntriesByType("navigation")[0].loadEventEnd,
        performance.getEntriesByType("resource")
          .filter((e) => e.name.includes("/vendor/plotly-"))
          .map((e) => e.startTime)]""")
    assert starts and min(starts) >= loaded, (loaded, starts)
    assert "0.105 × 2 = 0.210" in readout(page, "nudge")
    assert page.locator("#widget-nudge-x-value").inner_text() == "1"
    before = trace(page, "nudge", 2)  # the point (x, u)
    page.focus("#widget-nudge-x")
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-readout').textContent.includes('x = 1.5')")
    assert page.locator("#widget-nudge-x-value").inner_text() == "1.5"
    assert trace(page, "nudge", 2) != before
    assert trace(page, "nudge", 2) == [1.5]
    screenshot(page, "widget-nudge-desktop")
    figure.screenshot(path=str(screenshot(page, "widget-nudge-desktop").parent
                               / "widget-nudge-desktop-figure.png"))

    # A different composition: "double then triple" scales a nudge by 6, and w disappears.
    page.select_option("#widget-nudge-fn", "double_triple")
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-summary').textContent.endsWith('3 × 2 = 6')")
    assert page.locator("#widget-nudge-w").is_hidden()

    # Step buttons by keyboard: Back shows the previous stage, Next returns.
    page.focus("#figure-nudge .widget-stepper button:text('Back')")
    page.keyboard.press("Enter")
    step = page.locator("#widget-nudge-step")
    assert step.inner_text().startswith("Step 3 of 4")
    assert trace(page, "nudge", 15, "text")[0] == ""  # the Δy numbers are not written yet
    page.keyboard.press("Enter")
    assert step.inner_text().startswith("Step 2 of 4")
    page.focus("#figure-nudge .widget-stepper button:text('Next')")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert step.inner_text().startswith("Step 4 of 4")
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-plot').data[15].text[0] !== ''")

    # Figure 2: the chapter's backward pass, then a gradient step taken with the keyboard.
    ready(page, "backprop")
    assert "∂L/∂W₁ ≈ −0.116" in readout(page, "backprop")
    page.focus("#figure-backprop button:text('Take a gradient step')")
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.getElementById('widget-backprop-readout').textContent"
        ".includes('After 1 gradient step')")
    losses = trace(page, "backprop", 3, "y")  # the loss curve now has steps 0 and 1
    assert len(losses) == 2 and losses[1] < losses[0]

    # Figure 3: sigmoid against ReLU, then the "exploding" preset.
    ready(page, "vanishing")
    assert "2.78 × 10⁻⁷" in readout(page, "vanishing")
    page.click("#figure-vanishing button:text('Exploding: 10 layers × 2')")
    page.wait_for_function(
        "() => document.getElementById('widget-vanishing-summary').textContent.includes('1024')")
    assert page.locator("#widget-vanishing-activation").input_value() == "linear"
    table = page.locator("#figure-vanishing .widget-table tbody tr")
    assert table.count() == 10
    screenshot(page, "widget-vanishing-desktop")
    assert_clean(page)
    context.close()


def test_far_from_every_figure_plotly_is_only_fetched_not_run(browser, strict_server):
    context, page = open_page(browser, PHONE)
    fetched: list[str] = []
    page.on("request", lambda r: "/vendor/plotly-" in r.url and fetched.append(r.url))
    open_chapter(page, strict_server, "/#checkpoint", wait_until="load")
    page.wait_for_function(
        "() => document.querySelector('link[rel=preload][as=script][href*=plotly]')")
    # Near a figure, plotly.js runs once the reader has stayed a second (and the browser is
    # idle): this page has stayed, far from every figure, well past that. Fetched once (the
    # preload), never added as a script, never run.
    page_clock_past(page, 2500)
    assert page.evaluate("typeof window.Plotly") == "undefined"
    assert page.locator("script[src*='/vendor/plotly-']").count() == 0
    assert len(fetched) == 1
    context.close()


def test_widgets_are_axe_clean_and_print_their_text_alternatives(browser, strict_server):
    context, page = open_page(browser, DESKTOP)
    open_chapter(page, strict_server, wait_until="load")
    for name in WIDGETS:
        ready(page, name)
        page.locator(f"#figure-{name} .widget-data summary").click()  # open the data table
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    for name in WIDGETS:
        assert page.locator(f"#widget-{name}-readout").is_visible()
        assert page.locator(f"#figure-{name} .widget-table").is_visible()
        assert page.locator(f"#figure-{name} .widget-controls").is_hidden()
    assert_clean(page)
    context.close()


def test_widgets_work_by_touch_at_phone_width_in_dark_mode(browser, strict_server):
    context, page = open_page(browser, PHONE, is_mobile=True, has_touch=True,
                              color_scheme="dark")
    open_chapter(page, strict_server, wait_until="load")
    for name in WIDGETS:
        figure = ready(page, name)
        hold_still(page, f"#figure-{name}")
        figure.screenshot(path=str(screenshot(page, f"widget-{name}-phone").parent
                                   / f"widget-{name}-phone-figure.png"))
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} makes the page scroll sideways ({width}px)"
        plot_width = page.locator(f"#widget-{name}-plot .main-svg").first.bounding_box()["width"]
        assert plot_width <= PHONE["width"]
    # Dark mode: the series take the lightened palette from the CSS variables.
    assert trace(page, "vanishing", 1, "line")["color"] == "#56b4e9"
    page.locator("#figure-backprop button:text('Take a gradient step')").tap()
    page.wait_for_function(
        "() => document.getElementById('widget-backprop-readout').textContent"
        ".includes('After 1 gradient step')")
    page.locator("#figure-backprop button:text('Back')").tap()
    assert page.locator("#widget-backprop-step").inner_text().startswith("Step 8 of 9")
    assert_clean(page)
    context.close()


def test_reduced_motion_replaces_play_with_step_buttons(browser, strict_server):
    context, page = open_page(browser, DESKTOP, reduced_motion="reduce")
    open_chapter(page, strict_server, wait_until="load")
    ready(page, "vanishing")
    assert page.locator("#figure-vanishing button:text('Play')").is_hidden()
    page.locator("#figure-vanishing button:text('Back')").click()
    assert page.locator("#widget-vanishing-step").inner_text().startswith("Step 10 of 11")
    assert_clean(page)
    context.close()


def test_figure_2_opens_on_its_first_step_and_builds_the_product_as_it_steps(browser,
                                                                             strict_server):
    context, page = open_page(browser, PHONE, is_mobile=True, has_touch=True)
    open_chapter(page, strict_server, wait_until="load")
    ready(page, "backprop")
    step = page.locator("#widget-backprop-step")
    summary = page.locator("#widget-backprop-summary")
    assert step.inner_text().startswith("Step 1 of 9") and "Press Next" in step.inner_text()
    assert page.locator("#figure-backprop button:text('Next')").is_enabled()
    assert "×" not in summary.inner_text()
    # Step 1 draws the inputs only: no forward value beyond W₁, no gradient yet.
    words = drawn_words(page, "backprop")
    assert "W₁ = 0.5" in words and "x = 2" in words
    assert not [w for w in words if w.startswith(("z ", "h ", "ŷ ", "L ", "∂L/", "×"))], words
    for _ in range(5):
        page.locator("#figure-backprop button:text('Next')").tap()
    assert step.inner_text().startswith("Step 6 of 9")
    assert summary.inner_text() == "∂L/∂W₁ = −0.245 × …"
    for _ in range(3):
        page.locator("#figure-backprop button:text('Next')").tap()
    assert summary.inner_text() == "∂L/∂W₁ = −0.245 × 1.2 × 0.197 × 2 ≈ −0.116"
    assert page.locator("#figure-backprop button:text('Next')").is_disabled()
    page.locator("#figure-backprop").screenshot(path=str(
        screenshot(page, "figure-backprop-phone-stepped").parent / "figure-backprop-390.png"))
    # Nothing runs off the phone's edge: every label of the graph ends inside the chart.
    overflow = page.evaluate("""() => {
      const plot = document.querySelector('#widget-backprop-plot .main-svg');
      const edge = plot.getBoundingClientRect();
      return Array.from(document.querySelectorAll('#widget-backprop-plot .textpoint text'))
        .map((t) => t.getBoundingClientRect())
        .filter((b) => b.width && (b.right > edge.right + 1 || b.left < edge.left - 1)).length;
    }""")
    assert overflow == 0
    assert_clean(page)
    context.close()


def test_each_change_is_said_in_one_short_sentence_and_the_words_wait_behind_a_disclosure(
        browser, strict_server):
    context, page = open_page(browser, PHONE, is_mobile=True, has_touch=True)
    open_chapter(page, strict_server, wait_until="load")
    for name in WIDGETS:
        ready(page, name)
        live = page.locator(f"#figure-{name} [aria-live]")
        assert live.count() == 1 and live.get_attribute("aria-live") == "polite", name
        assert live.text_content() == ""  # the first draw is not announced
        words = page.locator(f"#figure-{name} details.widget-words")
        assert words.get_attribute("open") is None and len(readout(page, name)) > 100
        words.locator("summary").tap()
        assert page.locator(f"#widget-{name}-readout").is_visible()
    page.focus("#widget-nudge-x")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-live').textContent.startsWith('dy/dx is now')")
    sentence = page.locator("#widget-nudge-live").text_content()
    assert len(sentence) < 40 and "0.4" not in sentence[:11], sentence
    page.locator("#figure-nudge button:text('Back')").tap()
    assert page.locator("#widget-nudge-live").text_content().startswith("Step 3 of 4")
    # The data table: a <details> with its marker; on a phone it scrolls sideways in a
    # focusable, labelled region, and its last column can be scrolled into view.
    table_box = page.locator("#figure-vanishing details.widget-data")
    marker = table_box.locator("summary").evaluate("s => getComputedStyle(s).display")
    assert marker == "list-item"
    page.locator("#figure-vanishing .widget-more summary").tap()  # on a phone, behind it
    page.select_option("#widget-vanishing-mode", "network")
    page.wait_for_function("() => document.querySelectorAll("
                           "'#figure-vanishing .widget-table thead th').length >= 5")
    table_box.locator("summary").tap()
    region = table_box.locator(".widget-table-scroll")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    assert "data table" in region.get_attribute("aria-label")
    wide = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert wide[0] > wide[1], wide  # it scrolls, not the page
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    region.focus()
    page.keyboard.press("ArrowRight")  # the focused region scrolls by keyboard (smoothly:
    region.element_handle().wait_for_element_state("stable")  # let the scroll land)
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    region.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    last = table_box.locator("thead th").last.bounding_box()
    box = region.bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1
    region.screenshot(path=str(screenshot(page, "widget-vanishing-table-phone").parent
                               / "widget-vanishing-table-phone-region.png"))
    assert_clean(page)
    context.close()


def test_an_answer_arriving_after_a_newer_press_does_not_move_the_slider_back(
        browser, strict_server):
    """A key press whose figure is still on its way, then another: when the older answer
    lands, the slider keeps the newer value and the figure settles on it (not on the old)."""
    context, page = open_page(browser, DESKTOP)
    open_chapter(page, strict_server, wait_until="load")
    ready(page, "nudge")
    held = []

    def hold_the_first(route):
        if "x=1.1" in route.request.url and "sweep=" not in route.request.url and not held:
            held.append(route)  # answered below, after the reader's next press
        else:
            route.continue_()

    page.route("**/api/widgets/nudge?*", hold_the_first)
    widget = "document.querySelector('#figure-nudge .widget')"
    page.focus("#widget-nudge-x")
    page.keyboard.press("ArrowRight")  # 1.1: asked once the keys rest, and held
    page.wait_for_function(f"() => {widget}.dataset.state === 'loading'")
    page.keyboard.press("ArrowRight")  # 1.2, while 1.1's answer is on its way
    held[0].continue_()
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-readout').textContent.includes('x = 1.2')"
        f" && {widget}.dataset.state === 'ready'")
    assert page.locator("#widget-nudge-x").input_value() == "1.2"
    assert trace(page, "nudge", 2) == [1.2]
    context.close()
