// The node inspector beside the graph: an op's fields, inputs, outputs and attributes, or what a
// scope or series holds. Input and output names are buttons that reveal that node.
import { el, setChildren } from "../common/dom.js";
import { formatValue } from "./colour.js";

export const inspector = document.getElementById("inspector");

function attrText(value) {
  if (value === null) return "unknown";
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function nameButton(name, reveal) {
  const clean = name.replace(/^\^/, "").replace(/:\d+$/, "");
  const b = el("button", { type: "button", class: "link" }, name);
  b.addEventListener("click", () => reveal(clean));
  return el("li", {}, b);
}

function closeButton() {
  const close = el("button", { type: "button", class: "close", "aria-label": "Close inspector" }, "×");
  close.addEventListener("click", () => { inspector.hidden = true; });
  return close;
}

/** Show one API node; `outputs` are the names of the nodes taking it as input. */
export function inspectOp(node, outputs, reveal) {
  const attrs = Object.entries(node.attr ?? {}).filter(([k]) => k !== "_too_large_attrs");
  const button = (name) => nameButton(name, reveal);
  setChildren(inspector, closeButton(),
    el("h2", {}, node.name),
    el("dl", {},
      el("dt", {}, "Op"), el("dd", { "data-field": "op" }, node.op),
      el("dt", {}, "Device"), el("dd", {}, node.device || "–"),
      el("dt", {}, "Inputs"), el("dd", {}, String(node.inputs.length)),
      el("dt", {}, "Outputs"), el("dd", {}, String(outputs.length)),
      ...(node.stats ? [el("dt", {}, "Compute time"), el("dd", { "data-field": "compute" }, formatValue("compute", node.stats.compute_micros)),
        el("dt", {}, "Memory"), el("dd", { "data-field": "memory" }, formatValue("memory", node.stats.bytes)),
        el("dt", {}, "Ran on"), el("dd", {}, node.stats.devices.join(", "))] : [])),
    node.inputs.length ? el("h3", {}, "Inputs") : null,
    node.inputs.length ? el("ul", {}, node.inputs.map(button)) : null,
    outputs.length ? el("h3", {}, "Outputs") : null,
    outputs.length ? el("ul", {}, outputs.slice(0, 200).map(button)) : null,
    attrs.length ? el("h3", {}, "Attributes") : null,
    attrs.length ? el("dl", {}, attrs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, attrText(v))])) : null,
    node.attr?._too_large_attrs ? el("p", { class: "muted" }, `Left out (over 1 KB): ${node.attr._too_large_attrs.join(", ")}`) : null);
  inspector.hidden = false;
}

/** Show a drawn scope or series node `n`, counting the ops of `nodes` inside a scope. */
export function inspectGroup(n, nodes) {
  const prefix = n.kind === "scope" ? `${n.name}/` : null;
  const counts = new Map();
  for (const node of nodes) {
    if (prefix && !node.name.startsWith(prefix)) continue;
    counts.set(node.op, (counts.get(node.op) ?? 0) + 1);
  }
  const top = prefix ? [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8) : [];
  setChildren(inspector, closeButton(), el("h2", {}, n.name),
    el("dl", {}, el("dt", {}, "Kind"), el("dd", { "data-field": "op" }, n.kind === "series" ? "series" : "name scope"),
      el("dt", {}, "Contains"), el("dd", {}, n.sub)),
    top.length ? el("h3", {}, "Ops inside") : null,
    top.length ? el("ul", {}, top.map(([op, c]) => el("li", {}, `${op} × ${c}`))) : null);
  inspector.hidden = false;
}
