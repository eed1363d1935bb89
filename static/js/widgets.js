// The chapter's three figures. The server computes every number and returns a Plotly figure;
// this file only builds the controls, asks for the figure, draws it and reads it out. It never
// does the maths itself. plotly.js loads only when a figure comes near the viewport.
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

  // Light-theme colours the server writes → the CSS variable that carries that role.
  const THEME = {
    "#0072B2": "--widget-blue", "#D55E00": "--widget-vermilion", "#009E73": "--widget-green",
    "#CC79A7": "--widget-purple", "#E69F00": "--widget-orange", "#1f2328": "--text",
    "#57606a": "--muted", "#d8d4ca": "--rule", "#ffffff": "--surface",
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
  class Widget {
    constructor(figure, spec) {
      this.figure = figure;
      this.name = figure.dataset.widget;
      this.spec = spec;
      this.params = {};
      this.inputs = {};
      this.fields = {};
      this.payload = null;
      this.step = 0;
      this.playing = false;
      this.request = null;
      this.timer = 0;
      this.narrow = false;
      this.build();
    }

    id(suffix) { return `widget-${this.name}-${suffix}`; }

    build() {
      const stage = this.figure.querySelector("[data-role='stage']") || this.figure;
      this.root = el("div", { class: "widget", "data-state": "waiting" });
      this.form = el("form", { class: "widget-controls", "aria-label": this.spec.label });
      this.form.addEventListener("submit", (e) => e.preventDefault());
      this.spec.controls.forEach((c) => this.form.appendChild(this.control(c)));
      // Controls start at the server's defaults, so the fields they reveal take their room
      // now, not when the first answer arrives (nothing below the figure jumps).
      this.spec.controls.forEach((c) => {
        this.params[c.name] = String(c.default);
        this.setControl(c.name, String(c.default));
      });
      this.root.appendChild(this.form);

      const actions = [];
      if (this.spec.max_steps) {
        this.stepButton = el("button", { type: "button", class: "button", text: "Take a gradient step" });
        this.resetButton = el("button", { type: "button", class: "button button-quiet", text: "Reset training" });
        this.stepButton.addEventListener("click", () => this.train(1));
        this.resetButton.addEventListener("click", () => this.train(0));
        actions.push(this.stepButton, this.resetButton);
      }
      (this.spec.presets || []).forEach(([label, values]) => {
        const b = el("button", { type: "button", class: "button button-quiet", text: label });
        b.addEventListener("click", () => this.applyPreset(values));
        actions.push(b);
      });
      if (actions.length) this.root.appendChild(el("div", { class: "widget-actions" }, actions));

      this.summary = el("p", { class: "widget-summary", id: this.id("summary") });
      this.plot = el("div", { class: "widget-plot", role: "img", "aria-label": "Loading the figure", id: this.id("plot") },
        [el("p", { class: "widget-loading", text: "Loading the interactive figure…" })]);
      this.root.append(this.summary, this.plot);

      this.back = el("button", { type: "button", class: "button button-quiet", text: "Back", "aria-controls": this.id("plot") });
      this.next = el("button", { type: "button", class: "button button-quiet", text: "Next", "aria-controls": this.id("plot") });
      this.play = el("button", { type: "button", class: "button", text: "Play", "aria-controls": this.id("plot") });
      this.back.addEventListener("click", () => this.goTo(this.step - 1));
      this.next.addEventListener("click", () => this.goTo(this.step + 1));
      this.play.addEventListener("click", () => (this.playing ? this.pause() : this.playAll()));
      this.stepText = el("p", { class: "widget-step", "aria-live": "polite", id: this.id("step") });
      this.root.appendChild(el("div", { class: "widget-stepper", role: "group", "aria-label": "Step through the figure" },
        [this.back, this.next, this.play, this.stepText]));

      this.readout = el("p", { class: "widget-readout", "aria-live": "polite", id: this.id("readout") });
      this.table = el("table", { class: "widget-table" });
      this.tableBox = el("details", { class: "widget-data" }, [
        el("summary", { text: "Data table" }),
        el("div", { class: "widget-table-scroll", tabindex: "0", role: "region", "aria-label": `${this.spec.label.replace(" controls", "")} data table (scrolls sideways)` }, [this.table]),
      ]);
      this.root.append(this.readout, this.tableBox);
      stage.insertBefore(this.root, stage.firstChild);
      this.syncVisibility();
    }

    control(c) {
      const id = this.id(c.name);
      const wrap = el("div", { class: `widget-field widget-field-${c.kind}` });
      this.fields[c.name] = { wrap, spec: c };
      let input;
      if (c.kind === "range") {
        input = el("input", { type: "range", id, name: c.name, min: c.min, max: c.max, step: c.step });
        const output = el("output", { for: id, class: "widget-value", id: `${id}-value` });
        wrap.append(el("label", { for: id, text: c.label }), output, input);
        input.addEventListener("input", () => {
          output.textContent = minus(input.value);
          this.changed(c.name, input.value, true);
        });
        this.fields[c.name].output = output;
      } else if (c.kind === "select") {
        input = el("select", { id, name: c.name },
          c.options.map(([v, text]) => el("option", { value: v, text })));
        wrap.append(el("label", { for: id, text: c.label }), input);
        input.addEventListener("change", () => this.changed(c.name, input.value, false));
      } else {
        input = el("input", { type: "checkbox", id, name: c.name });
        wrap.append(input, el("label", { for: id, text: c.label }));
        input.addEventListener("change", () => this.changed(c.name, input.checked ? "1" : "0", false));
      }
      this.inputs[c.name] = input;
      return wrap;
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
        wrap.hidden = !shownWhen(spec, this.params);
      });
    }

    changed(name, value, debounce) {
      this.params[name] = value;
      if (this.spec.max_steps && name !== "steps") this.params.steps = "0";
      this.syncVisibility();
      window.clearTimeout(this.timer);
      if (debounce) this.timer = window.setTimeout(() => this.load(), DEBOUNCE_MS);
      else this.load();
    }

    applyPreset(values) {
      Object.entries(values).forEach(([k, v]) => { this.params[k] = v; this.setControl(k, v); });
      this.syncVisibility();
      this.load();
    }

    train(delta) {
      const steps = Number(this.params.steps || 0);
      this.params.steps = String(delta ? Math.min(steps + delta, this.spec.max_steps) : 0);
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
      this.root.dataset.state = "loading";
      try {
        const [response, Plotly] = await Promise.all([
          fetch(`/api/widgets/${this.name}?${this.query()}`, { signal: controller.signal, headers: { Accept: "application/json" } }),
          loadPlotly(),
        ]);
        const payload = await response.json();
        if (controller !== this.request) return; // a newer request is on its way
        if (!response.ok) {
          this.readout.textContent = payload.error || "That setting is not allowed.";
          this.root.dataset.state = "error";
          return;
        }
        this.payload = payload;
        this.adoptParams(payload.params || {});
        await this.draw(Plotly);
        this.root.dataset.state = "ready";
      } catch (error) {
        if (error.name === "AbortError") return;
        this.root.dataset.state = "error";
        this.plot.setAttribute("aria-label", "The interactive figure could not load");
        this.readout.textContent = "The interactive figure could not load; the description below gives its numbers.";
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

    async draw(Plotly) {
      const payload = this.payload;
      const styles = window.getComputedStyle(this.figure);
      const figure = themed(payload.figure, styles);
      const config = {
        responsive: true, displayModeBar: false, scrollZoom: false, displaylogo: false,
        staticPlot: coarsePointer.matches, doubleClick: false,
      };
      const loading = this.plot.querySelector(".widget-loading");
      if (loading) loading.remove();
      if (this.playing) this.stopped(); // new numbers end any animation of the old ones
      await Plotly.react(this.plot, { data: figure.data, layout: figure.layout, frames: figure.frames, config });
      if (!this.listening) {
        this.listening = true;
        this.plot.on("plotly_animatingframe", (e) => {
          const n = Number(String(e.name).replace("step-", ""));
          if (!Number.isNaN(n)) this.showStep(n);
        });
      }
      this.steps = payload.steps || [];
      this.showStep(this.steps.length - 1);
      this.summary.textContent = payload.summary || "";
      this.readout.textContent = payload.description;
      this.plot.setAttribute("aria-label", `${payload.summary}. ${payload.description}`);
      this.renderTable(payload.table);
      if (this.spec.max_steps) {
        const taken = payload.values.steps_taken || 0;
        this.resetButton.disabled = taken === 0 && Number(this.params.steps || 0) === 0;
        this.stepButton.disabled = Number(this.params.steps || 0) >= this.spec.max_steps || payload.values.diverged;
      }
    }

    renderTable(table) {
      if (!table) return;
      const head = el("tr", {}, table.columns.map((c) => el("th", { scope: "col", text: c })));
      const rows = table.rows.map((r) => el("tr", {}, r.map((cell, i) =>
        el(i === 0 ? "th" : "td", i === 0 ? { scope: "row", text: cell } : { text: cell }))));
      this.table.replaceChildren(el("caption", { text: table.caption }), el("thead", {}, [head]), el("tbody", {}, rows));
    }

    showStep(n) {
      const total = this.steps.length;
      this.step = Math.max(0, Math.min(n, total - 1));
      this.back.disabled = this.step <= 0 || this.playing;
      this.next.disabled = this.step >= total - 1 || this.playing;
      this.stepText.textContent = total ? `Step ${this.step + 1} of ${total}: ${this.steps[this.step]}` : "";
    }

    motion(ms) { return reduceMotion.matches ? 0 : ms; }

    goTo(n) {
      if (!this.payload || n < 0 || n >= this.steps.length) return;
      this.showStep(n);
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

    redraw() { if (this.payload && window.Plotly) this.draw(window.Plotly); }
  }

  // --- start each widget when it comes near the viewport ------------------------------------
  // A widget's controls and chart are built only when its figure comes near: building all
  // three at load would block the main thread while the reader is still at the top.
  const figures = Array.from(document.querySelectorAll("figure[data-widget]"))
    .filter((figure) => SPECS[figure.dataset.widget] && PLOTLY_SRC);
  const widgets = [];
  function begin(figure) {
    const widget = new Widget(figure, SPECS[figure.dataset.widget]);
    widget.play.hidden = reduceMotion.matches;
    widgets.push(widget);
    widget.start();
  }
  reduceMotion.addEventListener("change", () => widgets.forEach((w) => { w.play.hidden = reduceMotion.matches; }));
  darkScheme.addEventListener("change", () => widgets.forEach((w) => w.redraw()));

  function watch() {
    if (!("IntersectionObserver" in window)) {
      figures.forEach(begin);
      return;
    }
    // A figure starts once it has stayed near the viewport for a moment: a jump through the
    // contents (smooth-scrolling past every figure) must not build, fetch and draw them all.
    const pending = new Map();
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((entry) => {
        window.clearTimeout(pending.get(entry.target));
        if (!entry.isIntersecting) return;
        pending.set(entry.target, window.setTimeout(() => {
          observer.unobserve(entry.target);
          begin(entry.target);
        }, DWELL_MS));
      });
    }, { rootMargin: "600px 0px" });
    figures.forEach((figure) => observer.observe(figure));
  }
  // Start watching once the page has loaded and settled on its #fragment, so a reader who
  // lands on the checkpoint does not download and draw the figures far above it.
  const settle = () => window.requestAnimationFrame(() => window.setTimeout(watch, 0));
  if (document.readyState === "complete") settle();
  else window.addEventListener("load", settle, { once: true });
  window.addEventListener("beforeprint", () => widgets.forEach((w) => { w.tableBox.open = true; }));
})();
