// HParams: one row per session (run) with its hyperparameters and final metrics, sortable.
import { api, numbers } from "./common/api.js";
import { el, fmt } from "./common/dom.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { revealTabs, showError, showMessage } from "./common/status.js";

const settings = new Settings({ runs: "", hide: [], sort: "" });
const box = document.getElementById("groups");
let sessions = [];
const sidebar = new RunSidebar(settings, () => render());

function value(v) { return v === "NaN" || v === "Infinity" || v === "-Infinity" ? numbers([v])[0] : v; }

function render() {
  const selected = new Set(sidebar.selected());
  const rows = sessions.filter((s) => selected.has(s.run));
  if (!sessions.length) { showMessage("no-data", { what: "hyperparameters", hint: "Log them with SummaryWriter.add_hparams(hparams, metrics)." }); box.replaceChildren(); return; }
  showMessage(null);
  const hnames = [...new Set(sessions.flatMap((s) => Object.keys(s.hparams)))];
  const mnames = [...new Set(sessions.flatMap((s) => Object.keys(s.metrics)))];
  const columns = [["run", "Run", (s) => s.run], ...hnames.map((h) => [`h:${h}`, h, (s) => s.hparams[h]]),
    ...mnames.map((m) => [`m:${m}`, m, (s) => s.metrics[m]])];
  const sort = settings.get("sort");
  const desc = sort.startsWith("-");
  const key = desc ? sort.slice(1) : sort;
  const col = columns.find((c) => c[0] === key);
  if (col) {
    rows.sort((a, b) => {
      const x = col[2](a), y = col[2](b);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
      return desc ? -c : c;
    });
  }
  const head = el("tr", {}, columns.map(([k, label]) => {
    const b = el("button", { type: "button" }, label, el("span", { "aria-hidden": "true" }, k === key ? (desc ? " ▼" : " ▲") : ""));
    b.addEventListener("click", () => { settings.set("sort", sort === k ? `-${k}` : k); render(); });
    return el("th", { scope: "col", "aria-sort": k === key ? (desc ? "descending" : "ascending") : "none" }, b);
  }));
  const body = rows.map((s) => {
    const dot = el("span", { class: "swatch" });
    dot.style.background = runColor(s.run);
    return el("tr", {}, el("td", {}, dot, s.run), columns.slice(1).map(([, , get]) => {
      const v = get(s);
      return el("td", { class: typeof v === "number" ? "n" : null }, typeof v === "number" ? fmt(v) : v ?? "–");
    }));
  });
  const section = el("section", { class: "compare", "aria-label": "Hyperparameters and metrics" },
    el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
  section.style.maxHeight = "none";
  box.replaceChildren(section);
}

async function main() {
  const [runsData, tagsData, hp] = await Promise.all([api("/api/runs"), api("/api/tags"), api("/api/hparams")]);
  setAllRuns(runsData.runs);
  revealTabs(tagsData.runs);
  sessions = Object.entries(hp.runs).filter(([, r]) => r.session_start_info).map(([run, r]) => ({
    run,
    hparams: Object.fromEntries(Object.entries(r.session_start_info.data.hparams ?? {}).map(([k, v]) => [k, value(v)])),
    metrics: Object.fromEntries(Object.entries(r.metrics ?? {}).map(([k, m]) => [k, value(m.value)])),
  }));
  sidebar.setRuns(sessions.map((s) => s.run));
  render();
}

main().catch(showError);
