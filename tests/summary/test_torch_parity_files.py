"""Embeddings (the projector's files), graphs (PyTorch's tracer, ONNX, OpenVINO), tensorboardX's
extras, the method list itself, and TensorBoard's own readers (and tbparse) on what we write."""

from __future__ import annotations

import inspect
import json
import warnings

import numpy as np
import pytest
import tensorboardX
import torch
from google.protobuf import text_format
from tensorboard.backend.event_processing import plugin_event_multiplexer
from tensorboard.plugins.projector import projector_config_pb2
from torch.utils.tensorboard import SummaryWriter as TorchWriter

from engine.summary import SummaryWriter
from tests.summary.torch_peer import write_both

RNG = np.random.default_rng(5)


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file() and "tfevents" not in p.name}


def test_embedding_files_are_pytorchs(tmp_path):
    mat = torch.from_numpy(RNG.normal(size=(10, 4)).astype(np.float32))
    labels = [f"w{i}" for i in range(10)]
    images = torch.from_numpy(RNG.random((10, 3, 6, 6)).astype(np.float32))

    def calls(w):
        w.add_embedding(mat, metadata=labels, label_img=images, global_step=3, tag="words/v1")
        w.add_embedding(mat[:5], metadata=[[i, f"n{i}"] for i in range(5)], metadata_header=["i", "name"],
                        global_step=4)
        w.add_embedding(mat, label_img=images[:, :1])
    write_both(tmp_path, calls)
    theirs, ours = _files(tmp_path / "torch"), _files(tmp_path / "ours")
    assert sorted(ours) == sorted(theirs)
    assert "00003/words%2fv1/sprite.png" in ours and "projector_config.pbtxt" in ours
    for name, data in theirs.items():
        assert ours[name] == data, name
    config = text_format.Parse(ours["projector_config.pbtxt"].decode(),
                               projector_config_pb2.ProjectorConfig())
    assert [e.tensor_name for e in config.embeddings] == ["words/v1:00003", "default:00004", "default:00000"]


def test_embedding_checks_its_inputs(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="3 labels for 4 points"):
            w.add_embedding(np.zeros((4, 2)), metadata=["a", "b", "c"])
        with pytest.raises(ValueError, match="2-D"):
            w.add_embedding(np.zeros(4))


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = torch.nn.Linear(4, 8), torch.nn.Linear(8, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def test_graph_of_a_torch_module_through_pytorchs_tracer(tmp_path):
    torch.manual_seed(0)
    net, x = Net(), torch.zeros(3, 4)
    theirs, ours = write_both(tmp_path, lambda w: w.add_graph(net, x))
    assert ours == theirs
    assert [e["what"] for e in ours["."]] == ["graph_def", "tagged_run_metadata"]


def test_onnx_graph(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"]),
             helper.make_node("Gemm", ["y", "w", "b"], ["z"], alpha=0.5, transB=1)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
                              [helper.make_tensor_value_info("z", TensorProto.FLOAT, [1, 3])])
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph), str(path))
    theirs, ours = write_both(tmp_path, lambda w: w.add_onnx_graph(str(path)))
    assert ours == theirs and ours["."][0]["what"] == "graph_def"


OPENVINO = """<net name="n"><layers><layer id="0" name="in" type="Input"/><layer id="1" name="conv"
type="Convolution"/><layer id="2" name="out" type="ReLU"/></layers><edges><edge from-layer="0"
from-port="0" to-layer="1" to-port="0"/><edge from-layer="1" from-port="1" to-layer="2" to-port="0"/>
</edges></net>"""


def test_openvino_graph_as_tensorboardx(tmp_path):
    path = tmp_path / "m.xml"
    path.write_text(OPENVINO)
    theirs, ours = write_both(tmp_path, lambda w: w.add_openvino_graph(str(path)), peer="tensorboardX")
    assert ours == theirs


def test_tensorboardx_extras(tmp_path):
    def calls(w):
        w.add_scalar("s", 1.0, 1, display_name="Loss", summary_description="the **loss**")
        with w.use_metadata(global_step=7, walltime=1.5e9):
            w.add_scalar("in_context", 2.0)
            w.add_histogram("h", np.arange(10.0), max_bins=4)
        w.add_scalars("many", {"a": 1.0}, 9)
    theirs, ours = write_both(tmp_path, calls, peer="tensorboardX")
    assert ours["."] == theirs["."]
    assert [e["step"] for e in ours["."]] == [1, 7, 7]
    with SummaryWriter(tmp_path / "json") as w:
        w.add_scalars("m", {"a": 1.0, "b": 2.0}, 3, walltime=10.0)
        w.export_scalars_to_json(tmp_path / "s.json")
    exported = json.loads((tmp_path / "s.json").read_text())
    run = tmp_path / "json"
    assert exported == {f"{run}/m_a": [[10.0, 3, 1.0]], f"{run}/m_b": [[10.0, 3, 2.0]]}


def test_write_to_disk_false_writes_nothing(tmp_path):
    with SummaryWriter(tmp_path / "quiet", write_to_disk=False) as w:
        w.add_scalar("s", 1.0, 0)
        w.add_scalars("m", {"a": 1.0}, 0)
        w.add_hparams({"lr": 0.1}, {"m": 1.0}, run_name="hp")
    assert not list(tmp_path.rglob("*tfevents*"))


def _public(cls):
    return {n for n, _ in inspect.getmembers(cls, callable) if not n.startswith("_")}


def test_every_pytorch_and_tensorboardx_method_is_here_with_its_arguments():
    ours = _public(SummaryWriter)
    for peer in (TorchWriter, tensorboardX.SummaryWriter):
        missing = _public(peer) - ours
        assert not missing, (peer, missing)
        for name in _public(peer):
            theirs = [p for p in inspect.signature(getattr(peer, name)).parameters if p != "kwargs"]
            mine = list(inspect.signature(getattr(SummaryWriter, name)).parameters)
            if peer is tensorboardX.SummaryWriter and name == "add_hparams":
                theirs = [p for p in theirs if p != "name"]  # ours takes name= as a keyword
            assert set(theirs) <= set(mine), (name, theirs, mine)


def test_options_we_do_not_honour_warn_once(tmp_path):
    from engine.summary.arrays import _WARNED

    _WARNED.discard("graph:trace")
    with SummaryWriter(tmp_path) as w:
        with pytest.warns(UserWarning, match="torch.nn.Module tracing only"):
            w.add_graph(b"", verbose=True)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            w.add_graph(b"", verbose=True)  # the second time: silent


def _write_everything(root):
    with SummaryWriter(root / "run") as w:
        w.add_scalar("loss", 0.5, 1)
        w.add_histogram("w", RNG.normal(size=100), 1)
        w.add_image("img", RNG.random((3, 4, 5)), 1)
        w.add_audio("snd", RNG.uniform(-1, 1, (1, 100)), 1, sample_rate=8000)
        w.add_video("vid", RNG.random((1, 2, 3, 4, 4)), 1)
        w.add_text("note", "hi", 1)
        w.add_pr_curve("pr", RNG.integers(0, 2, 20), RNG.random(20), 1)
        w.add_custom_scalars_multilinechart(["loss"])
        w.add_mesh("mesh", RNG.random((1, 4, 3)), global_step=1)
        w.add_tensor("t", np.arange(3.0), 1)
        w.add_hparams({"lr": 0.1}, {"hp/m": 1.0}, run_name="hp")
        w.add_embedding(RNG.random((3, 2)), metadata=["a", "b", "c"])


def test_tensorboard_reads_every_kind_under_its_plugin(tmp_path):
    _write_everything(tmp_path)
    mux = plugin_event_multiplexer.EventMultiplexer()
    mux.AddRunsFromDirectory(str(tmp_path))
    mux.Reload()
    expected = {"scalars": {"loss"}, "histograms": {"w"}, "images": {"img", "vid"}, "audio": {"snd"},
                "text": {"note/text_summary"}, "pr_curves": {"pr"},
                "custom_scalars": {"custom_scalars__config__"}, "mesh": {"mesh_VERTEX"}, "tensor": {"t"}}
    for plugin, tags in expected.items():
        assert set(mux.PluginRunToTagToContent(plugin).get("run", {})) == tags, plugin
    assert "run/hp" in mux.PluginRunToTagToContent("hparams")
    (image,) = mux.Tensors("run", "img")
    assert image.tensor_proto.string_val[:2] == [b"5", b"4"]  # width, height as the images plugin stores
    config = text_format.Parse((tmp_path / "run" / "projector_config.pbtxt").read_text(),
                               projector_config_pb2.ProjectorConfig())
    assert (tmp_path / "run" / config.embeddings[0].tensor_path).read_text().count("\n") == 3


def test_tbparse_reads_ours(tmp_path):
    from tbparse import SummaryReader

    _write_everything(tmp_path)
    reader = SummaryReader(str(tmp_path / "run"), pivot=False)
    assert sorted(reader.scalars["tag"]) == ["hp/m", "loss"]  # hp/m from the hparams sub-run
    assert set(reader.images["tag"]) == {"img", "vid"}
    assert reader.audio["tag"].tolist() == ["snd"]
    assert reader.text["value"].tolist() == ["hi"]
    assert reader.histograms["tag"].tolist() == ["w"]
    assert reader.images[reader.images["tag"] == "img"]["value"].iloc[0].shape == (4, 5, 3)
