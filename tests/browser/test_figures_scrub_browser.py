"""While a slider is dragged, marks.js moves the marks plotly.js drew instead of asking it to
redraw. These tests hold it to plotly.js itself: the marks it moved for a sweep frame sit
where plotly.js puts them when it draws that frame from scratch — at the frame's own ranges
for Figure 1 (which follows its point), and at the sweep's held ranges for Figures 2 (whose
labels of two lines are reworded line by line) and 3 (which hold their axes still). The
ticks of an axis not drawn at the marks' ranges hide until the exact figure settles:
plotly.js relaying the axes out would be a long task on a slow phone.
"""

from __future__ import annotations

import pytest

from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    ask_for_sweep,
    figure_ready,
    hold_still,
    new_page,
    open_chapter,
    set_controls,
    watch_sweeps,
)

# Where each trace's marks are, in page pixels: the line's box, every marker's centre, every
# label's box. Compared between marks.js's move and plotly.js's own draw of the same frame.
MARKS = """(id) => {
  const plot = document.getElementById(id);
  const out = {};
  plot.querySelectorAll(".scatterlayer g.trace").forEach((g) => {
    const index = g.__data__[0].trace.index;
    const box = (n) => {
      const r = n.getBoundingClientRect();
      return [r.left, r.top, r.right, r.bottom];
    };
    const line = g.querySelector("path.js-line");
    out[index] = {
      line: line && line.getAttribute("d") ? box(line) : null,
      points: Array.from(g.querySelectorAll(".points path.point"), (p) => {
        const r = p.getBoundingClientRect();
        return [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
      }),
      labels: Array.from(g.querySelectorAll(".textpoint text"), box),
    };
  });
  return out;
}"""

# plotly.js drawing the frame nearest `value` from scratch, on the held ranges or its own.
REDRAW = r"""async ([id, url, value, hold]) => {
  const plot = document.getElementById(id);
  const body = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
  const { values, frames, axes } = body.sweep;
  let best = 0;
  values.forEach((v, i) => { if (Math.abs(v - value) < Math.abs(values[best] - value)) best = i; });
  const base = body.figure;
  const frame = frames[best];
  const data = frame.data.map((d, i) => (d ? Object.assign({}, base.data[i], d) : base.data[i]));
  const layout = Object.assign({}, base.layout, frame.layout, { width: plot._fullLayout.width });
  // In the panels on screen, where a drag moves a frame whose panels lie within them
  // (Figure 1's sweep lays its frames out within the panels of the figure it starts from).
  const shown = plot.layout;
  layout.margin = shown.margin;
  Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k)).forEach((k) => {
    layout[k] = Object.assign({}, layout[k], { domain: shown[k].domain });
  });
  if (hold) {
    Object.entries(axes).forEach(([k, a]) => { layout[k] = Object.assign({}, layout[k], a); });
  }
  await Plotly.newPlot(plot, data, layout, { staticPlot: true });
  return values[best];
}"""

DRAG_TO = """async ([id, value]) => {
  const input = document.getElementById(id);
  input.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true }));
  const from = Number(input.value);
  for (let i = 1; i <= 12; i++) {
    input.value = String(from + (value - from) * i / 12);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await new Promise((r) => setTimeout(r, 40));
  }
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.getElementById(id.replace(/-[a-z0-9]+$/, "-plot")).dataset.moving || "";
}"""


def _close(a, b, tolerance=1.0) -> bool:
    return len(a) == len(b) and all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


def _same_marks(moved: dict, drawn: dict) -> list[str]:
    wrong = []
    for index, marks in drawn.items():
        mine = moved[index]
        if marks["line"] and not _close(mine["line"], marks["line"]):
            wrong.append(f"trace {index} line {mine['line']} vs {marks['line']}")
        if len(mine["points"]) != len(marks["points"]) or not all(
                _close(p, q) for p, q in zip(mine["points"], marks["points"], strict=True)):
            wrong.append(f"trace {index} markers {mine['points']} vs {marks['points']}")
        if len(mine["labels"]) != len(marks["labels"]) or not all(
                _close(p, q, 1.5) for p, q in zip(mine["labels"], marks["labels"], strict=True)):
            wrong.append(f"trace {index} labels {mine['labels']} vs {marks['labels']}")
    return wrong


NUDGE = "fn=sigmoid&x=1&w=2&dx=0.5"
VANISHING = ("depth=10&activation=sigmoid&compare=relu&weight=1&x=1&residual=0&mode=chain"
             "&width=16&init=he&seed=0")
BACKPROP = "x=2&w1=0.5&w2=1.2&target=1&eta=0.2&steps=0"


# hidden: whether the frame is drawn by marks.js at ranges plotly.js's axes are not at (so
# those ticks hide): a held range wider than the figure's own, or a followed point's moved
# view. At x = −1.5 and w = −1.5 a label changes side (its textposition).
@pytest.mark.parametrize(("name", "control", "value", "hold", "query", "hidden"), [
    ("nudge", "x", 3.0, False, NUDGE, True),
    ("nudge", "x", -1.5, False, NUDGE, True),
    # Near x = 5 σ's tick labels grow long: that frame has panels of its own, within those on
    # screen, and its blocks of words wrap into more lines than the figure on screen drew.
    ("nudge", "x", 5.0, False, NUDGE, True),
    ("nudge", "w", 3.5, False, NUDGE, True),
    ("nudge", "w", -1.5, False, NUDGE, True),
    ("nudge", "dx", 1.7, False, NUDGE, True),
    ("vanishing", "depth", 30, True, VANISHING, True),
    ("vanishing", "weight", 3.0, True, VANISHING, True),
    # Figure 2 opens at its first step, its later words drawn in no colour: marks.js moves
    # every frame from the first, its loss panel at the held range (those ticks hide).
    ("backprop", "w1", 2.5, True, BACKPROP, True),  # its labels of two lines reworded
    ("backprop", "x", -3.0, True, BACKPROP, True),
])
def test_moved_marks_sit_where_plotly_draws_the_frame(browser, live_server, name, control,
                                                       value, hold, query, hidden):
    context, page = new_page(browser, DESKTOP_1366)
    watch_sweeps(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_chapter(page, live_server, wait_until="load")
    plot = f"widget-{name}-plot"
    figure_ready(page, name)
    ask_for_sweep(page, name, control)
    redraws = page.evaluate("window.SeeingML.redraws")
    moving = page.evaluate(DRAG_TO, [f"widget-{name}-{control}", value])
    assert page.evaluate("window.SeeingML.redraws") > redraws
    # The ticks of the axes whose drawn range is not the marks' hide.
    ticks = page.evaluate(f"""() => Array.from(
        document.querySelectorAll('#{plot} g[class$="tick"]'))
        .filter((t) => getComputedStyle(t).visibility === 'hidden').length""")
    assert (ticks > 0) == (moving != "") == hidden, (ticks, moving)
    moved = page.evaluate(MARKS, plot)
    url = f"/api/widgets/{name}?{query}&narrow=0&sweep={control}"
    page.evaluate(REDRAW, [plot, url, value, hold])
    drawn = page.evaluate(MARKS, plot)
    assert set(moved) == set(drawn)
    assert _same_marks(moved, drawn) == []
    assert errors == []
    context.close()


def test_on_release_the_held_axes_ticks_return_and_the_summary_is_the_exact_figures(
        browser, live_server):
    """While Figure 3's depth is dragged its held axes' ticks hide and the summary line is the
    sweep frame's; once released, the exact figure is drawn (in idle time): every tick shows
    again and the summary is the server's own for that value."""
    context, page = new_page(browser, DESKTOP_1366)
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "vanishing")
    ask_for_sweep(page, "vanishing", "depth")
    moving = page.evaluate(DRAG_TO, ["widget-vanishing-depth", 30])
    assert moving != ""  # dragging: the held ranges are not the drawn axes'
    # Its frames carry no step words: the exact figure's, about depth 10, hide meanwhile.
    step = "#widget-vanishing-step"
    assert page.evaluate(f"getComputedStyle(document.querySelector('{step}')).visibility")\
        == "hidden"
    page.dispatch_event("#widget-vanishing-depth", "change")
    page.wait_for_function("""() => document.querySelector('#figure-vanishing .widget')
        .dataset.state === 'ready' && !document.getElementById('widget-vanishing-plot')
        .dataset.moving""")
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#widget-vanishing-plot g[class$="tick"]'))
        .filter((t) => getComputedStyle(t).visibility === 'hidden').length""")
    assert hidden == 0
    exact = page.evaluate("""async (q) => (await (await fetch(`/api/widgets/vanishing?${q}`,
        { headers: { Accept: "application/json" } })).json()).summary""",
                          VANISHING.replace("depth=10", "depth=30") + "&narrow=0")
    assert page.text_content("#figure-vanishing .widget-summary") == exact
    assert page.evaluate(f"getComputedStyle(document.querySelector('{step}')).visibility")\
        == "visible"
    assert page.text_content(step).startswith("Step 31 of 31: ")
    context.close()


@pytest.mark.parametrize(("control", "value"), [("x", 3.0), ("dx", 1.7), ("w", -1.5)])
def test_while_figure_1_is_dragged_its_step_words_are_the_drawn_frames(
        browser, live_server, control, value):
    """Figure 1's sweep frames draw its last step and carry every step's words at their
    value: mid-drag the words under the step buttons are that frame's, not the numbers of
    the setting the drag started from."""
    context, page = new_page(browser, DESKTOP_1366)
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "nudge")
    ask_for_sweep(page, "nudge", control)
    before = page.text_content("#widget-nudge-step")
    page.evaluate(DRAG_TO, [f"widget-nudge-{control}", value])
    words = page.evaluate("""async ([url, value]) => {
        const body = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
        const { values, frames } = body.sweep;
        let best = 0;
        values.forEach((v, i) => {
          if (Math.abs(v - value) < Math.abs(values[best] - value)) best = i; });
        return frames[best].steps; }""",
                          [f"/api/widgets/nudge?{NUDGE}&narrow=0&sweep={control}", value])
    shown = page.text_content("#widget-nudge-step")
    assert shown == f"Step 4 of 4: {words[3]}" != before
    context.close()


# A real pointer drag across the whole slider: each of Figure 1's sliders from its default to
# one end and back to the other, on a desktop and a phone (stacked panels). Every frame is
# moved by marks.js in the panels on screen: plotly.js never draws during the drag, even where
# a frame's tick labels are longer than the figure's on screen or its words take more lines.
WHOLE_DRAWS = """() => { window.__wholeDraws = [];
  for (const name of ["react", "newPlot", "animate"]) {
    const f = window.Plotly[name];
    window.Plotly[name] = function (...args) { window.__wholeDraws.push(name);
                                               return f.apply(this, args); };
  } }"""


def _open_figure_1(browser, live_server, viewport: str):
    context, page = (new_page(browser, PHONE, is_mobile=True, has_touch=True)
                     if viewport == "phone" else new_page(browser, DESKTOP_1366))
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "nudge", drawn=True)
    page.evaluate("document.querySelector('#figure-nudge .widget-more').open = true")  # Δx
    return context, page


def _pointer_drag(page, control: str, path, during=None) -> list:
    """Press on slider ``control``'s thumb, move through the values ``path`` (each move
    painted), call ``during()`` while still pressed, release: what ``during`` gave."""
    selector = f"#widget-nudge-{control}"
    page.locator(selector).evaluate("e => e.scrollIntoView({block: 'center'})")
    ask_for_sweep(page, "nudge", control)
    page.wait_for_selector("#figure-nudge .widget[data-state='ready']")
    hold_still(page, selector)
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    low, high, value = page.eval_on_selector(
        selector, "i => [Number(i.min), Number(i.max), Number(i.value)]")

    def at(v):
        return box["x"] + 8 + (box["width"] - 16) * (v - low) / (high - low)
    start = page.evaluate("window.SeeingML.redraws || 0")
    page.mouse.move(at(value), y)
    page.mouse.down()
    for v in path(low, high, value):
        page.mouse.move(at(v), y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    page.wait_for_function(f"() => (window.SeeingML.redraws || 0) > {start + 3}")
    seen = during() if during else None
    page.mouse.up()
    return seen


SETTLED = """() => document.querySelector('#figure-nudge .widget').dataset.state === 'ready'
    && !document.getElementById('widget-nudge-plot').dataset.moving
    && Array.from(document.querySelectorAll('#widget-nudge-plot g[class$="tick"]'))
        .every((t) => getComputedStyle(t).visibility !== 'hidden')"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_whole_drag_of_each_figure_1_slider_is_moved_without_plotly(browser, live_server,
                                                                      viewport):
    context, page = _open_figure_1(browser, live_server, viewport)
    for control in ("x", "w", "dx"):
        page.evaluate(WHOLE_DRAWS)
        whole = _pointer_drag(
            page, control,
            lambda low, high, value: [value + (high - value) * i / 20 for i in range(1, 21)]
            + [high + (low - high) * i / 40 for i in range(1, 41)],
            lambda: page.evaluate("window.__wholeDraws"))
        assert whole == [], (control, whole)
        page.wait_for_function(SETTLED)
    assert not page.watch.errors, page.watch.errors
    context.close()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_drag_released_where_it_started_settles_the_figure(browser, live_server, viewport):
    """A slider dragged away and back to its starting value gets no change event on release;
    the figure settles all the same: the exact figure drawn, its ticks shown again."""
    context, page = _open_figure_1(browser, live_server, viewport)
    for control in ("dx", "w", "x"):
        _pointer_drag(page, control, lambda low, high, value: [
            *(value + (high - value) * i / 10 for i in range(1, 11)),
            *(high + (value - high) * i / 10 for i in range(1, 11))])
        page.wait_for_function(SETTLED, timeout=10000)
    assert not page.watch.errors, page.watch.errors
    context.close()


def test_a_curve_far_off_the_chart_is_still_drawn_while_dragged(browser, live_server):
    """eˣ² at x = 4.9 and a Δx dragged to 2: the outer curve reaches 10³⁸ px off the chart.
    marks.js still draws it (valid path data: no exponents), and the page logs no error."""
    context, page = _open_figure_1(browser, live_server, "desktop")
    set_controls(page, "nudge", {"fn": "exp_square"})
    page.wait_for_selector("#figure-nudge .widget[data-state='ready']")
    set_controls(page, "nudge", {"x": 4.9})
    page.wait_for_function(SETTLED)
    # x's own sweep, asked for by that change: one sweep is built at a time
    page.wait_for_function("() => window.__sweepsParsed.some((u) => u.includes('sweep=x'))")
    outer = """() => {  // the outer stage's curve: trace 3
      const g = Array.from(document.querySelectorAll('#widget-nudge-plot g.trace'))
        .find((t) => t.__data__ && t.__data__[0].trace.index === 3);
      const p = g.querySelector('path.js-line');
      return [p.getAttribute('d'), p.getBBox().height];
    }"""
    drawn = _pointer_drag(page, "dx", lambda low, high, value: [
        value + (high - value) * i / 15 for i in range(1, 16)], lambda: page.evaluate(outer))
    path, height = drawn
    assert path and "e" not in path.lower() and height > 0, drawn[0][:200]
    page.wait_for_function(SETTLED)
    assert not page.watch.errors, page.watch.errors
    context.close()


@pytest.mark.parametrize(("settings", "control", "path"), [
    ({"x": 0}, "dx", lambda low, high, value: [value + (high - value) * i / 10
                                               for i in range(1, 11)]),  # σ at x = 0, Δx → 2
    ({"dx": 2}, "x",
     lambda low, high, value: [value - 0.1 * i for i in range(1, 11)]),  # σ, x 1 → 0
    ({"fn": "exp_square", "dx": 2}, "x",
     lambda low, high, value: [value - 0.6 * i for i in range(1, 11)]),  # eˣ², x 1 → −5
])
def test_a_moved_marker_outside_its_panel_is_hidden_as_plotly_hides_it(browser, live_server,
                                                                        settings, control, path):
    """The shrinking-Δx panel's marker for the reader's Δx is drawn past the panel's axes
    (cliponaxis off), and plotly.js hides it where it lies outside their ranges: so does a
    drag's frame, at these settings and wherever it would be off the panel."""
    context, page = _open_figure_1(browser, live_server, "desktop")
    for field, value in settings.items():
        set_controls(page, "nudge", {field: value})
        page.wait_for_function(SETTLED)
    page.wait_for_function("() => window.__sweepsParsed.length > 0")
    outside = """() => {
      const plot = document.getElementById('widget-nudge-plot');
      const box = plot.getBoundingClientRect();
      const [xa, ya] = [plot._fullLayout.xaxis3, plot._fullLayout.yaxis3];
      const [left, top] = [box.left + xa._offset, box.top + ya._offset];
      return Array.from(plot.querySelectorAll('.subplot.x3y3 .points path.point'))
        .filter((p) => getComputedStyle(p).display !== 'none').map((p) => {
          const r = p.getBoundingClientRect();
          return [(r.left + r.right) / 2 - left, (r.top + r.bottom) / 2 - top];
        }).filter(([x, y]) => x < -2 || x > xa._length + 2 || y < -2 || y > ya._length + 2);
    }"""
    shown = _pointer_drag(page, control, path, lambda: page.evaluate(outside))
    assert shown == [], shown
    page.wait_for_function(SETTLED)
    assert page.evaluate(outside) == []
    assert not page.watch.errors, page.watch.errors
    context.close()
