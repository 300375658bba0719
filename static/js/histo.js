// Shared by the histograms and distributions dashboards: one card per (run, tag), histogram
// data fetched once per card, TensorBoard's rebinning and percentile compression.
import { api, numbers, plotly } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { LazyDrawer, groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, onRunColor, runColor, setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";

export const BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000];

/** Histogram records with numbers (non-finite values arrive as strings). */
function prepare(data) {
  for (const h of data.histograms) {
    for (const key of ["min", "max", "num", "sum", "wall_time"]) h[key] = numbers([h[key]])[0];
    h.buckets = h.buckets.map((b) => numbers(b));
  }
  data.histograms.sort((a, b) => a.step - b.step);
  return data;
}

function finiteRange(h) {
  let lo = Infinity, hi = -Infinity;
  for (const [l, r, c] of h.buckets) {
    if (!(c > 0)) continue;
    if (Number.isFinite(l)) lo = Math.min(lo, l);
    if (Number.isFinite(r)) hi = Math.max(hi, r);
  }
  if (Number.isFinite(h.min)) lo = Math.min(lo, h.min);
  if (Number.isFinite(h.max)) hi = Math.max(hi, h.max);
  return [lo, hi];
}

/** All steps onto one shared range of `bins` equal bins, each bin taking count * overlap / width
 *  from every input bucket (a zero-width bucket gives its whole count to the bin it falls in). */
export function rebin(hists, bins = 30) {
  let lo = Infinity, hi = -Infinity;
  for (const h of hists) {
    const [a, b] = finiteRange(h);
    lo = Math.min(lo, a); hi = Math.max(hi, b);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
  if (hi === lo) { const pad = Math.abs(lo) * 0.05 || 0.5; lo -= pad; hi += pad; }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = hists.map((h) => {
    const out = new Array(bins).fill(0);
    for (let [l, r, c] of h.buckets) {
      if (!(c > 0)) continue;
      l = Math.max(Number.isFinite(l) ? l : lo, lo);
      r = Math.min(Number.isFinite(r) ? r : hi, hi);
      if (r <= l) {
        out[Math.min(bins - 1, Math.max(0, Math.floor((l - lo) / width)))] += c;
        continue;
      }
      const first = Math.max(0, Math.floor((l - lo) / width));
      const last = Math.min(bins - 1, Math.floor((r - lo) / width));
      for (let i = first; i <= last; i++) {
        const overlap = Math.min(r, edges[i + 1]) - Math.max(l, edges[i]);
        if (overlap > 0) out[i] += (c * overlap) / (r - l);
      }
    }
    return out;
  });
  return { edges, counts, lo, hi };
}

/** TensorBoard's distribution: the value at each basis point, interpolated within the bucket
 *  where the cumulative count crosses it. */
export function percentiles(h) {
  const buckets = h.buckets.filter(([, , c]) => c > 0);
  const total = buckets.reduce((n, b) => n + b[2], 0);
  const [lo, hi] = finiteRange(h);
  if (!total || !Number.isFinite(lo)) return BASIS_POINTS.map(() => NaN);
  return BASIS_POINTS.map((bp) => {
    if (bp === 0) return lo;
    if (bp === 10000) return hi;
    const target = (total * bp) / 10000;
    let cum = 0;
    for (const [l, r, c] of buckets) {
      if (cum + c >= target) {
        const left = Number.isFinite(l) ? Math.max(l, lo) : lo;
        const right = Number.isFinite(r) ? Math.min(r, hi) : hi;
        return left + ((target - cum) / c) * (right - left);
      }
      cum += c;
    }
    return hi;
  });
}

/** The page: sidebar, tag filter, groups of per-(run, tag) cards drawn lazily by `draw`. */
export function histogramPage({ what, defaults, draw, setup }) {
  const settings = new Settings({ tags: "", runs: "", hide: [], closed: [], ...defaults });
  const groupsBox = document.getElementById("groups");
  const tagFilter = document.getElementById("tag-filter");
  const cache = new Map();     // run \0 tag -> prepared data
  const cards = new Map();     // run \0 tag -> {card, plot}
  let tagRuns = new Map();
  let allRuns = [];
  let generation = 0;

  const drawer = new LazyDrawer(async (plot) => {
    const { run, tag } = plot.dataset;
    const key = `${run}\0${tag}`;
    let entry = cache.get(key);
    if (!entry || entry.generation !== generation) {
      const data = prepare(await api("/api/histograms", { run, tag }));
      entry = { generation, data };
      cache.set(key, entry);
    }
    await plotly();
    draw(plot, entry.data, runColor(run), settings);
    plot.dataset.drawn = "1";
  });
  const redrawAll = () => drawer.invalidate([...cards.values()].map((c) => c.plot));
  const sidebar = new RunSidebar(settings, () => build());
  onRunColor((run) => drawer.invalidate([...cards.values()].map((c) => c.plot).filter((p) => p.dataset.run === run)));
  if (setup) setup(settings, redrawAll);

  tagFilter.value = settings.get("tags");
  tagFilter.addEventListener("input", debounce(() => { settings.set("tags", tagFilter.value); build(); }, 150));

  function card(run, tag) {
    const key = `${run}\0${tag}`;
    let c = cards.get(key);
    if (c) return c;
    const plot = el("div", { class: "plot", "data-run": run, "data-tag": tag, role: "img",
      "aria-label": `${what} of ${tag} in ${run}` });
    const badge = el("span", { class: "badge", title: run }, run);
    badge.style.setProperty("--swatch", runColor(run));
    const enlarge = el("button", { type: "button", "aria-label": `Enlarge ${tag} of ${run}` }, "⤢");
    const node = el("article", { class: "card", "data-run": run, "data-tag": tag },
      el("div", { class: "card-head" }, el("h3", { title: tag }, tag), badge,
        el("div", { class: "card-actions" }, enlarge)), plot);
    enlarge.addEventListener("click", () => {
      node.classList.toggle("wide");
      if (plot.dataset.drawn) window.Plotly.Plots.resize(plot);
    });
    c = { card: node, plot };
    cards.set(key, c);
    drawer.observe(plot);
    return c;
  }

  function build() {
    const selected = sidebar.selected();
    const re = userRegex(tagFilter.value, tagFilter);
    const tags = [...tagRuns.keys()].filter((t) => !re || re.test(t));
    const sections = [];
    let shown = 0;
    for (const [name, groupTagList] of groupTags(tags)) {
      const items = [];
      for (const tag of groupTagList) {
        for (const run of selected) if (tagRuns.get(tag).includes(run)) items.push(card(run, tag).card);
      }
      if (!items.length) continue;
      const { section, body } = groupSection(name, items.length, settings);
      body.append(...items);
      sections.push(section);
      shown += items.length;
    }
    groupsBox.replaceChildren(...sections);
    document.getElementById("tag-count").textContent = `${tags.length} of ${tagRuns.size} tags`;
    if (!allRuns.length) return;
    if (!tagRuns.size) showMessage("no-data", { what, hint: "Log some with SummaryWriter.add_histogram(tag, values, step)." });
    else if (!shown && re) showMessage("no-match", { filter: tagFilter.value });
    else if (!shown) showMessage("no-data", { what });
    else showMessage(null);
  }

  async function load() {
    const [runsData, tagsData] = await Promise.all([api("/api/runs"), api("/api/tags")]);
    const runs = runsData.runs;
    setAllRuns(runs);
    revealTabs(tagsData.runs);
    allRuns = runs;
    sidebar.setRuns(runs.filter((r) => tagsData.runs[r]?.histograms?.length));
    const next = new Map();
    for (const run of runs) {
      for (const tag of tagsData.runs[run]?.histograms ?? []) {
        if (!next.has(tag)) next.set(tag, []);
        next.get(tag).push(run);
      }
    }
    tagRuns = next;
    build();
    if (!runs.length) {
      const status = await loadStatus();
      showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
      if (status.loading) setTimeout(() => load().catch(showError), 500);
    }
  }

  load().then(() => {
    loadStatus().catch(showError);
    live(async () => { generation++; await load(); redrawAll(); await loadStatus(); });
  }).catch(showError);
  return { settings, redrawAll };
}

/** Plotly layout pieces shared by both dashboards. */
export const BASE_LAYOUT = {
  margin: { l: 8, r: 10, t: 6, b: 8 }, showlegend: false,
  font: { family: "system-ui, sans-serif", size: 11, color: "#1d2430" },
  paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
  hoverlabel: { font: { size: 12 } },
};
export const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
