// The chapter's three figures. The server computes every number and returns a Plotly figure;
// this file only wires up the controls the page already has (templates/blocks/figure.html),
// asks for the figure, draws it and reads it out. It never does the maths itself. plotly.js
// is fetched into the cache once the page is idle, run once the reader has stayed within
// three screens of a figure for a second, and a figure is drawn when it comes near the
// viewport; until then it shows the picture of its default state the server made at start-up.
//
// Scrubbing: while a slider is dragged, the script asks once for a sweep along it
// (`?<params>&sweep=<name>`, see README "Figures") and redraws from the frame nearest the
// slider's value; on release it settles on the exact figure.
//
// What other scripts may rely on (keep it small):
//  (a) after every exact draw: document event "seeingml:figure",
//      detail {name, params, values, element} (element: the <figure>).
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

  const script = document.currentScript;
  const PLOTLY_SRC = script ? script.dataset.plotlySrc : "";
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const coarsePointer = window.matchMedia("(pointer: coarse)");
  const darkScheme = window.matchMedia("(prefers-color-scheme: dark)");
  const NARROW_BELOW = 560; // px of figure width: stack the panels instead of side by side
  const DEBOUNCE_MS = 150;
  const DWELL_MS = 250;
  const WARM_MS = 1000; // still, near a figure, this long: plotly.js is run ahead of it

  // Light-theme colours the server writes → the CSS variable that carries that role.
  const THEME = {
    "#0072B2": "--widget-blue", "#D55E00": "--widget-vermilion", "#009E73": "--widget-green",
    "#CC79A7": "--widget-purple", "#E69F00": "--widget-orange", "#1f2328": "--text",
    "#57606a": "--muted", "#d8d4ca": "--rule", "#ffffff": "--surface",
    "#B34D00": "--fig-vermilion-text", "#007A5A": "--fig-green-text", // words in those hues
  };

  // Every control's label, range, step, default, options and presets come from the server's
  // parameter schemas (JSON in this script tag's data-figure-params), so the page cannot drift
  // from the API.
  const paramsHolder = document.querySelector("script[data-figure-params]");
  const SPECS = paramsHolder ? JSON.parse(paramsHolder.dataset.figureParams) : {};
  const shownWhen = (c, params) => !c.when || c.when.options.includes(params[c.when.field]);

  // --- plotly.js, loaded once, on demand ---------------------------------------------------
  const loadPlotly = () => window.SeeingML.loadPlotly(PLOTLY_SRC);

  // --- small DOM helpers -------------------------------------------------------------------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (v !== false && v != null) node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach((c) => c && node.appendChild(c));
    return node;
  }
  const minus = (text) => String(text).replace(/-/g, "−");

  function themed(figure, styles) {
    const cache = {};
    const colour = (hex) => {
      if (!(hex in cache)) cache[hex] = styles.getPropertyValue(THEME[hex]).trim() || hex;
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

  // Plotly rejects an animation's promise (with no reason) when a newer one interrupts it, as a
  // quick second press of Back or Next does. That is expected, not an error.
  const interrupted = () => {};

  // --- one widget ----------------------------------------------------------------------------
  const $ = (root, selector) => root.querySelector(selector);
  const LINK_WIDTH = 2.2; // a highlighted trace's line is this much wider

  function merged(base, frame) {
    // A sweep frame onto the exact figure: null keeps a trace, else only its changed keys.
    const data = frame.data.map((d, i) => (d ? Object.assign({}, base.data[i] || {}, d) : base.data[i]));
    return { data, layout: Object.assign({}, base.layout, frame.layout) };
  }

  // Scrubbing redraws only what a sweep frame moves. While a slider is dragged the axes hold
  // the sweep's `axes` ranges (set once, by plotly.js), and every frame after that only moves
  // the drawn marks to the frame's numbers (marks.js: a few ms). A key press, or a frame
  // marks.js cannot move, goes through Plotly.animate without a full redraw (no margins,
  // annotations or text relaid out): the changed traces' x and y and the axes' range and tick
  // spacing. Annotations and the other layout keys settle with the exact figure on release.
  const SCRUB = { mode: "immediate", transition: { duration: 0 }, frame: { duration: 0, redraw: false } };
  const AXIS = /^[xy]axis\d*$/;
  const MARKS_KEYS = ["x", "y", "text", "textposition"]; // what marks.js redraws; a frame changing more goes to plotly.js
  const DRAWN_KEYS = new Set([...MARKS_KEYS, "hovertext", "hovertemplate", "customdata", "name"]);

  function frameTrace(base, frame, i) {
    const d = frame && frame.data[i];
    return d ? Object.assign({}, base.data[i], d) : base.data[i];
  }

  function movedTraces(base, frame, previous, touched, all) {
    // The traces that differ from what is on screen — this frame's or the last one's changes,
    // and any that marks.js moved since plotly.js last drew; all of them when the axes move
    // under them — each with the keys that differ.
    const moved = [];
    frame.data.forEach((d, i) => {
      const was = previous && previous.data[i];
      if (!all && !d && !was && !touched.has(i)) return;
      const keys = new Set([...Object.keys(d || {}), ...Object.keys(was || {}), ...(touched.has(i) ? MARKS_KEYS : [])]);
      moved.push([i, frameTrace(base, frame, i), keys]);
    });
    return moved;
  }

  function frameAxes(base, frame, held) {
    // The ranges (and tick spacing) this frame's own figure has on the axes a sweep moves.
    const axes = {};
    Object.keys(held || {}).forEach((k) => {
      const axis = (frame && frame.layout[k]) || base.layout[k];
      axes[k] = { range: axis.range };
      if (axis.dtick !== undefined) axes[k].dtick = axis.dtick;
    });
    return axes;
  }

  function painted(inputs) {
    // Input-to-paint times, for measurements: the frame after the one the marks moved in.
    window.requestAnimationFrame(() => {
      const now = performance.now();
      const seen = window.SeeingML.latencies = window.SeeingML.latencies || [];
      inputs.forEach((t) => seen.push(now - t));
      if (seen.length > 500) seen.splice(0, seen.length - 500);
    });
  }

  function scrubFrame(plot, traces, axes) {
    // The width held fixed while scrubbing: autosize would measure the page on every frame.
    const layout = Object.assign({ autosize: false, width: plot._fullLayout.width }, axes);
    const data = traces.map(([, t, keys]) => {
      const changed = { x: t.x, y: t.y };
      keys.forEach((k) => { changed[k] = t[k]; });
      return changed;
    });
    return { data, traces: traces.map(([i]) => i), layout };
  }

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
      bordercolor: (a.font && a.font.color) || a.arrowcolor || "#000", borderwidth: 2, borderpad: 3,
      arrowwidth: (a.arrowwidth || 1.5) * LINK_WIDTH,
    }) : a));
    layout.shapes = (layout.shapes || []).map((sh) => (on(sh) ? Object.assign({}, sh, {
      line: Object.assign({}, sh.line || {}, { width: ((sh.line && sh.line.width) || 2) * LINK_WIDTH }),
    }) : sh));
    return { data, layout, frames: figure.frames };
  }

  class Widget {
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
      this.revision = 0; // bumped by every such move: the next exact draw redraws all data
      this.unpainted = []; // times of slider values not yet on screen
      this.axesShown = null; // the held or frame axes on screen; null: the exact figure's
      this.link = null;
      this.wire();
    }

    id(suffix) { return `widget-${this.name}-${suffix}`; }

    wire() {
      const root = this.root = $(this.figure, ".widget");
      this.form = $(root, ".widget-controls");
      this.form.addEventListener("submit", (e) => e.preventDefault());
      this.inputs = {};
      this.fields = {};
      this.spec.controls.forEach((c) => {
        const input = this.form.elements.namedItem(c.name);
        this.inputs[c.name] = input;
        this.fields[c.name] = { wrap: $(this.form, `[data-field="${c.name}"]`), spec: c, output: $(this.form, `#${this.id(c.name)}-value`) };
        this.params[c.name] = c.kind === "checkbox" ? (input.checked ? "1" : "0") : input.value;
        this.listen(c, input);
        input.disabled = false; // the script answers them now; before it ran, nothing could
      });
      const action = (name) => $(root, `[data-action="${name}"]`);
      this.back = action("back"); this.next = action("next"); this.play = action("play");
      this.stepButton = action("step"); this.resetButton = action("reset");
      this.back.addEventListener("click", () => this.goTo(this.step - 1));
      this.next.addEventListener("click", () => this.goTo(this.step + 1));
      this.play.addEventListener("click", () => (this.playing ? this.pause() : this.playAll()));
      if (this.stepButton) {
        this.stepButton.addEventListener("click", () => this.train(1));
        this.resetButton.addEventListener("click", () => this.train(0));
        this.stepButton.disabled = false;
      }
      root.querySelectorAll("[data-preset]").forEach((b) => {
        const [, values] = this.spec.presets[Number(b.dataset.preset)];
        b.addEventListener("click", () => this.applyPreset(values));
        b.disabled = false;
      });
      this.summary = $(root, ".widget-summary");
      this.plot = $(root, ".widget-plot");
      this.stepText = $(root, ".widget-step");
      this.readout = $(root, ".widget-readout"); // the full description, on demand
      this.live = $(root, ".widget-live"); // the one polite live region: a short sentence
      this.words = $(root, ".widget-words");
      this.table = $(root, ".widget-table");
      this.tableBox = $(root, ".widget-data");
      root.dataset.state = "waiting";
    }

    listen(c, input) {
      if (c.kind === "range") {
        input.addEventListener("input", () => {
          const output = this.fields[c.name].output;
          if (output) output.textContent = minus(input.value);
          this.changed(c.name, input.value, true);
        });
        input.addEventListener("change", () => this.settle(c.name));
        const prefetch = () => this.sweepFor(c.name);
        input.addEventListener("pointerdown", () => { this.dragging = c.name; prefetch(); });
        input.addEventListener("focus", prefetch);
      } else if (c.kind === "select") {
        input.addEventListener("change", () => this.changed(c.name, input.value, false));
      } else {
        input.addEventListener("change", () => this.changed(c.name, input.checked ? "1" : "0", false));
      }
    }

    setControl(name, value) {
      const input = this.inputs[name];
      if (!input) return;
      if (input.type === "checkbox") input.checked = value === "1" || value === true || value === 1;
      else input.value = String(value);
      const field = this.fields[name];
      if (field && field.output) field.output.textContent = minus(input.value);
    }

    syncVisibility() {
      Object.values(this.fields).forEach(({ wrap, spec }) => {
        if (wrap) wrap.hidden = !shownWhen(spec, this.params);
      });
    }

    changed(name, value, scrub) {
      this.params[name] = value;
      if (this.spec.max_steps && name !== "steps") this.params.steps = "0";
      this.syncVisibility();
      window.clearTimeout(this.timer);
      if (!this.started) { this.start(); return; } // used before the figure came near
      // A drag scrubs through the sweep and settles on release; a key press scrubs too, then
      // settles once the keys rest.
      if (scrub && this.scrub(name) && this.dragging === name) return;
      if (scrub) this.timer = window.setTimeout(() => this.load(), DEBOUNCE_MS);
      else this.load();
    }

    settle(name) {
      if (this.dragging !== name) return; // a key's change: the debounce settles it
      this.dragging = null;
      window.clearTimeout(this.timer);
      this.load();
    }

    // --- sweeps: scrub through server-computed frames while a slider moves ------------------
    sweepKey(name) {
      const q = new URLSearchParams(this.drawnParams || {});
      q.delete(name);
      return `${name}|${q.toString()}`;
    }

    sweepFor(name) {
      if (!this.payload || this.spec.max_steps) return null; // Figure 2 trains: no sweep
      const key = this.sweepKey(name);
      const known = this.sweeps[name];
      if (known && known.key === key) return known;
      const entry = { key, sweep: null };
      const q = new URLSearchParams(this.drawnParams);
      q.set("sweep", name);
      entry.promise = fetch(`/api/widgets/${this.name}?${q}`, { headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : null))
        .then((body) => { entry.sweep = body && body.sweep; })
        .catch(() => {});
      this.sweeps[name] = entry;
      return entry;
    }

    scrub(name) {
      const entry = this.sweepFor(name);
      if (!entry || !entry.sweep || entry.key !== this.sweepKey(name) || !window.Plotly) return false;
      const target = Number(this.params[name]);
      const { values, frames } = entry.sweep;
      let best = 0;
      values.forEach((v, i) => { if (Math.abs(v - target) < Math.abs(values[best] - target)) best = i; });
      if (this.scrubbing === frames[best]) return true;
      this.unpainted.push(performance.now()); // for input-to-paint times
      this.scrubbing = frames[best];
      this.scrubSweep = entry.sweep;
      this.root.dataset.state = "scrubbing";
      this.summary.textContent = frames[best].summary || "";
      // Coalesce: however many input events arrive, one draw per animation frame.
      if (!this.frameAsked) {
        this.frameAsked = true;
        window.requestAnimationFrame(() => { this.frameAsked = false; this.scrubDraw(); });
      }
      return true;
    }

    scrubDraw() {
      // One redraw at a time: while one is drawing, later slider values wait, and only the
      // newest is drawn next (a slow machine skips frames instead of falling behind).
      const frame = this.scrubbing;
      if (!frame || frame === this.scrubDrawn || this.rendering) return;
      const base = this.payload.figure;
      const { axes: held = {}, hold } = this.scrubSweep;
      const own = frameAxes(base, frame, held); // the frame's own ranges on the moving axes
      const shown = this.axesShown ? JSON.parse(this.axesShown) : frameAxes(base, null, held);
      const previous = this.scrubDrawn;
      const inputs = this.unpainted;
      this.unpainted = [];
      this.scrubDrawn = frame;
      this.rendering = true;
      const done = () => {
        window.SeeingML.redraws = (window.SeeingML.redraws || 0) + 1;
        this.rendering = false;
        painted(inputs);
        if (this.scrubbing !== this.scrubDrawn) window.requestAnimationFrame(() => this.scrubDraw());
      };
      // A drag on a figure that holds its axes: the held ranges once, then the marks move.
      // One that follows its point: the marks move at the frame's own ranges, and the ticks
      // and grid of the axes not drawn at those ranges hide until the exact figure settles.
      // A key press: the marks move while the axes stay; otherwise plotly.js draws the frame.
      let target = own;
      let ranges = null;
      if (this.dragging && hold) target = held;
      else if (this.dragging) {
        ranges = {};
        Object.keys(own).forEach((k) => { ranges[k] = own[k].range; });
        target = shown;
      }
      const traces = movedTraces(base, frame, previous, this.touched, Boolean(ranges));
      const drawable = traces.every(([, , keys]) => [...keys].every((k) => DRAWN_KEYS.has(k)));
      if (JSON.stringify(target) === JSON.stringify(shown) && drawable && this.moved(traces, ranges)) {
        traces.forEach(([i]) => this.touched.add(i));
        this.revision += 1;
        const moving = ranges ? Object.keys(own).filter((k) => JSON.stringify(own[k].range) !== JSON.stringify(shown[k].range)) : [];
        this.plot.dataset.moving = moving.map((k) => k.replace("axis", "")).join(" ");
        done();
        return;
      }
      if (ranges) target = own; // plotly.js draws a followed frame at its own ranges, ticks and all
      this.axesShown = JSON.stringify(target);
      delete this.plot.dataset.moving;
      window.Plotly.animate(this.plot, scrubFrame(this.plot, traces, target), SCRUB)
        .then(() => { this.touched.clear(); done(); }, () => { this.rendering = false; });
    }

    moved(traces, ranges) {
      try {
        return window.SeeingML.moveMarks(this.plot, traces, ranges);
      } catch (error) { // a drawing marks.js does not know: plotly.js draws this frame
        return false;
      }
    }

    applyPreset(values) {
      Object.entries(values).forEach(([k, v]) => { this.params[k] = v; this.setControl(k, v); });
      this.syncVisibility();
      this.load();
    }

    resetToDefaults() {
      const values = {};
      this.spec.controls.forEach((c) => { values[c.name] = String(c.default); });
      if (this.spec.max_steps) values.steps = "0";
      this.applyPreset(values);
    }

    train(delta) {
      const steps = Number(this.params.steps || 0);
      this.params.steps = String(delta ? Math.min(steps + delta, this.spec.max_steps) : 0);
      this.trained = true;
      this.load();
    }

    query() {
      const q = new URLSearchParams(this.params);
      q.set("narrow", this.narrow ? "1" : "0");
      return q.toString();
    }

    async load() {
      if (this.request) this.request.abort();
      const controller = new AbortController();
      this.request = controller;
      this.scrubbing = null;
      this.scrubDrawn = null;
      this.unpainted = [];
      this.root.dataset.state = "loading";
      try {
        const query = this.query();
        const [response, Plotly] = await Promise.all([
          fetch(`/api/widgets/${this.name}?${query}`, { signal: controller.signal, headers: { Accept: "application/json" } }),
          loadPlotly(),
        ]);
        const payload = await response.json();
        if (controller !== this.request) return; // a newer request is on its way
        if (!response.ok) {
          this.readout.textContent = payload.error || "That setting is not allowed.";
          this.words.open = true;
          this.say(this.readout.textContent);
          this.root.dataset.state = "error";
          return;
        }
        this.payload = payload;
        this.drawnParams = Object.fromEntries(new URLSearchParams(query));
        this.adoptParams(payload.params || {});
        await this.draw(Plotly);
        this.root.dataset.state = "ready";
        document.dispatchEvent(new CustomEvent("seeingml:figure", { detail: {
          name: this.name, params: payload.params, values: payload.values, element: this.figure } }));
      } catch (error) {
        if (error.name === "AbortError") return;
        this.root.dataset.state = "error";
        this.plot.setAttribute("aria-label", "The interactive figure could not load");
        this.readout.textContent = "The interactive figure could not load; the description below gives its numbers.";
        this.say(this.readout.textContent);
      }
    }

    adoptParams(params) {
      // The server's parsed values (its defaults on first load) become the controls' state.
      Object.entries(params).forEach(([k, v]) => {
        if (k === "narrow") return;
        const text = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
        this.params[k] = text;
        this.setControl(k, text);
      });
      this.syncVisibility();
    }

    render() {
      // Draw this.drawn (with any highlight) and count the redraw.
      const figure = emphasised(this.drawn, this.link);
      const config = {
        responsive: true, displayModeBar: false, scrollZoom: false, displaylogo: false,
        staticPlot: coarsePointer.matches, doubleClick: false,
      };
      // marks.js moved nodes behind plotly.js's back: a new datarevision makes it redraw them.
      const layout = Object.assign({}, figure.layout, { datarevision: this.revision });
      this.touched.clear();
      this.axesShown = null;
      delete this.plot.dataset.moving;
      return window.Plotly.react(this.plot, { data: figure.data, layout, frames: figure.frames, config })
        .then(() => { window.SeeingML.redraws = (window.SeeingML.redraws || 0) + 1; });
    }

    async draw() {
      const payload = this.payload;
      const first = !this.opened;
      const styles = window.getComputedStyle(this.figure);
      this.drawn = themed(payload.figure, styles);
      const picture = $(this.plot, ".widget-picture");
      if (picture) picture.remove();
      if (this.playing) this.stopped(); // new numbers end any animation of the old ones
      await this.render();
      if (!this.listening) this.listenToPlot();
      this.linkAnnotations(this.tell); // the first plot's afterplot came before the listener
      this.plot.setAttribute("role", "img");
      this.steps = payload.steps || [];
      this.summary.textContent = payload.summary || "";
      // A figure that says where to start (Figure 2: its first step, "press Next") opens
      // there; later draws keep the reader's step, and a gradient step shows the whole pass.
      const last = this.steps.length - 1;
      let step = last;
      if (payload.start != null && !this.trained) step = this.opened ? Math.min(this.step, last) : payload.start;
      this.trained = false;
      this.opened = true;
      this.showStep(step);
      if (step < last) {
        await window.Plotly.animate(this.plot, [`step-${step}`], {
          mode: "immediate", frame: { duration: 0, redraw: false }, transition: { duration: 0 },
        }).catch(interrupted);
      }
      this.readout.textContent = payload.description;
      if (!first && payload.change) this.say(`${payload.change}.`); // not on the first draw
      this.plot.setAttribute("aria-label", `${payload.summary}. ${payload.description}`);
      this.renderTable(payload.table);
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
      // … and traces (Figure 2's edge labels are text traces): each drawn trace group is bound
      // to its trace by plotly.js's data join; a linked one carries data-link. The pointer on
      // it reaches plotly_hover (above), since plotly.js's drag layer takes the events.
      this.plot.querySelectorAll("g.trace").forEach((g) => {
        const datum = g.__data__ && g.__data__[0];
        const link = datum && datum.trace && datum.trace.meta && datum.trace.meta.link;
        if (link) g.dataset.link = link;
      });
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

    showStep(n) {
      const total = this.steps.length;
      this.step = Math.max(0, Math.min(n, total - 1));
      this.back.disabled = this.step <= 0 || this.playing;
      this.next.disabled = this.step >= total - 1 || this.playing;
      this.play.disabled = total < 2;
      this.stepText.textContent = total ? `Step ${this.step + 1} of ${total}: ${this.steps[this.step]}` : "";
      const summaries = this.payload && this.payload.summaries;
      if (summaries && summaries[this.step]) this.summary.textContent = summaries[this.step];
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

    start() {
      if (this.started) return;
      this.started = true;
      this.narrow = this.root.clientWidth < NARROW_BELOW;
      this.load();
      if ("ResizeObserver" in window) {
        // Re-lay out only on a real change of width class (a phone turned sideways), with
        // some slack so a scrollbar appearing cannot make it flip back and forth.
        let resizeTimer = 0;
        new ResizeObserver(() => {
          window.clearTimeout(resizeTimer);
          resizeTimer = window.setTimeout(() => {
            const width = this.root.clientWidth;
            const narrow = this.narrow ? width < NARROW_BELOW + 24 : width < NARROW_BELOW - 24;
            if (narrow !== this.narrow && this.payload) {
              this.narrow = narrow;
              this.load();
            }
          }, 250);
        }).observe(this.root);
      }
    }

    redraw() { if (this.payload && window.Plotly) this.draw(); }
  }

  // --- wire every widget now; draw each when it comes near the viewport --------------------
  // Wiring is cheap (the page has the controls); drawing waits until the figure comes near,
  // or until one of its controls is used.
  const widgets = Array.from(document.querySelectorAll("figure[data-widget]"))
    .filter((figure) => SPECS[figure.dataset.widget] && PLOTLY_SRC && $(figure, ".widget"))
    .map((figure) => new Widget(figure, SPECS[figure.dataset.widget]));
  const hidePlay = () => widgets.forEach((w) => { w.play.hidden = reduceMotion.matches; });
  hidePlay();
  reduceMotion.addEventListener("change", hidePlay);
  darkScheme.addEventListener("change", () => widgets.forEach((w) => w.redraw()));
  // (e) document event "seeingml:reset", detail {name}: that figure goes back to its defaults.
  document.addEventListener("seeingml:reset", (e) => widgets.forEach((w) => {
    if (e.detail && e.detail.name === w.name) w.resetToDefaults();
  }));
  window.SeeingML = Object.assign(window.SeeingML || {}, {
    redraws: 0,
    highlight(figureName, link) {
      widgets.forEach((w) => { if (w.name === figureName) w.highlight(link); });
    },
  });

  function watch() {
    if (!("IntersectionObserver" in window)) {
      widgets.forEach((w) => w.start());
      return;
    }
    // A figure starts once it has stayed near the viewport for a moment: a jump through the
    // contents (smooth-scrolling past every figure) must not fetch and draw them all.
    const pending = new Map();
    const byFigure = new Map(widgets.map((w) => [w.figure, w]));
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
    widgets.forEach((w) => observer.observe(w.figure));
    // plotly.js is run (nothing drawn) once the browser is idle while a figure is within
    // three screens (Figure 1 is, from the top of the page): running it is the slow part on a
    // weak phone, better done while the reader reads than when they arrive at the figure.
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
    }, { rootMargin: "300% 0px" });
    function warmUp() {
      warm.disconnect();
      window.removeEventListener("scroll", arm);
      whenIdle(() => loadPlotly().catch(() => {}), 2000);
    }
    window.addEventListener("scroll", arm, { passive: true });
    widgets.forEach((w) => warm.observe(w.figure));
  }
  const whenIdle = (task, timeout) => (window.requestIdleCallback
    ? window.requestIdleCallback(task, { timeout })
    : window.setTimeout(task, 500));
  // Start watching once the page has loaded and settled on its #fragment, so a reader who
  // lands on the checkpoint does not download and draw the figures far above it.
  const settle = () => window.requestAnimationFrame(() => window.setTimeout(watch, 0));
  if (document.readyState === "complete") settle();
  else window.addEventListener("load", settle, { once: true });
  // Figure 1 sits in the first section, so nearly every reader reaches it: once the page has
  // loaded and the browser is idle, plotly.js is fetched into the cache — only fetched, not
  // run (running it is the costly part on a slow phone, and waits for a figure to come
  // near) — unless the reader asked to save data or the connection is 2G.
  const prefetchPlotly = () => {
    const connection = navigator.connection || {};
    if (!PLOTLY_SRC || window.Plotly || connection.saveData) return;
    if (/2g$/.test(connection.effectiveType || "")) return;
    document.head.appendChild(el("link", { rel: "prefetch", as: "script", href: PLOTLY_SRC }));
  };
  const prefetchWhenIdle = () => whenIdle(prefetchPlotly, 3000);
  if (widgets.length && document.readyState === "complete") prefetchWhenIdle();
  else if (widgets.length) window.addEventListener("load", prefetchWhenIdle, { once: true });
  window.addEventListener("beforeprint", () => widgets.forEach((w) => { w.tableBox.open = true; w.words.open = true; }));
})();
