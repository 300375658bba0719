"""Files our writers produce, read back by the real TensorBoard package's reader."""

from __future__ import annotations

import bisect

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator, plugin_event_accumulator
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util as tb_tensor_util

import engine
from engine.summary import SummaryWriter
from tfevents import bucketing as hist
from tfevents import builders
from tfevents.proto import graph_pb2

KEEP_ALL = {"scalars": 0, "histograms": 0, "tensors": 0, "graph": 0}


def _accumulator(logdir, cls=event_accumulator.EventAccumulator):
    acc = cls(str(logdir), size_guidance=KEEP_ALL)
    acc.Reload()
    return acc


def _small_graph() -> graph_pb2.GraphDef:
    g = graph_pb2.GraphDef()
    for name, op, inputs in [("x", "Placeholder", []), ("dense/kernel", "VariableV2", []),
                             ("dense/MatMul", "MatMul", ["x", "dense/kernel"]),
                             ("dense/Relu", "Relu", ["dense/MatMul"])]:
        node = g.node.add(name=name, op=op, input=inputs)
        node.attr["T"].type = 1
    return g


def test_scalars_exact(tmp_path):
    values = np.random.default_rng(0).normal(size=300).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        for step, v in enumerate(values):
            w.add_scalar("train/loss", v, step, walltime=1000.0 + step)
        w.add_scalar("special", float("nan"), 0)
        w.add_scalar("special", float("inf"), 1)
        w.add_scalar("big_step", 1.5, 2**40)
    acc = _accumulator(tmp_path)
    events = acc.Scalars("train/loss")
    assert [e.step for e in events] == list(range(300))
    assert [e.value for e in events] == values.tolist()
    assert [e.wall_time for e in events] == [1000.0 + s for s in range(300)]
    special = [e.value for e in acc.Scalars("special")]
    assert np.isnan(special[0]) and special[1] == np.inf
    assert acc.Scalars("big_step")[0].step == 2**40
    assert acc.file_version == 2.0


def test_histograms_match_numpy_reference(tmp_path):
    rng = np.random.default_rng(1)
    data = {step: rng.normal(scale=0.1 * (step + 1), size=5000) for step in range(3)}
    with SummaryWriter(tmp_path) as w:
        for step, values in data.items():
            # TensorFlow's bucketing (the HistogramSummary op's); add_histogram bins as PyTorch
            # does, checked against PyTorch in test_torch_writer_parity.py
            w.add_summary(builders.histogram_v1("layer/weights", values), step)
        w.add_histogram("explicit", data[0], 0, bins=np.linspace(-1, 1, 11))
    acc = _accumulator(tmp_path)
    got = acc.Histograms("layer/weights")
    assert [h.step for h in got] == [0, 1, 2]
    for h in got:
        values = data[h.step]
        v = h.histogram_value
        assert (v.min, v.max, v.num) == (values.min(), values.max(), values.size)
        assert v.sum == pytest.approx(values.sum(), rel=1e-12)
        assert v.sum_squares == pytest.approx(np.dot(values, values), rel=1e-12)
        # TensorFlow's rule, done independently: a value goes in the first bucket whose limit
        # is greater than it; empty runs merge into one bucket keeping the run's last limit.
        limits_list = hist.DEFAULT_BUCKET_LIMITS.tolist()
        expected = [0] * len(limits_list)
        for x in values.tolist():
            expected[bisect.bisect_right(limits_list, x)] += 1
        limits = list(v.bucket_limit)
        counts = list(v.bucket)
        assert sum(counts) == values.size
        for limit, count in zip(limits, counts, strict=True):
            i = int(np.searchsorted(hist.DEFAULT_BUCKET_LIMITS, limit))
            assert hist.DEFAULT_BUCKET_LIMITS[i] == limit
            assert expected[i] == count
    explicit = acc.Histograms("explicit")[0].histogram_value  # PyTorch's binning: see test_torch_parity
    assert sum(explicit.bucket) == data[0].size


def test_default_bucket_limits_are_tensorflows():
    limits = hist.DEFAULT_BUCKET_LIMITS
    assert limits.size == 1551
    assert limits[775] == 0.0 and limits[776] == 1e-12
    assert limits[-1] == np.finfo(np.float64).max and limits[0] == -limits[-1]
    assert np.all(np.diff(limits) > 0)


def test_text_graph_hparams(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("notes", "héllo **wörld** ✓", 3)
        w.add_graph(_small_graph())
        w.add_hparams({"lr": 0.1, "optimizer": "sgd", "nesterov": True}, {"hparam/accuracy": 0.9},
                      run_name="hp")
    acc = _accumulator(tmp_path, plugin_event_accumulator.EventAccumulator)
    (text_event,) = acc.Tensors("notes/text_summary")
    assert text_event.step == 3
    assert tb_tensor_util.make_ndarray(text_event.tensor_proto).item().decode() == "héllo **wörld** ✓"
    assert acc.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"
    assert len(acc.Graph().node) == 4
    assert [n.name for n in acc.Graph().node][2] == "dense/MatMul"
    acc = _accumulator(tmp_path / "hp", plugin_event_accumulator.EventAccumulator)  # PyTorch's sub-run

    content = acc.PluginTagToContent("hparams")
    start = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    hp = start.session_start_info.hparams
    assert hp["lr"].number_value == 0.1 and hp["optimizer"].string_value == "sgd"
    assert hp["nesterov"].bool_value is True
    experiment = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert sorted(i.name for i in experiment.hparam_infos) == ["lr", "nesterov", "optimizer"]
    assert [m.name.tag for m in experiment.metric_infos] == ["hparam/accuracy"]
    end = plugin_data_pb2.HParamsPluginData.FromString(content["_hparams_/session_end_info"])
    assert end.session_end_info.status == 1
    (metric,) = acc.Tensors("hparam/accuracy")
    assert tb_tensor_util.make_ndarray(metric.tensor_proto).item() == pytest.approx(0.9)


def test_tf2_summaries_read_as_tensors(tmp_path):
    writer = engine.summary.create_file_writer(str(tmp_path))
    values = np.arange(100, dtype=np.float64)
    with writer.as_default():
        for step in range(5):
            assert engine.summary.scalar("loss", 1.0 / (step + 1), step=step)
        engine.summary.histogram("w", values, step=2, buckets=10)
        engine.summary.text("msg", "hi", step=4)
    writer.close()
    assert not engine.summary.scalar("loss", 1.0, step=9)  # no default writer: a False tensor, as TF
    acc = _accumulator(tmp_path, plugin_event_accumulator.EventAccumulator)
    assert acc.PluginTagToContent("scalars") == {"loss": b""}
    scalars = [(e.step, tb_tensor_util.make_ndarray(e.tensor_proto).item()) for e in acc.Tensors("loss")]
    assert scalars == [(s, pytest.approx(np.float32(1.0 / (s + 1)))) for s in range(5)]
    (h,) = acc.Tensors("w")
    rows = tb_tensor_util.make_ndarray(h.tensor_proto)
    assert rows.shape == (10, 3) and rows[:, 2].tolist() == [10.0] * 10
    assert rows[0, 0] == 0.0 and rows[-1, 1] == 99.0
    assert acc.SummaryMetadata("w").plugin_data.plugin_name == "histograms"
    (t,) = acc.Tensors("msg")
    assert tb_tensor_util.make_ndarray(t.tensor_proto).item() == b"hi"
    assert all(p.endswith(".v2") for p in [str(x) for x in tmp_path.iterdir()])
