// A figure's controls and its requests: the controls the page rendered (disabled until now)
// are taken over, each change asks the figure API for the figure at the new settings, and the
// server's parsed settings become the controls' state. Methods of SeeingML.Figure (figure.js);
// a slider's drag goes through scrub.js first. Every range, default and option comes from the
// server's parameter schemas in the page's figure config.
(function () {
  "use strict";

  const { el, minus, $ } = window.SeeingML.dom;
  const { Figure, figureConfig } = window.SeeingML;
  const NARROW_BELOW = 560; // px of figure width: stack the panels instead of side by side
  const DEBOUNCE_MS = 150;
  const shownWhen = (c, params) => !c.when || c.when.options.includes(params[c.when.field]);
  const loadPlotly = () => window.SeeingML.loadPlotly(figureConfig.plotly);
  const idleTime = () => new Promise((done) => (window.requestIdleCallback
    ? window.requestIdleCallback(done, { timeout: 300 }) : window.setTimeout(done, 50)));

  Object.assign(Figure.prototype, {
    // Room for the tallest of the words an element shows in turn (a step's words, the bold
    // line): a copy of each in the element's next sibling, which shares its grid cell and is
    // hidden from eye and ear (.widget-held, widgets.css), so nothing below moves as they change.
    // The page's own copies (the longest a press and a drag reach, page.held_words) stay: the
    // room never shrinks below them, so a drag into long words moves nothing.
    holdRoom(node, texts) {
      const room = node && node.nextElementSibling;
      const key = texts.join("\n");
      if (!room || room.heldFor === key) return;
      room.served = room.served || [...room.children];
      room.heldFor = key;
      room.replaceChildren(...room.served, ...texts.map((text) => el("span", { text })));
    },

    // While a finger or pointer drags a slider the words' cells keep their height: a frame's
    // words longer than the room held (a phone's held view keeps less) are cut at the cell's
    // foot rather than push the slider away under the finger; released, they settle.
    holdWords(on) {
      this.root.querySelectorAll(".widget-held").forEach((cell) => {
        cell.style.cssText = on ? `height: ${cell.getBoundingClientRect().height}px; overflow: hidden` : "";
      });
    },

    id(suffix) { return `widget-${this.name}-${suffix}`; },

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
      // A press before the figure's data arrives is kept and applied once it has drawn.
      this.early = [];
      const press = (kind, act) => () => (this.payload ? act() : this.early.push(kind));
      this.back.addEventListener("click", press("back", () => this.goTo(this.step - 1)));
      this.next.addEventListener("click", press("next", () => this.goTo(this.step + 1)));
      this.play.addEventListener("click", press("play",
        () => (this.playing ? this.pause() : this.playAll())));
      [this.back, this.next, this.play].forEach((b) => { b.disabled = false; });
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
    },

    listen(c, input) {
      if (c.kind === "range") {
        input.addEventListener("input", () => {
          const output = this.fields[c.name].output;
          if (output) output.textContent = minus(input.value);
          this.changed(c.name, input.value, true);
        });
        // Released: settled on the value. No change event comes where the value at release
        // is the one the drag started from, so the pointer's own end settles it too.
        input.addEventListener("change", () => this.settle(c.name));
        input.addEventListener("pointerup", () => this.settle(c.name));
        input.addEventListener("pointercancel", () => this.settle(c.name));
        const prefetch = () => this.sweepFor(c.name);
        input.addEventListener("pointerdown", () => { this.dragging = c.name; this.holdWords(true); prefetch(); });
        input.addEventListener("focus", prefetch);
      } else if (c.kind === "select") {
        input.addEventListener("change", () => this.changed(c.name, input.value, false));
      } else {
        input.addEventListener("change", () => this.changed(c.name, input.checked ? "1" : "0", false));
      }
    },

    setControl(name, value) {
      const input = this.inputs[name];
      if (!input) return;
      if (input.type === "checkbox") input.checked = value === "1" || value === true || value === 1;
      else input.value = String(value);
      const field = this.fields[name];
      if (field && field.output) field.output.textContent = minus(input.value);
    },

    syncVisibility() {
      Object.values(this.fields).forEach(({ wrap, spec }) => {
        if (wrap) wrap.hidden = !shownWhen(spec, this.params);
      });
    },

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
    },

    settle(name) {
      if (this.dragging !== name) return; // a key's change: the debounce settles it
      this.dragging = null;
      this.holdWords(false);
      window.clearTimeout(this.timer);
      this.load(true);
    },

    applyPreset(values) {
      Object.entries(values).forEach(([k, v]) => { this.params[k] = v; this.setControl(k, v); });
      this.syncVisibility();
      this.load();
    },

    resetToDefaults() {
      const values = {};
      this.spec.controls.forEach((c) => { values[c.name] = String(c.default); });
      if (this.spec.max_steps) values.steps = "0";
      this.applyPreset(values);
    },

    train(delta) {
      const steps = Number(this.params.steps || 0);
      this.params.steps = String(delta ? Math.min(steps + delta, this.spec.max_steps) : 0);
      this.trained = true;
      this.load();
    },

    query() {
      const q = new URLSearchParams(this.params);
      q.set("narrow", this.narrow ? "1" : "0");
      return q.toString();
    },

    async load(released) {
      if (this.request) this.request.abort();
      const controller = new AbortController();
      this.request = controller;
      this.scrubbing = null;
      this.scrubDrawn = null;
      this.unpainted = [];
      this.root.dataset.state = "loading";
      const asked = Object.assign({}, this.params);
      try {
        const query = this.query();
        const [response] = await Promise.all([
          fetch(`${this.api}?${query}`, { signal: controller.signal, headers: { Accept: "application/json" } }),
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
        this.adoptParams(payload.params || {}, asked);
        if (released) await idleTime(); // the exact redraw after a drag waits for the input
        if (controller !== this.request) return;
        await this.draw();
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
    },

    adoptParams(params, asked) {
      // The server's parsed values (its defaults on first load) become the controls' state,
      // except a control the reader moved while the answer was on its way (its own load is due).
      Object.entries(params).forEach(([k, v]) => {
        if (k === "narrow" || (asked && this.params[k] !== asked[k])) return;
        const text = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
        this.params[k] = text;
        this.setControl(k, text);
      });
      this.syncVisibility();
    },

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
    },
  });
})();
