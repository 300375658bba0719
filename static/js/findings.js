// Training-health findings (GET /api/diagnostics) marked where the user looks: a count on the
// Diagnostics tab, a ⚠ beside each affected run in the sidebar, and a badge on each affected
// chart card. Loaded by every dashboard; re-marks whatever the page rebuilds.
import { api } from "./common/api.js";
import { el } from "./common/dom.js";

let findings = [];
const KIND_LABEL = {
  degenerate_weights: "degenerate weights", not_learning: "not learning", exploding: "exploding",
  nonfinite: "NaN/inf", diverging: "diverging", flat_loss: "flat loss", oscillating: "oscillating",
  not_inverse: "loss/accuracy not inverse", overfitting: "overfitting",
  stuck_at_chance: "stuck at chance", dead_relu: "dead ReLUs", saturated: "saturated",
  vanishing_gradients: "vanishing gradients", exploding_gradients: "exploding gradients",
  lr_decayed: "learning rate decayed to 0",
};

/** Every tag a finding covers (older servers sent only ``tag``). */
export function findingTags(f) { return f.tags?.length ? f.tags : [f.tag]; }

export function kindLabel(kind) { return KIND_LABEL[kind] ?? kind; }

function escapeRegex(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

/** The dashboard a finding is seen on, and the URL that opens it filtered to its tag and run. */
export function chartLink(f, histogramTags) {
  const page = histogramTags.has(`${f.run}\0${f.tag}`) ? "distributions" : "scalars";
  const query = new URLSearchParams({ tags: `^${escapeRegex(f.tag)}$`, runs: `^${escapeRegex(f.run)}$` });
  return { page, href: `/${page}?${query}` };
}

function mark() {
  const tab = document.querySelector('.tabs a[data-tab="diagnostics"]');
  if (tab) {
    const errors = findings.filter((f) => f.severity === "error").length;
    tab.dataset.count = findings.length ? String(findings.length) : "";
    tab.classList.toggle("has-errors", errors > 0);
    tab.title = findings.length ? `${findings.length} finding(s), ${errors} error(s)` : "No findings";
  }
  const byRun = new Map();
  for (const f of findings) {
    if (!byRun.has(f.run)) byRun.set(f.run, []);
    byRun.get(f.run).push(f);
  }
  for (const box of document.querySelectorAll("#run-list input[data-run]")) {
    // Beside the label, not in it: the checkbox keeps the run's name as its accessible name.
    const label = box.closest("label");
    const list = byRun.get(box.dataset.run) ?? [];
    let flag = label.parentElement.querySelector(".run-flag");
    if (!list.length) { flag?.remove(); continue; }
    const text = list.map((f) => `${f.severity}: ${f.message}`).join("\n");
    if (flag && flag.title === text) continue;
    flag?.remove();
    flag = el("span", { class: `run-flag ${list.some((f) => f.severity === "error") ? "error" : "warning"}`,
      title: text, "aria-label": `${list.length} finding(s)` }, "⚠");
    label.after(flag);
  }
  for (const card of document.querySelectorAll(".card[data-tag]")) {
    const run = card.dataset.run;
    const list = findings.filter((f) => findingTags(f).includes(card.dataset.tag) && (!run || f.run === run));
    const head = card.querySelector(".card-head");
    let badge = head?.querySelector(".finding-badge");
    if (!list.length) { badge?.remove(); continue; }
    const text = list.map((f) => `${f.run}: ${f.message}`).join("\n");
    if (badge && badge.title === text) continue;
    badge?.remove();
    const kinds = [...new Set(list.map((f) => kindLabel(f.kind)))].join(", ");
    badge = el("a", { class: `finding-badge ${list.some((f) => f.severity === "error") ? "error" : "warning"}`,
      href: "/diagnostics", title: text, "data-kinds": [...new Set(list.map((f) => f.kind))].join(" ") }, `⚠ ${kinds}`);
    head?.querySelector("h3")?.after(badge);
  }
}

/** Fetch the findings now and on every live refresh; keep marking what the page redraws. */
export async function watchFindings() {
  const refresh = async () => {
    try { findings = (await api("/api/diagnostics")).findings; } catch { findings = []; }
    mark();
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; mark(); });
  }).observe(document.body, { childList: true, subtree: true });
  await refresh();
  const seconds = Number(document.body.dataset.reloadInterval) || 0;
  if (seconds > 0) setInterval(() => { if (!document.hidden) refresh(); }, Math.max(seconds, 2) * 1000);
  document.getElementById("reload")?.addEventListener("click", refresh);
}

watchFindings().catch(() => {});
