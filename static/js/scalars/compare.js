// The run-comparison table of the scalar page: last, min and max of every (run, tag) series,
// sortable by any column (the sort is kept in the URL), shown behind the "Compare runs" toggle.
import { api, numbers } from "../common/api.js";
import { el, fmt, userRegex } from "../common/dom.js";
import { runColor } from "../common/runs.js";

const box = document.getElementById("compare");
const toggle = document.getElementById("compare-toggle");

const COLUMNS = [
  ["run", "Run", false], ["tag", "Tag", false], ["last", "Last", true], ["last_step", "Step", true],
  ["min", "Min", true], ["max", "Max", true], ["points", "Points", true],
];

function sortValue(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return -Infinity;
  return v;
}

export class Compare {
  /** `selectedRuns()`: the runs to list; `tagFilter()`: the tag regex text. */
  constructor(settings, selectedRuns, tagFilter) {
    this.settings = settings;
    this.selectedRuns = selectedRuns;
    this.tagFilter = tagFilter;
    this.rows = null;
    toggle.addEventListener("click", () => {
      const open = box.hidden;
      settings.set("compare", open);
      this.show(open);
    });
  }

  get open() { return !box.hidden; }

  async show(open) {
    box.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      if (!this.rows) await this.load();
      this.render();
    }
  }

  async load() {
    const data = await api("/api/pages/summary");
    this.rows = data.rows.map((r) => ({ ...r, last: numbers([r.last])[0] }));
  }

  /** New data on the server: the table is fetched again when next shown. */
  forget() { this.rows = null; }

  render() {
    if (box.hidden || !this.rows) return;
    const selected = new Set(this.selectedRuns());
    const re = userRegex(this.tagFilter());
    const settings = this.settings;
    const rows = this.rows.filter((r) => selected.has(r.run) && (!re || re.test(r.tag)));
    const sort = settings.get("sort");
    const desc = sort.startsWith("-");
    const key = desc ? sort.slice(1) : sort;
    const numeric = COLUMNS.find((c) => c[0] === key)?.[2];
    rows.sort((a, b) => {
      let c = numeric ? sortValue(a[key]) - sortValue(b[key]) : String(a[key]).localeCompare(String(b[key]));
      if (!c) c = a.tag.localeCompare(b.tag) || a.run.localeCompare(b.run);
      return desc ? -c : c;
    });
    const head = el("tr", {}, COLUMNS.map(([k, label, num]) => {
      const arrow = k !== key ? "" : desc ? " ▼" : " ▲";
      const button = el("button", { type: "button" }, label, el("span", { "aria-hidden": "true" }, arrow));
      button.addEventListener("click", () => {
        settings.set("sort", sort === k ? `-${k}` : k);
        this.render();
      });
      return el("th", { class: num ? "n" : null, scope: "col",
        "aria-sort": k === key ? (desc ? "descending" : "ascending") : "none" }, button);
    }));
    const body = rows.map((r) => {
      const dot = el("span", { class: "swatch" });
      dot.style.background = runColor(r.run);
      return el("tr", {},
        el("td", {}, dot, r.run), el("td", {}, r.tag),
        el("td", { class: "n" }, fmt(r.last)), el("td", { class: "n" }, String(r.last_step)),
        el("td", { class: "n" }, fmt(r.min)), el("td", { class: "n" }, fmt(r.max)),
        el("td", { class: "n" }, String(r.points)));
    });
    const table = el("table", {}, el("caption", { class: "muted", style: { textAlign: "left", padding: "4px 8px" } },
      `Last, min and max of ${rows.length} run × tag series (click a column to sort)`),
    el("thead", {}, head), el("tbody", {}, body));
    box.replaceChildren(table);
  }
}
