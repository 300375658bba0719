"""All runs of one or several logdirs, kept up to date by ``reload()``.

The run table is replaced, never mutated, so a request thread can read ``runs`` without a lock
while the reload thread works; each run's data has its own lock (``RunStore.lock``).
"""

from __future__ import annotations

import logging
import os
import threading
import time

from board.ingest.discovery import discover_runs
from board.ingest.loader import RunLoader
from board.ingest.parallel import ParallelLoad, can_fork, worker_count
from tfevents.filesystems import is_url, local_path

log = logging.getLogger("board")


class Multiplexer:
    """Discovers runs and loads them; ``reload()`` is called by one thread at a time."""

    def __init__(self, logdirs: dict[str, str], samples_per_plugin: dict[str, int] | None = None):
        self.logdirs = {prefix: local_path(os.fspath(path)) for prefix, path in logdirs.items()}
        self.samples_per_plugin = samples_per_plugin or {}  # steps kept per image/audio tag
        self.runs: dict[str, RunLoader] = {}
        self.reloads = 0               # completed reloads
        self.last_reload_seconds: float | None = None
        self.last_reload_at: float | None = None
        self.errors: list[str] = []    # unexpected failures of whole reloads (bugs), newest last
        self.discovery_notes: list[str] = []  # what the last search for runs left out, and why
        self._first_load = threading.Event()
        self._stop = threading.Event()
        self._parallel: ParallelLoad | None = None

    def start_parallel(self) -> bool:
        """Start the first reload's reading in worker processes (``board.ingest.parallel``); the
        next ``reload()`` collects it. Call it before this process starts any thread. Returns
        whether workers were started (not where fork is unavailable or threads already run,
        nor for no runs)."""
        if self.reloads or self._parallel is not None or not can_fork() or threading.active_count() > 1:
            return False
        if any(is_url(path) for path in self.logdirs.values()):
            return False  # an object store's client (s3fs) must not be forked mid-session
        found = discover_runs(self.logdirs)
        if not found:
            return False
        self._parallel = ParallelLoad(found, worker_count(len(found)), self.samples_per_plugin)
        return True

    @property
    def loading(self) -> bool:
        """True until the first reload has read every run that existed when it started."""
        return not self._first_load.is_set()

    def wait_loaded(self, timeout: float | None = None) -> bool:
        return self._first_load.wait(timeout)

    def stop(self) -> None:
        """Ask a running reload to return soon (between batches)."""
        self._stop.set()

    def missing_logdirs(self) -> list[str]:
        return [path for path in self.logdirs.values() if not is_url(path) and not os.path.isdir(path)]

    def reload(self) -> int:
        """Pick up new and deleted runs, then read what each run's files gained. Returns the
        number of Events read."""
        started = time.perf_counter()
        count = self._collect_parallel()
        notes: list[str] = []
        found = discover_runs(self.logdirs, notes)
        self.discovery_notes = notes
        old = self.runs
        self.runs = {name: self._loader(old.get(name), name, path, self.samples_per_plugin)
                     for name, path in found.items()}
        count = 0
        for loader in list(self.runs.values()):
            if self._stop.is_set():
                break
            try:
                count += loader.load(self._stop.is_set)
            except Exception as exc:  # noqa: BLE001 - one bad run must not stop the others
                log.exception("loading run %s failed", loader.name)
                self._record_error(f"run {loader.name!r}: {type(exc).__name__}: {exc}")
        self.reloads += 1
        self.last_reload_seconds = time.perf_counter() - started
        self.last_reload_at = time.time()
        if not self._stop.is_set():
            self._first_load.set()
        return count

    def _collect_parallel(self) -> int:
        """Install the runs the workers loaded, each as it arrives (requests see it at once).
        Runs they did not deliver are left to the reload that follows, like new runs."""
        parallel, self._parallel = self._parallel, None
        if parallel is None:
            return 0
        self.runs = {name: RunLoader(name, path, samples_per_plugin=self.samples_per_plugin)
                     for name, path in parallel.runs.items()}
        count = 0
        for name, read, loader in parallel.results(self._stop.is_set):
            self.runs = {**self.runs, name: loader}
            count += read
        for name in parallel.pending:  # read in this process by the reload that follows
            self.runs = {k: v for k, v in self.runs.items() if k != name}
        return count

    @staticmethod
    def _loader(old: RunLoader | None, name: str, path: str, samples: dict | None = None) -> RunLoader:
        """The run's loader, kept across reloads while its directory is the same one."""
        if old is None or old.path != path:
            return RunLoader(name, path, samples_per_plugin=samples)
        if not old.replaced():
            return old
        new = RunLoader(name, path, old.changes, samples_per_plugin=samples)
        new.note("the run's directory was deleted and made anew: its data was read as a new run")
        return new

    def reload_forever(self, interval: float) -> None:
        """The reload thread's body: reload now, then every ``interval`` seconds until
        ``stop()``. An ``interval`` of 0 or less loads once."""
        while not self._stop.is_set():
            try:
                self.reload()
            except Exception as exc:  # noqa: BLE001 - the thread must survive anything
                log.exception("reload failed")
                self._record_error(f"reload: {type(exc).__name__}: {exc}")
                self._first_load.set()
            if interval <= 0 or self._stop.wait(interval):
                break

    def _record_error(self, message: str) -> None:
        self.errors = [*self.errors[-19:], message]
