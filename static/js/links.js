// Linked highlighting. A factor in a formula (<mrow data-link data-figure>, made on the server
// from \link{…}{…}) or in a figure's own formula strip (.formula-factor, in its card beside the
// chart) and its counterpart in the figure share a link name. A highlighted pair is on screen
// together, never one half alone:
//  - focusing, hovering or tapping a factor while its figure's chart is on screen asks the
//    figure to emphasise its part (window.SeeingML.highlight); both carry data-highlight;
//  - when the chart is off screen, the figure is left alone and a small readout beside the
//    factor gives the linked value (from the figure's current state, as its `seeingml:figure`
//    event reports it), with "Show in figure" (or Enter) to bring the figure's strip and chart
//    into view and highlight the pair there;
//  - the figure's own hover or focus (the `seeingml:link` event) marks the factors on screen.
// Formatting only: every number is the server's.
(function () {
  "use strict";

  const { el } = window.SeeingML.dom;
  const STORE_KEY = "seeingml:highlights";
  const factors = Array.from(document.querySelectorAll(
    ".link-factor[data-link][data-figure], .formula-factor[data-link][data-figure]"));
  const inStrip = (f) => f.classList.contains("formula-factor");

  // --- one polite voice (numbers.js shares it) -----------------------------------------------
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
    if (factor.dataset.symbol) return factor.dataset.symbol;
    const note = document.getElementById(factor.getAttribute("aria-describedby") || "");
    return note ? note.textContent.split(",")[0] : factor.dataset.link;
  }

  // --- what is on screen ---------------------------------------------------------------------
  function visibleBand() {
    const masthead = document.querySelector(".masthead");
    const top = masthead && getComputedStyle(masthead).position === "sticky"
      ? Math.max(0, masthead.getBoundingClientRect().bottom) : 0;
    return { top, bottom: window.innerHeight, right: window.innerWidth };
  }
  // At least `least` px of the element (or all of it, if smaller) inside the visible band.
  function onScreen(node, least = 1) {
    if (!node) return false;
    const r = node.getBoundingClientRect();
    const band = visibleBand();
    if (!r.width || !r.height || r.right <= 0 || r.left >= band.right) return false;
    const seen = Math.min(r.bottom, band.bottom) - Math.max(r.top, band.top);
    return seen >= Math.min(least, r.height);
  }
  // The figure's chart with enough of it in view to see a part of it emphasised.
  function chartOnScreen(figure) {
    const plot = document.querySelector(`#figure-${figure} .widget-plot`);
    return onScreen(plot, 120);
  }

  // --- the figure's current numbers ----------------------------------------------------------
  const current = {}; // figure → its last event's values (`now` first: what it draws)
  const fmt = (v) => (window.SeeingML.formatNumber ? window.SeeingML.formatNumber(v) : String(v));
  function valueText(figure, link) {
    const values = current[figure];
    if (values && typeof values[link] === "number") return { text: fmt(values[link]), now: true };
    const strip = document.querySelector(`[data-formula-strip="${figure}"] [data-readout="${link}"]`);
    return { text: strip ? strip.textContent : "", now: false };
  }
  // After every exact draw, and at every frame of a drag (`seeingml:frame`: the frame's own
  // values), so the strip never shows another state's numbers than the chart.
  function follow(e) {
    const detail = e.detail || {};
    if (!detail.name) return;
    current[detail.name] = Object.assign({}, detail.values || {}, (detail.values || {}).now || {});
    document.querySelectorAll(`[data-formula-strip="${detail.name}"] [data-readout]`).forEach((out) => {
      const v = current[detail.name][out.dataset.readout];
      if (typeof v === "number") out.textContent = fmt(v);
    });
    if (active && active.dataset.figure === detail.name) place();
  }
  document.addEventListener("seeingml:figure", follow);
  document.addEventListener("seeingml:frame", follow);

  // --- the readout beside a factor whose chart is off screen ---------------------------------
  const readoutText = el("span", { class: "link-readout-text" });
  const showButton = el("button", { type: "button", class: "link-readout-show", tabindex: "-1", text: "Show in figure" });
  const readout = el("div", { class: "link-readout", id: "link-readout", hidden: "" }, [readoutText, showButton]);
  (document.querySelector("main") || document.body).appendChild(readout);
  // Pressing the button must not take focus from the factor (that would end the highlight).
  readout.addEventListener("mousedown", (e) => e.preventDefault());
  showButton.addEventListener("click", () => { if (active) showInFigure(active); });

  function showReadout(factor) {
    const { text, now } = valueText(factor.dataset.figure, factor.dataset.link);
    const label = figureLabel(factor.dataset.figure);
    readoutText.textContent = `${symbolOf(factor)} = ${text} ${now ? `in ${label} now` : `in ${label}, at the chapter’s numbers`}`;
    readout.hidden = false;
    readout.dataset.link = factor.dataset.link;
    const r = factor.getBoundingClientRect();
    const width = readout.offsetWidth;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - width - 8));
    const below = r.bottom + 6 + readout.offsetHeight <= window.innerHeight;
    const top = below ? r.bottom + 6 : r.top - readout.offsetHeight - 6;
    readout.style.left = `${left}px`;
    readout.style.top = `${top}px`;
    return `${readoutText.textContent}; ${label} is off screen: press Enter to show it.`;
  }
  function hideReadout() { readout.hidden = true; delete readout.dataset.link; }

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
  // Show the active factor's pair as the screen allows: with the chart, or with the readout.
  function place() {
    const factor = active;
    const { figure, link } = factor.dataset;
    clearFactors(null);
    factor.setAttribute("data-highlight", "");
    if (chartOnScreen(figure)) {
      hideReadout();
      factors.forEach((f) => {
        if (f.dataset.link === link && f.dataset.figure === figure && onScreen(f)) f.setAttribute("data-highlight", "");
      });
      highlightFigure(figure, link);
      return `${figureLabel(figure)} highlights ${symbolOf(factor)}.`;
    }
    highlightFigure(figure, null);
    return showReadout(factor);
  }

  function activate(factor) {
    if (!enabled || active === factor) return;
    active = factor;
    say(place());
  }
  function deactivate(factor) {
    if (active !== factor) return;
    active = null;
    hideReadout();
    clearFactors(factor.dataset.figure);
    highlightFigure(factor.dataset.figure, null);
    // The pointer passed over a factor while another had focus: the focused one again.
    const focused = factors.find((f) => f === document.activeElement);
    if (focused && focused !== factor) activate(focused);
  }

  // Bring the figure's strip and chart into view; the strip's factor takes over the highlight.
  function showInFigure(factor) {
    const { figure, link } = factor.dataset;
    const target = document.querySelector(`[data-formula-strip="${figure}"] [data-link="${link}"]`);
    const strip = target && target.closest("[data-formula-strip]");
    if (!strip) return;
    // The chart's top just below the strip, which stays in view (sticky) below the masthead.
    const plot = document.querySelector(`#figure-${figure} .widget-plot`);
    const under = visibleBand().top + strip.offsetHeight + 8;
    window.scrollTo({ top: window.scrollY + plot.getBoundingClientRect().top - under });
    target.focus({ preventScroll: true });
    if (active !== target) activate(target);
  }

  // While a pair is shown, scrolling can take the chart out of view or bring it back.
  let queued = false;
  const replace = () => {
    if (queued || !active) return;
    queued = true;
    window.requestAnimationFrame(() => { queued = false; if (active) place(); });
  };
  window.addEventListener("scroll", replace, { passive: true });
  window.addEventListener("resize", replace);

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
    const first = factors.find((f) => !inStrip(f)) || factors[0];
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
    const formula = factor.closest("math, [data-formula-strip]");
    return factors.filter((f) => f.closest("math, [data-formula-strip]") === formula);
  }

  factors.forEach((factor) => {
    factor.addEventListener("focus", () => activate(factor));
    factor.addEventListener("blur", () => deactivate(factor));
    factor.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") activate(factor); });
    factor.addEventListener("pointerleave", (e) => {
      if (e.pointerType !== "mouse" || document.activeElement === factor) return;
      if (readout.contains(e.relatedTarget)) return; // on its way to "Show in figure"
      deactivate(factor);
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
      if (e.key === "Enter" && !readout.hidden && active === factor) {
        e.preventDefault();
        showInFigure(factor);
        return;
      }
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
  readout.addEventListener("pointerleave", (e) => {
    if (active && e.pointerType === "mouse" && e.relatedTarget !== active && !active.contains(e.relatedTarget)
      && document.activeElement !== active) deactivate(active);
  });

  // The figure's side: hovering or focusing one of its parts marks the matching factors that
  // are on screen with it (its own strip's, at least).
  document.addEventListener("seeingml:link", (e) => {
    const detail = e.detail || {};
    if (!enabled || !detail.figure) return;
    if (active && active.dataset.figure === detail.figure) return; // the reader is on a factor
    clearFactors(detail.figure);
    if (!detail.link) return;
    const matching = factors.filter((f) => f.dataset.figure === detail.figure
      && f.dataset.link === detail.link && onScreen(f));
    matching.forEach((f) => f.setAttribute("data-highlight", ""));
    if (matching.length) say(`${symbolOf(matching[0])} is highlighted in the formula.`);
  });

  window.SeeingML.links = { say, figureLabel };
  if (factors.length) placeSwitch();
})();
