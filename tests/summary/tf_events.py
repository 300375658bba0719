"""Event files as comparable records, read with TensorBoard's own loader (not ours), so a test
can put what real TensorFlow wrote beside what the engine wrote for the same calls."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass

import numpy as np
from tensorboard.backend.event_processing import event_accumulator, event_file_loader
from tensorboard.util import tensor_util


@dataclass
class Record:
    step: int
    kind: str  # "summary", "graph_def", "meta_graph_def", "session_log", "tagged_run_metadata"
    tag: str = ""
    plugin: str = ""
    content: bytes = b""
    description: str = ""
    value: object = None  # the tensor as an ndarray, or the v1 field (image/audio/histo proto)
    field: str = ""  # which Summary.Value field: tensor, simple_value, image, audio, histo

    @property
    def key(self):
        """What must match exactly between TensorFlow's file and ours."""
        dtype = shape = None
        if isinstance(self.value, np.ndarray):
            dtype, shape = self.value.dtype.kind, self.value.shape
        return (self.step, self.kind, self.tag, self.plugin, self.content, self.description,
                self.field, dtype, shape)


def event_paths(logdir) -> list[str]:
    return sorted(glob.glob(os.path.join(os.fspath(logdir), "events.out.tfevents.*")))


def records(logdir) -> list[Record]:
    """Every event after the file-version record, in file order, over the run's event files."""
    out = []
    for path in event_paths(logdir):
        for event in event_file_loader.LegacyEventFileLoader(path).Load():
            what = event.WhichOneof("what")
            if what == "file_version":
                continue
            if what != "summary":
                out.append(Record(event.step, what, value=getattr(event, what)))
                continue
            for v in event.summary.value:
                field = v.WhichOneof("value")
                value = tensor_util.make_ndarray(v.tensor) if field == "tensor" else getattr(v, field)
                out.append(Record(event.step, "summary", v.tag, v.metadata.plugin_data.plugin_name,
                                  v.metadata.plugin_data.content, v.metadata.summary_description,
                                  value, field))
    return out


def assert_same_records(ours: list[Record], theirs: list[Record]) -> None:
    assert [r.key for r in ours] == [r.key for r in theirs]


def accumulator(logdir) -> event_accumulator.EventAccumulator:
    """TensorBoard's EventAccumulator over ``logdir``, everything kept."""
    acc = event_accumulator.EventAccumulator(os.fspath(logdir), size_guidance={k: 0 for k in (
        event_accumulator.TENSORS, event_accumulator.IMAGES, event_accumulator.AUDIO,
        event_accumulator.SCALARS, event_accumulator.HISTOGRAMS, event_accumulator.GRAPH,
        event_accumulator.META_GRAPH, event_accumulator.RUN_METADATA)})
    return acc.Reload()
