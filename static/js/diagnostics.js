// Diagnostics: the red flags found in the runs, errors first, each with a link to its chart.
import { api } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";
import { chartLink, kindLabel } from "./findings.js";

const settings = new Settings({ tags: "", runs: "", hide: [] });
const groupsBox = document.getElementById("groups");
const tagFilter = document.getElementById("tag-filter");
let findings = [];
let histogramTags = new Set();
let allRuns = [];
const sidebar = new RunSidebar(settings, () => render());

tagFilter.value = settings.get("tags");
tagFilter.addEventListener("input", debounce(() => { settings.set("tags", tagFilter.value); render(); }, 150));

function render() {
  const selected = new Set(sidebar.selected());
  const re = userRegex(tagFilter.value, tagFilter);
  const shown = findings.filter((f) => selected.has(f.run) && (!re || re.test(f.tag)));
  document.getElementById("tag-count").textContent =
    `${shown.length} of ${findings.length} finding${findings.length === 1 ? "" : "s"}`;
  if (!allRuns.length) return;
  if (!findings.length) {
    groupsBox.replaceChildren(el("div", { class: "all-clear", role: "status" },
      el("strong", {}, "No red flags."), " Every check passed on every run: losses finite and falling, ",
      "weights moving away from their initialisation without collapsing or exploding."));
    return;
  }
  const rows = shown.map((f) => {
    const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
    swatch.style.setProperty("--swatch", runColor(f.run));
    const link = chartLink(f, histogramTags);
    return el("tr", { class: f.severity, "data-run": f.run, "data-tag": f.tag, "data-kind": f.kind },
      el("td", {}, el("span", { class: `severity ${f.severity}` }, f.severity)),
      el("td", {}, kindLabel(f.kind)),
      el("td", { class: "run" }, swatch, f.run),
      el("td", { class: "tag" }, f.tag),
      el("td", { class: "num" }, f.step === null ? "–" : String(f.step)),
      el("td", { class: "message" }, f.message),
      el("td", {}, el("a", { href: link.href, class: "chart-link" }, `Show on ${link.page}`)));
  });
  const table = el("table", { class: "findings", "aria-label": "Findings" },
    el("thead", {}, el("tr", {}, ...["Severity", "Finding", "Run", "Tag", "Step", "What it means", ""]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, ...rows));
  groupsBox.replaceChildren(table);
}

async function load() {
  const [runsData, tagsData, diag] = await Promise.all([api("/api/runs"), api("/api/tags"), api("/api/diagnostics")]);
  setAllRuns(runsData.runs);
  revealTabs(tagsData.runs);
  allRuns = runsData.runs;
  findings = diag.findings;
  histogramTags = new Set(Object.entries(tagsData.runs).flatMap(([run, t]) => (t.histograms ?? []).map((tag) => `${run}\0${tag}`)));
  sidebar.setRuns(runsData.runs);
  render();
  if (!runsData.runs.length) {
    const status = await loadStatus();
    showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
  } else {
    showMessage(null);
  }
}

load().then(() => {
  loadStatus().catch(showError);
  live(async () => { await load(); await loadStatus(); });
}).catch(showError);
