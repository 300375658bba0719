// Step selection on a scalar chart: a click pins a step, a shift-click a second one; a table
// under the chart then lists every run at the step(s) and, for two, the change between them and
// the min, max and mean of the logged values in between. The steps are those the tooltip names.
import { el, fmt } from "../common/dom.js";
import { at, clock, curves, range } from "./at.js";
import { cursorX, rowsAt } from "./hover.js";

function label(x, xMode) { return xMode === "step" ? `step ${x}` : xMode === "wall" ? clock(x / 1000) : fmt(x); }

/** Dashed vertical lines at the selected steps, for the chart's layout. */
export function selectionShapes(plot, xMode) {
  const sel = plot._selection;
  if (!sel || sel.xMode !== xMode) return [];
  return sel.x.map((x) => ({ type: "line", xref: "x", yref: "paper", y0: 0, y1: 1,
    x0: xMode === "wall" ? new Date(x) : x, x1: xMode === "wall" ? new Date(x) : x,
    line: { color: "#1d2430", width: 1, dash: "dot" } }));
}

function swatch(color) {
  const dot = el("span", { class: "swatch" });
  dot.style.background = color;
  return dot;
}

function table(plot, options) {
  const { x, xMode } = plot._selection;
  const cs = curves(plot);
  const first = new Map(at(cs, x[0], options.mode).map((r) => [r.run, r]));
  const second = x.length > 1 ? new Map(at(cs, x[1], options.mode).map((r) => [r.run, r])) : null;
  const stats = x.length > 1 ? new Map(range(cs, x[0], x[1]).map((r) => [r.run, r])) : null;
  const heads = second
    ? ["Run", label(x[0], xMode), label(x[1], xMode), "Change", "Min", "Max", "Mean", "Points"]
    : ["Run", "Value", "Smoothed", "Step"];
  const body = cs.map((c) => {
    const a = first.get(c.run);
    const cells = second
      ? (() => {
        const b = second.get(c.run), s = stats.get(c.run);
        const change = a && b ? b.value - a.value : null;
        return [a?.value, b?.value, change, s.min, s.max, s.mean, s.points].map((v, i) =>
          el("td", { class: `n c${i}` }, fmt(v ?? null)));
      })()
      : [el("td", { class: "n value" }, fmt(a?.value ?? null)), el("td", { class: "n smoothed" }, fmt(a?.smoothed ?? null)),
        el("td", { class: "n step" }, a ? String(a.step) : "–")];
    return el("tr", { "data-run": c.run }, el("td", { class: "run" }, swatch(c.color), c.run), cells);
  });
  const clear = el("button", { type: "button", "aria-label": "Clear step selection" }, "Clear");
  clear.addEventListener("click", () => setSelection(plot, null, options));
  const what = second ? `${label(x[0], xMode)} → ${label(x[1], xMode)}` : label(x[0], xMode);
  return [el("div", { class: "sel-head" }, el("span", {}, `Selected ${what}`),
    el("span", { class: "muted" }, second ? " (shift-click moves the second step)" : " (shift-click a second step)"), clear),
  el("table", {}, el("thead", {}, el("tr", {}, heads.map((h, i) => el("th", { class: i ? "n" : null }, h)))),
    el("tbody", {}, body))];
}

function setSelection(plot, selection, options) {
  plot._selection = selection;
  renderSelection(plot, options);
  if (plot.dataset.drawn) window.Plotly.relayout(plot, { shapes: selectionShapes(plot, options.xMode) });
  else plot._lite?.draw();
}

/** Refresh the selection table under `plot` (after a redraw: runs or smoothing changed). */
export function renderSelection(plot, options) {
  const box = plot._selectionBox;
  if (!box) return;
  const sel = plot._selection;
  if (!sel || sel.xMode !== options.xMode || !curves(plot).length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(...table(plot, options));
  box.hidden = false;
}

/** Hook clicks on a drawn chart once; the table goes right after the plot element. */
export function bindSelection(plot, options) {
  if (!plot._selectionBox) {
    plot._selectionBox = el("section", { class: "selection", hidden: true, "aria-label": `Selected steps of ${plot.dataset.tag}` });
    plot.after(plot._selectionBox);
    // The canvas chart (before plotly drew this one): a click that was not a zoom drag.
    plot.addEventListener("click", (event) => {
      if (!plot.dataset.drawn && plot._lite && !plot._lite.dragged) selectAt(plot, event, options());
    });
  }
  if (plot.on && !plot._plotlyClick) {
    plot._plotlyClick = true;
    plot.on("plotly_click", (event) => selectAt(plot, event.event, options()));
  }
}

/** Select the step under `mouse` (a shift-click: the second step). */
export function selectAt(plot, mouse, opts) {
  const got = rowsAt(plot, cursorX(plot, mouse), opts);
  if (!got) return;
  const sel = plot._selection;
  const x = mouse.shiftKey && sel && sel.xMode === opts.xMode ? [sel.x[0], got.x].sort((a, b) => a - b) : [got.x];
  setSelection(plot, { x: x[0] === x[1] ? [x[0]] : x, xMode: opts.xMode }, opts);
}
