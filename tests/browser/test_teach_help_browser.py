"""A self-learner in a real Chromium: a wrong answer (feedback, no explanation), two hints, a
right answer and its explanation — by mouse, by keyboard only, and by touch at 390 px; axe-core
clean in each state."""

from __future__ import annotations

from tests.browser.pages import axe_violations, open_checkpoint, screenshot, tab_to


def hints(page) -> int:
    return page.locator("#q1 [data-role=hints] .hint").count()


def explanation(page):
    return page.locator("#q1 [data-role=explanation]")


def after_wrong(page) -> None:
    page.locator("#q1 .result", has_text="Not quite").wait_for()
    assert "inner" in page.locator("#q1 .result-feedback").inner_text()
    assert explanation(page).count() == 0
    assert "Show answer" in page.locator("#q1 [data-role=reveal-note]").inner_text()
    assert page.locator("#q1 [data-role=state]").inner_text().endswith("Wrong")


def after_hints(page) -> None:
    page.locator("#q1 .hint").nth(1).wait_for()
    assert "inner one" in page.locator("#q1 .hint").nth(0).inner_text()
    assert page.evaluate("document.activeElement.classList.contains('hint')")
    assert explanation(page).count() == 0


def after_right(page) -> None:
    page.locator("#q1 .result", has_text="Correct").wait_for()
    assert "Two different 4s" in explanation(page).inner_text()
    assert page.locator("#q1 [data-role=reveal]").count() == 0
    assert page.locator("#q1 [data-role=state]").inner_text().endswith("Right with hints")


def no_errors(page) -> None:
    assert axe_violations(page) == []
    assert page.watch.errors == []


def test_wrong_two_hints_right_by_mouse(page, live_server):
    open_checkpoint(page, live_server)
    page.click("label[for=q1-e4]")
    page.click("#q1 [data-role=submit]")
    after_wrong(page)
    no_errors(page)
    page.click("#q1 [data-role=hint]")
    page.locator("#q1 .hint").first.wait_for()
    page.click("#q1 [data-role=hint]")
    after_hints(page)
    no_errors(page)
    page.click("label[for=q1-4e4]")
    page.click("#q1 [data-role=submit]")
    after_right(page)
    page.locator("#q1").scroll_into_view_if_needed()
    screenshot(page, "teach-help-desktop")
    page.locator("#q1").screenshot(path=str(screenshot(page, "teach-help-desktop-q1")))
    no_errors(page)
    page.reload(wait_until="networkidle")  # the page itself keeps hints and explanation
    assert hints(page) == 2 and explanation(page).count() == 1


def test_wrong_two_hints_right_by_keyboard_only(page, live_server):
    open_checkpoint(page, live_server)
    page.focus("#q1-e4")
    page.keyboard.press("Space")  # e4, the first choice
    tab_to(page, "#q1 [data-role=submit]")
    page.keyboard.press("Enter")
    after_wrong(page)
    for n in (1, 2):
        tab_to(page, "#q1 [data-role=hint]")
        page.keyboard.press("Enter")
        page.locator("#q1 .hint").nth(n - 1).wait_for()
    after_hints(page)
    no_errors(page)
    page.focus("#q1-e4")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 4e4, the third choice
    assert page.is_checked("#q1-4e4")
    tab_to(page, "#q1 [data-role=submit]")
    page.keyboard.press("Enter")
    after_right(page)
    no_errors(page)


def test_wrong_two_hints_right_by_touch_on_a_phone(phone_page, live_server):
    page = open_checkpoint(phone_page, live_server)
    page.locator("label[for=q1-e4]").tap()
    page.locator("#q1 [data-role=submit]").tap()
    after_wrong(page)
    page.locator("#q1 [data-role=hint]").tap()
    page.locator("#q1 .hint").first.wait_for()
    page.locator("#q1 [data-role=hint]").tap()
    after_hints(page)
    no_errors(page)
    page.locator("label[for=q1-4e4]").tap()
    page.locator("#q1 [data-role=submit]").tap()
    after_right(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#q1").screenshot(path=str(screenshot(page, "teach-help-phone-q1")))
    no_errors(page)


def test_show_me_the_answer_on_a_practice_variant(page, live_server):
    open_checkpoint(page, live_server)
    page.click("label[for=q1-e4]")
    page.click("#q1 [data-role=submit]")
    page.click("#q1 [data-role=try-another]")
    page.wait_for_selector("#q1-practice .practice-prompt math")
    page.click("#q1-practice [data-role=hint]")
    page.wait_for_selector("#q1-practice .hint")
    page.click("#q1-practice [data-role=reveal]")
    page.wait_for_selector("#q1-practice .result-solution")
    assert "The answer:" in page.locator("#q1-practice [data-role=explanation]").inner_text()
    page.locator("#q1-practice").screenshot(path=str(screenshot(page, "teach-help-practice")))
    no_errors(page)
