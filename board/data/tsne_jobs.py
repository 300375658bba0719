"""t-SNE runs in background threads, one per distinct (embedding, settings), so the page polls
for the layout while it converges instead of holding a request open. A job nobody has polled
for ``ABANDON_SECONDS`` (the page was closed or asked for other settings) stops; at most
``MAX_RUNNING`` run at once, and the last ``KEEP`` finished layouts are kept."""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from board.data.tsne import tsne

MAX_RUNNING = 2
ABANDON_SECONDS = 20.0
KEEP = 8


class BusyError(RuntimeError):
    """Every t-SNE slot is taken by a job someone is still watching."""


@dataclass
class Job:
    iterations: int
    state: str = "running"  # running, done, stopped (abandoned), error
    iteration: int = 0
    coords: np.ndarray | None = None
    error: str | None = None
    polled: float = field(default_factory=time.monotonic)

    def snapshot(self) -> dict:
        self.polled = time.monotonic()
        return {"state": self.state, "iteration": self.iteration, "iterations": self.iterations,
                "error": self.error,
                "coords": None if self.coords is None else np.round(self.coords, 4).tolist()}


class TsneJobs:
    def __init__(self, abandon_seconds: float = ABANDON_SECONDS):
        self.abandon_seconds = abandon_seconds
        self._jobs: collections.OrderedDict[tuple, Job] = collections.OrderedDict()
        self._lock = threading.Lock()

    def poll(self, key: tuple, points: Callable[[], np.ndarray], settings: dict) -> dict:
        """The job of ``key``'s state, started (on ``points()``) if there is none or it stopped."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state != "stopped":
                self._jobs.move_to_end(key)
                return job.snapshot()
        x = points()  # outside the lock (reading a file must not block other polls); may raise
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state != "stopped":
                return job.snapshot()
            running = [j for j in self._jobs.values() if j.state == "running"]
            if len(running) >= MAX_RUNNING:
                raise BusyError(f"{MAX_RUNNING} t-SNE runs are in progress; try again when one ends")
            job = self._jobs[key] = Job(iterations=settings["iterations"])
            self._trim()
        threading.Thread(target=self._run, args=(job, x, settings), daemon=True,
                         name="board-tsne").start()
        return job.snapshot()

    def _trim(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.state != "running"]
        for k in finished[:max(0, len(finished) - KEEP)]:
            del self._jobs[k]

    def _run(self, job: Job, x: np.ndarray, settings: dict) -> None:
        def progress(iteration: int, y: np.ndarray) -> bool:
            job.iteration, job.coords = iteration, y
            return time.monotonic() - job.polled < self.abandon_seconds

        try:
            y = tsne(x, progress=progress, **settings)
            job.coords = y
            job.state = "done" if job.iteration >= job.iterations else "stopped"
        except (ValueError, MemoryError) as e:
            job.error, job.state = str(e), "error"
