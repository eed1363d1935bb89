"""Linked highlighting in a real browser: a factor reached with Tab lights up its figure part
when the chart is on screen, or shows its value in a readout beside it when not (and says so);
the figure's own hover lights up the factors on screen with it (its formula strip's); a
highlighted pair is on screen together at 1366 and 390 px; reduced motion honoured and axe
clean while highlights are on."""

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
STRIP = "[data-formula-strip='{}'] .formula-factor[data-link='{}']"

# What is highlighted, whether each highlighted box intersects the viewport, and the readout.
STATE = """() => {
  const seen = (n) => { const r = n.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0
      && r.left < innerWidth; };
  const lit = Array.from(document.querySelectorAll('[data-highlight]')).map((n) => ({
    figure: n.tagName === 'FIGURE' ? n.id.replace('figure-', '') : null,
    link: n.tagName === 'FIGURE' ? n.dataset.highlight : n.dataset.link, seen: seen(n)}));
  const r = document.getElementById('link-readout');
  return {lit, readout: r && !r.hidden ? {text: r.textContent, seen: seen(r)} : null,
          active: document.activeElement && document.activeElement.dataset.link};
}"""


def settle(page):
    """Wait for a smooth scroll (focus brings a factor into view) to come to rest."""
    page.evaluate("""() => new Promise((done) => { let last = -1, still = 0;
      const look = () => { still = scrollY === last ? still + 1 : 0; last = scrollY;
        if (still >= 6) done(); else requestAnimationFrame(look); };
      look(); })""")


def assert_pair_on_screen(page, link, figure):
    """Every highlight is on screen; the factor's figure is highlighted with it, or, when its
    chart is off screen, not at all and the readout beside the factor gives the value."""
    settle(page)
    state = page.evaluate(STATE)
    assert state["lit"], link
    off = [x for x in state["lit"] if not x["seen"]]
    assert not off, f"{link}: highlighted off screen: {off}"
    figures = [x for x in state["lit"] if x["figure"]]
    if figures:
        assert figures == [{"figure": figure, "link": link, "seen": True}]
        assert state["readout"] is None
        return "figure"
    assert state["readout"] and state["readout"]["seen"], link
    assert any(c.isdigit() for c in state["readout"]["text"]), state["readout"]
    return "readout"


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
            assert_pair_on_screen(page, link, figure)
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
    # The focused factor is marked, and so is any factor of that name on screen with it — none
    # off screen (those in 07 are thousands of pixels away).
    assert page.locator(f'#long-compositions {FACTOR}[data-link="dh_dz"][data-highlight]').count()
    settle(page)
    state = page.evaluate(STATE)
    assert all(x["seen"] for x in state["lit"]), state


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
    # Clear of the sticky formula strip: stepping may leave the graph's top under it.
    label.evaluate("e => e.scrollIntoView({block: 'center'})")
    hold_still(page, selector)  # drawn where the last step puts it
    box = label.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # The figure's own formula strip, on screen beside the chart, marks the factor.
    page.wait_for_function("s => document.querySelector(s)?.hasAttribute('data-highlight')",
                           arg=STRIP.format("backprop", "dL_dyhat"))
    assert all(x["seen"] for x in page.evaluate(STATE)["lit"])
    assert "∂L/∂ŷ" in page.locator("#links-voice").text_content()
    page.mouse.move(0, 0)
    page.wait_for_function("() => !document.querySelector('.link-factor[data-highlight]')")


def test_a_figure_event_marks_the_factor_and_announces_it(page, live_server):
    # The figure script's side of the contract, sent as it sends it.
    # The figure sends it while the reader points at it, so the figure is on screen.
    open_chapter(page, live_server)
    page.locator("[data-formula-strip='backprop']").scroll_into_view_if_needed()
    page.evaluate("() => document.dispatchEvent(new CustomEvent('seeingml:link',"
                  " {detail: {figure: 'backprop', link: 'dh_dz'}}))")
    marked = page.locator("[data-link][data-highlight]")
    assert marked.count() >= 1
    assert {marked.nth(i).get_attribute("data-link") for i in range(marked.count())} == {"dh_dz"}
    assert all(x["seen"] for x in page.evaluate(STATE)["lit"])  # none marked off screen
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
    if api:  # the chart is off screen: no silent highlight, the value beside the factor instead
        assert assert_pair_on_screen(page, "dL_dyhat", "backprop") == "readout"
    # The page never scrolls sideways at 390 px.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "links-phone-390")
    factor.tap()  # a second tap lets go
    page.wait_for_function("(f) => !f.hasAttribute('data-highlight')",
                           arg=factor.element_handle())
    assert page.locator("#link-readout").is_hidden()


def test_screenshot_desktop(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    open_chapter(page, live_server)
    factor = page.locator(f"#long-compositions {FACTOR}").nth(1)
    factor.focus()
    factor.scroll_into_view_if_needed()
    page.evaluate("() => window.scrollBy(0, -200)")
    screenshot(page, "links-desktop-1366")


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, PHONE],
                         ids=["desktop-1366", "phone-390"])
def test_every_linked_pair_is_on_screen_together(browser, live_server, viewport):
    # Each factor in the prose and in the figures' strips, in turn: while it is highlighted,
    # every highlighted box intersects the viewport; where the chart is off screen, the value
    # stands beside the factor, and "Show in figure" brings the pair into view there.
    context = browser.new_context(viewport=viewport, is_mobile=viewport is PHONE,
                                  has_touch=viewport is PHONE)
    page = context.new_page()
    open_chapter(page, live_server)
    if not has_figure_api(page):
        pytest.skip("the figure script's highlight API is absent")
    figure_ready(page, "nudge")
    figure_ready(page, "backprop")
    factors = page.locator(".link-factor[data-link], .formula-factor[data-link]")
    kinds = set()
    for i in range(factors.count()):
        factor = factors.nth(i)
        link, figure = factor.get_attribute("data-link"), factor.get_attribute("data-figure")
        factor.focus()
        kind = assert_pair_on_screen(page, link, figure)
        kinds.add(kind)
        if kind == "readout":
            symbol = factor.get_attribute("data-symbol") or page.locator(
                "#" + factor.get_attribute("aria-describedby")).text_content().split(",")[0]
            assert symbol in page.locator("#link-readout").text_content()
            page.keyboard.press("Enter")  # show in figure
            page.wait_for_function(
                "([f, l]) => document.getElementById('figure-' + f).dataset.highlight === l",
                arg=[figure, link])
            assert assert_pair_on_screen(page, link, figure) == "figure"
            assert page.evaluate(STATE)["active"] == link  # the strip's factor has focus
        page.evaluate("() => document.activeElement.blur()")
        assert page.evaluate(STATE)["lit"] == []
    # Both halves of the rule were exercised: pairs shown together, and readouts instead.
    assert kinds == {"figure", "readout"}
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    context.close()


def test_show_in_figure_by_pointer_and_the_strip_follows_the_figure(page, live_server):
    open_chapter(page, live_server)
    if not has_figure_api(page):
        pytest.skip("the figure script's highlight API is absent")
    factor = page.locator(f"#concrete-backward-pass {FACTOR}[data-link='dh_dz']").first
    factor.scroll_into_view_if_needed()
    box = factor.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    readout = page.locator("#link-readout")
    readout.wait_for(state="visible")
    assert "∂h/∂z = 0.197" in readout.text_content()
    # The pointer travels to the button without the readout letting go.
    button = readout.locator("button")
    bb = button.bounding_box()
    page.mouse.move(bb["x"] + bb["width"] / 2, bb["y"] + bb["height"] / 2)
    button.click()
    page.wait_for_function("() => document.getElementById('figure-backprop')"
                           ".dataset.highlight === 'dh_dz'", timeout=10000)
    assert assert_pair_on_screen(page, "dh_dz", "backprop") == "figure"
    # A gradient step: the strip shows the trained network's values, as the figure does.
    page.locator('#figure-backprop [data-action="step"]').click()
    page.wait_for_function("s => document.querySelector(s).textContent !== '0.197'",
                           arg=f"{STRIP.format('backprop', 'dh_dz')} [data-readout]",
                           timeout=10000)
    table = page.locator("#figure-backprop .widget-table").text_content()
    shown = page.locator(f"{STRIP.format('backprop', 'dh_dz')} [data-readout]").text_content()
    assert shown in table
