"""A reader who pressed Show answer and then answers reads the explanation once, not twice."""

from __future__ import annotations


def test_the_explanation_is_not_repeated_after_a_reveal(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    q1 = page.locator("#q1")
    q1.locator("[data-role=reveal]").click()
    page.wait_for_selector("#q1 [data-role=help] [data-role=explanation]")
    page.locator("label[for=q1-4e4]").click()
    q1.locator("[data-role=submit]").click()
    page.wait_for_selector("#q1 [data-role=result] .result")
    assert "Correct" in q1.locator("[data-role=result]").inner_text()
    assert q1.locator("[data-role=explanation]").count() == 1
    assert q1.locator("[data-role=help] [data-role=explanation]").is_visible()
    # Right, but after a shown answer: the summary says what it counts, not "0 answered correctly".
    summary = page.locator("[data-role=summary]").inner_text()
    assert summary == "0 of 4 questions right without a shown answer so far."


def test_an_earned_explanation_still_comes_with_the_right_answer(page, live_server):
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    q2 = page.locator("#q2")
    page.locator("label[for=q2-false]").click()
    q2.locator("[data-role=submit]").click()
    page.wait_for_selector("#q2 [data-role=result] [data-role=explanation]")
    assert q2.locator("[data-role=explanation]").count() == 1
