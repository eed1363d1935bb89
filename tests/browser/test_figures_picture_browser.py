"""Without scripts, in print, and until plotly.js has drawn, each figure's slot shows the
server's picture of its default state, with words that stand for it."""

from __future__ import annotations

import pytest

from chapter.figures import FIGURES
from tests.browser.pages import DESKTOP, PHONE, new_page, open_chapter, screenshot

WIDGETS = tuple(FIGURES)  # every registered figure


def _pictures(page) -> list[dict]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('figure[data-widget]'))
      .map((f) => { const img = f.querySelector('.widget-plot picture img');
        const box = img && img.getBoundingClientRect();
        return { name: f.dataset.widget, alt: img && img.alt, loaded: !!img && img.complete
                 && img.naturalWidth > 0, width: box ? box.width : 0,
                 height: box ? box.height : 0, src: img && img.currentSrc }; })""")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_without_scripts_each_figure_shows_its_picture_and_words(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = open_chapter(context.new_page(), live_server, wait_until="load")
    pictures = _pictures(page)
    assert [p["name"] for p in pictures] == list(WIDGETS)
    for p in pictures:
        page.locator(f"#widget-{p['name']}-plot img").scroll_into_view_if_needed()
        page.wait_for_function(f"document.querySelector('#widget-{p['name']}-plot img').complete")
    for p in _pictures(page):
        assert p["loaded"] and p["width"] > 300 and p["height"] > 300, p
        assert p["alt"].startswith("Figure ") and len(p["alt"]) > 80, p
        assert ("narrow" in p["src"]) == (viewport is PHONE), p
    page.locator("#widget-vanishing-plot").scroll_into_view_if_needed()
    screenshot(page, f"picture-no-script-{'phone' if viewport is PHONE else 'desktop'}")
    # The controls could not answer without a script: they are not shown.
    assert page.locator("#figure-nudge .widget-controls").is_hidden()
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_chart_reserves_the_height_its_figure_declares(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/", wait_until="load")
    for name, figure in FIGURES.items():
        box = page.locator(f"#widget-{name}-plot").bounding_box()
        assert box["height"] == figure.heights.at(viewport is PHONE), (name, box)
    context.close()


def test_in_print_the_pictures_are_shown(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = open_chapter(context.new_page(), live_server, wait_until="load")
    page.emulate_media(media="print")
    for name in WIDGETS:
        img = page.locator(f"#widget-{name}-plot img")
        img.scroll_into_view_if_needed()
        assert img.is_visible()
        assert img.bounding_box()["height"] > 300
    pdf = page.pdf()
    assert len(pdf) > 10000
    context.close()


def test_the_picture_holds_the_slot_until_plotly_has_drawn(browser, live_server):
    context, page = new_page(browser, DESKTOP)
    page.route("**/vendor/plotly-*", lambda route: None)  # plotly.js never arrives
    open_chapter(page, live_server, wait_until="load")
    page.locator("#widget-nudge-plot").scroll_into_view_if_needed()
    # The figure starts, its numbers arrive, and it is left waiting for plotly.js to draw.
    page.wait_for_function(
        "() => document.querySelector('#figure-nudge .widget').dataset.state === 'loading'"
        " && performance.getEntriesByType('resource')"
        ".some((e) => e.name.includes('/api/widgets/nudge'))", timeout=20000)
    assert page.locator("#widget-nudge-plot picture img").is_visible()
    context.close()
