"""Chromium: the dashboard shows every state in the page's words (desktop and 390 px), and
the checkpoint's "Carry on another device" control makes a code whose link carries the
reader's progress to a second browser after its confirmation page."""

from __future__ import annotations

import re

from tests.browser.pages import DESKTOP, PHONE, answer, axe_violations, open_chapter, screenshot
from tests.classes_helpers import create_class, join


def scripted_class(app) -> dict:
    """Six students, one state each (as in tests/test_dashboard_states.py)."""
    klass = create_class(app.test_client(), "States in the browser")
    people = {n: join(app, klass["join"], n) for n in ("Ann", "Bo", "Cy", "Di", "Ed", "Fay")}
    steps = [("Bo", "/api/checkpoint/q1", {"answer": "e4"}),
             ("Cy", "/api/checkpoint/q4", {"answer": ["b", "a", "c", "d"]}),
             ("Di", "/api/checkpoint/q1", {"answer": "4e4"}),
             ("Ed", "/api/checkpoint/q1", {"answer": "e4"}),
             ("Ed", "/api/checkpoint/q1/hint", {}),
             ("Ed", "/api/checkpoint/q1", {"answer": "4e4"}),
             ("Fay", "/api/checkpoint/q2/reveal", {}),
             ("Fay", "/api/checkpoint/q2", {"answer": "false"})]
    for name, path, body in steps:
        assert people[name].post(path, json=body).status_code == 200
    return klass


WORDS = {"Ann": "Not tried", "Bo": "Wrong", "Cy": "Partly right", "Di": "Right first try",
         "Ed": "Right with hints", "Fay": "Revealed"}


def test_the_dashboard_shows_every_state_in_words(browser, live_server, live_app):
    klass = scripted_class(live_app)
    for viewport, name, mobile in ((DESKTOP, "dashboard-states-desktop", False),
                                   (PHONE, "dashboard-states-390", True)):
        context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
        page = context.new_page()
        page.goto(live_server.url + klass["teach"])
        roster = page.locator("[data-roster]")
        for student, word in WORDS.items():
            row = roster.locator("tbody tr", has=page.locator(f"th:text-is('{student}')"))
            assert word in row.inner_text(), (student, row.inner_text())
        ed = roster.locator("tbody tr", has=page.locator("th:text-is('Ed')"))
        assert "1 hint" in ed.inner_text()
        page.locator("#roster-h").scroll_into_view_if_needed()
        screenshot(page, name, full_page=True)
        assert axe_violations(page) == []
        context.close()


def test_carry_on_another_device(browser, live_server):
    first = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = open_chapter(first.new_page(), live_server, wait_until="load")
    answer(page, "q1", "4e4")
    page.locator("#q1 [data-role=state]").filter(has_text="Right first try").wait_for()
    carry = page.locator("#checkpoint-carry")
    carry.locator("summary").click()
    carry.get_by_role("button", name="Make a resume code").click()
    code = carry.locator("[data-role=carry-code]")
    code.filter(has_text=re.compile(r"^[2-9A-Z]{5}-[2-9A-Z]{5}$")).wait_for()
    link = carry.locator("[data-role=carry-link]").input_value()
    carry.scroll_into_view_if_needed()
    screenshot(page, "resume-control-390")
    assert axe_violations(page) == []
    second = browser.new_context(viewport=DESKTOP)
    other = second.new_page()
    other.goto(link)
    screenshot(other, "resume-confirm-desktop")
    assert axe_violations(other) == []
    other.get_by_role("button", name="Carry on here").click()
    other.locator("#q1 [data-role=state]").filter(has_text="Right first try").wait_for()
    first.close()
    second.close()
