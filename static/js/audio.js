// Audio: a card per (run, tag) listing its kept steps, newest first, each clip playable in the
// page (<audio controls>) with its label (shown as text) and a download link.
import { blobPage, wallText } from "./blobs.js";
import { el, fmt } from "./common/dom.js";

function clip(c, item, s, count) {
  const player = el("audio", { controls: true, preload: "metadata", src: s.url,
    "aria-label": `${c.tag} in ${c.run}, step ${item.step}, clip ${s.index + 1} of ${count}` });
  const facts = [count > 1 ? `#${s.index + 1}` : null, s.duration !== null ? `${fmt(s.duration)} s` : null,
    s.sample_rate ? `${fmt(s.sample_rate)} Hz` : null,
    s.channels ? `${s.channels} channel${s.channels > 1 ? "s" : ""}` : null].filter(Boolean).join(" · ");
  const download = el("a", { href: `${s.url}&download=1`, download: "", class: "download",
    "aria-label": `Download ${c.tag} step ${item.step} clip ${s.index + 1}` }, "Download");
  return el("div", { class: "clip", "data-step": item.step, "data-index": s.index },
    s.label ? el("div", { class: "clip-label" }, s.label) : null,
    player, el("div", { class: "clip-facts" }, el("span", { class: "muted" }, facts), download));
}

function render(c, data) {
  const list = el("ul", { class: "audio-steps" });
  for (const item of [...data.steps].reverse()) {
    list.append(el("li", {}, el("div", { class: "step", title: wallText(item.wall_time) }, `step ${item.step}`),
      item.samples.map((s) => clip(c, item, s, item.samples.length))));
  }
  c.body.replaceChildren(list);
}

blobPage({
  kind: "audio",
  what: "audio",
  hint: "Log some with SummaryWriter.add_audio(tag, samples, step, sample_rate) (PyTorch, tensorboardX) or tf.summary.audio.",
  defaults: {},
  render,
});
