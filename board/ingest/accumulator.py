"""One run's ingest: decoded summaries go to the store that owns their kind.

Scalars are gathered into plain lists and handed to the store in batches (one lock, one numpy
copy per tag per batch), which is most of what makes loading fast. Everything else is rare
enough to be applied one by one, in the same batch, under the same lock.
"""

from __future__ import annotations

import json

import numpy as np

from board.data.stores import Latest, RunStore
from tfevents.blobs import Blobs
from tfevents.curves import CustomScalarsLayout, PrCurve
from tfevents.decode import (
    Graph,
    Histogram,
    HParams,
    KerasModel,
    Problem,
    RunMetadata,
    Scalar,
    SessionStart,
    SummaryDecoder,
    Text,
    Unshown,
)
from tfevents.meshes import MeshPart


class RunAccumulator:
    """Feeds one run's Events, in file order, into its ``RunStore``."""

    def __init__(self, store: RunStore):
        self.store = store
        self.decoder = SummaryDecoder()
        # tag -> segments of (steps, wall_times, values) gathered since the last flush, in
        # file order: Python lists from add_item, numpy arrays from add_scalar_arrays.
        self.columns: dict[str, list[tuple]] = {}
        self._others: list = []
        self.pending = 0

    def add_event(self, event) -> None:
        for item in self.decoder.decode(event):
            self.add_item(item)

    def add_item(self, item) -> None:
        if type(item) is Scalar:
            segments = self.columns.get(item.tag)
            if segments is None:
                segments = self.columns[item.tag] = []
            if not segments or type(segments[-1][0]) is not list:
                segments.append(([], [], []))
            cols = segments[-1]
            cols[0].append(item.step)
            cols[1].append(item.wall_time)
            cols[2].append(item.value)
        elif type(item) is SessionStart:
            self.flush()
            with self.store.lock:
                self.store.purge(item.step)
            return
        else:
            self._others.append(item)
        self.pending += 1

    def add_scalar_arrays(self, tag: str, steps, wall_times, values) -> None:
        """Points of one tag as arrays (from ``tfevents.fastread``), after those gathered so far."""
        segments = self.columns.get(tag)
        if segments is None:
            segments = self.columns[tag] = []
        segments.append((steps, wall_times, values))
        self.pending += len(steps)

    def flush(self) -> None:
        """Apply everything gathered since the last flush."""
        if not self.pending:
            return
        scalars, others = self.columns, self._others
        self.columns, self._others, self.pending = {}, [], 0
        store = self.store
        with store.lock:
            for tag, segments in scalars.items():
                store.series(tag).extend(*_joined(segments))
            for item in others:
                _apply(store, item)

    def compact(self) -> None:
        """Give back the scalar arrays' spare capacity (after a first load: 24 bytes a point)."""
        with self.store.lock:
            for series in self.store.scalars.values():
                series.compact()


def _joined(segments: list[tuple]) -> tuple:
    if len(segments) == 1:
        return segments[0]
    return tuple(np.concatenate([np.asarray(seg[i], dtype) for seg in segments])
                 for i, dtype in enumerate((np.int64, np.float64, np.float64)))


def _apply(store: RunStore, item) -> None:
    kind = type(item)
    if kind is Histogram:
        store.add_histogram(item)
    elif kind is Text:
        store.add_text(item)
    elif kind is Graph:
        # A GraphDef of its own wins over a meta graph's, whichever came first (as TensorBoard).
        held = store.graph
        if held is None or (item.from_meta_graph == store.graph_from_meta_graph and item.step >= held.step
                            or store.graph_from_meta_graph and not item.from_meta_graph):
            store.graph = Latest(item.step, item.wall_time, item.graph_def)
            store.graph_from_meta_graph = item.from_meta_graph
    elif kind is KerasModel:
        try:
            config = json.loads(item.config_json)
        except ValueError as exc:
            store.add_problem(f"tag {item.tag!r} step {item.step}: Keras model config is not JSON: {exc}")
            return
        store.keras_model = Latest(item.step, item.wall_time, config)
    elif kind is RunMetadata:
        held = store.run_metadata.setdefault(item.kind, {})
        if item.tag not in held or item.step >= held[item.tag].step:
            held[item.tag] = Latest(item.step, item.wall_time, item.data)
    elif kind is HParams:
        store.hparams[item.kind] = {"tag": item.tag, "step": item.step,
                                    "wall_time": item.wall_time, "data": item.data}
    elif kind is Blobs:
        if store.blobs is not None and item.samples:
            store.blobs.add(item)
        for problem in item.problems:
            store.add_problem(f"tag {item.tag!r} step {item.step}: {item.kind} {problem}")
    elif kind is PrCurve:
        store.add_pr_curve(item)
    elif kind is CustomScalarsLayout:
        if store.custom_scalars is None or item.step >= store.custom_scalars.step:
            store.custom_scalars = Latest(item.step, item.wall_time, item.layout)
    elif kind is MeshPart:
        store.add_mesh_part(item)
    elif kind is Unshown:
        store.add_unshown(item)
    elif kind is Problem:
        store.add_problem(f"tag {item.tag!r} step {item.step}: {item.message}")
