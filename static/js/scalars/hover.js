// Hovering a scalar chart: a tooltip listing every run at that x, nearest first, and the
// hovered run (on a chart or in the sidebar) highlighted on every chart in view.
import { el, fmt } from "../common/dom.js";

let hotRun = null;
const tooltip = el("div", { class: "tooltip", role: "tooltip", hidden: true });
document.body.append(tooltip);
let tooltipRun = null;

function showTooltip(plot, event, xMode) {
  const ya = plot._fullLayout.yaxis;
  const box = plot.getBoundingClientRect();
  const mouse = event.event;
  const cursorY = ya.p2d(mouse.clientY - box.top - ya._offset);
  const rows = [];
  let header = null;
  for (const pt of event.points) {
    const meta = pt.data.meta;
    if (meta.role === "raw") continue;
    if (meta.role === "nonfinite") {
      rows.push({ run: meta.run, text: pt.data.text[pt.pointIndex], dist: -1, color: "#c62828" });
      continue;
    }
    const [step, raw] = pt.customdata;
    header ??= xMode === "step" ? `step ${step}` : `${pt.xaxis.hoverLabelText ?? ""}`.trim() || `step ${step}`;
    rows.push({ run: meta.run, smoothed: pt.y, raw, step, dist: Math.abs(pt.y - cursorY), color: pt.data.line.color });
  }
  if (!rows.length) { hideTooltip(plot); return; }
  rows.sort((a, b) => a.dist - b.dist);
  const w = Number(plot.dataset.smoothing) || 0;
  tooltip.replaceChildren(...[el("div", { class: "tt-head" }, header ?? ""),
    el("table", {}, rows.slice(0, 24).map((r, i) => {
      const dot = el("span", { class: "swatch" });
      dot.style.background = r.color;
      return el("tr", { class: i === 0 ? "nearest" : null },
        el("td", {}, dot), el("td", { class: "run" }, r.run),
        r.text ? el("td", { class: "n warn", colspan: "3" }, r.text)
          : [el("td", { class: "n" }, fmt(r.smoothed)),
            w > 0 ? el("td", { class: "n muted" }, `raw ${fmt(r.raw)}`) : null,
            el("td", { class: "n muted" }, `step ${r.step}`)]);
    })),
    rows.length > 24 ? el("div", { class: "muted" }, `… ${rows.length - 24} more`) : null].filter(Boolean));
  tooltip.hidden = false;
  const tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
  let left = mouse.clientX + 18, top = mouse.clientY + 14;
  if (left + tw > innerWidth - 8) left = mouse.clientX - tw - 18;
  if (top + th > innerHeight - 8) top = Math.max(8, innerHeight - th - 8);
  tooltip.style.left = `${left}px`;
  tooltip.style.top = `${top}px`;
  const nearest = rows.find((r) => r.dist >= 0)?.run ?? null;
  if (nearest !== tooltipRun) { tooltipRun = nearest; highlightPlot(plot, nearest); }
}

function hideTooltip(plot) {
  tooltip.hidden = true;
  if (tooltipRun !== null) { tooltipRun = null; highlightPlot(plot, hotRun); }
}

// ---------------------------------------------------------------- hovered run highlight

function highlightPlot(plot, run) {
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
  for (const plot of plots) if (plot.dataset.drawn) highlightPlot(plot, run);
}

/** After plotly drew a chart: hook its tooltip once, and highlight the hovered run on it. */
export function hover(plot, xMode) {
  if (!plot._tooltip) {
    plot._tooltip = true;
    plot.on("plotly_hover", (event) => showTooltip(plot, event, xMode()));
    plot.on("plotly_unhover", () => hideTooltip(plot));
  }
  if (hotRun) highlightPlot(plot, hotRun);
}
