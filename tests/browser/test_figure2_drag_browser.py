"""Figure 2 follows a dragged slider: a real pointer drag on each of its sliders redraws the
chart from the server's sweep frames several times before release (counted by the figure's
own redraw counter), and on a 390 × 844 phone the graph, its step buttons and the slider
being dragged are on screen together."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from chapter.figures.backprop import HIDDEN
from tests.browser.pages import (
    DESKTOP_1366,
    PHONE,
    ask_for_sweep,
    box,
    drawn_words,
    figure_ready,
    hold_still,
    new_page,
    open_chapter,
    screenshot,
    watch_sweeps,
)

SLIDERS = FIGURES["backprop"].sliders


def _drag(page, slider: str) -> tuple[int, str, str]:
    """Press on the slider's left end, move across it in small steps and hold there: the
    redraws counted before release, the value before and after."""
    selector = f"#widget-backprop-{slider}"
    before_value = page.eval_on_selector(selector, "e => e.value")
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 12, y)
    page.mouse.down()
    start = page.evaluate("window.SeeingML.redraws || 0")
    for i in range(1, 31):
        page.mouse.move(box["x"] + 12 + (box["width"] - 24) * i / 30, y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")  # painted
    page.wait_for_function(f"() => (window.SeeingML.redraws || 0) > {start}")
    during = page.evaluate("window.SeeingML.redraws || 0") - start
    page.mouse.up()
    return during, before_value, page.eval_on_selector(selector, "e => e.value")


def _open(browser, live_server, viewport, **options):
    context, page = new_page(browser, viewport, **options)
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    figure_ready(page, "backprop", drawn=True)
    page.evaluate("document.querySelector('#figure-backprop .widget-more').open = true")
    return context, page


def test_a_pointer_drag_on_each_slider_redraws_figure_2_during_the_drag(browser, live_server):
    context, page = _open(browser, live_server, DESKTOP_1366)
    for slider in SLIDERS:
        page.locator(f"#widget-backprop-{slider}").scroll_into_view_if_needed()
        ask_for_sweep(page, "backprop", slider)
        during, before, after = _drag(page, slider)
        print(f"Figure 2 {slider}: {during} redraws during the drag")
        assert during >= 5, (slider, during)
        assert before != after, slider
        # Released: the exact figure at the slider's value, from the server.
        page.wait_for_function(
            "(v) => document.querySelector('#figure-backprop .widget').dataset.state === 'ready'"
            " && String(document.getElementById('widget-backprop-plot').dataset.moving || '')"
            " === ''", arg=after)
    assert not page.watch.errors, page.watch.errors
    context.close()


def test_a_drag_after_training_starts_the_untrained_sweep(browser, live_server):
    """Moving a slider resets training: the sweep is asked for untrained, the loss panel
    shows only the start while dragging, and the step buttons train again after release."""
    context, page = _open(browser, live_server, DESKTOP_1366)
    for _ in range(3):
        page.click("#figure-backprop [data-action='step']")
        page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    assert len(page.evaluate("document.getElementById('widget-backprop-plot').data[3].x")) == 4
    page.locator("#widget-backprop-w1").scroll_into_view_if_needed()
    ask_for_sweep(page, "backprop", "w1")
    during, _, _ = _drag(page, "w1")
    assert during >= 5
    page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    assert len(page.evaluate("document.getElementById('widget-backprop-plot').data[3].x")) == 1
    context.close()


def _scrolled(page) -> None:
    """Wait until the page has stopped scrolling: the same position for 10 animation frames
    in a row (a smooth scroll moves it every frame)."""
    page.evaluate("""() => new Promise((resolve, reject) => {
      let last = null, still = 0, seen = 0;
      const look = () => {
        still = window.scrollY === last ? still + 1 : 0;
        last = window.scrollY;
        seen += 1;
        if (still >= 10) resolve();
        else if (seen > 600) reject(new Error("the page kept scrolling"));
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    })""")


# The focused element of Figure 2 (null once the focus has left it): what it is, and what
# covers the middle of it, if anything does.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || !e.closest('#figure-backprop')) return null;
  const b = e.getBoundingClientRect();
  const x = b.left + b.width / 2, y = b.top + Math.min(b.height / 2, 12);
  const hit = y >= 0 && y < innerHeight ? document.elementFromPoint(x, y) : null;
  const mine = hit && (hit === e || e.contains(hit));
  const cover = hit ? hit.getAttribute('class') || hit.tagName : `off screen (${Math.round(y)} px)`;
  return {what: e.tagName, covered_by: mine ? null : cover};
}"""

HIT = """(s) => { const b = document.querySelector(s).getBoundingClientRect();
    const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
    return hit && (hit.closest(s) ? s : hit.id || hit.className.baseVal || hit.className); }"""


@pytest.mark.parametrize(("viewport", "scheme"), [
    (PHONE, "light"), (PHONE, "dark"), ({"width": 320, "height": 844}, "light"),
    # Shorter phones (under 52rem tall) hold the graph and step buttons, not the strip.
    ({"width": 360, "height": 740}, "light"), ({"width": 375, "height": 667}, "dark")],
    ids=["390-light", "390-dark", "320-light", "360x740-light", "375x667-dark"])
def test_on_a_phone_the_graph_step_buttons_and_the_dragged_slider_share_the_screen(
        browser, live_server, viewport, scheme):
    context, page = _open(browser, live_server, viewport, color_scheme=scheme)
    header = box(page, "header.masthead")
    view = box(page, "#figure-backprop .widget-view")
    graph = box(page, "#widget-backprop-plot")
    field = box(page, "#figure-backprop [data-field='x']")
    # The held view leaves room below it for a slider's whole field (label, value, track),
    # at 390 × 844 for two of them; a shorter phone's held view starts at the graph.
    short = viewport["height"] < 52 * 16
    held = view["bottom"] - (graph["top"] if short else view["top"])
    room = viewport["height"] - header["bottom"] - held
    fields = 2 if viewport["width"] >= 390 and not short else 1
    assert room >= fields * (field["bottom"] - field["top"]), (room, view, field)
    for slider in SLIDERS:
        for block in ("end", "start"):
            # Scrolled up from below (the slider at the screen's foot), or brought into view
            # from above (it stops below the held view, never under it).
            page.locator(f"#widget-backprop-{slider}").evaluate(
                "(e, block) => e.scrollIntoView({block, behavior: 'instant'})", block)
            hold_still(page, f"#widget-backprop-{slider}")
            plot = box(page, "#widget-backprop-plot")
            step = box(page, "#figure-backprop [data-action='next']")
            moved = box(page, f"#figure-backprop [data-field='{slider}']")
            track = box(page, f"#widget-backprop-{slider}")
            assert header["bottom"] - 1 <= plot["top"] and plot["bottom"] <= step["top"], slider
            assert step["bottom"] <= moved["top"], (slider, block, step, moved)
            # (2 px: the browser's subpixel layout may put the track's box just past the edge.)
            assert track["bottom"] <= viewport["height"] + 2, (slider, block, track)
            # Nothing covers the slider, nor its label, where a finger would press.
            for part in (f"#widget-backprop-{slider}", f"label[for='widget-backprop-{slider}']"):
                hit = page.evaluate(HIT, part)
                assert hit == part, (slider, block, part, hit)
    # A drag to W₁'s far end (long numbers in the strip and the words) moves nothing on the
    # screen but the chart's marks and words: the slider stays under the finger.
    page.locator("#widget-backprop-w1").evaluate(
        "e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
    hold_still(page, "#widget-backprop-w1")
    ask_for_sweep(page, "backprop", "w1")
    before = box(page, "#widget-backprop-w1")
    y = (before["top"] + before["bottom"]) / 2
    page.mouse.move(before["left"] + (before["right"] - before["left"]) * 0.55, y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(before["left"] + 2 + (before["right"] - before["left"]) * 0.55
                        * (1 - i / 20), y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    held = box(page, "#widget-backprop-w1")
    screenshot(page, f"figure-backprop-phone-drag-{viewport['width']}-{scheme}")
    page.mouse.up()
    assert page.eval_on_selector("#widget-backprop-w1", "e => Number(e.value)") < -4
    assert abs(held["top"] - before["top"]) < 1, (before, held)
    page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    # Tabbing on from W₁ through the rest of the figure (its settings, disclosures, data
    # table): whatever has the focus is on screen and not under the held view or masthead.
    page.locator("#widget-backprop-w1").focus()
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        _scrolled(page)  # the focus's scroll into view is smooth
        focused = page.evaluate(FOCUSED)
        if focused is None:  # the focus has left the figure
            break
        seen.add(focused["what"])
        assert focused["covered_by"] is None, (focused, viewport)
    assert {"SUMMARY", "INPUT"} <= seen, seen
    # A factor of the formula strip given the focus is in view, not under the masthead.
    factor = "#figure-backprop .formula-factor"
    page.locator(factor).first.focus()
    hold_still(page, factor)
    assert page.evaluate(HIT, factor) == factor
    context.close()


def test_a_sweep_refused_once_is_asked_for_again_on_a_later_press(browser, live_server):
    """The server builds one new sweep at a time and refuses another meanwhile (429 with
    Retry-After): the figure still answers, and a press after Retry-After asks again, so the
    slider's drag gets its sweep after all."""
    context, page = _open(browser, live_server, DESKTOP_1366)
    refused = []

    def once(route):
        if not refused:
            refused.append(route.request.url)
            route.fulfill(status=429, headers={"Retry-After": "0.1"},
                          content_type="application/json",
                          body='{"error": "Another sweep is being built: try again in a moment."}')
        else:
            route.continue_()

    page.route("**/api/widgets/backprop?*sweep=eta*", once)
    page.locator("#widget-backprop-eta").scroll_into_view_if_needed()
    with page.expect_response(lambda r: "sweep=eta" in r.url and r.status == 429):
        page.dispatch_event("#widget-backprop-eta", "pointerdown")
    refused_at = page.evaluate("Date.now()")
    page.wait_for_function("(t) => Date.now() > t + 100", arg=refused_at)  # Retry-After 0.1 s
    ask_for_sweep(page, "backprop", "eta")  # a later press: asked again, and held
    assert len(refused) == 1
    context.close()


def test_during_a_drag_the_formula_strip_shows_the_drawn_frames_numbers(browser, live_server,
                                                                       live_app):
    """The strip beside the chart (∂L/∂W₁ = ∂L/∂ŷ × ∂ŷ/∂h × ∂h/∂z × ∂z/∂W₁) follows the frames
    of a drag, as the bold line does: mid-drag, each of its numbers is the engine's for the
    value the slider shows, never the previous state's."""
    from chapter.figures.backprop import backprop_figure

    context, page = _open(browser, live_server, DESKTOP_1366)
    ask_for_sweep(page, "backprop", "w1")
    strip = "[data-formula-strip='backprop'] [data-readout]"
    before = page.eval_on_selector_all(strip, "els => els.map((e) => e.textContent)")
    box = page.locator("#widget-backprop-w1").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 12, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + 12 + (box["width"] - 24) * i / 40, y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    shown = float(page.eval_on_selector("#widget-backprop-w1", "e => e.value"))
    during = dict(page.eval_on_selector_all(
        strip, "els => els.map((e) => [e.dataset.readout, e.textContent])"))
    page.mouse.up()
    exact = backprop_figure(w1=shown)
    now = {**exact["values"], **exact["values"].get("now", {})}
    assert list(during.values()) != before
    formatted = page.evaluate("(vs) => vs.map((v) => window.SeeingML.formatNumber(v))",
                              [now[name] for name in during])
    assert list(during.values()) == formatted, (shown, during)
    context.close()


def _shown_at_step(built: dict, step: int) -> set[str]:
    """The words the exact figure shows at ``step`` (as the chart's text reads): every label
    its step frame does not draw in no colour."""
    figure = built["figure"]
    frame = next(f for f in figure["frames"] if f["name"] == f"step-{step}")
    shown = set()
    for i, trace in enumerate(figure["data"]):
        if not isinstance(trace.get("text"), list):
            continue
        font = trace.get("textfont", {})
        if i in frame["traces"]:
            font = frame["data"][frame["traces"].index(i)].get("textfont", font)
        inks = font.get("color")
        inks = inks if isinstance(inks, list) else [inks] * len(trace["text"])
        shown |= {t.replace("<br>", "") for t, ink in zip(trace["text"], inks, strict=True)
                  if t and ink != HIDDEN}  # a label's lines, drawn one after the other
    return shown


@pytest.mark.parametrize("nexts", [0, 6])
def test_a_drag_at_a_step_moves_that_steps_words_and_never_redraws_the_chart_whole(
        browser, live_server, nexts):
    """At any step of the pass, a drag keeps the step: the words it shows, its caption and
    bold line move to the engine's numbers for the slider's value, the words it has not
    reached stay unseen (to the eye and to a screen reader), and plotly.js never redraws the
    chart whole during the drag (each frame only moves the drawn words) — the first frame
    included."""
    from chapter.figures.backprop import backprop_figure

    context, page = _open(browser, live_server, DESKTOP_1366)
    for _ in range(nexts):
        page.click("#figure-backprop [data-action='next']")
    page.wait_for_function("(n) => document.getElementById('widget-backprop-step')"
                           ".textContent.startsWith(`Step ${n + 1} of 9`)", arg=nexts)
    hold_still(page, "#widget-backprop-plot")
    before = set(drawn_words(page, "backprop"))
    assert before == _shown_at_step(backprop_figure(), nexts)
    # An unreached word leaves no trace: no halo blanking the marks behind it, not heard.
    traces = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#widget-backprop-plot .textpoint text')).filter((t) => t.style.fillOpacity === '0')
        .map((t) => [getComputedStyle(t).stroke, t.getAttribute('aria-hidden')])""")
    assert traces and all(t == ["none", "true"] for t in traces), traces
    page.locator("#widget-backprop-w1").scroll_into_view_if_needed()
    ask_for_sweep(page, "backprop", "w1")
    page.evaluate("""() => { const react = window.Plotly.react; window.__wholeDraws = 0;
        window.Plotly.react = function (...args) { window.__wholeDraws += 1;
                                                   return react.apply(this, args); }; }""")
    box = page.locator("#widget-backprop-w1").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 12, y)
    page.mouse.down()
    start = page.evaluate("window.SeeingML.redraws || 0")
    for i in range(1, 16):
        page.mouse.move(box["x"] + 12 + (box["width"] - 24) * i / 40, y)
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
    page.wait_for_function(f"() => (window.SeeingML.redraws || 0) > {start}")
    shown = float(page.eval_on_selector("#widget-backprop-w1", "e => e.value"))
    during = set(drawn_words(page, "backprop"))
    said = [page.locator(f"#widget-backprop-{part}").text_content() for part in ("step", "summary")]
    whole = page.evaluate("window.__wholeDraws")
    # What a screen reader finds inside the chart, below its own label (the description).
    inside = page.locator("#widget-backprop-plot").aria_snapshot().split("\n", 1)[1]
    page.mouse.up()
    assert whole == 0, f"{whole} whole redraws during the drag"
    exact = backprop_figure(w1=shown)
    assert during == _shown_at_step(exact, nexts), (shown, during)
    # The step's words and bold line are the frame's too, never the value's before the drag.
    assert said == [f"Step {nexts + 1} of 9: {exact['steps'][nexts]}",
                    exact["summaries"][nexts]], (shown, said)
    assert during != before
    unseen = _shown_at_step(exact, 8) - during
    assert unseen and not [w for w in unseen if w in inside], inside
    page.wait_for_selector("#figure-backprop .widget[data-state='ready']")
    assert page.locator("#widget-backprop-step").text_content().startswith(f"Step {nexts + 1} of 9")
    assert not page.watch.errors, page.watch.errors
    context.close()
