// Settings that live in the URL's query string, and the tab links that carry the shared ones.

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
const SHARED_KEYS = ["hide", "runs", "tags", "smoothing", "x", "color"];
export function syncTabLinks(params = new URLSearchParams(location.search)) {
  const shared = new URLSearchParams();
  for (const key of SHARED_KEYS) params.getAll(key).forEach((v) => shared.append(key, v));
  const query = shared.toString();
  for (const a of document.querySelectorAll(".tabs a[data-tab]")) {
    a.href = `/${a.dataset.tab}` + (query ? `?${query}` : "");
  }
}

syncTabLinks();
