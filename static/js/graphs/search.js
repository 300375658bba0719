// Node search: a regex over op names (matched in the worker), the hits as buttons that reveal a
// node, and the matching nodes highlighted in the drawing.
import { debounce, el } from "../common/dom.js";
import { viewport } from "./view.js";
import { ask } from "./worker-client.js";

const searchBox = document.getElementById("node-search");
const searchResults = document.getElementById("search-results");

let lastHits = [];  // the current search's hits, marked again on every redraw

/** Mark the drawn nodes that match: a matching op, and a collapsed scope or series that holds
 * one (its ops are not drawn: several traced functions sit in graph_N scopes, or a graph_[1-5]
 * series of them). Called after each search and each redraw (opening a scope redraws). */
export function markMatches() {
  for (const g of viewport.querySelectorAll("g.node")) {
    const hit = g.dataset.kind === "op" ? lastHits.some((h) => h.name === g.dataset.name)
      : !g.classList.contains("head") && lastHits.some((h) => h.within.includes(g.dataset.id));
    g.classList.toggle("match", hit);
  }
}

/** Empty the search box, its hits and the highlights (a new run has other nodes). */
export function clearSearch() {
  lastHits = [];
  searchBox.value = "";
  searchBox.removeAttribute("aria-invalid");
  searchResults.replaceChildren();
  markMatches();
}

/** Wire the search box; `reveal(name)` opens and selects a hit. */
export function installSearch(reveal) {
  searchBox.addEventListener("input", debounce(async () => {
    const query = searchBox.value.trim();
    searchBox.removeAttribute("aria-invalid");
    if (!query) { lastHits = []; searchResults.replaceChildren(); markMatches(); return; }
    const msg = await ask({ type: "search", query });
    if (msg.invalid) { searchBox.setAttribute("aria-invalid", "true"); return; }
    searchResults.replaceChildren(...msg.hits.map((h) => {
      const b = el("button", { type: "button", title: h.op }, h.name);
      b.addEventListener("click", () => reveal(h.name));
      return el("li", {}, b);
    }));
    if (!msg.hits.length) searchResults.append(el("li", { class: "muted" }, "No node matches"));
    lastHits = msg.hits;
    markMatches();
  }, 200));
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") searchResults.querySelector("button")?.click();
  });
}
