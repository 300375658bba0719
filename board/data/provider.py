"""The seam between storage and routes: look-ups by run and tag that copy data out under the
run's lock, and raise ``NotFoundError`` (a 404) naming what is missing."""

from __future__ import annotations

import os

import numpy as np

from board.data.blobs import KINDS as BLOB_KINDS
from board.data.blobs import StepSamples, StoredSample
from board.data.projector import CONFIG_NAME as PROJECTOR_CONFIG
from board.data.projector import find_config
from board.data.stores import Latest, RunStore
from board.ingest.loader import shown_name
from board.ingest.multiplexer import Multiplexer

# The kinds /api/tags always lists (empty when a run has none), beside the ones drawn.
UNSHOWN_KINDS_LISTED = ("images", "audio", "meshes", "embeddings")
CUSTOM_SCALARS_TAG = "custom_scalars__config__"  # the one tag a layout is written under
BLOB_WHAT = {"images": "image", "audio": "audio"}


def _text(value: str | None) -> str | None:
    """A name from the file system as text any JSON can carry (odd bytes as escapes)."""
    if value is None:
        return None
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _graphs(s: RunStore) -> list[dict]:
    """Every graph a run holds as ``{"kind", "tag"}`` (what ``/api/graph`` takes), in the order the
    graph page offers them: the op graph, the Keras model, function graphs, then run metadata."""
    out = [{"kind": kind, "tag": None} for kind, held in (("op", s.graph), ("keras", s.keras_model))
           if held is not None]
    if s.graph is not None and s.graph_from_meta_graph:
        out[0]["meta_graph"] = True   # the op graph is a meta_graph_def's (TF1's add_meta_graph)
    for kind in GRAPH_TAG_KINDS:
        out += [{"kind": kind, "tag": tag} for tag in sorted(s.run_metadata.get(kind, ()))]
    return out


# The graph kinds held per tag (RunStore.run_metadata's keys), as /api/graph names them.
GRAPH_TAG_KINDS = ("function_graph", "run_metadata")
WHAT = {"function_graph": "function graph trace", "run_metadata": "run metadata"}


class NotFoundError(LookupError):
    """An unknown run or tag, or a run without the thing asked for; the message says which."""


class DataProvider:
    """Read access to a ``Multiplexer``'s runs, safe to call from any thread."""

    def __init__(self, multiplexer: Multiplexer):
        self.multiplexer = multiplexer

    def run_names(self) -> list[str]:
        return list(self.multiplexer.runs)

    def _store(self, run: str) -> RunStore:
        loader = self.multiplexer.runs.get(run)
        if loader is None:
            raise NotFoundError(f"no run named {run!r}")
        return loader.store

    def tags(self) -> dict[str, dict]:
        out = {}
        for name, loader in list(self.multiplexer.runs.items()):
            s = loader.store
            with s.lock:
                tags = {
                    "scalars": sorted(t for t, series in s.scalars.items() if len(series)),
                    "histograms": sorted(t for t, r in s.histograms.items() if len(r)),
                    "text": sorted(t for t, r in s.text.items() if len(r)),
                    "graphs": _graphs(s),
                    "graph": s.graph is not None,
                    "keras_model": s.keras_model is not None,
                    "hparams": bool(s.hparams),
                    "pr_curves": sorted(t for t, r in s.pr_curves.items() if len(r)),
                    "custom_scalars": [CUSTOM_SCALARS_TAG] if s.custom_scalars is not None else [],
                }
                tags["run_metadata"] = sorted(s.run_metadata.get("run_metadata", ()))
                for kind in UNSHOWN_KINDS_LISTED:
                    tags[kind] = sorted(s.unshown.get(kind, ()))
                for kind, counts in s.unshown.items():  # kinds beyond TensorBoard's own plugins
                    tags.setdefault(kind, sorted(counts))
                tags["meshes"] = sorted(t for t, r in s.meshes.items() if len(r))
                if s.blobs is not None:
                    for kind in BLOB_KINDS:
                        tags[kind] = s.blobs.tag_names(kind)
            if find_config(loader.path) is not None:
                tags["embeddings"] = [PROJECTOR_CONFIG]
            out[name] = tags
        return out

    def not_shown(self) -> list[dict]:
        """Every (run, kind, tag) held but not drawn by any dashboard, with its count."""
        out = []
        for name, loader in list(self.multiplexer.runs.items()):
            s = loader.store
            with s.lock:
                unshown = {kind: dict(tags) for kind, tags in s.unshown.items()}
            for kind in sorted(unshown):
                for tag, count in sorted(unshown[kind].items()):
                    out.append({"run": name, "kind": kind, "tag": tag, "count": count})
        return out

    def scalars(self, run: str, tag: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(step, wall_time, value) copies of every stored point."""
        s = self._store(run)
        with s.lock:
            series = s.scalars.get(tag)
            if series is None or not len(series):
                raise NotFoundError(f"run {run!r} has no scalar tag {tag!r}")
            return series.snapshot()

    def scalar_points(self, run: str, tag: str) -> int:
        """How many points ``scalars(run, tag)`` would copy (what a route budgets before work)."""
        s = self._store(run)
        with s.lock:
            series = s.scalars.get(tag)
            if series is None or not len(series):
                raise NotFoundError(f"run {run!r} has no scalar tag {tag!r}")
            return len(series)

    def scalars_version(self, run: str, tag: str) -> tuple[int, int]:
        """Changes whenever the stored points of (run, tag) change."""
        return self._version(run, "scalars", tag, "scalar")

    def _version(self, run: str, field: str, tag: str, what: str) -> tuple[int, int]:
        """(store generation, version) of ``tag`` in the store's ``field``: keys cached answers."""
        s = self._store(run)
        with s.lock:
            held = getattr(s, field).get(tag)
            if held is None or not len(held):
                raise NotFoundError(f"run {run!r} has no {what} tag {tag!r}")
            return s.generation, held.version

    def fingerprint(self, run: str) -> tuple:
        """What changes whenever the run's scalars or histograms change: ((tag, version) per
        scalar tag, (tag, version) per histogram tag) in the store's order, and the store's
        generation (a run read again from the start is a new store)."""
        s = self._store(run)
        with s.lock:
            scalars = tuple((t, x.version) for t, x in s.scalars.items() if len(x))
            histos = tuple((t, r.version) for t, r in s.histograms.items() if len(r))
        return scalars, histos, s.generation

    def histograms(self, run: str, tag: str) -> list:
        """The kept Histogram records of a tag, oldest step first."""
        return self._sample(run, "histograms", tag, "histogram")

    def histograms_version(self, run: str, tag: str) -> tuple[int, int]:
        """Changes whenever the kept histograms of (run, tag) change."""
        return self._version(run, "histograms", tag, "histogram")

    def text(self, run: str, tag: str) -> list:
        return self._sample(run, "text", tag, "text")

    def blob_steps(self, run: str, kind: str, tag: str) -> list[StepSamples]:
        """The kept steps of an image or audio tag (``kind``), oldest first."""
        s = self._store(run)
        with s.lock:
            steps = s.blobs.steps(kind, tag) if s.blobs is not None else None
        if steps is None:
            raise NotFoundError(f"run {run!r} has no {BLOB_WHAT[kind]} tag {tag!r}")
        return steps

    def blob(self, run: str, kind: str, tag: str, step: int, index: int) -> tuple[StoredSample, bytes]:
        """One kept image or clip and its encoded bytes."""
        self.blob_steps(run, kind, tag)  # names a missing run or tag
        s = self._store(run)
        with s.lock:
            found = s.blobs.blob(kind, tag, step, index)
        if found is None:
            raise NotFoundError(f"run {run!r} {BLOB_WHAT[kind]} tag {tag!r} has no sample {index} "
                                f"at step {step} (the kept steps are listed by /api/{kind})")
        return found

    def pr_curves(self, run: str, tag: str) -> list:
        """The kept ``tfevents.curves.PrCurve`` records of a tag, oldest step first."""
        return self._sample(run, "pr_curves", tag, "PR curve")

    def meshes(self, run: str, tag: str) -> list:
        """The kept ``tfevents.meshes.MeshStep`` records of a mesh, oldest step first (each a copy:
        a later part of the newest step joins the stored one)."""
        s = self._store(run)
        with s.lock:
            res = s.meshes.get(tag)
            if res is None or not len(res):
                raise NotFoundError(f"run {run!r} has no mesh tagged {tag!r}")
            return [type(m)(m.step, m.wall_time, dict(m.parts)) for m in res.items]

    def custom_scalars_layouts(self) -> dict[str, dict]:
        """{run: its newest custom-scalars layout} for the runs that wrote one."""
        out = {}
        for name, loader in list(self.multiplexer.runs.items()):
            with loader.store.lock:
                held = loader.store.custom_scalars
            if held is not None:
                out[name] = held.data
        return out

    def scalar_tags(self, run: str) -> list[str]:
        s = self._store(run)
        with s.lock:
            return sorted(t for t, series in s.scalars.items() if len(series))

    def graph(self, run: str) -> Latest:
        s = self._store(run)
        if s.graph is None:
            raise NotFoundError(f"run {run!r} has no graph")
        return s.graph

    def keras_model(self, run: str) -> Latest:
        s = self._store(run)
        if s.keras_model is None:
            raise NotFoundError(f"run {run!r} has no Keras model config")
        return s.keras_model

    def run_metadata(self, run: str, kind: str, tag: str) -> Latest:
        """The newest serialized RunMetadata of a tag; ``kind`` is one of ``GRAPH_TAG_KINDS``."""
        s = self._store(run)
        with s.lock:
            found = s.run_metadata.get(kind, {}).get(tag)
        if found is None:
            raise NotFoundError(f"run {run!r} has no {WHAT[kind]} tagged {tag!r}")
        return found

    def hparams(self) -> dict[str, dict]:
        """{run: {kind: record}} for the runs holding hparams."""
        out = {}
        for name, loader in list(self.multiplexer.runs.items()):
            with loader.store.lock:
                if loader.store.hparams:
                    out[name] = dict(loader.store.hparams)
        return out

    def status(self) -> dict:
        mux = self.multiplexer
        files, runs = [], []
        for name, loader in list(mux.runs.items()):
            s = loader.store
            with s.lock:
                problems = list(s.problems)
                problem_count = s.problem_count
            runs.append({"run": name, "problems": problems, "problem_count": problem_count,
                         "changes": list(loader.changes)})
            for st in loader.statuses():
                shown = shown_name(st.path)
                file_problems = list(st.problems[-20:])
                if shown != os.path.basename(st.path):
                    file_problems.insert(0, "the file's name is not UTF-8: shown with \\x escapes")
                files.append({
                    "run": name,
                    "name": shown,
                    "records": st.records,
                    "skipped": st.skipped,
                    "stopped": st.stopped,
                    "offset": st.offset,
                    "pending_bytes": st.pending_bytes,
                    "file_version": _text(st.file_version),
                    "problems": file_problems,
                })
        return {
            "loading": mux.loading,
            "files": files,
            "runs": [r for r in runs if r["problem_count"] or r["changes"]],
            "logdirs": [{"name": _text(prefix), "path": _text(path)}
                        for prefix, path in mux.logdirs.items()],
            "missing_logdirs": [_text(p) for p in mux.missing_logdirs()],
            "discovery": list(mux.discovery_notes),
            "reloads": mux.reloads,
            "last_reload_seconds": mux.last_reload_seconds,
            "last_reload_at": mux.last_reload_at,
            "errors": list(mux.errors),
            "not_shown": self.not_shown(),
        }

    def _sample(self, run: str, kind: str, tag: str, what: str) -> list:
        s = self._store(run)
        with s.lock:
            res = getattr(s, kind).get(tag)
            if res is None or not len(res):
                raise NotFoundError(f"run {run!r} has no {what} tag {tag!r}")
            return list(res.items)
