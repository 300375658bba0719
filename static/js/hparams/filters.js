// HParams filters: per column, a min/max range for numbers and a tick per value (or a regex, for
// many values) for the rest. The state is one JSON object in the URL's `filters` setting:
// {"h:lr": {"min": 0.01, "max": 0.1}, "h:optimizer": {"exclude": ["sgd"]}, "h:name": {"match": "^a"}}.
import { debounce, el, userRegex } from "../common/dom.js";

const MAX_TICKS = 20; // more distinct values than this get a regex box instead of ticks

export function columnsOf(sessions) {
  const columns = [];
  for (const [prefix, field, kind] of [["h", "hparams", "hparam"], ["m", "metrics", "metric"]]) {
    const names = [...new Set(sessions.flatMap((s) => Object.keys(s[field])))].sort();
    for (const name of names) {
      const values = sessions.map((s) => s[field][name]).filter((v) => v !== undefined && v !== null);
      const numeric = values.length > 0 && values.every((v) => typeof v === "number");
      columns.push({ key: `${prefix}:${name}`, label: name, kind, numeric,
        get: (s) => s[field][name],
        distinct: numeric ? [] : [...new Set(values.map(String))].sort() });
    }
  }
  return columns;
}

export function readFilters(settings) {
  try {
    const parsed = JSON.parse(settings.get("filters") || "{}");
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** Does session `s` pass every filter? A session without the column passes its range filter
 *  only when no range is set. */
export function passes(s, columns, filters) {
  for (const c of columns) {
    const f = filters[c.key];
    if (!f) continue;
    const v = c.get(s);
    if (c.numeric) {
      const hasMin = typeof f.min === "number", hasMax = typeof f.max === "number";
      if ((hasMin || hasMax) && typeof v !== "number") return false;
      if (hasMin && !(v >= f.min)) return false;
      if (hasMax && !(v <= f.max)) return false;
    } else {
      if (Array.isArray(f.exclude) && f.exclude.includes(String(v ?? ""))) return false;
      if (f.match) {
        const re = userRegex(f.match);
        if (re && !re.test(String(v ?? ""))) return false;
      }
    }
  }
  return true;
}

/** Fill `box` with one fieldset per column; `onChange(filters)` after each edit. */
export function renderFilters(box, columns, filters, onChange) {
  const changed = () => onChange(filters);
  const groups = columns.map((c) => {
    const f = (filters[c.key] ??= {});
    const legend = el("legend", { title: `${c.kind} ${c.label}` }, c.label,
      el("span", { class: "muted" }, c.kind === "metric" ? " (metric)" : ""));
    if (c.numeric) {
      const input = (which) => {
        const box = el("input", { type: "number", class: "num", step: "any", "aria-label": `${c.label} ${which}`,
          placeholder: which });
        if (typeof f[which] === "number") box.value = String(f[which]);
        box.addEventListener("input", debounce(() => {
          const n = box.value === "" ? NaN : Number(box.value);
          if (Number.isFinite(n)) f[which] = n; else delete f[which];
          changed();
        }, 200));
        return box;
      };
      return el("fieldset", { class: "hp-filter", "data-key": c.key }, legend,
        el("div", { class: "row" }, input("min"), el("span", { "aria-hidden": "true" }, "–"), input("max")));
    }
    if (c.distinct.length > MAX_TICKS) {
      const box = el("input", { type: "search", placeholder: "regex", "aria-label": `${c.label} regex` });
      box.value = f.match ?? "";
      box.addEventListener("input", debounce(() => {
        userRegex(box.value, box);
        if (box.value) f.match = box.value; else delete f.match;
        changed();
      }, 200));
      return el("fieldset", { class: "hp-filter", "data-key": c.key }, legend, box);
    }
    const ticks = c.distinct.map((value) => {
      const tick = el("input", { type: "checkbox" });
      tick.checked = !(f.exclude ?? []).includes(value);
      tick.addEventListener("change", () => {
        const out = new Set(f.exclude ?? []);
        if (tick.checked) out.delete(value); else out.add(value);
        f.exclude = [...out];
        if (!f.exclude.length) delete f.exclude;
        changed();
      });
      return el("label", { class: "check", title: value }, tick, el("span", { class: "name" }, value));
    });
    return el("fieldset", { class: "hp-filter", "data-key": c.key }, legend, ticks);
  });
  box.replaceChildren(...groups);
}

/** The filters without empty entries, as the URL keeps them. */
export function compact(filters) {
  const out = {};
  for (const [key, f] of Object.entries(filters)) {
    if (f && Object.keys(f).length) out[key] = f;
  }
  return out;
}
