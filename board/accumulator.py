"""One run's ingest: decoded summaries go to the store that owns their kind.

Scalars are gathered into plain lists and handed to the store in batches (one lock, one numpy
copy per tag per batch), which is most of what makes loading fast. Everything else is rare
enough to be applied one by one, in the same batch, under the same lock.
"""

from __future__ import annotations

import json

from board.stores import Latest, RunStore
from engine.summary import (
    Graph,
    Histogram,
    HParams,
    KerasModel,
    Problem,
    Scalar,
    SessionStart,
    SummaryDecoder,
    Text,
)


class RunAccumulator:
    """Feeds one run's Events, in file order, into its ``RunStore``."""

    def __init__(self, store: RunStore):
        self.store = store
        self.decoder = SummaryDecoder()
        self._scalars: dict[str, tuple[list, list, list]] = {}
        self._others: list = []
        self.pending = 0

    def add_event(self, event) -> None:
        for item in self.decoder.decode(event):
            self.add_item(item)

    def add_item(self, item) -> None:
        if type(item) is Scalar:
            cols = self._scalars.get(item.tag)
            if cols is None:
                cols = self._scalars[item.tag] = ([], [], [])
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

    def add_scalar_columns(self, tag: str, steps, wall_times, values) -> None:
        """Points of one tag already in columns (the fast scanner's output), in write order."""
        cols = self._scalars.get(tag)
        if cols is None:
            cols = self._scalars[tag] = ([], [], [])
        cols[0].extend(steps)
        cols[1].extend(wall_times)
        cols[2].extend(values)
        self.pending += len(steps)

    def flush(self) -> None:
        """Apply everything gathered since the last flush."""
        if not self.pending:
            return
        scalars, others = self._scalars, self._others
        self._scalars, self._others, self.pending = {}, [], 0
        store = self.store
        with store.lock:
            for tag, (steps, walls, values) in scalars.items():
                store.series(tag).extend(steps, walls, values)
            for item in others:
                _apply(store, item)


def _apply(store: RunStore, item) -> None:
    kind = type(item)
    if kind is Histogram:
        store.add_histogram(item)
    elif kind is Text:
        store.add_text(item)
    elif kind is Graph:
        if store.graph is None or item.step >= store.graph.step:
            store.graph = Latest(item.step, item.wall_time, item.graph_def)
    elif kind is KerasModel:
        try:
            config = json.loads(item.config_json)
        except ValueError as exc:
            store.add_problem(f"tag {item.tag!r} step {item.step}: Keras model config is not JSON: {exc}")
            return
        store.keras_model = Latest(item.step, item.wall_time, config)
    elif kind is HParams:
        store.hparams[item.kind] = {"tag": item.tag, "step": item.step,
                                    "wall_time": item.wall_time, "data": item.data}
    elif kind is Problem:
        store.add_problem(f"tag {item.tag!r} step {item.step}: {item.message}")
