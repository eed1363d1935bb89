"""Figure 1's point labels, "(x, u)" and "(u, y)", and the nudge's "Δx = …" are drawn off the
panel's own lines: each on the side of its point that the tangent leaves free (above a rising
one, below a falling one), the Δx label beside its segment's end away from the line
(``nudge_labels.point_place``, ``dx_place``). With w = −5 the inner line once ran through
"(x, u)" and "Δx = 0.5" at every width, and on a phone the outer curve and tangent through
"(u, y)", which sat to the point's right for want of room on its left."""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    figure_ready,
    frames,
    new_page,
    open_chapter,
    set_controls,
)
from tests.browser.test_figure1_words_browser import DRAWN_AT, REMEMBER_DRAWN

SETTINGS = [
    {"fn": "sigmoid", "x": 1, "w": 2, "dx": 0.5},  # the defaults: both lines rise
    {"fn": "sigmoid", "x": 1, "w": -5, "dx": 0.5},  # the inner line falls
    {"fn": "sigmoid", "x": -2, "w": 1.5, "dx": 1},
    {"fn": "sin_square", "x": -1.5, "dx": 0.3},  # x² falls; sin falls at u = 2.25
    {"fn": "exp_square", "x": 0.8, "dx": 0.2},
    {"fn": "double_triple", "x": 2, "dx": 1.5},
]

# Every label's box, and every point of every line drawn inside its own panel (a line's
# geometry past its panel is clipped away, so it crosses nothing there), one per pixel of
# its length, in page pixels.
CROSSINGS = """() => {
  const plot = document.getElementById("widget-nudge-plot");
  const fl = plot._fullLayout, box = plot.getBoundingClientRect();
  const drawn = [];
  plot.querySelectorAll(".scatterlayer .trace").forEach((g) => {
    const t = g.__data__ && g.__data__[0] && g.__data__[0].trace;
    const path = g.querySelector("path.js-line");
    if (!t || !path || !path.getAttribute("d")) return;
    const xa = fl["xaxis" + (t.xaxis || "x").slice(1)];
    const ya = fl["yaxis" + (t.yaxis || "y").slice(1)];
    const left = box.left + xa._offset, top = box.top + ya._offset;
    const m = path.getScreenCTM(), length = path.getTotalLength();
    for (let s = 0; s <= length; s += 1) {
      const p = path.getPointAtLength(s);
      const x = m.a * p.x + m.c * p.y + m.e, y = m.b * p.x + m.d * p.y + m.f;
      if (x >= left && x <= left + xa._length && y >= top && y <= top + ya._length) {
        drawn.push([x, y, t.name]);
      }
    }
  });
  const labels = Array.from(plot.querySelectorAll(".textpoint text"))
    .filter((n) => /^\\((x, u|u, y)\\)$|^Δx = /.test(n.textContent))
    .map((n) => ({ text: n.textContent, box: n.getBoundingClientRect() }));
  // The glyphs' box, less the line height's air above and below them.
  return { labels: labels.map((l) => l.text), crossings: labels.flatMap(({ text, box: b }) =>
    drawn.filter(([x, y]) => x > b.left + 1 && x < b.right - 1 && y > b.top + 3 && y < b.bottom - 3)
      .map(([x, y, name]) => `${text} crossed by ${name} at ${x.toFixed(0)}, ${y.toFixed(0)}`)) };
}"""


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE], ids=["desktop-1366", "phone-390"])
def test_figure_1s_point_and_nudge_labels_lie_off_its_lines(browser, live_server, viewport):
    context, page = new_page(browser, viewport)
    page.add_init_script(REMEMBER_DRAWN)
    # Looked at at rest: the sweeps each slider asks ahead for are not needed here.
    page.route("**/api/widgets/nudge?*sweep=*", lambda route: route.abort("aborted"))
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)  # the first interaction: the figures' scripts load
    figure_ready(page, "nudge", drawn=True)
    crossed = []
    for setting in SETTINGS:
        set_controls(page, "nudge", setting)
        page.wait_for_function(DRAWN_AT, arg=setting, timeout=20000)
        frames(page)
        found = page.evaluate(CROSSINGS)
        assert {"(x, u)", "(u, y)"} <= set(found["labels"]), (setting, found["labels"])
        assert any(label.startswith("Δx = ") for label in found["labels"]), setting
        crossed += [f"{setting}: {c}" for c in found["crossings"][:3]]
    context.close()
    assert not crossed, "\n".join(crossed)
