// PR curves: a card per tag with each selected run's precision (y) against recall (x) in the
// run's colour, and one step slider per card over the steps any run kept (newest by default):
// each run shows its newest kept step at or before the chosen one. Hover: threshold,
// precision, recall, TP/FP/TN/FN.
import { api, numbers, plotly } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, runColor } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { showError, showMessage } from "./common/status.js";
import { loadRunsAndTags, sayIfNoRuns, startLive } from "./common/tagpage.js";

const settings = new Settings({ tags: "", runs: "", hide: [], closed: [] });
const groupsBox = document.getElementById("groups");
const tagFilter = document.getElementById("tag-filter");
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
let tagRuns = new Map();
let allRuns = [];
const cache = new Map();
const sidebar = new RunSidebar(settings, () => build().catch(showError));

tagFilter.value = settings.get("tags");
tagFilter.addEventListener("input", debounce(() => { settings.set("tags", tagFilter.value); build().catch(showError); }, 150));

function curves(run, tag) {
  const key = `${run}\0${tag}`;
  if (!cache.has(key)) cache.set(key, api("/api/pr_curves", { run, tag }));
  return cache.get(key);
}

/** The trace of one run's entry (the newest kept step at or before `step`). */
function trace(run, entry) {
  const n = entry.thresholds.length;
  const custom = [];
  for (let i = 0; i < n; i++) {
    custom.push([entry.thresholds[i], entry.true_positives[i], entry.false_positives[i],
      entry.true_negatives[i], entry.false_negatives[i]]);
  }
  return {
    type: "scatter", mode: "lines+markers", name: run, x: numbers(entry.recall), y: numbers(entry.precision),
    line: { color: runColor(run), width: 2 }, marker: { size: 3 }, customdata: custom,
    hovertemplate: `run ${run.replace(/[<>&%]/g, "")} · step ${entry.step}<br>threshold %{customdata[0]:.3f}<br>` +
      "precision %{y:.4f}  recall %{x:.4f}<br>TP %{customdata[1]}  FP %{customdata[2]}  " +
      "TN %{customdata[3]}  FN %{customdata[4]}<extra></extra>",
  };
}

async function drawCard(card, data, step) {
  const Plotly = await plotly();
  const traces = [];
  for (const { run, steps } of data) {
    const before = steps.filter((e) => e.step <= step);
    const entry = before.length ? before[before.length - 1] : steps[0];
    traces.push(trace(run, entry));
  }
  const layout = {
    margin: { l: 44, r: 10, t: 6, b: 36 }, showlegend: false, hovermode: "closest",
    font: { family: "system-ui, sans-serif", size: 11, color: "#1d2430" },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
    xaxis: { title: { text: "recall" }, range: [-0.02, 1.02], zeroline: false },
    yaxis: { title: { text: "precision" }, range: [-0.02, 1.02], zeroline: false },
  };
  await Plotly.react(card.plot, traces, layout, CONFIG);
  card.plot.dataset.drawn = String(traces.length);
  card.plot.dataset.step = String(step);
}

function makeCard(tag, runs) {
  const plot = el("div", { class: "plot" });
  const slider = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0",
    class: "step-slider", "aria-label": `Step of ${tag}` });
  const label = el("output", { class: "num-out" }, "");
  const article = el("article", { class: "card", "data-tag": tag },
    el("div", { class: "card-head" }, el("h3", { title: tag }, tag)), plot,
    el("div", { class: "step-row" }, slider, label));
  const card = { plot, slider, label };
  Promise.all(runs.map((run) => curves(run, tag).then((r) => ({ run, steps: r.steps })))).then((data) => {
    const steps = [...new Set(data.flatMap((d) => d.steps.map((e) => e.step)))].sort((a, b) => a - b);
    slider.max = String(steps.length - 1);
    slider.value = String(steps.length - 1);
    slider.disabled = steps.length < 2;
    const show = () => {
      const step = steps[Number(slider.value)];
      label.textContent = `step ${step}`;
      slider.setAttribute("aria-valuetext", `step ${step}`);
      drawCard(card, data, step).catch(showError);
    };
    slider.addEventListener("input", show);
    show();
  }).catch(showError);
  return article;
}

async function build() {
  const selected = sidebar.selected();
  const re = userRegex(tagFilter.value, tagFilter);
  const tags = [...tagRuns.keys()].filter((t) => !re || re.test(t));
  const sections = [];
  for (const [name, list] of groupTags(tags)) {
    const cards = [];
    for (const tag of list) {
      const runs = selected.filter((r) => tagRuns.get(tag).includes(r));
      if (runs.length) cards.push(makeCard(tag, runs));
    }
    if (!cards.length) continue;
    const { section, body } = groupSection(name, cards.length, settings);
    body.append(...cards);
    sections.push(section);
  }
  groupsBox.replaceChildren(...sections);
  document.getElementById("tag-count").textContent = `${tags.length} of ${tagRuns.size} tags`;
  if (allRuns.length && !tagRuns.size) showMessage("no-data", { what: "PR curves", hint: "Log some with SummaryWriter.add_pr_curve(tag, labels, predictions, step)." });
  else if (allRuns.length) showMessage(null);
}

async function load() {
  ({ allRuns, tagRuns } = await loadRunsAndTags("pr_curves", sidebar));
  await build();
  await sayIfNoRuns(allRuns);
}

startLive(load, () => cache.clear());
