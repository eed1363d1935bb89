"""Scripts that come after the page (static/js/ondemand.js): a reader of the opening downloads
none of the questions' or figures' scripts, nor plotly.js; the first interaction brings them.
A question's part is drawn as its script leaves it, so taking it over changes no height; a
question answered (or a button pressed) before its script has arrived still gets its result —
through the script if it comes in time, as a plain form post if it fails or hangs — once."""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.pages import (
    DESKTOP,
    PHONE,
    frames,
    new_page,
    open_chapter,
    page_clock_past,
)

ON_DEMAND = re.compile(r"/static/js/(answers|ordering|practice|typed|checkpoint|review|marks|"
                       r"figure|controls|scrub|loader|plotly-loader)\.[0-9a-f]+\.js")
ANSWERS = re.compile(r"/static/js/answers\.[0-9a-f]+\.js")


def fetched(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")


def until(page, check, frames_at_most: int = 600) -> None:
    """Wait on the page's own state: ``check()`` looked at once an animation frame until it
    holds (at most ``frames_at_most`` frames, about 10 s)."""
    for _ in range(frames_at_most):
        if check():
            return
        frames(page)
    assert check(), "the page never reached the state waited for"


def answer_q2(page) -> None:
    form = page.locator("form#q2")
    form.locator("label[for='q2-true']").click()
    form.locator("[data-role=submit]").click()


QUESTIONS = re.compile(r"/static/js/(answers|ordering|practice|typed|checkpoint)\.[0-9a-f]+\.js")
# Every part a question's script takes over, and the page's height around them.
TAKEN_OVER = ["[data-checkpoint]", "form.question", "[data-practice-item]", "[data-typed-item]",
              "#q4 .step", "#q4 .steps-hint"]
MEASURE = """(selectors) => [document.documentElement.scrollHeight].concat(selectors.map((s) =>
  Array.from(document.querySelectorAll(s)).map((n) => {
    const box = n.getBoundingClientRect();
    return [Math.round(box.top + window.scrollY), Math.round(box.height)];
  })))"""
# Layout shifts in the chapter, leaving out the side contents' own (its current-section marker
# moves as chapter.js follows the reading, the questions' scripts or not).
CLS_OBSERVER = """() => {
  window.__cls = 0;
  const inContents = (s) => { const n = s.node && (s.node.closest ? s.node : s.node.parentElement);
    return Boolean(n && n.closest("nav.toc-side")); };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (!e.hadRecentInput && !e.sources.every(inContents)) window.__cls += e.value;
    }
  }).observe({ type: "layout-shift", buffered: true });
}"""


def test_the_opening_fetches_no_question_or_figure_script_and_no_plotly(browser, live_server):
    context, page = new_page(browser, PHONE)
    try:
        open_chapter(page, live_server)
        page_clock_past(page, 3000)  # the page has had time to fetch whatever it would
        early = [u for u in fetched(page) if ON_DEMAND.search(u) or "/vendor/plotly-" in u]
        assert early == []
        assert page.locator("#q4 .steps.is-enhanced").count() == 0
        # The first scroll fetches plotly.js into the cache, unrun, and brings the figures'
        # scripts (no figure is near, so none starts) and the questions', which take their
        # parts over without moving anything.
        page.mouse.wheel(0, 200)
        page.wait_for_function("() => performance.getEntriesByType('resource')"
                               ".some((e) => e.name.includes('/vendor/plotly-'))")
        assert page.evaluate("() => typeof window.Plotly") == "undefined"
        assert page.locator("figure[data-widget] svg.main-svg").count() == 0
        page.locator("#q4 .steps.is-enhanced").wait_for(state="attached")
        assert any(ANSWERS.search(u) for u in fetched(page))
        assert page.watch.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, PHONE, DESKTOP],
                         ids=["320", "390", "1280"])
def test_taking_the_questions_over_in_view_changes_no_height(browser, live_server, viewport):
    """The reader looks at the ordering question when its scripts arrive: the list, its
    hint, the practice items and everything below keep their place (no layout shift)."""
    context, page = new_page(browser, viewport)
    held = []
    try:
        page.route(QUESTIONS, lambda route: held.append(route))
        open_chapter(page, live_server, "/#q4", wait_until="load")
        page.evaluate(CLS_OBSERVER)
        # the page rests at the question, so its scripts are asked for
        until(page, lambda: len(held) == 5)
        before = page.evaluate(MEASURE, TAKEN_OVER)
        assert page.locator("#q4 .step-move").first.is_visible()  # drawn before its script
        assert page.locator("#q4 select[name=position]").first.is_hidden()
        for route in held:
            route.continue_()
        page.locator("#q4 .steps.is-enhanced").wait_for(state="attached")
        page.locator("[data-typed-item] [data-role=start]:not([data-js])").wait_for()
        frames(page)
        assert page.evaluate(MEASURE, TAKEN_OVER) == before
        assert page.locator("#q4 [data-role=position]").count() == 0  # the menus gave way
        assert page.evaluate("window.__cls") == 0
        assert page.watch.errors == []
    finally:
        context.close()


def test_a_move_pressed_twice_before_its_script_arrives_moves_the_step_once(page, live_server):
    held = []
    page.route(QUESTIONS, lambda route: held.append(route))
    open_chapter(page, live_server, "/#q4", wait_until="load")
    until(page, lambda: len(held) == 5)  # the question's five scripts are asked for
    order = page.evaluate("() => Array.from(document.querySelectorAll('#q4 [data-step]'),"
                          " (li) => li.dataset.step)")
    first = page.locator(f"#q4 [data-step={order[0]}] [data-move=down]")
    for _ in range(2):  # an impatient second press while the script is on its way
        first.click(no_wait_after=True)
    for route in held:
        route.continue_()
    page.locator("#q4 .steps.is-enhanced").wait_for(state="attached")
    moved = [order[1], order[0], *order[2:]]
    for _ in range(400):
        now = page.evaluate("() => Array.from(document.querySelectorAll('#q4 [data-step]'),"
                            " (li) => li.dataset.step)")
        if now != order:
            break
        frames(page)
    frames(page, 10)  # a second move, were one made, has happened
    assert page.evaluate("() => Array.from(document.querySelectorAll('#q4 [data-step]'),"
                         " (li) => li.dataset.step)") == moved
    assert page.locator("#q4 .step-number").all_inner_texts() == ["1", "2", "3", "4"]


def test_a_move_whose_script_never_comes_says_the_page_is_still_loading(page, live_server):
    """The question's scripts hang: a Move pressed shows it is waiting (busy), and when the
    wait runs out says, aloud and on the button, that the page is still loading — never a
    press that does nothing without a word. Nothing moved meanwhile."""
    held = []
    page.route(QUESTIONS, lambda route: held.append(route))  # never answered
    open_chapter(page, live_server, "/#q4", wait_until="load")
    until(page, lambda: len(held) == 5)  # the question's five scripts are asked for
    order = page.evaluate("() => Array.from(document.querySelectorAll('#q4 [data-step]'),"
                          " (li) => li.dataset.step)")
    down = page.locator(f"#q4 [data-step={order[0]}] [data-move=down]")
    down.click(no_wait_after=True)
    assert down.get_attribute("aria-busy") == "true"
    until(page, lambda: down.get_attribute("aria-busy") is None)  # the wait ran out
    said = page.locator("[data-checkpoint] [data-role=announce]").inner_text()
    assert "still loading" in said and "still loading" in (down.get_attribute("title") or "")
    assert page.evaluate("() => Array.from(document.querySelectorAll('#q4 [data-step]'),"
                         " (li) => li.dataset.step)") == order


def test_an_answer_sent_before_its_script_arrives_waits_for_it(page, live_server):
    held = []
    page.route(ANSWERS, lambda route: held.append(route))
    open_chapter(page, live_server, "/#checkpoint", wait_until="load")
    page.evaluate("() => { window.__samePage = true; }")
    until(page, lambda: bool(held))  # the page rests at the checkpoint: its scripts are asked for
    answer_q2(page)
    assert page.locator("form#q2 [data-role=result] .result").count() == 0  # still waiting
    held[0].continue_()
    page.locator("form#q2 [data-role=result] .result").wait_for(timeout=10000)
    assert page.evaluate("() => window.__samePage === true"), "answered in place, no page load"



def test_a_hint_and_an_answer_pressed_before_the_script_both_go_through(page, live_server):
    """Hint pressed, then an answer checked, both while the question's script is on its way:
    each waits for it once and then goes through, the hint shown and the answer graded in
    place — the Check is not dropped as a second press of the same form."""
    held = []
    page.route(QUESTIONS, lambda route: held.append(route))
    open_chapter(page, live_server, "/#q2", wait_until="load")
    page.evaluate("() => { window.__samePage = true; }")
    until(page, lambda: len(held) == 5)  # the question's five scripts are asked for
    form = page.locator("form#q2")
    form.locator("[data-role=hint]").click(no_wait_after=True)
    answer_q2(page)
    assert form.locator("[data-role=result] .result").count() == 0  # both still waiting
    for route in held:
        route.continue_()
    form.locator("[data-role=result] .result").wait_for(timeout=10000)
    form.locator("[data-role=hints] .hint").first.wait_for(timeout=10000)
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
    until(page, lambda: bool(held))
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
        # The ordering question goes back to its position menus, which post; no dead buttons.
        page.locator("#q4 select[name=position]").first.wait_for()
        assert page.locator("#q4 .step-move").first.is_hidden()
        assert page.locator("#q4 .steps-hint").inner_text() == (
            "Give each step its position, 1 for the first.")
        answer_q2(page)
        page.locator("form#q2 [data-role=result] .result").wait_for(timeout=10000)
        assert page.evaluate("() => window.__samePage") is None, "the form posted"
    finally:
        context.close()


def test_a_returning_readers_answered_question_keeps_its_height_when_taken_over(
        browser, live_server):
    """Answered before the page came, a question with practice shows "Try another" from the
    start (drawn by the server whenever scripting is on): its script only wires it."""
    context, page = new_page(browser, PHONE)
    try:
        open_chapter(page, live_server, "/#checkpoint")
        page.locator("#q4 .steps.is-enhanced").wait_for(state="attached")
        page.click("label[for=q1-e4]")
        page.click("#q1 [data-role=submit]")
        page.locator("#q1 [data-role=try-another]").wait_for()
        held = []
        page.route(QUESTIONS, lambda route: held.append(route))
        open_chapter(page, live_server, "/#q1", wait_until="load")
        page.evaluate(CLS_OBSERVER)
        for _ in range(400):
            if len(held) == 5:
                break
            frames(page)
        offer = page.locator("#q1 [data-role=try-another]")
        assert offer.is_visible()  # before its script
        before = page.evaluate(MEASURE, [*TAKEN_OVER, "#q1 .question-actions"])
        for route in held:
            route.continue_()
        page.locator("#q1 [data-role=try-another][data-offered]").wait_for(state="attached")
        frames(page)
        assert page.evaluate(MEASURE, [*TAKEN_OVER, "#q1 .question-actions"]) == before
        assert page.evaluate("window.__cls") == 0
        assert page.locator("#q1 [data-role=try-another]").count() == 1
        offer.click()
        page.locator("#q1-practice .practice-prompt math").first.wait_for()
        assert page.watch.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("missing", ["practice", "typed"])
def test_one_script_failing_leaves_the_ordering_question_a_way_to_reorder(
        browser, live_server, missing):
    # The scripts after a failed one still run: the ordering question is either taken over
    # (its Move buttons shown and wired) or back to its position menus, never left with neither.
    context, page = new_page(browser, DESKTOP)
    try:
        page.route(re.compile(rf"/static/js/{missing}\.[0-9a-f]+\.js"),
                   lambda route: route.fulfill(status=404, body=""))
        open_chapter(page, live_server, "/#checkpoint", wait_until="load")
        page.mouse.wheel(0, 10)
        # Taken over by its script, or given back to the no-script controls: either way the
        # parts drawn for the script are no longer marked.
        until(page, lambda: not page.evaluate(
            "() => Boolean(document.querySelector('#q4 [data-js]'))"))
        menus = page.locator("#q4 select[name=position]")
        down = page.locator("#q4 .step-move[data-move=down]").first
        assert (menus.count() and menus.first.is_visible()) or down.is_visible()
        if down.is_visible():
            first = page.locator("#q4 input[name=order]").first.get_attribute("value")
            down.click()
            until(page, lambda: page.locator("#q4 input[name=order]").nth(1)
                  .get_attribute("value") == first)
            assert page.locator("#q4 input[name=order]").nth(1).get_attribute("value") == first
    finally:
        context.close()


def test_an_answer_graded_without_the_practice_script_shows_its_result(browser, live_server):
    # practice.js missing: the answer is graded and saved, and says so — not "the server
    # could not be reached" because offering practice after it failed.
    context, page = new_page(browser, DESKTOP)
    try:
        page.route(re.compile(r"/static/js/practice\.[0-9a-f]+\.js"),
                   lambda route: route.fulfill(status=404, body=""))
        open_chapter(page, live_server, "/#q3", wait_until="load")
        page.mouse.wheel(0, 10)
        until(page, lambda: page.evaluate(
            "() => Boolean(window.SeeingML && window.SeeingML.ordering)"))
        page.locator("#q3 input[name=answer]").first.check()
        with page.expect_response(lambda r: "/api/checkpoint/q3" in r.url):
            page.locator("#q3 [data-role=submit]").click()
        result = page.locator("#q3 [data-role=result]")
        until(page, lambda: bool(result.inner_text().strip()))
        words = result.inner_text()
        assert words.strip() and "could not be reached" not in words, words
    finally:
        context.close()


def test_without_scripting_no_part_drawn_for_the_scripts_shows(browser, live_server):
    # Without scripting, the Start buttons and Move buttons drawn for the scripts stay hidden:
    # no button shows that nothing would answer.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        open_chapter(page, live_server, "/", wait_until="load")
        shown = page.evaluate("""() => Array.from(document.querySelectorAll(
          "[data-checkpoint] [hidden], [data-practice-item] [hidden], [data-typed-item] [hidden]"))
          .filter((n) => n.getClientRects().length).map((n) => n.outerHTML.slice(0, 80))""")
        assert shown == []
    finally:
        context.close()
