"""The ordering question's review starts from a usable order: each step's position menu shows
its own place (1, 2, 3, 4), so pressing Check without changes sends a real order."""

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
