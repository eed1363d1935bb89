"""A figure's sliders keep their place while the reader steps through it: the words of one
step may take more lines than another's (and Figure 2's bold line too), but each is laid out
in a cell that holds room for every step's (widgets.css .widget-held), so the first slider
moves by no more than a pixel at any step, on a 390 px and a 320 px phone. The copies that
hold the room are never read: the step's words are the only ones a screen reader meets."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import PHONE, figure_ready, new_page, open_chapter

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
