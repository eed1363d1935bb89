"""The practice panel is the server's markup (templates/partials/practice.html, kept inert in
<template>s): nothing of it shows before it is offered, each new variant brings back the help
its last one used up, and a slow or failing variant request leaves one honest panel."""

from __future__ import annotations

from tests.browser.pages import frames, open_checkpoint


def answer_q1(page):
    page.click("label[for=q1-e4]")
    page.click("#q1 [data-role=submit]")
    page.locator("#q1 [data-role=try-another]").wait_for()


def test_nothing_of_the_practice_shows_before_an_answer_earns_the_offer(page, live_server):
    open_checkpoint(page, live_server)
    assert page.locator("[data-role=try-another]").count() == 0
    assert page.locator("form.practice").count() == 0
    body = page.evaluate("document.body.innerText")
    assert "A fresh practice version" not in body and "Practice: question" not in body
    # The markup is there for later, inert: one offer and one panel per question that has
    # variants, with the hint and reveal routes of that question.
    templates = page.evaluate("""() => Array.from(document.querySelectorAll(
        'template[data-role=practice-panel]')).map((t) => ({
          question: t.dataset.question,
          hint: t.content.querySelector('[data-role=hint]').dataset.api,
          prompt: t.content.querySelector('.practice-prompt').innerHTML}))""")
    assert [t["question"] for t in templates] == ["q1", "q3", "p1", "p2"]
    for t in templates:
        assert t["hint"] == f"/api/checkpoint/{t['question']}/hint"
        assert t["prompt"] == ""  # the variant's words come from the API, when asked for


def test_a_new_variant_brings_back_the_help_the_last_one_used_up(page, live_server):
    open_checkpoint(page, live_server)
    answer_q1(page)
    page.click("#q1 [data-role=try-another]")
    page.wait_for_selector("#q1-practice .practice-prompt math")
    assert page.evaluate("document.activeElement.id") == "q1-practice-input"
    first_prompt = page.locator("#q1-practice .practice-prompt").inner_html()
    page.click("#q1-practice [data-role=hint]")
    page.wait_for_selector("#q1-practice .hint")
    page.click("#q1-practice [data-role=reveal]")
    page.wait_for_selector("#q1-practice [data-role=explanation]")
    assert page.locator("#q1-practice [data-role=reveal]").count() == 0

    page.click("#q1-practice [data-role=next]")
    page.wait_for_function(
        "(before) => document.querySelector('#q1-practice .practice-prompt').innerHTML !== before",
        arg=first_prompt)
    panel = page.locator("#q1-practice")
    assert page.locator("form.practice").count() == 1
    assert panel.locator("[data-role=hint]").is_visible()
    assert panel.locator("[data-role=reveal]").is_visible()
    assert panel.locator(".hint").count() == 0 and panel.locator("[data-role=hints]").is_hidden()
    assert panel.locator("[data-role=explanation]").count() == 0
    # The restored buttons work: a hint for the new variant.
    panel.locator("[data-role=hint]").click()
    panel.locator(".hint").first.wait_for()
    assert not page.watch.errors, page.watch.errors


def test_a_slow_variant_gives_one_panel_and_a_failed_one_says_so(page, live_server):
    open_checkpoint(page, live_server)
    answer_q1(page)

    held = []  # the variant request waits here until the reader has pressed twice
    page.route("**/api/checkpoint/q1/variant", lambda route: held.append(route))
    page.click("#q1 [data-role=try-another]")
    page.click("#q1 [data-role=try-another]")  # impatient: pressed again while waiting
    for _ in range(200):  # the page's frames run while the request is held
        if held:
            break
        frames(page)
    assert held, "the first press asked for a variant"
    for route in held:
        route.continue_()
    page.wait_for_selector("#q1-practice .practice-prompt math", timeout=15_000)
    assert page.locator("form.practice").count() == 1
    page.unroute("**/api/checkpoint/q1/variant")

    page.route("**/api/checkpoint/q1/variant", lambda route: route.abort())
    page.click("#q1-practice [data-role=next]")
    error = page.locator("#q1-practice .result-error")
    error.wait_for()
    assert "could not be loaded" in error.inner_text()
    assert page.locator("form.practice").count() == 1
