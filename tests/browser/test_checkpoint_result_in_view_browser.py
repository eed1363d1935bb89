"""A checkpoint's result on a phone: it lies under the Check button, so an answer checked with
the button near the bottom of the screen used to put "Not quite" and its reason below the
screen, with focus on the button at its bottom edge. The page now scrolls the result into view
as far as the button stays in view under the masthead."""

from __future__ import annotations

from tests.browser.pages import PHONE, frames, hold_still, new_page, open_checkpoint, result

PLACE_BUTTON_AT_BOTTOM = """(margin) => {
  const b = document.querySelector("#q1 [data-role=submit]").getBoundingClientRect();
  window.scrollBy({ top: b.bottom - (window.innerHeight - margin), behavior: "instant" });
}"""
WHERE = """() => {
  const rect = (s) => {
    const node = document.querySelector(s);
    return node && node.getBoundingClientRect();
  };
  return { button: rect("#q1 [data-role=submit]"), result: rect("#q1 [data-role=result] .result"),
           masthead: rect(".masthead").bottom, height: window.innerHeight,
           focus: document.activeElement.dataset.role || document.activeElement.tagName };
}"""


def test_a_wrong_answer_checked_at_the_screens_bottom_shows_why_with_the_button_in_view(
        browser, live_server):
    context, page = new_page(browser, PHONE, has_touch=True)
    open_checkpoint(page, live_server)
    page.click("label[for=q1-e4]")  # a wrong answer
    page.evaluate(PLACE_BUTTON_AT_BOTTOM, 8)
    frames(page)
    before = page.evaluate(WHERE)
    assert before["button"]["bottom"] > before["height"] - 20  # at the screen's bottom edge
    page.locator("#q1 [data-role=submit]").click()
    result(page, "q1").wait_for()
    hold_still(page, "#q1 [data-role=submit]")  # a smooth scroll, where motion is allowed
    assert "Not quite" in result(page, "q1").inner_text()
    now = page.evaluate(WHERE)
    # the button (with focus) stays whole under the masthead and on screen …
    assert now["focus"] == "submit"
    assert now["button"]["top"] >= now["masthead"] and now["button"]["bottom"] <= now["height"]
    # … and the result is in view: whole where it fits, else from its top
    fits = now["result"]["bottom"] - now["button"]["top"] <= now["height"] - now["masthead"]
    if fits:
        assert now["result"]["bottom"] <= now["height"], now
    else:
        assert now["result"]["top"] < now["height"] - 100, now
    assert page.watch.errors == []
    context.close()
