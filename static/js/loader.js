// Starting the figures: every figure on the page is wired at once (its controls answer), and
// drawn when it has stayed near the viewport for a moment, or when a control is used; until
// then it shows the picture of its default state the server made at start-up. This file and
// the figure scripts before it are fetched when a figure comes within a screen of the
// viewport (ondemand.js, which also fetches plotly.js into the cache on the reader's first
// interaction); plotly.js is run once the reader has stayed within a screen of a figure for a
// second. Also the page-wide parts of figure.js's contract: window.SeeingML.highlight and the
// "seeingml:reset" event.
(function () {
  "use strict";

  const { Figure, figureConfig } = window.SeeingML;
  const SPECS = figureConfig.figures || {};
  const API = figureConfig.api || {};
  const PLOTLY_SRC = figureConfig.plotly || "";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
  const DWELL_MS = 250;
  const WARM_MS = 1000; // still, within a screen of a figure, this long: plotly.js is run

  // Wiring is cheap (the page has the controls); drawing waits until the figure comes near,
  // or until one of its controls is used.
  const figures = Array.from(document.querySelectorAll("figure[data-widget]"))
    .filter((figure) => SPECS[figure.dataset.widget] && API[figure.dataset.widget] && PLOTLY_SRC
      && figure.querySelector(".widget"))
    .map((figure) => new Figure(figure, SPECS[figure.dataset.widget]));
  const hidePlay = () => figures.forEach((w) => { w.play.hidden = reduceMotion.matches; });
  hidePlay();
  reduceMotion.addEventListener("change", hidePlay);
  darkScheme.addEventListener("change", () => figures.forEach((w) => w.redraw()));
  // (e) document event "seeingml:reset", detail {name}: that figure goes back to its defaults.
  document.addEventListener("seeingml:reset", (e) => figures.forEach((w) => {
    if (e.detail && e.detail.name === w.name) w.resetToDefaults();
  }));
  window.SeeingML = Object.assign(window.SeeingML || {}, {
    redraws: 0,
    highlight(figureName, link) {
      figures.forEach((w) => { if (w.name === figureName) w.highlight(link); });
    },
  });

  function watch() {
    if (!("IntersectionObserver" in window)) {
      figures.forEach((w) => w.start());
      return;
    }
    // A figure starts once it has stayed near the viewport for a moment: a jump through the
    // contents (smooth-scrolling past every figure) must not fetch and draw them all.
    const pending = new Map();
    const byFigure = new Map(figures.map((w) => [w.figure, w]));
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        window.clearTimeout(pending.get(entry.target));
        if (!entry.isIntersecting) return;
        pending.set(entry.target, window.setTimeout(() => {
          observer.unobserve(entry.target);
          byFigure.get(entry.target).start();
        }, DWELL_MS));
      });
    }, { rootMargin: "600px 0px" });
    figures.forEach((w) => observer.observe(w.figure));
    // plotly.js is run (nothing drawn) once the browser is idle while a figure is within a
    // screen (not Figure 1 from the top of the page: running it is one long task on a weak
    // phone, not to be paid by a reader who has not come near a figure), a little ahead of
    // the figure's own start.
    // Only while the reader stays put near one for a second: not while the page scrolls
    // past them (a jump to the checkpoint), nor before it has reached its #fragment.
    const near = new Set();
    let warming = 0;
    const arm = () => {
      window.clearTimeout(warming);
      if (near.size) warming = window.setTimeout(warmUp, WARM_MS);
    };
    const warm = new IntersectionObserver((entries) => {
      entries.forEach((e) => (e.isIntersecting ? near.add(e.target) : near.delete(e.target)));
      arm();
    }, { rootMargin: "100% 0px" });
    function warmUp() {
      warm.disconnect();
      window.removeEventListener("scroll", arm);
      whenIdle(() => window.SeeingML.loadPlotly(PLOTLY_SRC).catch(() => {}), 2000);
    }
    window.addEventListener("scroll", arm, { passive: true });
    figures.forEach((w) => warm.observe(w.figure));
  }
  const whenIdle = (task, timeout) => (window.requestIdleCallback
    ? window.requestIdleCallback(task, { timeout })
    : window.setTimeout(task, 500));
  // Start watching once the page has loaded and settled on its #fragment, so a reader who
  // lands on the checkpoint does not download and draw the figures far above it.
  const settle = () => window.requestAnimationFrame(() => window.setTimeout(watch, 0));
  if (document.readyState === "complete") settle();
  else window.addEventListener("load", settle, { once: true });
})();
