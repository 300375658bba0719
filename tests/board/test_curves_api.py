"""PR curves and custom-scalar layouts through the API, on files PyTorch and our writer wrote in
the test run, against TensorBoard's own pr_curves and custom_scalars plugins reading the same
files (tests/board/curves.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from board.data.sampling import parse_samples_per_plugin
from engine.summary import SummaryWriter
from tests.board.conftest import board_client
from tests.board.curves import OURS_LAYOUT, PR_STEPS, TORCH_LAYOUT, curves_logdir, examples
from tests.board.media import XSS_TAG
from tfevents.proto import summary_pb2, tensor_pb2, types_pb2


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    return curves_logdir(tmp_path_factory.mktemp("curves"))


@pytest.fixture(scope="module")
def tensorboard(logdir):
    """TensorBoard's multiplexer and data provider on the same logdir."""
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer

    keep_all = {"pr_curves": 0, "custom_scalars": 0}
    mux = plugin_event_multiplexer.EventMultiplexer(tensor_size_guidance=keep_all)
    mux.AddRunsFromDirectory(str(logdir))
    mux.Reload()
    return mux, data_provider.MultiplexerDataProvider(mux, str(logdir))


def test_pr_curves_and_layouts_are_listed_and_no_longer_not_shown(logdir):
    with board_client(logdir) as client:
        tags = client.get("/api/tags").json()["runs"]
        status = client.get("/api/status").json()
    for run in ("torch", "ours"):
        assert tags[run]["pr_curves"] == sorted(["pr/class0", XSS_TAG])
        assert tags[run]["custom_scalars"] == ["custom_scalars__config__"]
    assert status["not_shown"] == []


def test_pr_curves_match_tensorboards_plugin(logdir, tensorboard):
    from tensorboard.plugins.pr_curve.pr_curves_plugin import PrCurvesPlugin

    mux, _ = tensorboard
    with board_client(logdir) as client:
        for run in ("torch", "ours"):
            for tag in ("pr/class0", XSS_TAG):
                ours = client.get("/api/pr_curves", params={"run": run, "tag": tag}).json()["steps"]
                events = mux.Tensors(run, tag)
                assert len(ours) == len(events) == PR_STEPS
                for got, event in zip(ours, events, strict=True):
                    # _make_pr_entry uses no plugin state: TensorBoard's numbers for this tensor
                    want = PrCurvesPlugin._make_pr_entry(None, event.step, event.wall_time,
                                                         np.array(_tb_array(event.tensor_proto)))
                    assert got == want, (run, tag, event.step)
        torch = client.get("/api/pr_curves", params={"run": "torch", "tag": "pr/class0"}).json()["steps"]
        ours = client.get("/api/pr_curves", params={"run": "ours", "tag": "pr/class0"}).json()["steps"]
    for a, b in zip(torch, ours, strict=True):  # our writer computes the curve as PyTorch does
        for key in ("thresholds", "precision", "recall", "true_positives", "false_positives"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-6, err_msg=key)
    labels, _ = examples(PR_STEPS - 1)
    assert torch[-1]["true_positives"][0] == labels.sum() and torch[-1]["recall"][0] == 1.0


def _tb_array(proto):
    from tensorboard.util import tensor_util

    return tensor_util.make_ndarray(proto)


def test_custom_scalars_layout_merges_as_tensorboard_does(logdir, tensorboard):
    from tensorboard import context
    from tensorboard.plugins.base_plugin import TBContext
    from tensorboard.plugins.custom_scalar.custom_scalars_plugin import CustomScalarsPlugin

    mux, provider = tensorboard
    plugin = CustomScalarsPlugin(TBContext(data_provider=provider, multiplexer=mux, logdir=str(logdir)))

    want = json.loads(plugin.layout_impl(context.RequestContext(), ""))
    with board_client(logdir) as client:
        got = client.get("/api/custom_scalars").json()
    assert got["runs"] == ["ours", "torch"]
    stripped = json.loads(json.dumps(got["layout"]))
    for category in stripped["category"]:
        for chart in category["chart"]:
            chart.pop("matches", None), chart.pop("invalid", None)
            for series in chart.get("margin", {}).get("series", []):
                series.pop("runs")
    assert stripped == want
    charts = {(c["title"], ch["title"]): ch for c in got["layout"]["category"] for ch in c["chart"]}
    assert len(charts) == 5 and len(OURS_LAYOUT) + len(TORCH_LAYOUT) == 4
    both = charts[("losses", "both")]
    assert both["matches"] == {"ours": ["loss/train", "loss/val"], "torch": ["loss/train", "loss/val"]}
    assert charts[("losses", "train only")]["matches"]["torch"] == ["loss/train"]
    assert charts[("losses", "val")]["invalid"] == ["(bad"]
    margin = charts[("accuracy", XSS_TAG)]["margin"]["series"]
    assert margin == [{"value": "acc/mean", "lower": "acc/lo", "upper": "acc/hi", "runs": ["ours", "torch"]}]


def test_kept_pr_steps_are_bounded_and_always_hold_the_newest(tmp_path):
    assert parse_samples_per_plugin("pr_curves=5") == {"pr_curves": 5}
    with pytest.raises(ValueError, match="pr_curves=N"):
        parse_samples_per_plugin("meshes=5")
    with SummaryWriter(tmp_path / "run") as w:
        for step in range(130):
            w.add_pr_curve("pr", *examples(0), step, num_thresholds=5)
    with board_client(tmp_path) as client:
        kept = _kept_steps(client)
    assert len(kept) == 100 and kept[0] == 0 and kept[-1] == 129 and kept == sorted(kept)
    with board_client(tmp_path, samples_per_plugin={"pr_curves": 5}) as client:
        kept = _kept_steps(client)
        assert client.get("/api/pr_curves", params={"run": "run", "tag": "nope"}).status_code == 404
        assert client.get("/api/pr_curves", params={"run": "nope", "tag": "pr"}).status_code == 404
    assert len(kept) == 5 and kept[-1] == 129


def _kept_steps(client) -> list[int]:
    steps = client.get("/api/pr_curves", params={"run": "run", "tag": "pr"}).json()["steps"]
    return [s["step"] for s in steps]


def _pr_value(tag: str, dims, **values) -> summary_pb2.Summary:
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, **values)
    for d in dims:
        tensor.tensor_shape.dim.add(size=d)
    value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    value.metadata.plugin_data.plugin_name = "pr_curves"
    return summary_pb2.Summary(value=[value])


def test_a_pr_tensor_of_a_bad_or_huge_declared_shape_is_a_problem_not_an_allocation(tmp_path):
    with SummaryWriter(tmp_path / "run") as w:
        w.add_summary(_pr_value("huge", [6, 10**12], float_val=[0.5]), 0)  # one value broadcast
        w.add_summary(_pr_value("flat", [36], float_val=[0.5] * 36), 0)
        w.add_summary(_pr_value("ok", [6, 2], float_val=[2, 1, 1, 0, 0, 1, 0, 1, 0.5, 1, 1, 0.5]), 0)
    with board_client(tmp_path) as client:
        assert client.get("/api/tags").json()["runs"]["run"]["pr_curves"] == ["ok"]
        problems = client.get("/api/status").json()["runs"][0]["problems"]
        ok = client.get("/api/pr_curves", params={"run": "run", "tag": "ok"}).json()["steps"][0]
    assert any("'huge'" in p and "[6, 1000000000000]" in p for p in problems), problems
    assert any("'flat'" in p and "[36]" in p for p in problems), problems
    assert ok["thresholds"] == [0.0, 1.0] and ok["precision"] == [0.5, 1.0]
    assert ok["false_negatives"] == [0, 1]
