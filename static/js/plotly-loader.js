// plotly.js is a megabyte even compressed: load it once per page, and only when a chart is
// about to be drawn. Shared by the chapter's widgets and the class dashboard.
(() => {
  "use strict";
  let pending = null;
  function loadPlotly(src) {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!src) return Promise.reject(new Error("no plotly.js on this site"));
    if (!pending) {
      pending = new Promise((resolve, reject) => {
        const tag = document.createElement("script");
        tag.src = src;
        tag.async = true;
        tag.addEventListener("load", () => resolve(window.Plotly));
        tag.addEventListener("error", () => {
          pending = null; // a later chart may try again
          reject(new Error("plotly.js did not load"));
        });
        document.head.appendChild(tag);
      });
    }
    return pending;
  }
  window.SeeingML = Object.assign(window.SeeingML || {}, { loadPlotly });
})();
