// The few DOM helpers every script of the chapter shares; loaded first, on every page that
// runs one of them. Nothing here knows about figures or questions.
(function () {
  "use strict";

  // An element with attributes and children. `text` sets its words; `html` its markup, for
  // markup the server rendered only, never for what a reader typed. An attribute given as
  // true is set empty; false, null or undefined leaves it out.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (k === "html") node.innerHTML = v;
      else if (v !== false && v != null) node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach((c) => c && node.appendChild(c));
    return node;
  }

  // A number as the chapter writes it: with a real minus sign.
  const minus = (text) => String(text).replace(/-/g, "−");

  // The first element of markup the server rendered (a result block, an explanation).
  function fromHTML(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html || "";
    return holder.content.firstElementChild;
  }

  // A copy of what a <template> on the page holds (markup the server rendered for later).
  const cloned = (template) => template.content.cloneNode(true);

  // The JSON a page hands its scripts in <script type="application/json" id="…">; {} if absent.
  function pageData(id) {
    const holder = document.getElementById(id);
    if (!holder) return {};
    try { return JSON.parse(holder.textContent); } catch (e) { return {}; }
  }

  // The first element under `root` that `selector` matches.
  const $ = (root, selector) => root.querySelector(selector);

  window.SeeingML = Object.assign(window.SeeingML || {}, {
    dom: { el, minus, fromHTML, cloned, pageData, $ },
  });
})();
