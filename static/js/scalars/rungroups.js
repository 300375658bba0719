// How the scalar charts group runs: by a regex over run names (its first capture group names
// the group), or by the value of one hyperparameter (the hparams plugin's session of each run).
// Both kept in the URL: `group` (the regex) and `groupby` (the hparam's name; none: the regex).
import { api } from "../common/api.js";
import { debounce, el, userRegex } from "../common/dom.js";
import { groupOf } from "./grouping.js";

function shown(v) { return typeof v === "number" ? String(Number(v.toPrecision(6))) : String(v); }

export class RunGrouping {
  constructor(settings, onChange) {
    this.settings = settings;
    this.by = document.getElementById("group-by");
    this.box = document.getElementById("group-runs");
    this.sessions = new Map();     // session run -> {hparam: value}
    this.box.value = settings.get("group");
    this.box.addEventListener("input", debounce(() => { settings.set("group", this.box.value); onChange(); }, 250));
    this.by.addEventListener("change", () => {
      settings.set("groupby", this.by.value);
      this.box.hidden = Boolean(this.by.value);
      onChange();
    });
    this.options([]);
  }

  /** Fetch the runs' hparams (when any run has them) and offer each hparam's name. */
  async load(tags) {
    if (!Object.values(tags).some((t) => t.hparams)) return this.options([]);
    const hp = await api("/api/hparams");
    this.sessions = new Map(Object.entries(hp.runs).filter(([, r]) => r.session_start_info)
      .map(([run, r]) => [run, r.session_start_info.data.hparams ?? {}]));
    this.options([...new Set([...this.sessions.values()].flatMap(Object.keys))].sort());
  }

  options(names) {
    const want = this.settings.get("groupby");
    if (want && !names.includes(want)) names = [...names, want];   // named by the URL, not loaded yet
    this.by.replaceChildren(el("option", { value: "" }, "regex"),
      ...(names.length ? [el("optgroup", { label: "hparam" }, ...names.map((n) => el("option", { value: n }, n)))] : []));
    this.by.value = want;
    this.box.hidden = Boolean(want);
  }

  /** The hparams of `run`: its own session's, or the session it lies under (TensorFlow's
   *  run/train beside run's session), or the one session right under it (PyTorch's
   *  `add_hparams` writes the session into a sub-run of the writer's run). */
  hparamsOf(run) {
    let best = null;
    for (const s of this.sessions.keys()) {
      if ((s === run || run.startsWith(`${s}/`)) && (best === null || s.length > best.length)) best = s;
    }
    if (best === null) best = [...this.sessions.keys()].filter((s) => s.startsWith(`${run}/`)).sort().at(-1) ?? null;
    return best === null ? null : this.sessions.get(best);
  }

  /** run -> its group's name (null: drawn alone), or null when nothing is grouped. */
  nameOf() {
    const name = this.by.value;
    if (name) {
      return (run) => {
        const hp = this.hparamsOf(run);
        return hp && Object.hasOwn(hp, name) ? `${name}=${shown(hp[name])}` : null;
      };
    }
    const re = userRegex(this.box.value, this.box);
    return re ? (run) => groupOf(run, re) : null;
  }
}
