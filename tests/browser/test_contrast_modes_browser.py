"""Chromium under forced colours (Windows High Contrast) and ``prefers-contrast: more``: the
chapter's highlights, focus rings and figure marks, each checkpoint state badge and the
dashboard's state marks stay visible. Screenshots land in artifacts/browser/ to be looked at."""

from __future__ import annotations

import re

import pytest

from tests.browser.pages import (
    DESKTOP,
    answer,
    figure_ready,
    new_page,
    open_chapter,
    open_checkpoint,
    screenshot,
)
from tests.browser.test_teach_states_resume_browser import WORDS, scripted_class

MODES = [pytest.param({"forced_colors": "active"}, id="forced"),
         pytest.param({"contrast": "more"}, id="more")]

STYLE = """(e) => { const s = getComputedStyle(e);
  return {color: s.color, background: s.backgroundColor, border: s.borderTopWidth,
          borderStyle: s.borderTopStyle, borderColor: s.borderTopColor,
          outline: s.outlineWidth, outlineColor: s.outlineColor, outlineStyle: s.outlineStyle}; }"""
CLEAR = ("transparent", "rgba(0, 0, 0, 0)")


def styled(locator) -> dict:
    return locator.evaluate(STYLE)


def assert_focus_ring(page, selector: str) -> None:
    page.locator(selector).first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate(f"({STYLE})(document.activeElement)")
    assert float(ring["outline"].replace("px", "")) > 0, (selector, ring)
    assert ring["outlineStyle"] != "none" and ring["outlineColor"] not in CLEAR, (selector, ring)


def test_the_chapter_keeps_highlights_focus_and_marks(browser, live_server):
    for mode, name in (({"forced_colors": "active"}, "forced"), ({"contrast": "more"}, "more")):
        context, page = new_page(browser, DESKTOP)
        page.emulate_media(**mode)
        open_chapter(page, live_server)
        key = "forced-colors: active" if name == "forced" else "prefers-contrast: more"
        assert page.evaluate(f"matchMedia('({key})').matches")
        # A linked factor, highlighted by focus: its mark differs from an unmarked one.
        factor = page.locator(".link-factor").first
        factor.scroll_into_view_if_needed()
        plain = styled(factor)
        factor.focus()
        page.wait_for_selector(".link-factor[data-highlight]")
        # The mark fades in (a short background transition): wait until it has landed.
        page.wait_for_function("""() => { const e = document.querySelector(
            '.link-factor[data-highlight]'); const s = getComputedStyle(e);
            return !['transparent', 'rgba(0, 0, 0, 0)'].includes(s.backgroundColor)
                || parseFloat(s.borderTopWidth) > 0; }""")
        marked = styled(page.locator(".link-factor[data-highlight]").first)
        assert marked != plain
        assert marked["background"] not in CLEAR or float(marked["border"][:-2]) > 0
        screenshot(page, f"contrast-{name}-highlight")
        # Focus rings: a button, a slider, a summary.
        for selector in ("#widget-nudge-x", "#figure-nudge [data-action='play']",
                         ".widget-data summary"):
            assert_focus_ring(page, selector)
        figure = figure_ready(page, "nudge", drawn=True)
        # The chart's lines are drawn in a real colour, never an unresolved name.
        strokes = page.evaluate("""() => Array.from(document.querySelectorAll(
            '#widget-nudge-plot .scatterlayer path.js-line')).map((p) => p.style.stroke)""")
        assert strokes and all(s.startswith("rgb") for s in strokes), strokes
        figure.screenshot(path=str(screenshot(page, f"contrast-{name}-page").parent
                                   / f"contrast-{name}-figure.png"))
        assert page.watch.errors == []
        context.close()


def assert_badge(page, mode: dict, qid: str, words: str) -> None:
    badge = page.locator(f"#{qid} [data-role=state]")
    badge.scroll_into_view_if_needed()
    page.wait_for_function("([s, w]) => document.querySelector(s).innerText.includes(w)",
                           arg=[f"#{qid} [data-role=state]", words])
    style = styled(badge)
    if "forced_colors" in mode:  # a frame of its own, in a colour the palette shows
        assert float(style["border"][:-2]) >= 1 and style["borderColor"] not in CLEAR, style
        assert style["borderStyle"] != "none", style
    else:
        assert style["color"] not in CLEAR and style["color"] != style["background"], style
    slug = words.lower().replace(" ", "-")
    screenshot(page, f"contrast-{next(iter(mode))}-{slug}-badge")


@pytest.mark.parametrize("mode", MODES)
def test_each_checkpoint_state_badge_stays_visible(browser, live_server, mode):
    context, page = new_page(browser, DESKTOP)
    page.emulate_media(**mode)
    open_checkpoint(page, live_server)
    answer(page, "q1", "4e4")
    assert_badge(page, mode, "q1", "Right first try")
    answer(page, "q2", "true")
    assert_badge(page, mode, "q2", "Wrong")
    assert_focus_ring(page, "#q2 [data-role=submit]")
    page.locator("#q2").get_by_role("button", name="Show answer (counts as revealed)",
                                    exact=True).click()
    assert_badge(page, mode, "q2", "Revealed")
    context.close()

    context, page = new_page(browser, DESKTOP)  # a second reader, who takes a hint
    page.emulate_media(**mode)
    open_checkpoint(page, live_server)
    answer(page, "q1", "e4")
    page.locator("#q1").get_by_role("button", name="Hint", exact=True).click()
    page.locator("#q1 .hint").first.wait_for()
    answer(page, "q1", "4e4")
    assert_badge(page, mode, "q1", "Right with hints")
    context.close()


@pytest.mark.parametrize("mode", MODES)
def test_the_dashboard_state_marks_stay_visible(browser, live_server, live_app, mode):
    klass = scripted_class(live_app)
    context, page = new_page(browser, DESKTOP)
    page.emulate_media(**mode)
    page.goto(live_server.url + klass["teach"])
    roster = page.locator("[data-roster]")
    for student, word in WORDS.items():
        row = roster.locator("tbody tr", has=page.locator(f"th:text-is('{student}')"))
        assert word in row.inner_text()
    for mark in roster.locator(".state .mark").all():
        assert styled(mark)["color"] not in CLEAR
    assert_focus_ring(page, "button[data-sort='score']")
    # The charts' words are drawn in the page's text colour (a system colour when forced).
    page.locator("[data-chart] .xtick text").first.wait_for()
    tick = page.locator("[data-chart] .xtick text").first.evaluate("(e) => e.style.fill")
    body = page.evaluate("getComputedStyle(document.querySelector('main')).color")
    assert tick.replace(" ", "") == body.replace(" ", ""), (tick, body)
    page.locator("#roster-h").scroll_into_view_if_needed()
    screenshot(page, f"contrast-{next(iter(mode))}-dashboard")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_figure_picture_reads_under_a_forced_palette(browser, live_server, scheme):
    # Windows pairs a dark high-contrast theme with a dark colour scheme: the picture, drawn
    # before plotly.js arrives (held here), takes its own palette for that scheme.
    context, page = new_page(browser, DESKTOP, color_scheme=scheme)
    page.emulate_media(forced_colors="active")
    page.route("**/vendor/plotly-*", lambda route: None)
    open_chapter(page, live_server, wait_until="load")
    img = page.locator("#figure-nudge .widget-picture img")
    img.scroll_into_view_if_needed()
    page.wait_for_function("(e) => e.complete && e.naturalWidth > 0", arg=img.element_handle())
    canvas = page.evaluate("getComputedStyle(document.body).backgroundColor")
    # The picture's ink is the scheme's: dark ink on a light canvas, light ink on a dark one.
    dark_canvas = sum(int(v) for v in re.findall(r"\d+", canvas)[:3]) < 384
    assert dark_canvas == (scheme == "dark"), canvas
    page.locator("#figure-nudge .widget-plot").screenshot(
        path=str(screenshot(page, f"contrast-forced-{scheme}-page").parent
                 / f"contrast-forced-{scheme}-picture.png"))
    context.close()
