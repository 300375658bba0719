// The chart drawn the moment its data arrives, before plotly.js (1.2 MB to parse, then ~100 ms a
// chart of 40 traces to draw): the same traces and y range on a canvas of our own, interactive
// from first paint. It exposes plotly's few axis fields hover.js reads (`p2c`, `_offset`, `type`)
// as `plot._lite`, so the tooltip, the run highlight and the step selection work on it unchanged;
// a drag zooms (a thin one on one axis only), a double click resets. scalars.js replaces it by
// plotly's chart (keeping the zoom) when the pointer enters it, or later when the page is idle.
import { el, fmt } from "../common/dom.js";

function niceTicks(lo, hi, count) {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const M = { l: 46, r: 12, t: 8, b: 34 };

function dataRange(traces, logy) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const t of traces) {
    for (const x of t.x) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    for (const y of t.y) {
      if (y === null || (logy && !(y > 0))) continue;
      const v = logy ? Math.log10(y) : y;
      if (v < y0) y0 = v; if (v > y1) y1 = v;
    }
  }
  return [x0, x1, y0, y1];
}

/** Draw `traces` (scalars/chart.js's) on the plot's canvas; false when the canvas cannot (a
 *  date axis, no trace, an element not laid out), for plotly to draw instead. */
export function sketch(plot, traces, layout) {
  if (layout.xaxis.type === "date" || !traces.length) return false;
  if (!plot.clientWidth || !plot.clientHeight) return false;
  const logy = layout.yaxis.type === "log";
  let [x0, x1, y0, y1] = dataRange(traces, logy);
  if (layout.yaxis.range) [y0, y1] = layout.yaxis.range;
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const old = plot._lite;
  const lite = { traces, layout, home: [x0, x1, y0, y1], view: old?.zoomed ? old.view : [x0, x1, y0, y1],
    zoomed: old?.zoomed ?? false, hot: old?.hot ?? null, canvas: old?.canvas };
  lite.xa = { type: "linear", _offset: M.l, p2c: (p) => lite.view[0] + (p / lite.w) * (lite.view[1] - lite.view[0]) };
  lite.ya = { type: logy ? "log" : "linear", _offset: M.t, p2c: (p) => lite.view[3] - (p / lite.h) * (lite.view[3] - lite.view[2]) };
  lite.draw = (hot = lite.hot) => { lite.hot = hot; paint(plot, lite); };
  plot._lite = lite;
  if (!lite.canvas) {
    lite.canvas = el("canvas", { class: "sketch", "aria-hidden": "true" });
    bindZoom(plot, lite.canvas);
  }
  paint(plot, lite);
  if (lite.canvas.parentNode !== plot) plot.append(lite.canvas);
  return true;
}

function paint(plot, lite) {
  const W = plot.clientWidth || lite.W, H = plot.clientHeight || lite.H;
  const dpr = window.devicePixelRatio || 1;
  const { canvas, layout } = lite;
  if (canvas.width !== W * dpr || canvas.height !== H * dpr) {
    canvas.width = W * dpr; canvas.height = H * dpr;
    canvas.style.width = `${W}px`; canvas.style.height = `${H}px`;
  }
  Object.assign(lite, { W, H, w: W - M.l - M.r, h: H - M.t - M.b });
  const [x0, x1, y0, y1] = lite.view;
  const logy = lite.ya.type === "log";
  const px = (x) => M.l + ((x - x0) / (x1 - x0)) * lite.w;
  const py = (y) => M.t + ((y1 - (logy ? Math.log10(y) : y)) / (y1 - y0)) * lite.h;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#fff";
  ctx.fillRect(M.l, M.t, lite.w, lite.h);
  ctx.strokeStyle = "#eceff3";
  ctx.lineWidth = 1;
  ctx.fillStyle = "#1d2430";
  ctx.textAlign = "right";
  for (const t of niceTicks(y0, y1, 5)) {
    const y = M.t + ((y1 - t) / (y1 - y0)) * lite.h;
    ctx.beginPath(); ctx.moveTo(M.l, y); ctx.lineTo(W - M.r, y); ctx.stroke();
    ctx.fillText(logy ? fmt(10 ** t) : fmt(t), M.l - 6, y + 4);
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 6)) {
    ctx.beginPath(); ctx.moveTo(px(t), M.t); ctx.lineTo(px(t), H - M.b); ctx.stroke();
    ctx.fillText(fmt(t), px(t), H - M.b + 14);
  }
  ctx.fillStyle = "#5f6b7a";
  ctx.fillText(layout.xaxis.title.text, M.l + lite.w / 2, H - 4);
  ctx.save();
  ctx.beginPath();
  ctx.rect(M.l, M.t, lite.w, lite.h);
  ctx.clip();
  for (const x of plot._selection?.xMode === undefined ? [] : plot._selection.x) {
    ctx.setLineDash([2, 2]); ctx.strokeStyle = "#1d2430";
    ctx.beginPath(); ctx.moveTo(px(x), M.t); ctx.lineTo(px(x), H - M.b); ctx.stroke();
    ctx.setLineDash([]);
  }
  const hot = lite.hot;
  for (const t of lite.traces) {
    const mine = !hot || t.meta?.run === hot;
    const raw = t.meta?.role === "raw";
    ctx.globalAlpha = hot ? (raw ? (mine ? 0.3 : 0.05) : (mine ? 1 : 0.2)) : (t.opacity ?? 1);
    const color = t.line?.color ?? t.marker?.color ?? "#888";
    ctx.strokeStyle = ctx.fillStyle = color;
    ctx.lineWidth = hot && mine && t.meta?.role === "smoothed" ? 3 : (t.line?.width ?? 2);
    const ok = (i) => t.y[i] !== null && (!logy || t.y[i] > 0);
    if (t.mode !== "markers") {
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < t.x.length; i++) {
        if (!ok(i)) { pen = false; continue; }
        if (pen) ctx.lineTo(px(t.x[i]), py(t.y[i])); else ctx.moveTo(px(t.x[i]), py(t.y[i]));
        pen = true;
      }
      ctx.stroke();
    }
    if (t.mode?.includes("markers") && t.meta?.role !== "raw") {
      const r = Math.max(2, (t.marker?.size ?? 6) / 2);
      for (let i = 0; i < t.x.length; i++) {
        if (!ok(i)) continue;
        ctx.beginPath(); ctx.arc(px(t.x[i]), py(t.y[i]), r, 0, 2 * Math.PI); ctx.fill();
      }
    }
  }
  ctx.restore();
  if (lite.box) {
    const [a, b, c, d] = lite.box;
    ctx.globalAlpha = 0.15; ctx.fillStyle = "#1d2430";
    ctx.fillRect(Math.min(a, c), Math.min(b, d), Math.abs(c - a), Math.abs(d - b));
    ctx.globalAlpha = 1;
  }
}

/** A drag draws a box and zooms to it (plotly's rule: under 8 px across one axis zooms only the
 *  other), a double click returns to the data's range. */
function bindZoom(plot, canvas) {
  let start = null;
  const local = (e) => { const b = canvas.getBoundingClientRect(); return [e.clientX - b.left, e.clientY - b.top]; };
  const inside = ([x, y], lite) => x >= M.l && x <= M.l + lite.w && y >= M.t && y <= M.t + lite.h;
  canvas.addEventListener("mousedown", (e) => {
    const lite = plot._lite;
    const p = local(e);
    if (lite) lite.dragged = false;
    if (lite && e.button === 0 && inside(p, lite)) { start = p; e.preventDefault(); }
  });
  window.addEventListener("mousemove", (e) => {
    const lite = plot._lite;
    if (!start || !lite) return;
    const [x, y] = local(e);
    const cx = Math.max(M.l, Math.min(M.l + lite.w, x)), cy = Math.max(M.t, Math.min(M.t + lite.h, y));
    const wide = Math.abs(cx - start[0]) >= 8, tall = Math.abs(cy - start[1]) >= 8;
    lite.box = [wide ? start[0] : M.l, tall ? start[1] : M.t, wide ? cx : M.l + lite.w, tall ? cy : M.t + lite.h];
    lite.draw();
  });
  window.addEventListener("mouseup", () => {
    const lite = plot._lite;
    if (!start || !lite) return;
    start = null;
    const box = lite.box;
    lite.box = null;
    if (box && (box[2] - box[0] !== lite.w || box[3] - box[1] !== lite.h)) {
      const xs = [box[0], box[2]].map((p) => lite.xa.p2c(p - M.l)).sort((a, b) => a - b);
      const ys = [box[1], box[3]].map((p) => lite.ya.p2c(p - M.t)).sort((a, b) => a - b);
      lite.view = [...xs, ...ys];
      lite.zoomed = lite.dragged = true;
      plot.dataset.zoomed = "1";
    }
    lite.draw();
  });
  canvas.addEventListener("dblclick", () => {
    const lite = plot._lite;
    if (!lite) return;
    lite.view = [...lite.home];
    lite.zoomed = false;
    delete plot.dataset.zoomed;
    lite.draw();
  });
}

/** The lite chart's zoom as plotly layout ranges (for the chart that replaces it), or null. */
export function liteZoom(plot) {
  const lite = plot._lite;
  return lite?.zoomed ? { x: lite.view.slice(0, 2), y: lite.view.slice(2) } : null;
}
