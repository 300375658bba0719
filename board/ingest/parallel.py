"""The first load of a logdir in worker processes, one share of the runs each, while the parent
imports the web server (``board --logdir``: most of a cold start is the two side by side).

Each worker is forked before the parent starts any thread, so it holds nothing half-locked; it
reads its runs with the same ``RunLoader.load`` as the parent would (the results are the same
objects, pickled) and sends each loaded run as soon as it is done, so the parent can serve it
while the others still load. A run a worker could not send (it died, it raised) is loaded by
the parent itself, so a failure costs time, never data. Later reloads happen in the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait

from board.ingest.loader import RunLoader
from tfevents.files import event_files


def can_fork() -> bool:
    """Fork is safe and cheap on Linux; elsewhere (spawn: a fresh interpreter per worker) the
    first load stays in the parent's reload thread."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def worker_count(runs: int) -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, runs))


def _size(path: str) -> int:
    total = 0
    for name in event_files(path):
        try:
            total += os.path.getsize(name)
        except OSError:
            continue
    return total


def shares(runs: dict[str, str], workers: int) -> list[list[tuple[str, str]]]:
    """The runs dealt to ``workers`` workers, biggest first to the least loaded (by bytes)."""
    sized = sorted(((_size(path), name, path) for name, path in runs.items()), reverse=True)
    out: list[list[tuple[str, str]]] = [[] for _ in range(workers)]
    load = [0] * workers
    for size, name, path in sized:
        i = load.index(min(load))
        out[i].append((name, path))
        load[i] += size
    return [share for share in out if share]


def _work(share: list[tuple[str, str]], conn: Connection, samples: dict | None) -> None:
    """Load each run of ``share`` and send it. A thread sends, so that loading goes on while a
    run waits in the pipe: the parent reads only once its web server is up, and a worker that
    sent itself stalled after its first run until then (a pipe holds 64 KiB, a run megabytes)."""
    outbox: queue.SimpleQueue = queue.SimpleQueue()

    def send() -> None:
        while (payload := outbox.get()) is not None:
            conn.send_bytes(payload)

    sender = threading.Thread(target=send, name="board-load-send")
    sender.start()
    try:
        for name, path in share:
            try:
                loader = RunLoader(name, path, samples_per_plugin=samples)
                count = loader.load()
                outbox.put(pickle.dumps((name, count, loader), protocol=pickle.HIGHEST_PROTOCOL))
            except Exception:  # noqa: BLE001 - the parent loads this run itself and reports the error
                outbox.put(pickle.dumps((name, 0, None)))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


class ParallelLoad:
    """Workers reading ``runs`` ({name: directory}); ``results`` yields what they send."""

    def __init__(self, runs: dict[str, str], workers: int, samples_per_plugin: dict | None = None):
        self.runs = dict(runs)
        self.pending = set(runs)  # not received yet
        ctx = multiprocessing.get_context("fork")
        self._workers = []
        for share in shares(runs, workers):
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(share, child, samples_per_plugin), daemon=True,
                               name="board-load")
            proc.start()
            child.close()
            self._workers.append((proc, parent))

    def results(self, should_stop: Callable[[], bool] = lambda: False
                ) -> Iterator[tuple[str, int, RunLoader]]:
        """(run name, events read, loaded RunLoader) per run, as they arrive. Runs a worker did
        not deliver stay in ``pending``."""
        open_conns = {conn: proc for proc, conn in self._workers}
        while open_conns and not should_stop():
            for conn in wait(list(open_conns), timeout=0.5):
                try:
                    name, count, loader = pickle.loads(conn.recv_bytes())
                except (EOFError, OSError, pickle.UnpicklingError):
                    open_conns.pop(conn).join(timeout=1)
                    conn.close()
                    continue
                if loader is not None and name in self.pending:
                    self.pending.discard(name)
                    yield name, count, loader
        self.close()

    def close(self) -> None:
        for proc, conn in self._workers:
            if proc.is_alive():
                proc.terminate()
            proc.join(timeout=5)
            conn.close()
        self._workers = []
