// Download of the drawn graph as SVG or PNG: the whole layout (not just what is in view), with
// the stylesheet's look copied onto each element, so the file stands alone. The PNG is the SVG
// drawn on a canvas (an <img> from a blob: URL, which the page's CSP allows).
import { svg, viewport } from "./view.js";

const PAD = 16;
const STYLE_PROPS = ["fill", "stroke", "stroke-width", "stroke-dasharray", "font-size", "font-family",
  "font-weight", "opacity", "fill-opacity"];
const MAX_PNG_SIDE = 16000;   // Chromium's canvas limit is 32,767 px a side and 268 M pixels

/** A standalone SVG text of a layout ({width, height}) drawn in the page's SVG. */
export function svgText(drawn) {
  const width = Math.ceil(drawn.width + 2 * PAD), height = Math.ceil(drawn.height + 2 * PAD);
  const clone = svg.cloneNode(false);
  clone.removeAttribute("id");
  clone.removeAttribute("class");
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  for (const [k, v] of [["width", width], ["height", height], ["viewBox", `0 0 ${width} ${height}`]]) clone.setAttribute(k, v);
  const body = viewport.cloneNode(true);
  body.setAttribute("transform", `translate(${PAD},${PAD})`);
  // Copy the computed look: the stylesheet's rules do not travel with the file.
  const from = [viewport, ...viewport.querySelectorAll("*")];
  const to = [body, ...body.querySelectorAll("*")];
  for (const [i, src] of from.entries()) {
    if (!(src instanceof SVGGraphicsElement) || src.tagName === "g") continue;
    const style = getComputedStyle(src);
    to[i].setAttribute("style", STYLE_PROPS.map((p) => `${p}:${style.getPropertyValue(p)}`).join(";"));
  }
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  for (const [k, v] of [["width", width], ["height", height], ["fill", "#ffffff"]]) bg.setAttribute(k, v);
  clone.append(bg, body);
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadSvg(drawn, name) {
  save(new Blob([svgText(drawn).text], { type: "image/svg+xml" }), `${name}.svg`);
}

export async function downloadPng(drawn, name) {
  const { text, width, height } = svgText(drawn);
  const scale = Math.min(2, MAX_PNG_SIDE / Math.max(width, height));
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    if (!blob) throw new Error(`the graph (${canvas.width}×${canvas.height} px) is too big for a PNG`);
    save(blob, `${name}.png`);
  } finally {
    URL.revokeObjectURL(url);
  }
}
