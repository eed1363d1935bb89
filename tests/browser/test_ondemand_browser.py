"""Scripts that come after the page (static/js/ondemand.js): a reader of the opening downloads
none of the figures' scripts, nor plotly.js; the questions' come once the page has loaded; a
question answered before its script has arrived still gets its result — through the script if
it comes in time, as a plain form post if it fails or hangs — and is sent once."""

from __future__ import annotations

import re
import time

from tests.browser.pages import (
    PHONE,
    frames,
    new_page,
    open_chapter,
    page_clock_past,
)

ON_DEMAND = re.compile(r"/static/js/(answers|ordering|practice|typed|checkpoint|review|marks|"
                       r"figure|controls|scrub|loader|plotly-loader)\.[0-9a-f]+\.js")
FIGURES = re.compile(r"/static/js/(marks|figure|controls|scrub|loader|plotly-loader)\.")
ANSWERS = re.compile(r"/static/js/answers\.[0-9a-f]+\.js")


def fetched(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")


def answer_q2(page) -> None:
    form = page.locator("form#q2")
    form.locator("label[for='q2-true']").click()
    form.locator("[data-role=submit]").click()


def test_the_opening_fetches_no_figure_script_and_no_plotly(browser, live_server):
    """The questions' scripts come once the page has loaded (taking a part over changes its
    height, which must not happen under the reader); the figures' wait for an interaction."""
    context, page = new_page(browser, PHONE)
    try:
        open_chapter(page, live_server)
        page_clock_past(page, 3000)  # the page has had time to fetch whatever it would
        early = [u for u in fetched(page) if FIGURES.search(u) or "/vendor/plotly-" in u]
        assert early == []
        assert any(ANSWERS.search(u) for u in fetched(page))
        page.locator("#q4 .step-moves").first.wait_for(state="attached")  # taken over unseen
        # The first scroll fetches plotly.js into the cache, unrun, and brings the figures'
        # scripts (no figure is near, so none starts).
        page.mouse.wheel(0, 200)
        page.wait_for_function("() => performance.getEntriesByType('resource')"
                               ".some((e) => e.name.includes('/vendor/plotly-'))")
        assert page.evaluate("() => typeof window.Plotly") == "undefined"
        assert page.locator("figure[data-widget] svg.main-svg").count() == 0
        assert page.watch.errors == []
    finally:
        context.close()


def test_an_answer_sent_before_its_script_arrives_waits_for_it(page, live_server):
    held = []
    page.route(ANSWERS, lambda route: held.append(route))
    open_chapter(page, live_server, "/#checkpoint", wait_until="load")
    page.evaluate("() => { window.__samePage = true; }")
    for _ in range(400):  # the page rests at the checkpoint, so its scripts are asked for
        if held:
            break
        frames(page)
    assert held, "the checkpoint's scripts were asked for"
    answer_q2(page)
    assert page.locator("form#q2 [data-role=result] .result").count() == 0  # still waiting
    held[0].continue_()
    page.locator("form#q2 [data-role=result] .result").wait_for(timeout=10000)
    assert page.evaluate("() => window.__samePage === true"), "answered in place, no page load"



def _stored(app, question: str) -> int:
    from sqlalchemy import text

    with app.extensions["store"].engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM attempts WHERE question_id = :q"),
                            {"q": question}).scalar()


def test_pressing_again_while_the_script_is_on_its_way_sends_the_answer_once(
        page, live_server, live_app):
    """Two presses (a double tap, an impatient second press) before the question's script
    has come: the answer waits once and is stored once, not once by a form post and once
    by the script."""
    held = []
    page.route(ANSWERS, lambda route: held.append(route))
    open_chapter(page, live_server, "/#checkpoint", wait_until="load")
    for _ in range(400):
        if held:
            break
        frames(page)
    before = _stored(live_app, "q2")
    posts = []  # a plain form post of the answer is held, as a slow network would
    page.route(lambda url: url.endswith("/checkpoint/q2") and "/api/" not in url,
               lambda route: posts.append(route))
    form = page.locator("form#q2")
    form.locator("label[for='q2-true']").click()
    for _ in range(2):
        form.locator("[data-role=submit]").click(no_wait_after=True)
    held[0].continue_()
    page.locator("form#q2 [data-role=result] .result").wait_for(timeout=10000)
    for post in posts:  # were one sent, it reaches the server now
        post.continue_()
    page.wait_for_load_state("networkidle")  # a second answer, were one sent, has landed
    assert posts == []
    assert _stored(live_app, "q2") - before == 1
    assert "Attempt 1" in form.locator("[data-role=result]").inner_text()

def test_a_hung_script_leaves_the_answer_to_a_form_post(page, live_server):
    held = []
    page.route(ANSWERS, lambda route: held.append(route))  # never answered
    open_chapter(page, live_server, "/#checkpoint", wait_until="load")
    page.evaluate("() => { window.__samePage = true; }")
    started = time.monotonic()
    answer_q2(page)
    page.locator("form#q2 [data-role=result] .result").wait_for(timeout=15000)
    assert time.monotonic() - started < 10  # 4 s of waiting for the script, then the post
    assert page.evaluate("() => window.__samePage") is None, "the form posted"
    page.unroute_all(behavior="ignoreErrors")


def test_a_failed_script_leaves_the_answer_to_a_form_post(browser, live_server):
    context, page = new_page(browser, PHONE)
    try:
        page.route(ANSWERS, lambda route: route.abort())
        open_chapter(page, live_server, "/#checkpoint", wait_until="load")
        page.evaluate("() => { window.__samePage = true; }")
        answer_q2(page)
        page.locator("form#q2 [data-role=result] .result").wait_for(timeout=10000)
        assert page.evaluate("() => window.__samePage") is None, "the form posted"
    finally:
        context.close()
