// A scalar tag's card: its header (title, NaN/inf badge, data downloads, enlarge) around the plot.
import { el } from "../common/dom.js";
import { runColor } from "../common/runs.js";

/** The CSV and JSON download links of one tag, a pair per run. */
export function downloadList(tag, runs) {
  const list = el("ul", {});
  for (const run of runs) {
    const href = (format) => `/api/scalars/download?${new URLSearchParams({ run, tag, format })}`;
    list.append(el("li", {},
      el("span", { class: "swatch", style: {} }), el("span", { class: "name", title: run }, run),
      el("a", { href: href("csv"), download: "", "aria-label": `CSV of ${run}` }, "CSV"),
      el("a", { href: href("json"), download: "", "aria-label": `JSON of ${run}` }, "JSON")));
    list.lastChild.firstChild.style.background = runColor(run);
  }
  return list;
}

/** A chart card: title, non-finite badge, downloads, pin and enlarge buttons and the plot element. */
export function makeCard(tag, runs) {
  const plot = el("div", { class: "plot", "data-tag": tag, role: "img", "aria-label": `Chart of ${tag}` });
  const badge = el("span", { class: "badge warn", hidden: true });
  const downloads = el("details", {}, el("summary", { "aria-label": `Download data of ${tag}` }, "⤓ Data"),
    downloadList(tag, runs));
  const pin = el("button", { type: "button", class: "pin", "aria-label": `Pin ${tag}`, "aria-pressed": "false",
    title: "Pin to the top (kept in the URL)" }, "☆");
  const enlarge = el("button", { type: "button", "aria-label": `Enlarge ${tag}`, title: "Enlarge / shrink" }, "⤢");
  const card = el("article", { class: "card", "data-tag": tag },
    el("div", { class: "card-head" }, el("h3", { title: tag }, tag), badge,
      el("div", { class: "card-actions" }, downloads, pin, enlarge)),
    plot);
  enlarge.addEventListener("click", () => {
    card.classList.toggle("wide");
    if (plot.dataset.drawn) window.Plotly.Plots.resize(plot);
    else plot._lite?.draw();
  });
  return { card, plot, badge, downloads, pin };
}
