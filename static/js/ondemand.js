// Scripts a part of the chapter needs only once the reader comes near it or uses it: the
// questions' (checkpoint, ordering, practice, typed answers), the spaced review's and the
// figures'. A group is fetched when one of its parts comes within a screen of the viewport,
// or on a pointer or focus inside one, so a reader of the opening downloads none of them.
// Without them every form still posts and every figure shows its picture; a submit or button
// press that comes before its group has arrived waits for it (a few seconds at most) and then
// goes on: through the script if it came, as a plain form post if not. On the reader's first
// scroll, tap or key press the questions' and figures' scripts load and plotly.js is fetched,
// not run; the review's scripts come once the page has loaded.
(function () {
  "use strict";

  const { el, pageData } = window.SeeingML.dom;
  const URLS = pageData("ondemand-scripts");
  const PLOTLY_SRC = pageData("figure-config").plotly || "";
  const REST_MS = 200; // the page still this long: the parts near it are taken over
  const WAIT_MS = 4000; // a press held for its script longer than this goes on without it
  const GROUPS = [
    { near: "[data-checkpoint], [data-practice-item], [data-typed-item]",
      scripts: ["answers", "ordering", "practice", "typed", "checkpoint"] },
    { near: "[data-role=review], [data-role=review-notice], [data-role=review-toc], time[data-review-time]",
      scripts: ["review"] },
    { near: "figure[data-widget]", scripts: ["plotly-loader", "marks", "figure", "controls", "scrub", "loader"] },
  ].filter((g) => g.scripts.every((name) => URLS[name]) && document.querySelector(g.near));

  // A group's scripts, fetched together and run in their order, once. One that fails does
  // not stop the others, so the group fails only once every one has run or failed: a part a
  // later script took over keeps its controls, and only the parts left go back below.
  function load(group) {
    if (!group.loaded) {
      group.loaded = new Promise((resolve, reject) => {
        let left = group.scripts.length;
        let failed = null;
        const settle = () => { left -= 1; if (!left) (failed ? reject(failed) : resolve()); };
        group.scripts.forEach((name) => {
          const tag = el("script", { src: URLS[name] });
          tag.async = false; // run in the order added, each after the one before
          tag.addEventListener("load", settle);
          tag.addEventListener("error", () => { failed = failed || new Error(`${name}.js did not load`); settle(); });
          document.body.appendChild(tag);
        });
      }).then(() => { group.ready = true; });
      // Not come: its parts go back to the no-script page's controls (the position menus, the
      // own-page link), which post as forms, instead of buttons nothing will answer.
      group.loaded.catch(() => document.querySelectorAll(group.near).forEach((part) => {
        part.querySelectorAll("[data-js]").forEach((node) => { node.hidden = true; node.removeAttribute("data-js"); });
        part.querySelectorAll("[data-no-js]").forEach((node) => node.removeAttribute("data-no-js"));
      }));
    }
    return group.loaded;
  }
  const groupOf = (node) => GROUPS.find((g) => node instanceof Element && node.closest(g.near));
  // Pressed again in a task of its own: not inside the first press's own dispatch, which
  // would ignore it.
  const later = (task) => window.setTimeout(task, 0);
  const inTime = (group) => Promise.race([
    load(group), new Promise((resolve) => window.setTimeout(resolve, WAIT_MS))]).catch(() => {});

  // Near: within a screen of the viewport where the page opens, or later once the page is
  // at rest there. Not while it scrolls past (a jump from the contents): a part that changes
  // as its script takes it over must not move the page under a reader who is arriving.
  if ("IntersectionObserver" in window) {
    const near = new Set();
    let resting = 0;
    const rest = () => {
      window.clearTimeout(resting);
      resting = window.setTimeout(() => {
        near.forEach((node) => GROUPS.filter((g) => node.matches(g.near)).forEach(load));
        near.forEach((node) => observer.unobserve(node));
        near.clear();
      }, REST_MS);
    };
    let landing = true; // what is near where the page opens is needed at once
    const observer = new IntersectionObserver((entries) => {
      entries.forEach((e) => (e.isIntersecting ? near.add(e.target) : near.delete(e.target)));
      if (landing) {
        landing = false;
        near.forEach((node) => GROUPS.filter((g) => node.matches(g.near)).forEach(load));
      }
      if (near.size) rest();
    }, { rootMargin: "100% 0px" });
    GROUPS.forEach((g) => document.querySelectorAll(g.near).forEach((node) => observer.observe(node)));
    window.addEventListener("scroll", () => { if (near.size) rest(); }, { passive: true });
  } else {
    GROUPS.forEach(load);
  }

  // Used: a pointer or focus inside a part starts its group.
  ["pointerdown", "focusin"].forEach((type) => document.addEventListener(type, (e) => {
    const group = groupOf(e.target);
    if (group) load(group);
  }, { capture: true, passive: true }));

  // Used before its script arrived: a submit waits for it, then is sent again (the script
  // takes it, or the form posts); a press on a script-only button is pressed again. While
  // one waits, more presses of the same button are dropped, so an answer is sent once.
  const held = new WeakSet();
  const resending = new WeakSet(); // the one press sent again goes through as it is
  // True when this event is settled here: the press sent again (it goes through), or
  // another press while one waits (dropped).
  const settled = (e, node) => {
    if (resending.has(node)) { resending.delete(node); return true; }
    if (!held.has(node)) return false;
    e.preventDefault();
    e.stopImmediatePropagation();
    return true;
  };
  const resend = (node, send) => { held.delete(node); resending.add(node); send(); resending.delete(node); };
  // A press that waits says so: its button is busy meanwhile, and one whose script has not come
  // in time says so aloud and beside it, instead of doing nothing without a word.
  const busy = (node, on) => (on ? node.setAttribute("aria-busy", "true") : node.removeAttribute("aria-busy"));
  const STILL_LOADING = "This part of the page is still loading: press again in a moment.";
  const notLoaded = (button) => {
    const region = button.closest("[data-checkpoint]");
    const say = region && region.querySelector("[data-role=announce]");
    if (say) say.textContent = STILL_LOADING;
    button.title = STILL_LOADING;
  };
  // A submit is held by the button that sent it (Check, Hint, Show answer: each waits once),
  // or by the form when none did.
  document.addEventListener("submit", (e) => {
    const form = e.target;
    const group = groupOf(form);
    const submitter = e.submitter && e.submitter.form === form ? e.submitter : null;
    const key = submitter || form;
    if (settled(e, key) || !group || group.ready) return;
    e.preventDefault();
    held.add(key);
    busy(form, true);
    inTime(group).then(() => later(() => {
      busy(form, false);
      resend(key, () => form.requestSubmit(submitter));
    }));
  }, true);
  document.addEventListener("click", (e) => {
    const button = e.target instanceof Element && e.target.closest("button[type=button]");
    const group = button && groupOf(button);
    if (button && button.title === STILL_LOADING) button.removeAttribute("title");
    if (!group || settled(e, button) || group.ready) return;
    held.add(button);
    busy(button, true);
    inTime(group).then(() => later(() => {
      busy(button, false);
      if (group.ready) resend(button, () => button.click());
      else { held.delete(button); notLoaded(button); }
    }));
  }, true);

  // The figures' window.SeeingML.highlight (loader.js) is on the page from the start: until
  // their scripts are here, a call brings them and is then passed on.
  const figures = GROUPS.find((g) => g.scripts.includes("loader"));
  if (figures) {
    const early = (name, link) => load(figures).then(() => {
      if (window.SeeingML.highlight !== early) window.SeeingML.highlight(name, link);
    }).catch(() => {});
    window.SeeingML.highlight = early;
  }

  // On paper every figure's description and data table are open, wired or not.
  window.addEventListener("beforeprint", () => document.querySelectorAll(
    "figure[data-widget] .widget-data, figure[data-widget] .widget-words").forEach((box) => { box.open = true; }));

  // plotly.js: Figure 1 is a few screens down, so nearly every reader who scrolls reaches it.
  // Fetched (not run: running it is the costly part on a slow phone, and waits for a figure
  // to come near) once the reader first scrolls, taps or types, unless they asked to save data
  // or the connection is 2G. Nothing is fetched for a reader who has not yet touched the page.
  // A preload, not a prefetch: a prefetch comes last, after every other request, and a reader
  // whose first scroll is a jump to a figure waited a second longer for it on a slow line.
  // The figures' own scripts (small; wiring them is cheap, drawing waits for a figure to come
  // near) load then too, so a figure that comes near later waits for no network to start.
  function fetchPlotly() {
    const connection = navigator.connection || {};
    if (!PLOTLY_SRC || window.Plotly || connection.saveData) return;
    if (/2g$/.test(connection.effectiveType || "")) return;
    document.head.appendChild(el("link", { rel: "preload", as: "script", href: PLOTLY_SRC }));
  }
  const FIRST = ["scroll", "pointerdown", "keydown"];
  // The questions' parts are drawn as their scripts leave them whenever scripting is on
  // (static/css/checkpoint.css), so taking one over changes no height: their scripts come on
  // the first interaction, or when a part is near or used, wherever the reader is looking.
  const questions = GROUPS.find((g) => g.scripts.includes("checkpoint"));
  function first() {
    FIRST.forEach((type) => window.removeEventListener(type, first, true));
    if (questions) load(questions);
    if (figures) load(figures);
    fetchPlotly();
  }
  // The review's script comes once the page has loaded: it rewrites each review time in the
  // reader's own words (a line may grow), which must not happen under the reader's eyes.
  const others = GROUPS.filter((g) => g.scripts.includes("review"));
  if (document.readyState === "complete") others.forEach(load);
  else window.addEventListener("load", () => others.forEach(load), { once: true });
  // From once the page has loaded and settled on its #fragment: landing there is no interaction.
  const listen = () => window.requestAnimationFrame(() => window.setTimeout(() =>
    FIRST.forEach((type) => window.addEventListener(type, first, { capture: true, passive: true })), 0));
  if (!figures && !questions) return;
  if (document.readyState === "complete") listen();
  else window.addEventListener("load", listen, { once: true });
})();
