// Spaced review, enhanced: each due review is answered in place (fetch, no page load), its
// result or its error shown inside its own form, and every review time is written in the
// reader's own words, language and time zone. Without this file the review forms post and
// the page comes back with the result or the error in the same place. No answers here: the
// server grades and renders the result block (templates/partials/result.html).
(function () {
  "use strict";

  // --- times: <time datetime="ISO" data-review-time>tomorrow</time> → "tomorrow (Tue 3 Mar, 10:00)"
  function describe(moment, now) {
    const days = Math.round((startOfDay(moment) - startOfDay(now)) / 86400000);
    const date = new Intl.DateTimeFormat(undefined, {
      weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit",
    }).format(moment);
    if (!window.Intl || !Intl.RelativeTimeFormat) return date;
    const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    const hours = Math.round((moment - now) / 3600000);
    const words = days === 0 && hours > 0 ? relative.format(hours, "hour") : relative.format(days, "day");
    return words + " (" + date + ")";
  }

  function startOfDay(moment) {
    return new Date(moment.getFullYear(), moment.getMonth(), moment.getDate()).getTime();
  }

  function writeTimes(scope) {
    if (!window.Intl || !Intl.DateTimeFormat) return;
    scope.querySelectorAll("time[data-review-time]").forEach((node) => {
      const moment = new Date(node.getAttribute("datetime"));
      if (isNaN(moment.getTime())) return;
      node.textContent = describe(moment, new Date());
      node.title = moment.toLocaleString();
    });
  }

  writeTimes(document);

  const section = document.querySelector("[data-role=review]");
  if (!section || !window.fetch) return;

  const { el } = window.SeeingML.dom;

  function showError(form, message) {
    const box = form.querySelector("[data-role=review-error]");
    box.textContent = message;
    box.hidden = false;
    form.querySelectorAll("input[name=answer]").forEach((input) => {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", box.id);
    });
  }

  function clearError(form) {
    const box = form.querySelector("[data-role=review-error]");
    box.hidden = true;
    box.textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
  }

  // The answer as the JSON API takes it, or an error message to show instead of sending.
  function answerOf(form) {
    const text = form.querySelector("input[type=text][name=answer]");
    if (text) return text.value.trim() ? { answer: text.value } : { error: "Type your answer, then press Check." };
    const steps = Array.from(form.querySelectorAll("li.step"));
    if (steps.length) {
      const placed = steps.map((li) => ({
        id: li.querySelector("input[name=order]").value,
        at: Number(li.querySelector("select[name=position]").value),
      }));
      if (new Set(placed.map((p) => p.at)).size !== placed.length) {
        return { error: "Give each step a different position: 1 for the first step, 2 for the next, and so on." };
      }
      return { answer: placed.sort((a, b) => a.at - b.at).map((p) => p.id) };
    }
    const chosen = form.querySelector("input[type=radio][name=answer]:checked");
    return chosen ? { answer: chosen.value } : { error: "Choose one of the answers, then press Check." };
  }

  // One fewer review due: the heading's notice at the top and the contents' entry follow.
  function countDown() {
    const left = section.querySelectorAll("form.review-form:not([data-done])").length;
    const words = left + (left === 1 ? " review due" : " reviews due");
    document.querySelectorAll("[data-role=review-notice] a, [data-role=review-toc]").forEach((link) => {
      if (left) link.textContent = words;
      else (link.closest("li") || link.closest("p")).remove();
    });
  }

  async function submit(event) {
    const form = event.target.closest("form.review-form");
    if (!form) return;
    event.preventDefault();
    if (form.hasAttribute("aria-busy") || form.hasAttribute("data-done")) return;
    clearError(form);
    const wanted = answerOf(form);
    if (wanted.error) {
      showError(form, wanted.error);
      return;
    }
    const token = form.querySelector("input[name=token]").value;
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ answer: wanted.answer, token: token }),
      });
      const data = await response.json().catch(() => null);
      if (!response.ok || !data) {
        showError(form, (data && data.error) || "That review could not be checked. Try again in a minute.");
        return;
      }
      done(form, data);
    } catch (e) {
      showError(form, "The server could not be reached, so your review was not saved. Check your connection, then try again.");
    } finally {
      form.removeAttribute("aria-busy");
    }
  }

  function done(form, data) {
    const region = form.querySelector("[data-role=review-result]");
    region.innerHTML = data.result_html || ""; // markup rendered by the server, never input
    const next = el("p", { class: "review-next" });
    if (data.next_due) {
      next.append(data.correct ? "Right. Next review of this question: " : "It comes back ");
      next.append(el("time", { datetime: data.next_due, "data-review-time": "", text: data.next_due_words || data.next_due.slice(0, 10) }));
      next.append(".");
    } else {
      next.textContent = "Right. That was this question's last review.";
    }
    region.appendChild(next);
    writeTimes(region);
    form.setAttribute("data-done", "");
    form.querySelectorAll("input, select, button").forEach((control) => { control.disabled = true; });
    countDown();
    region.setAttribute("tabindex", "-1");
    region.focus();
  }

  section.addEventListener("submit", submit);
})();
