// Distributions: TensorBoard's percentile bands over steps (min..max, 6.68..93.32, 15.87..84.13,
// 30.85..69.15 and the median), one card per (run, tag). Constant data draws its constant.
import { shade } from "./common/runs.js";
import { bindRadios } from "./common/settings.js";
import { histogramPage, percentiles, BASE_LAYOUT, CONFIG } from "./histo.js";

const BANDS = [[0, 8, 0.82], [1, 7, 0.64], [2, 6, 0.44], [3, 5, 0.24]];   // basis-point indices, lightness
const X_TITLES = { step: "Step", relative: "Relative time (h)", wall: "Wall time" };

function draw(plot, data, color, settings) {
  const hists = data.histograms;
  const xMode = settings.get("x");
  const t0 = hists[0]?.wall_time ?? 0;
  const x = hists.map((h) => (xMode === "step" ? h.step
    : xMode === "relative" ? (h.wall_time - t0) / 3600 : new Date(h.wall_time * 1000)));
  const p = hists.map(percentiles);
  const col = (i) => p.map((row) => (Number.isFinite(row[i]) ? row[i] : null));
  const single = hists.length === 1;
  const traces = [];
  for (const [lo, hi, light] of BANDS) {
    const fill = shade(color, light);
    traces.push({ type: "scatter", mode: "lines", x, y: col(lo), line: { width: 0, color: fill },
      hoverinfo: "skip", showlegend: false });
    traces.push({ type: "scatter", mode: single ? "lines+markers" : "lines", x, y: col(hi), fill: "tonexty",
      fillcolor: fill, line: { width: 0, color: fill }, marker: { size: 0 }, hoverinfo: "skip", showlegend: false });
  }
  traces.push({
    type: "scatter", mode: single ? "lines+markers" : "lines", x, y: col(4), name: "median",
    line: { color, width: 2 }, marker: { color, size: 7 },
    customdata: p.map((row, i) => [hists[i].step, ...row.map((v) => (Number.isFinite(v) ? v.toPrecision(4) : "–"))]),
    hovertemplate: "step %{customdata[0]}<br>max %{customdata[9]}<br>93% %{customdata[8]}<br>84% %{customdata[7]}"
      + "<br>69% %{customdata[6]}<br><b>median %{customdata[5]}</b><br>31% %{customdata[4]}"
      + "<br>16% %{customdata[3]}<br>7% %{customdata[2]}<br>min %{customdata[1]}<extra></extra>",
  });
  const layout = {
    ...BASE_LAYOUT, height: plot.clientHeight || 262, hovermode: "closest", uirevision: xMode,
    xaxis: {
      type: xMode === "wall" ? "date" : "linear", gridcolor: "#eceff3", zeroline: false, automargin: true,
      title: { text: X_TITLES[xMode], font: { size: 11, color: "#5f6b7a" }, standoff: 4 }, tickfont: { size: 11 },
    },
    yaxis: { gridcolor: "#eceff3", zeroline: false, automargin: true, tickfont: { size: 11 }, exponentformat: "power" },
  };
  // Constant data: plotly's own range around one value crowds the axis with long, overlapping
  // labels; show the constant in the middle of a range of its own with three ticks.
  const finite = p.flat().filter(Number.isFinite);
  if (finite.length && finite.every((v) => v === finite[0])) {
    const c = finite[0], d = Math.abs(c) * 0.1 || 1;
    Object.assign(layout.yaxis, { range: [c - 1.6 * d, c + 1.6 * d], tickvals: [c - d, c, c + d], tickformat: ".4~g" });
  }
  window.Plotly.react(plot, traces, layout, CONFIG);
}

histogramPage({
  what: "distributions",
  defaults: { x: "step" },
  draw,
  setup(settings, redrawAll) {
    bindRadios("xaxis", "x", settings, redrawAll);
  },
});
