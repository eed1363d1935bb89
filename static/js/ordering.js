// The checkpoint's ordering question, enhanced: a step is moved by dragging its handle, or with
// Move up / Move down (no drag needed, WCAG 2.5.7). Without scripting each step has a
// position menu and the form posts as it is.
(function () {
  "use strict";

  const announce = (message) => window.SeeingML.answers.announce(message);

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

  // The server drew the handles, numbers and Move buttons (shown whenever scripting is on, so
  // taking the list over changes no height); here they are wired, and the no-script position
  // menus and hint give way.
  function enhance(form) {
    const list = form.querySelector("[data-steps]");
    if (!list) return;
    window.SeeingML.answers.takeOver(form);
    Array.from(list.children).forEach((li) => {
      const position = li.querySelector("[data-role=position]");
      if (position) position.remove(); // a plain post would send its menus too
      li.querySelector("[data-move=up]").addEventListener("click", () => move(list, li, "up"));
      li.querySelector("[data-move=down]").addEventListener("click", () => move(list, li, "down"));
      enableDrag(list, li, li.querySelector(".step-handle"));
    });
    list.classList.add("is-enhanced");
    refreshMoves(list);
  }

  // The steps in a stored answer's order ("a,c,b,d"), as a reload from a cache puts it back.
  function applyOrder(form, answer) {
    const list = form.querySelector("[data-steps]");
    if (!list) return;
    answer.split(",").forEach((id) => {
      const li = list.querySelector('[data-step="' + CSS.escape(id) + '"]');
      if (li) list.appendChild(li);
    });
    refreshMoves(list);
  }

  window.SeeingML.ordering = { enhance, applyOrder };
})();
