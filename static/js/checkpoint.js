// The checkpoint, enhanced: answers are sent with fetch and graded on the server, the ordering
// question can be rearranged by dragging or with Move up / Move down, and q1/q3 offer typed
// practice variants. Without this file every question is still a form that posts and the page
// comes back with the result. This file holds no answers: it shows what the server returns.
(function () {
  "use strict";

  const root = document.querySelector("[data-checkpoint]");
  if (!root || !window.fetch) return;

  const forms = Array.from(root.querySelectorAll("form.question"));
  const summary = root.querySelector("[data-role=summary]");
  const notice = root.querySelector("[data-role=notice]");
  const announcer = root.querySelector("[data-role=announce]");
  const ending = root.querySelector("[data-role=ending]");
  const attempts = {}; // question id → attempts the server has counted

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else if (k === "html") node.innerHTML = v; // markup typeset by the server, never input
      else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => c && node.appendChild(c));
    return node;
  }

  function announce(message) {
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 50);
  }

  // One graded answer: the server renders it from the same partial as the page
  // (templates/partials/result.html); only a locally counted attempt is added here.
  function resultBlock(data, attempt) {
    const holder = document.createElement("div");
    holder.innerHTML = data.result_html || ""; // markup rendered by the server, never input
    const block = holder.firstElementChild || el("div", { class: "result" });
    const verdict = block.querySelector(".result-verdict");
    if (attempt && verdict && !block.querySelector(".result-attempt")) {
      verdict.appendChild(document.createTextNode(" "));
      verdict.appendChild(el("span", { class: "result-attempt", text: "Attempt " + attempt }));
    }
    return block;
  }

  function showError(region, message) {
    region.replaceChildren(el("p", { class: "result-error", role: "alert", text: message }));
  }

  function setSummary(s) {
    if (!summary || !s || !s.attempted) return;
    const score = typeof s.score === "number" && s.score !== s.correct ? " Score: " + Math.round(s.score * 100) / 100 + " of " + s.total + "." : "";
    summary.replaceChildren(el("strong", { text: s.correct + " of " + s.total }),
      document.createTextNode(" questions answered correctly so far." + score));
    summary.hidden = false;
  }

  function setNotice(message) {
    if (!notice) return;
    notice.textContent = message || "";
    notice.hidden = !message;
  }

  function setCsrf(token) {
    if (!token) return;
    forms.forEach((form) => {
      let input = form.querySelector("input[name=csrf_token]");
      if (!input) {
        input = el("input", { type: "hidden", name: "csrf_token" });
        form.prepend(input);
      }
      input.value = token;
    });
  }

  async function send(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data };
  }

  function postJSON(url, body) {
    return send(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  }

  // --- ordering: drag, or Move up / Move down (no drag needed, WCAG 2.5.7) ----------------------

  function stepText(li) {
    return (li.querySelector(".step-label").textContent || "").replace(/\s+/g, " ").trim();
  }

  function refreshMoves(list) {
    const items = Array.from(list.children);
    items.forEach((li, i) => {
      li.querySelector("[data-move=up]").disabled = i === 0;
      li.querySelector("[data-move=down]").disabled = i === items.length - 1;
      li.querySelector(".step-number").textContent = String(i + 1);
    });
  }

  function announceMove(list, li) {
    const items = Array.from(list.children);
    announce("Moved to position " + (items.indexOf(li) + 1) + " of " + items.length + ": " + stepText(li));
  }

  function move(list, li, direction) {
    const sibling = direction === "up" ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return;
    list.insertBefore(li, direction === "up" ? sibling : sibling.nextElementSibling);
    refreshMoves(list);
    const same = li.querySelector("[data-move=" + direction + "]");
    (same.disabled ? li.querySelector("[data-move=" + (direction === "up" ? "down" : "up") + "]") : same).focus();
    announceMove(list, li);
  }

  function enableDrag(list, li, handle) {
    let dragging = false;
    handle.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      dragging = true;
      handle.setPointerCapture(e.pointerId);
      li.classList.add("is-dragging");
    });
    handle.addEventListener("pointermove", (e) => {
      if (!dragging) return;
      const target = document.elementFromPoint(e.clientX, e.clientY);
      const over = target && target.closest(".step");
      if (!over || over === li || over.parentNode !== list) return;
      const box = over.getBoundingClientRect();
      const middle = box.top + box.height / 2;
      const items = Array.from(list.children);
      const from = items.indexOf(li);
      const to = items.indexOf(over);
      // The dragged step itself never leaves the DOM (that would end the pointer capture):
      // the steps it passes move to its other side instead.
      if (to < from && e.clientY < middle) {
        const anchor = li.nextElementSibling;
        items.slice(to, from).forEach((n) => list.insertBefore(n, anchor));
      } else if (to > from && e.clientY > middle) {
        items.slice(from + 1, to + 1).forEach((n) => list.insertBefore(n, li));
      } else return;
      refreshMoves(list);
    });
    const end = () => {
      if (!dragging) return;
      dragging = false;
      li.classList.remove("is-dragging");
      announceMove(list, li);
    };
    handle.addEventListener("pointerup", end);
    handle.addEventListener("pointercancel", end);
  }

  function enhanceOrdering(form) {
    const list = form.querySelector("[data-steps]");
    if (!list) return;
    const hint = form.querySelector("[data-role=steps-hint]");
    if (hint) hint.textContent = "Drag a step by its handle, or use Move up and Move down.";
    Array.from(list.children).forEach((li) => {
      const position = li.querySelector("[data-role=position]");
      if (position) position.remove(); // the no-script position menus give way to moving
      const label = li.querySelector(".step-label");
      const handle = el("span", { class: "step-handle", "aria-hidden": "true", title: "Drag to reorder" });
      const number = el("span", { class: "step-number", "aria-hidden": "true" });
      const up = el("button", { type: "button", class: "step-move", "data-move": "up", "aria-describedby": label.id }, [
        el("span", { "aria-hidden": "true", text: "↑ " }), document.createTextNode("Move up")]);
      const down = el("button", { type: "button", class: "step-move", "data-move": "down", "aria-describedby": label.id }, [
        el("span", { "aria-hidden": "true", text: "↓ " }), document.createTextNode("Move down")]);
      up.addEventListener("click", () => move(list, li, "up"));
      down.addEventListener("click", () => move(list, li, "down"));
      li.prepend(handle, number);
      li.appendChild(el("span", { class: "step-moves" }, [up, down]));
      enableDrag(list, li, handle);
    });
    list.classList.add("is-enhanced");
    refreshMoves(list);
  }

  function applyOrder(form, answer) {
    const list = form.querySelector("[data-steps]");
    if (!list) return;
    answer.split(",").forEach((id) => {
      const li = list.querySelector('[data-step="' + CSS.escape(id) + '"]');
      if (li) list.appendChild(li);
    });
    refreshMoves(list);
  }

  // --- answering -----------------------------------------------------------------------------------

  function answerOf(form) {
    if (form.querySelector("[data-steps]")) {
      return Array.from(form.querySelectorAll("input[name=order]")).map((i) => i.value);
    }
    const checked = form.querySelector("input[name=answer]:checked");
    return checked ? checked.value : null;
  }

  function showResult(form, data) {
    const qid = form.dataset.question;
    if (data.attempt) attempts[qid] = data.attempt;
    else attempts[qid] = (attempts[qid] || 0) + 1;
    form.querySelector("[data-role=result]").replaceChildren(resultBlock(data, attempts[qid]));
    form.querySelector("[data-role=submit]").textContent = "Try again";
    if (data.explanation) dropRevealButton(form);
    setState(form, data.state);
    setEnding(data.ending_html);
    if (form.dataset.variantUrl) offerPractice(form);
  }

  async function submit(form, event) {
    if (helpClick(form, event)) return;
    event.preventDefault();
    const region = form.querySelector("[data-role=result]");
    const answer = answerOf(form);
    if (answer === null) {
      showError(region, "Choose one of the answers first, then press " + form.querySelector("[data-role=submit]").textContent + ".");
      return;
    }
    // Busy, not disabled: disabling the focused button would drop keyboard focus to the page.
    if (form.getAttribute("aria-busy") === "true") return;
    form.setAttribute("aria-busy", "true");
    try {
      const { ok, data } = await postJSON(form.dataset.api, { answer });
      if (!ok || !data) {
        showError(region, (data && data.error) || "That answer could not be graded. Reload the page and try again.");
        return;
      }
      showResult(form, data);
      setCsrf(data.csrf);
      setSummary(data.summary);
      setNotice(data.saved ? null : data.notice);
    } catch (e) {
      showError(region, "The server could not be reached. Check your connection, then try again.");
    } finally {
      form.removeAttribute("aria-busy");
    }
  }


  // --- help: hints and "Show me the answer" ---------------------------------------------------------

  function setState(form, state) {
    const line = form.querySelector("[data-role=state]");
    if (!line || !state) return;
    line.className = "question-state state-" + state.state;
    line.replaceChildren(el("span", { class: "visually-hidden", text: "Question " + form.id.slice(1) + ": " }),
      document.createTextNode(state.label));
    line.hidden = false;
  }

  function setEnding(html) {
    if (!ending || !html || ending.firstElementChild) return;
    ending.innerHTML = html; // markup rendered by the server, never input
  }

  function addHint(list, html) {
    const item = el("li", { class: "hint", tabindex: "-1", html });
    list.appendChild(item);
    list.hidden = false;
    return item;
  }

  // One hint ladder: `holder` holds the list and the buttons; `body` is {} or {token}.
  async function takeHint(holder, button, body) {
    const list = holder.querySelector("[data-role=hints]");
    const { ok, data } = await postJSON(button.dataset.api, body);
    if (!ok || !data) {
      showError(holder.querySelector("[data-role=result]"), (data && data.error) || "No hint could be loaded. Try again in a moment.");
      return;
    }
    setCsrf(data.csrf);
    const shown = list.querySelectorAll(".hint").length;
    let item = null;
    data.hints.slice(shown).forEach((h) => { item = addHint(list, h); });
    if (data.last) {
      const next = button.parentNode.querySelector("[data-role=reveal]") || holder.querySelector("[data-role=submit]");
      button.remove();
      if (!item && next) next.focus();
    }
    if (item) item.focus();
    announce("Hint " + data.index + " of " + (data.last ? data.index : "several") + " shown.");
  }

  function dropRevealButton(holder) {
    const button = holder.querySelector("[data-role=reveal]");
    if (button) button.remove();
    const note = holder.querySelector("[data-role=reveal-note]");
    if (note) note.remove();
  }

  async function showAnswer(holder, button, body, target) {
    const { ok, data } = await postJSON(button.dataset.api, body);
    if (!ok || !data) {
      showError(holder.querySelector("[data-role=result]"), (data && data.error) || "The explanation could not be loaded. Try again in a moment.");
      return;
    }
    setCsrf(data.csrf);
    const box = document.createElement("div");
    box.innerHTML = data.html; // markup rendered by the server, never input
    const block = box.firstElementChild;
    block.setAttribute("tabindex", "-1");
    target.appendChild(block);
    dropRevealButton(holder);
    block.focus();
    if (data.state && holder.matches("form.question")) setState(holder, data.state);
    setEnding(data.ending_html);
  }

  function helpClick(form, event) {
    const button = event.submitter;
    if (!button || !button.dataset.api || (button.dataset.role !== "hint" && button.dataset.role !== "reveal")) return false;
    event.preventDefault();
    if (button.dataset.role === "hint") takeHint(form, button, {}).catch(() => showError(form.querySelector("[data-role=result]"), "The server could not be reached."));
    else showAnswer(form, button, {}, form.querySelector("[data-role=help]")).catch(() => showError(form.querySelector("[data-role=result]"), "The server could not be reached."));
    return true;
  }

  // --- practice: "Try another" ---------------------------------------------------------------------

  function offerPractice(form) {
    const actions = form.querySelector(".question-actions");
    if (actions.querySelector("[data-role=try-another]")) return;
    const button = el("button", { type: "button", class: "button button-quiet", "data-role": "try-another", text: "Try another" });
    button.setAttribute("aria-describedby", form.id + "-practice-note");
    actions.appendChild(button);
    actions.appendChild(el("span", { class: "practice-note", id: form.id + "-practice-note", text: "A fresh practice version, answered with a number" }));
    button.addEventListener("click", () => loadVariant(form));
  }

  function practicePanel(form) {
    const id = form.id + "-practice";
    let panel = document.getElementById(id);
    if (panel) return panel;
    const title = el("h3", { class: "practice-title", id: id + "-title", tabindex: "-1", text: "Practice: question " + form.id.slice(1) + ", new numbers" });
    const input = el("input", { type: "text", id: id + "-input", name: "answer", autocomplete: "off", autocapitalize: "off", spellcheck: "false", "aria-describedby": id + "-prompt " + id + "-format" });
    panel = el("form", { class: "practice", id, "aria-labelledby": id + "-title", novalidate: "" }, [
      title,
      el("div", { class: "practice-prompt", id: id + "-prompt" }),
      el("div", { class: "practice-answer" }, [
        el("label", { for: id + "-input", text: "Your answer" }),
        input,
        el("button", { type: "submit", class: "button", text: "Check" }),
      ]),
      el("p", { class: "practice-format", id: id + "-format" }),
      el("ol", { class: "hints", "data-role": "hints", "aria-label": "Hints for this practice question", hidden: "" }),
      el("div", { class: "question-result", "data-role": "result", "aria-live": "polite" }),
      el("div", { class: "question-actions" }, [
        el("button", { type: "button", class: "button button-quiet", "data-role": "next", text: "Try another" }),
      ]),
      el("div", { class: "practice-help", "data-role": "help" }),
    ]);
    panel.addEventListener("submit", (e) => checkPractice(form, panel, e));
    panel.querySelector("[data-role=next]").addEventListener("click", () => loadVariant(form));
    form.after(panel);
    return panel;
  }

  function practiceHelpButtons(form, panel) {
    const actions = panel.querySelector(".question-actions");
    actions.querySelectorAll("[data-role=hint],[data-role=reveal]").forEach((b) => b.remove());
    const hint = el("button", { type: "button", class: "button button-quiet", "data-role": "hint", "data-api": form.dataset.api + "/hint", text: "Hint" });
    const show = el("button", { type: "button", class: "button button-quiet", "data-role": "reveal", "data-api": form.dataset.api + "/reveal", text: "Show me the answer" });
    hint.addEventListener("click", () => takeHint(panel, hint, { token: panel.dataset.token }).catch(() => {}));
    show.addEventListener("click", () => showAnswer(panel, show, { token: panel.dataset.token }, panel.querySelector("[data-role=help]")).catch(() => {}));
    actions.prepend(hint, show);
  }

  async function loadVariant(form) {
    const panel = practicePanel(form);
    try {
      const { ok, data } = await send(form.dataset.variantUrl);
      if (!ok || !data) throw new Error("variant");
      panel.dataset.token = data.token;
      panel.dataset.attempts = "0";
      panel.querySelector(".practice-prompt").innerHTML = data.prompt;
      panel.querySelector(".practice-format").textContent = data.format;
      panel.querySelector("[data-role=result]").replaceChildren();
      panel.querySelector("[data-role=help]").replaceChildren();
      const hints = panel.querySelector("[data-role=hints]");
      hints.replaceChildren();
      hints.hidden = true;
      practiceHelpButtons(form, panel);
      const input = panel.querySelector("input");
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.focus();
    } catch (e) {
      showError(panel.querySelector("[data-role=result]"), "A practice question could not be loaded. Try again in a moment.");
    }
  }

  async function checkPractice(form, panel, event) {
    event.preventDefault();
    const region = panel.querySelector("[data-role=result]");
    const input = panel.querySelector("input");
    if (!input.value.trim()) {
      input.setAttribute("aria-invalid", "true");
      showError(region, "Type a number first. " + panel.querySelector(".practice-format").textContent);
      return;
    }
    try {
      const { ok, data } = await postJSON(form.dataset.api, { answer: input.value, token: panel.dataset.token });
      if (!ok || !data) {
        input.setAttribute("aria-invalid", "true");
        showError(region, (data && data.error) || "That answer could not be graded.");
        return;
      }
      input.removeAttribute("aria-invalid");
      const n = data.attempt || Number(panel.dataset.attempts || 0) + 1;
      panel.dataset.attempts = String(n);
      region.replaceChildren(resultBlock(data, n));
      if (data.explanation) dropRevealButton(panel);
      setCsrf(data.csrf);
    } catch (e) {
      showError(region, "The server could not be reached. Check your connection, then try again.");
    }
  }

  // --- state after a reload --------------------------------------------------------------------------

  function applyHelp(form, help) {
    const list = form.querySelector("[data-role=hints]");
    if (!help || !list || list.querySelector(".hint")) return;
    help.hints.forEach((h) => addHint(list, h));
    if (!help.more_hints) { const b = form.querySelector("[data-role=hint]"); if (b) b.remove(); }
    const region = form.querySelector("[data-role=help]");
    if (help.explanation && !form.querySelector("[data-role=explanation]")) {
      region.appendChild(el("div", { class: "result-explanation", "data-role": "explanation" }, [
        el("p", { class: "result-explanation-title", text: "Explanation" }), el("div", { html: help.explanation })]));
      dropRevealButton(form);
    }
  }

  function applyProgress(progress) {
    setCsrf(progress.csrf);
    setSummary(progress.summary);
    setNotice(progress.notice);
    setEnding(progress.ending_html);
    forms.forEach((form) => {
      if (progress.states) setState(form, progress.states[form.dataset.question]);
      if (progress.help) applyHelp(form, progress.help[form.dataset.question]);
      const state = progress.questions[form.dataset.question];
      if (!state) return;
      if (state.attempts) attempts[form.dataset.question] = state.attempts;
      const region = form.querySelector("[data-role=result]");
      if (!region.firstElementChild) {
        // The page came from a cache: put back the reader's last answer and its result.
        if (form.querySelector("[data-steps]")) applyOrder(form, state.answer);
        else {
          const radio = form.querySelector('input[name=answer][value="' + CSS.escape(state.answer) + '"]');
          if (radio) radio.checked = true;
        }
        region.replaceChildren(resultBlock(state, state.attempts));
        form.querySelector("[data-role=submit]").textContent = "Try again";
      }
      if (form.dataset.variantUrl) offerPractice(form);
    });
  }

  // --- carry on another device: a resume code and its link, made on request --------------------

  const carry = root.querySelector("[data-role=carry-form]");
  if (carry) {
    carry.addEventListener("submit", async (event) => {
      event.preventDefault();
      const button = carry.querySelector("button");
      button.disabled = true;
      try {
        const { ok, data } = await postJSON(carry.dataset.api, {});
        if (!ok || !data) throw new Error((data && data.error) || "The code could not be made.");
        const out = root.querySelector("[data-role=carry-result]");
        out.querySelector("[data-role=carry-code]").textContent = data.code;
        out.querySelector("[data-role=carry-link]").value = data.link;
        out.hidden = false;
        button.textContent = "Make a new code (the old one stops working)";
        setCsrf(data.csrf);
        announce("Your resume code is " + data.code.split("").join(" "));
      } catch (e) {
        announce(e.message);
      } finally {
        button.disabled = false;
      }
    });
  }

  forms.forEach((form) => {
    if (form.classList.contains("question-ordering")) enhanceOrdering(form);
    form.addEventListener("submit", (e) => submit(form, e));
    if (form.dataset.variantUrl && form.querySelector(".result")) offerPractice(form);
  });
  send(root.dataset.progressUrl).then(({ ok, data }) => { if (ok && data) applyProgress(data); }).catch(() => {});
})();
