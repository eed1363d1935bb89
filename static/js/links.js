// Linked highlighting, and the "With your numbers" boxes. A factor in a formula
// (<mrow data-link data-figure>, made on the server from \link{…}{…}) and its counterpart in a
// figure share a link name: focusing, hovering or tapping the factor asks the figure to
// emphasise its part (window.SeeingML.highlight), and the figure's own hover or focus
// (the `seeingml:link` event) marks the factor. Both carry data-highlight while highlighted.
// The "With your numbers" boxes fill the server's placeholders (<mn data-value>) with the
// numbers a figure reports in its `seeingml:figure` event: formatting only, never maths.
(function () {
  "use strict";

  const { el, minus } = window.SeeingML.dom;
  const STORE_KEY = "seeingml:highlights";
  const factors = Array.from(document.querySelectorAll(".link-factor[data-link][data-figure]"));

  // --- one polite voice for both features ----------------------------------------------------
  const voice = el("p", { class: "visually-hidden", role: "status", "aria-live": "polite", id: "links-voice" });
  document.body.appendChild(voice);
  let lastSaid = "";
  function say(text) {
    if (!text || text === lastSaid) return;
    lastSaid = text;
    voice.textContent = text;
  }

  function figureLabel(name) {
    const title = document.querySelector(`#figure-${name} .figure-title`);
    return title ? title.textContent.split(" — ")[0].replace(/\.$/, "") : "the figure";
  }
  function symbolOf(factor) {
    const note = document.getElementById(factor.getAttribute("aria-describedby") || "");
    return note ? note.textContent.split(",")[0] : factor.dataset.link;
  }

  // --- the switch ----------------------------------------------------------------------------
  let enabled = true;
  try { enabled = window.localStorage.getItem(STORE_KEY) !== "off"; } catch (e) { /* private mode */ }

  function clearFactors(figure) {
    factors.forEach((f) => {
      if (!figure || f.dataset.figure === figure) f.removeAttribute("data-highlight");
    });
  }

  function highlightFigure(figure, link) {
    const api = window.SeeingML && window.SeeingML.highlight;
    if (typeof api === "function") {
      try { api(figure, link); } catch (e) { /* the figure may not be drawn yet */ }
    }
  }

  let active = null; // the factor the reader is on
  function activate(factor) {
    if (!enabled) return;
    if (active === factor) return;
    active = factor;
    clearFactors(null);
    factors.forEach((f) => {
      if (f.dataset.link === factor.dataset.link && f.dataset.figure === factor.dataset.figure) {
        f.setAttribute("data-highlight", "");
      }
    });
    highlightFigure(factor.dataset.figure, factor.dataset.link);
    say(`${figureLabel(factor.dataset.figure)} highlights ${symbolOf(factor)}.`);
  }
  function deactivate(factor) {
    if (active !== factor) return;
    active = null;
    clearFactors(factor.dataset.figure);
    highlightFigure(factor.dataset.figure, null);
  }

  function setEnabled(on, button) {
    enabled = on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    document.documentElement.toggleAttribute("data-links-off", !on);
    factors.forEach((f) => f.setAttribute("tabindex", on ? "0" : "-1"));
    if (!on) {
      if (active) deactivate(active);
      clearFactors(null);
      new Set(factors.map((f) => f.dataset.figure)).forEach((fig) => highlightFigure(fig, null));
    }
    try { window.localStorage.setItem(STORE_KEY, on ? "on" : "off"); } catch (e) { /* fine */ }
  }

  function placeSwitch() {
    const first = factors[0];
    const anchor = first.closest(".math-block") || first.closest("p, li") || first.closest("math");
    const button = el("button", { type: "button", class: "links-switch", id: "links-switch", "aria-describedby": "links-switch-help" }, [
      el("span", { class: "links-switch-track", "aria-hidden": "true" }), document.createTextNode("Highlights")]);
    const help = el("span", { id: "links-switch-help", class: "links-switch-help",
      text: "Focus, hover or tap a factor in a formula to see it in its figure." });
    const wrap = el("p", { class: "links-switch-row" }, [button, help]);
    anchor.parentNode.insertBefore(wrap, anchor);
    button.addEventListener("click", () => {
      setEnabled(!enabled, button);
      say(enabled ? "Highlights on." : "Highlights off.");
    });
    setEnabled(enabled, button);
  }

  // --- the factors ---------------------------------------------------------------------------
  function siblingsOf(factor) {
    const math = factor.closest("math");
    return factors.filter((f) => f.closest("math") === math);
  }

  factors.forEach((factor) => {
    factor.addEventListener("focus", () => activate(factor));
    factor.addEventListener("blur", () => deactivate(factor));
    factor.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") activate(factor); });
    factor.addEventListener("pointerleave", (e) => {
      if (e.pointerType === "mouse" && document.activeElement !== factor) deactivate(factor);
    });
    // A tap focuses the factor (it is focusable), which highlights it; a second tap lets go.
    factor.addEventListener("click", (e) => {
      if (e.pointerType === "mouse" || !e.pointerType) return;
      if (active === factor && factor.dataset.tapped) {
        delete factor.dataset.tapped;
        factor.blur();
      } else {
        factor.dataset.tapped = "1";
        activate(factor);
      }
    });
    factor.addEventListener("keydown", (e) => {
      const same = siblingsOf(factor);
      const at = same.indexOf(factor);
      let next = null;
      if (e.key === "ArrowRight") next = same[Math.min(at + 1, same.length - 1)];
      else if (e.key === "ArrowLeft") next = same[Math.max(at - 1, 0)];
      else if (e.key === "Home") next = same[0];
      else if (e.key === "End") next = same[same.length - 1];
      else if (e.key === "Escape") { factor.blur(); return; }
      if (!next) return;
      e.preventDefault();
      if (next !== factor) {
        next.focus();
        next.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    });
  });

  // The figure's side: hovering or focusing one of its parts marks the matching factors.
  document.addEventListener("seeingml:link", (e) => {
    const detail = e.detail || {};
    if (!enabled || !detail.figure) return;
    clearFactors(detail.figure);
    if (!detail.link) return;
    const matching = factors.filter((f) => f.dataset.figure === detail.figure && f.dataset.link === detail.link);
    matching.forEach((f) => f.setAttribute("data-highlight", ""));
    if (matching.length) say(`${symbolOf(matching[0])} is highlighted in the formulas.`);
  });

  if (factors.length) placeSwitch();

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
