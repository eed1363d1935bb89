"""Chromium: an instructor creates a class, two students join and answer, the dashboard shows
both — updating without a reload, sortable by keyboard, axe-clean, looked at on a phone."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import DESKTOP, PHONE, answer, axe_violations, new_page, screenshot


@pytest.fixture
def fast_poll(live_app):
    live_app.config["DASHBOARD_POLL_SECONDS"] = 1
    yield
    live_app.config.pop("DASHBOARD_POLL_SECONDS", None)


def join_as(browser, link: str, name: str, **context_options):
    context, page = new_page(browser, **context_options)
    page.goto(link)
    if context_options.get("is_mobile"):
        screenshot(page, "class-join-phone")
        assert axe_violations(page) == []
    page.get_by_label("Your name or student ID").fill(name)
    page.get_by_role("button", name="Start reading").click()
    page.wait_for_url(re.compile(r"/$"))
    banner = page.locator(".class-banner")
    assert f"Reading as {name} in Period 3 ML" in " ".join(banner.inner_text().split())
    if context_options.get("is_mobile"):
        screenshot(page, "class-banner-phone")
        assert axe_violations(page) == []  # the chapter, with the class banner
    return context, page


def test_a_class_from_creation_to_a_live_dashboard(browser, live_app, live_server, fast_poll):
    live_app.config["INSTRUCTOR_CODE"] = "browser-test-code"
    instructor, page = new_page(browser, DESKTOP)
    watch = page.watch
    page.goto(f"{live_server.url}/classes/new")
    page.get_by_label("Class name").fill("Period 3 ML")
    page.get_by_label("Instructor code").fill("browser-test-code")
    page.get_by_role("button", name="Create the class").click()
    page.get_by_text("This link is shown only once").wait_for()
    teach = page.locator("#teach-url").input_value()
    student_link = page.locator("#student-url").input_value()
    assert "/teach/" in teach and "/join/" in student_link
    assert axe_violations(page) == []
    screenshot(page, "class-created-desktop", full_page=True)

    ada_context, ada = join_as(browser, student_link, "Ada", viewport=DESKTOP)
    ben_context, ben = join_as(browser, student_link, "Ben", viewport=PHONE, is_mobile=True,
                               has_touch=True)
    answer(ada, "q1", "e4")
    answer(ada, "q1", "4e4")
    answer(ben, "q1", "e4")
    answer(ben, "q2", "true")

    page.goto(teach)
    roster = page.locator("[data-roster]")
    assert roster.locator("tbody th").all_inner_texts() == ["Ada", "Ben"]
    page.locator("[data-chart='q1'] .main-svg").first.wait_for()
    q1 = page.locator("article[aria-labelledby='qs-q1-h']")
    numbers = " ".join(q1.locator(".q-numbers dt, .q-numbers dd").all_text_contents())
    assert "Attempted 2 of 2" in numbers and "Right first try 0 %" in numbers
    assert "Right eventually 50 %" in numbers and "Mean attempts 1.5" in numbers
    slips = " ".join(q1.locator(".slips").inner_text().split())
    assert slips.startswith("100 % chose") and "forgot the inner derivative" in slips
    assert watch.errors == []
    assert axe_violations(page) == []

    # Sorting by keyboard: Score, highest first; the header says so to assistive technology.
    page.locator("button[data-sort='score']").focus()
    page.keyboard.press("Enter")
    score_header = page.locator("th[data-col='score']")
    assert score_header.get_attribute("aria-sort") == "descending"
    assert roster.locator("tbody th").all_inner_texts() == ["Ada", "Ben"]
    page.keyboard.press("Enter")
    assert score_header.get_attribute("aria-sort") == "ascending"
    assert roster.locator("tbody th").all_inner_texts() == ["Ben", "Ada"]

    # A class at work: Ben answers again; the open dashboard updates without a reload,
    # keeps the sort and the focus, and says so politely.
    answer(ben, "q1", "4e4")
    status = page.locator("[data-live-status]")
    status.filter(has_text="1 new attempt").wait_for(state="attached", timeout=8000)
    ben_row = roster.locator("tbody tr", has=page.locator("th", has_text="Ben"))
    assert "Right after 2 tries" in " ".join(ben_row.locator("td").first.inner_text().split())
    assert page.locator("th[data-col='score']").get_attribute("aria-sort") == "ascending"
    assert page.evaluate("document.activeElement.dataset.sort") == "score"
    screenshot(page, "dashboard-desktop", full_page=True)

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    small = phone.new_page()
    small.goto(teach)
    small.locator("[data-chart='q1'] .main-svg").first.wait_for()
    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dashboard scrolls sideways at 390 px ({width} px)"
    # Each answer's label (maths and its value, which cannot wrap) stays inside its cell.
    spill = small.evaluate("""() => [...document.querySelectorAll('table.answers th[scope=row]')]
        .map((th) => th.firstElementChild.getBoundingClientRect().right
                     - th.getBoundingClientRect().right)""")
    assert spill and max(spill) <= 0, spill
    assert axe_violations(small) == []
    screenshot(small, "dashboard-phone", full_page=True)
    for context in (instructor, ada_context, ben_context, phone):
        context.close()


def test_on_a_phone_each_roster_row_is_a_card_showing_every_state_and_the_score(browser,
                                                                               live_app,
                                                                               live_server):
    """At 390 px: the roster summary comes first, question sections fold, and a student's
    row shows every question's state (partial credit as "Partly right") and the score."""
    from instructors import keys
    from store import NewAttempt
    from store import classes as class_store

    store = live_app.extensions["store"]
    key = keys.new_key()
    record = class_store.create_class(store, "Phone class", keys.new_token(), keys.hash_key(key))
    class_store.enrol(store, record.id, "phone-ada", "Ada Phone")
    class_store.enrol(store, record.id, "phone-ben", "Ben Phone")
    for attempt in (NewAttempt("phone-ada", "q1", "4e4", 1.0, True),
                    NewAttempt("phone-ada", "q2", "true", 0.0, False, "forward-order"),
                    NewAttempt("phone-ada", "q4", "b,a,c,d", 2 / 3, False, "forward-order"),
                    NewAttempt("phone-ben", "q1", "e4", 0.0, False, "forgot-inner-derivative")):
        store.record_attempt(attempt)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/teach/{record.token}/{key}")

    overview = page.locator("[data-overview]")
    assert "2 of 2 students have answered" in " ".join(overview.inner_text().split())
    questions = page.locator("#questions-h").bounding_box()
    assert overview.bounding_box()["y"] < questions["y"]  # the roster summary first
    assert "All times UTC" in page.locator(".live-note").inner_text()
    q1 = page.locator("details[data-question='q1']")
    q1.locator("summary").click()
    assert q1.get_attribute("open") is None  # folded away
    q1.locator("summary").click()

    row = page.locator("[data-roster] tbody tr", has=page.locator("th", has_text="Ada Phone"))
    row.scroll_into_view_if_needed()
    expected = {"Q1": "Right first try", "Q2": "Wrong, 1 try", "Q3": "Not tried",
                "Q4": "Partly right (67 %), 1 try", "Score": "1.67 of 4"}
    for label, text in expected.items():
        cell = row.locator(f"td[data-label='{label}']")
        assert cell.is_visible(), label
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (label, box)
        assert text in " ".join(cell.inner_text().split()), (label, cell.inner_text())
    assert "Wrong" not in row.locator("td[data-label='Q4']").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the dashboard scrolls sideways at 390 px ({width} px)"
    assert axe_violations(page) == []
    screenshot(page, "dashboard-roster-phone", full_page=True)
    context.close()
