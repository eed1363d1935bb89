"""Chromium: every control's accessible name contains the words it shows (WCAG 2.5.3, so a
voice user can say what they see), every control outside running text is at least 24 × 24
px (2.5.8), and a step button pressed before its figure's data arrives is not lost."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import DESKTOP, PHONE, answer, figure_ready, frames, new_page, open_chapter
from tests.browser.test_teach_states_resume_browser import scripted_class

CONTROLS = "button, a[href], input:not([type=hidden]), select, summary"

# Each visible control: its accessible name (aria-labelledby, aria-label, its labels, its
# text, in that order) and the words it shows (hidden text and aria-hidden marks left out).
NAMES = """(selector) => {
  const visible = (e) => {
    const box = e.getBoundingClientRect();
    const style = getComputedStyle(e);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
      && !(box.width <= 1 && box.height <= 1);
  };
  const shown = (e) => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll('.visually-hidden, [aria-hidden=true], [hidden], math annotation')
      .forEach((n) => n.remove());
    return copy.textContent;
  };
  const byIds = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id))
    .filter(Boolean).map((n) => n.textContent).join(' ');
  return Array.from(document.querySelectorAll(selector)).filter(visible).map((e) => {
    let name = e.getAttribute('aria-labelledby') ? byIds(e.getAttribute('aria-labelledby'))
      : e.getAttribute('aria-label');
    let label = shown(e);
    if (e.matches('input, select')) {
      const labels = Array.from(e.labels || []).map(shown).join(' ');
      if (name == null) name = labels || e.getAttribute('title') || '';
      label = labels;
      if (['button', 'submit'].includes(e.type)) label = e.value;
    }
    if (name == null) name = e.textContent;
    return {tag: e.tagName, id: e.id, cls: e.className, name, label};
  });
}"""


def words(text: str | None) -> str:
    """Letters and digits only: a maths label's superscripts (e⁴ read as "e^4") and the
    spaces of its layout do not count as a difference."""
    return re.sub(r"[\W_]", "", (text or "").lower())


def mismatches(page) -> list[dict]:
    return [c for c in page.evaluate(NAMES, CONTROLS)
            if words(c["label"]) and words(c["label"]) not in words(c["name"])]


def test_every_control_name_contains_its_visible_label(browser, live_server, live_app):
    context, page = new_page(browser, DESKTOP)
    open_chapter(page, live_server)
    figure_ready(page, "nudge")
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()  # what a disclosure holds is checked too
    assert len(page.evaluate(NAMES, CONTROLS)) > 50
    assert mismatches(page) == []
    # After a wrong answer: Try again, Hint, Show answer and the result's own controls.
    answer(page, "q2", "true")
    assert page.locator("#q2").get_by_role("button", name="Hint", exact=True).is_visible()
    assert mismatches(page) == []
    klass = scripted_class(live_app)
    page.goto(live_server.url + klass["teach"])
    page.locator("[data-roster] tbody tr").first.wait_for()
    assert len(page.evaluate(NAMES, CONTROLS)) > 10
    assert mismatches(page) == []
    context.close()


def test_a_name_that_differs_from_its_label_is_caught(page, live_server):
    open_chapter(page, live_server, wait_until="load")
    page.evaluate("""() => { const b = document.createElement('button');
        b.textContent = 'Next step'; b.setAttribute('aria-label', 'Advance');
        b.id = 'mislabelled'; document.querySelector('main').prepend(b); }""")
    assert [c["id"] for c in mismatches(page)] == ["mislabelled"]


# Each visible control outside running text whose box is under 24 px either way. A link in a
# sentence is exempt (2.5.8's inline exception); a radio or checkbox counts with its label,
# which a press on also toggles (the equivalent-target exception).
SMALL = """(selector) => {
  const inline = (e) => e.matches('a') && getComputedStyle(e).display === 'inline'
    && e.parentElement && e.parentElement.textContent.trim().length > e.textContent.trim().length;
  const box = (e) => {
    let r = e.getBoundingClientRect();
    if (e.matches('input[type=radio], input[type=checkbox]') && e.labels && e.labels[0]) {
      const l = e.labels[0].getBoundingClientRect();
      const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
      r = {width: Math.max(r.right, l.right) - left, height: Math.max(r.bottom, l.bottom) - top};
    }
    return r;
  };
  return Array.from(document.querySelectorAll(selector)).filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== 'hidden'
      && !inline(e) && !e.closest('.widget-plot, .chart');
  }).map((e) => ({tag: e.tagName, id: e.id, cls: String(e.className),
                  text: e.textContent.trim().slice(0, 40), w: box(e).width, h: box(e).height}))
    .filter((t) => t.w < 24 || t.h < 24);
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_control_outside_running_text_is_at_least_24_px(browser, live_server, live_app,
                                                               viewport):
    context, page = new_page(browser, viewport)
    open_chapter(page, live_server)
    figure_ready(page, "nudge")
    assert page.evaluate(SMALL, CONTROLS) == []
    klass = scripted_class(live_app)
    page.goto(live_server.url + klass["teach"])
    page.locator("[data-roster] tbody tr").first.wait_for()
    assert page.evaluate(SMALL, CONTROLS) == []
    context.close()


def held_request(page, name: str) -> list:
    """Hold figure ``name``'s data request until the test lets it go; returns the holder."""
    held: list = []
    page.route(re.compile(rf"/api/widgets/{name}\?"), lambda route: held.append(route))
    return held


def test_a_step_pressed_before_the_figure_data_arrives_is_applied(page, live_server):
    nudge, backprop = held_request(page, "nudge"), held_request(page, "backprop")
    open_chapter(page, live_server, wait_until="load")
    for name, held in (("nudge", nudge), ("backprop", backprop)):
        page.locator(f"#figure-{name}").scroll_into_view_if_needed()
        for _ in range(400):  # the page's frames run while the request is held
            if held:
                break
            frames(page)
        assert held, f"{name} asked for its data"
    # The data has not arrived, yet the buttons take presses (no waiting on a disabled one:
    # each is enabled as it is pressed; the press itself may wait on a loaded machine).
    assert page.locator("#widget-nudge-step").inner_text() == ""
    for button in ("#figure-nudge [data-action='back']", "#figure-backprop [data-action='next']",
                   "#figure-backprop [data-action='next']"):
        assert page.locator(button).is_enabled(), button
        page.locator(button).click()
    for route in nudge + backprop:
        route.continue_()
    figure_ready(page, "nudge")
    figure_ready(page, "backprop")
    # Figure 1 opens on its last step and went one back; Figure 2 opens on its first, two on.
    page.wait_for_function(
        "() => document.getElementById('widget-nudge-step').innerText.startsWith('Step 3 of 4')")
    page.wait_for_function(
        "() => document.getElementById('widget-backprop-step').innerText.startsWith('Step 3 of')")
    assert page.locator("#figure-nudge [data-action='next']").is_enabled()
    assert page.watch.errors == []
