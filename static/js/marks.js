// Moving a drawn chart's marks to a sweep frame's numbers without asking plotly.js to redraw.
//
// While a slider is dragged, scrub.js holds the axes still (the sweep's `axes`), so the only
// things that change from frame to frame are where the server's points sit: the lines, the
// markers and the labels of scatter traces. plotly.js redraws a whole figure for that
// (~50–100 ms here for Figure 1's fourteen traces); this moves the SVG nodes plotly.js drew,
// placing each point with the axis's own conversion (`c2p`), so a frame costs a few
// milliseconds. It never computes a value: the numbers are the frame's, the pixel mapping is
// plotly.js's. Whatever it cannot move faithfully (another trace type, a fill, a curved line
// shape, a label count it cannot match) makes it answer false, and the caller lets plotly.js
// draw that frame instead. The exact figure drawn on release replaces all of it.
(function () {
  "use strict";

  const SIMPLE_LINE = new Set([undefined, "linear"]);
  const TRANSLATE = /translate\(([-\d.e]+),\s*([-\d.e]+)\)/;
  const drawings = new WeakMap(); // plot → {fullData, traces: index → the nodes drawn for it}

  function label(holder) {
    // A point's label as drawn: plotly.js gives every point a group (bound to the point, .i
    // its index), holding a text only where the point has words; the text's x, y is the
    // point, the group's translate the offset of the words off it.
    const node = holder.querySelector("text");
    const offset = TRANSLATE.exec(holder.getAttribute("transform") || "");
    return {
      index: holder.__data__ ? holder.__data__.i : -1, holder, node,
      radius: (holder.__data__ && holder.__data__.mrc) || 0,
      x: node ? Number(node.getAttribute("x")) : 0, y: node ? Number(node.getAttribute("y")) : 0,
      dx: offset ? Number(offset[1]) : 0, dy: offset ? Number(offset[2]) : 0,
    };
  }

  function drawing(plot) {
    // The nodes plotly.js drew for each trace, found once per plotly.js draw: a draw makes a
    // new _fullData, and plotly.js binds each trace group to its calcdata ([0].trace.index).
    const known = drawings.get(plot);
    if (known && known.fullData === plot._fullData) return known.traces;
    const traces = {};
    plot.querySelectorAll(".scatterlayer g.trace").forEach((g) => {
      const datum = g.__data__ && g.__data__[0];
      if (!datum || !datum.trace) return;
      traces[datum.trace.index] = {
        line: g.querySelector("path.js-line"),
        lines: g.querySelectorAll("path.js-line").length, // one a stretch without a gap
        holder: g.querySelector(".points"),
        points: Array.from(g.querySelectorAll(".points path.point")),
        labels: new Map(Array.from(g.querySelectorAll(".textpoint"), label).map((l) => {
          const drawn = datum.trace.textposition;
          l.position = Array.isArray(drawn) ? drawn[l.index] : drawn;
          return [l.index, l];
        })),
      };
    });
    drawings.set(plot, { fullData: plot._fullData, traces });
    return traces;
  }

  function axisOf(layout, id) {
    return layout[`${id.charAt(0)}axis${id.slice(1)}`];
  }

  function mapping(axis, range) {
    // Data → pixels within the subplot: plotly.js's own for the axis as drawn, or, for a
    // range it is not drawn at (a frame's own, while its ticks are hidden), the same linear
    // map onto the axis's length (in log10 units on a log axis, as plotly.js's ranges are).
    if (!range) return (v) => axis.c2p(v);
    const [r0, r1] = range;
    const length = axis._length;
    const log = axis.type === "log";
    const across = axis._id.charAt(0) === "x";
    return (v) => {
      const l = log ? (v > 0 ? Math.log10(v) : NaN) : Number(v);
      return across ? ((l - r0) / (r1 - r0)) * length : ((r1 - l) / (r1 - r0)) * length;
    };
  }

  // A point far off the chart (eˣ² reaches 10³⁸ px) is drawn at most this far out: SVG
  // path data has no exponents, and plotly.js clips such points too.
  const FAR = 1e6;
  const near = (v) => Math.max(-FAR, Math.min(FAR, v));

  function pixels(trace, px, py) {
    // Each point with that mapping; null where it is not drawn (missing, or not positive on
    // a log axis), as plotly.js leaves such points out. A trace without x is at x0 + k·dx.
    const points = [];
    const xs = trace.x || { length: Infinity };
    const n = Math.min(xs.length, trace.y.length);
    for (let k = 0; k < n; k++) {
      const at = trace.x ? trace.x[k] : trace.x0 + k * trace.dx;
      const x = at == null ? NaN : px(at);
      const y = trace.y[k] == null ? NaN : py(trace.y[k]);
      if (Number.isFinite(x) && Number.isFinite(y)) points.push([near(x), near(y), k]);
      else points.push(null);
    }
    return points;
  }

  function linePath(points) {
    // A break at every missing point, as plotly.js draws lines (connectgaps off).
    let d = "";
    let pen = false;
    points.forEach((p) => {
      if (!p) { pen = false; return; }
      d += `${pen ? "L" : "M"}${p[0].toFixed(2)},${p[1].toFixed(2)}`;
      pen = true;
    });
    return d;
  }

  function wordsAt(trace, point) {
    const words = Array.isArray(trace.text) ? trace.text[point[2]] : trace.text;
    return words == null ? "" : String(words);
  }

  function plainText(value) {
    return typeof value === "string" && !/[<&]/.test(value);
  }

  // Words of one or more lines ("<br>" between them, as plotly.js reads them): each line
  // plain. plotly.js draws a label of several lines as one tspan.line per line.
  const BREAK = /<br\s*\/?>/i;
  function lineParts(words) {
    const parts = String(words).split(BREAK);
    return parts.every(plainText) ? parts : null;
  }
  function drawnLines(node) {
    return node.querySelectorAll("tspan.line");
  }
  function rewordable(node, words) {
    // New words fit a drawn label when they have as many lines as it (its placement off the
    // point depends on that count): then only the lines' words change.
    const parts = lineParts(words);
    if (!parts) return false;
    const drawn = drawnLines(node).length;
    return parts.length === 1 ? drawn <= 1 : drawn === parts.length;
  }
  function reword(node, words) {
    const parts = String(words).split(BREAK);
    const drawn = drawnLines(node);
    if (parts.length > 1 || drawn.length === 1) drawn.forEach((t, k) => { t.textContent = parts[k]; });
    else node.textContent = words;
  }

  function movable(full, nodes, trace, placed) {
    if (!full || !nodes || full.type !== "scatter" || full.visible !== true) return false;
    if (full.fill && full.fill !== "none") return false;
    if (full.line && !SIMPLE_LINE.has(full.line.shape)) return false;
    const mode = full.mode || "";
    if (mode.includes("lines") && placed.length > 1 && (!nodes.line || nodes.lines > 1)) return false;
    if (mode.includes("markers") && placed.length && !nodes.points.length) return false;
    if (mode.includes("text")) {
      // A label is moved, reworded or emptied; one plotly.js did not draw (a block of words
      // that grew a line) is made as a copy of one it did, if the words fit that copy.
      const model = modelLabel(nodes);
      const ok = placed.every((p) => {
        const words = wordsAt(trace, p);
        const l = nodes.labels.get(p[2]);
        const drawn = l && l.node ? l : model;
        return words === "" || Boolean(drawn && rewordable(drawn.node, words));
      });
      if (!ok) return false;
    }
    return true;
  }

  function modelLabel(nodes) {
    for (const l of nodes.labels.values()) if (l.node) return l;
    return null;
  }

  function copyLabel(nodes, index) {
    // A new point's label: a copy of a drawn one (its font, colour and offset), beside it.
    const model = modelLabel(nodes);
    const holder = model.holder.cloneNode(true);
    model.holder.parentNode.appendChild(holder);
    const l = Object.assign({}, model, { index, holder, node: holder.querySelector("text") });
    nodes.labels.set(index, l);
    return l;
  }

  function movePoints(nodes, placed, shown) {
    // Markers: the last drawn one cloned for new points, the extra ones dropped; one that
    // ``shown`` says is off its panel hidden, as plotly.js hides it.
    const { holder, points } = nodes;
    while (points.length < placed.length) points.push(holder.appendChild(points[points.length - 1].cloneNode(true)));
    while (points.length > placed.length) points.pop().remove();
    points.forEach((node, k) => {
      node.setAttribute("transform", `translate(${placed[k][0].toFixed(2)},${placed[k][1].toFixed(2)})`);
      node.style.display = shown(placed[k]) ? "" : "none";
    });
  }

  // Where plotly.js puts a one-line label off its point for a textposition ("top left", …):
  // the words' anchor, and the offset of their group (plotly.js's textPointPosition).
  const SIGN = { start: 1, end: -1, middle: 0, bottom: 1, top: -1 };
  function placement(position, size, radius) {
    const v = position.includes("top") ? "top" : position.includes("bottom") ? "bottom" : "middle";
    const h = position.includes("left") ? "end" : position.includes("right") ? "start" : "middle";
    const r = radius ? radius / 0.8 + 1 : 0;
    return { anchor: h, dx: SIGN[h] * r, dy: size * 0.75 + SIGN[v] * r + ((SIGN[v] - 1) * size) / 2 };
  }

  function moveLabels(nodes, full, trace, placed) {
    // A label moves by its group's transform (its offset plus the move), not by the text's x
    // and y: a transform needs no new layout of the words. A point gone takes its words; a
    // new textposition puts them on another side.
    const at = new Map(placed.map((p) => [p[2], p]));
    const positions = trace.textposition;
    const size = full.textfont && full.textfont.size;
    placed.forEach((p) => {
      const l = nodes.labels.get(p[2]);
      if (!(l && l.node) && wordsAt(trace, p) !== "") copyLabel(nodes, p[2]);
    });
    nodes.labels.forEach((l) => {
      if (!l.node) return;
      const p = at.get(l.index);
      const words = p ? wordsAt(trace, p) : "";
      const position = Array.isArray(positions) ? positions[l.index] : positions;
      if (position && position !== l.position && typeof size === "number") {
        const place = placement(position, size, l.radius);
        Object.assign(l, { dx: place.dx, dy: place.dy, position });
        l.node.setAttribute("text-anchor", place.anchor);
      }
      if (p) l.holder.setAttribute("transform", `translate(${(l.dx + p[0] - l.x).toFixed(2)},${(l.dy + p[1] - l.y).toFixed(2)})`);
      if (l.node.getAttribute("data-unformatted") !== words) {
        reword(l.node, words);
        l.node.setAttribute("data-unformatted", words);
      }
    });
  }

  // Move the listed traces of a drawn plot to their new data ([index, {x, y, text}] each, the
  // whole trace), on the axes as drawn or, for the axes named in `ranges` ({xaxis2: [lo, hi]}),
  // at those ranges. All or nothing: false, and nothing moved, when any cannot be moved.
  function moveMarks(plot, traces, ranges) {
    const layout = plot._fullLayout;
    const fullData = plot._fullData;
    if (!layout || !fullData) return false;
    const drawn = drawing(plot);
    const jobs = [];
    for (const [index, trace] of traces) {
      const full = fullData[index];
      const nodes = drawn[index];
      const spaced = typeof trace.x0 === "number" && typeof trace.dx === "number";
      if (!full || !nodes || !(trace.x || spaced) || !trace.y) return false;
      const at = (id) => mapping(axisOf(layout, id), ranges && ranges[`${id.charAt(0)}axis${id.slice(1)}`]);
      const points = pixels(trace, at(full.xaxis), at(full.yaxis));
      const placed = points.filter(Boolean);
      if (!movable(full, nodes, trace, placed)) return false;
      jobs.push([full, nodes, trace, points, placed]);
    }
    jobs.forEach(([full, nodes, trace, points, placed]) => {
      if (nodes.line) nodes.line.setAttribute("d", linePath(points));
      const [w, h] = [axisOf(layout, full.xaxis)._length, axisOf(layout, full.yaxis)._length];
      // A trace drawn past its axes (cliponaxis false) has its points outside the panel
      // hidden by plotly.js; a clipped one is cut by the panel's clip path.
      const shown = full.cliponaxis !== false ? () => true
        : ([x, y]) => x >= -1 && x <= w + 1 && y >= -1 && y <= h + 1;
      if ((full.mode || "").includes("markers") && placed.length) movePoints(nodes, placed, shown);
      if ((full.mode || "").includes("text")) moveLabels(nodes, full, trace, placed);
    });
    return true;
  }

  // What each drawn trace group says of itself, after every plotly.js draw or step: a linked
  // one carries data-link (figure.js's contract (d)); a word drawn in no colour (Figure 2's,
  // not yet reached by its pass) is hidden from screen readers as it is from the eye.
  function nameTraces(plot) {
    plot.querySelectorAll("g.trace").forEach((g) => {
      const datum = g.__data__ && g.__data__[0];
      const link = datum && datum.trace && datum.trace.meta && datum.trace.meta.link;
      if (link) g.dataset.link = link;
      g.querySelectorAll(".textpoint text").forEach((t) => {
        if (t.style.fillOpacity === "0") t.setAttribute("aria-hidden", "true");
        else t.removeAttribute("aria-hidden");
      });
    });
  }

  window.SeeingML = window.SeeingML || {};
  Object.assign(window.SeeingML, { moveMarks, nameTraces });
})();
