// Embedding projector: the chosen run's tensor (/api/embeddings) projected by PCA, t-SNE (a
// server job polled while it converges, so the page stays responsive) or custom axes, drawn in
// 2-D or 3-D; colour and labels by a metadata column, a regex search that highlights matches,
// a clicked point's nearest neighbours (cosine and euclidean) in the sidebar, and the sprite's
// thumbnail of the hovered point. Every setting lives in the URL.
import { api } from "./common/api.js";
import { debounce, el, fmt, setChildren, userRegex } from "./common/dom.js";
import { Settings, bindRadios } from "./common/settings.js";
import { loadStatus, revealTabs, showError, showMessage } from "./common/status.js";
import { MAX_CATEGORIES, layout, traces } from "./projector/traces.js";

const settings = new Settings({ run: "", tensor: "", method: "pca", dims: "3", color: "", label: "",
  search: "", perplexity: 30, lr: 200, iterations: 500, seed: 0, xl: "", xr: "", yl: "", yr: "", point: -1 });
const $ = (id) => document.getElementById(id);
const plotBox = $("pj-plot");
const info = $("pj-info");
const STRICT = "/static/vendor/plotly-strict/plotly-strict.min.js";
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
const state = { listing: {}, columns: [], coords: null, note: "", generation: 0, neighbors: null, sprite: null };

let plotlyPromise = null;
/** The strict plotly.js bundle (static/vendor/plotly-strict/README.md): scatter3d and scattergl
 *  draw with WebGL, whose shaders the default bundle compiles with `new Function` (CSP-refused). */
function plotly() {
  plotlyPromise ??= new Promise((resolve, reject) => {
    const script = el("script", { src: STRICT });
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error(`could not load ${STRICT}`)));
    document.head.append(script);
  });
  return plotlyPromise;
}

const params = () => ({ run: settings.get("run"), name: settings.get("tensor") });
const column = (name) => state.columns.find((c) => c.name === name) ?? null;

function fillSelect(select, options, value) {
  setChildren(select, options.map(([v, text, disabled]) => el("option", { value: v, disabled }, text)));
  select.value = options.some(([v]) => v === value) ? value : (options[0]?.[0] ?? "");
  return select.value;
}

function wireInput(id, key, onChange, event = "change") {
  const input = $(id);
  input.value = settings.get(key);
  input.addEventListener(event, () => { settings.set(key, input.type === "number" ? Number(input.value) : input.value); onChange(); });
}

async function loadListing() {
  const [listing, tags] = await Promise.all([api("/api/embeddings"), api("/api/tags")]);
  revealTabs(tags.runs);
  state.listing = listing.runs;
  const runs = Object.keys(state.listing).sort();
  if (!runs.length) {
    const status = await loadStatus();
    showMessage(status.loading ? "loading" : "no-data", { what: "embeddings",
      hint: "Write some with SummaryWriter.add_embedding(features, metadata=labels, label_img=thumbs)." });
    return false;
  }
  showMessage(null);
  settings.set("run", fillSelect($("pj-run"), runs.map((r) => [r, r]), settings.get("run")));
  fillTensors();
  return true;
}

function fillTensors() {
  const entry = state.listing[settings.get("run")] ?? { embeddings: [] };
  const options = entry.embeddings.map((e) => [e.name, e.problem ? `${e.name} (cannot show)` : e.name]);
  settings.set("tensor", fillSelect($("pj-tensor"), options, settings.get("tensor")));
}

const embedding = () => (state.listing[settings.get("run")]?.embeddings ?? []).find((e) => e.name === settings.get("tensor"));

/** The chosen tensor's metadata and sprite, then its projection. */
async function loadTensor() {
  const emb = embedding();
  state.coords = null;
  state.neighbors = null;
  state.columns = [];
  state.sprite = null;
  setChildren($("pj-neighbors"));
  $("pj-neighbors").hidden = true;
  if (!emb) return;
  if (emb.problem) { info.textContent = `⚠ ${emb.problem}`; plotBox.replaceChildren(); return; }
  if (emb.has_metadata) {
    try { state.columns = (await api("/api/embeddings/metadata", params())).columns; } catch (err) { showError(err); }
  }
  const colorable = state.columns.filter((c) => c.numeric || c.distinct <= MAX_CATEGORIES || c.distinct < 1000);
  settings.set("color", fillSelect($("pj-color"), [["", "none"], ...colorable.map((c) => [c.name, c.name])], settings.get("color")));
  settings.set("label", fillSelect($("pj-label"), [["", "index"], ...state.columns.map((c) => [c.name, c.name])],
    settings.get("label") || state.columns[0]?.name || ""));
  if (emb.sprite) loadSprite(emb.sprite.single_image_dim);
  await project();
}

function loadSprite(dim) {
  const img = new Image();
  img.addEventListener("load", () => { state.sprite = { img, w: dim[0] || img.width, h: dim[1] || dim[0] || img.height }; });
  img.addEventListener("error", () => showError(new Error("could not load the sprite image")));
  const url = new URL("/api/embeddings/sprite", location.origin);
  for (const [k, v] of Object.entries(params())) url.searchParams.set(k, v);
  img.src = url;
}

/** Coordinates by the chosen method; t-SNE polls its job, drawing each layout it gets. */
async function project() {
  const generation = ++state.generation;
  const method = settings.get("method");
  document.querySelectorAll(".pj-method").forEach((box) => { box.hidden = box.dataset.method !== method; });
  if (!embedding() || embedding().problem) return;
  try {
    if (method === "pca") {
      const answer = await api("/api/embeddings/pca", { ...params(), components: 3 });
      if (generation !== state.generation) return;
      const parts = answer.variance_explained.map((v, i) => `PC${i + 1} ${(100 * v).toFixed(1)}%`);
      const total = answer.variance_explained.slice(0, Number(settings.get("dims"))).reduce((a, b) => a + b, 0);
      state.note = `PCA: variance explained ${parts.join(", ")} (shown: ${(100 * total).toFixed(1)}%)`;
      await draw(answer.coords);
    } else if (method === "custom") {
      await projectCustom(generation);
    } else {
      await pollTsne(generation);
    }
  } catch (err) {
    if (generation !== state.generation) return;
    info.textContent = `⚠ ${err.message}`;
    plotBox.dataset.error = err.message;
  }
}

async function projectCustom(generation) {
  const col = settings.get("label") || state.columns[0]?.name;
  const [xl, xr, yl, yr] = ["xl", "xr", "yl", "yr"].map((k) => settings.get(k));
  if (!col || !xl || !xr) {
    state.note = "Custom: give regexes for the X axis's two ends (matched on the label column)";
    info.textContent = state.note;
    return;
  }
  const answer = await api("/api/embeddings/custom", { ...params(), column: col, x_left: xl, x_right: xr,
    y_left: yl || undefined, y_right: yr || undefined });
  if (generation !== state.generation) return;
  state.note = `Custom: x from /${xl}/ to /${xr}/${yl && yr ? `, y from /${yl}/ to /${yr}/` : ""} on ${col}`;
  await draw(answer.coords.map((c) => [c[0], c[1] ?? 0, 0]));
}

async function pollTsne(generation) {
  const query = { ...params(), dims: settings.get("dims"), perplexity: settings.get("perplexity"),
    learning_rate: settings.get("lr"), iterations: settings.get("iterations"), seed: settings.get("seed") };
  for (;;) {
    const job = await api("/api/embeddings/tsne", query);
    if (generation !== state.generation) return;
    if (job.state === "error") throw new Error(job.error);
    state.note = `t-SNE: iteration ${job.iteration} of ${job.iterations}` +
      (job.state === "done" ? " (done)" : job.state === "stopped" ? " (stopped)" : "…");
    plotBox.dataset.tsne = job.state;
    if (job.coords) await draw(job.coords);
    else info.textContent = state.note;
    if (job.state !== "running") return;
    await new Promise((resolve) => setTimeout(resolve, 400));
    if (generation !== state.generation) return;
  }
}

function matches() {
  const search = $("pj-search");
  const regex = userRegex(settings.get("search"), search);
  if (!regex || !state.coords) { $("pj-matches").textContent = ""; return null; }
  const labels = labelValues();
  const found = [];
  for (let i = 0; i < state.coords.length; i++) if (regex.test(labels ? labels[i] : String(i))) found.push(i);
  $("pj-matches").textContent = `${found.length} match${found.length === 1 ? "" : "es"}`;
  return found;
}

function labelValues() {
  const col = column(settings.get("label"));
  return col ? col.values : null;
}

async function draw(coords = state.coords) {
  state.coords = coords;
  const Plotly = await plotly();
  const dims = Number(settings.get("dims"));
  const found = matches();
  const data = traces({ coords, dims, color: column(settings.get("color")), labels: labelValues(),
    matches: found, selected: settings.get("point"), neighbors: state.neighbors?.euclidean.map((n) => n.index) });
  const revision = [settings.get("run"), settings.get("tensor"), settings.get("method"), dims].join("\0");
  await Plotly.react(plotBox, data, layout(dims, `${settings.get("tensor")} · ${coords.length} points`, revision), CONFIG);
  info.textContent = state.note;
  plotBox.dataset.drawn = String(coords.length);
  plotBox.dataset.matches = found ? String(found.length) : "";
  plotBox.dataset.traces = data.map((t) => t.name).join(",");
  delete plotBox.dataset.error;
  if (!plotBox.dataset.wired) wirePlot();
}

function wirePlot() {
  plotBox.dataset.wired = "1";
  plotBox.on("plotly_click", (event) => {
    const point = event.points?.[0];
    if (point && point.customdata !== undefined) selectPoint(Number(point.customdata)).catch(showError);
  });
  const thumb = $("pj-thumb");
  plotBox.on("plotly_hover", (event) => {
    const i = Number(event.points?.[0]?.customdata);
    if (!state.sprite || !Number.isInteger(i)) return;
    const { img, w, h } = state.sprite;
    const perRow = Math.max(1, Math.floor(img.width / w));
    const ctx = thumb.getContext("2d");
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, thumb.width, thumb.height);
    ctx.drawImage(img, (i % perRow) * w, Math.floor(i / perRow) * h, w, h, 0, 0, thumb.width, thumb.height);
    thumb.hidden = false;
    thumb.dataset.point = String(i);
  });
  plotBox.on("plotly_unhover", () => { thumb.hidden = true; });
}

/** A point's neighbours, listed by both distances; each entry selects that point in turn. */
async function selectPoint(index) {
  settings.set("point", index);
  state.neighbors = index >= 0 ? await api("/api/embeddings/neighbors", { ...params(), index, k: 10 }) : null;
  const box = $("pj-neighbors");
  const labels = labelValues();
  const name = (i) => (labels ? `${labels[i]} (#${i})` : `#${i}`);
  box.hidden = !state.neighbors;
  if (state.neighbors) {
    const list = (metric, title) => [el("h2", {}, title), el("ol", { class: `pj-${metric}` },
      state.neighbors[metric].map((n) => el("li", {}, el("button", { type: "button", "data-index": n.index,
        onclick: () => selectPoint(n.index).catch(showError) }, name(n.index)), el("span", { class: "dist" }, fmt(n.distance)))))];
    setChildren(box, el("h2", {}, `Nearest to ${name(index)}`), list("cosine", "Cosine distance"),
      list("euclidean", "Euclidean distance"));
  }
  if (state.coords) await draw();
}

async function start() {
  bindRadios("pj-method", "method", settings, () => project().catch(showError));
  bindRadios("pj-dims", "dims", settings, () => project().catch(showError));
  $("pj-run").addEventListener("change", () => {
    settings.set("run", $("pj-run").value); settings.set("point", -1); fillTensors(); loadTensor().catch(showError);
  });
  $("pj-tensor").addEventListener("change", () => {
    settings.set("tensor", $("pj-tensor").value); settings.set("point", -1); loadTensor().catch(showError);
  });
  const redraw = () => { if (state.coords) draw().catch(showError); };
  wireInput("pj-color", "color", redraw);
  wireInput("pj-label", "label", () => { redraw(); if (settings.get("point") >= 0) selectPoint(settings.get("point")).catch(showError); });
  wireInput("pj-search", "search", debounce(redraw, 150), "input");
  for (const [id, key] of [["pj-perplexity", "perplexity"], ["pj-lr", "lr"], ["pj-iterations", "iterations"], ["pj-seed", "seed"]]) {
    wireInput(id, key, () => project().catch(showError));
  }
  for (const [id, key] of [["pj-x-left", "xl"], ["pj-x-right", "xr"], ["pj-y-left", "yl"], ["pj-y-right", "yr"]]) {
    wireInput(id, key, debounce(() => project().catch(showError), 300), "input");
  }
  $("pj-tsne-run").addEventListener("click", () => {
    settings.set("seed", settings.get("seed") + 1); $("pj-seed").value = settings.get("seed"); project().catch(showError);
  });
  $("pj-clear").addEventListener("click", () => {
    settings.set("search", ""); $("pj-search").value = ""; selectPoint(-1).catch(showError);
  });
  $("reload").addEventListener("click", () => loadListing().then((ok) => ok && loadTensor()).catch(showError));
  loadStatus().catch(showError);
  if (await loadListing()) {
    await loadTensor();
    if (settings.get("point") >= 0) await selectPoint(settings.get("point"));
  }
}

start().catch(showError);
