"""Reading the page on paper, without scripts, and by keyboard: print leaves the controls and
the speech texts off, pictures stay inside their cards, and a formula is a keyboard stop only
where it has something to scroll."""

from __future__ import annotations

import pytest

WIDTHS = [1366, 390]
HIDDEN_IN_PRINT = (".math-speech", ".links-switch-row", ".predict", ".checkpoint-carry")
PICTURES_IN_CARDS = """() => Array.from(document.querySelectorAll('.figure')).map(f => {
  const card = f.getBoundingClientRect(), img = f.querySelector('.widget-picture img');
  if (!img || !img.naturalWidth) return [f.id, 'no picture'];
  const box = img.getBoundingClientRect();
  // object-fit: contain draws the picture at the largest size that fits its box
  const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
  const drawn = img.naturalWidth * scale;
  return [f.id, box.left >= card.left - 0.5 && box.right <= card.right + 0.5
                && drawn <= card.width + 0.5];
})"""


def _open(browser, live_server, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    return context, page


@pytest.mark.parametrize("width", WIDTHS)
def test_print_hides_speech_texts_and_controls_and_keeps_pictures_in_their_cards(
        browser, live_server, width):
    context, page = _open(browser, live_server, width)
    assert page.locator(".math-speech").count() >= 10
    assert page.locator(".checkpoint-carry").count() == 1
    page.emulate_media(media="print")
    for selector in HIDDEN_IN_PRINT:
        shown = page.eval_on_selector_all(
            selector, "els => els.filter(e => e.getClientRects().length > 0).length")
        assert shown == 0, selector
    assert page.locator(".math-display").first.is_visible()  # the formulas themselves print
    assert page.locator(".faq-answer").first.is_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("media", ["screen", "print"])
def test_without_scripts_pictures_scale_to_their_card(browser, live_server, width, media):
    context, page = _open(browser, live_server, width, java_script_enabled=False)
    page.emulate_media(media=media)
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.widget-picture img')).every(i => i.complete)")
    found = page.evaluate(PICTURES_IN_CARDS)
    assert len(found) == 3 and all(ok is True for _, ok in found), found
    # Without scripts every formula stays a keyboard stop: a wide one can still be scrolled.
    assert page.eval_on_selector_all(
        ".math-display", "els => els.every(e => e.getAttribute('tabindex') === '0')")
    context.close()


def _tab_walk(page, limit: int = 900) -> list[dict]:
    """Every stop Tab reaches from the top of the page, once round."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops, seen = [], set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const e = document.activeElement;
          if (!e || e === document.body) return null;
          if (!e.dataset.walk) e.dataset.walk = String(Math.random());
          return {id: e.dataset.walk, formula: e.classList.contains('math-display'),
                  label: e.getAttribute('aria-label') || '',
                  scrolls: e.scrollWidth > e.clientWidth + 1}; }""")
        if stop is None or stop["id"] in seen:
            break
        seen.add(stop["id"])
        stops.append(stop)
    return stops


@pytest.mark.parametrize("width", WIDTHS)
def test_only_formulas_that_scroll_are_tab_stops(browser, live_server, width):
    context, page = _open(browser, live_server, width)
    scrolling = page.eval_on_selector_all(
        ".math-display", "els => els.filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.getAttribute('aria-label'))")
    stops = _tab_walk(page)
    assert len(stops) > 20  # the walk went through the page, not one control
    formula_stops = [s for s in stops if s["formula"]]
    assert all(s["scrolls"] for s in formula_stops), formula_stops
    assert sorted(s["label"] for s in formula_stops) == sorted(scrolling)
    if width == 390:
        assert scrolling  # a phone has wide formulas, and each can still be reached
    context.close()


def test_a_formula_becomes_a_stop_when_the_window_narrows_and_stops_being_one_when_it_widens(
        browser, live_server):
    context, page = _open(browser, live_server, 1366)
    focusable = "els => els.filter(e => e.getAttribute('tabindex') === '0').length"
    assert page.eval_on_selector_all(".math-display", focusable) == 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("Array.from(document.querySelectorAll('.math-display'))"
                           ".some(e => e.getAttribute('tabindex') === '0')")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.wait_for_function("Array.from(document.querySelectorAll('.math-display'))"
                           ".every(e => e.getAttribute('tabindex') !== '0')")
    context.close()
