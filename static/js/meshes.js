// Meshes: a card per (run, mesh) showing one kept step in 3D, a slider to move through the steps
// (newest by default, and it follows new steps while it is at the newest) and a sample picker
// when a step holds a batch. Triangles are plotly's mesh3d, point clouds (no faces) scatter3d
// markers, the wireframe scatter3d lines along the faces' edges; per-vertex colours when the
// mesh has them, else the scene configuration's material colour. Drag rotates, the wheel
// zooms, right-drag pans; the camera survives step changes (uirevision) until reset.
import { blobPage, showStepSlider, shownStep } from "./blobs.js";
import { api } from "./common/api.js";
import { el } from "./common/dom.js";
import { showError } from "./common/status.js";

const STRICT = "/static/vendor/plotly-strict/plotly-strict.min.js";
const DEFAULT_CAMERA = { up: { x: 0, y: 1, z: 0 }, center: { x: 0, y: 0, z: 0 }, eye: { x: 1.3, y: 0.9, z: 1.5 } };
const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["toImage"] };
const MESH_COLOR = "#7f9cc4";
const cache = new Map();
const cards = new Set();
let strict = null;
let settings = null;

/** The strict plotly.js bundle (static/vendor/plotly-strict/README.md): its WebGL shaders are
 *  compiled ahead, so mesh3d and scatter3d draw under the pages' CSP (no eval). */
function plotly() {
  strict ??= new Promise((resolve, reject) => {
    const script = el("script", { src: STRICT });
    script.addEventListener("load", () => resolve(window.Plotly));
    script.addEventListener("error", () => reject(new Error(`could not load ${STRICT}`)));
    document.head.append(script);
  });
  return strict;
}

function sampleData(c, step, sample) {
  const key = `${c.run}\0${c.tag}\0${step}\0${sample}\0${c.generation}`;
  if (!cache.has(key)) {
    if (cache.size > 64) cache.delete(cache.keys().next().value);
    cache.set(key, api("/api/meshes/data", { run: c.run, tag: c.tag, step, sample }));
  }
  return cache.get(key);
}

function triples(flat, n) {
  const out = [[], [], []];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) out[d].push(flat[3 * i + d]);
  return out;
}

/** The traces of one sample: its surface (or points) and, in wireframe, the faces' edges. */
function traces(d, wireframe, pointSize) {
  const n = d.vertices.length / 3;
  const [x, y, z] = triples(d.vertices, n);
  const material = (d.config && typeof d.config.material === "object" && d.config.material) || {};
  const base = typeof material.color === "string" ? material.color : MESH_COLOR;
  const colors = d.colors ? Array.from({ length: n }, (_, i) =>
    `rgb(${d.colors[3 * i]},${d.colors[3 * i + 1]},${d.colors[3 * i + 2]})`) : null;
  const hover = "x %{x:.4g}<br>y %{y:.4g}<br>z %{z:.4g}<extra></extra>";
  if (!d.faces || !d.faces.length) {
    return [{ type: "scatter3d", mode: "markers", x, y, z, hovertemplate: hover,
      marker: { size: pointSize, color: colors ?? base, opacity: material.opacity ?? 1 } }];
  }
  const [i, j, k] = triples(d.faces, d.faces.length / 3);
  const out = [];
  if (!wireframe) {
    const ambient = (Array.isArray(d.config?.lights) ? d.config.lights : [])
      .find((l) => l && l.cls === "AmbientLight");
    out.push({ type: "mesh3d", x, y, z, i, j, k, hovertemplate: hover, flatshading: true,
      opacity: material.opacity ?? 1, ...(colors ? { vertexcolor: colors } : { color: base }),
      lighting: { ambient: Number.isFinite(ambient?.intensity) ? Math.min(1, ambient.intensity) : 0.6,
        diffuse: 0.7, specular: 0.1 } });
  }
  if (wireframe) {
    const ex = [], ey = [], ez = [];
    for (let f = 0; f < i.length; f++) {
      for (const v of [i[f], j[f], k[f], i[f]]) { ex.push(x[v]); ey.push(y[v]); ez.push(z[v]); }
      ex.push(null); ey.push(null); ez.push(null);
    }
    out.push({ type: "scatter3d", mode: "lines", x: ex, y: ey, z: ez, hoverinfo: "skip",
      line: { color: colors ? "#3b4a5e" : base, width: 2 } });
    out.push({ type: "scatter3d", mode: "markers", x, y, z, hovertemplate: hover,
      marker: { size: Math.max(1, pointSize - 1), color: colors ?? base } });
  }
  return out;
}

function layout(c) {
  const axis = { showbackground: false, gridcolor: "#e3e7ee", zerolinecolor: "#c9d0da", title: { text: "" } };
  return { margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, paper_bgcolor: "#fff",
    uirevision: c.key, scene: { aspectmode: "data", camera: DEFAULT_CAMERA, uirevision: c.key,
      xaxis: axis, yaxis: axis, zaxis: axis } };
}

async function draw(c) {
  const { plot, note } = c.view;
  const item = c.data.steps[c.index];
  const sample = Math.min(c.sample, item.samples - 1);
  const key = `${item.step}\0${sample}\0${settings.get("wireframe")}\0${settings.get("points")}\0${c.generation}`;
  if (key === c.drawnKey) return;
  c.drawnKey = key;
  if (item.problem) {
    plot.replaceChildren(); plot.classList.add("problem");
    plot.textContent = `This step cannot be drawn: ${item.problem}`;
    c.body.dataset.drawnStep = String(item.step);
    return;
  }
  const [Plotly, d] = await Promise.all([plotly(), sampleData(c, item.step, sample)]);
  if (key !== c.drawnKey) return;  // a newer choice arrived while fetching
  plot.classList.remove("problem");
  if (!plot.dataset.plotted) plot.textContent = "";
  await Plotly.react(plot, traces(d, settings.get("wireframe"), settings.get("points")), layout(c), CONFIG);
  plot.dataset.plotted = "1";
  note.textContent = `${item.vertices} vertices${item.faces ? ` · ${item.faces} faces` : " · point cloud"}` +
    (item.config_problem ? ` · ${item.config_problem}` : "");
  c.body.dataset.drawnStep = String(item.step);
  c.body.dataset.drawnSample = String(sample);
}

/** The card's controls and plot, made once. */
function view(c) {
  if (c.view) return c.view;
  c.key = `${c.run}\0${c.tag}`;
  c.sample ??= 0;
  const slider = el("input", { type: "range", min: "0", max: "0", step: "1", value: "0",
    class: "step-slider", "aria-label": `Step of ${c.tag} in ${c.run}` });
  const label = el("span", { class: "step-label" });
  const picker = el("select", { "aria-label": `Sample of ${c.tag} in ${c.run}`, class: "mesh-sample" });
  const reset = el("button", { type: "button", class: "mesh-reset", title: "Back to the first view" }, "Reset camera");
  const note = el("span", { class: "mesh-note" });
  const plot = el("div", { class: "mesh-view", role: "img",
    "aria-label": `${c.tag} in ${c.run}, in 3D: drag to rotate, scroll to zoom, right-drag to pan` });
  slider.addEventListener("input", () => {
    const i = Number(slider.value);
    c.step = i === c.data.steps.length - 1 ? null : c.data.steps[i].step;  // at the newest: follow new steps
    show(c, i);
  });
  picker.addEventListener("change", () => { c.sample = Number(picker.value); show(c, c.index); });
  reset.addEventListener("click", () => resetCamera(c));
  c.body.replaceChildren(plot, el("div", { class: "step-row" }, slider, label),
    el("div", { class: "mesh-row" }, picker, reset, note));
  c.view = { slider, label, picker, plot, note };
  cards.add(c);
  return c.view;
}

function resetCamera(c) {
  if (c.view?.plot.dataset.plotted) plotly().then((P) => P.relayout(c.view.plot, { "scene.camera": DEFAULT_CAMERA }));
}

function show(c, i) {
  const { slider, label, picker } = view(c);
  const steps = c.data.steps;
  const item = steps[i];
  c.index = i;
  showStepSlider(slider, label, steps, i);
  if (picker.options.length !== item.samples) {
    picker.replaceChildren(...Array.from({ length: item.samples }, (_, s) =>
      el("option", { value: String(s) }, `sample ${s + 1} of ${item.samples}`)));
  }
  picker.hidden = item.samples < 2;
  picker.value = String(Math.min(c.sample, item.samples - 1));
  c.body.dataset.step = String(item.step);
  draw(c).catch(showError);
}

function render(c, data) {
  show(c, shownStep(c, data.steps));
}

function bindSettings(s, redraw) {
  settings = s;
  const wire = document.getElementById("wireframe");
  const size = document.getElementById("point-size");
  const out = document.getElementById("point-size-value");
  wire.checked = s.get("wireframe");
  size.value = String(s.get("points"));
  out.textContent = String(s.get("points"));
  wire.addEventListener("change", () => { s.set("wireframe", wire.checked); redraw(); });
  size.addEventListener("input", () => { s.set("points", Number(size.value)); out.textContent = size.value; redraw(); });
  document.getElementById("camera-reset").addEventListener("click", () => { for (const c of cards) resetCamera(c); });
}

blobPage({
  kind: "meshes",
  what: "meshes",
  hint: "Log some with SummaryWriter.add_mesh(tag, vertices, colors, faces, step) (PyTorch, tensorboardX) " +
    "or tensorboard.plugins.mesh.summary_v2.mesh.",
  defaults: { wireframe: false, points: 3 },
  render,
  setup: bindSettings,
});
