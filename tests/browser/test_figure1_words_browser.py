"""Figure 1's words at the ends of its sliders: at every extreme setting, on a desktop and on
two phones, each word the chart draws (tick labels, titles, the changes' numbers, the points'
labels, the gap panel's note) is inside the chart and clear of every other word."""

from __future__ import annotations

import itertools

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

SMALL_PHONE = {"width": 320, "height": 640}

# Every fast-growing and saturating end: each composition at x = −5, 0, 5 (σ(wx) at the ends
# of w and at w = 0), with the smallest and the largest nudge.
EXTREMES = [
    {"fn": fn, "x": x, "dx": dx, **({"w": w} if fn == "sigmoid" else {})}
    for fn, ws in (("sigmoid", (-5, 0, 5)), ("sin_square", (None,)), ("exp_square", (None,)),
                   ("double_triple", (None,)))
    for x, w, dx in itertools.product((-5, 0, 5), ws, (0.01, 2))
] + [
    # Between the ends: σ's tiny values widen a phone's margin, leaving x ticks 96 px.
    {"fn": "sigmoid", "x": -2.5, "w": 4.4, "dx": 0.04},
]

# The figure's words as drawn: each visible <text> with its box; those outside the chart's
# own drawing (or the window), and each pair whose boxes meet by more than a pixel each way.
WORDS_APART = """(id) => {
  const root = document.getElementById(id);
  const box = root.querySelector("svg.main-svg").getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const words = Array.from(root.querySelectorAll("svg text")).filter((t) => {
    const r = t.getBoundingClientRect();
    return r.width >= 1 && t.textContent.trim() && getComputedStyle(t).fillOpacity !== "0";
  }).map((t) => ({ text: t.textContent, r: t.getBoundingClientRect() }));
  const outside = words.filter(({ r }) => r.left < Math.max(box.left, 0) - 1
    || r.right > Math.min(box.right, width) + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
    .map((w) => w.text);
  const meeting = [];
  words.forEach((a, i) => words.slice(i + 1).forEach((b) => {
    const across = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const down = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (across > 1 && down > 1) meeting.push([a.text, b.text]);
  }));
  return { outside, meeting, count: words.length };
}"""

# The settings the figure last drew (its own event, with the server's parsed values).
REMEMBER_DRAWN = """document.addEventListener("seeingml:figure", (e) => {
  if (e.detail.name === "nudge") window.__nudgeDrawn = e.detail.params;
});"""

DRAWN_AT = """(values) => {
  const drawn = window.__nudgeDrawn;
  const ready = document.querySelector("#figure-nudge .widget").dataset.state === "ready";
  return ready && !!drawn && Object.entries(values).every(([k, v]) => String(drawn[k]) === String(v)
    || Number(drawn[k]) === Number(v));
}"""


@pytest.mark.parametrize("viewport", [DESKTOP_1366, PHONE, SMALL_PHONE],
                         ids=["desktop-1366", "phone-390", "phone-320"])
def test_at_every_extreme_setting_figure_1s_words_are_inside_and_apart(browser, live_server,
                                                                        viewport):
    phone = viewport["width"] < 500
    context, page = new_page(browser, viewport, is_mobile=phone)
    page.add_init_script(REMEMBER_DRAWN)
    # Each slider set asks ahead for a sweep to scrub through; these settings are looked at
    # at rest, so those requests are dropped before they reach the server (whose new-sweep
    # limit every browser test shares).
    page.route("**/api/widgets/nudge?*sweep=*", lambda route: route.abort("aborted"))
    open_chapter(page, live_server, wait_until="load")
    page.mouse.wheel(0, 40)  # the first interaction: the figures' scripts load
    figure_ready(page, "nudge", drawn=True)
    found = {}
    for settings in EXTREMES:
        set_controls(page, "nudge", settings)
        page.wait_for_function(DRAWN_AT, arg=settings, timeout=20000)
        frames(page)
        words = page.evaluate(WORDS_APART, "widget-nudge-plot")
        assert words["count"] >= 20, (settings, words)  # the chart is drawn, words and all
        if words["outside"] or words["meeting"]:
            found[str(settings)] = words
    assert page.evaluate("window.__nudgeDrawn.narrow") == phone  # the phone's own layout
    assert found == {}
    assert page.watch.errors == []
    context.close()
