// The status line and its details panel, the empty/loading messages, live refresh and tab reveal.
import { api } from "./api.js";
import { el, setChildren } from "./dom.js";

export function showError(err) {
  console.warn(err);
  const status = document.getElementById("status");
  status.textContent = `⚠ ${err.message ?? err}`;
  status.classList.add("warn");
}

/** The message in place of charts: loading, no runs yet (and how to write some), no matches. */
export function showMessage(kind, detail = {}) {
  const box = document.getElementById("message");
  box.replaceChildren();
  box.hidden = !kind;
  if (!kind) return;
  if (kind === "loading") {
    box.append("Loading event files…");
  } else if (kind === "no-runs") {
    const dir = detail.logdir || "the logdir";
    box.append(el("strong", {}, `No runs in ${dir} yet.`), el("br"),
      "Write logs with ", el("code", {}, `SummaryWriter("${dir}/run1").add_scalar("loss", 0.5, 1)`),
      " (or Keras's TensorBoard callback): they appear here on the next reload.");
  } else if (kind === "no-data") {
    box.append(el("strong", {}, `No ${detail.what} in the selected runs.`), el("br"),
      detail.hint ?? "Tick more runs in the sidebar, or log some with the summary writer.");
  } else if (kind === "no-match") {
    box.append(`No tags match “${detail.filter}”.`);
  }
}

/** Fetch /api/status and show a one-line summary: problems reading files, loading state. */
export async function loadStatus() {
  const status = await api("/api/status");
  const line = document.getElementById("status");
  line.classList.remove("warn");
  const skipped = status.files.reduce((n, f) => n + (f.skipped || 0), 0);
  const stopped = status.files.filter((f) => f.stopped).length;
  const parts = [];
  if (status.loading) parts.push("loading…");
  if (skipped) parts.push(`${skipped} damaged record${skipped > 1 ? "s" : ""} skipped`);
  if (stopped) parts.push(`${stopped} file${stopped > 1 ? "s" : ""} stopped early`);
  if (status.missing_logdirs?.length) parts.push(`missing logdir ${status.missing_logdirs.join(", ")}`);
  // Kinds no dashboard draws yet (images, audio, PR curves...): said, never dropped silently.
  const notShown = status.not_shown ?? [];
  const perKind = new Map();
  for (const n of notShown) perKind.set(n.kind, (perKind.get(n.kind) ?? 0) + n.count);
  const unshownText = [...perKind].map(([kind, count]) => `${count} ${kind.replace("_", " ")}`).join(", ");
  line.textContent = [parts.length ? `⚠ ${parts.join(" · ")}` : "",
    unshownText ? `${unshownText} not shown` : ""].filter(Boolean).join(" · ");
  if (skipped || stopped || status.missing_logdirs?.length) line.classList.add("warn");
  // The details: every file that lost records and why, every run's problems, reload errors.
  const files = status.files.filter((f) => f.stopped || f.skipped);
  const runs = (status.runs ?? []).filter((r) => r.problems?.length);
  const panel = document.getElementById("status-panel");
  const button = document.getElementById("status-details");
  button.hidden = !(files.length || runs.length || status.errors?.length || notShown.length);
  setChildren(panel,
    files.length ? el("h2", {}, "Event files") : null,
    files.length ? el("ul", {}, files.map((f) => el("li", {}, el("strong", {}, `${f.run}/${f.name}`),
      `: ${f.records} records read`, f.skipped ? `, ${f.skipped} skipped` : "",
      f.stopped ? ` — stopped: ${f.stopped}` : ""))) : null,
    runs.length ? el("h2", {}, "Runs") : null,
    runs.length ? el("ul", {}, runs.flatMap((r) => r.problems.slice(-10).map((p) =>
      el("li", {}, el("strong", {}, r.run), `: ${typeof p === "string" ? p : JSON.stringify(p)}`)))) : null,
    notShown.length ? el("h2", {}, "Logged but not shown") : null,
    notShown.length ? el("ul", { class: "not-shown" }, notShown.slice(0, 200).map((n) => el("li", {},
      el("strong", {}, n.run), `: ${n.kind.replace("_", " ")} tagged `, el("code", {}, n.tag),
      ` (${n.count} value${n.count > 1 ? "s" : ""})`))) : null,
    status.errors?.length ? el("h2", {}, "Reload errors") : null,
    status.errors?.length ? el("ul", {}, status.errors.map((e) => el("li", {}, e))) : null);
  if (!button.dataset.wired) {
    button.dataset.wired = "1";
    button.addEventListener("click", () => {
      panel.hidden = !panel.hidden;
      button.setAttribute("aria-expanded", String(!panel.hidden));
    });
  }
  return status;
}

/** Logdir paths for the empty-state message. */
export function logdirText(status) {
  return (status.logdirs ?? []).map((l) => l.path).join(", ");
}

/** "updated 14:03:27" beside the reload button: when this page last fetched its data. */
export function markUpdated() {
  const box = document.getElementById("updated");
  if (!box) return;
  const now = new Date();
  box.textContent = `updated ${now.toLocaleTimeString([], { hour12: false })}`;
  box.title = `Data fetched ${now.toLocaleString()}`;
}

/** Refresh every reload interval (and on the reload button) without rebuilding the page. */
export function live(refresh) {
  const seconds = Number(document.body.dataset.reloadInterval) || 0;
  let busy = false;
  markUpdated();
  const tick = async () => {
    if (busy || document.hidden) return;
    busy = true;
    try { await refresh(); markUpdated(); } catch (err) { showError(err); } finally { busy = false; }
  };
  document.getElementById("reload").addEventListener("click", tick);
  if (seconds > 0) setInterval(tick, Math.max(seconds, 2) * 1000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) tick(); });
}

/** Shows the tabs of the kinds some run logged (hyperparameters, text, images, audio, PR curves,
 *  custom scalars, embeddings). */
export function revealTabs(tags) {
  const runs = Object.values(tags);
  for (const [tab, has] of [["hparams", (t) => t.hparams], ["text", (t) => t.text?.length],
    ["images", (t) => t.images?.length], ["audio", (t) => t.audio?.length],
    ["pr_curves", (t) => t.pr_curves?.length], ["custom_scalars", (t) => t.custom_scalars?.length],
    ["meshes", (t) => t.meshes?.length], ["projector", (t) => t.embeddings?.length]]) {
    const link = document.querySelector(`.tabs a[data-tab="${tab}"]`);
    if (link) link.hidden = !runs.some(has) && link.getAttribute("aria-current") !== "page";
  }
}
