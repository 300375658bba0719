// Run groups on a scalar chart (scalars/rungroups.js says which run is in which group; a regex's
// first capture group, else its whole match, names it): one curve per group, the members' mean, with a
// min-max or ±1 std band. Members are read at the steps every one of them covers (linearly
// interpolated where a member has no point of its own), from the series the page already has.
import { shade } from "../common/runs.js";

/** The group name of `run` under `re`, or null when it is not grouped. */
export function groupOf(run, re) {
  const m = re.exec(run);
  return m ? (m[1] ?? m[0]) : null;
}

function interp(xs, ys, x, from) {
  let i = from;
  while (i < xs.length - 1 && xs[i + 1] <= x) i++;
  if (xs[i] === x || i === xs.length - 1) return [ys[i], i];
  const t = (x - xs[i]) / (xs[i + 1] - xs[i]);
  return [ys[i] + (ys[i + 1] - ys[i]) * t, i];
}

/** One synthetic series (the mean, like a run's) and its band per group of the `selected` runs;
 *  `nameOf(run)` names a run's group (null: not grouped). */
export function groupSeries(series, selected, nameOf) {
  const groups = new Map();
  for (const s of series) {
    if (!selected.has(s.run) || !s.step.length) continue;
    const name = nameOf(s.run);
    if (name === null) continue;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(s);
  }
  const out = [];
  for (const [name, members] of groups) {
    const lo = Math.max(...members.map((s) => s.step[0])), hi = Math.min(...members.map((s) => s.step.at(-1)));
    const steps = [...new Set(members.flatMap((s) => s.step.filter((x) => x >= lo && x <= hi)))].sort((a, b) => a - b);
    const mean = [], min = [], max = [], std = [], wall = [];
    const at = members.map(() => 0), atWall = members.map(() => 0);
    for (const x of steps) {
      const vals = [], walls = [];
      members.forEach((s, k) => {
        const [v, i] = interp(s.step, s.smoothed, x, at[k]);
        const [t, j] = interp(s.step, s.wall_time, x, atWall[k]);
        at[k] = i; atWall[k] = j;
        if (Number.isFinite(v)) vals.push(v);
        walls.push(t);
      });
      const m = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
      mean.push(m);
      min.push(vals.length ? Math.min(...vals) : NaN);
      max.push(vals.length ? Math.max(...vals) : NaN);
      std.push(vals.length ? Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / vals.length) : NaN);
      wall.push(walls.reduce((a, b) => a + b, 0) / walls.length);
    }
    const label = `${name} (${members.length} runs)`;
    out.push({ series: { run: label, step: steps, wall_time: wall, value: mean, smoothed: mean, nonfinite: 0,
      points: steps.length }, min, max, std, members: members.map((s) => s.run) });
  }
  return out;
}

/** The band of a group under its mean: two traces, the upper filled down to the lower. */
export function bandTraces(group, x, color, band) {
  const s = group.series;
  const lower = band === "std" ? s.smoothed.map((m, i) => m - group.std[i]) : group.min;
  const upper = band === "std" ? s.smoothed.map((m, i) => m + group.std[i]) : group.max;
  const meta = { run: s.run, role: "band" };
  const line = { color, width: 0 };
  return [
    { type: "scatter", mode: "lines", x, y: lower, line, hoverinfo: "skip", showlegend: false, meta },
    { type: "scatter", mode: "lines", x, y: upper, line, hoverinfo: "skip", showlegend: false, meta,
      fill: "tonexty", fillcolor: shade(color, 0).replace("rgb(", "rgba(").replace(")", ", 0.2)") },
  ];
}
