// Shared by every dashboard: fetching JSON, run colours, URL-backed settings, the run sidebar,
// tag grouping, empty/loading messages and the live refresh timer.

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

let plotlyPromise = null;
/** plotly.js, loaded once and asynchronously: a page starts fetching its data while the 4.8 MB
 *  library is still being parsed, instead of waiting for it before running any of its code. */
export function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/plotly.min.js";
    script.addEventListener("load", () => { document.body.dataset.plotlyAt = String(Math.round(performance.now())); resolve(window.Plotly); });
    script.addEventListener("error", () => reject(new Error("could not load /vendor/plotly.min.js")));
    document.head.append(script);
  });
  return plotlyPromise;
}

/** GET a JSON API route; params values may be arrays (repeated keys). */
export async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
    else if (value !== undefined && value !== null) url.searchParams.set(key, value);
  }
  const response = await fetch(url);
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON */ }
    throw new Error(`${path}: ${response.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return response.json();
}

/** An API number list (non-finite values arrive as "NaN", "Infinity", "-Infinity") as numbers. */
export function numbers(list) {
  return list.map((v) => (typeof v === "string" ? NON_FINITE[v] ?? Number(v) : v));
}

/** Build an element: el("a", {href: "/x", class: "c"}, "text", child). Text is always textContent. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a node's children, skipping null/false (conditional parts). */
export function setChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A case-insensitive RegExp from user text, or null for empty text; marks the input invalid. */
export function userRegex(text, input) {
  if (input) input.removeAttribute("aria-invalid");
  if (!text) return null;
  try {
    return new RegExp(text, "i");
  } catch {
    if (input) input.setAttribute("aria-invalid", "true");
    return /(?!)/;
  }
}

// ---------------------------------------------------------------- settings in the URL

/** Settings a user wants to share live in the query string; defaults are left out of it. */
export class Settings {
  constructor(defaults) {
    this.defaults = defaults;
    this.params = new URLSearchParams(location.search);
    this.listeners = [];
  }
  get(key) {
    const d = this.defaults[key];
    if (!this.params.has(key)) return Array.isArray(d) ? [...d] : d;
    if (Array.isArray(d)) return this.params.getAll(key);
    const raw = this.params.get(key);
    if (typeof d === "number") { const n = Number(raw); return Number.isFinite(n) ? n : d; }
    if (typeof d === "boolean") return raw === "1" || raw === "true";
    return raw;
  }
  set(key, value) {
    const d = this.defaults[key];
    this.params.delete(key);
    if (Array.isArray(value)) value.forEach((v) => this.params.append(key, v));
    else if (value !== d && value !== "" && value !== undefined) {
      this.params.set(key, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
    }
    const query = this.params.toString();
    history.replaceState(null, "", location.pathname + (query ? `?${query}` : "") + location.hash);
    syncTabLinks(this.params);
  }
}

/** Ticks the radio of group `name` that matches setting `key`, and keeps the setting in step. */
export function bindRadios(name, key, settings, onChange) {
  for (const radio of document.querySelectorAll(`input[name="${name}"]`)) {
    radio.checked = radio.value === settings.get(key);
    radio.addEventListener("change", () => { settings.set(key, radio.value); onChange(); });
  }
}

// Settings shared by all dashboards travel with the tab links.
const SHARED_KEYS = ["hide", "runs", "tags", "smoothing", "x"];
export function syncTabLinks(params = new URLSearchParams(location.search)) {
  const shared = new URLSearchParams();
  for (const key of SHARED_KEYS) params.getAll(key).forEach((v) => shared.append(key, v));
  const query = shared.toString();
  for (const a of document.querySelectorAll(".tabs a[data-tab]")) {
    a.href = `/${a.dataset.tab}` + (query ? `?${query}` : "");
  }
}

// ---------------------------------------------------------------- run colours

// 14 colours that stay apart on white; beyond them, golden-angle hues at two lightnesses.
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
  "#17becf", "#bcbd22", "#000075", "#7f7f7f", "#f032e6", "#469990", "#800000"];
let runOrder = [];

/** Colours follow the sorted list of every run, so a run keeps its colour on every chart and page. */
export function setAllRuns(runs) { runOrder = [...runs].sort(); }
export function runColor(run) {
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

// ---------------------------------------------------------------- the run sidebar

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
      item.addEventListener("mouseenter", () => this.onHover(run));
      item.addEventListener("mouseleave", () => this.onHover(null));
      this.list.append(item);
    }
    if (!this.runs.length) this.list.append(el("li", { class: "muted" }, "No runs yet"));
  }
}

// ---------------------------------------------------------------- tags and groups

/** {prefix: [tags]} grouping by the part before the first "/", in sorted order. */
export function groupTags(tags) {
  const groups = new Map();
  for (const tag of [...tags].sort()) {
    const cut = tag.indexOf("/");
    const name = cut > 0 ? tag.slice(0, cut) : tag;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(tag);
  }
  return groups;
}

/** A collapsible group section; collapsed names are kept in the URL (`closed`). */
export function groupSection(name, count, settings, onToggle) {
  const closed = new Set(settings.get("closed"));
  const body = el("div", { class: "cards" });
  const head = el("button", { type: "button", class: "group-head", "aria-expanded": String(!closed.has(name)) },
    el("span", { class: "chevron", "aria-hidden": "true" }, "▾"), el("span", {}, name),
    el("span", { class: "count" }, String(count)));
  body.hidden = closed.has(name);
  head.addEventListener("click", () => {
    const open = head.getAttribute("aria-expanded") !== "true";
    head.setAttribute("aria-expanded", String(open));
    body.hidden = !open;
    const now = new Set(settings.get("closed"));
    if (open) now.delete(name); else now.add(name);
    settings.set("closed", [...now]);
    if (onToggle) onToggle(open);
  });
  const section = el("section", { class: "group", "data-group": name }, head, body);
  return { section, body, head };
}

// ---------------------------------------------------------------- drawing only what is seen

/** Calls `draw(element)` when an element scrolls near the view (and again when marked stale). */
export class LazyDrawer {
  constructor(draw) {
    this.draw = draw;
    this.visible = new Set();
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          this.visible.add(entry.target);
          if (entry.target.dataset.stale !== "0") this.run(entry.target);
        } else {
          this.visible.delete(entry.target);
        }
      }
    }, { rootMargin: "300px 0px" });
  }
  observe(element) { element.dataset.stale = "1"; this.observer.observe(element); }
  unobserve(element) { this.observer.unobserve(element); this.visible.delete(element); }
  run(element) {
    element.dataset.stale = "0";
    Promise.resolve(this.draw(element)).catch((err) => showError(err));
  }
  /** Everything is out of date: redraw what is in view now, the rest when it scrolls in. */
  invalidate(elements) {
    for (const element of elements) {
      element.dataset.stale = "1";
      if (this.visible.has(element)) this.run(element);
    }
  }
}

// ---------------------------------------------------------------- status, messages, live

export function showError(err) {
  console.warn(err);
  const status = document.getElementById("status");
  status.textContent = `⚠ ${err.message ?? err}`;
  status.classList.add("warn");
}

/** The message in place of charts: loading, no runs yet (and how to write some), no matches. */
export function showMessage(kind, detail = {}) {
  const box = document.getElementById("message");
  box.replaceChildren();
  box.hidden = !kind;
  if (!kind) return;
  if (kind === "loading") {
    box.append("Loading event files…");
  } else if (kind === "no-runs") {
    const dir = detail.logdir || "the logdir";
    box.append(el("strong", {}, `No runs in ${dir} yet.`), el("br"),
      "Write logs with ", el("code", {}, `SummaryWriter("${dir}/run1").add_scalar("loss", 0.5, 1)`),
      " (or Keras's TensorBoard callback): they appear here on the next reload.");
  } else if (kind === "no-data") {
    box.append(el("strong", {}, `No ${detail.what} in the selected runs.`), el("br"),
      detail.hint ?? "Tick more runs in the sidebar, or log some with the summary writer.");
  } else if (kind === "no-match") {
    box.append(`No tags match “${detail.filter}”.`);
  }
}

/** Fetch /api/status and show a one-line summary: problems reading files, loading state. */
export async function loadStatus() {
  const status = await api("/api/status");
  const line = document.getElementById("status");
  line.classList.remove("warn");
  const skipped = status.files.reduce((n, f) => n + (f.skipped || 0), 0);
  const stopped = status.files.filter((f) => f.stopped).length;
  const parts = [];
  if (status.loading) parts.push("loading…");
  if (skipped) parts.push(`${skipped} damaged record${skipped > 1 ? "s" : ""} skipped`);
  if (stopped) parts.push(`${stopped} file${stopped > 1 ? "s" : ""} stopped early`);
  if (status.missing_logdirs?.length) parts.push(`missing logdir ${status.missing_logdirs.join(", ")}`);
  line.textContent = parts.length ? `⚠ ${parts.join(" · ")}` : "";
  if (skipped || stopped || status.missing_logdirs?.length) line.classList.add("warn");
  // The details: every file that lost records and why, every run's problems, reload errors.
  const files = status.files.filter((f) => f.stopped || f.skipped);
  const runs = (status.runs ?? []).filter((r) => r.problems?.length);
  const panel = document.getElementById("status-panel");
  const button = document.getElementById("status-details");
  button.hidden = !(files.length || runs.length || status.errors?.length);
  setChildren(panel,
    files.length ? el("h2", {}, "Event files") : null,
    files.length ? el("ul", {}, files.map((f) => el("li", {}, el("strong", {}, `${f.run}/${f.name}`),
      `: ${f.records} records read`, f.skipped ? `, ${f.skipped} skipped` : "",
      f.stopped ? ` — stopped: ${f.stopped}` : ""))) : null,
    runs.length ? el("h2", {}, "Runs") : null,
    runs.length ? el("ul", {}, runs.flatMap((r) => r.problems.slice(-10).map((p) =>
      el("li", {}, el("strong", {}, r.run), `: ${typeof p === "string" ? p : JSON.stringify(p)}`)))) : null,
    status.errors?.length ? el("h2", {}, "Reload errors") : null,
    status.errors?.length ? el("ul", {}, status.errors.map((e) => el("li", {}, e))) : null);
  if (!button.dataset.wired) {
    button.dataset.wired = "1";
    button.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }
  return status;
}

/** Logdir paths for the empty-state message. */
export function logdirText(status) {
  return (status.logdirs ?? []).map((l) => l.path).join(", ");
}

/** Refresh every reload interval (and on the reload button) without rebuilding the page. */
export function live(refresh) {
  const seconds = Number(document.body.dataset.reloadInterval) || 0;
  let busy = false;
  const tick = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try { await refresh(); } catch (err) { showError(err); } finally { busy = false; }
  };
  document.getElementById("reload").addEventListener("click", tick);
  if (seconds > 0) setInterval(tick, Math.max(seconds, 2) * 1000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) tick(); });
}

/** Shows the HParams tab when some run logged hyperparameters. */
export function revealTabs(tags) {
  const any = Object.values(tags).some((t) => t.hparams);
  const link = document.querySelector('.tabs a[data-tab="hparams"]');
  if (link && any) link.hidden = false;
}

/** Format a number for tables and tooltips: 4 significant digits, exponent when needed. */
export function fmt(x) {
  if (x === null || x === undefined) return "–";
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(5)).toString();
}

syncTabLinks();
