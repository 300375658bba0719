// Hovering a scalar chart: a tooltip listing every run at one step (each run's nearest logged
// point, or its values interpolated there: the `tip` setting), nearest curve first, and the
// hovered run (on a chart or in the sidebar) highlighted on every chart in view.
import { el, fmt } from "../common/dom.js";
import { at, clock, curves, duration, snap } from "./at.js";

let hotRun = null;
const tooltip = el("div", { class: "tooltip", role: "tooltip", hidden: true });
document.body.append(tooltip);
let tooltipRun = null;

/** The chart's axes: plotly's, or the canvas chart's (scalars/sketch.js) before plotly drew it. */
function axes(plot) {
  return plot.dataset.drawn ? plot._fullLayout : plot._lite ? { xaxis: plot._lite.xa, yaxis: plot._lite.ya } : null;
}

/** The data x under the mouse (ms for a date axis), or null off the plot area. */
export function cursorX(plot, mouse) {
  const xa = axes(plot)?.xaxis;
  if (!xa) return null;
  const box = plot.getBoundingClientRect();
  const x = xa.p2c(mouse.clientX - box.left - xa._offset);
  return Number.isFinite(x) ? x : null;
}

/** The step (or time) the tooltip shows for a cursor at `x`, and every run's row there. */
export function rowsAt(plot, x, { xMode, mode }) {
  const cs = curves(plot);
  if (!cs.length || x === null) return null;
  // Nearest: the logged point nearest the cursor over all runs names the step, and each run
  // shows its point nearest to that one. Interpolated: every run at the cursor's own step.
  const where = mode === "interp" ? (xMode === "step" ? Math.round(x) : x) : snap(cs, x);
  return { x: where, rows: at(cs, where, mode) };
}

function headText(x, xMode, rows) {
  if (xMode === "step") return `step ${x}`;
  if (xMode === "wall") return clock(x / 1000);
  const r = rows[0];
  return r ? `${duration(r.relative)} after start` : "";
}

function showTooltip(plot, mouse, opts) {
  const got = rowsAt(plot, cursorX(plot, mouse), opts);
  if (!got || !got.rows.length) { hideTooltip(plot); return; }
  const ya = axes(plot).yaxis;
  const box = plot.getBoundingClientRect();
  const cursorY = ya.p2c(mouse.clientY - box.top - ya._offset);
  const dist = (r) => (r.smoothed === null ? Infinity : Math.abs((ya.type === "log" ? Math.log10(r.smoothed) : r.smoothed) - cursorY));
  const rows = got.rows.sort((a, b) => dist(a) - dist(b));
  const w = Number(plot.dataset.smoothing) || 0;
  const head = el("div", { class: "tt-head", "data-x": String(got.x) },
    headText(got.x, opts.xMode, rows),
    el("span", { class: "muted tt-mode" }, opts.mode === "interp" ? " · interpolated" : " · nearest point"));
  if (opts.xMode === "step") head.dataset.step = String(got.x);
  const cols = [w > 0 ? "Smoothed" : null, "Value", "Step", "Wall time", "Relative"].filter(Boolean);
  tooltip.replaceChildren(...[head,
    el("table", {}, el("thead", {}, el("tr", {}, el("th", {}), el("th", {}, "Run"), cols.map((c) => el("th", { class: "n" }, c)))),
      el("tbody", {}, rows.slice(0, 24).map((r, i) => {
        const dot = el("span", { class: "swatch" });
        dot.style.background = r.color;
        const off = opts.xMode === "step" && r.step !== got.x;
        return el("tr", { class: i === 0 ? "nearest" : null, "data-run": r.run },
          el("td", {}, dot), el("td", { class: "run" }, r.run),
          w > 0 ? el("td", { class: "n smoothed" }, fmt(r.smoothed)) : null,
          el("td", { class: Number.isFinite(r.value) ? "n value" : "n value warn" }, fmt(r.value)),
          el("td", { class: off ? "n step off" : "n step muted", title: off ? "this run has no point at the header's step" : null },
            String(r.step)),
          el("td", { class: "n wall muted" }, clock(r.wall)),
          el("td", { class: "n rel muted" }, duration(r.relative)));
      }))),
    rows.length > 24 ? el("div", { class: "muted" }, `… ${rows.length - 24} more`) : null].filter(Boolean));
  tooltip.hidden = false;
  const tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
  let left = mouse.clientX + 18, top = mouse.clientY + 14;
  if (left + tw > innerWidth - 8) left = mouse.clientX - tw - 18;
  if (top + th > innerHeight - 8) top = Math.max(8, innerHeight - th - 8);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
  const nearest = Number.isFinite(dist(rows[0])) ? rows[0].run : null;
  if (nearest !== tooltipRun) { tooltipRun = nearest; highlightPlot(plot, nearest); }
}

function hideTooltip(plot) {
  tooltip.hidden = true;
  if (tooltipRun !== null) { tooltipRun = null; highlightPlot(plot, hotRun); }
}

// ---------------------------------------------------------------- hovered run highlight

function highlightPlot(plot, run) {
  if (!plot.dataset.drawn) { plot._lite?.draw(run); return; }
  if (!plot.data?.length) return;
  const opacity = plot.data.map((t) => {
    const mine = !run || t.meta?.run === run;
    if (t.meta?.role === "raw") return mine ? 0.3 : 0.05;
    return mine ? 1 : 0.2;
  });
  const width = plot.data.map((t) => (t.meta?.role === "smoothed" && run && t.meta.run === run ? 3 : t.meta?.role === "raw" ? 1 : 2));
  window.Plotly.restyle(plot, { opacity, "line.width": width });
}

/** Highlight `run` (null: none) on the drawn charts among `plots`, and on those drawn later. */
export function highlightRun(run, plots) {
  hotRun = run;
  for (const plot of plots) if (plot.dataset.drawn || plot._lite) highlightPlot(plot, run);
}

/** After plotly drew a chart: hook its tooltip once (`options()`: {xMode, mode}), and highlight the hovered run on it. */
export function hover(plot, options) {
  if (!plot._tooltip) {
    // plotly tells when the cursor is near the curves; between those, every mouse move
    // re-reads the runs at the cursor (interpolation follows the cursor, not plotly's points).
    plot._tooltip = true;
    let active = false;
    plot.on("plotly_hover", (event) => { active = true; showTooltip(plot, event.event, options()); });
    plot.on("plotly_unhover", () => { active = false; hideTooltip(plot); });
    plot.addEventListener("mousemove", (event) => { if (active) showTooltip(plot, event, options()); });
  }
  if (hotRun) highlightPlot(plot, hotRun);
}

/** The canvas chart's tooltip (bound once): every mouse move over its plot area until plotly drew it. */
export function liteHover(plot, options) {
  if (plot._liteTooltip) return;
  plot._liteTooltip = true;
  plot.addEventListener("mousemove", (event) => {
    const lite = plot._lite;
    if (plot.dataset.drawn || !lite) return;
    const b = plot.getBoundingClientRect();
    const x = event.clientX - b.left - lite.xa._offset, y = event.clientY - b.top - lite.ya._offset;
    if (x >= 0 && x <= lite.w && y >= 0 && y <= lite.h) showTooltip(plot, event, options());
    else hideTooltip(plot);
  });
  plot.addEventListener("mouseleave", () => { if (!plot.dataset.drawn) hideTooltip(plot); });
  if (hotRun) highlightPlot(plot, hotRun);
}
