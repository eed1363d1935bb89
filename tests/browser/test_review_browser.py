"""Chromium: reviews due are announced at the top of the page and in the contents; a review is
answered in place (no page load), its errors shown in its own form, its next date written in
the reader's language and time zone; and storage down during a review says "not saved"."""

from __future__ import annotations

import re
import sqlite3

from store import review as review_store
from tests.browser.conftest import DESKTOP, axe_violations, screenshot


def reader_with_reviews_due(browser, live_server, live_app, answers: dict):
    """A fresh reader who answered ``answers`` right, with those reviews made due now (as
    `flask review due` does)."""
    context = browser.new_context(viewport=DESKTOP, locale="en-NZ",
                                  timezone_id="Pacific/Auckland")
    page = context.new_page()
    page.goto(live_server.url + "/")
    for qid, answer in answers.items():
        status = page.evaluate("""([qid, answer]) => fetch('/api/checkpoint/' + qid, {
            method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({answer})}).then(r => r.status)""", [qid, answer])
        assert status == 200
    cookie = next(c for c in context.cookies() if c["name"] == live_app.config.get(
        "SESSION_COOKIE_NAME", "session"))
    learner = live_app.session_interface.get_signing_serializer(live_app).loads(
        cookie["value"])["learner"]
    assert review_store.make_due(live_app.extensions["store"], learner) == len(answers)
    page.reload()
    page.evaluate("window.__samePage = true")  # gone if anything loads a new page
    return context, page


def test_a_review_is_answered_in_place_with_errors_inline(browser, live_server, live_app):
    context, page = reader_with_reviews_due(browser, live_server, live_app,
                                            {"q1": "4e4", "q2": "false"})
    notice = page.locator("[data-role=review-notice]")
    assert notice.inner_text().startswith("2 reviews due")
    assert page.locator(".sidebar [data-role=review-toc]").inner_text() == "2 reviews due"
    assert notice.bounding_box()["y"] < 400  # at the top, where a reader starts
    notice.get_by_role("link").click()
    review = page.locator("#review")

    q2 = review.locator("form[data-review=q2]")
    q2.get_by_role("button", name="Check").click()  # nothing chosen: said in the form
    error = q2.locator("[data-role=review-error]")
    error.filter(has_text="Choose one of the answers").wait_for()

    q1 = review.locator("form[data-review=q1]")
    q1.get_by_label("Your answer").fill("twelve")  # not a number: the server's 422, inline
    q1.get_by_role("button", name="Check").click()
    q1_error = q1.locator("[data-role=review-error]")
    q1_error.wait_for()
    assert q1_error.inner_text() and "ERROR" not in page.content()
    assert q1.get_by_label("Your answer").get_attribute("aria-invalid") == "true"
    screenshot(page, "review-error-inline-desktop")

    q2.locator("input[value=false]").check()
    q2.get_by_role("button", name="Check").click()
    result = q2.locator("[data-role=review-result]")
    result.locator(".review-next").wait_for()
    assert "Correct" in result.inner_text()
    when = result.locator("time[data-review-time]")
    # Written by the browser in the reader's words: relative, then a local date.
    assert re.match(r"in 3 days \(\w+", when.inner_text()), when.inner_text()
    assert notice.inner_text().startswith("1 review due")
    assert page.locator(".sidebar [data-role=review-toc]").inner_text() == "1 review due"
    assert q2.get_by_role("button", name="Check").is_disabled()  # its token is spent
    assert page.evaluate("window.__samePage") is True  # answered in place: no page load
    screenshot(page, "review-answered-in-place-desktop")
    assert axe_violations(page) == []
    context.close()


def test_a_review_with_storage_locked_says_not_saved(browser, live_server, live_app):
    context, page = reader_with_reviews_due(browser, live_server, live_app, {"q2": "false"})
    q2 = page.locator("form[data-review=q2]")
    q2.locator("input[value=false]").check()
    path = live_app.extensions["store"].url.removeprefix("sqlite:///")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        q2.get_by_role("button", name="Check").click()
        error = q2.locator("[data-role=review-error]")
        error.filter(has_text="not saved").wait_for()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "Try again" in error.inner_text()
    assert q2.get_by_role("button", name="Check").is_enabled()  # the reader can try again
    live_app.extensions["store"]._open_until = 0.0  # storage is back
    q2.get_by_role("button", name="Check").click()
    q2.locator("[data-role=review-result] .review-next").wait_for()
    assert page.locator("[data-role=review-notice]").count() == 0  # none left: notice gone
    context.close()
