// "Colour by" for the graph, as TensorBoard's graph view offers it: by structure (the op kinds'
// own colours from the stylesheet), or by a RunMetadata's compute time or memory per node, on a
// light-to-dark scale from the smallest to the largest value drawn. A scope shows the sum of
// the ops inside it.

const LOW = [255, 245, 235];     // light orange
const HIGH = [232, 112, 40];     // strong orange (dark text stays readable on it)

function mix(t) {
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * t));
  return `rgb(${c.join(",")})`;
}

const FIELD = { compute: "compute_micros", memory: "bytes" };

/** The value of a drawn node (`n`: {kind, name}) under a mode; null where nothing ran. */
function valueOf(n, mode, byName, nodes) {
  const field = FIELD[mode];
  if (n.kind === "op") return byName.get(n.name)?.stats?.[field] ?? null;
  if (n.kind !== "scope") return null;
  const prefix = `${n.name}/`;
  let sum = null;
  for (const node of nodes) {
    if (node.stats && node.name.startsWith(prefix)) sum = (sum ?? 0) + node.stats[field];
  }
  return sum;
}

export function formatValue(mode, v) {
  if (mode === "memory") {
    if (v >= 1 << 20) return `${(v / (1 << 20)).toFixed(1)} MiB`;
    if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
    return `${v} B`;
  }
  return v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : `${v} µs`;
}

/** Paint the drawn nodes of `viewport` for `mode`; returns the legend text ("" for structure). */
export function colour(viewport, drawn, mode, byName, nodes) {
  const rects = [...viewport.querySelectorAll("g.node")];
  for (const g of rects) {
    const rect = g.querySelector("rect:not(.stack):not(.head-bg)");
    if (rect) rect.style.fill = "";
    delete g.dataset.value;
  }
  if (mode === "structure" || !drawn) return "";
  const values = new Map();
  for (const n of drawn.nodes) {
    if (n.expanded) continue;
    const v = valueOf(n, mode, byName, nodes);
    if (v !== null) values.set(n.id, v);
  }
  if (!values.size) return `No ${mode === "memory" ? "memory" : "compute time"} recorded for these nodes.`;
  const all = [...values.values()];
  const lo = Math.min(...all), hi = Math.max(...all);
  for (const g of rects) {
    const v = values.get(g.dataset.id);
    if (v === undefined) continue;
    g.dataset.value = String(v);
    const rect = g.querySelector("rect:not(.stack):not(.head-bg)");
    if (rect) rect.style.fill = mix(hi > lo ? (v - lo) / (hi - lo) : 1);
  }
  return `${mode === "memory" ? "Memory" : "Compute time"}: ${formatValue(mode, lo)} (light) to ${formatValue(mode, hi)} (dark); white: not run.`;
}
