// "Predict, then see": an optional guess before a figure, compared with the figure's value at
// the settings the prompt names (the block's data-state, the chapter's numbers) — asked of the
// widget API for exactly those settings, never taken from whatever the figure shows now.
// Predictions live in this browser's localStorage only; they are never sent anywhere and never
// graded. Without this script the forms stay hidden.
(function () {
  "use strict";

  const KEY = "seeingml:predictions";
  const blocks = Array.from(document.querySelectorAll("[data-predict]"));
  if (!blocks.length) return;
  const { el, minus } = window.SeeingML.dom;
  const fmt = (v) => (window.SeeingML.formatNumber ? window.SeeingML.formatNumber(v) : minus(v));
  const SUPERSCRIPT = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(list) {
    try { window.localStorage.setItem(KEY, JSON.stringify(list.slice(-50))); } catch (e) { /* private mode */ }
  }

  // "0.001", "1e-6", "1e−6", "10^-6", "10**-6", "10⁻⁶", "2 × 10^-3": a positive size, or null.
  function parseSize(text) {
    let t = String(text || "").trim().toLowerCase().replace(/[−–]/g, "-").replace(/\s+/g, "");
    t = t.replace(/[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/, (s) => "^" + Array.from(s).map((c) => SUPERSCRIPT[c]).join(""));
    t = t.replace(/\*\*/g, "^").replace(/[×x*]10\^/, "e").replace(/^10\^/, "1e");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return null;
    const v = Math.abs(Number(t));
    return Number.isFinite(v) && v > 0 ? v : null;
  }

  // The gap, in words: a ratio when close, orders of magnitude when far apart.
  function gap(predicted, actual) {
    const a = Math.abs(actual);
    if (a === 0) return "the figure's value is exactly 0, so no ratio can be taken";
    const ratio = predicted / a;
    const orders = Math.log10(ratio);
    if (Math.abs(orders) >= 1) {
      const n = Math.abs(orders).toFixed(1).replace(/\.0$/, "");
      return `about ${n} orders of magnitude ${orders > 0 ? "too large" : "too small"}`;
    }
    if (Math.abs(ratio - 1) < 0.05) return "within 5% of it";
    return ratio > 1 ? `about ${ratio.toFixed(1)} times the real size`
      : `about ${(1 / ratio).toFixed(1)} times smaller than the real size`;
  }

  // Does a figure's state (its event's params) equal the named one? Flags arrive as booleans.
  function sameState(params, state) {
    return Array.from(new URLSearchParams(state)).every(([k, want]) => {
      let have = params[k];
      if (typeof have === "boolean") have = have ? "1" : "0";
      if (have == null) return false;
      const a = Number(have);
      const b = Number(want);
      return Number.isFinite(a) && Number.isFinite(b) ? a === b : String(have) === want;
    });
  }

  // The value a prediction is compared with, from the figure's values at the named state.
  function actualOf(kind, values) {
    if (kind === "sign_size") return typeof values.dL_dw1 === "number" ? values.dL_dw1 : null;
    const first = Array.isArray(values.layers) && values.layers[0];
    return first && typeof first.gradient === "number" ? first.gradient : null;
  }

  // The named state in words, from its query (the chapter's numbers).
  function stateWords(kind, state) {
    const q = new URLSearchParams(state);
    const n = (k) => fmt(Number(q.get(k)));
    return kind === "sign_size"
      ? `the chapter's numbers (x = ${n("x")}, W₁ = ${n("w1")}, W₂ = ${n("w2")}, t = ${n("target")})`
      : `${q.get("depth")} ${q.get("activation")} layers, weight ${n("weight")}, input ${n("x")}`;
  }

  // A prediction as the reader typed it (0.5, not 0.500); tiny ones as powers of ten.
  const typed = (v) => (v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(3))) : fmt(v));

  function describe(entry) {
    const said = entry.kind === "sign_size"
      ? `${entry.sign < 0 ? "negative" : "positive"}, about ${typed(entry.size)}` : typed(entry.size);
    let text = `${entry.label}: you predicted ${said}`;
    if (entry.actual != null) {
      text += `; the figure shows ${fmt(entry.actual)}`;
      if (entry.kind === "sign_size") {
        const sameSign = Math.sign(entry.actual) === entry.sign;
        text += sameSign ? " (the sign is right, " : " (the sign is the other way, ";
        text += `and the size is ${gap(entry.size, entry.actual)})`;
      } else {
        text += ` (${gap(entry.size, entry.actual)})`;
      }
      if (entry.note) text += `, at ${entry.note}`;
    }
    return text + ".";
  }

  const config = window.SeeingML.dom.pageData("figure-config") || {};
  const pending = {}; // figure name → the prediction waiting for the figure's value

  function show(block, entry, waiting) {
    const result = block.querySelector("[data-role='result']");
    result.textContent = entry.actual != null ? describe(entry)
      : `${describe(entry)} ${waiting || ""}`.trim();
  }

  function settle(block, entry, values) {
    const actual = actualOf(entry.kind, values || {});
    if (actual == null || pending[entry.figure] !== entry) return;
    entry.actual = actual;
    delete pending[entry.figure];
    const list = load();
    const stored = list.find((e) => e.id === entry.id);
    if (stored) Object.assign(stored, entry);
    save(list);
    show(block, entry);
    renderHistory();
  }

  // Ask the widget API for the figure at the named settings: the figure on the page may show
  // the reader's own settings by now, which the prompt did not ask about.
  async function compare(block, entry) {
    const url = (config.api || {})[entry.figure];
    show(block, entry, `Asking ${entry.label} for its value at ${entry.note}…`);
    try {
      if (!url) throw new Error("no figure URL");
      const response = await fetch(`${url}?${block.dataset.state}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`status ${response.status}`);
      settle(block, entry, (await response.json()).values);
    } catch (e) {
      if (pending[entry.figure] === entry) {
        show(block, entry, `${entry.label} could not be asked just now; your prediction is saved, and it is compared as soon as ${entry.label} shows ${entry.note}.`);
      }
    }
  }

  function renderHistory() {
    const list = load();
    blocks.forEach((block) => {
      const ol = block.querySelector("[data-role='list']");
      ol.replaceChildren(...list.map((e) => el("li", { text: describe(e) })));
      if (!list.length) ol.appendChild(el("li", { text: "None yet." }));
    });
  }

  blocks.forEach((block) => {
    const name = block.dataset.predict;
    const kind = block.dataset.kind;
    const form = block.querySelector("[data-role='form']");
    const error = block.querySelector("[data-role='error']");
    const size = form.elements.size;
    const again = block.querySelector("[data-role='again']");
    const result = block.querySelector("[data-role='result']");
    const label = (document.querySelector(`#figure-${name} .figure-title`) || { textContent: name })
      .textContent.split(" — ")[0].replace(/\.$/, "");
    block.hidden = false;

    function fail(message, field) {
      error.textContent = message;
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      error.textContent = "";
      size.removeAttribute("aria-invalid");
      let sign = 0;
      if (kind === "sign_size") {
        const chosen = form.querySelector("input[name='sign']:checked");
        if (!chosen) { fail("Choose negative or positive first.", form.querySelector("input[name='sign']")); return; }
        sign = Number(chosen.value);
      }
      const value = parseSize(size.value);
      if (value == null) {
        fail(kind === "sign_size" ? "Give a size greater than 0, such as 0.5."
          : "Give a number greater than 0 (0.02) or a power of ten (1e-4).", size);
        return;
      }
      const entry = { id: `${name}-${Date.now()}`, figure: name, kind, label, sign, size: value,
        actual: null, note: stateWords(kind, block.dataset.state) };
      const list = load();
      list.push(entry);
      save(list);
      pending[name] = entry;
      renderHistory();
      compare(block, entry);
    });

    block.querySelector("[data-role='skip']").addEventListener("click", () => {
      form.hidden = true;
      again.hidden = false;
      result.textContent = "Skipped. You can still predict before you look.";
      again.focus();
    });
    again.addEventListener("click", () => {
      form.hidden = false;
      again.hidden = true;
      result.textContent = "";
      (form.querySelector("input") || size).focus();
    });
    block.querySelector("[data-role='history']").addEventListener("toggle", renderHistory);
  });

  // Without the API's answer, the figure itself settles a prediction once it shows the named
  // settings (the reader pressed Reset, say) — and only then.
  document.addEventListener("seeingml:figure", (e) => {
    const detail = e.detail || {};
    const entry = pending[detail.name];
    const block = blocks.find((b) => b.dataset.predict === detail.name);
    if (entry && block && sameState(detail.params || {}, block.dataset.state)) settle(block, entry, detail.values);
  });
  renderHistory();
})();
