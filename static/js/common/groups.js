// Tag groups (collapsible sections by tag prefix) and drawing only the cards in view.
import { el } from "./dom.js";
import { showError } from "./status.js";

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
  /** Draw now those of `elements` within the observer's margin of the view, not a frame later
   *  when the observer would tell (the page's first fetches start sooner). */
  drawInView(elements) {
    for (const element of elements) {
      if (element.dataset.stale === "0") continue;
      const r = element.getBoundingClientRect();
      if (r.height > 0 && r.bottom > -300 && r.top < innerHeight + 300) { this.visible.add(element); this.run(element); }
    }
  }
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
