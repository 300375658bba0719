"""The per-tag and per-run bounds SECURITY.md lists, each at its number: histograms and text
summaries kept per (run, tag), decode problems kept per run, changes reported per run, and the
size above which a graph attribute is summarised rather than sent."""

from __future__ import annotations

import numpy as np

from board.api.graphjson import LARGE_ATTR_BYTES, node_json
from board.data.stores import HISTOGRAMS_KEPT, PROBLEMS_KEPT, TEXTS_KEPT, RunStore
from board.ingest.loader import CHANGES_KEPT, RunLoader
from engine.summary import SummaryWriter
from tests.board.conftest import board_client
from tfevents.proto import graph_pb2


def test_histograms_and_texts_kept_per_tag_at_their_numbers(tmp_path):
    assert (HISTOGRAMS_KEPT, TEXTS_KEPT) == (500, 1000)
    rng = np.random.default_rng(0)
    with SummaryWriter(str(tmp_path / "run")) as w:
        for step in range(HISTOGRAMS_KEPT + 200):
            w.add_histogram("w", rng.normal(size=20), step)
        for step in range(TEXTS_KEPT + 300):
            w.add_text("t", f"step {step}", step)
    with board_client(tmp_path) as client:
        histos = client.get("/api/histograms", params={"run": "run", "tag": "w"}).json()["histograms"]
        texts = client.get("/api/text", params={"run": "run", "tag": "t/text_summary"}).json()["text"]
    assert len(histos) == HISTOGRAMS_KEPT and histos[-1]["step"] == HISTOGRAMS_KEPT + 199
    assert len(texts) == TEXTS_KEPT and texts[-1]["step"] == TEXTS_KEPT + 299


def test_problems_kept_per_run_are_the_newest_hundred():
    assert PROBLEMS_KEPT == 100
    store = RunStore()
    for i in range(PROBLEMS_KEPT + 50):
        store.add_problem(f"problem {i}")
    assert list(store.problems) == [f"problem {i}" for i in range(50, PROBLEMS_KEPT + 50)]


def test_changes_reported_per_run_are_bounded(tmp_path):
    assert CHANGES_KEPT == 20
    loader = RunLoader("run", str(tmp_path))
    for i in range(CHANGES_KEPT + 5):
        loader.note(f"change {i}")
    assert len(loader.changes) == CHANGES_KEPT


def test_graph_attributes_above_1024_bytes_are_summarised():
    assert LARGE_ATTR_BYTES == 1024
    node = graph_pb2.NodeDef(name="c", op="Const")
    node.attr["small"].s = b"x" * (LARGE_ATTR_BYTES - 8)
    node.attr["big"].s = b"x" * (LARGE_ATTR_BYTES + 1)
    attrs = node_json(node)["attr"]
    assert attrs["_too_large_attrs"] == ["big"] and "small" in attrs
