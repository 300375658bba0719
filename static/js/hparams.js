// HParams: one session per run with its hyperparameters and final metrics, as a sortable table,
// parallel coordinates or a scatter matrix; filters per column in the sidebar. Each session keeps
// its run's colour and links to that run's curves.
import { api, numbers } from "./common/api.js";
import { el, fmt } from "./common/dom.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings, bindRadios } from "./common/settings.js";
import { revealTabs, showError, showMessage } from "./common/status.js";
import { columnsOf, compact, passes, readFilters, renderFilters } from "./hparams/filters.js";
import { drawParallel, drawScatter } from "./hparams/plots.js";

const settings = new Settings({ runs: "", hide: [], sort: "", view: "table", filters: "" });
const box = document.getElementById("groups");
const count = document.getElementById("session-count");
let sessions = [];
let columns = [];
let filters = readFilters(settings);
const sidebar = new RunSidebar(settings, () => render());

function value(v) { return v === "NaN" || v === "Infinity" || v === "-Infinity" ? numbers([v])[0] : v; }

function saveFilters() {
  const kept = compact(filters);
  settings.set("filters", Object.keys(kept).length ? JSON.stringify(kept) : "");
}

/** A link to the run's curves: the scalars page with the run filter matching this run only. */
function runLink(run) {
  const exact = `^${run.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`;
  return el("a", { href: `/scalars?${new URLSearchParams({ runs: exact })}`, title: `${run}: its curves` }, run);
}

function sortRows(rows) {
  const sort = settings.get("sort");
  const desc = sort.startsWith("-");
  const key = desc ? sort.slice(1) : sort;
  const get = key === "run" ? (s) => s.run : columns.find((c) => c.key === key)?.get;
  if (get) {
    rows.sort((a, b) => {
      const x = get(a), y = get(b);
      if (x === undefined || y === undefined) return (x === undefined) - (y === undefined);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return desc ? -c : c;
    });
  }
  return { key, desc, sort };
}

function table(rows) {
  const { key, desc, sort } = sortRows(rows);
  const all = [{ key: "run", label: "Run" }, ...columns];
  const head = el("tr", {}, all.map((c) => {
    const b = el("button", { type: "button", title: c.kind ? `${c.kind} ${c.label}` : "run" }, c.label,
      el("span", { "aria-hidden": "true" }, c.key === key ? (desc ? " ▼" : " ▲") : ""));
    b.addEventListener("click", () => { settings.set("sort", sort === c.key ? `-${c.key}` : c.key); render(); });
    return el("th", { scope: "col", class: c.numeric ? "n" : null,
      "aria-sort": c.key === key ? (desc ? "descending" : "ascending") : "none" }, b);
  }));
  const body = rows.map((s) => {
    const dot = el("span", { class: "swatch", "aria-hidden": "true" });
    dot.style.background = runColor(s.run);
    return el("tr", { "data-run": s.run }, el("td", {}, dot, runLink(s.run)), columns.map((c) => {
      const v = c.get(s);
      return el("td", { class: typeof v === "number" ? "n" : null }, typeof v === "number" ? fmt(v) : v ?? "–");
    }));
  });
  const section = el("section", { class: "compare", "aria-label": "Hyperparameters and metrics" },
    el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
  section.style.maxHeight = "none";
  return section;
}

async function render() {
  if (!sessions.length) {
    showMessage("no-data", { what: "hyperparameters", hint: "Log them with SummaryWriter.add_hparams(hparams, metrics)." });
    box.replaceChildren();
    count.textContent = "";
    return;
  }
  showMessage(null);
  const selected = new Set(sidebar.selected());
  const rows = sessions.filter((s) => selected.has(s.run) && passes(s, columns, filters));
  count.textContent = `${rows.length} of ${sessions.length} sessions`;
  const view = settings.get("view");
  if (view === "table") { box.replaceChildren(table(rows)); return; }
  const plot = el("div", { class: "hp-plot", role: "figure",
    "aria-label": view === "parallel" ? "Parallel coordinates" : "Scatter matrix" });
  box.replaceChildren(plot);
  if (view === "parallel") {
    // Numeric filters become the axes' brushes, so the lines outside them stay visible, dimmed.
    const categorical = { ...filters };
    for (const c of columns) if (c.numeric) delete categorical[c.key];
    const lines = sessions.filter((s) => selected.has(s.run) && passes(s, columns, categorical));
    await drawParallel(plot, lines, columns, filters, (key, range) => {
      filters[key] = range ? { min: Math.min(...range), max: Math.max(...range) } : {};
      saveFilters();
      renderFilters(document.getElementById("hp-filters"), columns, filters, onFilters);
      count.textContent = `${sessions.filter((s) => selected.has(s.run) && passes(s, columns, filters)).length} of ${sessions.length} sessions`;
    });
  } else {
    await drawScatter(plot, rows, columns);
  }
}

function onFilters() { saveFilters(); render().catch(showError); }

async function main() {
  const [runsData, tagsData, hp] = await Promise.all([api("/api/runs"), api("/api/tags"), api("/api/hparams")]);
  setAllRuns(runsData.runs);
  revealTabs(tagsData.runs);
  sessions = Object.entries(hp.runs).filter(([, r]) => r.session_start_info).map(([run, r]) => ({
    run,
    hparams: Object.fromEntries(Object.entries(r.session_start_info.data.hparams ?? {}).map(([k, v]) => [k, value(v)])),
    metrics: Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, m]) => [k, value(m.value)])),
  }));
  columns = columnsOf(sessions);
  sidebar.setRuns(sessions.map((s) => s.run));
  renderFilters(document.getElementById("hp-filters"), columns, filters, onFilters);
  document.getElementById("filters-clear").addEventListener("click", () => {
    filters = {};
    saveFilters();
    renderFilters(document.getElementById("hp-filters"), columns, filters, onFilters);
    render().catch(showError);
  });
  bindRadios("hp-view", "view", settings, () => render().catch(showError));
  await render();
}

main().catch(showError);
