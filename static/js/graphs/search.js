// Node search: a regex over op names (matched in the worker), the hits as buttons that reveal a
// node, and the matching nodes highlighted in the drawing.
import { debounce, el } from "../common/dom.js";
import { viewport } from "./view.js";
import { ask } from "./worker-client.js";

const searchBox = document.getElementById("node-search");
const searchResults = document.getElementById("search-results");

/** Empty the search box, its hits and the highlights (a new run has other nodes). */
export function clearSearch() {
  searchBox.value = "";
  searchBox.removeAttribute("aria-invalid");
  searchResults.replaceChildren();
  for (const g of viewport.querySelectorAll("g.node.match")) g.classList.remove("match");
}

/** Wire the search box; `reveal(name)` opens and selects a hit. */
export function installSearch(reveal) {
  searchBox.addEventListener("input", debounce(async () => {
    const query = searchBox.value.trim();
    searchBox.removeAttribute("aria-invalid");
    if (!query) { searchResults.replaceChildren(); return; }
    const msg = await ask({ type: "search", query });
    if (msg.invalid) { searchBox.setAttribute("aria-invalid", "true"); return; }
    searchResults.replaceChildren(...msg.hits.map((h) => {
      const b = el("button", { type: "button", title: h.op }, h.name);
      b.addEventListener("click", () => reveal(h.name));
      return el("li", {}, b);
    }));
    if (!msg.hits.length) searchResults.append(el("li", { class: "muted" }, "No node matches"));
    for (const g of viewport.querySelectorAll("g.node")) {
      g.classList.toggle("match", g.dataset.kind === "op" && msg.hits.some((h) => h.name === g.dataset.name));
    }
  }, 200));
  searchBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter") searchResults.querySelector("button")?.click();
  });
}
