// Images: a card per (run, tag) showing one kept step's samples, a slider to move through the
// steps (newest by default, and it follows new steps while it is at the newest), the images
// fitted to the card or at their actual size, and brightness/contrast as CSS filters.
import { blobPage, showStepSlider, shownStep } from "./blobs.js";
import { el } from "./common/dom.js";

const main = document.getElementById("main");
const groups = document.getElementById("groups");

function bindSettings(settings) {
  const actual = document.getElementById("actual-size");
  const sliders = ["brightness", "contrast"].map((key) => ({
    key, input: document.getElementById(key), out: document.getElementById(`${key}-value`) }));
  const apply = () => {
    main.classList.toggle("actual-size", settings.get("actual"));
    const [b, c] = sliders.map((s) => settings.get(s.key));
    groups.style.setProperty("--image-filter", b === 1 && c === 1 ? "none" : `brightness(${b}) contrast(${c})`);
    for (const s of sliders) s.out.textContent = `${Math.round(settings.get(s.key) * 100)}%`;
  };
  actual.checked = settings.get("actual");
  actual.addEventListener("change", () => { settings.set("actual", actual.checked); apply(); });
  for (const s of sliders) {
    s.input.value = String(settings.get(s.key));
    s.input.addEventListener("input", () => { settings.set(s.key, Number(s.input.value)); apply(); });
  }
  document.getElementById("image-reset").addEventListener("click", () => {
    for (const s of sliders) { settings.set(s.key, 1); s.input.value = "1"; }
    apply();
  });
  apply();
}

/** The card's slider, step label and samples box, made once. */
function view(c) {
  if (c.view) return c.view;
  const slider = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0",
    class: "step-slider", "aria-label": `Step of ${c.tag} in ${c.run}` });
  const label = el("span", { class: "step-label" });
  const samples = el("div", { class: "samples" });
  slider.addEventListener("input", () => {
    const steps = c.data.steps;
    const i = Number(slider.value);
    c.step = i === steps.length - 1 ? null : steps[i].step;  // at the newest: follow new steps
    show(c, i);
  });
  c.body.replaceChildren(samples, el("div", { class: "step-row" }, slider, label));
  c.view = { slider, label, samples };
  return c.view;
}

function show(c, i) {
  const { slider, label, samples } = view(c);
  const steps = c.data.steps;
  const item = steps[i];
  showStepSlider(slider, label, steps, i);
  samples.style.setProperty("--columns", String(Math.min(item.samples.length, 4)));
  samples.replaceChildren(...item.samples.map((s) => {
    const img = el("img", { src: s.url, width: s.width || null, height: s.height || null, decoding: "async",
      alt: `${c.tag} in ${c.run}, step ${item.step}, sample ${s.index + 1} of ${item.samples.length}`,
      class: s.width && s.width < 256 ? "small" : null });
    const caption = item.samples.length > 1 || s.width
      ? el("figcaption", {}, `${item.samples.length > 1 ? `#${s.index + 1} · ` : ""}${s.width}×${s.height}`) : null;
    return el("figure", { class: "sample", "data-step": item.step, "data-index": s.index },
      el("a", { href: s.url, target: "_blank", rel: "noopener", title: "Open the image at its actual size" }, img), caption);
  }));
  c.body.dataset.step = String(item.step);
}

function render(c, data) {
  show(c, shownStep(c, data.steps));
}

blobPage({
  kind: "images",
  what: "images",
  hint: "Log some with SummaryWriter.add_image(tag, img, step) (PyTorch, tensorboardX) or tf.summary.image.",
  defaults: { actual: false, brightness: 1, contrast: 1 },
  render,
  setup: bindSettings,
});
