"""A review due, as a reader meets it: a card like the checkpoint's questions, and the ordering
question starting from a usable order (each step's menu at its own place, 1 to 4)."""

from __future__ import annotations

from tests.browser.test_review_browser import reader_with_reviews_due


def test_the_ordering_review_shows_each_step_at_its_own_position(browser, live_server, live_app):
    context, page = reader_with_reviews_due(browser, live_server, live_app,
                                            {"q4": ["b", "a", "d", "c"]})
    form = page.locator("#review form[data-review=q4]")
    selects = form.locator("select[name=position]")
    assert selects.count() == 4
    shown = [s.input_value() for s in selects.all()]
    assert shown == ["1", "2", "3", "4"]
    form.get_by_role("button", name="Check").click()
    answered = "[data-role=review-result] .result, [data-role=review-error]:visible"
    form.locator(answered).first.wait_for()
    assert form.locator("[data-role=review-error]").is_hidden()
    context.close()


def test_a_review_is_a_card_without_a_frame_cut_by_its_prompt(browser, live_server, live_app):
    context, page = reader_with_reviews_due(browser, live_server, live_app, {"q2": "false"})
    form = page.locator("#review form[data-review=q2]")
    frame = form.locator("fieldset").evaluate(
        "f => getComputedStyle(f).borderTopStyle + ' ' + getComputedStyle(f).borderTopWidth")
    assert frame in ("none 0px", "solid 0px"), frame
    card = form.evaluate("f => parseFloat(getComputedStyle(f).borderTopWidth)")
    assert card >= 1
    context.close()
