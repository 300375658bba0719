// Histograms: one card per (run, tag); offset mode draws a ridge of one curve per step, older
// steps further back and lighter, overlay mode draws them on one baseline.
import { shade } from "./common/runs.js";
import { bindRadios } from "./common/settings.js";
import { histogramPage, rebin, BASE_LAYOUT, CONFIG } from "./histo.js";

const MAX_CURVES = 40;

/** At most `n` records spread evenly over the steps, always keeping the newest. */
function pick(hists, n) {
  if (hists.length <= n) return hists;
  const out = [];
  for (let i = 0; i < n; i++) out.push(hists[Math.round((i * (hists.length - 1)) / (n - 1))]);
  return [...new Set(out)];
}

function draw(plot, data, color, settings) {
  const mode = settings.get("mode");
  const hists = pick(data.histograms, MAX_CURVES);
  const { edges, counts } = rebin(hists);
  const centers = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
  const peak = Math.max(1e-12, ...counts.flat());
  const first = hists[0].step;
  const last = hists.at(-1).step;
  const span = last - first || 1;
  const depth = hists.length > 1 ? 1.1 : 0;   // the ridge's depth in units of the tallest curve
  // Data in a few bins (a constant) is drawn as bars; spread data as a curve through bin centres.
  const blocky = Math.max(...counts.map((row) => row.filter((c) => c > 0).length)) <= 3;
  const traces = [];
  // Oldest first, so newer curves are drawn in front of older ones.
  hists.forEach((h, i) => {
    const age = hists.length > 1 ? (last - h.step) / span : 0;    // 0 newest .. 1 oldest
    const base = mode === "offset" ? age * depth : 0;
    // Offset: curves scaled to the tallest, on a step axis; overlay: the counts themselves, so
    // plotly's own ticks are round (1/2/5 x 10^k) numbers.
    const y = mode === "offset" ? counts[i].map((c) => base + c / peak) : counts[i];
    const stroke = shade(color, 0.75 * age);
    const xs = blocky ? [edges[0], ...edges] : [edges[0], ...centers, edges.at(-1)];
    const ys = blocky ? [base, ...y, base] : [base, ...y, base];
    traces.push(mode === "offset" ? {
      type: "scatter", mode: "lines", x: xs, y: ys, fill: "toself", fillcolor: stroke,
      line: { color: "#ffffff", width: 0.8, shape: blocky ? "hv" : "linear" }, name: `step ${h.step}`,
      hoveron: "points",
      customdata: [0, ...counts[i], 0],
      hovertemplate: `step ${h.step}<br>%{x:.4~g}: %{customdata:.4~g}<extra></extra>`,
    } : {
      type: "scatter", mode: "lines", x: blocky ? xs : centers, y: blocky ? [0, ...y, 0] : y, name: `step ${h.step}`,
      line: { color: stroke, width: 1.4, shape: blocky ? "hv" : "linear" }, opacity: 0.9,
      customdata: blocky ? [0, ...counts[i], 0] : counts[i],
      hovertemplate: `step ${h.step}<br>%{x:.4~g}: %{customdata:.4~g}<extra></extra>`,
    });
  });
  const tickSteps = hists.length > 1 ? [0, 0.25, 0.5, 0.75, 1].map((f) => hists[Math.round(f * (hists.length - 1))]) : hists;
  const yaxis = mode === "offset" ? {
    side: "right", showgrid: false, zeroline: false, range: [0, depth + 1.05], automargin: true,
    tickvals: [...new Set(tickSteps)].map((h) => (hists.length > 1 ? ((last - h.step) / span) * depth : 0)),
    ticktext: [...new Set(tickSteps)].map((h) => String(h.step)), tickfont: { size: 10, color: "#5f6b7a" },
    title: { text: "step", font: { size: 10, color: "#5f6b7a" } },
  } : {
    showgrid: true, gridcolor: "#eceff3", zeroline: false, automargin: true, rangemode: "tozero",
    nticks: 6, tickfont: { size: 10 }, title: { text: "count", font: { size: 10, color: "#5f6b7a" } },
  };
  const layout = {
    ...BASE_LAYOUT, height: plot.clientHeight || 262, hovermode: "closest", uirevision: mode,
    xaxis: { gridcolor: "#eceff3", zeroline: false, automargin: true, tickfont: { size: 11 },
      exponentformat: "power" },
    yaxis,
  };
  window.Plotly.react(plot, traces, layout, CONFIG);
}

histogramPage({
  what: "histograms",
  defaults: { mode: "offset" },
  draw,
  setup(settings, redrawAll) {
    bindRadios("mode", "mode", settings, redrawAll);
  },
});
