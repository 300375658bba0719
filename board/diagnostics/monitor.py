"""Training-health findings for a running board, recomputed only for what changed.

The checks themselves are pure functions in ``board.diagnostics.checks``; this module feeds them
what the stores hold and caches their findings per (run, tag, data version): a loss logged at
every step makes only that tag's checks run again, not every tag of the run, and polling
``/api/diagnostics`` while nothing is written costs a dictionary look-up per run. The checks are
O(n log n) in a curve's length (a 100k-point loss curve: about 50 ms and 10 MB, measured by
``bench/diagnostics.py``).
"""

from __future__ import annotations

import threading

from board.data.provider import DataProvider, NotFoundError
from board.diagnostics import checks


class HealthMonitor:
    def __init__(self, provider: DataProvider):
        self.provider = provider
        self._cache: dict[str, tuple] = {}  # run -> (fingerprint, findings, loss scalars)
        self._parts: dict[tuple, tuple] = {}  # (run, what, tag...) -> (versions, findings)
        self._overfitting: tuple = ((), [])  # (every run's fingerprint, findings)
        self._lock = threading.Lock()

    def findings(self, run: str | None = None) -> list[checks.Finding]:
        """Every finding, or those of ``run`` (raises NotFoundError for an unknown run)."""
        names = self.provider.run_names()
        if run is not None and run not in names:
            raise NotFoundError(f"no run named {run!r}")
        with self._lock:
            out, losses, seen = [], {}, []
            for name in names:
                fingerprint, found, loss = self._checked(name)
                out += found
                losses[name] = loss
                seen.append((name, fingerprint))
            if self._overfitting[0] != tuple(seen):
                self._overfitting = (tuple(seen), checks.diagnose_overfitting(losses))
            out += self._overfitting[1]
            for gone in set(self._cache) - set(names):
                del self._cache[gone]
            names_kept = set(names)
            for key in [k for k in self._parts if k[0] not in names_kept]:
                del self._parts[key]
        if run is not None:
            out = [f for f in out if f.run == run]
        return checks.ordered(out)

    def _part(self, key: tuple, versions, compute) -> list[checks.Finding]:
        cached = self._parts.get(key)
        if cached is not None and cached[0] == versions:
            return cached[1]
        found = compute()
        self._parts[key] = (versions, found)
        return found

    def _checked(self, run: str) -> tuple:
        try:
            fingerprint = self.provider.fingerprint(run)
        except NotFoundError:  # the run vanished between listing and looking
            return None, [], {}
        cached = self._cache.get(run)
        if cached is not None and cached[0] == fingerprint:
            return cached
        scalar_versions, histogram_versions = (dict(part) for part in fingerprint)
        old_losses = cached[2] if cached is not None else {}
        series: dict[str, tuple] = {}  # (steps, values) read only when a check needs them

        def scalars(tag: str) -> tuple:
            if tag not in series:
                steps, _, values = self.provider.scalars(run, tag)
                series[tag] = (steps, values)
            return series[tag]

        try:
            found = []
            for tag, version in scalar_versions.items():
                found += self._part((run, "scalar", tag), version,
                                    lambda tag=tag: checks.check_scalar(run, tag, *scalars(tag)))
            for loss, acc in checks.pairs(list(scalar_versions)):
                versions = (scalar_versions[loss], scalar_versions[acc])
                found += self._part((run, "pair", loss, acc), versions,
                                    lambda loss=loss, acc=acc: checks.check_inverse(
                                        run, loss, scalars(loss), acc, scalars(acc)))
            for tag, version in histogram_versions.items():
                found += self._part((run, "histograms", tag), version, lambda tag=tag: checks.check_weights(
                    run, tag, [(h.step, h.buckets) for h in self.provider.histograms(run, tag)]))
            losses = {}
            for tag in checks.loss_tags(scalar_versions):
                old = old_losses.get(tag)
                same = cached is not None and dict(cached[0][0]).get(tag) == scalar_versions[tag]
                losses[tag] = old if same and old is not None else scalars(tag)
        except NotFoundError:  # a tag or the run vanished while reading: check it next time
            return None, [], {}
        entry = (fingerprint, found, losses)
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
            lines.append(f"  {f.severity.upper():7s} {f.kind:18s} {f.tag}  ({where})")
            lines.append(f"          {f.message}")
    return "\n".join(lines) + "\n"
