"""The chapter as the browser tests drive it: one place for opening a page, waiting on what
the page itself says (a figure's state, a request, a settled layout), and answering the
checkpoint. Every wait here is on the page's state, never on the clock; the one exception,
``pace``, keeps a deliberate human pace and says so.
"""

from __future__ import annotations

from pathlib import Path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
DESKTOP_1366 = {"width": 1366, "height": 900}
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


class PageWatch:
    """Collects console errors and failed requests of a page, to assert there are none."""

    def __init__(self, page):
        self.errors: list[str] = []
        # Requests the browser itself gave up (a link followed while scripts were on their
        # way, a superseded fetch the page aborted): kept apart, not failures of the app.
        self.aborted: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: (
            self.aborted if "ERR_ABORTED" in (r.failure or "") else self.errors).append(
                f"failed: {r.url}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(
            f"{r.status}: {r.url}"))


def new_page(browser, viewport=DESKTOP, **options):
    """A fresh browser context and its page, watched for errors: ``(context, page)``."""
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.watch = PageWatch(page)
    return context, page


def url_of(server) -> str:
    return server if isinstance(server, str) else server.url


def open_chapter(page, server, path: str = "/", wait_until: str = "networkidle",
                 reduced_motion: str | None = None):
    """Open the chapter (or ``path`` on the same server) and wait for ``wait_until``."""
    if reduced_motion:
        page.emulate_media(reduced_motion=reduced_motion)
    page.goto(url_of(server) + path, wait_until=wait_until)
    return page


def open_checkpoint(page, server):
    """The chapter at its checkpoint, once the script has enhanced the forms."""
    open_chapter(page, server, "/#checkpoint")
    page.wait_for_selector("#q4 .steps.is-enhanced")
    return page


def come_near(page, selector: str):
    """Scroll a part of the chapter into view, as a reader does before using it: the scripts
    of the questions, the review and the figures load when their part comes near
    (static/js/ondemand.js), so a part far down the page is not enhanced before."""
    part = page.locator(selector)
    part.scroll_into_view_if_needed()
    return part


# --- waiting on the page ----------------------------------------------------------------

def frames(page, count: int = 2) -> None:
    """Wait for ``count`` animation frames: whatever the page scheduled for its next frame
    (a measured placement, a coalesced redraw) has run and been laid out."""
    page.evaluate("""(n) => new Promise((done) => {
        const next = (left) => (left ? requestAnimationFrame(() => next(left - 1)) : done());
        next(n); })""", count)


def idle(page, timeout_ms: int = 5000) -> None:
    """Wait until the page's main thread is idle (its deferred start-up work has run)."""
    frames(page)
    page.evaluate("""(t) => new Promise((done) =>
        (window.requestIdleCallback || ((f) => setTimeout(f, 0)))(() => done(), {timeout: t}))""",
                  timeout_ms)


def box(page, selector: str) -> dict:
    """The first element matching ``selector``: its top, bottom, left and right on screen."""
    return page.evaluate("""(s) => { const b = document.querySelector(s).getBoundingClientRect();
  return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; }""", selector)


def set_controls(page, name: str, values: dict) -> None:
    """Set figure ``name``'s controls to ``values`` (field → value) as a reader's input does."""
    page.evaluate("""([name, values]) => Object.entries(values).forEach(([field, value]) => {
  const control = document.getElementById(`widget-${name}-${field}`);
  control.value = String(value);
  control.dispatchEvent(new Event("input", { bubbles: true }));
  control.dispatchEvent(new Event("change", { bubbles: true }));
})""", [name, values])


def hold_still(page, selector: str, still_frames: int = 5, timeout: float = 10000) -> None:
    """Wait until ``selector``'s box has not moved or changed size for ``still_frames``
    animation frames in a row (a scroll landed, a chart finished drawing)."""
    page.evaluate("(s) => { if (window.__still) delete window.__still[s]; }", selector)
    page.wait_for_function("""([selector, wanted]) => {
        const box = document.querySelector(selector).getBoundingClientRect();
        const now = [box.x, box.y, box.width, box.height].join();
        const seen = (window.__still = window.__still || {});
        const last = seen[selector];
        seen[selector] = { at: now, count: last && last.at === now ? last.count + 1 : 0 };
        return seen[selector].count >= wanted;
    }""", arg=[selector, still_frames], polling="raf", timeout=timeout)


def pace(page, ms: int) -> None:
    """A deliberate human pace (a reader scrolling, a finger resting): ``ms`` on the page's
    own timer. Use only where the time between two actions is what the test is about."""
    page.evaluate("(ms) => new Promise((done) => setTimeout(done, ms))", ms)


def page_clock_past(page, ms_after_load: int) -> None:
    """Wait until ``ms_after_load`` milliseconds of the page's own clock have passed since its
    load event: for a test that asserts something does not happen within such a window."""
    page.wait_for_function(
        "(ms) => performance.now() > performance.getEntriesByType('navigation')[0].loadEventEnd"
        " + ms", arg=ms_after_load, timeout=ms_after_load + 30000)


# --- the figures --------------------------------------------------------------------------

def widget_state(name: str) -> str:
    return f"#figure-{name} .widget"


def figure_ready(page, name: str, timeout: float = 20000, drawn: bool = False):
    """Bring figure ``name`` near the viewport and wait until its script reports it ready
    (with ``drawn``, until plotly.js's chart is in it too). Returns the figure."""
    figure = page.locator(f"#figure-{name}")
    figure.scroll_into_view_if_needed()
    chart = " .widget-plot svg.main-svg" if drawn else ""
    page.wait_for_selector(f"#figure-{name} .widget[data-state='ready']{chart}", timeout=timeout)
    return figure


def near_figures_ready(page, timeout: float = 20000) -> None:
    """Wait until every figure within the script's start-up margin (600 px) of the viewport
    has loaded and drawn: the page around the reader has stopped growing."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll("figure[data-widget]"))
        .every((f) => {
          const box = f.getBoundingClientRect();
          const near = box.bottom > -600 && box.top < window.innerHeight + 600;
          return !near || f.querySelector(".widget").dataset.state === "ready";
        })""", timeout=timeout)


def readout(page, name: str) -> str:
    """The figure's full description (inside its disclosure, which may be closed)."""
    return page.locator(f"#widget-{name}-readout").text_content()


def trace(page, name: str, index: int, key: str = "x"):
    """One attribute of one of the figure's plotly.js traces, as drawn."""
    return page.evaluate("([id, i, k]) => document.getElementById(id).data[i][k]",
                         [f"widget-{name}-plot", index, key])


def drawn_words(page, name: str) -> list[str]:
    """The words a figure's chart shows: each drawn label whose ink is visible (a word drawn
    in no colour, Figure 2's not yet reached by its pass, is left out)."""
    return page.evaluate("""(id) => Array.from(document.querySelectorAll(`#${id} .textpoint text`))
        .filter((t) => Number(getComputedStyle(t).fillOpacity) > 0)
        .map((t) => t.textContent)""", f"widget-{name}-plot")


def figure_script_reports(page) -> bool:
    """Whether the figure script's side of the linking contract is on the page."""
    return page.evaluate("() => typeof (window.SeeingML || {}).highlight === 'function'")


# The figure script's event (contract (a)), sent with the API's own answer for those settings.
SEND = """async ([name, query]) => {
  const payload = await (await fetch(`/api/widgets/${name}?${query}`)).json();
  document.dispatchEvent(new CustomEvent('seeingml:figure', {detail: {name,
    params: payload.params, values: payload.values,
    element: document.getElementById(`figure-${name}`)}}));
  return payload.values;
}"""


def send_figure_event(page, name: str, query: str = "") -> dict:
    """Report figure ``name`` at ``query``'s settings, as the figure script reports a draw."""
    return page.evaluate(SEND, [name, query])


# Counts every sweep body the page has parsed; the page's own handler of that body runs in
# the same turn, so once the count moves the sweep is in the figure's hands.
_SWEEPS_PARSED = """(() => {
  const json = Response.prototype.json;
  window.__sweepsParsed = [];
  Response.prototype.json = function () {
    const url = this.url;
    return json.call(this).then((body) => {
      if (url.includes("sweep=")) window.__sweepsParsed.push(url);
      return body;
    });
  };
})();"""


def watch_sweeps(page) -> None:
    """Before the page loads: let ``ask_for_sweep`` see when a sweep has been parsed."""
    page.add_init_script(_SWEEPS_PARSED)


def ask_for_sweep(page, name: str, control: str) -> None:
    """Press on a slider (which asks the server for its sweep) and wait until the page holds
    the sweep, so a drag from here on scrubs through it. Needs ``watch_sweeps`` first."""
    before = page.evaluate("() => window.__sweepsParsed.length")
    page.dispatch_event(f"#widget-{name}-{control}", "pointerdown")
    page.wait_for_function(
        "([n, part]) => window.__sweepsParsed.slice(n).some((u) => u.includes(part))",
        arg=[before, f"sweep={control}"], timeout=20000)
    page.wait_for_function(
        f"() => document.querySelector('{widget_state(name)}').dataset.state === 'ready'")


# --- the checkpoint -----------------------------------------------------------------------

def result(page, qid: str):
    return page.locator(f"#{qid} [data-role=result] .result")


def answer(page, qid: str, choice: str):
    """Choose ``choice`` in question ``qid``, submit it, wait for its result."""
    form = page.locator(f"form#{qid}")
    form.locator(f"label[for='{qid}-{choice}']").click()
    form.locator("[data-role=submit]").click()
    form.locator("[data-role=result] .result").wait_for()
    return result(page, qid)


def order(page) -> list[str]:
    """q4's steps in the order the page shows them."""
    return page.eval_on_selector_all("#q4 .step", "els => els.map(e => e.dataset.step)")


def focused(page) -> str:
    return page.evaluate(
        "(() => { const a = document.activeElement;"
        " const li = a.closest('.step'); return [a.dataset.move || a.tagName,"
        " li ? li.dataset.step : ''].join(':'); })()")


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab (only Tab) until the element matching ``selector`` has focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}; focus is on {focused(page)}")


def touch_drag(page, start, end, steps: int = 10) -> None:
    """A finger dragging from ``start`` to ``end`` (Chromium's touch events, via CDP), one
    move per animation frame, resting on ``end`` for a few frames before lifting (lifting
    mid-motion is a fling, and the next tap would only stop the fling instead of clicking)."""
    cdp = page.context.new_cdp_session(page)

    def touch(kind, x, y):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", *start)
    for i in range(1, steps + 1):
        touch("touchMove", start[0] + (end[0] - start[0]) * i / steps,
              start[1] + (end[1] - start[1]) * i / steps)
        frames(page, 1)
    for _ in range(3):  # the finger rests: moves that go nowhere, frame after frame
        touch("touchMove", *end)
        frames(page, 1)
    touch("touchEnd", *end)


def tap(page, selector: str, tries: int = 2) -> None:
    """A finger tapping ``selector`` until the browser makes a click of it.

    Chromium makes a click from a touch sequence only when its gesture detector calls it a
    tap; on a starved machine it sometimes takes the first tap after a drag for the end of
    that gesture (the touch events reach the page, no click follows), and a person would tap
    again. The click itself is what the test is about, so a tap is repeated only while no
    click of the element has been seen, never after one."""
    page.evaluate("""(s) => {
        const el = document.querySelector(s);
        el.__clicks = 0;
        el.addEventListener("click", () => { el.__clicks += 1; }, { capture: true });
    }""", selector)
    for attempt in range(tries):
        page.locator(selector).tap()
        try:
            page.wait_for_function("(s) => document.querySelector(s).__clicks > 0",
                                   arg=selector, timeout=3000)
            return
        except Exception:
            if attempt == tries - 1:
                raise AssertionError(f"{tries} taps on {selector} made no click") from None


# --- looking at the page ------------------------------------------------------------------

def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot under artifacts/browser for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def shot(locator, name: str) -> Path:
    """A screenshot of one part of the page, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def axe_violations(page, context: str | None = None) -> list[str]:
    """axe-core's violations of any impact (within ``context``, a selector, if given), as
    readable lines (empty when clean)."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, context=context) if context else Axe().run(page)
    return [
        f"{v['id']} ({v.get('impact')}): {v['help']} — "
        + "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:5])
        for v in found.response["violations"]
    ]


def checkpoint_violations(page) -> list[str]:
    """axe-core on the checkpoint section: the part of the page the checkpoint tests change."""
    return axe_violations(page, "#checkpoint")
