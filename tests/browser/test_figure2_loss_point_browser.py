"""Figure 2's loss panel keeps its points while the reader steps through the pass: the loss
at step 0 (and at each gradient step taken) stays drawn, visible, after Next, Back, a gradient
step, Reset training and a dragged slider, on a desktop and on a phone.

plotly.js animates only the panels of the traces a step frame lists and removes what it drew
in every other; the frames list the loss trace too (chapter/figures/backprop.py)."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    figure_ready,
    new_page,
    open_chapter,
    touch_drag,
)

# The loss panel's markers as drawn: each one's size, fill and opacities, and its visibility.
LOSS_POINTS = """() => Array.from(document.querySelectorAll(
    '#widget-backprop-plot .subplot.x2y2 .scatterlayer .trace .points path.point')).map((p) => {
  const box = p.getBoundingClientRect();
  const style = getComputedStyle(p);
  return { width: box.width, height: box.height, fill: style.fill, visibility: style.visibility,
           opacity: Number(style.opacity) * Number(style.fillOpacity) };
})"""

# Counts the figure's finished animations (a step reached) and exact draws.
COUNTERS = """() => {
  window.__animated = 0;
  window.__drawn = 0;
  const plot = document.getElementById('widget-backprop-plot');
  plot.on('plotly_animated', () => { window.__animated += 1; });
  document.addEventListener('seeingml:figure', (e) => {
    if (e.detail.name === 'backprop') window.__drawn += 1;
  });
}"""


def _visible_loss_points(page) -> int:
    points = page.evaluate(LOSS_POINTS)
    shown = [p for p in points if p["width"] > 0 and p["height"] > 0 and p["opacity"] > 0
             and p["visibility"] == "visible"
             and p["fill"] not in ("none", "transparent", "rgba(0, 0, 0, 0)")]
    assert len(shown) == len(points), points
    return len(shown)


def _press(page, action: str, phone: bool) -> None:
    button = page.locator(f"#figure-backprop [data-action='{action}']")
    if phone:
        button.tap()
    else:
        button.click()


def _step(page, action: str, phone: bool) -> None:
    """Back or Next, and wait until the animation to that step has finished."""
    before = page.evaluate("window.__animated")
    _press(page, action, phone)
    page.wait_for_function("(n) => window.__animated > n", arg=before)


def _train(page, action: str, phone: bool) -> None:
    """A gradient step or Reset training, and wait until the server's figure is drawn."""
    before = page.evaluate("window.__drawn")
    _press(page, action, phone)
    page.wait_for_function("(n) => window.__drawn > n", arg=before)


def _drag_x(page, phone: bool) -> None:
    """Drag the x slider a third of the way along and release; wait for the exact figure."""
    before = page.evaluate("window.__drawn")
    slider = page.locator("#widget-backprop-x")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    start, end = (box["x"] + 12, y), (box["x"] + box["width"] / 3, y)
    if phone:
        touch_drag(page, start, end)
    else:
        page.mouse.move(*start)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(start[0] + (end[0] - start[0]) * i / 10, y)
        page.mouse.up()
    page.wait_for_function("(n) => window.__drawn > n", arg=before)
    page.locator("#figure-backprop").scroll_into_view_if_needed()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop-1366", "phone-390"])
def test_the_loss_points_stay_drawn_through_every_step(browser, live_server, phone):
    options = {"is_mobile": True, "has_touch": True} if phone else {}
    context, page = new_page(browser, PHONE if phone else DESKTOP_1366, **options)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "backprop", drawn=True)
    page.evaluate(COUNTERS)
    seen = [("opened", _visible_loss_points(page))]
    for n in range(2, 10):  # Next through steps 2…9
        _step(page, "next", phone)
        seen.append((f"step {n}", _visible_loss_points(page)))
    _train(page, "step", phone)
    seen.append(("a gradient step", _visible_loss_points(page)))
    _step(page, "back", phone)
    seen.append(("back", _visible_loss_points(page)))
    _step(page, "next", phone)
    seen.append(("next after training", _visible_loss_points(page)))
    _train(page, "reset", phone)
    seen.append(("reset", _visible_loss_points(page)))
    _step(page, "back", phone)
    seen.append(("back after reset", _visible_loss_points(page)))
    _drag_x(page, phone)
    seen.append(("a dragged slider", _visible_loss_points(page)))
    _step(page, "next", phone)
    seen.append(("next after the drag", _visible_loss_points(page)))
    expected = {"a gradient step": 2, "back": 2, "next after training": 2}
    assert seen == [(when, expected.get(when, 1)) for when, _ in seen]
    assert not page.watch.errors, page.watch.errors
    context.close()


# Figure 1's steps animate its two stages' segments; its shrinking-Δx panel keeps its curve.
SHRINK_DRAWN = """() => Array.from(document.querySelectorAll(
    '#widget-nudge-plot .subplot.x3y3 .scatterlayer .trace path.js-line'))
    .filter((p) => (p.getAttribute('d') || '').length > 10 && p.getBBox().width > 0).length"""


def test_figure_1s_shrinking_dx_panel_keeps_its_curve_through_the_steps(browser, live_server):
    context, page = new_page(browser, DESKTOP_1366)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "nudge", drawn=True)
    page.evaluate("""() => { window.__animated = 0; document.getElementById('widget-nudge-plot')
        .on('plotly_animated', () => { window.__animated += 1; }); }""")
    seen = [("opened", page.evaluate(SHRINK_DRAWN))]
    for action in ("back", "back", "next", "back"):
        before = page.evaluate("window.__animated")
        page.click(f"#figure-nudge [data-action='{action}']")
        page.wait_for_function("(n) => window.__animated > n", arg=before)
        seen.append((action, page.evaluate(SHRINK_DRAWN)))
    assert seen[0][1] >= 1 and all(n == seen[0][1] for _, n in seen), seen
    assert not page.watch.errors, page.watch.errors
    context.close()
