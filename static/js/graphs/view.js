// Pan and zoom of the graph's SVG: one transformed <g> (the viewport) holds everything drawn.
const SVG_NS = "http://www.w3.org/2000/svg";

export const svg = document.getElementById("graph");
export const viewport = document.createElementNS(SVG_NS, "g");
svg.append(viewport);
let view = { x: 0, y: 0, k: 1 };

/** An SVG element with attributes (null/undefined left out) and optional text. */
export function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function applyView() { viewport.setAttribute("transform", `translate(${view.x},${view.y}) scale(${view.k})`); }

/** Scale and centre a layout ({width, height}) in the SVG. */
export function fit(drawn) {
  if (!drawn) return;
  const box = svg.getBoundingClientRect();
  const pad = 24;
  const k = Math.min((box.width - 2 * pad) / Math.max(drawn.width, 1), (box.height - 2 * pad) / Math.max(drawn.height, 1), 1.6);
  view = { k, x: (box.width - drawn.width * k) / 2, y: Math.max(pad, (box.height - drawn.height * k) / 2) };
  applyView();
}

/** Keep a node where it was on screen after a new layout moved it from `before` to `after`. */
export function keepInPlace(before, after) {
  view.x += (before.x - after.x) * view.k;
  view.y += (before.y - after.y) * view.k;
  applyView();
}

/** Bring a node ({x, y, w, h}) to the middle, zoomed in to at least 0.8. */
export function centerOn(n) {
  const box = svg.getBoundingClientRect();
  view.k = Math.max(view.k, 0.8);
  view.x = box.width / 2 - (n.x + n.w / 2) * view.k;
  view.y = box.height / 2 - (n.y + n.h / 2) * view.k;
  applyView();
}

svg.addEventListener("wheel", (event) => {
  event.preventDefault();
  const box = svg.getBoundingClientRect();
  const mx = event.clientX - box.left, my = event.clientY - box.top;
  const factor = Math.exp(-event.deltaY * 0.0015);
  const k = Math.min(8, Math.max(0.02, view.k * factor));
  view.x = mx - ((mx - view.x) * k) / view.k;
  view.y = my - ((my - view.y) * k) / view.k;
  view.k = k;
  applyView();
}, { passive: false });

let drag = null;
svg.addEventListener("pointerdown", (event) => {
  if (event.button !== 0) return;
  drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
});
window.addEventListener("pointermove", (event) => {
  if (!drag) return;
  const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) { drag.moved = true; svg.classList.add("dragging"); }
  view.x = drag.vx + dx;
  view.y = drag.vy + dy;
  applyView();
});
window.addEventListener("pointerup", () => {
  if (drag?.moved) svg.dataset.justDragged = "1";
  drag = null;
  svg.classList.remove("dragging");
  setTimeout(() => delete svg.dataset.justDragged, 0);
});
