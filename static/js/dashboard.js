// The class dashboard: draws the answer charts (numbers come from the server), sorts the
// roster, and refreshes every few seconds while the tab is visible, announcing changes politely.
(() => {
  "use strict";
  const main = document.querySelector("main[data-live-url]");
  if (!main) return;
  const LIVE_URL = main.dataset.liveUrl;
  const POLL_MS = Math.max(1, Number(main.dataset.pollSeconds) || 10) * 1000;
  const PLOTLY_SRC = main.dataset.plotlySrc || "";
  const status = main.querySelector("[data-live-status]");
  const updated = main.querySelector("[data-updated]");

  // --- plotly.js, loaded once, only if the page has charts ------------------------------
  const loadPlotly = () => window.SeeingML.loadPlotly(PLOTLY_SRC);

  // A colour from chapter.css's variables (light or dark); plotly.js's own if none is set.
  // Under forced colours the variables name system colours (CanvasText…), which plotly.js
  // cannot read: the browser resolves them to rgb() first.
  function cssVar(name) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    if (!value || /^(#|rgb)/.test(value)) return value || undefined;
    const probe = document.createElement("span");
    probe.style.color = value;
    document.body.appendChild(probe);
    const resolved = getComputedStyle(probe).color;
    probe.remove();
    return resolved || undefined;
  }

  let figures = {};
  function drawCharts() {
    const holders = main.querySelectorAll("[data-chart]");
    if (!holders.length) return;
    loadPlotly().then((Plotly) => {
      const text = cssVar("--text");
      const rule = cssVar("--rule");
      holders.forEach((holder) => {
        const figure = figures[holder.dataset.chart];
        if (!figure) return;
        const layout = Object.assign({}, figure.layout, {
          paper_bgcolor: "rgba(0,0,0,0)",
          plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: text, family: getComputedStyle(main).fontFamily, size: 13 },
          xaxis: Object.assign({}, figure.layout.xaxis, { gridcolor: rule, zerolinecolor: rule }),
        });
        Plotly.react(holder, figure.data, layout,
          { displayModeBar: false, responsive: true, staticPlot: false });
      });
    }).catch(() => {
      holders.forEach((holder) => holder.setAttribute("hidden", ""));
    });
  }

  // --- sortable roster --------------------------------------------------------------------
  let sortState = { key: "name", dir: "ascending" };
  function sortRoster() {
    const table = main.querySelector("[data-roster]");
    if (!table) return;
    const headers = Array.from(table.querySelectorAll("thead th"));
    const index = headers.findIndex((th) => th.dataset.col === sortState.key);
    if (index < 0) return;
    const button = headers[index].querySelector("button");
    const numeric = button && button.dataset.kind === "number";
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const value = (row) => {
      const raw = row.cells[index].dataset.value || "";
      return numeric ? Number(raw) : raw;
    };
    const sign = sortState.dir === "ascending" ? 1 : -1;
    const name = (row) => row.cells[0].dataset.value || "";
    rows.sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x < y) return -sign;
      if (x > y) return sign;
      return name(a) < name(b) ? -1 : (name(a) > name(b) ? 1 : 0);  // ties: A to Z
    });
    rows.forEach((row) => body.appendChild(row));
    headers.forEach((th, i) => {
      if (i === index) th.setAttribute("aria-sort", sortState.dir);
      else th.removeAttribute("aria-sort");
    });
  }

  main.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-sort]");
    if (!button) return;
    const key = button.dataset.sort;
    const numeric = button.dataset.kind === "number";
    if (sortState.key === key) {
      sortState.dir = sortState.dir === "ascending" ? "descending" : "ascending";
    } else {
      // Numbers (states, scores) read best first; names A to Z; activity newest first.
      sortState = { key, dir: numeric || key === "last" ? "descending" : "ascending" };
    }
    sortRoster();
  });

  // --- live refresh -----------------------------------------------------------------------
  let version = null;
  let seen = null;  // the server's version of the numbers this page shows
  let counts = null;
  let timer = null;

  function replaceRegion(name, html) {
    const region = main.querySelector(`[data-region="${name}"]`);
    if (!region) return;
    // Keep keyboard focus where it was: find the same control in the new markup.
    const active = document.activeElement;
    const sortKey = active && region.contains(active) && active.dataset ? active.dataset.sort : null;
    region.innerHTML = html;
    if (sortKey) {
      const again = region.querySelector(`button[data-sort="${sortKey}"]`);
      if (again) again.focus();
    }
  }

  // The page states one time zone, UTC, for every time it shows.
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function utcTime(d) {
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}, ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  }

  // Folded question sections stay folded when the regions are drawn again.
  function foldedQuestions() {
    return Array.from(main.querySelectorAll("details[data-question]:not([open])"))
      .map((d) => d.dataset.question);
  }
  function refold(ids) {
    ids.forEach((id) => {
      const d = main.querySelector(`details[data-question="${id}"]`);
      if (d) d.open = false;
    });
  }

  function plural(n, one, many) { return `${n} ${n === 1 ? one : many}`; }

  function announce(previous, now) {
    if (!previous || !status) return;
    const parts = [];
    const newStudents = now.students - previous.students;
    const newAttempts = now.attempts - previous.attempts;
    if (newStudents > 0) parts.push(plural(newStudents, "new student", "new students"));
    if (newAttempts > 0) parts.push(plural(newAttempts, "new attempt", "new attempts"));
    if (parts.length) status.textContent = `Updated: ${parts.join(", ")}.`;
  }

  async function refresh() {
    let data;
    try {
      const url = seen ? `${LIVE_URL}?since=${encodeURIComponent(seen)}` : LIVE_URL;
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (err) {
      if (updated) updated.textContent = "Could not refresh just now; trying again shortly.";
      return;
    }
    if (updated) updated.textContent = `Numbers as of ${utcTime(new Date())}.`;
    if (data.unchanged) return;
    seen = data.version;
    const next = JSON.stringify(data.html);
    const now = { students: data.students, attempts: data.attempts };
    figures = data.figures || {};
    if (version === null) {
      version = next;
      counts = now;
      drawCharts();
    } else if (next !== version) {
      version = next;
      const folded = foldedQuestions();
      replaceRegion("summary", data.html.summary);
      replaceRegion("questions", data.html.questions);
      refold(folded);
      replaceRegion("roster", data.html.roster);
      if (data.html.practice) replaceRegion("practice", data.html.practice);
      sortRoster();
      drawCharts();
      announce(counts, now);
      counts = now;
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (document.visibilityState === "hidden") return;
    timer = setTimeout(async () => {
      await refresh();
      schedule();
    }, POLL_MS);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      refresh().then(schedule);
    } else {
      clearTimeout(timer);
    }
  });

  sortRoster();
  refresh().then(schedule);
})();
