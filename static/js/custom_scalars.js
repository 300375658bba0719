// Custom scalars: the merged layout of all runs (/api/custom_scalars), a section per category.
// A multiline chart draws every scalar tag its regexes match (matched on the server with
// Python's re.match, per run), one line per (run, tag); a margin chart draws each series'
// value line inside the band between its lower and upper tags. Curves: /api/pages/scalars.
import { api, numbers, plotly } from "./common/api.js";
import { el } from "./common/dom.js";
import { groupSection } from "./common/groups.js";
import { RunSidebar, runColor, shade } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { showError, showMessage } from "./common/status.js";
import { loadRunsAndTags, sayIfNoRuns, startLive } from "./common/tagpage.js";

const settings = new Settings({ runs: "", hide: [], closed: [] });
const groupsBox = document.getElementById("groups");
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"];
let layoutData = { layout: {}, runs: [] };
let allRuns = [];
const cache = new Map();
const sidebar = new RunSidebar(settings, () => build().catch(showError));
document.getElementById("tag-filter").hidden = true;

/** {run: {step, value}} of one tag for the given runs (those without it are left out). */
function curves(tag, runs) {
  const key = `${tag}\0${runs.join("\0")}`;
  if (!cache.has(key)) {
    cache.set(key, api("/api/pages/scalars", { tag, run: runs, smoothing: 0, max_points: 2000 }).then((r) =>
      Object.fromEntries(r.series.map((s) => [s.run, { step: s.step, value: numbers(s.value) }]))));
  }
  return cache.get(key);
}

const clean = (text) => String(text).replace(/[<>&%]/g, "");

async function multiline(chart, runs) {
  const traces = [];
  const tagIndex = new Map();
  const perTag = new Map();
  for (const run of runs) {
    for (const tag of chart.matches?.[run] ?? []) {
      if (!perTag.has(tag)) perTag.set(tag, []);
      perTag.get(tag).push(run);
      if (!tagIndex.has(tag)) tagIndex.set(tag, tagIndex.size);
    }
  }
  for (const [tag, tagRuns] of perTag) {
    const data = await curves(tag, tagRuns);
    for (const run of tagRuns) {
      if (!data[run]) continue;
      traces.push({ type: "scatter", mode: "lines", x: data[run].step, y: data[run].value,
        line: { color: runColor(run), width: 1.6, dash: DASHES[tagIndex.get(tag) % DASHES.length] },
        hovertemplate: `${clean(run)} · ${clean(tag)}<br>step %{x}: %{y:.4g}<extra></extra>` });
    }
  }
  return traces;
}

async function margin(chart, runs) {
  const traces = [];
  for (const series of chart.margin.series ?? []) {
    const having = runs.filter((r) => (series.runs ?? []).includes(r));
    if (!having.length) continue;
    const [value, lower, upper] = await Promise.all([series.value, series.lower, series.upper]
      .map((t) => (t ? curves(t, having) : Promise.resolve({}))));
    for (const run of having) {
      const color = runColor(run);
      const name = `${clean(run)} · ${clean(series.value)}`;
      if (lower[run] && upper[run]) {
        traces.push({ type: "scatter", mode: "lines", x: lower[run].step, y: lower[run].value,
          line: { color, width: 0 }, hovertemplate: `${name} lower<br>step %{x}: %{y:.4g}<extra></extra>` });
        traces.push({ type: "scatter", mode: "lines", x: upper[run].step, y: upper[run].value, fill: "tonexty",
          fillcolor: shade(color, 0.75), line: { color, width: 0 },
          hovertemplate: `${name} upper<br>step %{x}: %{y:.4g}<extra></extra>` });
      }
      if (value[run]) {
        traces.push({ type: "scatter", mode: "lines", x: value[run].step, y: value[run].value,
          line: { color, width: 1.8 }, hovertemplate: `${name}<br>step %{x}: %{y:.4g}<extra></extra>` });
      }
    }
  }
  return traces;
}

async function draw(plot, chart, runs) {
  const traces = chart.multiline ? await multiline(chart, runs) : await margin(chart, runs);
  const Plotly = await plotly();
  await Plotly.react(plot, traces, {
    margin: { l: 44, r: 10, t: 6, b: 28 }, showlegend: false, hovermode: "closest",
    font: { family: "system-ui, sans-serif", size: 11, color: "#1d2430" },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff", xaxis: { title: { text: "step" } },
  }, CONFIG);
  plot.dataset.drawn = String(traces.length);
}

function describe(chart) {
  if (chart.multiline) {
    const bad = chart.invalid?.length ? ` (not valid regexes: ${chart.invalid.join(", ")})` : "";
    return `tags matching ${(chart.multiline.tag ?? []).join(", ")}${bad}`;
  }
  return (chart.margin?.series ?? []).map((s) => `${s.value} in [${s.lower}, ${s.upper}]`).join("; ");
}

async function build() {
  const runs = sidebar.selected();
  const sections = [];
  for (const category of layoutData.layout.category ?? []) {
    const cards = [];
    for (const chart of category.chart ?? []) {
      if (!chart.multiline && !chart.margin) continue;
      const plot = el("div", { class: "plot" });
      cards.push(el("article", { class: "card", "data-chart": chart.title ?? "" },
        el("div", { class: "card-head" }, el("h3", { title: chart.title ?? "" }, chart.title ?? "")),
        el("div", { class: "muted chart-tags" }, describe(chart)), plot));
      draw(plot, chart, runs).catch(showError);
    }
    const { section, body } = groupSection(category.title ?? "", cards.length, settings);
    body.append(...cards);
    sections.push(section);
  }
  groupsBox.replaceChildren(...sections);
  if (allRuns.length && !layoutData.runs.length) showMessage("no-data", { what: "custom scalar layouts", hint: "Write one with SummaryWriter.add_custom_scalars(layout)." });
  else if (allRuns.length) showMessage(null);
}

async function load() {
  let layout;
  ({ allRuns, extra: [layout] } = await loadRunsAndTags("scalars", sidebar, "/api/custom_scalars"));
  layoutData = layout;
  await build();
  await sayIfNoRuns(allRuns);
}

startLive(load, () => cache.clear());
