// What the images and audio dashboards share: one card per (run, tag) with the tag's kept
// steps (/api/images or /api/audio), fetched when the card scrolls near the view and again on
// each live refresh. Each dashboard fills a card's body with `render(card, data)`.
import { api } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { LazyDrawer, groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, runColor, setAllRuns } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { live, loadStatus, logdirText, revealTabs, showError, showMessage } from "./common/status.js";

/** Run the dashboard of `kind` ("images" or "audio"); `render(card, data)` draws one card. */
export function blobPage({ kind, what, hint, defaults, render, setup }) {
  const settings = new Settings({ tags: "", runs: "", hide: [], closed: [], ...defaults });
  const groupsBox = document.getElementById("groups");
  const tagFilter = document.getElementById("tag-filter");
  const cards = new Map();
  let tagRuns = new Map();
  let allRuns = [];
  let generation = 0;

  const drawer = new LazyDrawer(async (body) => {
    const c = cards.get(body.dataset.key);
    if (!c.data || c.generation !== generation) {
      c.data = await api(`/api/${kind}`, { run: c.run, tag: c.tag });
      c.generation = generation;
    }
    render(c, c.data);
    body.dataset.drawn = "1";
  });
  const sidebar = new RunSidebar(settings, () => build());
  if (setup) setup(settings, () => { for (const c of cards.values()) if (c.data) render(c, c.data); });

  tagFilter.value = settings.get("tags");
  tagFilter.addEventListener("input", debounce(() => { settings.set("tags", tagFilter.value); build(); }, 150));

  function card(run, tag) {
    const key = `${run}\0${tag}`;
    let c = cards.get(key);
    if (c) return c;
    const badge = el("span", { class: "badge", title: run }, run);
    badge.style.setProperty("--swatch", runColor(run));
    const body = el("div", { class: `${kind}-body`, "data-key": key, "data-run": run, "data-tag": tag });
    const node = el("article", { class: "card", "data-run": run, "data-tag": tag },
      el("div", { class: "card-head" }, el("h3", { title: tag }, tag), badge), body);
    c = { run, tag, card: node, body, data: null, generation: -1 };
    cards.set(key, c);
    drawer.observe(body);
    return c;
  }

  function build() {
    const selected = sidebar.selected();
    const re = userRegex(tagFilter.value, tagFilter);
    const tags = [...tagRuns.keys()].filter((t) => !re || re.test(t));
    const sections = [];
    let shown = 0;
    for (const [name, list] of groupTags(tags)) {
      const items = [];
      for (const tag of list) {
        for (const run of selected) if (tagRuns.get(tag).includes(run)) items.push(card(run, tag).card);
      }
      if (!items.length) continue;
      const { section, body } = groupSection(name, items.length, settings);
      body.classList.add(`${kind}-cards`);
      body.append(...items);
      sections.push(section);
      shown += items.length;
    }
    groupsBox.replaceChildren(...sections);
    document.getElementById("tag-count").textContent = `${tags.length} of ${tagRuns.size} tags`;
    if (!allRuns.length) return;
    if (!tagRuns.size) showMessage("no-data", { what, hint });
    else if (!shown && re) showMessage("no-match", { filter: tagFilter.value });
    else if (!shown) showMessage("no-data", { what });
    else showMessage(null);
  }

  async function load() {
    const [runsData, tagsData] = await Promise.all([api("/api/runs"), api("/api/tags")]);
    const runs = runsData.runs;
    setAllRuns(runs);
    revealTabs(tagsData.runs);
    allRuns = runs;
    sidebar.setRuns(runs.filter((r) => tagsData.runs[r]?.[kind]?.length));
    const next = new Map();
    for (const run of runs) {
      for (const tag of tagsData.runs[run]?.[kind] ?? []) {
        if (!next.has(tag)) next.set(tag, []);
        next.get(tag).push(run);
      }
    }
    tagRuns = next;
    build();
    if (!runs.length) {
      const status = await loadStatus();
      showMessage(status.loading ? "loading" : "no-runs", { logdir: logdirText(status) });
      if (status.loading) setTimeout(() => load().catch(showError), 500);
    }
  }

  load().then(() => {
    loadStatus().catch(showError);
    live(async () => {
      generation++;
      await load();
      drawer.invalidate([...cards.values()].map((c) => c.body));
      await loadStatus();
    });
  }).catch(showError);
  return { settings };
}

/** The index in `steps` a card with a step slider shows: the step it was moved to (`c.step`),
 * else (at the newest, or that step is no longer kept) the newest, so it follows new steps. */
export function shownStep(c, steps) {
  if (c.step !== null && c.step !== undefined) {
    const at = steps.findIndex((s) => s.step === c.step);
    if (at >= 0) return at;
  }
  return steps.length - 1;
}

/** A card's step slider and label set to kept step `i` of `steps`. */
export function showStepSlider(slider, label, steps, i) {
  const item = steps[i];
  slider.max = String(steps.length - 1);
  slider.value = String(i);
  slider.disabled = steps.length < 2;
  slider.setAttribute("aria-valuetext", `step ${item.step}`);
  label.textContent = `step ${item.step}`;
  label.title = `${wallText(item.wall_time)} · ${i + 1} of ${steps.length} kept steps`;
}

/** "2026-01-02 14:03:27" for a wall time in seconds (local time). */
export function wallText(seconds) {
  const t = Number(seconds);
  if (!Number.isFinite(t)) return "";
  const d = new Date(t * 1000);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
