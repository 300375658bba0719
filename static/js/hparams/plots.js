// HParams plots: parallel coordinates (one line per session, in its run's colour; dragging on an
// axis filters that column) and a scatter matrix of the numeric columns.
import { runColor } from "../common/runs.js";

const STRICT = "/static/vendor/plotly-strict/plotly-strict.min.js";
let strictPromise = null;
/** The strict plotly.js bundle (static/vendor/plotly-strict/README.md): parcoords and splom draw
 *  with WebGL, whose shaders the default bundle compiles with `new Function`, which the pages'
 *  CSP refuses. */
function plotly() {
  strictPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = STRICT;
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error(`could not load ${STRICT}`)));
    document.head.append(script);
  });
  return strictPromise;
}

const FONT = { family: "system-ui, sans-serif", size: 12 };

/** Text for plotly's axis titles and hover labels, which read pseudo-HTML (<b>, <a href>...): as
 *  entities it is shown, not interpreted. (parcoords draws its labels as plain text already.) */
export function plain(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Discrete run colours through a numeric colour scale: session i has colour value (i + .5) / n. */
function runColours(sessions) {
  const n = Math.max(sessions.length, 1);
  const scale = [];
  sessions.forEach((s, i) => { scale.push([i / n, runColor(s.run)], [(i + 1) / n, runColor(s.run)]); });
  if (!scale.length) scale.push([0, "#888"], [1, "#888"]);
  return { color: sessions.map((_, i) => (i + 0.5) / n), colorscale: scale, cmin: 0, cmax: 1 };
}

function dimension(c, sessions, filters) {
  if (c.numeric) {
    const values = sessions.map((s) => (typeof c.get(s) === "number" && Number.isFinite(c.get(s)) ? c.get(s) : NaN));
    const f = filters[c.key] ?? {};
    const finite = values.filter(Number.isFinite);
    const lo = typeof f.min === "number" ? f.min : Math.min(...finite);
    const hi = typeof f.max === "number" ? f.max : Math.max(...finite);
    const dim = { label: c.label, values };
    if (typeof f.min === "number" || typeof f.max === "number") dim.constraintrange = [lo, hi];
    return dim;
  }
  const ticks = c.distinct;
  return { label: c.label, values: sessions.map((s) => ticks.indexOf(String(c.get(s) ?? ""))),
    tickvals: ticks.map((_, i) => i), ticktext: ticks, range: [-0.5, Math.max(ticks.length - 0.5, 0.5)] };
}

/** Parallel coordinates of `sessions` (already filtered by the categorical filters); a brush on
 *  a numeric axis calls `onRange(key, [min, max] | null)`. */
export async function drawParallel(node, sessions, columns, filters, onRange) {
  const Plotly = await plotly();
  const shown = columns.filter((c) => c.numeric || c.distinct.length);
  const trace = { type: "parcoords", line: runColours(sessions),
    dimensions: shown.map((c) => dimension(c, sessions, filters)),
    labelfont: FONT, tickfont: { ...FONT, size: 11 }, rangefont: { ...FONT, size: 10 } };
  const layout = { margin: { l: 120, r: 90, t: 50, b: 30 }, height: 420, font: FONT,
    paper_bgcolor: "rgba(0,0,0,0)" };
  await Plotly.react(node, [trace], layout, { displaylogo: false, responsive: true });
  node.removeAllListeners?.("plotly_restyle");
  node.on("plotly_restyle", (update) => {
    const [changes] = update;
    for (const [path, value] of Object.entries(changes)) {
      const m = path.match(/^dimensions\[(\d+)\]\.constraintrange$/);
      if (!m) continue;
      const column = shown[Number(m[1])];
      if (!column || !column.numeric) continue;
      const range = value?.[0] ?? value;
      const flat = Array.isArray(range?.[0]) ? range[0] : range;
      onRange(column.key, Array.isArray(flat) && flat.length === 2 ? [flat[0], flat[1]] : null);
    }
  });
}

/** A scatter matrix of the numeric columns, points in their run's colour. */
export async function drawScatter(node, sessions, columns) {
  const Plotly = await plotly();
  const numeric = columns.filter((c) => c.numeric);
  if (numeric.length < 2) {
    Plotly.purge(node);
    node.textContent = "A scatter matrix needs at least two numeric hyperparameters or metrics.";
    return;
  }
  const trace = { type: "splom", showupperhalf: false, diagonal: { visible: false },
    dimensions: numeric.map((c) => ({ label: plain(c.label),
      values: sessions.map((s) => (typeof c.get(s) === "number" ? c.get(s) : NaN)) })),
    text: sessions.map((s) => plain(s.run)),
    hovertemplate: "%{text}<br>%{xaxis.title.text}: %{x}<br>%{yaxis.title.text}: %{y}<extra></extra>",
    marker: { color: sessions.map((s) => runColor(s.run)), size: 8, line: { color: "white", width: 0.5 } } };
  const size = Math.min(900, 170 * (numeric.length - 1) + 90);
  const layout = { height: size, width: size + 40, margin: { l: 70, r: 20, t: 20, b: 60 }, font: FONT,
    dragmode: "select", hovermode: "closest", paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fafbfc" };
  await Plotly.react(node, [trace], layout, { displaylogo: false });
}
