"""A figure's sliders keep their place while the reader steps through it: the words of one
step may take more lines than another's (and Figure 2's bold line too), but each is laid out
in a cell that holds room for every step's (widgets.css .widget-held), so the first slider
moves by no more than a pixel at any step, on a 390 px and a 320 px phone. The copies that
hold the room are never read: the step's words are the only ones a screen reader meets."""

from __future__ import annotations

import re

import pytest

from chapter.figures import FIGURES
from tests.browser.pages import (
    PHONE,
    ask_for_sweep,
    figure_ready,
    frames,
    hold_still,
    idle,
    new_page,
    open_chapter,
    screenshot,
    set_controls,
    watch_sweeps,
)

SMALL_PHONE = {"width": 320, "height": 568}

# The first slider's top below its figure's (a sticky chart above it stays in the flow; the
# page above the figure, which may still be growing, is left out).
SLIDER_TOP = """(name) => {
  const figure = document.getElementById(`figure-${name}`);
  const slider = figure.querySelector('.widget-controls input[type=range]');
  return slider.getBoundingClientRect().top - figure.getBoundingClientRect().top;
}"""


def _step_text(page, name: str) -> str:
    return page.text_content(f"#widget-{name}-step")


def _press(page, name: str, action: str) -> None:
    """Back or Next; wait until the step's words say the step it went to."""
    number = int(_step_text(page, name).split()[1])
    page.locator(f"#figure-{name} [data-action='{action}']").tap()
    wanted = number + (1 if action == "next" else -1)
    page.wait_for_function(
        "([name, n]) => document.getElementById(`widget-${name}-step`).textContent"
        ".startsWith(`Step ${n} of`)", arg=[name, wanted])


def _heard_steps(page, name: str) -> int:
    """How many step sentences the stepper's accessible tree holds."""
    tree = page.locator(f"#figure-{name} .widget-stepper").aria_snapshot()
    return len(re.findall(r"Step \d+ of \d+", tree))


def _slider_tops(page, name: str) -> list[tuple[str, float]]:
    """The first slider's top at every step: back to the first, then Next to the last."""
    tops = []

    def note():
        assert _heard_steps(page, name) == 1, page.locator(
            f"#figure-{name} .widget-stepper").aria_snapshot()
        tops.append((_step_text(page, name)[:12], page.evaluate(SLIDER_TOP, name)))

    note()
    back = page.locator(f"#figure-{name} [data-action='back']")
    while back.is_enabled():
        _press(page, name, "back")
        note()
    nxt = page.locator(f"#figure-{name} [data-action='next']")
    while nxt.is_enabled():
        _press(page, name, "next")
        note()
    return tops


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "320"])
def test_the_sliders_stay_put_at_every_step(browser, live_server, viewport):
    context, page = new_page(browser, viewport, is_mobile=True, has_touch=True)
    open_chapter(page, live_server, wait_until="load")
    moves = {}
    for name in ("nudge", "backprop", "vanishing"):
        figure_ready(page, name, drawn=True)
        tops = _slider_tops(page, name)
        if name == "backprop":  # a gradient step shows the whole pass with new numbers
            page.locator("#figure-backprop [data-action='step']").tap()
            page.wait_for_function("() => document.getElementById('widget-backprop-readout')"
                                   ".textContent.includes('After 1 gradient step')")
            tops += [("trained", page.evaluate(SLIDER_TOP, name))]
            tops += _slider_tops(page, name)
        values = [top for _, top in tops]
        moves[name] = round(max(values) - min(values), 1)
        assert moves[name] <= 1, (name, tops)
    print(f"slider moves at {viewport['width']} px: {moves}")
    assert not page.watch.errors, page.watch.errors
    context.close()


# The dragged slider's top on the screen (where the finger is) and the first slider's below
# its figure's, with the step's words shown.
WHERE = """([name, slider]) => {
  const figure = document.getElementById(`figure-${name}`);
  const first = figure.querySelector('.widget-controls input[type=range]');
  return {screen: document.getElementById(`widget-${name}-${slider}`).getBoundingClientRect().top,
          first: first.getBoundingClientRect().top - figure.getBoundingClientRect().top,
          words: document.getElementById(`widget-${name}-step`).textContent};
}"""


def _finger(cdp, kind: str, x: float = 0, y: float = 0) -> None:
    cdp.send("Input.dispatchTouchEvent", {
        "type": kind, "touchPoints": [] if kind == "touchEnd" else [{"x": x, "y": y}]})


def _touch_drag(page, cdp, name: str, slider: str, ends: list[float]) -> list[dict]:
    """A finger pressed on the slider's thumb and moved to each value of ``ends`` in turn, in
    small steps, each one painted: where the sliders were before, after every step and once
    the drag's last frame is drawn. The finger stays down."""
    selector = f"#widget-{name}-{slider}"
    track = page.locator(selector).bounding_box()
    low, high, value = page.eval_on_selector(
        selector, "e => [Number(e.min), Number(e.max), Number(e.value)]")
    def at(v):
        return track["x"] + 12 + (track["width"] - 24) * (v - low) / (high - low)
    y = track["y"] + track["height"] / 2
    seen = [page.evaluate(WHERE, [name, slider])]
    _finger(cdp, "touchStart", at(value), y)
    for end in ends:
        for i in range(1, 13):
            _finger(cdp, "touchMove", at(value + (end - value) * i / 12), y)
            frames(page, 1)
            seen.append(page.evaluate(WHERE, [name, slider]))
        value = end
    idle(page)  # the last frame asked for is drawn
    frames(page)
    seen.append(page.evaluate(WHERE, [name, slider]))
    return seen


def _moved(seen: list[dict]) -> dict:
    return {key: round(max(s[key] for s in seen) - min(s[key] for s in seen), 1)
            for key in ("screen", "first")}


def _released(page, cdp, name: str, slider: str) -> dict:
    _finger(cdp, "touchEnd")
    page.wait_for_selector(f"#figure-{name} .widget[data-state='ready']")
    hold_still(page, f"#widget-{name}-{slider}")
    return page.evaluate(WHERE, [name, slider])


def _open_phone(browser, live_server, viewport):
    context, page = new_page(browser, viewport, is_mobile=True, has_touch=True)
    watch_sweeps(page)
    open_chapter(page, live_server, wait_until="load")
    return context, page, context.new_cdp_session(page)


def test_a_finger_dragging_w1_into_saturation_leaves_the_sliders_where_they_were(
        browser, live_server):
    """At step 8 of Figure 2 on a 320 px phone, W₁ dragged far enough that the hidden unit
    saturates: the step's words gain the engine's note on it, and neither the slider under
    the finger nor the first slider moves, while the finger is down or after it lifts."""
    context, page, cdp = _open_phone(browser, live_server, SMALL_PHONE)
    figure_ready(page, "backprop", drawn=True)
    while not _step_text(page, "backprop").startswith("Step 8 of"):
        _press(page, "backprop", "next")
    page.locator("#widget-backprop-w1").evaluate(
        "e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
    hold_still(page, "#widget-backprop-w1")
    ask_for_sweep(page, "backprop", "w1")
    assert "saturated" not in _step_text(page, "backprop")
    seen = _touch_drag(page, cdp, "backprop", "w1", [-4.5])
    screenshot(page, "figure-backprop-saturated-drag-320")
    assert "saturated" in seen[-1]["words"], seen[-1]["words"]
    seen.append(_released(page, cdp, "backprop", "w1"))
    assert "saturated" in _step_text(page, "backprop")
    print(f"W₁ into saturation at 320 px, moved: {_moved(seen)}")
    assert _moved(seen) == {"screen": 0, "first": 0}, seen
    # Stepping through the saturated pass moves nothing either.
    values = [top for _, top in _slider_tops(page, "backprop")]
    assert max(values) - min(values) <= 1, values
    assert not page.watch.errors, page.watch.errors
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390", "320"])
def test_a_finger_dragging_any_slider_to_both_ends_leaves_the_sliders_where_they_were(
        browser, live_server, viewport):
    """Every slider of every figure, a finger down on its thumb, moved to its low end and then
    its high end: the slider under the finger and the figure's first slider stay where they
    were, whatever words the frames show. Lifted, they stay there too on a 320 × 568 phone,
    where no view is held (on a taller phone Figure 2's held view keeps its screen for the
    slider and grows after release at a step that needs it: widgets.css). Each drag starts
    from the defaults (the states the page holds room for: page.reachable)."""
    context, page, cdp = _open_phone(browser, live_server, viewport)
    during, after = {}, {}
    for name, figure in FIGURES.items():
        figure_ready(page, name, drawn=True)
        page.evaluate("(name) => document.querySelectorAll(`#figure-${name} .widget-more`)"
                      ".forEach((d) => { d.open = true; })", name)
        for slider in figure.sliders:
            if page.locator(f"#figure-{name} [data-field='{slider}']").is_hidden():
                continue  # not in this state (Figure 3's network settings)
            page.locator(f"#widget-{name}-{slider}").evaluate(
                "e => e.scrollIntoView({block: 'end', behavior: 'instant'})")
            hold_still(page, f"#widget-{name}-{slider}")
            ask_for_sweep(page, name, slider)
            spec = figure.schema[slider]
            seen = _touch_drag(page, cdp, name, slider, [spec.low, spec.high])
            during[f"{name}.{slider}"] = _moved(seen)
            after[f"{name}.{slider}"] = _moved([*seen, _released(page, cdp, name, slider)])
            set_controls(page, name, {slider: spec.default})  # the next drag from the defaults
            page.wait_for_selector(f"#figure-{name} .widget[data-state='ready']")
    print(f"slider moves at {viewport['width']} px during a drag: {during}; after: {after}")
    assert all(m["screen"] <= 1 and m["first"] <= 1 for m in during.values()), during
    if viewport == SMALL_PHONE:
        assert all(m["screen"] <= 1 and m["first"] <= 1 for m in after.values()), after
    assert not page.watch.errors, page.watch.errors
    context.close()
