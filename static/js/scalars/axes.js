// Per-chart y axis: a scale (log or linear) and limits overriding the page's settings, kept in
// the URL as `yscale=<tag>=log|linear` and `ylim=<tag>=<min>:<max>`; and min/max markers.
import { el } from "../common/dom.js";

function entries(settings, key) {
  const map = new Map();
  for (const item of settings.get(key)) {
    const cut = item.lastIndexOf("=");
    if (cut > 0) map.set(item.slice(0, cut), item.slice(cut + 1));
  }
  return map;
}

function store(settings, key, map) { settings.set(key, [...map].map(([t, v]) => `${t}=${v}`)); }

/** The chart of `tag`'s own y settings: {logy: bool|null (page's), min, max (null: auto)}. */
export function axisOf(settings, tag) {
  const scale = entries(settings, "yscale").get(tag);
  const [lo, hi] = (entries(settings, "ylim").get(tag) ?? ":").split(":");
  const num = (s) => (s === "" || s === undefined || !Number.isFinite(Number(s)) ? null : Number(s));
  return { logy: scale === "log" ? true : scale === "linear" ? false : null, min: num(lo), max: num(hi) };
}

/** Apply limits to a figure's layout: an unset side keeps the range plotly or the outlier
 *  filter chose (the data's own when neither did). */
export function applyLimits(layout, traces, { min, max }, logy) {
  if (min === null && max === null) return;
  const tr = logy ? Math.log10 : (v) => v;
  let [lo, hi] = layout.yaxis.range ?? [Infinity, -Infinity];
  if (!layout.yaxis.range) {
    for (const t of traces) for (const v of t.y ?? []) if (v !== null && (!logy || v > 0)) { lo = Math.min(lo, tr(v)); hi = Math.max(hi, tr(v)); }
  }
  if (min !== null && (!logy || min > 0)) lo = tr(min);
  if (max !== null && (!logy || max > 0)) hi = tr(max);
  if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) layout.yaxis.range = [lo, hi];
}

/** A marker at each run's smallest and largest raw value, in its colour. */
export function extremaTraces(traces) {
  const out = [];
  for (const t of traces) {
    if (t.meta?.role !== "smoothed" || !t.customdata?.length) continue;
    let lo = -1, hi = -1;
    t.customdata.forEach(([, v], i) => {
      if (!Number.isFinite(v)) return;
      if (lo < 0 || v < t.customdata[lo][1]) lo = i;
      if (hi < 0 || v > t.customdata[hi][1]) hi = i;
    });
    if (lo < 0) continue;
    out.push({ type: "scatter", mode: "markers", x: [t.x[lo], t.x[hi]], y: [t.customdata[lo][1], t.customdata[hi][1]],
      showlegend: false, hoverinfo: "skip", meta: { run: t.meta.run, role: "extrema" },
      marker: { color: t.line.color, size: 8, symbol: ["triangle-down-open", "triangle-up-open"], line: { width: 2 } } });
  }
  return out;
}

/** The "y axis" popover of a card: scale and limits of this chart. */
export function axisControls(tag, settings, onChange) {
  const own = axisOf(settings, tag);
  const scale = el("select", { "aria-label": `Y scale of ${tag}` },
    el("option", { value: "" }, "page setting"), el("option", { value: "linear" }, "linear"),
    el("option", { value: "log" }, "log"));
  scale.value = own.logy === null ? "" : own.logy ? "log" : "linear";
  const lim = (name, v) => el("input", { type: "number", step: "any", class: "num", placeholder: "auto",
    "aria-label": `Y ${name} of ${tag}`, value: v === null ? "" : String(v) });
  const min = lim("min", own.min), max = lim("max", own.max);
  const save = () => {
    const scales = entries(settings, "yscale"), lims = entries(settings, "ylim");
    if (scale.value) scales.set(tag, scale.value); else scales.delete(tag);
    const lo = min.value.trim(), hi = max.value.trim();
    for (const box of [min, max]) box.setAttribute("aria-invalid", String(box.value !== "" && !Number.isFinite(Number(box.value))));
    if (lo || hi) lims.set(tag, `${lo}:${hi}`); else lims.delete(tag);
    store(settings, "yscale", scales);
    store(settings, "ylim", lims);
    onChange();
  };
  for (const box of [scale, min, max]) box.addEventListener("change", save);
  return el("details", { class: "axis" }, el("summary", { "aria-label": `Y axis of ${tag}`, title: "This chart's y axis" }, "y"),
    el("div", { class: "axis-box" }, el("label", {}, "Scale ", scale), el("label", {}, "Min ", min), el("label", {}, "Max ", max)));
}
