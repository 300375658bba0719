// Graphs: the op graph of a run (or its Keras model's layers, which the server turns into the
// same nodes), laid out in a Web Worker (graph-worker.js, ELK layered) and drawn as SVG with name
// scopes as groups that expand and collapse on click, a node inspector, search, pan/zoom and
// fit-to-view. The parts: graphs/view.js (pan/zoom), graphs/draw.js (SVG), graphs/inspector.js,
// graphs/search.js and graphs/worker-client.js.
import { api } from "./common/api.js";
import { debounce, el } from "./common/dom.js";
import { setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";
import { draw, markSelected } from "./graphs/draw.js";
import { inspectGroup, inspectOp, inspector } from "./graphs/inspector.js";
import { installSearch } from "./graphs/search.js";
import { centerOn, fit, keepInPlace, svg } from "./graphs/view.js";
import { ask } from "./graphs/worker-client.js";

const EXPAND_ALL_UP_TO = 60;     // graphs with at most this many ops open fully expanded

const settings = new Settings({ run: "", kind: "op", tags: "", runs: "", hide: [], closed: [], expanded: [] });
const runSelect = document.getElementById("graph-run");
const busy = document.getElementById("graph-busy");
const kindRow = document.getElementById("graph-kind-row");
const kindSelect = document.getElementById("graph-kind");
const runKinds = new Map();      // run -> its /api/tags entry (graph, keras_model)

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

// ---------------------------------------------------------------- loading

async function openRun(run) {
  settings.set("run", run);
  inspector.hidden = true;
  selected = null;
  busy.hidden = false;
  busy.textContent = "Loading graph…";
  const kinds = runKinds.get(run) ?? {};
  kindRow.hidden = !(kinds.graph && kinds.keras_model);
  const kind = kinds.graph && (settings.get("kind") !== "keras" || !kinds.keras_model) ? "op" : "keras";
  kindSelect.value = kind;
  nodes = (await api("/api/graph", { run, kind })).nodes;
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
  const withGraph = runsData.runs.filter((r) => tagsData.runs[r]?.graph || tagsData.runs[r]?.keras_model);
  for (const r of withGraph) runKinds.set(r, tagsData.runs[r]);
  kindSelect.addEventListener("change", () => {
    settings.set("kind", kindSelect.value);
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
  runSelect.addEventListener("change", () => { settings.set("expanded", []); openRun(runSelect.value).catch(showError); });
  await openRun(run);
  loadStatus().catch(showError);
}

main().catch(showError);
