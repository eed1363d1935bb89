"""Time from scrolling to Figure 1 until it is drawn, on a throttled phone: Fast 3G and a 4×
slower CPU (Chromium's DevTools protocol, as Lighthouse's mobile preset does).

    python -m benchmarks.bench_first_figure [--runs 3] [--no-throttle] [--read SECONDS]

The app runs in-process on a loopback port (werkzeug, threaded); each run is a fresh browser
context, so nothing is cached. Reported: plotly.js bytes on the wire, and per run the time
from the scroll to the first drawn chart in Figure 1 (its ``.main-svg``) and to the
server-made picture, if the page shows one before plotly.js arrives. Target: ≤ 4 s.
``--read`` waits that long on the opening before scrolling, as a reader reads it; the default
scrolls right after ``load``. ``--first-scroll`` scrolls one screen down right after ``load``
(a reader starting to read: the page fetches plotly.js on the first interaction) before the
wait and the jump to Figure 1.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.apps import make_app
from tests.browser.conftest import FLAGS, LiveServer

FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
           "uploadThroughput": 750 * 1024 / 8 * 0.9}
PHONE = {"width": 390, "height": 844}


def one_run(browser, url: str, throttle: bool, read: float = 0.0,
            first_scroll: bool = False) -> dict:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, int(r.headers.get(
        "content-length", 0) or 0)))
    if throttle:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", FAST_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url + "/", wait_until="load", timeout=120_000)
    if first_scroll:
        page.mouse.wheel(0, PHONE["height"])
    page.wait_for_timeout(read * 1000)
    start = time.perf_counter()
    scrolled = page.evaluate("performance.now()")
    page.locator("#figure-nudge").scroll_into_view_if_needed()
    picture = None
    placeholder = page.locator("#figure-nudge img, #figure-nudge svg.figure-picture")
    deadline = start + 60
    while time.perf_counter() < deadline:
        if picture is None and placeholder.count() and placeholder.first.is_visible():
            picture = time.perf_counter() - start
        if page.locator("#figure-nudge .main-svg").count():
            break
        page.wait_for_timeout(25)
    drawn = time.perf_counter() - start
    plotly = sum(v for k, v in sizes.items() if "/vendor/plotly-" in k)
    # Where the time went, from the page's own resource timing (seconds after the scroll).
    timing = page.evaluate("""(t0) => Object.fromEntries(performance.getEntriesByType("resource")
        .filter((e) => /vendor\\/plotly-|api\\/widgets\\/nudge/.test(e.name))
        .map((e) => [e.name.includes("plotly") ? `plotly (${e.initiatorType})` : "figure",
                     [(e.startTime - t0) / 1000, (e.responseEnd - t0) / 1000]]))""", scrolled)
    context.close()
    return {"drawn_s": drawn, "picture_s": picture, "plotly_bytes": plotly, "timing": timing}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-throttle", action="store_true")
    parser.add_argument("--read", type=float, default=0.0)
    parser.add_argument("--first-scroll", action="store_true")
    args = parser.parse_args()
    app = make_app(Path(tempfile.mkdtemp()))
    with LiveServer(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        runs = [one_run(browser, server.url, not args.no_throttle, args.read, args.first_scroll)
                for _ in range(args.runs)]
        browser.close()
    for i, run in enumerate(runs, 1):
        picture = f"{run['picture_s']:.2f} s" if run["picture_s"] is not None else "none"
        spans = "; ".join(f"{k} requested {a:.2f} s, arrived {b:.2f} s"
                          for k, (a, b) in sorted(run["timing"].items()))
        print(f"run {i}: Figure 1 drawn {run['drawn_s']:.2f} s after the scroll; server picture "
              f"{picture}; plotly.js {run['plotly_bytes']:,} bytes on the wire ({spans})")
    print(f"median drawn: {statistics.median(r['drawn_s'] for r in runs):.2f} s "
          f"({'Fast 3G + 4x CPU' if not args.no_throttle else 'unthrottled'}, "
          f"{'one screen scrolled at load, ' if args.first_scroll else ''}"
          f"scrolled {args.read:g} s after load)")


if __name__ == "__main__":
    main()
