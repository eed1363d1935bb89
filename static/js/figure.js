// The chapter's figures, drawn from the server's answer (a Plotly figure; the server computes
// every number). The page renders each figure's controls (templates/blocks/figure.html) and
// hands the scripts settings, colours and URLs (#figure-config). This file draws, reads out and
// steps a figure; controls.js asks for it, scrub.js follows a dragged slider, loader.js starts
// it near the viewport. None of them does the maths.
//
// What other scripts may rely on (keep it small):
//  (a) after every exact draw: document event "seeingml:figure", detail {name, params,
//      values, element: the <figure>}; at each frame of a drag "seeingml:frame" {name, values}.
//  (b) the figure JSON marks what a formula factor stands for with meta: {link: "<name>"}
//      on its traces, annotations and shapes.
//  (c) window.SeeingML.highlight(figureName, linkName | null): emphasises that link's
//      elements (wider line, outline; never colour alone) and clears the others; while set,
//      the <figure> carries data-highlight="<linkName>".
//  (d) hovering or focusing such an element dispatches document event "seeingml:link",
//      detail {figure, link} (link null on leave); a linked annotation carries data-link.
//  (e) document event "seeingml:reset", detail {name}: that figure returns to its defaults.
//  window.SeeingML.redraws counts every chart redraw (exact or scrubbed), for measurements.
(function () {
  "use strict";

  // The page's figure config: {figures: each figure's controls, presets and step limit (the
  // server's parameter schemas), api: {figure: its URL}, plotly: plotly.js's URL, palette:
  // {light-theme colour the server writes: the CSS variable that carries its role}}.
  const { el, pageData, $ } = window.SeeingML.dom;
  const figureConfig = pageData("figure-config");
  const THEME = figureConfig.palette || {};
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const coarsePointer = window.matchMedia("(pointer: coarse)");

  // A variable's colour as rgb(): forced colours name system colours plotly.js cannot read.
  function rgbOf(value, host) {
    if (!value || /^(#|rgb)/.test(value)) return value;
    const probe = document.createElement("span");
    probe.style.color = value;
    host.appendChild(probe);
    const resolved = window.getComputedStyle(probe).color;
    probe.remove();
    return resolved || value;
  }

  function themed(figure, styles, host) {
    const cache = {};
    const colour = (hex) => {
      if (!(hex in cache)) cache[hex] = rgbOf(styles.getPropertyValue(THEME[hex]).trim(), host) || hex;
      return cache[hex];
    };
    const walk = (v) => {
      if (typeof v === "string") return THEME[v] ? colour(v) : v;
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object") {
        const out = {};
        Object.keys(v).forEach((k) => { out[k] = walk(v[k]); });
        return out;
      }
      return v;
    };
    return walk(figure);
  }

  const interrupted = () => {}; // a newer animation interrupted this one: expected
  const LINK_WIDTH = 2.2; // a highlighted trace's line is this much wider

  function emphasised(figure, link) {
    // (c): the highlighted link's traces drawn wider, its annotations and shapes outlined.
    if (!link) return figure;
    const on = (item) => item && item.meta && item.meta.link === link;
    const data = figure.data.map((t) => {
      if (!on(t)) return t;
      const line = Object.assign({}, t.line || {}, { width: ((t.line && t.line.width) || 2) * LINK_WIDTH });
      const textfont = Object.assign({}, t.textfont || {}, { weight: 700 });
      return Object.assign({}, t, { line, textfont });
    });
    const layout = Object.assign({}, figure.layout);
    layout.annotations = (layout.annotations || []).map((a) => (on(a) ? Object.assign({}, a, {
      bordercolor: (a.font && a.font.color) || a.arrowcolor || (figure.layout.font || {}).color, borderwidth: 2, borderpad: 3,
      arrowwidth: (a.arrowwidth || 1.5) * LINK_WIDTH,
    }) : a));
    layout.shapes = (layout.shapes || []).map((sh) => (on(sh) ? Object.assign({}, sh, {
      line: Object.assign({}, sh.line || {}, { width: ((sh.line && sh.line.width) || 2) * LINK_WIDTH }),
    }) : sh));
    return { data, layout, frames: figure.frames };
  }

  function atStep(figure, step) { // with its animation frame `step-<step>` applied, if any
    const frame = (figure.frames || []).find((f) => f.name === `step-${step}`);
    const data = figure.data.slice();
    if (frame) frame.traces.forEach((i, k) => { data[i] = Object.assign({}, data[i], frame.data[k]); });
    return { data, layout: figure.layout, frames: figure.frames };
  }
  // --- one figure --------------------------------------------------------------------------
  class Figure {
    constructor(figure, spec) {
      this.figure = figure;
      this.name = figure.dataset.widget;
      this.spec = spec;
      this.params = {};
      this.payload = null;
      this.drawn = null; // the themed figure on screen (exact or a sweep frame)
      this.step = 0;
      this.playing = false;
      this.request = null;
      this.timer = 0;
      this.narrow = false;
      this.started = false;
      this.sweeps = {}; // param → {key, promise, sweep}
      this.touched = new Set(); // traces marks.js moved since plotly.js last drew them
      this.revision = 0; // bumped by each such move and new figure: plotly.js redraws the data
      this.unpainted = []; // times of slider values not yet on screen
      this.axesShown = null; // the held or frame axes on screen; null: the exact figure's
      this.link = null;
      this.api = figureConfig.api[this.name];
      this.wire(); // controls.js
    }

    render() {
      // Draw this.drawn (with any highlight) and count the redraw.
      const figure = emphasised(this.drawn, this.link);
      const config = {
        responsive: true, displayModeBar: false, scrollZoom: false, displaylogo: false,
        staticPlot: coarsePointer.matches, doubleClick: false,
      };
      // marks.js moved nodes behind plotly.js's back, and with a datarevision set plotly.js
      // compares only it, not the arrays: a new one redraws the data.
      const layout = Object.assign({}, figure.layout, { datarevision: this.revision });
      this.touched.clear();
      this.axesShown = null;
      delete this.plot.dataset.moving;
      return window.Plotly.react(this.plot, { data: figure.data, layout, frames: figure.frames, config })
        .then(() => { window.SeeingML.redraws = (window.SeeingML.redraws || 0) + 1; });
    }

    drawFigure(figure) { // the payload's, or a sweep frame drawn whole (scrub.js), themed
      this.drawn = themed(figure, window.getComputedStyle(this.figure), this.figure);
      this.revision += 1;
      return this.render();
    }

    async draw() {
      const payload = this.payload;
      const first = !this.opened;
      const picture = $(this.plot, ".widget-picture");
      if (picture) picture.remove();
      if (this.playing) this.stopped(); // new numbers end any animation of the old ones
      this.steps = payload.steps || [];
      // A figure that says where to start (Figure 2: its first step, "press Next") opens
      // there; later draws keep the reader's step, and a gradient step shows the whole pass.
      const last = this.steps.length - 1;
      let step = last;
      if (payload.start != null && !this.trained) step = this.opened ? Math.min(this.step, last) : payload.start;
      await this.drawFigure(atStep(payload.figure, step)); // drawn there: no animation after
      if (!this.listening) this.listenToPlot();
      this.linkAnnotations(this.tell); // the first plot's afterplot came before the listener
      this.plot.setAttribute("role", "img");
      this.summary.textContent = payload.summary || "";
      this.trained = false;
      this.opened = true;
      this.showStep(step);
      this.readout.textContent = payload.description;
      if (!first && payload.change) this.say(`${payload.change}.`); // not on the first draw
      this.plot.setAttribute("aria-label", `${payload.summary}. ${payload.description}`);
      this.renderTable(payload.table);
      if (first) this.applyEarly();
      if (this.spec.max_steps) {
        const taken = payload.values.steps_taken || 0;
        this.resetButton.disabled = taken === 0 && Number(this.params.steps || 0) === 0;
        this.stepButton.disabled = Number(this.params.steps || 0) >= this.spec.max_steps || payload.values.diverged;
      }
    }

    listenToPlot() {
      this.listening = true;
      this.plot.on("plotly_animatingframe", (e) => {
        const n = Number(String(e.name).replace("step-", ""));
        if (!Number.isNaN(n)) this.showStep(n);
        window.SeeingML.nameTraces(this.plot); // the step's words heard as they are seen
      });
      const tell = (link) => document.dispatchEvent(new CustomEvent("seeingml:link", { detail: { figure: this.name, link } }));
      this.plot.on("plotly_hover", (e) => {
        const point = e.points && e.points[0];
        const link = point && point.data && point.data.meta && point.data.meta.link;
        if (link) tell(link);
      });
      this.plot.on("plotly_unhover", () => tell(null));
      this.tell = tell;
      this.plot.on("plotly_afterplot", () => this.linkAnnotations(tell));
      this.plot.on("plotly_animated", () => this.linkAnnotations(tell)); // a step reached
    }

    linkAnnotations(tell) {
      // (d) for annotations: each linked one carries data-link, is focusable (a named image
      // part) and says when it is hovered.
      const annotations = (this.drawn && this.drawn.layout.annotations) || [];
      this.plot.querySelectorAll("g.annotation").forEach((g) => {
        const a = annotations[Number(g.dataset.index)];
        const link = a && a.meta && a.meta.link;
        if (!link || g.dataset.link === link) return;
        g.dataset.link = link;
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "img");
        g.setAttribute("aria-label", (g.textContent || "").trim() || link);
        const enter = () => tell(link);
        const leave = () => tell(null);
        g.addEventListener("mouseenter", enter); g.addEventListener("focus", enter);
        g.addEventListener("mouseleave", leave); g.addEventListener("blur", leave);
      });
      // … and traces (Figure 2's edge labels are text traces; the pointer on one reaches
      // plotly_hover, above): marks.js names each drawn trace group.
      window.SeeingML.nameTraces(this.plot);
    }

    highlight(link) {
      if ((link || null) === this.link) return; // already shown: a redraw would only flicker
      this.link = link || null;
      if (this.link) this.figure.dataset.highlight = this.link;
      else delete this.figure.dataset.highlight;
      if (this.drawn && window.Plotly && !this.scrubDrawn) this.render(); // a drag settles it
    }

    renderTable(table) {
      if (!table) return;
      const head = el("tr", {}, table.columns.map((c) => el("th", { scope: "col", text: c })));
      const rows = table.rows.map((r) => el("tr", {}, r.map((cell, i) =>
        el(i === 0 ? "th" : "td", i === 0 ? { scope: "row", text: cell } : { text: cell }))));
      this.table.replaceChildren(el("caption", { text: table.caption }), el("thead", {}, [head]), el("tbody", {}, rows));
    }

    say(sentence) {
      // One short sentence per change; the same sentence twice is still said twice.
      this.live.textContent = this.live.textContent === sentence ? `${sentence}\u00a0` : sentence;
    }

    showStep(n, frame) { // a sweep frame's own words (scrub.js), where it carries them
      const words = (frame && frame.steps) || this.steps;
      this.stepText.classList.remove("is-stale");
      this.step = Math.max(0, Math.min(n, words.length - 1));
      this.back.disabled = this.step <= 0 || this.playing;
      this.next.disabled = this.step >= words.length - 1 || this.playing;
      this.play.disabled = words.length < 2;
      const lines = words.map((w, k) => `Step ${k + 1} of ${words.length}: ${w}`);
      this.stepText.textContent = lines.length ? lines[this.step] : "";
      const summaries = frame ? frame.summaries : this.payload && this.payload.summaries;
      if (summaries && summaries[this.step]) this.summary.textContent = summaries[this.step];
      // Room for every step's words, so nothing below moves; a drag's frames keep the room.
      if (!frame) { this.holdRoom(this.stepText, lines); this.holdRoom(this.summary, summaries || []); }
    }

    applyEarly() {
      // The presses made before the first draw, in order: the steps they add up to, then Play.
      const early = this.early.splice(0);
      if (!early.length) return;
      let target = this.step;
      early.forEach((kind) => {
        if (kind === "back") target = Math.max(0, target - 1);
        if (kind === "next") target = Math.min(this.steps.length - 1, target + 1);
      });
      if (target !== this.step) this.goTo(target);
      if (early[early.length - 1] === "play") this.playAll();
    }
    motion(ms) { return reduceMotion.matches ? 0 : ms; }

    goTo(n) {
      if (!this.payload || n < 0 || n >= this.steps.length) return;
      this.showStep(n);
      this.say(this.stepText.textContent);
      window.Plotly.animate(this.plot, [`step-${n}`], {
        mode: "immediate", frame: { duration: this.motion(400), redraw: false },
        transition: { duration: this.motion(350), easing: "cubic-in-out" },
      }).catch(interrupted);
    }

    playAll() {
      if (!this.payload || reduceMotion.matches) return;
      this.playing = true;
      this.play.textContent = "Pause";
      this.showStep(0);
      const names = this.steps.map((_, i) => `step-${i}`);
      const perFrame = Math.max(120, Math.min(900, 5000 / names.length));
      window.Plotly.animate(this.plot, names, {
        mode: "immediate", frame: { duration: perFrame, redraw: false },
        transition: { duration: perFrame * 0.6, easing: "cubic-in-out" },
      }).then(() => this.stopped(), interrupted);
    }

    pause() {
      window.Plotly.animate(this.plot, [null], { mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 } })
        .catch(interrupted);
      this.stopped();
    }

    stopped() {
      this.playing = false;
      this.play.textContent = "Play";
      this.showStep(this.step);
    }

    redraw() { if (this.payload && window.Plotly) this.draw(); }
  }
  window.SeeingML = Object.assign(window.SeeingML, { Figure, figureConfig });
})();
