// Runs: their colours (the same on every chart and page) and the run sidebar.
import { debounce, el, userRegex } from "./dom.js";
import { syncTabLinks } from "./settings.js";

// 14 colours that stay apart on white; beyond them, golden-angle hues at two lightnesses.
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#17becf", "#bcbd22", "#000075", "#7f7f7f", "#f032e6", "#469990", "#800000"];
let runOrder = [];

// Colours the user picked (sidebar), per run: they win over the palette everywhere. They live in
// the URL as `color=<rrggbb>-<run>` (carried by the tab links), so a shared link shows them; the
// last picks are kept in localStorage too and fill a URL that names none.
const PICKED_KEY = "board.runColors";
const HEX = /^#[0-9a-f]{6}$/i;
const picked = readPicked();
function readPicked() {
  const params = new URLSearchParams(location.search);
  if (params.has("color")) {
    const entries = params.getAll("color").map((v) => [v.slice(7), `#${v.slice(0, 6)}`]);
    return Object.fromEntries(entries.filter(([run, c]) => run && HEX.test(c)));
  }
  try {
    const got = JSON.parse(localStorage.getItem(PICKED_KEY) ?? "{}");
    const stored = Object.fromEntries(Object.entries(got).filter(([, c]) => HEX.test(c)));
    for (const [run, c] of Object.entries(stored)) params.append("color", colorParam(run, c));
    if (Object.keys(stored).length) {
      history.replaceState(null, "", `${location.pathname}?${params}${location.hash}`);
      syncTabLinks(params);
    }
    return stored;
  } catch { return {}; }
}
function colorParam(run, color) { return `${color.slice(1).toLowerCase()}-${run}`; }
/** Pick `color` (#rrggbb) for `run` on every dashboard; null returns it to the palette's. */
export function setRunColor(settings, run, color) {
  if (color && HEX.test(color)) picked[run] = color; else delete picked[run];
  settings.set("color", Object.entries(picked).map(([r, c]) => colorParam(r, c)));
  try { localStorage.setItem(PICKED_KEY, JSON.stringify(picked)); } catch { /* storage off: the URL only */ }
  for (const badge of document.querySelectorAll(".badge[title]")) {
    if (badge.title === run) badge.style.setProperty("--swatch", runColor(run));
  }
  document.dispatchEvent(new CustomEvent("board:runcolor", { detail: { run } }));
}
/** Calls `fn(run)` when the user picks a run's colour (pages whose charts keep their colours). */
export function onRunColor(fn) { document.addEventListener("board:runcolor", (e) => fn(e.detail.run)); }

/** Colours follow the sorted list of every run, so a run keeps its colour on every chart and page. */
export function setAllRuns(runs) { runOrder = [...runs].sort(); }
export function runColor(run) {
  if (Object.hasOwn(picked, run)) return picked[run];
  let i = runOrder.indexOf(run);
  if (i < 0) { runOrder.push(run); i = runOrder.length - 1; }
  if (i < PALETTE.length) return PALETTE[i];
  const k = i - PALETTE.length;
  return `hsl(${Math.round((k * 137.508 + 20) % 360)}, 70%, ${k % 2 ? 32 : 45}%)`;
}

/** A lighter or darker version of a colour, mixed with white (t > 0) or black (t < 0). */
export function shade(color, t) {
  const probe = document.createElement("span");
  probe.style.color = color;
  document.body.append(probe);
  const [r, g, b] = getComputedStyle(probe).color.match(/\d+/g).map(Number);
  probe.remove();
  const mix = (c) => Math.round(t >= 0 ? c + (255 - c) * t : c * (1 + t));
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

function hex(color) {
  if (/^#[0-9a-f]{6}$/i.test(color)) return color;
  const [r, g, b] = shade(color, 0).match(/\d+/g).map(Number);
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

/** The run list with a checkbox and colour each, a regex filter and all/none buttons.
 *  Unticked runs are kept in the URL as `hide`, so new runs show up ticked. */
export class RunSidebar {
  constructor(settings, onChange, onHover = () => {}) {
    this.settings = settings;
    this.onChange = onChange;
    this.onHover = onHover;
    this.runs = [];
    this.hidden = new Set(settings.get("hide"));
    this.list = document.getElementById("run-list");
    this.filter = document.getElementById("run-filter");
    this.filter.value = settings.get("runs");
    this.filter.addEventListener("input", debounce(() => {
      settings.set("runs", this.filter.value);
      this.render();
      this.onChange();
    }, 150));
    document.getElementById("runs-all").addEventListener("click", () => this.setAll(true));
    document.getElementById("runs-none").addEventListener("click", () => this.setAll(false));
  }
  setRuns(runs) {
    const same = runs.length === this.runs.length && runs.every((r, i) => r === this.runs[i]);
    this.runs = runs;
    if (!same) this.render();
    return !same;
  }
  matches(run) {
    const re = userRegex(this.filter.value, this.filter);
    return !re || re.test(run);
  }
  /** Runs both ticked and passing the filter, in list order. */
  selected() { return this.runs.filter((r) => !this.hidden.has(r) && this.matches(r)); }
  setAll(on) {
    for (const run of this.runs) {
      if (!this.matches(run)) continue;
      if (on) this.hidden.delete(run); else this.hidden.add(run);
    }
    this.save();
    this.render();
    this.onChange();
  }
  save() { this.settings.set("hide", [...this.hidden].filter((r) => this.runs.includes(r))); }
  render() {
    this.list.replaceChildren();
    for (const run of this.runs) {
      if (!this.matches(run)) continue;
      const color = runColor(run);
      const box = el("input", { type: "checkbox", "data-run": run });
      box.checked = !this.hidden.has(run);
      box.addEventListener("change", () => {
        if (box.checked) this.hidden.delete(run); else this.hidden.add(run);
        this.save();
        this.onChange();
      });
      const item = el("li", { style: { "--swatch": color } },
        el("label", { title: run }, box, el("span", { class: "swatch", "aria-hidden": "true" }),
          el("span", { class: "name" }, run)));
      item.style.setProperty("--swatch", color);
      const pick = el("input", { type: "color", class: "color-pick", "aria-label": `Colour of ${run}`,
        title: "Pick this run's colour (every dashboard; shift-click resets)" });
      pick.value = hex(color);
      pick.addEventListener("click", (event) => {
        if (!event.shiftKey) return;
        event.preventDefault();
        setRunColor(this.settings, run, null);
        this.render();
        this.onChange();
      });
      pick.addEventListener("change", () => {
        setRunColor(this.settings, run, pick.value);
        item.style.setProperty("--swatch", pick.value);
        this.onChange();
      });
      item.append(pick);
      item.addEventListener("mouseenter", () => this.onHover(run));
      item.addEventListener("mouseleave", () => this.onHover(null));
      this.list.append(item);
    }
    if (!this.runs.length) this.list.append(el("li", { class: "muted" }, "No runs yet"));
  }
}
