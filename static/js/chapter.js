// The chapter's reading aids: where-am-I in the contents, the browse panel, key terms,
// and keeping the reader's intuition answer. The page reads fine without any of it.
(function () {
  "use strict";

  // Contents: mark the section being read.
  const links = Array.from(document.querySelectorAll("[data-toc-link]"));
  const sections = Array.from(document.querySelectorAll("[data-section]"));
  function markCurrent(slug) {
    links.forEach((a) => {
      if (a.dataset.tocLink === slug) a.setAttribute("aria-current", "location");
      else a.removeAttribute("aria-current");
    });
  }
  if ("IntersectionObserver" in window && sections.length) {
    const visible = new Map();
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((e) => visible.set(e.target.id, e.isIntersecting ? e.boundingClientRect.top : null));
      const shown = sections.filter((s) => visible.get(s.id) != null);
      if (shown.length) markCurrent(shown[0].id);
    }, { rootMargin: "-20% 0px -55% 0px" });
    sections.forEach((s) => observer.observe(s));
  }

  // Browse panel: close after a jump, on Escape, or on a click elsewhere; move focus to the section.
  const browse = document.querySelector("[data-browse]");
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  document.querySelectorAll(".toc a").forEach((a) => {
    a.addEventListener("click", (e) => {
      const target = document.getElementById(a.hash.slice(1));
      if (browse) browse.open = false;
      if (!target) return;
      e.preventDefault();
      history.pushState(null, "", a.hash);
      target.scrollIntoView({ behavior: reduceMotion.matches ? "auto" : "smooth", block: "start" });
      // Move focus too, so the next Tab continues from the section, not from the contents.
      const heading = target.querySelector("h2, h1") || target;
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
      markCurrent(target.id);
      holdInPlace(target);
    });
  });

  // Figures above a section may finish loading just after a jump and grow; for a moment after
  // the jump, keep the chosen section where the reader asked for it.
  let holding = null;
  function holdInPlace(target) {
    if (!("ResizeObserver" in window)) return;
    if (holding) holding.disconnect();
    const chapter = document.querySelector(".chapter");
    let settled = false;
    const realign = () => {
      if (settled) target.scrollIntoView({ behavior: "auto", block: "start" });
    };
    holding = new ResizeObserver(realign);
    holding.observe(chapter);
    window.setTimeout(() => { settled = true; }, reduceMotion.matches ? 0 : 900);
    window.setTimeout(() => { realign(); holding.disconnect(); holding = null; }, 2500);
    ["wheel", "touchstart", "keydown"].forEach((type) =>
      window.addEventListener(type, () => { if (holding) { holding.disconnect(); holding = null; } },
        { once: true, passive: true }));
  }
  if (browse) {
    browse.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && browse.open) {
        browse.open = false;
        browse.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", (e) => {
      if (browse.open && !browse.contains(e.target)) browse.open = false;
    });
    // Tabbing out of the open panel closes it, so it never covers what focus moved to.
    browse.addEventListener("focusout", (e) => {
      if (browse.open && e.relatedTarget && !browse.contains(e.relatedTarget)) browse.open = false;
    });
  }

  // Key terms: hover and focus show the definition (CSS); tap toggles it; Escape hides it
  // until the pointer or focus leaves (WCAG 1.4.13: dismissible, hoverable, persistent).
  // A definition opened near the right edge slides left so it stays on screen.
  // One measurement per frame, from the unshifted position: a tap fires mouseenter (twice,
  // on some phones) and focusin, and passes that measured a shifted box undid each other.
  function place(term) {
    const tip = term.querySelector(".term-tip");
    if (tip.dataset.placing) return;
    tip.dataset.placing = "1";
    requestAnimationFrame(() => {
      delete tip.dataset.placing;
      const current = parseFloat(tip.style.getPropertyValue("--tip-shift")) || 0;
      const box = tip.getBoundingClientRect();
      const left = box.left - current, right = box.right - current;
      const room = document.documentElement.clientWidth - 8;
      const shift = right > room ? Math.max(room - right, 8 - left) : 0;
      tip.style.setProperty("--tip-shift", `${shift}px`);
    });
  }
  document.querySelectorAll(".term").forEach((term) => {
    const trigger = term.querySelector(".term-trigger");
    const reset = () => term.classList.remove("is-dismissed");
    term.addEventListener("mouseenter", () => place(term));
    term.addEventListener("focusin", () => place(term));
    trigger.addEventListener("click", () => {
      const opening = !term.classList.contains("is-open");
      term.classList.toggle("is-open", opening);
      // Closing by a second tap must hide it even though the button keeps focus (and a
      // touch screen keeps its emulated hover): dismissed until the pointer or focus leaves.
      term.classList.toggle("is-dismissed", !opening);
      trigger.setAttribute("aria-expanded", opening ? "true" : "false");
      if (opening) place(term);
    });
    term.addEventListener("mouseleave", reset);
    term.addEventListener("focusout", (e) => {
      if (!term.contains(e.relatedTarget)) {
        reset();
        term.classList.remove("is-open");
        trigger.setAttribute("aria-expanded", "false");
      }
    });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    document.querySelectorAll(".term").forEach((term) => {
      if (term.matches(":hover, :focus-within, .is-open")) {
        term.classList.add("is-dismissed");
        term.classList.remove("is-open");
        term.querySelector(".term-trigger").setAttribute("aria-expanded", "false");
      }
    });
  });
  document.addEventListener("click", (e) => {
    document.querySelectorAll(".term.is-open").forEach((term) => {
      if (!term.contains(e.target)) {
        term.classList.remove("is-open");
        term.querySelector(".term-trigger").setAttribute("aria-expanded", "false");
      }
    });
  });

  // Printing: open every collapsed answer so the printout holds the whole chapter.
  const closedOnPrint = [];
  window.addEventListener("beforeprint", () => {
    document.querySelectorAll("details:not([open])").forEach((d) => { d.open = true; closedOnPrint.push(d); });
  });
  window.addEventListener("afterprint", () => {
    closedOnPrint.splice(0).forEach((d) => { d.open = false; });
  });

  // Formulas: a keyboard stop only where there is something to scroll (a wide formula on a
  // narrow screen). The server makes every one focusable, which a page without scripts keeps.
  const formulas = Array.from(document.querySelectorAll(".math-display"));
  function focusWhereScrolling() {
    formulas.forEach((f) => {
      if (f.scrollWidth > f.clientWidth + 1) f.setAttribute("tabindex", "0");
      else f.removeAttribute("tabindex");
    });
  }
  focusWhereScrolling();
  window.addEventListener("resize", focusWhereScrolling);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(focusWhereScrolling);
  if ("ResizeObserver" in window) {
    const watch = new ResizeObserver(focusWhereScrolling);
    // The formula too: it widens inside an unchanged box when a reader's style sheet spaces
    // out its letters.
    formulas.forEach((f) => {
      watch.observe(f);
      const inner = f.querySelector("math > *");
      if (inner) watch.observe(inner);
    });
  }

  // A figure's held view (sticky on a phone, widgets.css): its height, so a control brought
  // into view stops below it (scroll-margin-top), not under it; and its formula strip's with
  // the gap below it, which a shorter phone lets scroll on under the masthead.
  if ("ResizeObserver" in window) {
    const views = new ResizeObserver((entries) => entries.forEach((e) => {
      const view = e.target.closest(".widget-view");
      const figure = view && view.closest(".widget");
      if (!figure) return;
      figure.style.setProperty("--view-h", `${Math.ceil(view.offsetHeight)}px`);
      const strip = view.querySelector(".formula-strip");
      const gap = parseFloat(getComputedStyle(view).rowGap) || 0;
      if (strip) figure.style.setProperty("--strip-h", `${Math.ceil(strip.offsetHeight + gap)}px`);
    }));
    const masthead = document.querySelector("header.masthead"); // its words may wrap
    if (masthead) {
      new ResizeObserver(() => document.documentElement.style.setProperty(
        "--masthead-h", `${Math.ceil(masthead.offsetHeight)}px`)).observe(masthead);
    }
    document.querySelectorAll(".widget-view").forEach((view) => {
      views.observe(view);
      const strip = view.querySelector(".formula-strip");
      if (strip) views.observe(strip);
    });
  }

  // Intuition: keep what the reader wrote, on this device only.
  const answer = document.getElementById("intuition-answer");
  if (answer) {
    try {
      answer.value = localStorage.getItem("seeingml.chain-rule.intuition") || "";
      answer.addEventListener("input", () => localStorage.setItem("seeingml.chain-rule.intuition", answer.value));
    } catch (err) { /* storage may be off; the box still works */ }
  }
})();
