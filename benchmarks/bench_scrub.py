"""Redraws per second and input-to-paint time while a slider is dragged, in Chromium.

    python -m benchmarks.bench_scrub [--runs 3] [--cpu 1 4] [--pointer] [--viewport phone]

For each CPU rate (Chromium's DevTools throttling; 4 is Lighthouse's mobile preset) and each
viewport (desktop 1366 px, phone 390 px with touch), a fresh page scrolls to the figure, lets
its sweep arrive, then drags the slider with 60 input events 25 ms apart (Figure 1's x from
−2 to 4, Figure 3's depth from 1 to 50, Figure 2's W₁ from −3 to 3). Reported per run:
redraws, redraws a second, the 95th percentile of the time from each slider value to the
paint showing it, and the main-thread tasks over 50 ms during the drag (how many, the
longest). Targets:
≥ 20 redraws a second on desktop, ≥ 10 on a phone at 4× CPU, p95 ≤ 60 ms once the sweep is
loaded. The machine is shared: compare the figures of one run with each other.

`--pointer` drags with the real pointer instead (pressed on the thumb, 60 moves as fast as
the page takes them, then released, as in tests/browser/test_figure2_drag_browser.py): the
rate is then what the throttled page keeps up with, and the long tasks are split into those
during the drag (from the press to the last move painted) and those in the 2.5 s after
release (the exact redraw). Each long task is named by the figure's methods and plotly.js
calls running in it (over 15 ms), or "rendering" when none did (style, layout, paint).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.apps import make_app
from tests.browser.conftest import FLAGS, LiveServer
from tests.browser.pages import ask_for_sweep, hold_still, idle, near_figures_ready, watch_sweeps
from tests.browser.test_figures_layout_browser import drag_rate

VIEWPORTS = {"desktop": ({"width": 1366, "height": 900}, {}),
             "phone": ({"width": 390, "height": 844}, {"is_mobile": True, "has_touch": True})}
# Main-thread tasks over 50 ms, as the browser reports them; a drag empties the list first.
LONG_TASKS = """new PerformanceObserver((list) => {
  window.__longTasks = (window.__longTasks || []).concat(list.getEntries().map((e) => e.duration));
}).observe({ type: "longtask", buffered: false });"""
DRAGS = (("nudge", "x", (-2.0, 4.0)), ("vanishing", "depth", (1, 50)),
         ("backprop", "w1", (-3.0, 3.0)))


# The figure's methods and plotly.js's calls wrapped to time them: which code runs in a long task.
SPANS = """() => {
  if (window.__spans) return;
  const spans = window.__spans = [];
  const wrap = (obj, name) => {
    const f = obj[name];
    obj[name] = function (...a) {
      const t = performance.now();
      const r = f.apply(this, a);
      spans.push([name, t, performance.now() - t]);
      return r;
    };
  };
  const P = window.SeeingML.Figure.prototype;
  ["scrubDraw", "scrubFull", "moved", "draw", "scrub", "sweepFor"].forEach((n) => wrap(P, n));
  wrap(window.Plotly, "react"); wrap(window.Plotly, "animate");
}"""
TIMED_TASKS = """new PerformanceObserver((list) => {
  window.__timedTasks = (window.__timedTasks || []).concat(
    list.getEntries().map((e) => [e.startTime, e.duration]));
}).observe({ type: "longtask", buffered: false });"""


def named(tasks: list, spans: list) -> list[str]:
    out = []
    for start, length in tasks:
        inside = sorted({n for n, t, d in spans if start - 1 <= t < start + length and d > 15})
        out.append(f"{length:.0f} ({'+'.join(inside) or 'rendering'})")
    return out


def pointer_drag(page, name: str, control: str, span) -> dict:
    """A real pointer drag of the slider across `span`, then release."""
    selector = f"#widget-{name}-{control}"
    page.evaluate(f"() => {{ const m = document.querySelector('#figure-{name} .widget-more');"
                  " if (m) m.open = true; }")  # Figure 2's further sliders
    end = "e => e.scrollIntoView({block: 'end', behavior: 'instant'})"
    page.locator(selector).evaluate(end)
    page.wait_for_selector(f"#figure-{name} .widget[data-state='ready']", timeout=30000)
    ask_for_sweep(page, name, control)
    near_figures_ready(page)
    page.locator(selector).evaluate(end)
    hold_still(page, selector)
    idle(page)
    page.evaluate(SPANS)
    low, high, value = page.eval_on_selector(
        selector, "i => [Number(i.min), Number(i.max), Number(i.value)]")
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    def at(v):
        return box["x"] + 8 + (box["width"] - 16) * (v - low) / (high - low)
    page.evaluate("""() => { window.__timedTasks = []; window.__spans.length = 0;
      window.SeeingML.latencies = []; window.__before = window.SeeingML.redraws; }""")
    page.mouse.move(at(value), y)
    page.mouse.down()
    start = time.monotonic()
    for i in range(60):
        page.mouse.move(at(span[0] + (span[1] - span[0]) * (i + 1) / 60), y)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
    seconds = time.monotonic() - start
    during = page.evaluate("""() => ({ redraws: window.SeeingML.redraws - window.__before,
      waits: window.SeeingML.latencies.slice(), tasks: window.__timedTasks.slice() })""")
    page.mouse.up()
    page.wait_for_timeout(2500)
    after = page.evaluate("() => ({ tasks: window.__timedTasks.slice(), spans: window.__spans })")
    waits = sorted(during["waits"])
    p95 = waits[min(len(waits) - 1, math.ceil(len(waits) * 0.95) - 1)] if waits else None
    n = len(during["tasks"])
    return {"redraws": during["redraws"], "seconds": seconds, "inputs": len(waits),
            "perSecond": during["redraws"] / seconds, "p95": p95,
            "longTasks": [d for _, d in during["tasks"]],
            "named": named(during["tasks"], after["spans"]),
            "release": named(after["tasks"][n:], after["spans"])}


def one_run(browser, url: str, viewport: str, cpu: int, pointer: bool = False) -> list[dict]:
    size, options = VIEWPORTS[viewport]
    context = browser.new_context(viewport=size, **options)
    page = context.new_page()
    if cpu > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu})
    watch_sweeps(page)  # drag_rate waits for the sweep through it
    page.add_init_script(TIMED_TASKS if pointer else LONG_TASKS)
    page.goto(url + "/", wait_until="load")
    drag = pointer_drag if pointer else drag_rate
    results = [{"figure": name, "control": control, **drag(page, name, control, span)}
               for name, control, span in DRAGS]
    context.close()
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--pointer", action="store_true", help="drag with the real pointer")
    parser.add_argument("--viewport", nargs="+", choices=list(VIEWPORTS), default=list(VIEWPORTS))
    args = parser.parse_args(argv)
    app = make_app(Path(tempfile.mkdtemp()))
    with LiveServer(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for cpu in args.cpu:
            for viewport in args.viewport:
                runs = [one_run(browser, server.url, viewport, cpu, args.pointer)
                        for _ in range(args.runs)]
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
                    for r in runs if args.pointer else []:
                        print(f"    during the drag, long tasks ms: {', '.join(r[k]['named'])}")
                        print(f"    after release: {', '.join(r[k]['release'])}")
        browser.close()


if __name__ == "__main__":
    main()
