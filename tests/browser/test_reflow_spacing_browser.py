"""Reflow (WCAG 1.4.10) and text spacing (1.4.12): at 320 CSS px, and at 1280 px zoomed to
400 % (a 320 × 256 px window), nothing needs scrolling in two directions except a formula or
a table inside its own labelled, focusable region; with the spacing a reader's style sheet
may force, no text is cut off and no control's words spill out of it."""

from __future__ import annotations

import pytest

from tests.browser.pages import figure_ready, new_page, open_chapter, screenshot
from tests.browser.test_teach_states_resume_browser import scripted_class

# 1280 × 1024 at 400 % zoom is 320 × 256 CSS px, drawn with four device pixels to each.
WINDOWS = {"320px": ({"width": 320, "height": 640}, 1),
           "1280px-at-400pc": ({"width": 320, "height": 256}, 4)}

# Every element that scrolls sideways, with whether it is an allowed region (a formula or a
# table, keyboard-reachable and named), and every element whose box pokes out of the window
# without a scrolling ancestor to hold it.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== 'hidden'; };
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)
    && e.scrollWidth > e.clientWidth + 1;
  const all = Array.from(document.querySelectorAll('body *')).filter(shown);
  const regions = all.filter(scrolls).map((e) => ({
    cls: e.getAttribute('class'), id: e.id,
    allowed: e.matches('.math-display, .widget-table-scroll, .table-scroll, .your-numbers-worked')
      && (e.getAttribute('tabindex') === '0' || !!e.querySelector('a, button, input'))
      && !!(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))}));
  const held = (e) => { for (let p = e.parentElement; p; p = p.parentElement) {
      if (scrolls(p) || getComputedStyle(p).overflowX !== 'visible') return true; }
    return false; };
  const out = all.filter((e) => { const r = e.getBoundingClientRect();
      return r.right > width + 1 && r.left < width && !held(e)
        && !e.closest('.visually-hidden, .skip-link, .term-tip:not(:hover)'); })
    .map((e) => `${e.tagName}.${e.getAttribute('class')}#${e.id}`);
  return {page: document.documentElement.scrollWidth - width, regions, out};
}"""


def reflow_problems(page) -> list:
    found = page.evaluate(SIDEWAYS)
    problems = [f"the page scrolls sideways by {found['page']} px"] if found["page"] > 0 else []
    problems += [f"scrolls sideways outside a labelled region: {r}" for r in found["regions"]
                 if not r["allowed"]]
    return problems + [f"out of the window: {e}" for e in found["out"]]


def _open_all(page) -> None:
    """Every disclosure open, so what it holds is checked too."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")


@pytest.mark.parametrize("window", list(WINDOWS))
def test_the_chapter_reflows_without_two_dimensional_scrolling(browser, live_server, window):
    viewport, scale = WINDOWS[window]
    context, page = new_page(browser, viewport, device_scale_factor=scale, is_mobile=True)
    open_chapter(page, live_server)
    for name in ("nudge", "backprop", "vanishing"):
        figure_ready(page, name, drawn=True)
    _open_all(page)
    assert reflow_problems(page) == []
    # The formulas that do scroll are there (a phone has wide ones) and each is a region.
    assert page.eval_on_selector_all(
        ".math-display", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length") > 0
    screenshot(page, f"reflow-chapter-{window}")
    context.close()


@pytest.mark.parametrize("window", list(WINDOWS))
def test_the_checkpoint_results_and_dashboard_reflow(browser, live_server, live_app, window):
    viewport, scale = WINDOWS[window]
    context, page = new_page(browser, viewport, device_scale_factor=scale, is_mobile=True)
    open_chapter(page, live_server, "/#checkpoint")
    page.wait_for_selector("#q4 .steps.is-enhanced")
    form = page.locator("form#q2")
    form.locator("label[for='q2-true']").click()
    form.locator("[data-role=submit]").click()
    form.locator("[data-role=result] .result").wait_for()
    _open_all(page)
    assert reflow_problems(page) == []
    klass = scripted_class(live_app)
    page.goto(live_server.url + klass["teach"])
    page.locator("[data-roster] tbody tr").first.wait_for()
    _open_all(page)
    assert reflow_problems(page) == []
    screenshot(page, f"reflow-dashboard-{window}", full_page=True)
    context.close()


def test_a_wide_block_that_is_not_a_region_is_caught(browser, live_server):
    context, page = new_page(browser, WINDOWS["320px"][0], is_mobile=True)
    open_chapter(page, live_server, wait_until="load")
    page.evaluate("""() => { const d = document.createElement('div');
        d.style.width = '600px'; d.textContent = 'wide'; d.className = 'too-wide';
        document.querySelector('main').prepend(d); }""")
    assert any("too-wide" in p for p in reflow_problems(page))
    context.close()


# WCAG 1.4.12's spacing, forced the way a reader's style sheet or bookmarklet would.
SPACING = """* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
                 word-spacing: 0.16em !important; }
             p { margin-bottom: 2em !important; }"""

# Text that is cut off: a box that hides what overflows it while its content is bigger, or
# a control whose words run past its own edges (over its neighbours). Visually hidden text
# (1 px, for screen readers) is not shown anyway.
CLIPPED = """() => {
  const shown = (e) => { const r = e.getBoundingClientRect();
    return r.width > 2 && r.height > 2 && getComputedStyle(e).visibility !== 'hidden'
      && !e.closest('.visually-hidden, .widget-plot, .chart'); };
  const hidden = (v) => ['hidden', 'clip'].includes(v);
  // A box that scrolls along an axis hides nothing along it, if the keyboard can scroll it.
  const hides = (e, v) => hidden(v) || (['auto', 'scroll'].includes(v)
    && e.getAttribute('tabindex') !== '0' && !e.querySelector('a, button, input'));
  // What a box cuts: a descendant drawn past its edge on an axis along which it hides.
  const cuts = (e, s) => {
    const box = e.getBoundingClientRect();
    const x = hides(e, s.overflowX), y = hides(e, s.overflowY);
    if (!x && !y) return false;
    return Array.from(e.querySelectorAll('*')).some((d) => {
      const r = d.getBoundingClientRect();
      if (r.width < 1 || r.height < 1 || !d.textContent.trim()) return false;
      return (x && (r.left < box.left - 1 || r.right > box.right + 1))
        || (y && (r.top < box.top - 1 || r.bottom > box.bottom + 1));
    }) || (Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.data.trim())
           && ((x && e.scrollWidth > e.clientWidth + 1)
               || (y && e.scrollHeight > e.clientHeight + 1)));
  };
  // A control whose own words run past its edges, over its neighbours.
  const spills = (e) => e.matches('button, summary, label, output, .badge, .button')
    && e.scrollWidth > e.clientWidth + 1;
  return Array.from(document.querySelectorAll('body *')).filter(shown)
    .filter((e) => cuts(e, getComputedStyle(e)) || spills(e))
    .map((e) => `${e.tagName}.${e.getAttribute('class')}#${e.id}: ${e.textContent.trim()
      .slice(0, 40)} (${e.scrollWidth}/${e.clientWidth} × ${e.scrollHeight}/${e.clientHeight})`);
}"""



def spaced(page) -> None:
    page.add_style_tag(content=SPACING)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900},
                                      {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_raised_text_spacing_cuts_nothing_off(browser, live_server, live_app, viewport):
    context, page = new_page(browser, viewport)
    open_chapter(page, live_server)
    figure_ready(page, "nudge", drawn=True)
    form = page.locator("form#q2")
    form.locator("label[for='q2-true']").click()
    form.locator("[data-role=submit]").click()
    form.locator("[data-role=result] .result").wait_for()
    _open_all(page)
    spaced(page)
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, f"text-spacing-{viewport['width']}")
    klass = scripted_class(live_app)
    page.goto(live_server.url + klass["teach"])
    page.locator("[data-roster] tbody tr").first.wait_for()
    _open_all(page)
    spaced(page)
    assert page.evaluate(CLIPPED) == []
    context.close()


def test_a_box_that_cuts_its_text_off_is_caught(page, live_server):
    open_chapter(page, live_server, wait_until="load")
    page.evaluate("""() => { const b = document.createElement('button');
        b.textContent = 'A long label that cannot fit'; b.id = 'cramped';
        b.style.cssText = 'width: 40px; overflow: hidden; white-space: nowrap';
        document.querySelector('main').prepend(b); }""")
    spaced(page)
    assert [c for c in page.evaluate(CLIPPED) if "#cramped" in c]
