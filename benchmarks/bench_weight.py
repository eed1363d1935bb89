"""Page weight: the bytes a reader downloads before the first interaction, raw/gzip/brotli.

That is the HTML plus everything it links for the first paint: stylesheets, the icon, the
deferred scripts, any picture not marked loading="lazy" (and, on a line of its own for a
1366 × 900 screen, Figure 1's picture: lazy, but within Chromium's lazy-load distance of a
desktop's first screen, so fetched without a scroll), and the review's script, which
static/js/ondemand.js loads once the page has loaded when the page holds a review (a reader
with none due has none). Reported on their own lines, not counted: the questions' and the
figures' scripts, which it loads on the reader's first scroll, tap or key press (or when a
part is near or used), and plotly.js, fetched then too. Target: ≤ 50 KB as sent to a browser
(brotli; gzip is shown for clients without it).
"""

from __future__ import annotations

import json
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from app import create_app

TARGET_KB = 50
ENCODINGS = {"raw": "identity", "gzip": "gzip", "brotli": "br"}
# ondemand.js loads these once the page has loaded, before any interaction (counted), when
# the page holds one of their parts (its GROUPS' `near` selectors)
AFTER_LOAD = {"review": re.compile(r'data-role="review(-notice|-toc)?"|data-review-time')}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.lazy: list[str] = []
        self.lazy_pictures: list[str] = []
        self.on_demand: list[str] = []
        self._data: str | None = None  # the id of the JSON block being read

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        url = a.get("href") if tag == "link" else a.get("src") if tag in {"script", "img"} \
            else None
        if url and url.startswith("/") and a.get("loading") != "lazy":
            self.urls.append(url)
        elif url and url.startswith("/") and tag == "img":
            self.lazy_pictures.append(url)
        self.lazy += [v for k, v in attrs if k == "data-plotly-src" and v]  # the dashboard's
        self._data = a.get("id") if tag == "script" else None

    def handle_data(self, data):
        if self._data == "figure-config":  # the figures name plotly.js here
            plotly = json.loads(data).get("plotly")
            self.lazy += [plotly] if plotly else []
        elif self._data == "ondemand-scripts":
            self.on_demand += list(json.loads(data).items())
        self._data = None


def first_load_urls(page: str) -> tuple[list[str], list[str], list[str]]:
    """(what the browser fetches to show the page, what scripts fetch later, the scripts
    loaded when their part of the page comes near)."""
    parser = _Links()
    parser.feed(page)
    return list(dict.fromkeys(parser.urls)), parser.lazy, parser.on_demand


def first_lazy_picture(page: str) -> str | None:
    """The first picture marked loading="lazy" (Figure 1's, wide): on a desktop's first
    screen it is within Chromium's lazy-load distance, so it is fetched without a scroll."""
    parser = _Links()
    parser.feed(page)
    return parser.lazy_pictures[0] if parser.lazy_pictures else None


def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "b" * 32,
                          "DATABASE_URL": f"sqlite:///{Path(tmp) / 'w.sqlite'}"})
        client = app.test_client()
        page = client.get("/").get_data(as_text=True)
        first, lazy, scripts = first_load_urls(page)
        after_load = [url for name, url in scripts
                      if name in AFTER_LOAD and AFTER_LOAD[name].search(page)]
        on_demand = [url for name, url in scripts if name not in AFTER_LOAD]
        urls = ["/", *first, *after_load]
        sizes: dict[str, dict[str, int]] = {}
        for url in urls:
            sizes[url] = {}
            for label, accept in ENCODINGS.items():
                response = client.get(url, headers={"Accept-Encoding": accept})
                assert response.status_code == 200, (url, response.status_code)
                sizes[url][label] = len(response.data)
        near = {label: sum(len(client.get(url, headers={"Accept-Encoding": accept}).data)
                           for url in on_demand) for label, accept in ENCODINGS.items()}
        picture = first_lazy_picture(page)
        desktop = {label: len(client.get(picture, headers={"Accept-Encoding": accept}).data)
                   for label, accept in ENCODINGS.items()} if picture else {}
        lazy_sizes = {}
        if lazy:
            for label, accept in ENCODINGS.items():
                lazy_sizes[label] = len(client.get(lazy[0],
                                                   headers={"Accept-Encoding": accept}).data)

    def kb(n: int) -> str:
        return f"{n / 1024:,.1f} KB"

    rows = []
    for url, by in sizes.items():
        name = re.sub(r"\.[0-9a-f]{12}\.", ".", url)
        rows.append(("weight", f"{name}", f"{kb(by['raw'])} / {kb(by['gzip'])} / "
                     f"{kb(by['brotli'])}", "raw / gzip / br"))
    total = {label: sum(by[label] for by in sizes.values()) for label in ENCODINGS}
    sent = total["brotli"]  # what a browser is sent: every current one asks for brotli
    rows.append(("weight", f"before first interaction ({len(urls)} requests)",
                 f"{kb(total['raw'])} / {kb(total['gzip'])} / {kb(total['brotli'])}",
                 f"≤ {TARGET_KB} KB brotli "
                 f"{'ok' if sent <= TARGET_KB * 1024 else 'MISSED'}"))
    if desktop:  # a phone's first screen is far from it; a 1366 × 900 one is near enough
        wide = {label: total[label] + desktop[label] for label in ENCODINGS}
        rows.append(("weight", f"… at 1366 px: with Figure 1's picture ({len(urls) + 1} "
                     "requests)", f"{kb(wide['raw'])} / {kb(wide['gzip'])} / "
                     f"{kb(wide['brotli'])}", f"≤ {TARGET_KB} KB brotli "
                     f"{'ok' if wide['brotli'] <= TARGET_KB * 1024 else 'MISSED'}"))
    if on_demand:
        rows.append(("weight", f"{len(on_demand)} question and figure scripts, loaded on the "
                     "first interaction (not counted)", f"{kb(near['raw'])} / {kb(near['gzip'])} / "
                     f"{kb(near['brotli'])}", "on demand"))
    if lazy_sizes:
        rows.append(("weight", "plotly.js, fetched on the first interaction (not counted)",
                     f"{kb(lazy_sizes['raw'])} / {kb(lazy_sizes['gzip'])} / "
                     f"{kb(lazy_sizes['brotli'])}", "lazy"))
    return rows
