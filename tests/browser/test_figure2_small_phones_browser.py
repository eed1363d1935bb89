"""Figure 2 on small phones (320 × 568, 320 × 640, 360 × 640): at its last step every word the
chart draws is whole inside the chart and clear of the other words, the nodes and the arrows,
for settings at the ends of the sliders (long negative numbers, powers of ten) and after
training; and on a phone under 41rem tall, whose screen cannot hold the chart with a slider
below it, the formula strip never covers the chart — at any step, scrolled anywhere through
the figure, and while a slider has the focus or is dragged."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from tests.browser.pages import (
    box,
    figure_ready,
    frames,
    hold_still,
    idle,
    new_page,
    open_chapter,
    screenshot,
    set_controls,
)

SLIDERS = FIGURES["backprop"].sliders
# What goes wrong with the chart's drawn words (the graph's labels and the loss panel's ticks
# and titles): a line of words (each line of a label of several) outside the chart's box, or
# over another word, a node or an arrow.
FAULTS = """() => {
  const plot = document.getElementById('widget-backprop-plot');
  const chart = plot.querySelector('svg.main-svg').getBoundingClientRect();
  const boxOf = (e) => { const b = e.getBoundingClientRect();
    return {l: b.left, r: b.right, t: b.top, b: b.bottom}; };
  const words = [];
  // The graph's labels, and the loss panel's ticks, axis titles and panel title.
  plot.querySelectorAll('svg text').forEach((t) => {
    if (!t.textContent.trim() || Number(getComputedStyle(t).fillOpacity) === 0) return;
    const lines = t.querySelectorAll('tspan.line');
    (lines.length ? Array.from(lines) : [t]).forEach((line) =>
      words.push({what: line.textContent, ...boxOf(line)}));
  });
  const marks = Array.from(plot.querySelectorAll('.scatterlayer .points path'))
    .map((p) => ({what: 'node', ...boxOf(p)}));
  const arrows = Array.from(plot.querySelectorAll('.annotation-arrow-g path'))
    .map((p) => ({what: 'arrow', ...boxOf(p)}));
  const over = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 1
    && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 1;
  const inside = (w, m) => { const x = (w.l + w.r) / 2, y = (w.t + w.b) / 2;
    return x > m.l && x < m.r && y > m.t && y < m.b; };  // a node's own name, in its circle
  const faults = [];
  words.forEach((w, i) => {
    if (w.l < chart.left - 0.5 || w.r > chart.right + 0.5) faults.push(`${w.what} is cut off`);
    words.slice(i + 1).forEach((v) => { if (over(w, v)) faults.push(`${w.what} over ${v.what}`); });
    [...marks, ...arrows].forEach((m) => {
      if (over(w, m) && !inside(w, m)) faults.push(`${w.what} over a ${m.what}`);
    });
  });
  return {faults, count: words.length};
}"""


def _open(browser, live_server, viewport, **options):
    context, page = new_page(browser, viewport, is_mobile=True, has_touch=True, **options)
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)  # the first interaction: the figures' scripts load
    figure_ready(page, "backprop", drawn=True)
    return context, page


def _to_step(page, step: int) -> None:
    """Back or Next until the figure shows ``step`` (1…9), then wait for the chart to rest."""
    for _ in range(9):
        text = page.text_content("#widget-backprop-step")
        now = int(text.split()[1])
        if now == step:
            break
        page.click(f"#figure-backprop [data-action='{'next' if now < step else 'back'}']")
        page.wait_for_function("(n) => document.getElementById('widget-backprop-step')"
                               ".textContent.startsWith(`Step ${n} of 9`)",
                               arg=now + (1 if now < step else -1))
    hold_still(page, PULSE)  # the step's pulse has moved to its node
    idle(page)


PULSE = "#widget-backprop-plot .scatterlayer .trace:last-of-type .points path"


SETTINGS = [
    {},
    # ŷ − t ≈ −2.8 × 10⁻¹²: the longest words, and loss ticks as long as 2×10⁻²⁴
    {"x": -5, "w1": -5, "w2": 0.1, "target": 0.1},
    {"x": -4.9, "w1": -4.9, "w2": -4.9, "target": -4.9},
    {"x": 5, "w1": -5, "w2": -5, "target": 5},  # a saturated hidden unit
]


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 568}, {"width": 320, "height": 640},
                                      {"width": 360, "height": 640}],
                         ids=["320x568", "320x640", "360x640"])
def test_every_word_of_the_last_step_is_whole_and_clear_on_a_small_phone(
        browser, live_server, viewport):
    context, page = _open(browser, live_server, viewport)
    for settings in SETTINGS:
        if settings:
            set_controls(page, "backprop", settings)
            page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
        _to_step(page, 9)
        found = page.evaluate(FAULTS)
        assert found["count"] >= 20, found  # every label of the whole pass is drawn
        assert found["faults"] == [], (settings, found["faults"])
    screenshot(page, f"figure-backprop-words-{viewport['width']}x{viewport['height']}")
    # Trained with the largest learning rate until the weights run away: long numbers and
    # powers of ten in the weights' own labels too.
    set_controls(page, "backprop", {"x": -5, "w1": 0.5, "w2": 0.5, "target": 5, "eta": 2})
    page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    for _ in range(6):
        page.click("#figure-backprop [data-action='step']")
        page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    _to_step(page, 9)
    found = page.evaluate(FAULTS)
    assert found["faults"] == [], found["faults"]
    # Settings set at once ask for several sweeps: the server builds one at a time and says
    # so (429, Retry-After); nothing else may go wrong.
    assert not [e for e in page.watch.errors if "sweep=" not in e and "429" not in e], \
        page.watch.errors
    context.close()


def _strip_over_chart(page, name: str = "backprop") -> list:
    """Where a figure's formula strip and its chart are both on screen and overlap (empty if
    not)."""
    strip = box(page, f"#figure-{name} .formula-strip")
    plot = box(page, f"#widget-{name}-plot")
    across = min(strip["bottom"], plot["bottom"]) - max(strip["top"], plot["top"])
    on_screen = strip["bottom"] > 0 and strip["top"] < page.viewport_size["height"]
    return [round(strip["top"]), round(strip["bottom"]), round(plot["top"])] \
        if on_screen and across > 1 else []


HIT = """(s) => { const b = document.querySelector(s).getBoundingClientRect();
    const y = b.top + b.height / 2;
    if (y < 0 || y > innerHeight) return `off screen (${Math.round(y)})`;
    const hit = document.elementFromPoint(b.left + b.width / 2, y);
    return hit && (hit.closest(s) ? s : hit.id || hit.className.baseVal || hit.className); }"""


@pytest.mark.parametrize(("viewport", "scheme"), [
    ({"width": 320, "height": 568}, "light"), ({"width": 360, "height": 640}, "dark"),
    ({"width": 320, "height": 640}, "light")], ids=["320x568-light", "360x640-dark", "320x640"])
def test_on_a_short_phone_the_formula_strip_never_covers_the_chart(browser, live_server,
                                                                 viewport, scheme):
    context, page = _open(browser, live_server, viewport, color_scheme=scheme)
    page.evaluate("document.querySelector('#figure-backprop .widget-more').open = true")
    header = box(page, "header.masthead")
    for step in (1, 9):
        _to_step(page, step)
        # Scrolled through the whole figure, a screen's fifth at a time.
        top = page.evaluate("document.getElementById('figure-backprop').getBoundingClientRect()"
                            ".top + scrollY")
        end = page.evaluate("document.getElementById('figure-backprop').getBoundingClientRect()"
                            ".bottom + scrollY")
        y = top - viewport["height"]
        while y < end:
            page.evaluate("(y) => window.scrollTo({top: y, behavior: 'instant'})", y)
            frames(page)
            assert _strip_over_chart(page) == [], (step, y)
            y += viewport["height"] / 5
        for slider in SLIDERS:
            control = f"#widget-backprop-{slider}"
            page.locator(control).focus()
            hold_still(page, control)
            assert _strip_over_chart(page) == [], (step, slider)
            for part in (control, f"label[for='widget-backprop-{slider}']"):
                assert page.evaluate(HIT, part) == part, (step, slider, part)
            assert box(page, control)["top"] >= header["bottom"] - 1
    # Dragged (at the first step, whose words keep their lines): the strip stays off the
    # chart, the slider under the finger.
    _to_step(page, 1)
    page.locator("#widget-backprop-w1").evaluate(
        "e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
    hold_still(page, "#widget-backprop-w1")
    before = box(page, "#widget-backprop-w1")
    y = (before["top"] + before["bottom"]) / 2
    page.mouse.move(before["left"] + 12, y)
    page.mouse.down()
    for i in range(1, 16):
        page.mouse.move(before["left"] + 12 + (before["right"] - before["left"] - 24) * i / 15, y)
        frames(page, 1)
        assert _strip_over_chart(page) == [], i
    after = box(page, "#widget-backprop-w1")
    size = f"{viewport['width']}x{viewport['height']}"
    screenshot(page, f"figure-backprop-short-drag-{size}-{scheme}")
    page.mouse.up()
    assert abs(after["top"] - before["top"]) < 1, (before, after)
    assert not page.watch.errors, page.watch.errors
    context.close()


def test_on_a_short_phone_figure_1_does_not_hold_its_strip_over_its_chart(browser, live_server):
    # Figure 1's strip too (Figure 3 has none): on a 320 × 568 screen a strip held under the
    # masthead would cover most of what is left of the chart scrolling under it.
    name = "nudge"
    viewport = {"width": 320, "height": 568}
    context, page = new_page(browser, viewport, is_mobile=True, has_touch=True)
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)
    figure_ready(page, name, drawn=True)
    top, end = page.evaluate("""(id) => { const b = document.getElementById(id)
        .getBoundingClientRect(); return [b.top + scrollY, b.bottom + scrollY]; }""",
                             f"figure-{name}")
    y = top - viewport["height"]
    while y < end:
        page.evaluate("(y) => window.scrollTo({top: y, behavior: 'instant'})", y)
        frames(page)
        assert _strip_over_chart(page, name) == [], y
        y += viewport["height"] / 5
    context.close()
