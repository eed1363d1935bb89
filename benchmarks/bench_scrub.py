"""Redraws per second and input-to-paint time while a slider is dragged, in Chromium.

    python -m benchmarks.bench_scrub [--runs 3] [--cpu 1 4]

For each CPU rate (Chromium's DevTools throttling; 4 is Lighthouse's mobile preset) and each
viewport (desktop 1366 px, phone 390 px with touch), a fresh page scrolls to the figure, lets
its sweep arrive, then drags the slider with 60 input events 25 ms apart (Figure 1's x from
−2 to 4, Figure 3's depth from 1 to 50, Figure 2's W₁ from −3 to 3). Reported per run:
redraws, redraws a second, the 95th percentile of the time from each slider value to the
paint showing it, and the main-thread tasks over 50 ms during the drag (how many, the
longest). Targets:
≥ 20 redraws a second on desktop, ≥ 10 on a phone at 4× CPU, p95 ≤ 60 ms once the sweep is
loaded. The machine is shared: compare the figures of one run with each other.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.apps import make_app
from tests.browser.conftest import FLAGS, LiveServer
from tests.browser.pages import watch_sweeps
from tests.browser.test_figures_layout_browser import drag_rate

VIEWPORTS = {"desktop": ({"width": 1366, "height": 900}, {}),
             "phone": ({"width": 390, "height": 844}, {"is_mobile": True, "has_touch": True})}
# Main-thread tasks over 50 ms, as the browser reports them; a drag empties the list first.
LONG_TASKS = """new PerformanceObserver((list) => {
  window.__longTasks = (window.__longTasks || []).concat(list.getEntries().map((e) => e.duration));
}).observe({ type: "longtask", buffered: false });"""
DRAGS = (("nudge", "x", (-2.0, 4.0)), ("vanishing", "depth", (1, 50)),
         ("backprop", "w1", (-3.0, 3.0)))


def one_run(browser, url: str, viewport: str, cpu: int) -> list[dict]:
    size, options = VIEWPORTS[viewport]
    context = browser.new_context(viewport=size, **options)
    page = context.new_page()
    if cpu > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    watch_sweeps(page)  # drag_rate waits for the sweep through it
    page.add_init_script(LONG_TASKS)
    page.goto(url + "/", wait_until="load")
    results = [{"figure": name, "control": control, **drag_rate(page, name, control, span)}
               for name, control, span in DRAGS]
    context.close()
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args(argv)
    app = make_app(Path(tempfile.mkdtemp()))
    with LiveServer(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for cpu in args.cpu:
            for viewport in VIEWPORTS:
                runs = [one_run(browser, server.url, viewport, cpu) for _ in range(args.runs)]
                for k, (name, control, _) in enumerate(DRAGS):
                    rates = [r[k]["perSecond"] for r in runs]
                    p95s = [r[k]["p95"] for r in runs]
                    drawn = [f"{r[k]['redraws']}/{r[k]['inputs']}" for r in runs]
                    longest = [max(r[k]["longTasks"], default=0) for r in runs]
                    long = [len(r[k]["longTasks"]) for r in runs]
                    print(f"CPU {cpu}x {viewport:7} {name} {control:5}: redraws/s "
                          f"{' '.join(f'{v:.1f}' for v in rates)} (median "
                          f"{statistics.median(rates):.1f}); input to paint p95 ms "
                          f"{' '.join(f'{v:.0f}' for v in p95s)}; redraws/values "
                          f"{' '.join(drawn)}; "
                          f"long tasks {' '.join(map(str, long))}, longest ms "
                          f"{' '.join(f'{v:.0f}' for v in longest)}")
        browser.close()


if __name__ == "__main__":
    main()
