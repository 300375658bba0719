"""Ours against ``torch.utils.tensorboard.SummaryWriter``, event by event: scalars, tensors,
histograms, text, hparams, PR curves, custom-scalar layouts and meshes come out as the same protos
(tag, plugin metadata bytes, decoded contents; wall times and file names aside)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.summary.torch_peer import write_both

RNG = np.random.default_rng(7)
VALUES = RNG.normal(0, 1, 500)


def _same(tmp_path, calls, **kw):
    theirs, ours = write_both(tmp_path, calls, **kw)
    assert ours == theirs
    return ours


def test_scalars_new_style_and_scalars_runs(tmp_path):
    def calls(w):
        w.add_scalar("loss", 0.25, 3)
        w.add_scalar("t", torch.tensor(1.5), 4)
        w.add_scalar("np", np.float32(2.5), 5)
        w.add_scalar("v2", 0.125, 6, new_style=True)
        w.add_scalar("v2d", 1 / 3, 7, new_style=True, double_precision=True)
        w.add_scalars("run/main", {"a": 1.0, "b": 2.0}, 8)
    ours = _same(tmp_path, calls)
    assert sorted(ours) == [".", "run_main_a", "run_main_b"]
    assert ours["run_main_a"][0]["values"][0]["tag"] == "run/main"


def test_tensor(tmp_path):
    def calls(w):
        w.add_tensor("x", torch.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
        w.add_tensor("i", torch.arange(5, dtype=torch.int64), 2)
    ours = _same(tmp_path, calls)
    assert ours["."][0]["values"][0]["metadata"][0] == "tensor"


@pytest.mark.parametrize("bins,max_bins", [("tensorflow", None), (30, None), ("auto", None),
                                           (np.linspace(-4, 4, 17), None), ("tensorflow", 40), (64, 10)])
def test_histogram_bins(tmp_path, bins, max_bins):
    _same(tmp_path, lambda w: w.add_histogram("w", VALUES, 2, bins=bins, max_bins=max_bins))


def test_histogram_of_a_torch_tensor_and_raw(tmp_path):
    counts, limits = np.histogram(VALUES, bins=12)

    def calls(w):
        w.add_histogram("t", torch.from_numpy(VALUES).float(), 1)
        w.add_histogram_raw("raw", min=VALUES.min(), max=VALUES.max(), num=VALUES.size, sum=VALUES.sum(),
                            sum_squares=float(VALUES @ VALUES), bucket_limits=limits[1:].tolist(),
                            bucket_counts=counts.tolist(), global_step=3)
    _same(tmp_path, calls)


def test_histogram_raw_rejects_unpaired_buckets(tmp_path):
    from engine.summary import SummaryWriter

    with SummaryWriter(tmp_path) as w, pytest.raises(ValueError, match="pair up"):
        w.add_histogram_raw("raw", 0, 1, 2, 1, 1, [0.5, 1.0], [2])


def test_text_as_pytorch_tags_it(tmp_path):
    def calls(w):
        w.add_text("notes", "héllo **wörld**", 3)
        w.add_text("a/b", "second", 4)
    ours = _same(tmp_path, calls)
    assert [e["values"][0]["tag"] for e in ours["."]] == ["notes/text_summary", "a/b/text_summary"]


def test_hparams_sub_run(tmp_path):
    def calls(w):
        w.add_hparams({"lr": 0.1, "opt": "adam", "layers": 3, "skip": None},
                      {"hparam/acc": 0.9, "hparam/loss": 0.2},
                      hparam_domain_discrete={"opt": ["adam", "sgd"], "layers": [2, 3]},
                      run_name="trial1", global_step=5)
    ours = _same(tmp_path, calls)
    assert sorted(ours) == ["trial1"]
    assert [v["tag"] for e in ours["trial1"] for v in e["values"]] == [
        "_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info",
        "hparam/acc", "hparam/loss"]


def test_hparams_default_run_name_is_a_timestamp(tmp_path):
    from engine.summary import SummaryWriter

    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.1}, {"m": 1.0})
    (child,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert abs(float(child.name) - __import__("time").time()) < 120


def test_hparams_bool_stays_a_bool(tmp_path):
    """The one deliberate difference: PyTorch tests int before bool, so True becomes 1.0."""
    from tensorboard.plugins.hparams import plugin_data_pb2

    theirs, ours = write_both(tmp_path, lambda w: w.add_hparams({"nesterov": True}, {"m": 1.0},
                                                                run_name="r"))
    def start(runs):
        content = runs["r"][1]["values"][0]["metadata"][1]
        return plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info.hparams["nesterov"]
    assert start(theirs).number_value == 1.0
    assert start(ours).bool_value is True


@pytest.mark.parametrize("num_thresholds", [127, 10, 500])
def test_pr_curve(tmp_path, num_thresholds):
    labels = RNG.integers(0, 2, 100)
    predictions = RNG.random(100)
    weights = RNG.random(100)

    def calls(w):
        w.add_pr_curve("pr", labels, predictions, 1, num_thresholds=num_thresholds)
        w.add_pr_curve("prw", torch.from_numpy(labels), torch.from_numpy(predictions), 2,
                       num_thresholds=num_thresholds, weights=weights)
    ours = _same(tmp_path, calls)
    dtype, shape, _ = ours["."][0]["values"][0]["data"]
    assert (dtype, shape) == ("<f4", (6, min(num_thresholds, 127)))


def test_pr_curve_raw(tmp_path):
    n = 5
    rows = [np.linspace(10, 0, n), np.linspace(20, 0, n), np.linspace(0, 20, n), np.linspace(0, 10, n),
            np.linspace(0.3, 1, n), np.linspace(1, 0, n)]
    _same(tmp_path, lambda w: w.add_pr_curve_raw("raw", *rows, global_step=4, num_thresholds=n))


def test_custom_scalars(tmp_path):
    layout = {"Taiwan": {"twse": ["Multiline", ["twse/0050", "twse/2330"]]},
              "USA": {"dow": ["Margin", ["dow/aaa", "dow/bbb", "dow/ccc"]],
                      "nasdaq": ["Margin", ["nasdaq/aaa", "nasdaq/bbb", "nasdaq/ccc"]]}}

    def calls(w):
        w.add_custom_scalars(layout)
        w.add_custom_scalars_multilinechart(["loss/.*"], category="c", title="t")
        w.add_custom_scalars_marginchart(["m", "lo", "hi"])
    ours = _same(tmp_path, calls)
    assert {e["values"][0]["tag"] for e in ours["."]} == {"custom_scalars__config__"}


def test_mesh(tmp_path):
    vertices = torch.tensor([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], dtype=torch.float)
    colors = torch.tensor([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 0, 255]]], dtype=torch.int)
    faces = torch.tensor([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], dtype=torch.int)

    def calls(w):
        w.add_mesh("m", vertices=vertices, colors=colors, faces=faces, global_step=1,
                   config_dict={"camera": {"cls": "PerspectiveCamera", "fov": 75}})
        w.add_mesh("cloud", vertices=vertices, global_step=2)
    ours = _same(tmp_path, calls)
    assert [v["tag"] for v in ours["."][0]["values"]] == ["m_VERTEX", "m_FACE", "m_COLOR"]
