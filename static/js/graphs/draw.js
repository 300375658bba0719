// Drawing a graph layout as SVG: open scopes as boxes behind, edges (with tensor shapes when
// few), then op, scope and series nodes, built in chunks so a 2,000-node graph never blocks.
import { svg, svgEl, viewport } from "./view.js";

function nodeClass(n, byName) {
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

const FIT_TEXT_UP_TO = 800;       // drawn nodes whose text is measured (one layout pass each)

/** Shorten any text wider than its box (the width estimate misses wide letters such as "W"). */
function fitTexts(...layers) {
  for (const layer of layers) {
    for (const g of layer.querySelectorAll("g.node")) {
      const rect = g.querySelector(":scope > rect:not(.stack)");
      if (!rect) continue;
      const w = Number(rect.getAttribute("width"));
      for (const text of g.querySelectorAll(":scope > text")) {
        const room = text.getAttribute("text-anchor") === "middle" ? w - 8 : w - Number(text.getAttribute("x")) - 4;
        let s = text.textContent;
        while (s.length > 2 && text.getComputedTextLength() > room) {
          s = `${s.slice(0, -2)}…`;
          text.textContent = s;
        }
      }
    }
  }
}

const CHUNK = 250;                // elements built per task, so a 2,000-node graph never blocks
let drawSeq = 0;
const yieldToPage = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Draw a layout ({nodes, edges}) in chunks; `byName` holds the API's nodes (for their op),
 *  `selected` the op name to mark. */
export async function draw(result, byName, selected) {
  const mine = ++drawSeq;
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
    const g = svgEl("g", { class: nodeClass(n, byName), "data-id": n.id, "data-name": n.name, "data-kind": n.kind,
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
    // Tensor shapes (from _output_shapes), where the layout placed and made room for them.
    if (e.shape && e.label) {
      edgeLayer.append(svgEl("text", { class: "edge-label", x: e.label.x + 2, y: e.label.y + e.label.h - 2 }, e.shape));
    }
  }
  if (result.nodes.length <= FIT_TEXT_UP_TO) fitTexts(nodeLayer, groupsLayer);
  svg.dataset.nodes = String(result.nodes.filter((n) => !n.expanded).length);
  if (selected) markSelected(selected);
}

/** Mark an op and the edges at its ends. */
export function markSelected(name) {
  for (const n of viewport.querySelectorAll("g.node.selected")) n.classList.remove("selected");
  for (const p of viewport.querySelectorAll("path.edge.hot")) p.classList.remove("hot");
  const g = [...viewport.querySelectorAll("g.node")].find((x) => x.dataset.name === name && x.dataset.kind === "op");
  if (!g) return;
  g.classList.add("selected");
  for (const p of viewport.querySelectorAll("path.edge")) {
    if (p.dataset.source === g.dataset.id || p.dataset.target === g.dataset.id) p.classList.add("hot");
  }
}
