// Scalars: one chart per tag overlaying the selected runs, smoothed on the server over the full
// series, grouped by tag prefix, with a run-comparison table. This module holds the page's state
// and controls; the parts: scalars/chart.js (traces and layout), scalars/sketch.js (first paint
// without plotly), scalars/hover.js (tooltip, highlight), scalars/select.js
// (clicked steps and their table), scalars/cards.js (card, downloads) and
// scalars/compare.js (the comparison table).
import { api, plotly } from "./common/api.js";
import { debounce, userRegex } from "./common/dom.js";
import { LazyDrawer, groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, setAllRuns } from "./common/runs.js";
import { Settings, bindRadios } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";
import { applyLimits, axisControls, axisOf, extremaTraces } from "./scalars/axes.js";
import { downloadList, makeCard } from "./scalars/cards.js";
import { figure, prepare } from "./scalars/chart.js";
import { Compare } from "./scalars/compare.js";
import { bandTraces, groupSeries } from "./scalars/grouping.js";
import { highlightRun, hover, liteHover } from "./scalars/hover.js";
import { RunGrouping } from "./scalars/rungroups.js";
import { bindSelection, renderSelection, selectionShapes } from "./scalars/select.js";
import { liteZoom, sketch } from "./scalars/sketch.js";

const settings = new Settings({
  smoothing: 0.6, x: "step", logy: false, outliers: true, tags: "", runs: "", hide: [], closed: [],
  compare: false, sort: "tag", tip: "nearest", pins: [],
  yscale: [], ylim: [], extrema: false, group: "", groupby: "", band: "minmax",
});

const groupsBox = document.getElementById("groups");
const tagFilter = document.getElementById("tag-filter");
const slider = document.getElementById("smoothing-slider");
const smoothingBox = document.getElementById("smoothing");

const tagRuns = new Map();       // tag -> runs that have it (sorted)
const cards = new Map();         // tag -> {card, plot, downloads}
const cache = new Map();         // tag -> {key, data}
let generation = 0;              // bumped by each live refresh: cached data is then re-fetched

const sidebar = new RunSidebar(settings, () => { applyTagFilter(); redrawAll(); compare.render(); },
  (run) => highlightRun(run, drawer.visible));
const drawer = new LazyDrawer((plot) => drawPlot(plot));
const compare = new Compare(settings, () => sidebar.selected(), () => tagFilter.value);

// ---------------------------------------------------------------- controls

function smoothing() { return Math.min(0.999, Math.max(0, Number(settings.get("smoothing")) || 0)); }
slider.value = smoothingBox.value = String(smoothing());
const smoothingChanged = debounce(() => redrawAll(), 120);
slider.addEventListener("input", () => {
  smoothingBox.value = slider.value;
  settings.set("smoothing", Number(slider.value));
  smoothingChanged();
});
smoothingBox.addEventListener("change", () => {
  const v = Math.min(0.999, Math.max(0, Number(smoothingBox.value) || 0));
  smoothingBox.value = slider.value = String(v);
  settings.set("smoothing", v);
  redrawAll();
});
bindRadios("xaxis", "x", settings, redrawAll);
for (const [id, key] of [["logy", "logy"], ["outliers", "outliers"], ["extrema", "extrema"]]) {
  const box = document.getElementById(id);
  box.checked = settings.get(key);
  box.addEventListener("change", () => { settings.set(key, box.checked); redrawAll(); });
}
const tipMode = document.getElementById("tooltip-mode");
tipMode.value = settings.get("tip") === "interp" ? "interp" : "nearest";
tipMode.addEventListener("change", () => settings.set("tip", tipMode.value));
const grouping = new RunGrouping(settings, () => redrawAll());
const bandBox = document.getElementById("group-band");
bandBox.value = settings.get("band") === "std" ? "std" : "minmax";
bandBox.addEventListener("change", () => { settings.set("band", bandBox.value); redrawAll(); });
tagFilter.value = settings.get("tags");
tagFilter.addEventListener("input", debounce(() => {
  settings.set("tags", tagFilter.value);
  applyTagFilter();
  compare.render();
}, 150));

// ---------------------------------------------------------------- groups

/** Rebuild the groups from the current tags, reusing existing cards (and their charts). */
function buildGroups() {
  // Pinned charts move, in pin order, to a group of their own at the top.
  const pins = settings.get("pins").filter((t) => tagRuns.has(t));
  const pinned = new Set(pins);
  const groups = new Map([...(pins.length ? [[PINNED, pins]] : []),
    ...groupTags([...tagRuns.keys()].filter((t) => !pinned.has(t)))]);
  const keep = new Set(tagRuns.keys());
  for (const [tag, c] of cards) {
    if (!keep.has(tag)) { drawer.unobserve(c.plot); cards.delete(tag); cache.delete(tag); }
  }
  const sections = [];
  for (const [name, tags] of groups) {
    const { section, body } = groupSection(name, tags.length, settings, (open) => { if (open) applyTagFilter(); });
    for (const tag of tags) {
      let c = cards.get(tag);
      if (!c) {
        c = makeCard(tag, tagRuns.get(tag) ?? []);
        c.pin.addEventListener("click", () => togglePin(tag));
        c.downloads.after(axisControls(tag, settings, () => drawer.invalidate([c.plot])));
        cards.set(tag, c);
        drawer.observe(c.plot);
      } else {
        c.downloads.replaceChild(downloadList(tag, tagRuns.get(tag) ?? []), c.downloads.lastChild);
      }
      c.pin.setAttribute("aria-pressed", String(pinned.has(tag)));
      c.pin.textContent = pinned.has(tag) ? "★" : "☆";
      c.pin.setAttribute("aria-label", `${pinned.has(tag) ? "Unpin" : "Pin"} ${tag}`);
      body.append(c.card);
    }
    sections.push(section);
  }
  groupsBox.replaceChildren(...sections);
  applyTagFilter();
  drawer.drawInView([...cards.values()].filter((c) => !c.card.hidden).map((c) => c.plot));
}

const PINNED = "Pinned";

function togglePin(tag) {
  const pins = settings.get("pins");
  settings.set("pins", pins.includes(tag) ? pins.filter((t) => t !== tag) : [...pins, tag]);
  buildGroups();
  const c = cards.get(tag);
  if (c?.plot.dataset.drawn) window.Plotly.Plots.resize(c.plot);
  else c?.plot._lite?.draw();
}

/** Show the charts whose tag passes the filter and that some selected run has. */
function applyTagFilter() {
  const re = userRegex(tagFilter.value, tagFilter);
  const selected = new Set(sidebar.selected());
  let shown = 0;
  for (const section of groupsBox.children) {
    let inGroup = 0;
    for (const card of section.querySelectorAll(".card")) {
      const tag = card.dataset.tag;
      const ok = (!re || re.test(tag)) && (tagRuns.get(tag) ?? []).some((r) => selected.has(r));
      card.hidden = !ok;
      inGroup += ok;
    }
    section.hidden = inGroup === 0;
    section.querySelector(".count").textContent = String(inGroup);
    shown += inGroup;
  }
  document.getElementById("tag-count").textContent = `${shown} of ${tagRuns.size} tags`;
  if (tagRuns.size && !shown && tagFilter.value) showMessage("no-match", { filter: tagFilter.value });
  else if (tagRuns.size && !shown) showMessage("no-data", { what: "scalars" });
  else if (tagRuns.size) showMessage(null);
}

// ---------------------------------------------------------------- drawing

function redrawAll() {
  drawer.invalidate([...cards.values()].map((c) => c.plot));
}

const RUNS_PER_REQUEST = 500;

async function drawPlot(plot) {
  const tag = plot.dataset.tag;
  const runs = tagRuns.get(tag) ?? [];
  const w = smoothing();
  // A point per pixel column: M4 keeps each 4-pixel bucket's first, last, min and max.
  const maxPoints = Math.max(200, Math.min(2000, Math.round(plot.clientWidth || 480)));
  const key = `${w}|${maxPoints}|${generation}|${runs.join("\u0000")}`;
  const token = (plot._token = (plot._token ?? 0) + 1);
  let entry = cache.get(tag);
  if (!entry || entry.key !== key) {
    // The server takes at most RUNS_PER_REQUEST runs a request (SECURITY.md): a sweep of more
    // runs is asked for in parts.
    const parts = [];
    for (let i = 0; i < Math.max(runs.length, 1); i += RUNS_PER_REQUEST) {
      const run = runs.slice(i, i + RUNS_PER_REQUEST);
      parts.push(api("/api/pages/scalars", { tag, run, smoothing: w, max_points: maxPoints }));
    }
    inflight++;
    const answers = await Promise.all(parts).finally(() => { inflight--; });
    const data = { ...answers[0], series: answers.flatMap((a) => a.series),
                   missing: answers.flatMap((a) => a.missing) };
    if (token !== plot._token) return;  // a newer draw of this chart is on its way
    entry = { key, data: prepare(data) };
    cache.set(tag, entry);
  }
  // Drawn by plotly already: redrawn by it. Else the canvas chart now (interactive at once),
  // replaced by plotly's when the pointer enters it or the page is idle (`upgrade`).
  if (!plot.dataset.drawn && render(plot, entry.data, w, true)) { queueUpgrade(plot, () => token === plot._token && render(plot, entry.data, w)); return; }
  await loadPlotly();
  if (token !== plot._token) return;
  render(plot, entry.data, w);
}

// ---------------------------------------------------------------- plotly, after first paint

// plotly.js's basic bundle (preloaded by the page) takes ~0.3 s to parse and each chart of 40
// traces some 0.1-0.5 s to draw: work that must not delay the data's fetch nor the canvas
// charts. It is parsed once no chart's data is on its way (or a chart needs it: a date axis),
// then the canvas charts are replaced one at a time, the one under the pointer first.
let plotlyLoad = null;
function loadPlotly() {
  plotlyLoad ??= plotly().then((P) => { setTimeout(pump, 0); return P; });
  return plotlyLoad;
}
const waiting = new Map();   // plot -> () => draw it with plotly
let pumping = false;
function queueUpgrade(plot, draw) {
  waiting.set(plot, draw);
  if (!plot._upgradeBound) {
    plot._upgradeBound = true;
    plot.addEventListener("pointerenter", () => { plot._wanted = Date.now(); loadPlotly(); setTimeout(pump, 0); });
  }
  if (window.Plotly) setTimeout(pump, 0);
  else whenQuiet();
}
function whenQuiet() { idle(() => { if (inflight) setTimeout(whenQuiet, 100); else loadPlotly(); }); }
const idle = (fn) => (window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 50));
function pump() {
  if (pumping || !window.Plotly || !waiting.size) return;
  pumping = true;
  const plot = [...waiting.keys()].sort((a, b) => (b._wanted ?? 0) - (a._wanted ?? 0))[0];
  const draw = waiting.get(plot);
  waiting.delete(plot);
  if (plot.isConnected && !plot.dataset.drawn) draw();
  pumping = false;
  if (waiting.size) idle(pump);
}
let inflight = 0;

/** Draw one chart: with plotly, or (`lite`) on the canvas; false when the canvas cannot. */
function render(plot, data, w, lite = false) {
  const own = axisOf(settings, plot.dataset.tag);     // this chart's y scale and limits, if set
  const logy = own.logy ?? settings.get("logy");
  // Grouped runs are drawn as their group's mean (a series like a run's) over a band.
  let selected = new Set(sidebar.selected());
  const nameOf = grouping.nameOf();
  const groups = nameOf ? groupSeries(data.series, selected, nameOf) : [];
  if (groups.length) {
    const grouped = new Set(groups.flatMap((g) => g.members));
    data = { ...data, series: [...data.series.filter((s) => !grouped.has(s.run)), ...groups.map((g) => g.series)] };
    selected = new Set([...selected].filter((r) => !grouped.has(r)).concat(groups.map((g) => g.series.run)));
  }
  const { traces, layout, nonfinite } = figure(data, {
    selected, xMode: settings.get("x"), logy,
    outliers: settings.get("outliers"), smoothing: w, height: plot.clientHeight || 262,
  });
  for (const g of groups) {
    const mean = traces.find((t) => t.meta.role === "smoothed" && t.meta.run === g.series.run);
    if (mean) traces.unshift(...bandTraces(g, mean.x, mean.line.color, bandBox.value));
  }
  if (settings.get("extrema")) traces.push(...extremaTraces(traces));
  applyLimits(layout, traces, own, logy);
  layout.uirevision += `|${own.min}|${own.max}`;
  const options = () => ({ xMode: settings.get("x"), mode: tipMode.value });
  plot.dataset.smoothing = String(w);
  if (lite) {
    if (!sketch(plot, traces, layout)) return false;
    plot.dataset.sketchedAt ??= String(Math.round(performance.now()));
    liteHover(plot, options);
    bindSelection(plot, options);
    renderSelection(plot, options());
    plot.dataset.interactiveAt ??= String(Math.round(performance.now()));   // ms since navigation (bench/ui.py)
    badge(plot, nonfinite);
    return true;
  }
  const zoom = liteZoom(plot);
  if (zoom) { layout.xaxis.range = zoom.x; layout.yaxis.range = zoom.y; }
  plot.querySelector("canvas.sketch")?.remove();
  delete plot._lite;
  layout.shapes = selectionShapes(plot, settings.get("x"));
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  window.Plotly.react(plot, traces, layout, config);
  plot.dataset.drawn = String(traces.length);
  plot.dataset.drawnAt ??= String(Math.round(performance.now()));   // ms since navigation (bench/ui.py)
  plot.dataset.interactiveAt ??= plot.dataset.drawnAt;
  badge(plot, nonfinite);
  hover(plot, options);
  bindSelection(plot, options);
  renderSelection(plot, options());
  document.body.dataset.chartsDrawn = String((Number(document.body.dataset.chartsDrawn) || 0) + 1);
}

function badge(plot, nonfinite) {
  const card = cards.get(plot.dataset.tag);
  if (!card) return;
  card.badge.hidden = !nonfinite;
  card.badge.textContent = `${nonfinite} NaN/inf`;
  card.badge.title = "Non-finite values are marked ✕ (NaN), ▲ (+inf), ▼ (-inf) on the chart";
}

// ---------------------------------------------------------------- loading and live refresh

async function load() {
  const [runsData, tagsData] = await Promise.all([api("/api/runs"), api("/api/tags")]);
  const tags = tagsData.runs;
  const runs = runsData.runs;
  setAllRuns(runs);
  revealTabs(tags);
  // The sidebar lists the runs that have scalars (colours still come from every run).
  const runsChanged = sidebar.setRuns(runs.filter((r) => tags[r]?.scalars?.length));
  const next = new Map();
  for (const run of runs) {
    for (const tag of tags[run]?.scalars ?? []) {
      if (!next.has(tag)) next.set(tag, []);
      next.get(tag).push(run);
    }
  }
  const same = next.size === tagRuns.size && [...next].every(([t, r]) => tagRuns.get(t)?.join("\0") === r.join("\0"));
  if (!same || runsChanged) {
    await grouping.load(tags);
    tagRuns.clear();
    for (const [t, r] of next) tagRuns.set(t, r);
    buildGroups();
  }
  if (!runs.length) {
    const status = await loadStatus();
    showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
    if (status.loading) setTimeout(() => load().catch(showError), 500);
  } else if (!tagRuns.size) {
    showMessage("no-data", { what: "scalars" });
  }
  return runs;
}

async function refresh() {
  generation++;
  compare.forget();
  await load();
  redrawAll();
  if (compare.open) { await compare.load(); compare.render(); }
  await loadStatus();
}

async function main() {
  await load();
  loadStatus().catch(showError);
  if (settings.get("compare")) compare.show(true).catch(showError);
  live(refresh);
}

main().catch(showError);
