// Reading a drawn scalar chart's runs at one x: each run's logged point nearest to it, or its
// values linearly interpolated there. The tooltip and the step selection both read through here,
// so the step a header names is the step of its rows.

function xNumber(v) { return v instanceof Date ? v.getTime() : typeof v === "string" ? Date.parse(v) : v; }

/** The runs' curves of a drawn chart (its "smoothed" traces): run, colour and, per point, the x
 *  as a number (ms for a date axis), the smoothed value and [step, raw value, wall time]. */
export function curves(plot) {
  const traces = plot.dataset.drawn ? plot.data : plot._lite?.traces;
  return (traces ?? []).filter((t) => t.meta?.role === "smoothed" && t.x?.length).map((t) => ({
    run: t.meta.run, color: t.line.color, x: Array.from(t.x, xNumber), smoothed: Array.from(t.y),
    point: t.customdata,
  }));
}

/** The first index whose x is >= `x` (x sorted ascending). */
function lowerBound(xs, x) {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function nearestIndex(xs, x) {
  const i = lowerBound(xs, x);
  if (i === 0) return 0;
  if (i === xs.length) return xs.length - 1;
  return x - xs[i - 1] <= xs[i] - x ? i - 1 : i;
}

/** The x of the logged point nearest to `x` over all curves: the one a tooltip header names. */
export function snap(cs, x) {
  let best = null;
  for (const c of cs) {
    const v = c.x[nearestIndex(c.x, x)];
    if (best === null || Math.abs(v - x) < Math.abs(best - x)) best = v;
  }
  return best;
}

function row(c, i) {
  const [step, value, wall] = c.point[i];
  return { run: c.run, color: c.color, x: c.x[i], step, value, smoothed: c.smoothed[i], wall,
    relative: wall - c.point[0][2] };
}

function lerp(a, b, t) {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  return a + (b - a) * t;
}

/** Every curve at `x`. mode "nearest": each run's logged point nearest to `x`; "interp": the
 *  values linearly interpolated between the run's two points around `x` (no row for a run whose
 *  points do not reach `x`), the step rounded when the x axis is time. */
export function at(cs, x, mode) {
  const rows = [];
  for (const c of cs) {
    if (mode !== "interp") { rows.push(row(c, nearestIndex(c.x, x))); continue; }
    const i = lowerBound(c.x, x);
    if (i < c.x.length && c.x[i] === x) { rows.push(row(c, i)); continue; }
    if (i === 0 || i === c.x.length) continue;
    const a = row(c, i - 1), b = row(c, i);
    const t = (x - a.x) / (b.x - a.x);
    rows.push({ run: c.run, color: c.color, x, step: Math.round(lerp(a.step, b.step, t)),
      value: lerp(a.value, b.value, t), smoothed: lerp(a.smoothed, b.smoothed, t),
      wall: lerp(a.wall, b.wall, t), relative: lerp(a.relative, b.relative, t), interpolated: true });
  }
  return rows;
}

/** The rows of every curve over [x0, x1]: raw min, max and mean of the logged points there. */
export function range(cs, x0, x1) {
  const lo = Math.min(x0, x1), hi = Math.max(x0, x1);
  return cs.map((c) => {
    let n = 0, sum = 0, min = Infinity, max = -Infinity;
    for (let i = lowerBound(c.x, lo); i < c.x.length && c.x[i] <= hi; i++) {
      const v = c.point[i][1];
      if (!Number.isFinite(v)) continue;
      n++; sum += v; min = Math.min(min, v); max = Math.max(max, v);
    }
    return { run: c.run, color: c.color, points: n, min: n ? min : null, max: n ? max : null, mean: n ? sum / n : null };
  });
}

/** A duration in seconds as "12.3 s", "3 m 20 s" or "2 h 05 m". */
export function duration(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return "–";
  const s = Math.abs(seconds), sign = seconds < 0 ? "-" : "";
  if (s < 60) return `${sign}${Number(s.toPrecision(3))} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} m ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${sign}${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

/** A wall time (seconds since the epoch) as local "MM-DD HH:MM:SS". */
export function clock(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return "–";
  const d = new Date(seconds * 1000), p = (n) => String(n).padStart(2, "0");
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
