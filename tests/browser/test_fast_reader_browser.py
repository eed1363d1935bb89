"""A returning reader's page served below Flask (chapter/fast_reader.py) works in a browser:
their results shown, and its no-script forms carrying their own token (in a gzipped page)."""

from __future__ import annotations

import re

from chapter.fast_reader import ReaderPage
from tests.browser.pages import DESKTOP, open_chapter, result


class PagesFromFlask:
    """Counts the GET / requests that reach Flask's route behind the fast path."""

    def __init__(self, app):
        layer = app.wsgi_app
        while not isinstance(layer, ReaderPage):
            layer = getattr(layer, "app", None) or layer.inner
        self.layer, self.inner, self.count = layer, layer.inner, 0
        layer.inner = self

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/":
            self.count += 1
        return self.inner(environ, start_response)

    def close(self):
        self.layer.inner = self.inner


def test_without_javascript_a_returning_readers_page_answers_with_its_own_token(
        browser, live_server, live_app):
    from_flask = PagesFromFlask(live_app)
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    try:
        open_chapter(page, live_server, "/#checkpoint", wait_until="load")
        page.check("#q2-true")
        page.click("#q2 [data-role=submit]")
        page.wait_for_url(re.compile(r"#q2$"))  # a new state: Flask renders it, once
        page.reload(wait_until="load")
        before = from_flask.count
        again = page.reload(wait_until="load")  # the same state again: from the kept page
        assert from_flask.count == before, "the returning reader's page went through Flask"
        assert again.header_value("content-encoding") == "gzip"  # its token spliced in
        assert "Not quite" in result(page, "q2").inner_text()
        page.select_option("#q4-pos-a", "2")
        page.select_option("#q4-pos-c", "4")
        page.select_option("#q4-pos-b", "1")
        page.select_option("#q4-pos-d", "3")
        page.click("#q4 [data-role=submit]")  # the form's token came from the kept page
        page.wait_for_url(re.compile(r"#q4$"))
        assert "Correct" in result(page, "q4").inner_text()
        assert "This form has expired" not in page.content()
    finally:
        context.close()
        from_flask.close()
