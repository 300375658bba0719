// DOM and text helpers: building elements (text always through textContent, never HTML),
// debouncing, user regexes and number formatting.

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

/** Format a number for tables and tooltips: 4 significant digits, exponent when needed. */
export function fmt(x) {
  if (x === null || x === undefined) return "–";
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(3);
  return Number(x.toPrecision(5)).toString();
}
