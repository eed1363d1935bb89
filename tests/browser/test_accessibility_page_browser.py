"""The accessibility statement in Chromium: reached from the chapter's footer, axe-clean in
light and dark mode, readable at 390 and 320 px without sideways scrolling, and its
conformance levels still legible under forced colours."""

from __future__ import annotations

import pytest

from tests.browser.pages import axe_violations, new_page, open_chapter, screenshot
from tests.browser.test_control_names_browser import CONTROLS, NAMES, SMALL, mismatches


def test_the_footer_link_leads_to_the_statement(page, live_server):
    open_chapter(page, live_server)
    link = page.locator(".site-footer").get_by_role("link", name="Accessibility")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url("**/accessibility")
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility"
    assert page.locator("tr[data-criterion]").count() == 56
    assert page.watch.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1366, 390])
def test_the_statement_is_axe_clean_and_reflows(browser, live_server, scheme, width):
    context, page = new_page(browser, {"width": width, "height": 900}, color_scheme=scheme)
    page.goto(live_server.url + "/accessibility", wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, f"accessibility-{width}-{scheme}")
    context.close()


def test_the_statement_under_forced_colours_at_320_px(browser, live_server):
    context, page = new_page(browser, {"width": 320, "height": 700}, forced_colors="active")
    page.goto(live_server.url + "/accessibility", wait_until="load")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.locator("#sc-2\\.1\\.1").scroll_into_view_if_needed()
    cell = page.locator("#sc-2\\.1\\.1 .conformance")
    assert cell.inner_text() == "Partially Supports" and cell.is_visible()
    screenshot(page, "accessibility-320-forced")
    context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_statements_controls_are_named_as_shown_and_big_enough(browser, live_server, width):
    context, page = new_page(browser, {"width": width, "height": 900})
    page.goto(live_server.url + "/accessibility", wait_until="load")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert len(page.evaluate(NAMES, CONTROLS)) > 50  # every test list's summary, the links
    assert mismatches(page) == []
    assert page.evaluate(SMALL, CONTROLS) == []
    context.close()


# The words of criteria's names and levels that sit on more than one line (a break after a
# hyphen, as in "Video-only", is a break between words).
_BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('tbody th, tbody .conformance')) {
    const text = cell.firstChild;
    for (const match of text.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("width", [320, 390, 1366])
def test_no_criterion_name_is_broken_inside_a_word_and_it_is_still_a_table(browser, live_server,
                                                                            width):
    """At 320 px each row's name takes a line of its own rather than a column too narrow for
    "Threshold"; Chromium's own accessibility tree still holds the table's headers."""
    context, page = new_page(browser, {"width": width, "height": 800})
    page.goto(live_server.url + "/accessibility", wait_until="load")
    assert page.evaluate(_BROKEN_WORDS) == []
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    session = context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    named = {(n["role"]["value"], n.get("name", {}).get("value", "").strip())
             for n in nodes if "role" in n}
    assert ("rowheader", "2.3.1 Three Flashes or Below Threshold") in named
    assert ("columnheader", "Remarks and explanations") in named
    tables = [n for n in nodes if n.get("role", {}).get("value") == "table"]
    assert len(tables) == page.locator("table").count() >= 2  # a table per level
    if width == 320:
        screenshot(page, "accessibility-320-stacked")
    context.close()
