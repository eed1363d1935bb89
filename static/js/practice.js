// "Try another": after an answer, a question with typed variants offers a practice version
// with new numbers, graded on the server like the question itself. The offer and the panel are
// the server's markup (templates/partials/practice.html, kept in <template>s in the checkpoint);
// this file puts them on the page and fills in what the API returns for each variant.
(function () {
  "use strict";

  const { cloned } = window.SeeingML.dom;
  const answers = () => window.SeeingML.answers;
  const template = (form, role) => document.querySelector(
    `template[data-role=practice-${role}][data-question="${CSS.escape(form.dataset.question)}"]`);

  // The offer is the server's: drawn in place for a question answered before the page came
  // (shown whenever scripting is on), or from its <template> after an answer here.
  function offer(form) {
    const offered = template(form, "offer");
    const actions = form.querySelector(".question-actions");
    if (!offered || actions.querySelector("[data-role=try-another][data-offered]")) return;
    if (!actions.querySelector("[data-role=try-another]")) actions.appendChild(cloned(offered));
    answers().takeOver(actions);
    const button = actions.querySelector("[data-role=try-another]");
    button.dataset.offered = "";
    button.addEventListener("click", () => loadVariant(form));
  }

  function panelFor(form) {
    const known = document.getElementById(form.id + "-practice");
    if (known) return known;
    form.after(cloned(template(form, "panel")));
    const panel = document.getElementById(form.id + "-practice");
    panel.addEventListener("submit", (e) => check(form, panel, e));
    panel.addEventListener("click", (e) => help(form, panel, e.target.closest("button[data-role]")));
    return panel;
  }

  function help(form, panel, button) {
    if (!button || !panel.contains(button)) return;
    const body = { token: panel.dataset.token };
    const role = button.dataset.role;
    if (role === "next") loadVariant(form);
    else if (role === "hint") answers().takeHint(panel, button, body).catch(() => {});
    else if (role === "reveal") {
      answers().showAnswer(panel, button, body, panel.querySelector("[data-role=help]"))
        .then((data) => { if (data && form.dataset.practiceItem !== undefined) itemState(form, data.state); })
        .catch(() => {});
    }
  }

  async function loadVariant(form) {
    const panel = panelFor(form);
    try {
      const { ok, data } = await answers().send(form.dataset.variantUrl);
      if (!ok || !data) throw new Error("variant");
      panel.dataset.token = data.token;
      panel.dataset.attempts = "0";
      panel.querySelector(".practice-prompt").innerHTML = data.prompt; // typeset by the server
      panel.querySelector(".practice-format").textContent = data.format;
      panel.querySelector("[data-role=result]").replaceChildren();
      panel.querySelector("[data-role=help]").replaceChildren();
      const hints = panel.querySelector("[data-role=hints]");
      hints.replaceChildren();
      hints.hidden = true;
      // A new variant brings back the Hint and Show answer buttons the last one used up.
      const fresh = cloned(template(form, "panel"));
      panel.querySelector("[data-role=practice-actions]").replaceWith(fresh.querySelector("[data-role=practice-actions]"));
      const input = panel.querySelector("input");
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.focus();
    } catch (e) {
      answers().showError(panel.querySelector("[data-role=result]"), "A practice question could not be loaded. Try again in a moment.");
    }
  }

  async function check(form, panel, event) {
    event.preventDefault();
    const { postJSON, showError, resultBlock, dropRevealButton, setCsrf } = answers();
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
      if (form.dataset.practiceItem !== undefined) itemState(form, data.state);
      if (data.explanation) dropRevealButton(panel);
      setCsrf(data.csrf);
    } catch (e) {
      showError(region, "The server could not be reached. Check your connection, then try again.");
    }
  }

  // A practice-only item ("More practice"): its Start button opens the same panel, and its
  // state line follows each answer (the item never counts in the checkpoint's score).
  function itemState(item, state) {
    const line = item.querySelector("[data-role=state]");
    if (!line || !state) return;
    line.className = "question-state state-" + state.state;
    line.textContent = state.label;
    line.hidden = false;
  }

  document.querySelectorAll("[data-practice-item]").forEach((item) => {
    const start = item.querySelector("[data-role=start]");
    answers().takeOver(item); // the Start button shown, the no-script note gone: as drawn
    start.addEventListener("click", async () => {
      await loadVariant(item);
      // Once the panel holds a question, its own "Try another" brings the next one.
      if (panelFor(item).dataset.token) start.hidden = true;
    });
  });

  window.SeeingML.practice = { offer };
})();
