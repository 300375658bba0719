// Graphs: any graph a run holds (its op graph, its Keras model's layers, the function graphs of a
// tf.summary.trace_export, its op graph with a RunMetadata's step stats; the server turns each
// into the same nodes), chosen in a select and coloured by structure, compute time or memory, laid out in a Web Worker (graph-worker.js, ELK layered) and drawn as SVG with name
// scopes as groups that expand and collapse on click, a node inspector, search, pan/zoom and
// fit-to-view. The parts: graphs/view.js (pan/zoom), graphs/draw.js (SVG), graphs/inspector.js,
// graphs/search.js, graphs/colour.js, graphs/export.js and graphs/worker-client.js.
import { api } from "./common/api.js";
import { debounce, el } from "./common/dom.js";
import { setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";
import { colour } from "./graphs/colour.js";
import { draw, markSelected } from "./graphs/draw.js";
import { downloadPng, downloadSvg } from "./graphs/export.js";
import { inspectGroup, inspectOp, inspector } from "./graphs/inspector.js";
import { clearSearch, installSearch, markMatches } from "./graphs/search.js";
import { centerOn, fit, keepInPlace, svg, viewport } from "./graphs/view.js";
import { ask } from "./graphs/worker-client.js";

const EXPAND_ALL_UP_TO = 60;     // graphs with at most this many ops open fully expanded

const settings = new Settings({ run: "", graph: "", colour: "structure", tags: "", runs: "", hide: [], closed: [],
  expanded: [] });
const runSelect = document.getElementById("graph-run");
const busy = document.getElementById("graph-busy");
const kindSelect = document.getElementById("graph-kind");
const colourSelect = document.getElementById("graph-colour");
const legend = document.getElementById("graph-legend");
const runGraphs = new Map();     // run -> its /api/tags "graphs": [{kind, tag}]
const KIND_NAMES = { op: "Op graph", keras: "Keras model (layers)", function_graph: "Function trace",
  run_metadata: "Run metadata" };

let nodes = [];                  // the API's nodes of the current run
let byName = new Map();
let consumers = new Map();       // name -> names of nodes that take it as input
let expanded = new Set();
let allGroups = [];
let drawn = null;                // the last layout drawn
let selected = null;             // selected op name
let layoutSeq = 0;

async function relayout({ anchor = null, fitAfter = false } = {}) {
  const mine = ++layoutSeq;
  busy.hidden = false;
  busy.textContent = "Laying out…";
  // Where the clicked node was on screen, to keep it there after the new layout.
  const before = anchor && drawn?.nodes.find((n) => n.id === anchor);
  const result = await ask({ type: "layout", expanded: [...expanded] });
  if (mine !== layoutSeq) return;
  busy.hidden = true;
  drawn = result;
  svg.dataset.layoutMs = String(Math.round(result.ms));
  const after = anchor && result.nodes.find((n) => n.id === anchor);
  if (fitAfter) fit(drawn);
  else if (before && after) keepInPlace(before, after);
  settings.set("expanded", [...expanded].length <= 30 ? [...expanded] : []);
  await draw(result, byName, selected);
  if (mine === layoutSeq) { paint(); markMatches(); }
}

function paint() {
  const text = colour(viewport, drawn, colourSelect.value, byName, nodes);
  legend.textContent = text;
  legend.hidden = !text;
}

// ---------------------------------------------------------------- clicks, selection, reveal

svg.addEventListener("click", (event) => {
  if (svg.dataset.justDragged) return;
  const g = event.target.closest("g.node");
  if (!g) return;
  activate(g);
});
svg.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" && event.key !== " ") return;
  const g = event.target.closest("g.node");
  if (g) { event.preventDefault(); activate(g); }
});

function activate(g) {
  const id = g.dataset.id;
  if (g.dataset.kind === "op") {
    select(g.dataset.name);
    return;
  }
  if (expanded.has(id)) expanded.delete(id); else expanded.add(id);
  const n = drawn?.nodes.find((x) => x.id === id);
  if (n) inspectGroup(n, nodes);
  relayout({ anchor: id });
}

function select(name) {
  selected = name;
  markSelected(name);
  const node = byName.get(name);
  if (node) inspectOp(node, consumers.get(name) ?? [], reveal);
}

/** Open every scope around a node, lay out, select it and bring it to the middle. */
async function reveal(name) {
  const msg = await ask({ type: "reveal", name });
  for (const id of msg.ancestors) expanded.add(id);
  await relayout();
  const n = drawn.nodes.find((x) => x.name === name && x.kind === "op");
  if (!n) return;
  select(name);
  centerOn(n);
}

installSearch(reveal);
document.getElementById("fit").addEventListener("click", () => fit(drawn));
document.getElementById("collapse-all").addEventListener("click", () => { expanded.clear(); relayout({ fitAfter: true }); });
document.getElementById("expand-all").addEventListener("click", () => { expanded = new Set(allGroups); relayout({ fitAfter: true }); });
window.addEventListener("resize", debounce(() => fit(drawn), 200));
const fileName = () => `${runSelect.value}_${kindSelect.value}`.replace(/[^\w.-]+/g, "_").slice(0, 120);
document.getElementById("download-svg").addEventListener("click", () => { if (drawn) downloadSvg(drawn, fileName()); });
document.getElementById("download-png").addEventListener("click", () => {
  if (drawn) downloadPng(drawn, fileName()).catch(showError);
});
colourSelect.value = ["structure", "compute", "memory"].includes(settings.get("colour")) ? settings.get("colour") : "structure";
colourSelect.addEventListener("change", () => { settings.set("colour", colourSelect.value); paint(); });

const graphKey = (g) => (g.tag === null ? g.kind : `${g.kind}:${g.tag}`);

// ---------------------------------------------------------------- loading

/** Fill the graph select with the run's graphs; the one wanted (in the URL) or the first. */
function chooseGraph(run) {
  const graphs = runGraphs.get(run) ?? [];
  kindSelect.replaceChildren(...graphs.map((g) => el("option", { value: graphKey(g) },
    g.tag !== null ? `${KIND_NAMES[g.kind]}: ${g.tag}` : g.meta_graph ? "Op graph (meta graph)" : KIND_NAMES[g.kind])));
  const wanted = graphs.find((g) => graphKey(g) === settings.get("graph")) ?? graphs[0];
  kindSelect.value = graphKey(wanted);
  return wanted;
}

async function openRun(run, { newRun = false } = {}) {
  settings.set("run", run);
  inspector.hidden = true;
  selected = null;
  if (newRun) clearSearch();
  busy.hidden = false;
  busy.textContent = "Loading graph…";
  const wanted = chooseGraph(run);
  settings.set("graph", graphKey(wanted));
  const body = await api("/api/graph", { run, kind: wanted.kind, ...(wanted.tag === null ? {} : { tag: wanted.tag }) });
  nodes = body.nodes;
  const withStats = nodes.some((n) => n.stats);
  for (const o of colourSelect.options) o.disabled = o.value !== "structure" && !withStats;
  if (!withStats) colourSelect.value = "structure";
  else if (settings.get("colour") !== "structure") colourSelect.value = settings.get("colour");
  byName = new Map(nodes.map((n) => [n.name, n]));
  consumers = new Map();
  for (const n of nodes) {
    for (const input of n.inputs) {
      const src = input.replace(/^\^/, "").replace(/:\d+$/, "");
      if (!consumers.has(src)) consumers.set(src, []);
      consumers.get(src).push(n.name);
    }
  }
  const loaded = await ask({ type: "load", nodes });
  allGroups = loaded.groups;
  const fromUrl = settings.get("expanded").filter((id) => allGroups.includes(id));
  expanded = new Set(fromUrl.length ? fromUrl : loaded.ops <= EXPAND_ALL_UP_TO ? allGroups : []);
  document.getElementById("main").dataset.ops = String(loaded.ops);
  await relayout({ fitAfter: true });
}

async function main() {
  const [runsData, tagsData] = await Promise.all([api("/api/runs"), api("/api/tags")]);
  setAllRuns(runsData.runs);
  revealTabs(tagsData.runs);
  const withGraph = runsData.runs.filter((r) => tagsData.runs[r]?.graphs?.length);
  for (const r of withGraph) runGraphs.set(r, tagsData.runs[r].graphs);
  kindSelect.addEventListener("change", () => {
    settings.set("graph", kindSelect.value);
    settings.set("expanded", []);
    openRun(runSelect.value).catch(showError);
  });
  runSelect.replaceChildren(...withGraph.map((r) => el("option", { value: r }, r)));
  if (!runsData.runs.length) {
    const status = await loadStatus();
    showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
    document.querySelector(".graph-wrap").hidden = true;
    return;
  }
  if (!withGraph.length) {
    showMessage("no-data", { what: "graphs", hint: "Log one with SummaryWriter.add_graph(graph_def), or Keras's TensorBoard callback with write_graph=True." });
    document.querySelector(".graph-wrap").hidden = true;
    return;
  }
  const run = withGraph.includes(settings.get("run")) ? settings.get("run") : withGraph[0];
  runSelect.value = run;
  runSelect.addEventListener("change", () => {
    settings.set("expanded", []);
    openRun(runSelect.value, { newRun: true }).catch(showError);
  });
  await openRun(run);
  loadStatus().catch(showError);
}

main().catch(showError);
