"""Chromium: an instructor sets the class's credit for revealed answers on the dashboard,
and the student who revealed an answer sees the same score on their own page as the roster
shows (the use case of the one scoring rule, where it shows)."""

from __future__ import annotations

import re

from tests.browser.conftest import DESKTOP, axe_violations
from tests.classes_helpers import create_class, join


def test_the_instructor_gives_half_credit_for_revealed_answers_and_both_pages_agree(
        browser, live_server, live_app):
    klass = create_class(live_app.test_client(), "Scoring in the browser")
    fay = join(live_app, klass["join"], "Fay")
    assert fay.post("/api/checkpoint/q2/reveal", json={}).status_code == 200
    assert fay.post("/api/checkpoint/q2", json={"answer": "false"}).get_json()["correct"]
    cookie = fay.get_cookie("session")

    teacher = browser.new_context(viewport=DESKTOP)
    page = teacher.new_page()
    page.goto(live_server.url + klass["teach"])
    row = page.locator("[data-roster] tbody tr", has=page.locator("th:text-is('Fay')"))
    assert "Revealed" in row.inner_text()
    assert re.search(r"\b0 of 4", row.locator("td.score").inner_text())
    page.fill("#credit-revealed", "0.5")
    page.click("text=Save the scoring")
    page.wait_for_url(re.compile(r"#credit$"))
    assert page.input_value("#credit-revealed") == "0.5"
    row = page.locator("[data-roster] tbody tr", has=page.locator("th:text-is('Fay')"))
    assert re.search(r"\b0\.5 of 4", row.locator("td.score").inner_text())
    page.fill("#credit-hinted", "two")
    page.click("text=Save the scoring")
    error = page.locator("#credit-error")
    assert "number from 0 to 1" in error.inner_text()
    assert page.evaluate("document.activeElement.id") == "credit-hinted"
    assert axe_violations(page) == []
    teacher.close()

    student = browser.new_context(viewport=DESKTOP)
    student.add_cookies([{"name": "session", "value": cookie.value,
                          "url": live_server.url}])
    mine = student.new_page()
    mine.goto(live_server.url + "/#q2")
    summary = mine.locator("[data-role=summary]").inner_text()
    assert summary.startswith("0 of 4") and "Score: 0.5 of 4." in summary
    assert mine.locator("#q2 [data-role=state]").inner_text().endswith("Revealed")
    student.close()
