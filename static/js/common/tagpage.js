// What the dashboards of one summary kind share (text, PR curves, custom scalars): the runs and
// the tags of that kind, the "no runs yet" message, and the live refresh loop.
import { api } from "./api.js";
import { setAllRuns } from "./runs.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./status.js";

/** Runs and /api/tags, with the run colours and tabs set; `extra` paths are fetched alongside.
 *  Returns {allRuns, tags, tagRuns (tag -> runs holding it for `kind`), extra: [answers]}. */
export async function loadRunsAndTags(kind, sidebar, ...extra) {
  const [runsData, tagsData, ...answers] = await Promise.all([api("/api/runs"), api("/api/tags"), ...extra.map((p) => api(p))]);
  setAllRuns(runsData.runs);
  revealTabs(tagsData.runs);
  sidebar.setRuns(runsData.runs.filter((r) => tagsData.runs[r]?.[kind]?.length));
  const tagRuns = new Map();
  for (const run of runsData.runs) {
    for (const tag of tagsData.runs[run]?.[kind] ?? []) {
      if (!tagRuns.has(tag)) tagRuns.set(tag, []);
      tagRuns.get(tag).push(run);
    }
  }
  return { allRuns: runsData.runs, tags: tagsData.runs, tagRuns, extra: answers };
}

/** With no run at all, say whether the logdir is still loading or holds none. */
export async function sayIfNoRuns(allRuns) {
  if (allRuns.length) return;
  const status = await loadStatus();
  showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
}

/** Load once, then again at every live refresh (after `forget()` drops cached answers). */
export function startLive(load, forget = () => {}) {
  load().then(() => {
    loadStatus().catch(showError);
    live(async () => { forget(); await load(); await loadStatus(); });
  }).catch(showError);
}
