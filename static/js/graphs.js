// Graphs: the op graph of a run, laid out in a Web Worker (graph-worker.js, ELK layered), drawn
// as SVG with name scopes as groups that expand and collapse on click, a node inspector, search,
// pan/zoom and fit-to-view.
import { api, el, setChildren, debounce, Settings, setAllRuns, showError, showMessage, loadStatus, logdirText, revealTabs } from "./common.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const EXPAND_ALL_UP_TO = 60;     // graphs with at most this many ops open fully expanded

const settings = new Settings({ run: "", kind: "op", tags: "", runs: "", hide: [], closed: [], expanded: [] });
const svg = document.getElementById("graph");
const runSelect = document.getElementById("graph-run");
const inspector = document.getElementById("inspector");
const busy = document.getElementById("graph-busy");
const searchBox = document.getElementById("node-search");
const searchResults = document.getElementById("search-results");
const kindRow = document.getElementById("graph-kind-row");
const kindSelect = document.getElementById("graph-kind");
const runKinds = new Map();      // run -> its /api/tags entry (graph, keras_model)

const worker = new Worker("/static/js/graph-worker.js");
let seq = 0;
const pending = new Map();
worker.onmessage = (event) => {
  const msg = event.data;
  const resolve = pending.get(msg.seq);
  pending.delete(msg.seq);
  if (msg.type === "error") showError(new Error(`graph layout: ${msg.message}`));
  else if (resolve) resolve(msg);
};
function ask(message) {
  const id = ++seq;
  return new Promise((resolve) => { pending.set(id, resolve); worker.postMessage({ ...message, seq: id }); });
}

let nodes = [];                  // the API's nodes of the current run
let byName = new Map();
let consumers = new Map();       // name -> names of nodes that take it as input
let expanded = new Set();
let drawn = null;                // the last layout drawn
let selected = null;             // selected op name
let view = { x: 0, y: 0, k: 1 };
let layoutSeq = 0;
const viewport = document.createElementNS(SVG_NS, "g");
svg.append(viewport);

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------- pan and zoom

function applyView() { viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`); }

function fit() {
  if (!drawn) return;
  const box = svg.getBoundingClientRect();
  const pad = 24;
  const k = Math.min((box.width - 2 * pad) / Math.max(drawn.width, 1), (box.height - 2 * pad) / Math.max(drawn.height, 1), 1.6);
  view = { k, x: (box.width - drawn.width * k) / 2, y: Math.max(pad, (box.height - drawn.height * k) / 2) };
  applyView();
}

svg.addEventListener("wheel", (event) => {
  event.preventDefault();
  const box = svg.getBoundingClientRect();
  const mx = event.clientX - box.left, my = event.clientY - box.top;
  const factor = Math.exp(-event.deltaY * 0.0015);
  const k = Math.min(8, Math.max(0.02, view.k * factor));
  view.x = mx - ((mx - view.x) * k) / view.k;
  view.y = my - ((my - view.y) * k) / view.k;
  view.k = k;
  applyView();
}, { passive: false });

let drag = null;
svg.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
});
window.addEventListener("pointermove", (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) { drag.moved = true; svg.classList.add("dragging"); }
  view.x = drag.vx + dx;
  view.y = drag.vy + dy;
  applyView();
});
window.addEventListener("pointerup", () => {
  if (drag?.moved) svg.dataset.justDragged = "1";
  drag = null;
  svg.classList.remove("dragging");
  setTimeout(() => delete svg.dataset.justDragged, 0);
});

// ---------------------------------------------------------------- drawing

function nodeClass(n) {
  if (n.kind === "op") {
    const op = byName.get(n.name)?.op ?? "";
    const io = /Placeholder|^_Arg|^_Retval|^Input|Identity$/.test(op) || /^(input|output)/i.test(n.label);
    const cst = /^(Const|VariableV2|VarHandleOp|Variable)$/.test(op);
    return `node op${io ? " io" : ""}${cst ? " const" : ""}`;
  }
  return `node ${n.kind}${n.expanded ? " expanded scope" : n.kind === "series" ? "" : ""}`;
}

function truncate(text, width) {
  const max = Math.max(4, Math.floor((width - 14) / 6.6));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const CHUNK = 250;                // elements built per task, so a 2,000-node graph never blocks
let drawSeq = 0;
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

async function draw(result) {
  const mine = ++drawSeq;
  drawn = result;
  const groupsLayer = svgEl("g");
  const edgeLayer = svgEl("g");
  const nodeLayer = svgEl("g");
  const defs = svgEl("defs");
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7",
    markerHeight: "7", orient: "auto-start-reverse" });
  marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8b96a5" }));
  defs.append(marker);
  viewport.replaceChildren(defs, groupsLayer, edgeLayer, nodeLayer);
  delete svg.dataset.nodes;
  for (const [i, n] of result.nodes.entries()) {
    if (i % CHUNK === CHUNK - 1) { await yieldToPage(); if (mine !== drawSeq) return; }
    const g = svgEl("g", { class: nodeClass(n), "data-id": n.id, "data-name": n.name, "data-kind": n.kind,
      transform: `translate(${n.x},${n.y})`, tabindex: "0", role: "button",
      "aria-label": n.kind === "op" ? `${n.name} (${n.op})` : `${n.kind} ${n.name}, ${n.sub}, ${n.expanded ? "expanded" : "collapsed"}` });
    if (n.expanded) {
      // An open scope: only its header is a button (collapse); its body lets clicks through.
      const box = svgEl("g", { class: `${n.kind} expanded`, transform: `translate(${n.x},${n.y})` });
      box.append(svgEl("rect", { width: n.w, height: n.h, rx: 8 }));
      g.removeAttribute("transform");
      g.setAttribute("class", "node head");
      g.append(svgEl("rect", { width: n.w, height: 26, rx: 8, class: "head-bg" }));
      g.append(svgEl("text", { x: 10, y: 18 }, `− ${truncate(n.label, n.w - 20)}`));
      box.append(g);
      groupsLayer.append(box);
    } else if (n.kind === "op") {
      g.append(svgEl("rect", { width: n.w, height: n.h, rx: n.h / 2 }));
      g.append(svgEl("text", { x: n.w / 2, y: n.sub ? 15 : 18, "text-anchor": "middle" }, truncate(n.label, n.w)));
      if (n.sub) g.append(svgEl("text", { x: n.w / 2, y: 27, "text-anchor": "middle", class: "sub" }, truncate(n.sub, n.w * 1.15)));
      nodeLayer.append(g);
    } else {
      if (n.kind === "series") {
        g.append(svgEl("rect", { x: 6, y: -5, width: n.w - 6, height: n.h, rx: 6, class: "stack", fill: "#e9e2d6", stroke: "#b59b77" }));
      }
      g.append(svgEl("rect", { width: n.w, height: n.h, rx: 6 }));
      g.append(svgEl("text", { x: 10, y: 17 }, `+ ${truncate(n.label, n.w - 20)}`));
      g.append(svgEl("text", { x: 10, y: 31, class: "sub" }, n.sub));
      nodeLayer.append(g);
    }
  }
  for (const [i, e] of result.edges.entries()) {
    if (i % (CHUNK * 2) === CHUNK * 2 - 1) { await yieldToPage(); if (mine !== drawSeq) return; }
    if (e.points.length < 2) continue;
    const d = e.points.map(([x, y], i) => `${i ? "L" : "M"}${x},${y}`).join(" ");
    const path = svgEl("path", { d, class: `edge${e.control ? " control" : ""}`, "marker-end": "url(#arrow)",
      "data-source": e.source, "data-target": e.target, "stroke-width": e.count > 1 ? Math.min(4, 1 + Math.log2(e.count)) : null });
    edgeLayer.append(path);
    // Tensor shapes (from _output_shapes) label the edges when there are few enough to read.
    if (e.shape && result.edges.length <= 300) {
      const [x0, y0] = e.points.at(-2);
      const [x1, y1] = e.points.at(-1);
      edgeLayer.append(svgEl("text", { class: "edge-label", x: (x0 + x1) / 2 + 4, y: (y0 + y1) / 2 + 3 }, e.shape));
    }
  }
  svg.dataset.nodes = String(result.nodes.filter((n) => !n.expanded).length);
  if (selected) markSelected(selected);
}

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
  if (fitAfter) fit();
  else if (before && after) {
    view.x += (before.x - after.x) * view.k;
    view.y += (before.y - after.y) * view.k;
    applyView();
  }
  settings.set("expanded", [...expanded].length <= 30 ? [...expanded] : []);
  await draw(result);
}

// ---------------------------------------------------------------- clicks, inspector, search

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
  inspectGroup(g);
  relayout({ anchor: id });
}

function markSelected(name) {
  for (const n of viewport.querySelectorAll("g.node.selected")) n.classList.remove("selected");
  for (const p of viewport.querySelectorAll("path.edge.hot")) p.classList.remove("hot");
  const g = [...viewport.querySelectorAll("g.node")].find((x) => x.dataset.name === name && x.dataset.kind === "op");
  if (!g) return;
  g.classList.add("selected");
  for (const p of viewport.querySelectorAll("path.edge")) {
    if (p.dataset.source === g.dataset.id || p.dataset.target === g.dataset.id) p.classList.add("hot");
  }
}

function select(name) {
  selected = name;
  markSelected(name);
  inspectOp(name);
}

function attrText(value) {
  if (value === null) return "unknown";
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function nameButton(name) {
  const clean = name.replace(/^\^/, "").replace(/:\d+$/, "");
  const b = el("button", { type: "button", class: "link" }, name);
  b.addEventListener("click", () => reveal(clean));
  return el("li", {}, b);
}

function inspectOp(name) {
  const node = byName.get(name);
  if (!node) return;
  const close = el("button", { type: "button", class: "close", "aria-label": "Close inspector" }, "×");
  close.addEventListener("click", () => { inspector.hidden = true; });
  const attrs = Object.entries(node.attr ?? {}).filter(([k]) => k !== "_too_large_attrs");
  const outputs = consumers.get(name) ?? [];
  setChildren(inspector, close,
    el("h2", {}, node.name),
    el("dl", {},
      el("dt", {}, "Op"), el("dd", { "data-field": "op" }, node.op),
      el("dt", {}, "Device"), el("dd", {}, node.device || "–"),
      el("dt", {}, "Inputs"), el("dd", {}, String(node.inputs.length)),
      el("dt", {}, "Outputs"), el("dd", {}, String(outputs.length))),
    node.inputs.length ? el("h3", {}, "Inputs") : null,
    node.inputs.length ? el("ul", {}, node.inputs.map(nameButton)) : null,
    outputs.length ? el("h3", {}, "Outputs") : null,
    outputs.length ? el("ul", {}, outputs.slice(0, 200).map(nameButton)) : null,
    attrs.length ? el("h3", {}, "Attributes") : null,
    attrs.length ? el("dl", {}, attrs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, attrText(v))])) : null,
    node.attr?._too_large_attrs ? el("p", { class: "muted" }, `Left out (over 1 KB): ${node.attr._too_large_attrs.join(", ")}`) : null);
  inspector.hidden = false;
}

function inspectGroup(g) {
  const n = drawn?.nodes.find((x) => x.id === g.dataset.id);
  if (!n) return;
  const prefix = n.kind === "scope" ? `${n.name}/` : null;
  const counts = new Map();
  for (const node of nodes) {
    if (prefix && !node.name.startsWith(prefix)) continue;
    counts.set(node.op, (counts.get(node.op) ?? 0) + 1);
  }
  const close = el("button", { type: "button", class: "close", "aria-label": "Close inspector" }, "×");
  close.addEventListener("click", () => { inspector.hidden = true; });
  const top = prefix ? [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8) : [];
  setChildren(inspector, close, el("h2", {}, n.name),
    el("dl", {}, el("dt", {}, "Kind"), el("dd", { "data-field": "op" }, n.kind === "series" ? "series" : "name scope"),
      el("dt", {}, "Contains"), el("dd", {}, n.sub)),
    top.length ? el("h3", {}, "Ops inside") : null,
    top.length ? el("ul", {}, top.map(([op, c]) => el("li", {}, `${op} × ${c}`))) : null);
  inspector.hidden = false;
}

/** Open every scope around a node, lay out, select it and bring it to the middle. */
async function reveal(name) {
  const msg = await ask({ type: "reveal", name });
  for (const id of msg.ancestors) expanded.add(id);
  await relayout();
  const n = drawn.nodes.find((x) => x.name === name && x.kind === "op");
  if (!n) return;
  select(name);
  const box = svg.getBoundingClientRect();
  view.k = Math.max(view.k, 0.8);
  view.x = box.width / 2 - (n.x + n.w / 2) * view.k;
  view.y = box.height / 2 - (n.y + n.h / 2) * view.k;
  applyView();
}

searchBox.addEventListener("input", debounce(async () => {
  const query = searchBox.value.trim();
  searchBox.removeAttribute("aria-invalid");
  if (!query) { searchResults.replaceChildren(); return; }
  const msg = await ask({ type: "search", query });
  if (msg.invalid) { searchBox.setAttribute("aria-invalid", "true"); return; }
  searchResults.replaceChildren(...msg.hits.map((h) => {
    const b = el("button", { type: "button", title: h.op }, h.name);
    b.addEventListener("click", () => reveal(h.name));
    return el("li", {}, b);
  }));
  if (!msg.hits.length) searchResults.append(el("li", { class: "muted" }, "No node matches"));
  for (const g of viewport.querySelectorAll("g.node")) {
    g.classList.toggle("match", g.dataset.kind === "op" && msg.hits.some((h) => h.name === g.dataset.name));
  }
}, 200));
searchBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter") searchResults.querySelector("button")?.click();
});

document.getElementById("fit").addEventListener("click", fit);
document.getElementById("collapse-all").addEventListener("click", () => { expanded.clear(); relayout({ fitAfter: true }); });
let allGroups = [];
document.getElementById("expand-all").addEventListener("click", () => { expanded = new Set(allGroups); relayout({ fitAfter: true }); });
window.addEventListener("resize", debounce(fit, 200));

// ---------------------------------------------------------------- loading

// ---------------------------------------------------------------- Keras model configs

/** Layer names a Keras layer's inbound_nodes refer to (Keras 2 lists or Keras 3 tensors). */
function inboundNames(inbound) {
  const out = [];
  const walk = (v) => {
    if (Array.isArray(v)) {
      if (typeof v[0] === "string" && typeof v[1] === "number") out.push(v[0]);
      else v.forEach(walk);
    } else if (v && typeof v === "object") {
      if (v.class_name === "__keras_tensor__") out.push(v.config.keras_history[0]);
      else Object.values(v).forEach(walk);
    }
  };
  walk(inbound ?? []);
  return [...new Set(out)];
}

const LAYER_ATTRS = ["units", "activation", "filters", "kernel_size", "strides", "padding", "rate", "pool_size",
  "input_dim", "output_dim", "return_sequences", "batch_input_shape", "batch_shape", "dtype", "axis"];

/** A Keras model config (what Keras's TensorBoard callback logs) as graph nodes: one per layer,
 *  inside a scope named after the model; nested models become nested scopes. */
function kerasNodes(model, prefix = "") {
  const cfg = model.config ?? {};
  const scope = `${prefix}${cfg.name ?? "model"}`;
  const layers = cfg.layers ?? [];
  const sequential = model.class_name === "Sequential" || layers.every((l) => !l.inbound_nodes);
  const out = [];
  let prev = null;
  for (const layer of layers) {
    const name = layer.name ?? layer.config?.name ?? layer.class_name;
    const inputs = sequential ? (prev ? [prev] : []) : inboundNames(layer.inbound_nodes);
    if (layer.config?.layers) {
      // A nested model: its layers in a scope; its first layer takes this layer's inputs.
      const inner = kerasNodes(layer, `${scope}/`);
      if (inner.length) inner[0].inputs.push(...inputs.map((i) => `${scope}/${i}`));
      out.push(...inner);
      prev = inner.length ? inner.at(-1).name.slice(scope.length + 1) : prev;
      continue;
    }
    const attr = {};
    for (const key of LAYER_ATTRS) if (layer.config && key in layer.config) attr[key] = layer.config[key];
    out.push({ name: `${scope}/${name}`, op: layer.class_name, inputs: inputs.map((i) => `${scope}/${i}`), device: "", attr });
    prev = name;
  }
  return out;
}

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
  if (kind === "op") {
    nodes = (await api("/api/graph", { run })).nodes;
  } else {
    const data = await api("/api/keras_model", { run });
    nodes = kerasNodes(typeof data.config === "string" ? JSON.parse(data.config) : data.config);
  }
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
