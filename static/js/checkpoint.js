// The checkpoint, enhanced: answers are sent with fetch and graded on the server, and after a
// reload the reader's results come back from /api/progress. The requests and the blocks the
// server renders are answers.js's; the ordering question is ordering.js's, "Try another"
// practice.js's (all three load before this file). Without these files every question is
// still a form that posts and the page comes back with the result. No answers are held here.
(function () {
  "use strict";

  const { el } = window.SeeingML.dom;
  const answers = window.SeeingML.answers;
  const { root, announce, send, postJSON, resultBlock, showError, setCsrf, setState, setEnding } = answers;
  if (!root || !window.fetch) return;

  const forms = Array.from(root.querySelectorAll("form.question"));
  const summary = root.querySelector("[data-role=summary]");
  const notice = root.querySelector("[data-role=notice]");
  const attempts = {}; // question id → attempts the server has counted

  function setSummary(s) {
    if (!summary || !s || !s.attempted) return;
    const score = typeof s.score === "number" && s.score !== s.correct ? " Score: " + Math.round(s.score * 100) / 100 + " of " + s.total + "." : "";
    summary.replaceChildren(el("strong", { text: s.correct + " of " + s.total }),
      document.createTextNode(" questions right without a shown answer so far." + score));
    summary.hidden = false;
  }

  function setNotice(message) {
    if (!notice) return;
    notice.textContent = message || "";
    notice.hidden = !message;
  }

  // --- answering -----------------------------------------------------------------------------

  function answerOf(form) {
    if (form.querySelector("[data-steps]")) {
      return Array.from(form.querySelectorAll("input[name=order]")).map((i) => i.value);
    }
    const checked = form.querySelector("input[name=answer]:checked");
    return checked ? checked.value : null;
  }

  function offerPractice(form) { // practice.js may not have come: the answer stands alone
    const practice = window.SeeingML.practice;
    if (form.dataset.variantUrl && practice) practice.offer(form);
  }

  function showResult(form, data) {
    const qid = form.dataset.question;
    if (data.attempt) attempts[qid] = data.attempt;
    else attempts[qid] = (attempts[qid] || 0) + 1;
    const block = resultBlock(data, attempts[qid]);
    // An explanation already on show (Show answer, or restored after a reload) is not repeated.
    const repeated = block.querySelector("[data-role=explanation]");
    if (repeated && form.querySelector("[data-role=help] [data-role=explanation]")) repeated.remove();
    form.querySelector("[data-role=result]").replaceChildren(block);
    form.querySelector("[data-role=submit]").textContent = "Try again";
    if (data.explanation) answers.dropRevealButton(form);
    setState(form, data.state);
    setEnding(data.ending_html, "focus");
    offerPractice(form);
    return block;
  }

  // The result lies under the button: on a phone often below the screen. The page scrolls to
  // show it as far as the button (with focus) stays under the masthead and in view; not where
  // focus went elsewhere (the chapter's ending, after the last question).
  function bringUp(block, button) {
    const focused = document.activeElement;
    if (focused && focused !== document.body && focused !== button) return;
    const masthead = document.querySelector(".masthead");
    const top = masthead ? masthead.getBoundingClientRect().bottom : 0;
    const below = block.getBoundingClientRect().bottom + 16 - window.innerHeight;
    const by = Math.min(below, button.getBoundingClientRect().top - top - 16);
    if (by > 0) window.scrollBy(0, by);
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
      const block = showResult(form, data);
      setCsrf(data.csrf);
      setSummary(data.summary);
      setNotice(data.saved ? null : data.notice);
      bringUp(block, form.querySelector("[data-role=submit]")); // once all above has grown
    } catch (e) {
      showError(region, "The server could not be reached. Check your connection, then try again.");
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  // A question's Hint and Show answer are submit buttons (they post without script).
  function helpClick(form, event) {
    const button = event.submitter;
    if (!button || !button.dataset.api || (button.dataset.role !== "hint" && button.dataset.role !== "reveal")) return false;
    event.preventDefault();
    const failed = () => showError(form.querySelector("[data-role=result]"), "The server could not be reached.");
    if (button.dataset.role === "hint") answers.takeHint(form, button, {}).catch(failed);
    else answers.showAnswer(form, button, {}, form.querySelector("[data-role=help]")).catch(failed);
    return true;
  }

  // --- state after a reload --------------------------------------------------------------------

  function applyHelp(form, help) {
    const list = form.querySelector("[data-role=hints]");
    if (!help || !list || list.querySelector(".hint")) return;
    help.hints.forEach((h) => answers.addHint(list, h));
    if (!help.more_hints) { const b = form.querySelector("[data-role=hint]"); if (b) b.remove(); }
    const region = form.querySelector("[data-role=help]");
    if (help.explanation && !form.querySelector("[data-role=explanation]")) {
      region.appendChild(el("div", { class: "result-explanation", "data-role": "explanation" }, [
        el("p", { class: "result-explanation-title", text: "Explanation" }), el("div", { html: help.explanation })]));
      answers.dropRevealButton(form);
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
        if (form.querySelector("[data-steps]")) window.SeeingML.ordering.applyOrder(form, state.answer);
        else {
          const radio = form.querySelector('input[name=answer][value="' + CSS.escape(state.answer) + '"]');
          if (radio) radio.checked = true;
        }
        region.replaceChildren(resultBlock(state, state.attempts));
        form.querySelector("[data-role=submit]").textContent = "Try again";
      }
      offerPractice(form);
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
    if (form.classList.contains("question-ordering")) window.SeeingML.ordering.enhance(form);
    form.addEventListener("submit", (e) => submit(form, e));
    if (form.querySelector(".result")) offerPractice(form);
  });
  send(root.dataset.progressUrl).then(({ ok, data }) => { if (ok && data) applyProgress(data); }).catch(() => {});
})();
