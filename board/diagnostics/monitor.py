"""Training-health findings for a running board, recomputed only for runs that changed.

The checks themselves are pure functions in ``board.diagnostics.checks``; this module feeds them what
the stores hold and caches each run's findings under a fingerprint of its data (tag, point
count, last step), so polling ``/api/diagnostics`` costs a dictionary look-up per run while
nothing is being written.
"""

from __future__ import annotations

import threading

from board.data.provider import DataProvider, NotFoundError
from board.diagnostics import checks


class HealthMonitor:
    def __init__(self, provider: DataProvider):
        self.provider = provider
        self._cache: dict[str, tuple] = {}  # run -> (fingerprint, findings, cross-run summary)
        self._lock = threading.Lock()

    def findings(self, run: str | None = None) -> list[checks.Finding]:
        """Every finding, or those of ``run`` (raises NotFoundError for an unknown run)."""
        names = self.provider.run_names()
        if run is not None and run not in names:
            raise NotFoundError(f"no run named {run!r}")
        with self._lock:
            per_run, summaries = {}, {}
            for name in names:
                _, per_run[name], summaries[name] = self._checked(name)
            out = checks.combine(per_run, summaries)
            for gone in set(self._cache) - set(names):
                del self._cache[gone]
        if run is not None:
            out = [f for f in out if f.run == run]
        return out

    def _checked(self, run: str) -> tuple:
        try:
            fingerprint = self.provider.fingerprint(run)
        except NotFoundError:  # the run vanished between listing and looking
            return None, [], {"scalars": {}, "classes": None}
        cached = self._cache.get(run)
        if cached is not None and cached[0] == fingerprint:
            return cached
        scalars = {}
        for tag, _ in fingerprint[0]:
            steps, _, values = self.provider.scalars(run, tag)
            scalars[tag] = (steps, values)
        histograms = {tag: [(h.step, h.buckets) for h in self.provider.histograms(run, tag)]
                      for tag, _ in fingerprint[1]}
        config = None
        for source in (run, checks.training_run(run)):  # Keras writes it in X/train only
            try:
                config = self.provider.keras_model(source).data if source else None
            except NotFoundError:
                continue
            break
        entry = (fingerprint, checks.diagnose_run(run, scalars, histograms, config),
                 checks.summary(scalars, config))
        self._cache[run] = entry
        return entry


def report(findings: list[checks.Finding]) -> str:
    """The findings as a readable text report, grouped by run."""
    if not findings:
        return "No problems found: every check passed.\n"
    lines = []
    errors = sum(f.severity == "error" for f in findings)
    lines.append(f"{len(findings)} finding(s): {errors} error(s), {len(findings) - errors} warning(s)")
    for run in sorted({f.run for f in findings}):
        lines.append("")
        lines.append(f"run {run}")
        for f in (f for f in findings if f.run == run):
            where = f"step {f.step}" if f.step is not None else "-"
            lines.append(f"  {f.severity.upper():7s} {f.kind:18s} {', '.join(f.tags)}  ({where})")
            lines.append(f"          {f.message}")
            if f.cause:
                numbers = ", ".join(f"{k}={v:.4g}" for k, v in f.evidence.items())
                lines.append(f"          cause: {f.cause}" + (f"; evidence: {numbers}" if numbers else ""))
    return "\n".join(lines) + "\n"
