// Copy buttons beside the class links: copy the link, say so in a polite live region.
(() => {
  "use strict";
  const status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copy);
      if (!field) return;
      const label = document.querySelector(`label[for="${field.id}"]`);
      const what = label ? label.textContent.trim() : "Link";
      try {
        await navigator.clipboard.writeText(field.value);
        if (status) status.textContent = `${what} copied.`;
      } catch (err) {
        field.focus();
        field.select();
        if (status) status.textContent = `${what} selected: press Ctrl+C (or ⌘C) to copy it.`;
      }
    });
  });
})();
