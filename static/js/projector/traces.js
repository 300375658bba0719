// The projector's plotly traces: points coloured by a metadata column (a trace per category, so
// the legend names them, or a colour scale for a numeric column), and the overlays for search
// matches, the selected point and its neighbours. Every trace's customdata is the point index.

const CATEGORY = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5",
  "#c49c94", "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5"];
export const MAX_CATEGORIES = CATEGORY.length;
const FONT = { family: "system-ui, sans-serif", size: 12 };

/** Text for plotly's hover labels, which read pseudo-HTML: as entities it is shown, not run. */
export function plain(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function hashColor(value) {
  let h = 0;
  for (const ch of String(value)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return CATEGORY[h % CATEGORY.length];
}

/** The trace type for `dims` and `n` points: SVG up to 5,000 points in 2-D, WebGL beyond. */
function kind(dims, n) {
  if (dims === 3) return "scatter3d";
  return n > 5000 ? "scattergl" : "scatter";
}

function positions(coords, indices, dims) {
  const out = { x: [], y: [] };
  if (dims === 3) out.z = [];
  for (const i of indices) {
    out.x.push(coords[i][0]);
    out.y.push(coords[i][1] ?? 0);
    if (dims === 3) out.z.push(coords[i][2] ?? 0);
  }
  return out;
}

/** The traces of `coords` ([N][≥dims]); `color` a column {name, values, numeric, distinct} or
 *  null, `labels` the hover label per point, `matches`/`selected`/`neighbors` index lists. */
export function traces({ coords, dims, color, labels, matches, selected, neighbors }) {
  const n = coords.length;
  const type = kind(dims, n);
  const size = dims === 3 ? 3 : n > 2000 ? 4 : 6;
  const hover = (indices) => indices.map((i) => `#${i}${labels ? ` ${plain(labels[i])}` : ""}`);
  const base = (indices, extra) => ({
    type, mode: "markers", ...positions(coords, indices, dims), customdata: indices,
    text: hover(indices), hovertemplate: "%{text}<extra></extra>", ...extra,
  });
  const all = [...Array(n).keys()];
  const dim = matches && matches.length ? 0.35 : 0.85;
  const out = [];
  if (color && !color.numeric && color.distinct <= MAX_CATEGORIES) {
    const groups = new Map();
    all.forEach((i) => {
      const v = color.values[i];
      if (!groups.has(v)) groups.set(v, []);
      groups.get(v).push(i);
    });
    [...groups.keys()].sort().forEach((value, k) => out.push(base(groups.get(value), {
      name: plain(value), marker: { size, color: CATEGORY[k % CATEGORY.length], opacity: dim },
    })));
  } else if (color && color.numeric) {
    out.push(base(all, { name: "points", showlegend: false, marker: {
      size, opacity: dim, color: color.values.map(Number), colorscale: "Viridis", showscale: true,
      colorbar: { title: { text: plain(color.name) }, thickness: 12 },
    } }));
  } else {
    const colors = color ? color.values.map(hashColor) : "#4a7ab5";
    out.push(base(all, { name: "points", showlegend: false, marker: { size, opacity: dim, color: colors } }));
  }
  if (matches && matches.length) {
    out.push(base(matches, { name: "matches", marker: { size: size + 4, color: "#e8710a",
      line: { color: "#222", width: 1 } } }));
  }
  if (neighbors && neighbors.length) {
    out.push(base(neighbors, { name: "neighbours", marker: { size: size + 5, color: "rgba(0,0,0,0)",
      line: { color: "#d62728", width: 2 }, symbol: "circle-open" } }));
  }
  if (selected !== null && selected !== undefined && selected >= 0 && selected < n) {
    out.push(base([selected], { name: "selected", marker: { size: size + 8, color: "#d62728",
      symbol: dims === 3 ? "diamond" : "star", line: { color: "#222", width: 1 } } }));
  }
  return out;
}

export function layout(dims, title, revision) {
  const axis = { zeroline: false, showgrid: true, gridcolor: "#eee" };
  const common = { font: FONT, margin: { l: 40, r: 10, t: 30, b: 30 }, hovermode: "closest",
    title: { text: plain(title), font: { size: 13 }, x: 0.01 }, legend: { itemsizing: "constant" },
    uirevision: revision, paper_bgcolor: "#fff", plot_bgcolor: "#fff" };
  if (dims === 3) return { ...common, scene: { xaxis: axis, yaxis: axis, zaxis: axis, aspectmode: "cube" } };
  return { ...common, xaxis: axis, yaxis: { ...axis, scaleanchor: "x" } };
}
