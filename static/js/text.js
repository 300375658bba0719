// Text: each tag's text records per run, newest first: the server's safe HTML rendering of the
// Markdown (board/api/markdown.py), or the source itself with "Show source".
import { api } from "./common/api.js";
import { debounce, el, userRegex } from "./common/dom.js";
import { groupSection, groupTags } from "./common/groups.js";
import { RunSidebar, runColor } from "./common/runs.js";
import { Settings } from "./common/settings.js";
import { showError, showMessage } from "./common/status.js";
import { loadRunsAndTags, sayIfNoRuns, startLive } from "./common/tagpage.js";

const settings = new Settings({ tags: "", runs: "", hide: [], closed: [], raw: false });
const groupsBox = document.getElementById("groups");
const tagFilter = document.getElementById("tag-filter");
let tagRuns = new Map();
let allRuns = [];
const cache = new Map();
const sidebar = new RunSidebar(settings, () => build().catch(showError));

const rawToggle = document.getElementById("raw-text");
tagFilter.value = settings.get("tags");
rawToggle.checked = settings.get("raw");
rawToggle.addEventListener("change", () => { settings.set("raw", rawToggle.checked); build().catch(showError); });

/** One record's body: its source in a <pre>, or the server-rendered HTML (raw HTML already
 * escaped there, so it is inserted as markup only after that sanitising render). */
function recordBody(t) {
  if (settings.get("raw")) return el("pre", {}, t.value);
  const box = el("div", { class: t.table ? "markdown text-table" : "markdown" });
  box.innerHTML = t.html;
  return box;
}
tagFilter.addEventListener("input", debounce(() => { settings.set("tags", tagFilter.value); build().catch(showError); }, 150));

async function entries(run, tag) {
  const key = `${run}\0${tag}`;
  if (!cache.has(key)) cache.set(key, api("/api/text", { run, tag }));
  return (await cache.get(key)).text;
}

async function build() {
  const selected = sidebar.selected();
  const re = userRegex(tagFilter.value, tagFilter);
  const tags = [...tagRuns.keys()].filter((t) => !re || re.test(t));
  const sections = [];
  for (const [name, list] of groupTags(tags)) {
    const cards = [];
    for (const tag of list) {
      for (const run of selected.filter((r) => tagRuns.get(tag).includes(r))) {
        const badge = el("span", { class: "badge", title: run }, run);
        badge.style.setProperty("--swatch", runColor(run));
        const items = el("ul", { class: "text-entries" });
        cards.push(el("article", { class: "card", "data-run": run, "data-tag": tag },
          el("div", { class: "card-head" }, el("h3", { title: tag }, tag), badge), items));
        entries(run, tag).then((text) => {
          items.replaceChildren(...[...text].reverse().map((t) => el("li", {},
            el("div", { class: "step" }, `step ${t.step}`), recordBody(t))));
        }).catch(showError);
      }
    }
    if (!cards.length) continue;
    const { section, body } = groupSection(name, cards.length, settings);
    body.append(...cards);
    sections.push(section);
  }
  groupsBox.replaceChildren(...sections);
  document.getElementById("tag-count").textContent = `${tags.length} of ${tagRuns.size} tags`;
  if (allRuns.length && !tagRuns.size) showMessage("no-data", { what: "text", hint: "Log some with SummaryWriter.add_text(tag, text, step)." });
  else if (allRuns.length) showMessage(null);
}

async function load() {
  ({ allRuns, tagRuns } = await loadRunsAndTags("text", sidebar));
  await build();
  await sayIfNoRuns(allRuns);
}

startLive(load, () => cache.clear());
