"""Figure 1's curves as a pointer reads them at the edges of their panels: plotly.js labels the
point nearest the pointer within 20 px, even one just past the panel, so a point the figure
sends as a stand-in past the edge (style.beyond_view) must lie out of that reach. At σ(wx)
with x = −4.9, w = −0.8, Δx = 0.01 on a phone, σ's values under the outer panel were once
all sent as 0.98, two pixels below it: the bottom edge read "3.43, 0.980" for σ(3.43) = 0.969."""

from __future__ import annotations

import math
import re

from tests.browser.pages import PHONE, figure_ready, frames, new_page, open_chapter, set_controls
from tests.browser.test_figure1_words_browser import DRAWN_AT, REMEMBER_DRAWN

SETTING = {"fn": "sigmoid", "x": -4.9, "w": -0.8, "dx": 0.01}
COLUMNS = 40

# The outer panel on the page, in page pixels: where its axes put it.
PANEL = """() => {
  const plot = document.getElementById("widget-nudge-plot");
  const box = plot.getBoundingClientRect();
  const fl = plot._fullLayout;
  return { left: box.left + fl.xaxis2._offset, width: fl.xaxis2._length,
           top: box.top + fl.yaxis2._offset, height: fl.yaxis2._length };
}"""
LABEL = """() => Array.from(document.querySelectorAll("#widget-nudge-plot .hoverlayer .hovertext"))
  .map((n) => n.textContent).join(" | ")"""
NUMBER = r"[-−]?\d+(?:\.\d+)?(?:e[-+−]?\d+)?"
POINT = re.compile(rf"({NUMBER}), ({NUMBER})")


def _sigmoid(u: float) -> float:
    return 1 / (1 + math.exp(-u))


def _value(text: str) -> float:
    return float(text.replace("−", "-"))


def _half_unit(text: str) -> float:
    """Half a unit of the last of the three significant digits ``text`` is written with."""
    value = abs(_value(text))
    return 0.5 * 10 ** (math.floor(math.log10(value)) - 2) if value else 0.0


def test_a_pointer_at_the_outer_panels_edges_reads_sigmas_own_values(browser, live_server):
    context, page = new_page(browser, PHONE)
    page.add_init_script(REMEMBER_DRAWN)
    # Looked at at rest: the sweeps each slider asks ahead for are not needed here.
    page.route("**/api/widgets/nudge?*sweep=*", lambda route: route.abort("aborted"))
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)  # the first interaction: the figures' scripts load
    figure_ready(page, "nudge", drawn=True)
    set_controls(page, "nudge", SETTING)
    page.wait_for_function(DRAWN_AT, arg=SETTING, timeout=20000)
    page.locator("#widget-nudge-plot").scroll_into_view_if_needed()
    frames(page)
    panel = page.evaluate(PANEL)
    read, wrong = [], []
    # 1 px inside the bottom and the top edge, and across the middle, where σ crosses.
    for y in (panel["top"] + panel["height"] - 1, panel["top"] + 1,
              panel["top"] + panel["height"] / 2):
        for k in range(COLUMNS):
            page.mouse.move(panel["left"] + panel["width"] * (k + 0.5) / COLUMNS, y)
            label = POINT.search(page.evaluate(LABEL))
            if not label:
                continue
            u, shown = label.groups()
            read.append((u, shown))
            slope = _sigmoid(_value(u)) * (1 - _sigmoid(_value(u)))
            allowed = slope * _half_unit(u) + _half_unit(shown) + 1e-12
            if abs(_value(shown) - _sigmoid(_value(u))) > allowed:
                wrong.append((round(y - panel["top"]), u, shown, _sigmoid(_value(u))))
    assert read, "no point of the outer curve was labelled: the pointer missed the chart"
    assert wrong == [], wrong
    assert page.watch.errors == []
    context.close()


# Every point of the outer curve inside its view, as a vertex of the drawn line (to 0.5 px).
VERTICES_MISSING = """() => {
  const plot = document.getElementById("widget-nudge-plot");
  const group = Array.from(plot.querySelectorAll("g.trace"))
    .find((t) => t.__data__ && t.__data__[0].trace.index === 3);
  const d = group.querySelector("path.js-line").getAttribute("d");
  const vertices = (d.match(/-?[\\d.]+(?:e-?\\d+)?,-?[\\d.]+(?:e-?\\d+)?/g) || [])
    .map((pair) => pair.split(",").map(Number));
  const trace = plot._fullData[3];
  const xa = plot._fullLayout.xaxis2;
  const ya = plot._fullLayout.yaxis2;
  const [low, high] = ya.range;
  const missing = [];
  let inView = 0;
  trace.y.forEach((y, k) => {
    if (y == null || y < low || y > high) return;
    inView += 1;
    const px = xa.c2p(trace.x0 + k * trace.dx);
    const py = ya.c2p(y);
    const near = ([a, b]) => Math.abs(a - px) < 0.5 && Math.abs(b - py) < 0.5;
    if (!vertices.some(near)) missing.push(k);
  });
  return { missing, inView };
}"""


def test_the_outer_curve_is_drawn_through_each_of_its_points_in_view(browser, live_server):
    """plotly.js simplifies a line by joining nearly collinear points into one segment, and
    which it joins depends on the points past the panel too: with a run of them sent as one
    number (style.beyond_view), eˣ²'s rise leant 3.5 px on a phone. The curves are drawn
    unsimplified, through every point, as a drag's frames draw them (marks.js)."""
    context, page = new_page(browser, PHONE)
    page.add_init_script(REMEMBER_DRAWN)
    page.route("**/api/widgets/nudge?*sweep=*", lambda route: route.abort("aborted"))
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)
    figure_ready(page, "nudge", drawn=True)
    for setting in ({"fn": "exp_square", "x": -4.5}, {"fn": "sigmoid", "x": 1.0}):
        set_controls(page, "nudge", setting)
        page.wait_for_function(DRAWN_AT, arg=setting, timeout=20000)
        frames(page)
        drawn = page.evaluate(VERTICES_MISSING)
        assert drawn["inView"] > 10 and drawn["missing"] == [], (setting, drawn)
    assert page.watch.errors == []
    context.close()
