"""Where a run's data lives once loaded: one store per kind, all obeying the restart rule.

The restart rule (TensorBoard's Rust data server's; tests/fixtures/README.md): a record at step s replaces the
stored records at steps >= s of its (run, tag), so a restarted job's curve never zig-zags.
Every store here keeps its steps strictly increasing, which is what makes that rule cheap.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tfevents.meshes import MeshStep

if TYPE_CHECKING:
    from board.data.blobs import BlobStore

_NO_STEP = np.iinfo(np.int64).max
_VERSIONS = itertools.count(1)  # shared by every series: a version never repeats, even across stores


def restart_survivors(steps: np.ndarray) -> np.ndarray | None:
    """Which points of a batch (in write order) survive the restart rule among themselves: a
    point is kept iff every later point has a larger step. None when all survive."""
    if len(steps) < 2 or bool(np.all(steps[1:] > steps[:-1])):
        return None
    later_min = np.minimum.accumulate(steps[::-1])[::-1]  # later_min[i] = min(steps[i:])
    return steps < np.append(later_min[1:], _NO_STEP)


class ScalarSeries:
    """One (run, tag) curve at full resolution: growable columnar step / wall_time / value.

    24 bytes a point plus at most 25% spare capacity (``GROWTH``). ``version`` changes whenever
    the points do: it keys what is computed from them (the diagnostics).
    """

    GROWTH = 1.25
    __slots__ = ("step", "wall_time", "value", "size", "version")

    def __init__(self, capacity: int = 16):
        self.step = np.empty(capacity, np.int64)
        self.wall_time = np.empty(capacity, np.float64)
        self.value = np.empty(capacity, np.float64)
        self.size = 0
        self.version = next(_VERSIONS)

    def __len__(self) -> int:
        return self.size

    @property
    def nbytes(self) -> int:
        return self.step.nbytes + self.wall_time.nbytes + self.value.nbytes

    def extend(self, steps, wall_times, values) -> None:
        """Append points given in write order, applying the restart rule."""
        steps = np.asarray(steps, np.int64)
        if not len(steps):
            return
        wall_times = np.asarray(wall_times, np.float64)
        values = np.asarray(values, np.float64)
        keep = restart_survivors(steps)
        if keep is not None:
            steps, wall_times, values = steps[keep], wall_times[keep], values[keep]
        self.purge(int(steps[0]))
        end = self.size + len(steps)
        if end > len(self.step):
            self._resize(max(end, int(len(self.step) * self.GROWTH) + 16))
        self.step[self.size:end] = steps
        self.wall_time[self.size:end] = wall_times
        self.value[self.size:end] = values
        self.size = end
        self.version = next(_VERSIONS)

    def purge(self, step: int) -> None:
        """Forget the points at steps >= ``step``."""
        if self.size and self.step[self.size - 1] >= step:
            self.size = int(np.searchsorted(self.step[:self.size], step, side="left"))
            self.version = next(_VERSIONS)

    def compact(self) -> None:
        """Give back spare capacity (after a big load, when growth has mostly stopped)."""
        if len(self.step) > self.size + 16:
            self._resize(self.size)

    def snapshot(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of the stored columns, safe to use after the lock is released."""
        n = self.size
        return self.step[:n].copy(), self.wall_time[:n].copy(), self.value[:n].copy()

    def _resize(self, capacity: int) -> None:
        for name in ("step", "wall_time", "value"):
            old = getattr(self, name)
            new = np.empty(capacity, old.dtype)
            new[:self.size] = old[:self.size]
            setattr(self, name, new)


class Reservoir:
    """A bounded, uniformly random sample of a (run, tag)'s records that always holds the newest
    one (TensorBoard's reservoir, plus the restart rule) and the oldest (the diagnostics compare
    a layer's weights with their initialisation). Items need a ``step`` attribute."""

    def __init__(self, max_size: int, seed: int = 0):
        if max_size < 1:
            raise ValueError(f"reservoir size must be at least 1, got {max_size}")
        self.max_size = max_size
        self.items: list = []
        self.seen = 0
        self.version = next(_VERSIONS)  # changes at every add and purge: keys cached responses
        self._rng = random.Random(seed)

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item) -> None:
        if self.items and self.items[-1].step >= item.step:
            self.purge(item.step)
        self.seen += 1
        self.version = next(_VERSIONS)
        if len(self.items) < self.max_size:
            self.items.append(item)
            return
        r = self._rng.randint(0, self.seen - 1)
        if r < self.max_size:
            self.items.pop(max(r, 1) if self.max_size > 1 else r)
            self.items.append(item)
        else:
            self.items[-1] = item

    def purge(self, step: int) -> None:
        """Forget the items at steps >= ``step``; the count seen shrinks in proportion, so later
        sampling stays uniform."""
        before = len(self.items)
        if not before or self.items[-1].step < step:
            return
        self.items = [i for i in self.items if i.step < step]
        self.seen = int(self.seen * len(self.items) / before)
        self.version = next(_VERSIONS)


@dataclass
class Latest:
    """The newest of a kind that only matters once per run (graph, Keras model config)."""

    step: int
    wall_time: float
    data: object


HISTOGRAMS_KEPT = 500   # per (run, tag): TensorBoard's default
TEXTS_KEPT = 1000       # per (run, tag)
PR_CURVES_KEPT = 100    # per (run, tag): TensorBoard's default (--samples_per_plugin pr_curves=N)
MESHES_KEPT = 100       # steps per (run, mesh): TensorBoard's mesh plugin default
PROBLEMS_KEPT = 100     # per run: decode problems shown in /api/status
_generations = itertools.count()


@dataclass
class RunStore:
    """Everything loaded for one run. Readers and the loader share it under ``lock``."""

    scalars: dict[str, ScalarSeries] = field(default_factory=dict)
    histograms: dict[str, Reservoir] = field(default_factory=dict)
    text: dict[str, Reservoir] = field(default_factory=dict)
    graph: Latest | None = None
    graph_from_meta_graph: bool = False  # graph is a meta_graph_def's: a GraphDef replaces it
    keras_model: Latest | None = None
    # "run_metadata" | "function_graph" -> tag -> the newest serialized RunMetadata of that tag
    run_metadata: dict[str, dict[str, Latest]] = field(default_factory=dict)
    hparams: dict[str, dict] = field(default_factory=dict)  # kind -> {"step", "wall_time", "data"}
    blobs: BlobStore | None = None  # images and audio (board.data.blobs), set by the loader
    pr_curves: dict[str, Reservoir] = field(default_factory=dict)  # tfevents.curves.PrCurve records
    pr_curves_kept: int = PR_CURVES_KEPT
    custom_scalars: Latest | None = None  # the newest layout (a dict, tfevents.curves)
    meshes: dict[str, Reservoir] = field(default_factory=dict)  # name -> tfevents.meshes.MeshStep records
    unshown: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> tag -> values seen
    problems: deque = field(default_factory=lambda: deque(maxlen=PROBLEMS_KEPT))
    problem_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Tells a run's stores apart when the run is read again from the start: cached answers
    # keyed by a version must not outlive the store they were made from.
    generation: int = field(default_factory=lambda: next(_generations))

    def __getstate__(self) -> dict:
        """Picklable (a run loaded in a worker process, ``board.ingest.parallel``): no lock."""
        return {k: v for k, v in self.__dict__.items() if k != "lock"}

    def __setstate__(self, state: dict) -> None:
        # Generation and versions come from this process's counters, so that no key cached here
        # can match data made elsewhere.
        self.__dict__.update(state, lock=threading.Lock(), generation=next(_generations))
        for held in (*self.scalars.values(), *self.histograms.values(), *self.text.values()):
            held.version = next(_VERSIONS)

    def series(self, tag: str) -> ScalarSeries:
        s = self.scalars.get(tag)
        if s is None:
            s = self.scalars[tag] = ScalarSeries()
        return s

    def add_histogram(self, item) -> None:
        res = self.histograms.get(item.tag)
        if res is None:
            res = self.histograms[item.tag] = Reservoir(HISTOGRAMS_KEPT)
        res.add(item)

    def add_text(self, item) -> None:
        res = self.text.get(item.tag)
        if res is None:
            res = self.text[item.tag] = Reservoir(TEXTS_KEPT)
        res.add(item)

    def add_pr_curve(self, item) -> None:
        res = self.pr_curves.get(item.tag)
        if res is None:
            res = self.pr_curves[item.tag] = Reservoir(self.pr_curves_kept)
        res.add(item)

    def add_mesh_part(self, item) -> None:
        """A part of a mesh (``tfevents.meshes.MeshPart``): joins the other parts of its step, or
        starts a step; a part already held at that step is a restart (the rule above)."""
        res = self.meshes.get(item.tag)
        if res is None:
            res = self.meshes[item.tag] = Reservoir(MESHES_KEPT)
        last = res.items[-1] if res.items else None
        if last is not None and last.step == item.step and item.kind not in last.parts:
            last.parts[item.kind] = item
            res.version = next(_VERSIONS)
        else:
            res.add(MeshStep(item.step, item.wall_time, {item.kind: item}))

    def add_unshown(self, item) -> None:
        """Count a value of a kind no dashboard draws (images, audio...), by kind and tag."""
        tags = self.unshown.setdefault(item.kind, {})
        tags[item.tag] = tags.get(item.tag, 0) + 1

    def add_problem(self, message: str) -> None:
        self.problem_count += 1
        self.problems.append(message)

    def purge(self, step: int) -> None:
        """A restart marker (SessionLog START) at ``step``: drop every tag's steps >= step."""
        for s in self.scalars.values():
            s.purge(step)
        for r in (*self.histograms.values(), *self.text.values(), *self.pr_curves.values(),
                  *self.meshes.values()):
            r.purge(step)
        if self.blobs is not None:
            self.blobs.purge(step)

    def scalar_bytes(self) -> tuple[int, int]:
        """(points stored, bytes their arrays hold), for memory accounting."""
        return (sum(len(s) for s in self.scalars.values()),
                sum(s.nbytes for s in self.scalars.values()))
