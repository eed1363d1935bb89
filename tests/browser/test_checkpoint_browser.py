"""The checkpoint in a real Chromium: all four questions by mouse, by keyboard only, and by
touch on a phone; practice variants; JavaScript off; axe-core clean in each state."""

from __future__ import annotations

import re

from tests.browser.pages import (
    DESKTOP,
    axe_violations,
    checkpoint_violations,
    focused,
    hold_still,
    open_chapter,
    open_checkpoint,
    order,
    result,
    screenshot,
    shot,
    tab_to,
    tap,
    touch_drag,
)

TARGET = ["b", "a", "d", "c"]  # shown as a, c, b, d


def clean(page, expected: str | None = None, whole_page: bool = False) -> None:
    """axe-core finds nothing, and no request failed or logged an error (other than the one
    status the test provoked on purpose)."""
    assert (axe_violations(page) if whole_page else checkpoint_violations(page)) == []
    assert [e for e in page.watch.errors if not (expected and expected in e)] == []
    page.watch.errors.clear()


def test_all_four_by_mouse_with_drag_then_practice_and_reload(page, live_server):
    open_checkpoint(page, live_server)
    clean(page, whole_page=True)
    # the words of the loop: Check grades, Show answer says what it costs
    assert page.locator("#q1 [data-role=submit]").inner_text() == "Check"
    shown = page.get_by_role("button", name="Show answer (counts as revealed)", exact=True)
    assert shown.count() == 4
    intro = page.locator("#checkpoint").inner_text()
    assert "counts as revealed" in intro and "scores 0" in intro and "after three tries" in intro

    page.click("label[for=q1-e4]")
    page.click("#q1 [data-role=submit]")
    assert "Not quite" in result(page, "q1").inner_text()
    assert "Attempt 1" in result(page, "q1").inner_text()
    assert "inner" in page.locator("#q1 .result-feedback").inner_text()
    assert page.locator("#q1 [data-role=submit]").inner_text() == "Try again"
    page.click("label[for=q1-4e4]")
    page.click("#q1 [data-role=submit]")
    page.locator("#q1 .result-attempt", has_text="Attempt 2").wait_for()
    assert "Correct" in result(page, "q1").inner_text()

    for qid, choice in (("q2", "false"), ("q3", "1e-10")):
        page.click(f"label[for={qid}-{choice}]")
        page.click(f"#{qid} [data-role=submit]")
        result(page, qid).wait_for()
        assert "Correct" in result(page, qid).inner_text()

    # q4: drag step b by its handle to the top, then one Move down click.
    assert order(page) == ["a", "c", "b", "d"]
    page.locator("#q4 .steps").scroll_into_view_if_needed()
    handle = page.locator("#q4 [data-step=b] .step-handle").bounding_box()
    first = page.locator("#q4 [data-step=a]").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] + 5, first["y"] + first["height"] * 0.4, steps=8)
    page.mouse.move(handle["x"] + 5, first["y"] + 4, steps=4)
    page.mouse.up()
    assert order(page) == ["b", "a", "c", "d"]
    page.click("#q4 [data-step=c] [data-move=down]")
    assert order(page) == TARGET
    page.click("#q4 [data-role=submit]")
    assert "Correct" in result(page, "q4").inner_text()
    assert page.locator("[data-role=summary]").inner_text().startswith("4 of 4")
    # the last answer brings the ending into view and focus, with what comes next
    page.wait_for_function("document.activeElement.dataset.role === 'ending-block'")
    ending = page.locator("[data-role=ending-block]")
    assert ending.is_visible() and "What comes next" in ending.inner_text()
    assert [ending.get_by_role("link", name=n).count() for n in
            ("question 1", "question 3", "Back to the start of the chapter")] == [1, 1, 1]
    shot(page.locator(".checkpoint").first, "checkpoint-desktop-answered")
    clean(page)

    # "Try another": a typed number gets a receipt.
    page.click("#q1 [data-role=try-another]")
    page.wait_for_selector("#q1-practice .practice-prompt math")
    assert page.evaluate("document.activeElement.id") == "q1-practice-input"
    page.fill("#q1-practice-input", "1.5")
    page.click("#q1-practice button[type=submit]")
    receipt = page.locator("#q1-practice .result-receipt")
    receipt.wait_for()
    # A wrong number: its value, but not the reference or the interval that would give it away.
    assert "Your value" in receipt.inner_text() and "Accepted" not in receipt.inner_text()
    assert "Show answer" in page.locator("#q1-practice [data-role=reveal-note]").inner_text()
    # the chapter's notation, superscripts and all, is read as the number it writes
    page.fill("#q1-practice-input", "25×10⁻¹")
    page.click("#q1-practice button[type=submit]")
    page.locator("#q1-practice .result-receipt", has_text="2.5").wait_for()
    page.fill("#q1-practice-input", "two")
    page.click("#q1-practice button[type=submit]")
    assert "Type a number" in page.locator("#q1-practice .result-error").inner_text()
    page.fill("#q1-practice-input", "")
    clean(page, expected="422")
    shot(page.locator("#q1-practice"), "checkpoint-desktop-practice")

    # A reload shows every question's state from the server.
    page.reload(wait_until="networkidle")
    for qid in ("q1", "q2", "q3", "q4"):
        assert "Correct" in result(page, qid).inner_text()
    assert "Attempt 2" in result(page, "q1").inner_text()
    assert page.is_checked("#q1-4e4")
    assert order(page) == TARGET
    assert page.locator("[data-role=summary]").inner_text().startswith("4 of 4")
    assert page.watch.errors == []


def test_all_four_by_keyboard_only(page, live_server):
    open_checkpoint(page, live_server)
    page.focus("#q1-e4")  # the reader has tabbed to the first question
    for qid, presses in (("q1", 2), ("q2", 1), ("q3", 1)):
        tab_to(page, f"#{qid} input[name=answer]")
        page.keyboard.press("Space")
        for _ in range(presses):
            page.keyboard.press("ArrowDown")
        tab_to(page, f"#{qid} [data-role=submit]")
        page.keyboard.press("Enter")
        result(page, qid).wait_for()
        assert "Correct" in result(page, qid).inner_text(), qid
        assert focused(page).startswith("BUTTON")

    # q4 from a, c, b, d: step b up twice (nearly right), then step d up once.
    tab_to(page, "#q4 [data-step=b] [data-move=up]")
    page.keyboard.press("Enter")
    assert focused(page) == "up:b"  # focus travels with the moved step
    page.keyboard.press("Enter")
    assert order(page) == ["b", "a", "c", "d"]
    assert focused(page) == "down:b"  # at the top, Move up is disabled: focus its neighbour
    page.locator("[data-role=announce]", has_text="position 1 of 4").wait_for(state="attached")
    tab_to(page, "#q4 [data-role=submit]")
    page.keyboard.press("Enter")
    page.locator("#q4 .result-partial").wait_for()
    text = result(page, "q4").inner_text()
    assert re.search(r"Partly right: 83\s?% credit", text)
    assert "your order keeps 5." in text
    assert focused(page) == "BUTTON:"

    page.keyboard.press("Shift+Tab")
    tab_to(page, "#q4 [data-step=d] [data-move=up]")
    page.keyboard.press("Enter")
    assert order(page) == TARGET
    tab_to(page, "#q4 [data-role=submit]")
    page.keyboard.press("Enter")
    page.locator("#q4 .result-correct").wait_for()
    assert "Attempt 2" in result(page, "q4").inner_text()
    clean(page)


def test_all_four_by_touch_on_a_phone(phone_page, live_server):
    page = open_checkpoint(phone_page, live_server)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    for qid, choice in (("q1", "4e4"), ("q2", "false"), ("q3", "1e-10")):
        page.locator(f"label[for={qid}-{choice}]").tap()
        page.locator(f"#{qid} [data-role=submit]").tap()
        result(page, qid).wait_for()
        assert "Correct" in result(page, qid).inner_text()

    page.locator("#q4 .steps").scroll_into_view_if_needed()
    handle = page.locator("#q4 [data-step=b] .step-handle").bounding_box()
    first = page.locator("#q4 [data-step=a]").bounding_box()
    start = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    touch_drag(page, start, (start[0], first["y"] + 4))
    assert order(page) == ["b", "a", "c", "d"]
    # The page at rest first: a finger lifted while the page still moved flings it, and a tap
    # during a fling only stops it.
    hold_still(page, "#q4 [data-step=d] [data-move=up]")
    tap(page, "#q4 [data-step=d] [data-move=up]")
    page.locator("#q4 .step:nth-child(3)[data-step=d]").wait_for()
    assert order(page) == TARGET
    screenshot(page, "checkpoint-phone-ordering")
    page.locator("#q4 [data-role=submit]").tap()
    result(page, "q4").wait_for()
    assert "Correct" in result(page, "q4").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#q3 [data-role=try-another]").tap()
    page.wait_for_selector("#q3-practice .practice-prompt math")
    page.locator("#q3-practice-input").fill("0.5")
    page.locator("#q3-practice button[type=submit]").tap()
    page.locator("#q3-practice .result-receipt").wait_for()
    page.locator("#q3-practice").scroll_into_view_if_needed()
    screenshot(page, "checkpoint-phone-practice")
    page.locator("#q4").scroll_into_view_if_needed()
    screenshot(page, "checkpoint-phone-answered")
    clean(page)


def test_without_javascript_the_forms_post_and_the_result_comes_back(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        open_chapter(page, live_server, "/#checkpoint", wait_until="load")
        page.check("#q2-true")
        page.click("#q2 [data-role=submit]")
        page.wait_for_url(re.compile(r"#q2$"))
        assert "Not quite" in result(page, "q2").inner_text()
        page.select_option("#q4-pos-a", "2")
        page.select_option("#q4-pos-c", "4")
        page.select_option("#q4-pos-b", "1")
        page.select_option("#q4-pos-d", "3")
        page.click("#q4 [data-role=submit]")
        page.wait_for_url(re.compile(r"#q4$"))
        assert "Correct" in result(page, "q4").inner_text()
        assert "Not quite" in result(page, "q2").inner_text()  # earlier answers stay shown
        shot(page.locator("#q4"), "checkpoint-nojs-q4")
        state = context.storage_state()
    finally:
        context.close()
    # axe-core needs script; look at the same reader's page with only the checkpoint's own
    # script held back, so the DOM checked is the one a reader without JavaScript gets.
    context = browser.new_context(viewport=DESKTOP, storage_state=state)
    page = context.new_page()
    try:
        page.route(re.compile(r"/static/js/checkpoint\."), lambda route: route.abort())
        open_chapter(page, live_server, "/#q4")
        assert page.locator("#q4 select").count() == 4  # not enhanced: position menus
        assert checkpoint_violations(page) == []
    finally:
        context.close()


def test_an_answer_storage_cannot_record_says_not_saved_and_shows_no_grade(page, live_server,
                                                                          live_app):
    import time

    open_checkpoint(page, live_server)
    store = live_app.extensions["store"]
    store._open_until = time.monotonic() + 60  # storage down: the breaker refuses at once
    try:
        form = page.locator("form#q2")
        form.locator("label[for='q2-false']").click()
        form.locator("[data-role=submit]").click()
        error = form.locator("[data-role=result] .result-error")
        error.wait_for()
        assert error.inner_text() == "Not saved: storage is unavailable — try again in a moment"
        assert form.locator("[data-role=result] .result").count() == 0  # no grade at all
        assert "Correct" not in form.inner_text()
        clean(page, expected="503")
    finally:
        store._open_until = 0.0
    form.locator("[data-role=submit]").click()  # storage is back: the same answer is graded
    assert "Correct" in result(page, "q2").inner_text()
