"""The plotly.js the page actually loads knows every trace type the figures draw."""

from __future__ import annotations

import re

from tests.browser.pages import open_chapter
from tests.test_plotly_bundle import figure_trace_types


def test_the_served_plotly_registers_every_trace_type_the_figures_use(page, live_server):
    open_chapter(page, live_server, wait_until="load")
    src = page.evaluate("JSON.parse(document.getElementById('figure-config').textContent).plotly")
    assert re.fullmatch(r"/vendor/plotly-[0-9a-f]{16}\.min\.js", src)
    page.add_script_tag(url=live_server.url + src)
    registered = set(page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces)"))
    assert figure_trace_types() <= registered, sorted(figure_trace_types() - registered)
