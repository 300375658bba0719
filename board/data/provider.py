"""The seam between storage and routes: look-ups by run and tag that copy data out under the
run's lock, and raise ``NotFoundError`` (a 404) naming what is missing."""

from __future__ import annotations

import os

import numpy as np

from board.data.stores import Latest, RunStore
from board.ingest.multiplexer import Multiplexer


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
                out[name] = {
                    "scalars": sorted(t for t, series in s.scalars.items() if len(series)),
                    "histograms": sorted(t for t, r in s.histograms.items() if len(r)),
                    "text": sorted(t for t, r in s.text.items() if len(r)),
                    "graph": s.graph is not None,
                    "keras_model": s.keras_model is not None,
                    "hparams": bool(s.hparams),
                }
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

    def fingerprint(self, run: str) -> tuple:
        """What changes whenever the run's scalars or histograms change: ((tag, version) per
        scalar tag, (tag, version) per histogram tag), in the store's order."""
        s = self._store(run)
        with s.lock:
            scalars = tuple((t, x.version) for t, x in s.scalars.items() if len(x))
            histos = tuple((t, r.version) for t, r in s.histograms.items() if len(r))
        return scalars, histos

    def histograms(self, run: str, tag: str) -> list:
        """The kept Histogram records of a tag, oldest step first."""
        return self._sample(run, "histograms", tag, "histogram")

    def histograms_version(self, run: str, tag: str) -> int:
        """Changes whenever the kept histograms of (run, tag) change."""
        s = self._store(run)
        with s.lock:
            res = s.histograms.get(tag)
            if res is None or not len(res):
                raise NotFoundError(f"run {run!r} has no histogram tag {tag!r}")
            return res.version

    def text(self, run: str, tag: str) -> list:
        return self._sample(run, "text", tag, "text")

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
            runs.append({"run": name, "problems": problems, "problem_count": problem_count})
            for st in loader.statuses():
                files.append({
                    "run": name,
                    "name": os.path.basename(st.path),
                    "records": st.records,
                    "skipped": st.skipped,
                    "stopped": st.stopped,
                    "offset": st.offset,
                    "pending_bytes": st.pending_bytes,
                    "file_version": st.file_version,
                    "problems": list(st.problems[-20:]),
                })
        return {
            "loading": mux.loading,
            "files": files,
            "runs": [r for r in runs if r["problem_count"]],
            "logdirs": [{"name": prefix, "path": path} for prefix, path in mux.logdirs.items()],
            "missing_logdirs": mux.missing_logdirs(),
            "reloads": mux.reloads,
            "last_reload_seconds": mux.last_reload_seconds,
            "last_reload_at": mux.last_reload_at,
            "errors": list(mux.errors),
        }

    def _sample(self, run: str, kind: str, tag: str, what: str) -> list:
        s = self._store(run)
        with s.lock:
            res = getattr(s, kind).get(tag)
            if res is None or not len(res):
                raise NotFoundError(f"run {run!r} has no {what} tag {tag!r}")
            return list(res.items)
