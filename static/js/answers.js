// The checkpoint's conversation with the server, shared by its questions (checkpoint.js), the
// ordering question (ordering.js) and the practice panels (practice.js): requests, the blocks
// the server renders for a result or an explanation, hints and "Show answer". It
// holds no answers: it shows what the server returns.
(function () {
  "use strict";

  const { el, fromHTML } = window.SeeingML.dom;
  const root = document.querySelector("[data-checkpoint]");

  function announce(message) {
    const announcer = root && root.querySelector("[data-role=announce]");
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => { announcer.textContent = message; }, 50);
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

  // One graded answer: the server renders it from the same partial as the page
  // (templates/partials/result.html); only a locally counted attempt is added here.
  function resultBlock(data, attempt) {
    const block = fromHTML(data.result_html) || el("div", { class: "result" });
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

  // The form token of the no-script posts, renewed by every answer.
  function setCsrf(token) {
    if (!token || !root) return;
    root.querySelectorAll("form.question").forEach((form) => {
      let input = form.querySelector("input[name=csrf_token]");
      if (!input) {
        input = el("input", { type: "hidden", name: "csrf_token" });
        form.prepend(input);
      }
      input.value = token;
    });
  }

  function setState(form, state) {
    const line = form.querySelector("[data-role=state]");
    if (!line || !state) return;
    line.className = "question-state state-" + state.state;
    line.replaceChildren(el("span", { class: "visually-hidden", text: "Question " + form.id.slice(1) + ": " }),
      document.createTextNode(state.label));
    line.hidden = false;
  }

  // The ending appears once, when the last question is done. After an answer, focus moves to
  // it (it follows the last question, often below the fold, and focus reads it out); after
  // "Show answer" focus stays on the explanation and the ending is announced. On a page that
  // loads with the ending already there, nothing moves.
  function setEnding(html, arrival) {
    const ending = root && root.querySelector("[data-role=ending]");
    if (!ending || !html || ending.firstElementChild) return;
    ending.innerHTML = html; // markup rendered by the server, never input
    const block = ending.querySelector("[data-role=ending-block]");
    if (arrival === "focus" && block) block.focus();
    else if (arrival === "announce") announce("You have finished the checkpoint: your summary and what comes next follow the last question.");
  }

  // --- help: hints and "Show answer" -------------------------------------------------------------

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
    const stale = holder.querySelector("[data-role=result] .result-error");
    if (stale) stale.remove(); // an earlier refusal says nothing once the answer is shown
    const block = fromHTML(data.html); // markup rendered by the server, never input
    block.setAttribute("tabindex", "-1");
    target.appendChild(block);
    dropRevealButton(holder);
    block.focus();
    if (data.state && holder.matches("form.question")) setState(holder, data.state);
    setEnding(data.ending_html, "announce");
    return data;
  }

  // A part taken over: what the server drew for scripting ([data-js], shown from the start
  // whenever scripting is on, static/css/checkpoint.css) is its own now, and what it drew for
  // a reader without it ([data-no-js], never shown then) goes. Neither changes the page's height.
  function takeOver(part) {
    part.querySelectorAll("[data-js]").forEach((node) => { node.hidden = false; node.removeAttribute("data-js"); });
    part.querySelectorAll("[data-no-js]").forEach((node) => { node.hidden = true; node.removeAttribute("data-no-js"); });
  }

  window.SeeingML.answers = {
    root, announce, send, postJSON, resultBlock, showError, setCsrf, setState, setEnding,
    addHint, takeHint, dropRevealButton, showAnswer, takeOver,
  };
})();
