"""What a screen reader is given, pinned: Chromium's accessibility tree (through Playwright's
ARIA snapshot: roles, names, states, and the text each part holds) for a figure before and
after a change, a wrong answer with its feedback, a hint, a revealed answer, the ending, the
review notice and the dashboard's roster. Each ends with the page's live regions in that part
and what they last said. The stored snapshots live in tests/snapshots/aria/ and are read by a
person when they change: `UPDATE_ARIA_SNAPSHOTS=1 pytest` on this file rewrites them, and
`git diff` shows what a listener would now hear differently."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from store import review as review_store
from tests.browser.pages import DESKTOP, figure_ready, new_page, open_chapter
from tests.browser.test_teach_states_resume_browser import scripted_class

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots" / "aria"

# Each live region inside the part, with its politeness and what it says now.
LIVE = """(root) => [root, ...root.querySelectorAll('*')]
  .filter((e) => e.matches('[aria-live], [role=status], [role=alert]'))
  .map((e) => `# live ${e.getAttribute('aria-live') || e.getAttribute('role')}`
    + ` ${e.id ? '#' + e.id : '[data-role=' + (e.dataset.role || '?') + ']'}:`
    + ` ${e.textContent.replace(/\\s+/g, ' ').trim()}`)"""

# Where the keyboard focus is, when it is inside the part: what a reader hears first.
FOCUS = """(root) => { const e = document.activeElement;
  if (!e || !root.contains(e)) return [];
  const named = e.getAttribute('aria-labelledby')
    ? document.getElementById(e.getAttribute('aria-labelledby').split(' ')[0]).textContent
    : (e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent
                                        : e.textContent));
  const words = named.replace(/\\s+/g, ' ').trim().slice(0, 80);
  return [`# focus ${e.tagName.toLowerCase()}: ${words}`]; }"""

# What changes from run to run and is no part of what is heard: the class's secret links
# and the time of a student's last activity.
VOLATILE = [(re.compile(r"/(teach|join)/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)?"), r"/\1/…"),
            (re.compile(r"\b\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}\b"), "‹day, time›")]
# The checkpoint's own announcer: a hint shown, a step moved, the ending arrived.
ANNOUNCER = "[data-checkpoint] > [data-role=announce]"


def heard(snapshot: str) -> str:
    """The snapshot without what is inside a named image: ARIA makes an image's children
    presentational, so a screen reader says the image's name and not the chart's tick labels
    (which also depend on how plotly.js laid the axes out)."""
    kept, under = [], None
    for line in snapshot.splitlines():
        depth = len(line) - len(line.lstrip())
        if under is not None and depth > under:
            continue
        under = depth if re.match(r"\s*- '?img \"", line) else None
        kept.append(line)
    return "\n".join(kept)


def tree(page, selector: str, *also: str) -> str:
    """The part's ARIA snapshot, then the live regions in it (and in ``also``)."""
    part = page.locator(selector)
    live = [line for where in (selector, *also) for line in page.locator(where).evaluate(LIVE)]
    lines = live + part.evaluate(FOCUS)
    text = heard(part.aria_snapshot()) + "\n" + "\n".join(lines) + "\n"
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def matches_stored(name: str, text: str) -> None:
    path = SNAPSHOTS / f"{name}.yml"
    if os.environ.get("UPDATE_ARIA_SNAPSHOTS"):
        SNAPSHOTS.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no stored snapshot {path.name}: run with UPDATE_ARIA_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"{name}: the accessibility tree changed"


@pytest.fixture
def fresh(browser):
    context, page = new_page(browser, DESKTOP, reduced_motion="reduce")
    yield page
    context.close()


def test_a_figure_before_and_after_a_change(fresh, live_server):
    open_chapter(fresh, live_server)
    figure_ready(fresh, "nudge", drawn=True)
    matches_stored("figure-nudge-default", tree(fresh, "#figure-nudge"))
    slider = fresh.locator("#widget-nudge-x")
    slider.focus()
    with fresh.expect_response(lambda r: "/api/widgets/nudge?" in r.url and "x=1.1" in r.url):
        fresh.keyboard.press("ArrowRight")
    fresh.wait_for_function("() => document.getElementById('widget-nudge-live').textContent")
    figure_ready(fresh, "nudge", drawn=True)
    matches_stored("figure-nudge-x-moved", tree(fresh, "#figure-nudge"))


def _answer(page, qid: str, choice: str) -> None:
    form = page.locator(f"form#{qid}")
    form.locator(f"label[for='{qid}-{choice}']").click()
    form.locator("[data-role=submit]").click()
    form.locator("[data-role=result] .result").wait_for()


def test_a_wrong_answer_then_a_hint_then_the_revealed_answer(fresh, live_server):
    open_chapter(fresh, live_server, "/#checkpoint")
    fresh.wait_for_selector("#q4 .steps.is-enhanced")
    _answer(fresh, "q2", "true")
    matches_stored("q2-wrong", tree(fresh, "#q2", ANNOUNCER))
    q2 = fresh.locator("#q2")
    q2.get_by_role("button", name="Hint", exact=True).click()
    q2.locator("[data-role=hints] li").first.wait_for()
    fresh.locator(ANNOUNCER).filter(has_text="Hint 1").wait_for(state="attached")
    matches_stored("q2-hint", tree(fresh, "#q2", ANNOUNCER))
    q2.get_by_role("button", name="Show answer").click()
    q2.locator(".question-state.state-revealed").wait_for()
    matches_stored("q2-revealed", tree(fresh, "#q2", ANNOUNCER))


def test_the_ending(fresh, live_server):
    open_chapter(fresh, live_server, "/#checkpoint")
    fresh.wait_for_selector("#q4 .steps.is-enhanced")
    for qid, body in (("q1", "4e4"), ("q2", "false"), ("q3", "1e-10")):
        status = fresh.evaluate("""([qid, answer]) => fetch('/api/checkpoint/' + qid, {
            method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({answer})}).then(r => r.status)""", [qid, body])
        assert status == 200
    # The last one through the page, as a reader finishes: the ending arrives and is announced.
    for step, presses in (("b", 2), ("d", 1)):
        for _ in range(presses):
            fresh.locator(f"#q4 [data-step={step}] [data-move=up]").click()
    fresh.locator(ANNOUNCER).filter(has_text="position 3 of 4").wait_for(state="attached")
    fresh.locator("#q4 [data-role=submit]").click()
    fresh.locator("[data-role=ending-block]").wait_for()
    matches_stored("ending", tree(fresh, "[data-role=ending]", ANNOUNCER))
    matches_stored("checkpoint-summary", tree(fresh, "[data-checkpoint] > [data-role=summary]"))


def test_the_review_notice(browser, live_server, live_app):
    context, page = new_page(browser, DESKTOP, locale="en-GB", timezone_id="UTC")
    page.goto(live_server.url + "/")
    for qid, body in (("q1", "4e4"), ("q2", "false")):
        status = page.evaluate("""([qid, answer]) => fetch('/api/checkpoint/' + qid, {
            method: 'POST', headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({answer})}).then(r => r.status)""", [qid, body])
        assert status == 200
    cookie = next(c for c in context.cookies()
                  if c["name"] == live_app.config.get("SESSION_COOKIE_NAME", "session"))
    learner = live_app.session_interface.get_signing_serializer(live_app).loads(
        cookie["value"])["learner"]
    assert review_store.make_due(live_app.extensions["store"], learner) == 2
    page.reload()
    page.locator("[data-role=review-notice]").wait_for()
    matches_stored("review-notice", tree(page, "[data-role=review-notice]"))
    matches_stored("review-toc", tree(page, ".sidebar [data-role=review-toc]"))
    context.close()


def test_the_dashboard_roster(fresh, live_server, live_app):
    klass = scripted_class(live_app)
    fresh.goto(live_server.url + klass["teach"])
    fresh.locator("[data-roster] tbody tr").first.wait_for()
    matches_stored("dashboard-roster", tree(fresh, "[data-roster]"))


def test_a_changed_tree_is_caught(fresh, live_server, tmp_path, monkeypatch):
    open_chapter(fresh, live_server)
    figure_ready(fresh, "nudge", drawn=True)
    fresh.evaluate("document.querySelector('#figure-nudge [data-action=next]').textContent"
                   " = 'Forward'")
    with pytest.raises(AssertionError, match="changed"):
        matches_stored("figure-nudge-default", tree(fresh, "#figure-nudge"))
