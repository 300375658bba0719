// Diagnostics: one card per diagnosis (run and tags, cause, the evidence in numbers, the next
// step), errors first, each with a link to its chart.
import { api } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";
import { chartLink, findingTags, kindLabel } from "./findings.js";

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
  const shown = findings.filter((f) => selected.has(f.run) && (!re || findingTags(f).some((t) => re.test(t))));
  document.getElementById("tag-count").textContent =
    `${shown.length} of ${findings.length} finding${findings.length === 1 ? "" : "s"}`;
  if (!allRuns.length) return;
  if (!findings.length) {
    groupsBox.replaceChildren(el("div", { class: "all-clear", role: "status" },
      el("strong", {}, "No red flags."), " Every check passed on every run: losses finite and falling, ",
      "weights moving away from their initialisation without collapsing or exploding."));
    return;
  }
  groupsBox.replaceChildren(el("div", { class: "diagnoses", role: "list", "aria-label": "Diagnoses" },
    ...shown.map(diagnosisCard)));
}

function number(v) {
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function diagnosisCard(f) {
  const swatch = el("span", { class: "swatch", "aria-hidden": "true" });
  swatch.style.setProperty("--swatch", runColor(f.run));
  const link = chartLink(f, histogramTags);
  const tags = findingTags(f);
  const what = f.advice && f.message.endsWith(f.advice)
    ? f.message.slice(0, f.message.length - f.advice.length).replace(/[.\s]+$/, "") : f.message;
  const evidence = Object.entries(f.evidence ?? {});
  return el("article", { class: `diagnosis ${f.severity}`, role: "listitem", "data-run": f.run,
                         "data-tag": f.tag, "data-kind": f.kind, "data-cause": f.cause ?? "" },
    el("header", {},
      el("span", { class: `severity ${f.severity}` }, f.severity),
      el("h3", {}, kindLabel(f.kind)),
      el("span", { class: "run" }, swatch, f.run),
      el("span", { class: "num" }, f.step === null ? "" : `step ${f.step}`)),
    el("p", { class: "tags" }, tags.join(", ")),
    el("p", { class: "message" }, what),
    f.cause ? el("p", { class: "cause" }, el("strong", {}, "Cause: "), f.cause.replaceAll("_", " ")) : null,
    evidence.length ? el("dl", { class: "evidence", "aria-label": "Evidence" },
      ...evidence.flatMap(([k, v]) => [el("dt", {}, k.replaceAll("_", " ")), el("dd", {}, number(v))])) : null,
    f.advice ? el("p", { class: "advice" }, el("strong", {}, "Next step: "), f.advice) : null,
    el("a", { href: link.href, class: "chart-link" }, `Show on ${link.page}`));
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
