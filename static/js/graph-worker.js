// The graph dashboard's Web Worker: builds the name-scope hierarchy of a GraphDef, folds numbered
// siblings into series, and lays out what is visible with ELK (layered, top to bottom), so the
// page never freezes on a big graph. A classic worker: ELK comes in through importScripts.
/* global ELK */
importScripts("/static/vendor/elkjs/elk.bundled.js");

const elk = new ELK();
const SERIES_MIN = 5;      // TensorBoard folds 5 or more numbered siblings into one series node

let ops = [];              // [{id, name, op, inputs, parent, ancestors}]
let opByName = new Map();
let groups = new Map();    // id -> {id, name, label, kind, parent, children: [ids], ops: count}

function group(id, name, label, kind, parent) {
  const g = { id, name, label, kind, parent, children: [], ops: 0 };
  groups.set(id, g);
  if (parent) groups.get(parent).children.push(id);
  return g;
}

function build(nodes) {
  groups = new Map();
  ops = [];
  opByName = new Map();
  group("root", "", "", "root", null);
  for (const n of nodes) {
    const parts = n.name.split("/");
    let parent = "root";
    for (let k = 1; k < parts.length; k++) {
      const path = parts.slice(0, k).join("/");
      const id = `s:${path}`;
      if (!groups.has(id)) group(id, path, parts[k - 1], "scope", parent);
      parent = id;
    }
    const op = { id: `n:${n.name}`, name: n.name, label: parts.at(-1), op: n.op, inputs: n.inputs ?? [],
      parent, shapes: n.attr?._output_shapes ?? null };
    ops.push(op);
    opByName.set(n.name, op);
    groups.get(parent).children.push(op.id);
  }
  for (const g of [...groups.values()]) foldSeries(g);
  // Ancestors (outermost first) and op counts.
  for (const op of ops) {
    const chain = [];
    for (let p = op.parent; p && p !== "root"; p = groups.get(p).parent) chain.unshift(p);
    op.ancestors = chain;
    for (const id of chain) groups.get(id).ops++;
  }
}

/** Siblings whose last name part differs only by a numeric suffix (5 or more) become a series. */
function foldSeries(g) {
  const buckets = new Map();
  for (const child of g.children) {
    const isGroup = !child.startsWith("n:");
    const label = isGroup ? groups.get(child).label : opByName.get(child.slice(2)).label;
    const m = /^(.*?)(\d+)$/.exec(label);
    if (!m) continue;
    const kind = isGroup ? "scope" : opByName.get(child.slice(2)).op;
    const key = `${m[1]}\0${kind}`;
    if (!buckets.has(key)) buckets.set(key, []);
    buckets.get(key).push([child, Number(m[2])]);
  }
  for (const [key, members] of buckets) {
    if (members.length < SERIES_MIN) continue;
    const base = key.split("\0")[0];
    const nums = members.map((m) => m[1]).sort((a, b) => a - b);
    const path = (g.name ? `${g.name}/` : "") + `${base}[${nums[0]}-${nums.at(-1)}]`;
    const id = `r:${path}\0${key}`;
    const series = { id, name: path, label: `${base}[${nums[0]}-${nums.at(-1)}]`, kind: "series",
      parent: g.id, children: [], ops: 0 };
    groups.set(id, series);
    const moved = new Set(members.map((m) => m[0]));
    const at = g.children.findIndex((c) => moved.has(c));
    g.children = g.children.filter((c) => !moved.has(c));
    g.children.splice(at, 0, id);
    for (const [child] of members) {
      series.children.push(child);
      if (child.startsWith("n:")) opByName.get(child.slice(2)).parent = id;
      else groups.get(child).parent = id;
    }
  }
}

function sourceName(input) {
  let name = input.startsWith("^") ? input.slice(1) : input;
  const colon = name.lastIndexOf(":");
  if (colon > 0 && /^\d+$/.test(name.slice(colon + 1))) name = name.slice(0, colon);
  return name;
}

const CHAR = 6.6;
const LABEL_CHAR = 5.8;           // 9 px edge-label text, wide digits and "×"
const EDGE_LABELS_UP_TO = 300;
function textWidth(s, min) { return Math.max(min, Math.min(260, s.length * CHAR + 24)); }

/** The ELK graph of what is visible when the groups in `expanded` are open. */
function visibleGraph(expanded) {
  const repOf = (op) => {
    for (const a of op.ancestors) if (!expanded.has(a)) return a;
    return op.id;
  };
  const parentOf = new Map();   // visible id -> visible parent id (an expanded group or root)
  const elkNode = (id) => {
    if (id.startsWith("n:")) {
      const op = opByName.get(id.slice(2));
      const sub = op.op === op.label ? "" : op.op;
      return { id, width: Math.max(textWidth(op.label, 56), textWidth(sub, 56) * 0.85), height: sub ? 34 : 28 };
    }
    const g = groups.get(id);
    if (!expanded.has(id)) {
      return { id, width: textWidth(g.label, 70) + 18, height: 40 };
    }
    const children = g.children.map((c) => { parentOf.set(c, id); return elkNode(c); });
    return {
      id, children, edges: [],
      layoutOptions: { "elk.padding": "[top=30,left=12,bottom=12,right=12]" },
    };
  };
  const root = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.layered.spacing.nodeNodeBetweenLayers": "34",
      "elk.spacing.nodeNode": "18",
      "elk.spacing.edgeNode": "12",
      "elk.spacing.edgeLabel": "2",
      "elk.edgeLabels.inline": "false",
      "elk.layered.edgeLabels.sideSelection": "ALWAYS_DOWN",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.json.shapeCoords": "ROOT",
      "elk.json.edgeCoords": "ROOT",
    },
    children: groups.get("root").children.map((c) => { parentOf.set(c, "root"); return elkNode(c); }),
    edges: [],
  };
  const index = new Map();
  const walk = (n) => { index.set(n.id, n); for (const c of n.children ?? []) walk(c); };
  walk(root);
  const chain = (id) => { const out = [id]; while (parentOf.has(out.at(-1))) out.push(parentOf.get(out.at(-1))); return out; };
  const edges = new Map();
  for (const op of ops) {
    const dst = repOf(op);
    for (const input of op.inputs) {
      const src = opByName.get(sourceName(input));
      if (!src) continue;
      const from = repOf(src);
      if (from === dst) continue;
      const key = `${from}>${dst}`;
      const control = input.startsWith("^");
      let e = edges.get(key);
      if (!e) {
        e = { id: `e${edges.size}`, sources: [from], targets: [dst], count: 0, control: true, shape: null };
        edges.set(key, e);
      }
      e.count++;
      e.control &&= control;
      if (!e.shape && src.shapes && !control) {
        const k = input.includes(":") ? Number(input.split(":").at(-1)) || 0 : 0;
        const shape = src.shapes[k];
        if (shape !== undefined) e.shape = shape === null ? "?" : `[${shape.map((d) => (d < 0 ? "?" : d)).join("×")}]`;
      }
    }
  }
  // Tensor shapes label the edges when there are few enough to read; ELK places each label and
  // keeps room for it, so labels overlap neither nodes nor each other.
  const labelled = edges.size <= EDGE_LABELS_UP_TO;
  for (const e of edges.values()) {
    if (labelled && e.shape) e.labels = [{ id: `${e.id}l`, text: e.shape, width: e.shape.length * LABEL_CHAR + 4, height: 11 }];
  }
  // Each edge lives in the lowest common ancestor of its ends.
  for (const e of edges.values()) {
    const a = chain(e.sources[0]);
    const b = new Set(chain(e.targets[0]));
    let container = "root";
    for (const id of a.slice(1)) if (b.has(id)) { container = id; break; }
    if (container === e.sources[0] || container === e.targets[0]) container = "root";
    index.get(container).edges.push(e);
  }
  return { root, index };
}

function describe(id, expanded) {
  if (id.startsWith("n:")) {
    const op = opByName.get(id.slice(2));
    return { kind: "op", label: op.label, sub: op.op === op.label ? "" : op.op, op: op.op, name: op.name };
  }
  const g = groups.get(id);
  return { kind: g.kind, label: g.label, sub: `${g.ops} ops`, name: g.name, expanded: expanded.has(id) };
}

async function layout(expanded) {
  const { root } = visibleGraph(expanded);
  const result = await elk.layout(root);
  const nodes = [];
  const edges = [];
  const walk = (n, depth) => {
    if (n.id !== "root") nodes.push({ id: n.id, x: n.x, y: n.y, w: n.width, h: n.height, depth, ...describe(n.id, expanded) });
    for (const e of n.edges ?? []) {
      const points = [];
      for (const s of e.sections ?? []) {
        points.push([s.startPoint.x, s.startPoint.y]);
        for (const b of s.bendPoints ?? []) points.push([b.x, b.y]);
        points.push([s.endPoint.x, s.endPoint.y]);
      }
      edges.push({ id: e.id, source: e.sources[0], target: e.targets[0], points, count: e.count,
        control: e.control, shape: e.shape,
        label: e.labels?.[0] ? { x: e.labels[0].x, y: e.labels[0].y, w: e.labels[0].width, h: e.labels[0].height } : null });
    }
    for (const c of n.children ?? []) walk(c, depth + 1);
  };
  walk(result, 0);
  return { nodes, edges, width: result.width, height: result.height };
}

function ancestorsOf(name) {
  const op = opByName.get(name);
  if (op) return [...op.ancestors];
  const g = [...groups.values()].find((x) => x.name === name);
  if (!g) return [];
  const out = [];
  for (let p = g.parent; p && p !== "root"; p = groups.get(p).parent) out.unshift(p);
  return out;
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    if (msg.type === "load") {
      build(msg.nodes);
      const all = [...groups.keys()].filter((id) => id !== "root");
      self.postMessage({ type: "loaded", seq: msg.seq, ops: ops.length, groups: all });
    } else if (msg.type === "layout") {
      const started = performance.now();
      const result = await layout(new Set(msg.expanded));
      self.postMessage({ type: "layout", seq: msg.seq, ms: performance.now() - started, ...result });
    } else if (msg.type === "search") {
      let re;
      try { re = new RegExp(msg.query, "i"); } catch { re = null; }
      const hits = [];
      // `within`: the groups holding the op, so that a collapsed one drawn in its place can be marked
      if (re) for (const op of ops) if (re.test(op.name) && hits.push({ name: op.name, op: op.op, within: op.ancestors }) >= 50) break;
      self.postMessage({ type: "search", seq: msg.seq, hits, invalid: !re });
    } else if (msg.type === "reveal") {
      self.postMessage({ type: "reveal", seq: msg.seq, name: msg.name, ancestors: ancestorsOf(msg.name) });
    }
  } catch (err) {
    self.postMessage({ type: "error", seq: msg.seq, message: String(err?.message ?? err) });
  }
};
