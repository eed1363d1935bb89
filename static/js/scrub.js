// Scrubbing: while a figure's slider is dragged, the figure asks once for a sweep along it
// (`?<params>&sweep=<name>`, see README "Figures") and redraws from the frame nearest the
// slider's value; on release controls.js settles it on the exact figure. Methods of
// SeeingML.Figure (figure.js); marks.js moves the drawn marks. Nothing here computes a value.
(function () {
  "use strict";

  const { Figure } = window.SeeingML;

  // Scrubbing redraws only what a sweep frame moves. While a slider is dragged the axes hold
  // the sweep's `axes` ranges (set once, by plotly.js), and every frame after that only moves
  // the drawn marks to the frame's numbers (marks.js: a few ms). A key press, or a frame
  // marks.js cannot move, goes through Plotly.animate without a full redraw (no margins,
  // annotations or text relaid out): the changed traces' x and y and the axes' range and tick
  // spacing. Annotations and the other layout keys settle with the exact figure on release.
  const SCRUB = { mode: "immediate", transition: { duration: 0 }, frame: { duration: 0, redraw: false } };
  const MARKS_KEYS = ["x", "x0", "dx", "y", "text", "textposition"]; // what marks.js redraws; a frame changing more goes to plotly.js
  const DRAWN_KEYS = new Set([...MARKS_KEYS, "hovertext", "hovertemplate", "customdata", "name"]);

  function frameTrace(base, frame, i) {
    const d = frame && frame.data[i];
    if (d && (frame.whole || []).includes(i)) return d;
    return d ? Object.assign({}, base.data[i], d) : base.data[i];
  }

  function frameFigure(base, frame) {
    // The frame merged whole onto its sweep's exact figure (see sweep.py).
    const layout = Object.assign({}, base.layout, frame.layout);
    (frame.unset || []).forEach((k) => { delete layout[k]; });
    return { data: frame.data.map((_, i) => frameTrace(base, frame, i)), layout, frames: [] };
  }

  // Where a layout puts its panels: its margins and every axis's domain.
  const axisKeys = (layout) => Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k));
  const domains = (layout) => axisKeys(layout).sort()
    .map((k) => `${k}:${JSON.stringify((layout[k] && layout[k].domain) || null)}`)
    .concat(JSON.stringify(layout.margin || null)).join();
  // Whether a frame's panels lie within those on screen: margins no narrower, every axis's
  // domain inside the shown one. Its words, placed for panels no bigger, fit there, and a drag
  // hides the ticks of the axes it moves (a Figure 1 sweep lays its frames out within the
  // panels of the figure a drag starts from: sweep_frames in nudge.py).
  const within = (layout, shown) => {
    const m = layout.margin || {};
    const s = shown.margin || {};
    if (["l", "r", "t", "b"].some((k) => (m[k] || 0) < (s[k] || 0))) return false;
    return axisKeys(layout).every((k) => {
      const d = (layout[k] && layout[k].domain) || [0, 1];
      const e = (shown[k] && shown[k].domain) || [0, 1];
      return d[0] >= e[0] && d[1] <= e[1];
    });
  };
  const axesOf = (t) => [`xaxis${(t.xaxis || "x").slice(1)}`, `yaxis${(t.yaxis || "y").slice(1)}`];

  function movedTraces(base, frame, previous, touched, moving) {
    // The traces that differ from what is on screen — this frame's or the last one's changes,
    // and any that marks.js moved since plotly.js last drew; all of them on axes that move
    // under them — each with the keys that differ.
    const moved = [];
    frame.data.forEach((d, i) => {
      const was = previous && previous.data[i];
      const under = axesOf(base.data[i]).some((k) => moving.includes(k));
      if (!under && !d && !was && !touched.has(i)) return;
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
      const changed = t.x ? { x: t.x, y: t.y } : { x0: t.x0, dx: t.dx, y: t.y };
      keys.forEach((k) => { changed[k] = t[k]; });
      return changed;
    });
    // plotly.js animates only the panels of the traces listed and removes what it drew in
    // the others: one trace of every other panel is listed too, changing nothing.
    const ids = traces.map(([i]) => i);
    const full = plot._fullData || [];
    const panels = new Set(ids.map((i) => full[i] && full[i].xaxis + full[i].yaxis));
    full.forEach((t, i) => {
      if (panels.has(t.xaxis + t.yaxis)) return;
      panels.add(t.xaxis + t.yaxis);
      ids.push(i);
      data.push({});
    });
    return { data, traces: ids, layout };
  }

  Object.assign(Figure.prototype, {
    sweepQuery(name) {
      // The drawn settings with the swept slider left out; a figure that trains is swept
      // untrained (moving a slider resets its training, shown again by its step buttons).
      const q = new URLSearchParams(this.drawnParams || {});
      q.delete(name);
      if (this.spec.max_steps) q.set("steps", "0");
      return q;
    },

    sweepKey(name) {
      // A sweep is asked for again when the exact figure's panels moved since (Figure 1's
      // frames are laid out within the panels of the figure a drag starts from: nudge.py).
      const drawn = this.payload && this.payload.figure;
      return `${name}|${this.sweepQuery(name).toString()}|${drawn ? domains(drawn.layout) : ""}`;
    },

    sweepFor(name) {
      if (!this.payload) return null;
      const key = this.sweepKey(name);
      const known = this.sweeps[name];
      // A sweep refused (429: another is being built) or lost is asked for again on a later
      // drag, once its Retry-After has passed.
      if (known && known.key === key && !(known.retryAt && Date.now() >= known.retryAt)) {
        return known;
      }
      const entry = { key, sweep: null, retryAt: 0 };
      const q = this.sweepQuery(name);
      q.set(name, this.drawnParams[name]);
      q.set("sweep", name);
      const retry = (seconds) => { entry.retryAt = Date.now() + 1000 * (seconds || 1); };
      entry.promise = fetch(`${this.api}?${q}`, { headers: { Accept: "application/json" } })
        .then((r) => {
          if (!r.ok) retry(Number(r.headers.get("Retry-After")));
          return r.ok ? r.json() : null;
        })
        .then((body) => { entry.sweep = body && Object.assign(body.sweep, { base: body.figure }); })
        .catch(() => retry(1));
      this.sweeps[name] = entry;
      return entry;
    },

    scrub(name) {
      // Another setting changed and not drawn yet: a sweep is of the drawn settings, so its
      // frames would be another state's figure. The drag waits for the exact one (changed()).
      const drawn = this.drawnParams || {};
      const same = (a, b) => String(a) === b || (b != null && b !== "" && Number(a) === Number(b));
      if (Object.keys(this.params).some((k) => k !== name && k !== "steps" && !same(this.params[k], drawn[k]))) return false;
      const entry = this.sweepFor(name);
      if (!entry || !entry.sweep || entry.key !== this.sweepKey(name) || !window.Plotly) return false;
      const target = Number(this.params[name]);
      const { values, frames } = entry.sweep;
      let best = 0;
      values.forEach((v, i) => { if (Math.abs(v - target) < Math.abs(values[best] - target)) best = i; });
      // A dragged slider with more steps than the sweep has frames (Δx, η, a seed) moves in
      // the frames' steps: its value and badge are the drawn frame's, and release settles there.
      if (this.dragging === name && String(values[best]) !== this.params[name]) {
        this.params[name] = String(values[best]);
        this.setControl(name, values[best]);
      }
      if (this.scrubbing === frames[best]) return true;
      this.unpainted.push(performance.now()); // for input-to-paint times
      this.scrubbing = frames[best];
      this.scrubSweep = entry.sweep;
      this.root.dataset.state = "scrubbing";
      this.summary.textContent = frames[best].summary || "";
      // The step's words are the frame's: at the reader's step where the figure keeps it
      // (Figure 2), else at the last, which the frame draws (Figure 1). A frame without words
      // (Figure 3) hides the exact figure's until release: they would be another state's.
      const f = frames[best];
      const keeps = this.payload && this.payload.start != null;
      if (f.steps && (!keeps || f.steps.length === this.steps.length)) this.showStep(keeps ? this.step : f.steps.length - 1, f);
      else if (!f.steps) this.stepText.classList.add("is-stale");
      document.dispatchEvent(new CustomEvent("seeingml:frame", {
        detail: { name: this.name, values: frames[best].values || {} } }));
      // Coalesce: however many input events arrive, one draw per animation frame.
      if (!this.frameAsked) {
        this.frameAsked = true;
        window.requestAnimationFrame(() => { this.frameAsked = false; this.scrubDraw(); });
      }
      return true;
    },

    scrubDraw() {
      // One redraw at a time: while one is drawing, later slider values wait, and only the
      // newest is drawn next (a slow machine skips frames instead of falling behind).
      const frame = this.scrubbing;
      if (!frame || frame === this.scrubDrawn || this.rendering) return;
      const { axes: held = {}, hold, base } = this.scrubSweep;
      if (!this.scrubDrawn) {
        // The first frame since an exact draw: what is on screen may be another value's
        // figure than the sweep's (after a release, or Figure 2 trained and swept untrained,
        // or a step of its animation), so every trace drawn otherwise than in the sweep's own
        // figure moves to this frame.
        const shown = this.plot.data || [];
        const same = (a, b) => Boolean(a && b) && MARKS_KEYS.every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
        base.data.forEach((t, i) => { if (!same(t, shown[i])) this.touched.add(i); });
        // Words where a step of the animation shows none: plotly.js draws that frame whole
        // (a label it did not draw is not made by marks.js, nor by an animation).
        const wordsOf = (t, k) => Boolean(t && Array.isArray(t.text) && t.text[k]);
        const unshown = base.data.some((t, i) => Array.isArray(t.text)
          && t.text.some((_, k) => wordsOf(t, k) && !wordsOf(shown[i], k)));
        if (unshown) { this.scrubFull(base, frame); return; }
      }
      const whole = (f) => Boolean(f && f.whole && f.whole.length);
      // Other traces than on screen, or panels laid out elsewhere (Figure 1 widens the gap
      // between its panels for long tick labels): plotly.js draws it all, marks.js cannot —
      // except in a drag, where a frame whose panels lie within those on screen is moved there.
      const layout = Object.assign({}, base.layout, frame.layout);
      const shownLayout = this.plot.layout || {};
      const moved = this.dragging ? !within(layout, shownLayout) : domains(layout) !== domains(shownLayout);
      if (whole(frame) || whole(this.scrubDrawn) || frame.data.length !== this.drawn.data.length || moved) {
        this.scrubFull(base, frame);
        return;
      }
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
      // A drag: the marks move at the held ranges (a figure that holds its axes) or at the
      // frame's own (one that follows its point), and the ticks and grid of the axes not
      // drawn at those ranges hide until the exact figure settles (plotly.js relaying the
      // axes out costs a long task on a slow phone). A key press: the marks move while the
      // axes stay; otherwise plotly.js draws the frame.
      let target = own;
      let ranges = null;
      const view = hold ? held : own;
      if (this.dragging) {
        ranges = {};
        Object.keys(own).forEach((k) => { ranges[k] = view[k].range; });
        target = shown;
      }
      const moving = ranges ? Object.keys(own).filter((k) => JSON.stringify(ranges[k]) !== JSON.stringify(shown[k].range)) : [];
      const traces = movedTraces(base, frame, previous, this.touched, moving);
      const drawable = traces.every(([, , keys]) => [...keys].every((k) => DRAWN_KEYS.has(k)));
      if (JSON.stringify(target) === JSON.stringify(shown) && drawable && this.moved(traces, ranges)) {
        traces.forEach(([i]) => this.touched.add(i));
        this.revision += 1;
        this.plot.dataset.moving = moving.map((k) => k.replace("axis", "")).join(" ");
        done();
        return;
      }
      if (ranges) target = view; // plotly.js draws the frame at those ranges, ticks and all
      this.axesShown = JSON.stringify(target);
      delete this.plot.dataset.moving;
      window.Plotly.animate(this.plot, scrubFrame(this.plot, traces, target), SCRUB)
        .then(() => { this.touched.clear(); done(); }, () => { this.rendering = false; });
    },

    scrubFull(base, frame) {
      const inputs = this.unpainted;
      this.unpainted = [];
      this.scrubDrawn = frame;
      this.rendering = true;
      this.drawFigure(frameFigure(base, frame)).then(() => {
        this.axesShown = JSON.stringify(frameAxes(base, frame, this.scrubSweep.axes)); // its own
        this.rendering = false;
        painted(inputs);
        if (this.scrubbing !== this.scrubDrawn) window.requestAnimationFrame(() => this.scrubDraw());
      }, () => { this.rendering = false; });
    },

    moved(traces, ranges) {
      try {
        return window.SeeingML.moveMarks(this.plot, traces, ranges);
      } catch (error) { // a drawing marks.js does not know: plotly.js draws this frame
        return false;
      }
    },
  });
})();
