// "With your numbers": the boxes fill the server's placeholders (<mn data-value>) with the
// numbers a figure reports in its `seeingml:figure` event — formatting only, never maths — and
// window.SeeingML.formatNumber writes a number as the chapter does (links.js and predict.js use
// it). The polite voice and figure labels are links.js's (window.SeeingML.links).
(function () {
  "use strict";

  const { minus } = window.SeeingML.dom;
  const { say, figureLabel } = window.SeeingML.links;

  // --- "With your numbers" -------------------------------------------------------------------
  // Numbers as chapter/format.py writes them: 3 decimals, or 3 significant digits below 0.01,
  // powers of ten outside [0.001, 10000), whole numbers bare; a real minus sign.
  const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };
  function num(value) {
    const v = Number(value);
    if (!Number.isFinite(v)) return String(value);
    if (v === 0) return "0";
    const size = Math.abs(v);
    let text;
    if (size >= 1e4 || size < 1e-3) {
      const [mantissa, exponent] = v.toExponential(2).split("e");
      text = `${mantissa} × 10${String(Number(exponent)).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c])}`;
    } else if (Number.isInteger(v)) text = v.toFixed(0);
    else if (size >= 0.01) text = v.toFixed(3);
    else text = String(Number(v.toPrecision(3)));
    return minus(text);
  }
  // A setting as short as it was typed (0.5, 1.2, −3); a trained weight to 3 decimals at most.
  const param = (value) => minus(String(Number(Number(value).toFixed(3))));
  window.SeeingML = window.SeeingML || {};
  window.SeeingML.formatNumber = num;

  const boxes = Array.from(document.querySelectorAll("[data-your-numbers]"));
  const chapterText = new Map(); // placeholder → the chapter's number, as the server wrote it
  boxes.forEach((box) => box.querySelectorAll("[data-value], [data-param]").forEach((mn) => {
    chapterText.set(mn, mn.textContent);
  }));

  // The box appears once the reader's settings differ from the chapter's: the figure's first
  // draw is at the chapter's numbers, so its settings are the baseline.
  const IGNORED = new Set(["narrow"]);
  const baseline = new Map();
  const settingsOf = (params) => JSON.stringify(Object.keys(params).filter((k) => !IGNORED.has(k))
    .sort().map((k) => [k, String(params[k])]));

  function fill(box, detail) {
    // `now`: the figure's values for what it draws (after a gradient step, the trained network).
    const values = Object.assign({}, detail.values || {}, (detail.values || {}).now || {});
    const params = detail.params || {};
    if (!baseline.has(detail.name)) baseline.set(detail.name, settingsOf(params));
    const changed = baseline.get(detail.name) !== settingsOf(params);
    const applies = !box.dataset.when || box.dataset.when.split(" ").every((pair) => {
      const [key, want] = pair.split("=");
      return params[key] == null || String(params[key]) === want;
    });
    if (applies) {
      box.querySelectorAll("[data-value]").forEach((mn) => {
        const v = values[mn.dataset.value];
        if (v != null) mn.textContent = num(v);
      });
      box.querySelectorAll("[data-param]").forEach((mn) => {
        // The figure's own values first: after a gradient step its weights are the trained ones.
        const v = values[mn.dataset.param] != null ? values[mn.dataset.param] : params[mn.dataset.param];
        if (v != null) mn.textContent = param(v);
      });
    }
    box.querySelector("[data-role='worked']").hidden = !applies;
    box.querySelector("[data-role='elsewhere']").hidden = applies;
    if (changed && box.hidden) say(`With your numbers: the worked example beside ${figureLabel(box.dataset.yourNumbers)} now follows your settings.`);
    box.hidden = !changed;
  }

  document.addEventListener("seeingml:figure", (e) => {
    const detail = e.detail || {};
    boxes.filter((b) => b.dataset.yourNumbers === detail.name).forEach((b) => fill(b, detail));
  });

  boxes.forEach((box) => {
    const reset = box.querySelector("[data-role='reset']");
    if (!reset) return;
    reset.addEventListener("click", () => {
      const name = box.dataset.yourNumbers;
      // The figure's script listens and returns its controls to the chapter's numbers.
      document.dispatchEvent(new CustomEvent("seeingml:reset", { detail: { name } }));
      chapterText.forEach((text, mn) => { if (box.contains(mn)) mn.textContent = text; });
      box.hidden = true;
      say(`${figureLabel(name)} is back at the chapter's numbers.`);
      const figure = document.getElementById(`figure-${name}`);
      if (figure) {
        if (!figure.hasAttribute("tabindex")) figure.setAttribute("tabindex", "-1");
        figure.focus({ preventScroll: false });
      }
    });
  });
})();
