// Differentiate it yourself (d1): the Start button opens the panel the server rendered
// (templates/partials/typed_form.html, kept in a <template>), fills it from the API, and shows,
// as the reader types, how the server reads the expression (debounced; the server parses, the
// page only shows). The symbol buttons insert at the caret, for phone keyboards. Grading,
// hints and "Show answer" are the server's, as for the other practice.
(function () {
  "use strict";

  const { el, cloned, fromHTML } = window.SeeingML.dom;
  const answers = () => window.SeeingML.answers;
  const PAUSE_MS = 350;

  // A screen reader hears one short sentence when the reading changes ("Read as: …"), not the
  // whole preview after every pause; a refusal is not announced while the reader types (most
  // are half-typed expressions) but is tied to the field, so it is read with it.
  function say(panel, text) {
    const said = panel.querySelector("[data-role=preview-said]");
    if (said && said.textContent !== text) said.textContent = text;
  }

  function describedBy(input, errorId) {
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== "d1-error");
    if (errorId) ids.push(errorId);
    input.setAttribute("aria-describedby", ids.join(" "));
  }

  function showPreview(panel, data, status) {
    const region = panel.querySelector("[data-role=preview]");
    const input = panel.querySelector("input[name=answer]");
    describedBy(input, null);
    if (!data) { region.replaceChildren(); say(panel, ""); return; }
    if (status === 422) {
      input.setAttribute("aria-invalid", "true");
      const where = typeof data.position === "number" ? " (at character " + (data.position + 1) + ")" : "";
      region.replaceChildren(el("p", { class: "form-error", id: "d1-error", text: data.error + where }));
      describedBy(input, "d1-error");
      say(panel, "");
      return;
    }
    if (!data.mathml) { region.replaceChildren(el("p", { class: "form-error", text: data.error || "The preview could not be loaded." })); return; }
    input.removeAttribute("aria-invalid");
    say(panel, "Read as: " + data.speech);
    const line = el("p", { class: "typed-reading" }, [document.createTextNode("Read as: ")]);
    line.appendChild(fromHTML(data.mathml)); // MathML the server built from its own tree
    line.appendChild(document.createTextNode(" "));
    line.appendChild(el("code", { text: data.reading }));
    const words = el("details", { class: "math-speech" }, [el("summary", { text: "Read as words" }, [el("span", { class: "visually-hidden", text: ": your answer" })]), el("p", { text: data.speech })]);
    region.replaceChildren(line, words);
  }

  function watchTyping(panel) {
    const input = panel.querySelector("input[name=answer]");
    let timer = 0;
    let asked = 0;
    const ask = async () => {
      const text = input.value;
      const mine = ++asked;
      if (!text.trim()) { showPreview(panel, null); return; }
      try {
        const { status, data } = await answers().postJSON(panel.dataset.preview, { answer: text });
        if (mine === asked) showPreview(panel, data, status); // only the newest reading
      } catch (e) { /* the preview is a convenience: Check still grades */ }
    };
    input.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(ask, PAUSE_MS); });
    panel.askPreview = ask;
  }

  function insert(panel, text) {
    const input = panel.querySelector("input[name=answer]");
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.setRangeText(text, start, end, "end");
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function reset(panel, template) {
    panel.querySelector("[data-role=result]").replaceChildren();
    panel.querySelector("[data-role=help]").replaceChildren();
    panel.querySelector("[data-role=preview]").replaceChildren();
    say(panel, "");
    const hints = panel.querySelector("[data-role=hints]");
    hints.replaceChildren();
    hints.hidden = true;
    const fresh = cloned(template).querySelector("[data-role=practice-actions]");
    panel.querySelector("[data-role=practice-actions]").replaceWith(fresh);
    panel.querySelector("[data-role=preview-button]").hidden = true; // the live preview replaces it
  }

  async function loadVariant(panel, template) {
    try {
      const { ok, data } = await answers().send(panel.dataset.variantUrl);
      if (!ok || !data) throw new Error("variant");
      panel.querySelector("[data-role=token]").value = data.token;
      panel.querySelector("[data-role=prompt]").innerHTML = data.prompt_html; // the server's markup
      const words = panel.querySelector("[data-role=prompt-speech]");
      words.querySelector("p").textContent = data.prompt_speech || "";
      words.hidden = !data.prompt_speech;
      reset(panel, template);
      const input = panel.querySelector("input[name=answer]");
      input.value = "";
      input.removeAttribute("aria-invalid");
      panel.dataset.attempts = "0";
      input.focus();
    } catch (e) {
      answers().showError(panel.querySelector("[data-role=result]"), "A practice question could not be loaded. Try again in a moment.");
    }
  }

  function setState(item, state) {
    const line = item.querySelector("[data-role=state]");
    if (!line || !state) return;
    line.className = "question-state state-" + state.state;
    line.textContent = state.label;
    line.hidden = false;
  }

  async function check(item, panel, event) {
    event.preventDefault();
    const { postJSON, showError, resultBlock, dropRevealButton, setCsrf } = answers();
    const region = panel.querySelector("[data-role=result]");
    const input = panel.querySelector("input[name=answer]");
    if (!input.value.trim()) {
      input.setAttribute("aria-invalid", "true");
      showError(region, "Type the derivative first: an expression in x.");
      return;
    }
    try {
      const token = panel.querySelector("[data-role=token]").value;
      const { ok, status, data } = await postJSON(panel.dataset.api, { answer: input.value, token });
      if (status === 422 && data && data.field === "answer") { showPreview(panel, data, 422); region.replaceChildren(); return; }
      if (!ok || !data) { showError(region, (data && data.error) || "That answer could not be graded."); return; }
      showPreview(panel, data.preview, 200);
      const n = data.attempt || Number(panel.dataset.attempts || 0) + 1;
      panel.dataset.attempts = String(n);
      region.replaceChildren(resultBlock(data, n));
      if (data.explanation) dropRevealButton(panel);
      setState(item, data.state);
      setCsrf(data.csrf);
    } catch (e) {
      showError(region, "The server could not be reached. Check your connection, then try again.");
    }
  }

  // "Show answer": the derivative and its worked solution, once the server has recorded it.
  async function reveal(item, panel, button, body) {
    const { postJSON, showError, dropRevealButton, setCsrf } = answers();
    const { ok, data } = await postJSON(button.dataset.api, body);
    if (!ok || !data) {
      showError(panel.querySelector("[data-role=result]"), (data && data.error) || "The answer could not be shown. Try again in a moment.");
      return;
    }
    setCsrf(data.csrf);
    const block = fromHTML(data.html); // markup rendered by the server
    block.setAttribute("tabindex", "-1");
    panel.querySelector("[data-role=help]").appendChild(block);
    dropRevealButton(panel);
    block.focus();
    setState(item, data.state);
  }

  function open(item, template) {
    let panel = document.getElementById("d1-practice");
    if (!panel) {
      item.after(cloned(template));
      panel = document.getElementById("d1-practice");
      panel.querySelector("[data-role=keys]").hidden = false;
      watchTyping(panel);
      panel.addEventListener("submit", (e) => check(item, panel, e));
      panel.addEventListener("click", (e) => {
        const button = e.target.closest("button");
        if (!button || !panel.contains(button)) return;
        const body = { token: panel.querySelector("[data-role=token]").value };
        if (button.dataset.insert) insert(panel, button.dataset.insert);
        else if (button.dataset.role === "next") loadVariant(panel, template);
        else if (button.dataset.role === "hint") { e.preventDefault(); answers().takeHint(panel, button, body).catch(() => {}); }
        else if (button.dataset.role === "reveal") { e.preventDefault(); reveal(item, panel, button, body).catch(() => {}); }
      });
    }
    return loadVariant(panel, template);
  }

  document.querySelectorAll("[data-typed-item]").forEach((item) => {
    const template = item.nextElementSibling;
    if (!template || template.dataset.role !== "typed-panel") return;
    answers().takeOver(item); // the Start button shown, the no-script link gone: as drawn
    const start = item.querySelector("[data-role=start]");
    start.addEventListener("click", async () => {
      await open(item, template);
      // Once the panel holds a question, its own "Try another" brings the next one.
      if (document.querySelector("#d1-practice [data-role=token]")?.value) start.hidden = true;
    });
  });
})();
