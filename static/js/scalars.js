// Scalars: one chart per tag overlaying the selected runs, smoothed on the server over the full
// series, grouped by tag prefix, with a run-comparison table.
import { api, numbers, plotly } from "./common/api.js";
import { debounce, el, fmt, userRegex } from "./common/dom.js";
import { LazyDrawer, groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings, bindRadios } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";

const settings = new Settings({
  smoothing: 0.6, x: "step", logy: false, outliers: true, tags: "", runs: "", hide: [], closed: [],
  compare: false, sort: "tag",
});

const groupsBox = document.getElementById("groups");
const tagFilter = document.getElementById("tag-filter");
const slider = document.getElementById("smoothing-slider");
const smoothingBox = document.getElementById("smoothing");
const compareBox = document.getElementById("compare");
const compareToggle = document.getElementById("compare-toggle");

const tagRuns = new Map();       // tag -> runs that have it (sorted)
const cards = new Map();         // tag -> {card, plot, downloads}
const cache = new Map();         // tag -> {key, data}
let generation = 0;              // bumped by each live refresh: cached data is then re-fetched
let hotRun = null;
let summaryRows = null;

const sidebar = new RunSidebar(settings, () => { applyTagFilter(); redrawAll(); renderCompare(); }, highlightRun);
const drawer = new LazyDrawer((plot) => drawPlot(plot));

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
for (const [id, key] of [["logy", "logy"], ["outliers", "outliers"]]) {
  const box = document.getElementById(id);
  box.checked = settings.get(key);
  box.addEventListener("change", () => { settings.set(key, box.checked); redrawAll(); });
}
tagFilter.value = settings.get("tags");
tagFilter.addEventListener("input", debounce(() => {
  settings.set("tags", tagFilter.value);
  applyTagFilter();
  renderCompare();
}, 150));
compareToggle.addEventListener("click", () => {
  const open = compareBox.hidden;
  settings.set("compare", open);
  showCompare(open);
});

// ---------------------------------------------------------------- cards and groups

function downloadList(tag) {
  const list = el("ul", {});
  for (const run of tagRuns.get(tag) ?? []) {
    const href = (format) => `/api/scalars/download?${new URLSearchParams({ run, tag, format })}`;
    list.append(el("li", {},
      el("span", { class: "swatch", style: {} }), el("span", { class: "name", title: run }, run),
      el("a", { href: href("csv"), download: "", "aria-label": `CSV of ${run}` }, "CSV"),
      el("a", { href: href("json"), download: "", "aria-label": `JSON of ${run}` }, "JSON")));
    list.lastChild.firstChild.style.background = runColor(run);
  }
  return list;
}

function makeCard(tag) {
  const plot = el("div", { class: "plot", "data-tag": tag, role: "img", "aria-label": `Chart of ${tag}` });
  const badge = el("span", { class: "badge warn", hidden: true });
  const downloads = el("details", {}, el("summary", { "aria-label": `Download data of ${tag}` }, "⤓ Data"),
    downloadList(tag));
  const enlarge = el("button", { type: "button", "aria-label": `Enlarge ${tag}`, title: "Enlarge / shrink" }, "⤢");
  const card = el("article", { class: "card", "data-tag": tag },
    el("div", { class: "card-head" }, el("h3", { title: tag }, tag), badge,
      el("div", { class: "card-actions" }, downloads, enlarge)),
    plot);
  enlarge.addEventListener("click", () => {
    card.classList.toggle("wide");
    if (plot.dataset.drawn) window.Plotly.Plots.resize(plot);
  });
  return { card, plot, badge, downloads };
}

/** Rebuild the groups from the current tags, reusing existing cards (and their charts). */
function buildGroups() {
  const groups = groupTags([...tagRuns.keys()]);
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
        c = makeCard(tag);
        cards.set(tag, c);
        drawer.observe(c.plot);
      } else {
        c.downloads.replaceChild(downloadList(tag), c.downloads.lastChild);
      }
      body.append(c.card);
    }
    sections.push(section);
  }
  groupsBox.replaceChildren(...sections);
  applyTagFilter();
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
    fetching++;
    let data;
    try {
      data = await api("/api/pages/scalars", { tag, run: runs, smoothing: w, max_points: maxPoints });
    } finally {
      fetching--;
    }
    if (token !== plot._token) return;  // a newer draw of this chart is on its way
    entry = { key, data: prepare(data) };
    cache.set(tag, entry);
  }
  if (!window.Plotly) {
    render(plot, entry.data, w);   // a quick canvas sketch while plotly.js is still loading
    await loadPlotlyWhenIdle();
    if (token !== plot._token) return;
  }
  render(plot, entry.data, w);
}

// Parsing plotly.js blocks the page for a second or more on a slow machine: it starts once the
// charts in view have their data (and a sketch), or after 1.5 s at the latest.
let fetching = 0;
let plotlyTimer = null;
setTimeout(() => plotly(), 1500);
function loadPlotlyWhenIdle() {
  if (!plotlyTimer) {
    plotlyTimer = setInterval(() => {
      if (fetching === 0) { clearInterval(plotlyTimer); plotly(); }
    }, 30);
  }
  return plotly.pending ??= new Promise((resolve) => {
    const wait = setInterval(() => { if (window.Plotly) { clearInterval(wait); resolve(window.Plotly); } }, 20);
  });
}

/** Numbers out of the JSON once per fetch. */
function prepare(data) {
  for (const s of data.series) {
    s.value = numbers(s.value);
    s.smoothed = numbers(s.smoothed);
    s.wall_time = numbers(s.wall_time);
  }
  return data;
}

const X_TITLES = { step: "Step", relative: "Relative time", wall: "Wall time" };

function xUnit(series) {
  let span = 0;
  for (const s of series) if (s.wall_time.length) span = Math.max(span, s.wall_time.at(-1) - s.wall_time[0]);
  if (span < 120) return [1, "s"];
  if (span < 7200) return [60, "min"];
  return [3600, "h"];
}

function finiteOrNull(list) { return list.map((v) => (Number.isFinite(v) ? v : null)); }

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

function render(plot, data, w) {
  const selected = new Set(sidebar.selected());
  const xMode = settings.get("x");
  const logy = settings.get("logy");
  const series = data.series.filter((s) => selected.has(s.run));
  const [unit, unitName] = xUnit(series);
  const traces = [];
  const yValues = [];
  let nonfinite = 0;
  for (const s of series) {
    const color = runColor(s.run);
    const x = xMode === "step" ? s.step
      : xMode === "relative" ? s.wall_time.map((t) => (t - s.wall_time[0]) / unit)
        : s.wall_time.map((t) => new Date(t * 1000));
    const raw = finiteOrNull(s.value);
    const smooth = finiteOrNull(s.smoothed);
    for (const v of raw) if (v !== null && (!logy || v > 0)) yValues.push(v);
    if (w > 0) for (const v of smooth) if (v !== null && (!logy || v > 0)) yValues.push(v);
    if (w > 0) {
      traces.push({
        type: "scatter", mode: "lines", x, y: raw, name: s.run, legendgroup: s.run, showlegend: false,
        hoverinfo: "skip", opacity: 0.3, line: { color, width: 1 }, meta: { run: s.run, role: "raw" },
      });
    }
    // Points isolated between NaNs (or a one-point series) would draw nothing as a bare line.
    const dots = s.step.length === 1 || s.nonfinite > 0;
    traces.push({
      type: "scatter", mode: dots ? "lines+markers" : "lines", x, y: smooth, name: s.run, legendgroup: s.run,
      line: { color, width: 2 }, marker: { color, size: s.step.length === 1 ? 7 : 4 }, meta: { run: s.run, role: "smoothed" },
      customdata: s.step.map((step, i) => [step, s.value[i]]), hoverinfo: "none",
    });
    if (s.nonfinite) {
      // NaN and infinities: marked where they happen, at the last finite value before them.
      const mx = [], my = [], sym = [], text = [];
      let lastFinite = null;
      for (let i = 0; i < s.value.length; i++) {
        const v = s.value[i];
        if (Number.isFinite(v)) { lastFinite = Number.isFinite(s.smoothed[i]) ? s.smoothed[i] : v; continue; }
        mx.push(x[i]);
        my.push(lastFinite ?? s.value.find(Number.isFinite) ?? 0);
        sym.push(Number.isNaN(v) ? "x-thin-open" : v > 0 ? "triangle-up" : "triangle-down");
        text.push(`${String(v)} at step ${s.step[i]}`);
        nonfinite++;
      }
      traces.push({
        type: "scatter", mode: "markers", x: mx, y: my, name: `${s.run} (non-finite)`, showlegend: false,
        marker: { color: "#c62828", size: 11, symbol: sym, line: { width: 2, color: "#c62828" } },
        text, hoverinfo: "none",
        meta: { run: s.run, role: "nonfinite" },
      });
    }
  }
  const yaxis = {
    type: logy ? "log" : "linear", gridcolor: "#eceff3", zeroline: false, automargin: true,
    tickfont: { size: 11 }, exponentformat: "power", hoverformat: ".4~g",
  };
  if (settings.get("outliers") && yValues.length > 4) {
    yValues.sort((a, b) => a - b);
    const tr = logy ? Math.log10 : (v) => v;
    let lo = tr(percentile(yValues, 0.05));
    let hi = tr(percentile(yValues, 0.95));
    // Stretch to the smoothed curves when that costs less than half the range more (a loss's
    // first steps stay in view), but never for a spike that would flatten everything else.
    let sLo = Infinity, sHi = -Infinity;
    for (const t of traces) {
      if (t.meta.role !== "smoothed") continue;
      for (const v of t.y) if (v !== null && (!logy || v > 0)) { sLo = Math.min(sLo, tr(v)); sHi = Math.max(sHi, tr(v)); }
    }
    const slack = (hi - lo) * 0.5;
    if (sLo < lo && lo - sLo <= slack) lo = sLo;
    if (sHi > hi && sHi - hi <= slack) hi = sHi;
    if (hi > lo) {
      const pad = (hi - lo) * 0.06;
      yaxis.range = [lo - pad, hi + pad];
    }
  }
  const xTitle = xMode === "relative" ? `Relative time (${unitName})` : X_TITLES[xMode];
  const layout = {
    margin: { l: 8, r: 10, t: 6, b: 8 }, height: plot.clientHeight || 262,
    hovermode: "x", hoverdistance: 40, showlegend: false, dragmode: "zoom",
    hoverlabel: { namelength: -1, font: { size: 12 } },
    uirevision: `${xMode}|${logy}|${settings.get("outliers")}`,
    font: { family: "system-ui, sans-serif", size: 11, color: "#1d2430" },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
    xaxis: {
      type: xMode === "wall" ? "date" : "linear", gridcolor: "#eceff3", zeroline: false, automargin: true,
      title: { text: xTitle, font: { size: 11, color: "#5f6b7a" }, standoff: 4 }, tickfont: { size: 11 },
    },
    yaxis,
  };
  if (!traces.length) {
    layout.annotations = [{ text: "No selected run has this tag", showarrow: false, xref: "paper", yref: "paper",
      x: 0.5, y: 0.5, font: { color: "#5f6b7a", size: 13 } }];
    layout.xaxis.visible = false;
    layout.yaxis.visible = false;
  }
  if (!window.Plotly) {
    if (sketch(plot, traces, layout)) plot.dataset.sketchedAt ??= String(Math.round(performance.now()));
    return;
  }
  plot.querySelector("canvas.sketch")?.remove();
  const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  window.Plotly.react(plot, traces, layout, config);
  if (!plot._tooltip) {
    plot._tooltip = true;
    plot.on("plotly_hover", (event) => showTooltip(plot, event));
    plot.on("plotly_unhover", () => hideTooltip(plot));
  }
  plot.dataset.drawn = String(traces.length);
  plot.dataset.drawnAt ??= String(Math.round(performance.now()));   // ms since navigation (bench/ui.py)
  plot.dataset.smoothing = String(w);
  const card = cards.get(plot.dataset.tag);
  if (card) {
    card.badge.hidden = !nonfinite;
    card.badge.textContent = `${nonfinite} NaN/inf`;
    card.badge.title = "Non-finite values are marked ✕ (NaN), ▲ (+inf), ▼ (-inf) on the chart";
  }
  if (hotRun) highlightPlot(plot, hotRun);
  document.body.dataset.chartsDrawn = String((Number(document.body.dataset.chartsDrawn) || 0) + 1);
}

// ---------------------------------------------------------------- first paint without plotly

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** The same lines and y range on a canvas, drawn the moment the data arrives; plotly.js (4.8 MB
 *  to parse) replaces it with the interactive chart. Linear axes only; false when it cannot. */
function sketch(plot, traces, layout) {
  if (layout.xaxis.type === "date" || layout.yaxis.type === "log" || !traces.length) return false;
  const W = plot.clientWidth, H = plot.clientHeight;
  if (!W || !H) return false;
  const dpr = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "sketch", width: W * dpr, height: H * dpr, "aria-hidden": "true" });
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const t of traces) {
    for (const x of t.x) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    for (const y of t.y) if (y !== null) { y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (layout.yaxis.range) [y0, y1] = layout.yaxis.range;
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const m = { l: 46, r: 12, t: 8, b: 34 };
  const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#fff";
  ctx.fillRect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  ctx.strokeStyle = "#eceff3";
  ctx.fillStyle = "#1d2430";
  ctx.textAlign = "right";
  for (const t of niceTicks(y0, y1, 5)) {
    ctx.beginPath(); ctx.moveTo(m.l, py(t)); ctx.lineTo(W - m.r, py(t)); ctx.stroke();
    ctx.fillText(fmt(t), m.l - 6, py(t) + 4);
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 6)) {
    ctx.beginPath(); ctx.moveTo(px(t), m.t); ctx.lineTo(px(t), H - m.b); ctx.stroke();
    ctx.fillText(fmt(t), px(t), H - m.b + 14);
  }
  ctx.fillStyle = "#5f6b7a";
  ctx.fillText(layout.xaxis.title.text, m.l + (W - m.l - m.r) / 2, H - 4);
  ctx.save();
  ctx.beginPath();
  ctx.rect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  ctx.clip();
  for (const t of traces) {
    if (t.meta.role === "nonfinite") continue;
    ctx.globalAlpha = t.opacity ?? 1;
    ctx.strokeStyle = t.line.color;
    ctx.lineWidth = t.line.width;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < t.x.length; i++) {
      if (t.y[i] === null) { pen = false; continue; }
      if (pen) ctx.lineTo(px(t.x[i]), py(t.y[i])); else ctx.moveTo(px(t.x[i]), py(t.y[i]));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  plot.querySelector("canvas.sketch")?.remove();
  plot.append(canvas);
  return true;
}

// ---------------------------------------------------------------- tooltip: every run, nearest first

const tooltip = el("div", { class: "tooltip", role: "tooltip", hidden: true });
document.body.append(tooltip);
let tooltipRun = null;

function showTooltip(plot, event) {
  const ya = plot._fullLayout.yaxis;
  const box = plot.getBoundingClientRect();
  const mouse = event.event;
  const cursorY = ya.p2d(mouse.clientY - box.top - ya._offset);
  const rows = [];
  let header = null;
  for (const pt of event.points) {
    const meta = pt.data.meta;
    if (meta.role === "raw") continue;
    if (meta.role === "nonfinite") {
      rows.push({ run: meta.run, text: pt.data.text[pt.pointIndex], dist: -1, color: "#c62828" });
      continue;
    }
    const [step, raw] = pt.customdata;
    header ??= settings.get("x") === "step" ? `step ${step}` : `${pt.xaxis.hoverLabelText ?? ""}`.trim() || `step ${step}`;
    rows.push({ run: meta.run, smoothed: pt.y, raw, step, dist: Math.abs(pt.y - cursorY), color: pt.data.line.color });
  }
  if (!rows.length) { hideTooltip(plot); return; }
  rows.sort((a, b) => a.dist - b.dist);
  const w = Number(plot.dataset.smoothing) || 0;
  tooltip.replaceChildren(...[el("div", { class: "tt-head" }, header ?? ""),
    el("table", {}, rows.slice(0, 24).map((r, i) => {
      const dot = el("span", { class: "swatch" });
      dot.style.background = r.color;
      return el("tr", { class: i === 0 ? "nearest" : null },
        el("td", {}, dot), el("td", { class: "run" }, r.run),
        r.text ? el("td", { class: "n warn", colspan: "3" }, r.text)
          : [el("td", { class: "n" }, fmt(r.smoothed)),
            w > 0 ? el("td", { class: "n muted" }, `raw ${fmt(r.raw)}`) : null,
            el("td", { class: "n muted" }, `step ${r.step}`)]);
    })),
    rows.length > 24 ? el("div", { class: "muted" }, `… ${rows.length - 24} more`) : null].filter(Boolean));
  tooltip.hidden = false;
  const tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
  let left = mouse.clientX + 18, top = mouse.clientY + 14;
  if (left + tw > innerWidth - 8) left = mouse.clientX - tw - 18;
  if (top + th > innerHeight - 8) top = Math.max(8, innerHeight - th - 8);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
  const nearest = rows.find((r) => r.dist >= 0)?.run ?? null;
  if (nearest !== tooltipRun) { tooltipRun = nearest; highlightPlot(plot, nearest); }
}

function hideTooltip(plot) {
  tooltip.hidden = true;
  if (tooltipRun !== null) { tooltipRun = null; highlightPlot(plot, hotRun); }
}

// ---------------------------------------------------------------- hovered run highlight

function highlightPlot(plot, run) {
  if (!plot.data?.length) return;
  const opacity = plot.data.map((t) => {
    const mine = !run || t.meta?.run === run;
    if (t.meta?.role === "raw") return mine ? 0.3 : 0.05;
    return mine ? 1 : 0.2;
  });
  const width = plot.data.map((t) => (t.meta?.role === "smoothed" && run && t.meta.run === run ? 3 : t.meta?.role === "raw" ? 1 : 2));
  window.Plotly.restyle(plot, { opacity, "line.width": width });
}

function highlightRun(run) {
  hotRun = run;
  for (const plot of drawer.visible) if (plot.dataset.drawn) highlightPlot(plot, run);
}

// ---------------------------------------------------------------- run comparison table

const COLUMNS = [
  ["run", "Run", false], ["tag", "Tag", false], ["last", "Last", true], ["last_step", "Step", true],
  ["min", "Min", true], ["max", "Max", true], ["points", "Points", true],
];

async function showCompare(open) {
  compareBox.hidden = !open;
  compareToggle.setAttribute("aria-expanded", String(open));
  if (open) {
    if (!summaryRows) await loadSummary();
    renderCompare();
  }
}

async function loadSummary() {
  const data = await api("/api/pages/summary");
  summaryRows = data.rows.map((r) => ({ ...r, last: numbers([r.last])[0] }));
}

function sortValue(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return -Infinity;
  return v;
}

function renderCompare() {
  if (compareBox.hidden || !summaryRows) return;
  const selected = new Set(sidebar.selected());
  const re = userRegex(tagFilter.value);
  const rows = summaryRows.filter((r) => selected.has(r.run) && (!re || re.test(r.tag)));
  const sort = settings.get("sort");
  const desc = sort.startsWith("-");
  const key = desc ? sort.slice(1) : sort;
  const numeric = COLUMNS.find((c) => c[0] === key)?.[2];
  rows.sort((a, b) => {
    let c = numeric ? sortValue(a[key]) - sortValue(b[key]) : String(a[key]).localeCompare(String(b[key]));
    if (!c) c = a.tag.localeCompare(b.tag) || a.run.localeCompare(b.run);
    return desc ? -c : c;
  });
  const head = el("tr", {}, COLUMNS.map(([k, label, num]) => {
    const arrow = k !== key ? "" : desc ? " ▼" : " ▲";
    const button = el("button", { type: "button" }, label, el("span", { "aria-hidden": "true" }, arrow));
    button.addEventListener("click", () => {
      settings.set("sort", sort === k ? `-${k}` : k);
      renderCompare();
    });
    return el("th", { class: num ? "n" : null, scope: "col",
      "aria-sort": k === key ? (desc ? "descending" : "ascending") : "none" }, button);
  }));
  const body = rows.map((r) => {
    const dot = el("span", { class: "swatch" });
    dot.style.background = runColor(r.run);
    return el("tr", {},
      el("td", {}, dot, r.run), el("td", {}, r.tag),
      el("td", { class: "n" }, fmt(r.last)), el("td", { class: "n" }, String(r.last_step)),
      el("td", { class: "n" }, fmt(r.min)), el("td", { class: "n" }, fmt(r.max)),
      el("td", { class: "n" }, String(r.points)));
  });
  const table = el("table", {}, el("caption", { class: "muted", style: { textAlign: "left", padding: "4px 8px" } },
    `Last, min and max of ${rows.length} run × tag series (click a column to sort)`),
  el("thead", {}, head), el("tbody", {}, body));
  compareBox.replaceChildren(table);
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
  summaryRows = null;
  await load();
  redrawAll();
  if (!compareBox.hidden) { await loadSummary(); renderCompare(); }
  await loadStatus();
}

async function main() {
  await load();
  loadStatus().catch(showError);
  if (settings.get("compare")) showCompare(true).catch(showError);
  live(refresh);
}

main().catch(showError);
