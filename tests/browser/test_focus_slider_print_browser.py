"""Focus never hidden under the sticky masthead (WCAG 2.4.11), a way to set every slider
without dragging (2.5.7), and the printed chapter: no speech texts, no controls, every
picture (1.4.1 / 1.1.1 on paper)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.pages import (
    DESKTOP,
    PHONE,
    figure_ready,
    frames,
    new_page,
    open_chapter,
    screenshot,
)

# Where the focused element is drawn against the masthead: covered entirely, in part, or not.
COVER = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (!e.dataset.walk) e.dataset.walk = String(Math.random());
  const masthead = document.querySelector('.masthead');
  const r = e.getBoundingClientRect();
  const inside = !!e.closest('.masthead');
  // Five points of the element's box that are in the window: what is drawn on top there.
  const xs = [r.left + 2, (r.left + r.right) / 2, r.right - 2];
  const ys = [r.top + 2, (r.top + r.bottom) / 2, r.bottom - 2];
  const points = [[xs[1], ys[1]], [xs[0], ys[0]], [xs[2], ys[0]], [xs[0], ys[2]], [xs[2], ys[2]]]
    .filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
  const covered = points.filter(([x, y]) => {
    const top = document.elementFromPoint(x, y);
    return top && masthead.contains(top) && !e.contains(top); }).length;
  return {id: e.dataset.walk, what: `${e.tagName}.${e.className} ${
            (e.getAttribute('aria-label') || e.textContent).trim().slice(0, 30)}`,
          hidden: !inside && (points.length === 0 || covered === points.length),
          partly: !inside && covered > 0};
}"""


def focus_walk(page, limit: int = 900) -> list[dict]:
    """Tab from the top through every stop once; where each landed against the masthead."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops, seen = [], set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        frames(page)  # the browser has scrolled the element into view
        stop = page.evaluate(COVER)
        if stop is None or stop["id"] in seen:
            break
        seen.add(stop["id"])
        stops.append(stop)
    return stops


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_tab_stop_is_hidden_under_the_masthead(browser, live_server, viewport):
    context, page = new_page(browser, viewport, reduced_motion="reduce")
    open_chapter(page, live_server)
    figure_ready(page, "nudge")
    stops = focus_walk(page)
    assert len(stops) > 60  # the walk went through the whole page
    assert [s["what"] for s in stops if s["hidden"] or s["partly"]] == []
    context.close()


def test_a_stop_under_the_masthead_is_caught(page, live_server):
    open_chapter(page, live_server)
    page.evaluate("document.documentElement.style.scrollPaddingTop = '0px'")
    page.evaluate("""() => { const b = document.createElement('button');
        b.textContent = 'Tucked'; b.style.cssText = 'position: relative; top: 0';
        document.querySelector('#main').prepend(b);
        window.scrollTo({top: 400, behavior: 'instant'});
        b.scrollIntoView({behavior: 'instant'}); b.focus({preventScroll: true}); }""")
    stop = page.evaluate(COVER)
    assert stop["hidden"] or stop["partly"]


# Each slider on the page: its figure, its value, its range.
SLIDERS = """() => Array.from(document.querySelectorAll('.figure input[type=range]'))
  .filter((s) => s.getClientRects().length > 0)
  .map((s) => ({id: s.id, figure: s.closest('.figure').dataset.widget,
                min: +s.min, max: +s.max, value: +s.value}))"""


def _asks_for(name: str, param: str, old: float):
    """A figure request (not a sweep) for ``name`` with ``param`` moved off ``old``."""
    def match(response) -> bool:
        query = parse_qs(urlparse(response.url).query)
        return (f"/api/widgets/{name}?" in response.url and "sweep" not in query
                and param in query and float(query[param][0]) != old)
    return match


def _asked_value(response, param: str) -> float:
    return float(parse_qs(urlparse(response.url).query)[param][0])


def test_every_slider_is_set_by_keys_and_by_one_press_without_a_drag(page, live_server):
    """2.5.7: each slider is a native range input, so the arrow keys step it and a single
    press on its track sets it; the figure is redrawn at the new value either way, so a drag
    is never needed."""
    open_chapter(page, live_server)
    for name in ("nudge", "backprop", "vanishing"):
        figure_ready(page, name)
    page.evaluate("document.querySelectorAll('.widget-more').forEach(d => d.open = true)")
    sliders = page.evaluate(SLIDERS)
    assert len(sliders) >= 10
    for s in sliders:
        slider, param = page.locator(f"#{s['id']}"), s["id"].split("-", 2)[2]
        slider.scroll_into_view_if_needed()
        slider.focus()
        figure_ready(page, s["figure"])
        with page.expect_response(_asks_for(s["figure"], param, s["value"])) as asked:
            page.keyboard.press("ArrowLeft" if s["value"] >= s["max"] else "ArrowRight")
        assert _asked_value(asked.value, param) == float(slider.input_value()), s["id"]
        figure_ready(page, s["figure"])
        # One press near the track's start: no movement between press and release.
        box, now = slider.bounding_box(), float(slider.input_value())
        with page.expect_response(_asks_for(s["figure"], param, now)) as asked:
            page.mouse.click(box["x"] + 3, box["y"] + box["height"] / 2)
        assert float(slider.input_value()) <= s["min"] + (s["max"] - s["min"]) * 0.1, s["id"]
        assert _asked_value(asked.value, param) == float(slider.input_value()), s["id"]
        figure_ready(page, s["figure"])
    assert page.watch.errors == []


def test_the_ordering_question_moves_steps_with_buttons_as_well_as_by_drag(page, live_server):
    """The one drag in the checkpoint (q4's order) has Move up / Move down buttons."""
    open_chapter(page, live_server, "/#checkpoint")
    page.wait_for_selector("#q4 .steps.is-enhanced")
    steps = page.locator("#q4 .step")
    assert steps.count() >= 3
    for i in range(steps.count()):
        moves = steps.nth(i).locator(".step-moves button")
        assert moves.count() == 2
    first = page.eval_on_selector_all("#q4 .step", "els => els.map(e => e.dataset.step)")
    steps.nth(0).locator("[data-move=down]").click()
    after = page.eval_on_selector_all("#q4 .step", "els => els.map(e => e.dataset.step)")
    assert after[:2] == [first[1], first[0]]


# In print: what is still drawn of each kind (a control, a speech text, a picture).
PRINTED = """() => {
  const drawn = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  return {
    // A key term is a word in its sentence on paper; a choice's radio is the ring to tick.
    controls: Array.from(document.querySelectorAll(
        'button:not(.term-trigger), input:not([type=hidden]):not([type=radio]), select,'
        + ' textarea, [role=button], [role=slider]'))
      .filter(drawn).filter((e) => !e.closest('.visually-hidden'))
      .map((e) => `${e.tagName}#${e.id}.${e.className} ${e.textContent.trim().slice(0, 30)}`),
    speech: Array.from(document.querySelectorAll('.math-speech')).filter(drawn).length,
    figures: Array.from(document.querySelectorAll('figure[data-widget]')).map((f) => {
      const img = f.querySelector('.widget-picture img');
      const chart = f.querySelector('.widget-plot svg.main-svg');
      return [f.dataset.widget, !!(img && drawn(img) && img.complete && img.naturalWidth > 0)
              || !!(chart && drawn(chart))];
    }),
  };
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_print_has_no_speech_text_no_control_and_every_picture(browser, live_server, viewport):
    context, page = new_page(browser, viewport)
    open_chapter(page, live_server)
    for name in ("nudge", "backprop", "vanishing"):
        figure_ready(page, name, drawn=True)
    page.locator("form#q2 label[for='q2-true']").click()
    page.locator("form#q2 [data-role=submit]").click()
    page.locator("form#q2 [data-role=result] .result").wait_for()
    assert page.locator(".math-speech").count() >= 10
    page.emulate_media(media="print")
    printed = page.evaluate(PRINTED)
    assert printed["controls"] == []
    assert printed["speech"] == 0
    assert len(printed["figures"]) == 3 and all(ok for _, ok in printed["figures"]), printed
    screenshot(page, f"print-{viewport['width']}", full_page=False)
    context.close()


def test_a_control_left_in_print_is_caught(page, live_server):
    open_chapter(page, live_server, wait_until="load")
    page.evaluate("""() => { const b = document.createElement('button');
        b.textContent = 'Left on paper'; document.querySelector('main').prepend(b); }""")
    page.emulate_media(media="print")
    assert any("Left on paper" in c for c in page.evaluate(PRINTED)["controls"])
