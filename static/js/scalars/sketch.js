// First paint without plotly: the chart's lines on a canvas while plotly.js is still loading.
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

/** The same lines and y range on a canvas, drawn the moment the data arrives; plotly.js (1.2 MB
 *  to parse) replaces it with the interactive chart. Linear axes only; false when it cannot. */
export function sketch(plot, traces, layout) {
  if (layout.xaxis.type === "date" || layout.yaxis.type === "log" || !traces.length) return false;
  const W = plot.clientWidth, H = plot.clientHeight;
  if (!W || !H) return false;
  const dpr = window.devicePixelRatio || 1;
  const canvas = el("canvas", { class: "sketch", width: W * dpr, height: H * dpr, "aria-hidden": "true" });
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const t of traces) {
    for (const x of t.x) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    for (const y of t.y) if (y !== null) { y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  if (layout.yaxis.range) [y0, y1] = layout.yaxis.range;
  if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const m = { l: 46, r: 12, t: 8, b: 34 };
  const px = (x) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#fff";
  ctx.fillRect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  ctx.strokeStyle = "#eceff3";
  ctx.fillStyle = "#1d2430";
  ctx.textAlign = "right";
  for (const t of niceTicks(y0, y1, 5)) {
    ctx.beginPath(); ctx.moveTo(m.l, py(t)); ctx.lineTo(W - m.r, py(t)); ctx.stroke();
    ctx.fillText(fmt(t), m.l - 6, py(t) + 4);
  }
  ctx.textAlign = "center";
  for (const t of niceTicks(x0, x1, 6)) {
    ctx.beginPath(); ctx.moveTo(px(t), m.t); ctx.lineTo(px(t), H - m.b); ctx.stroke();
    ctx.fillText(fmt(t), px(t), H - m.b + 14);
  }
  ctx.fillStyle = "#5f6b7a";
  ctx.fillText(layout.xaxis.title.text, m.l + (W - m.l - m.r) / 2, H - 4);
  ctx.save();
  ctx.beginPath();
  ctx.rect(m.l, m.t, W - m.l - m.r, H - m.t - m.b);
  ctx.clip();
  for (const t of traces) {
    if (t.meta.role === "nonfinite") continue;
    ctx.globalAlpha = t.opacity ?? 1;
    ctx.strokeStyle = t.line.color;
    ctx.lineWidth = t.line.width;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < t.x.length; i++) {
      if (t.y[i] === null) { pen = false; continue; }
      if (pen) ctx.lineTo(px(t.x[i]), py(t.y[i])); else ctx.moveTo(px(t.x[i]), py(t.y[i]));
      pen = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  plot.querySelector("canvas.sketch")?.remove();
  plot.append(canvas);
  return true;
}
