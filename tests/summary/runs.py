"""Read a whole run with our reader into plain dicts, for comparing with expected values."""

from __future__ import annotations

import collections
from dataclasses import dataclass, field

from engine.summary import (
    Graph,
    Histogram,
    HParams,
    KerasModel,
    Problem,
    RunReader,
    Scalar,
    SummaryDecoder,
    Text,
)
from tfevents.decode import graph_def


@dataclass
class RunContents:
    scalars: dict = field(default_factory=lambda: collections.defaultdict(list))  # tag -> [(step, value)]
    histograms: dict = field(default_factory=lambda: collections.defaultdict(list))  # tag -> [Histogram]
    text: dict = field(default_factory=lambda: collections.defaultdict(list))  # tag -> [(step, str)]
    hparams: dict = field(default_factory=dict)  # kind -> data
    keras: list = field(default_factory=list)
    graphs: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    files: list = field(default_factory=list)  # FileStatus


def read_run(run_dir) -> RunContents:
    reader, decoder, out = RunReader(run_dir), SummaryDecoder(), RunContents()
    for event in reader.read():
        for item in decoder.decode(event):
            if isinstance(item, Scalar):
                out.scalars[item.tag].append((item.step, item.value))
            elif isinstance(item, Histogram):
                out.histograms[item.tag].append(item)
            elif isinstance(item, Text):
                out.text[item.tag].append((item.step, item.value))
            elif isinstance(item, HParams):
                out.hparams[item.kind] = item.data
            elif isinstance(item, Graph):
                out.graphs.append(graph_def(item.graph_def))
            elif isinstance(item, KerasModel):
                out.keras.append(item)
            elif isinstance(item, Problem):
                out.problems.append(item)
    out.files = reader.statuses
    return out
