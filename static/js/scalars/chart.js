// The scalar chart of one tag as plotly traces and layout: raw and smoothed lines per run,
// non-finite values marked, the x axis in steps, relative or wall time, the y range robust.
import { numbers } from "../common/api.js";
import { runColor } from "../common/runs.js";

/** Numbers out of the JSON once per fetch. */
export function prepare(data) {
  for (const s of data.series) {
    s.value = numbers(s.value);
    s.smoothed = numbers(s.smoothed);
    s.wall_time = numbers(s.wall_time);
  }
  return data;
}

const X_TITLES = { step: "Step", relative: "Relative time", wall: "Wall time" };

function xUnit(series) {
  let span = 0;
  for (const s of series) if (s.wall_time.length) span = Math.max(span, s.wall_time.at(-1) - s.wall_time[0]);
  if (span < 120) return [1, "s"];
  if (span < 7200) return [60, "min"];
  return [3600, "h"];
}

function finiteOrNull(list) { return list.map((v) => (Number.isFinite(v) ? v : null)); }

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
}

/** The plotly traces and layout of one tag's series (`prepare`d API data) for the runs in
 *  `selected`: raw and smoothed lines, non-finite markers, and a y range that ignores outliers
 *  when `outliers` is set. */
export function figure(data, { selected, xMode, logy, outliers, smoothing: w, height }) {
  const series = data.series.filter((s) => selected.has(s.run));
  const [unit, unitName] = xUnit(series);
  const traces = [];
  const yValues = [];
  let nonfinite = 0;
  for (const s of series) {
    const color = runColor(s.run);
    const x = xMode === "step" ? s.step
      : xMode === "relative" ? s.wall_time.map((t) => (t - s.wall_time[0]) / unit)
        : s.wall_time.map((t) => new Date(t * 1000));
    const raw = finiteOrNull(s.value);
    const smooth = finiteOrNull(s.smoothed);
    for (const v of raw) if (v !== null && (!logy || v > 0)) yValues.push(v);
    if (w > 0) for (const v of smooth) if (v !== null && (!logy || v > 0)) yValues.push(v);
    if (w > 0) {
      traces.push({
        type: "scatter", mode: "lines", x, y: raw, name: s.run, legendgroup: s.run, showlegend: false,
        hoverinfo: "skip", opacity: 0.3, line: { color, width: 1 }, meta: { run: s.run, role: "raw" },
      });
    }
    // Points isolated between NaNs (or a one-point series) would draw nothing as a bare line.
    const dots = s.step.length === 1 || s.nonfinite > 0;
    traces.push({
      type: "scatter", mode: dots ? "lines+markers" : "lines", x, y: smooth, name: s.run, legendgroup: s.run,
      line: { color, width: 2 }, marker: { color, size: s.step.length === 1 ? 7 : 4 }, meta: { run: s.run, role: "smoothed" },
      customdata: s.step.map((step, i) => [step, s.value[i], s.wall_time[i]]), hoverinfo: "none",
    });
    if (s.nonfinite) {
      // NaN and infinities: marked where they happen, at the last finite value before them.
      const mx = [], my = [], sym = [], text = [];
      let lastFinite = null;
      for (let i = 0; i < s.value.length; i++) {
        const v = s.value[i];
        if (Number.isFinite(v)) { lastFinite = Number.isFinite(s.smoothed[i]) ? s.smoothed[i] : v; continue; }
        mx.push(x[i]);
        my.push(lastFinite ?? s.value.find(Number.isFinite) ?? 0);
        sym.push(Number.isNaN(v) ? "x-thin-open" : v > 0 ? "triangle-up" : "triangle-down");
        text.push(`${String(v)} at step ${s.step[i]}`);
        nonfinite++;
      }
      traces.push({
        type: "scatter", mode: "markers", x: mx, y: my, name: `${s.run} (non-finite)`, showlegend: false,
        marker: { color: "#c62828", size: 11, symbol: sym, line: { width: 2, color: "#c62828" } },
        text, hoverinfo: "none",
        meta: { run: s.run, role: "nonfinite" },
      });
    }
  }
  const yaxis = {
    type: logy ? "log" : "linear", gridcolor: "#eceff3", zeroline: false, automargin: true,
    tickfont: { size: 11 }, exponentformat: "power", hoverformat: ".4~g",
  };
  if (logy && yValues.length) {
    // Plotly labels 2..9 of every decade when few decades show, crowding the axis: label 1, 2
    // and 5 of each decade ("D2") over at most 3 decades, else one tick a decade.
    let lo = Infinity, hi = -Infinity;
    for (const v of yValues) { if (v < lo) lo = v; if (v > hi) hi = v; }
    yaxis.dtick = Math.log10(hi / lo) > 3 ? 1 : "D2";
  }
  if (outliers && yValues.length > 4) {
    yValues.sort((a, b) => a - b);
    const tr = logy ? Math.log10 : (v) => v;
    let lo = tr(percentile(yValues, 0.05));
    let hi = tr(percentile(yValues, 0.95));
    // Stretch to the smoothed curves when that costs less than half the range more (a loss's
    // first steps stay in view), but never for a spike that would flatten everything else.
    let sLo = Infinity, sHi = -Infinity;
    for (const t of traces) {
      if (t.meta.role !== "smoothed") continue;
      for (const v of t.y) if (v !== null && (!logy || v > 0)) { sLo = Math.min(sLo, tr(v)); sHi = Math.max(sHi, tr(v)); }
    }
    const slack = (hi - lo) * 0.5;
    if (sLo < lo && lo - sLo <= slack) lo = sLo;
    if (sHi > hi && sHi - hi <= slack) hi = sHi;
    if (hi > lo) {
      const pad = (hi - lo) * 0.06;
      yaxis.range = [lo - pad, hi + pad];
    }
  }
  const xTitle = xMode === "relative" ? `Relative time (${unitName})` : X_TITLES[xMode];
  const layout = {
    margin: { l: 8, r: 10, t: 6, b: 8 }, height,
    hovermode: "x", hoverdistance: 40, showlegend: false, dragmode: "zoom",
    hoverlabel: { namelength: -1, font: { size: 12 } },
    uirevision: `${xMode}|${logy}|${outliers}`,
    font: { family: "system-ui, sans-serif", size: 11, color: "#1d2430" },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#fff",
    xaxis: {
      type: xMode === "wall" ? "date" : "linear", gridcolor: "#eceff3", zeroline: false, automargin: true,
      title: { text: xTitle, font: { size: 11, color: "#5f6b7a" }, standoff: 4 }, tickfont: { size: 11 },
    },
    yaxis,
  };
  if (!traces.length) {
    layout.annotations = [{ text: "No selected run has this tag", showarrow: false, xref: "paper", yref: "paper",
      x: 0.5, y: 0.5, font: { color: "#5f6b7a", size: 13 } }];
    layout.xaxis.visible = false;
    layout.yaxis.visible = false;
  }
  return { traces, layout, nonfinite };
}
