"""``SummaryWriter.add_graph`` and the ONNX / OpenVINO graph readers: a GraphDef in an Event.

A ``torch.nn.Module`` goes through PyTorch's own tracer (``torch.utils.tensorboard``'s
``_pytorch_graph.graph``), which also gives the step stats TensorBoard shows beside it; a GraphDef,
its bytes, or anything with ``as_graph_def()`` (an engine Graph, a Keras model) is written as is.
"""

from __future__ import annotations

import itertools
import sys
import xml.etree.ElementTree as ElementTree

from engine.summary.arrays import warn_once
from tfevents import builders
from tfevents.proto import event_pb2, graph_pb2, tensor_shape_pb2


def graph_def_bytes(graph) -> bytes:
    """Serialized GraphDef from a GraphDef (ours or TensorFlow's), raw bytes, or anything with
    ``as_graph_def()`` (an engine Graph, a Keras model)."""
    if isinstance(graph, (bytes, bytearray)):
        data = bytes(graph)
        graph_pb2.GraphDef.FromString(data)  # fail here, not in the board, on bad bytes
        return data
    if hasattr(graph, "as_graph_def"):
        graph = graph.as_graph_def()
    if hasattr(graph, "SerializeToString"):
        return graph.SerializeToString()
    raise TypeError(
        f"add_graph expects a GraphDef, its bytes, an object with as_graph_def(), or a "
        f"torch.nn.Module; got {type(graph).__name__}"
    )


def _is_torch_module(model) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(model, torch.nn.Module)


def onnx_graph_def(path: str) -> graph_pb2.GraphDef:
    """An ONNX model file as the GraphDef PyTorch's ``add_onnx_graph`` writes: inputs and outputs
    as ``Variable`` nodes, each op named by its first output, its attributes as one string."""
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("add_onnx_graph needs the onnx package: pip install onnx") from exc
    graph = onnx.load(path).graph
    nodes = []
    for value in itertools.chain(graph.input, graph.output):
        shape = value.type.tensor_type.shape
        dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=d.dim_value) for d in shape.dim]
        nodes.append(graph_pb2.NodeDef(name=value.name, op="Variable", attr={
            "dtype": graph_pb2.AttrValue(type=value.type.tensor_type.elem_type),
            "shape": graph_pb2.AttrValue(shape=tensor_shape_pb2.TensorShapeProto(dim=dims))}))
    for node in graph.node:
        params = ", ".join(" = ".join(str(f[1]) for f in a.ListFields()) for a in node.attribute)
        nodes.append(graph_pb2.NodeDef(name=node.output[0], op=node.op_type, input=list(node.input),
                                       attr={"parameters": graph_pb2.AttrValue(s=params.encode())}))
    return graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=22))


def openvino_graph_def(path: str) -> graph_pb2.GraphDef:
    """An OpenVINO IR ``.xml`` as tensorboardX's ``add_openvino_graph`` writes it: one ``op``
    node per edge's target layer, its input the source layer."""
    root = ElementTree.parse(path).getroot()
    layers, edges = root.find("layers"), root.find("edges")
    if layers is None or edges is None:
        raise ValueError(f"{path} is not an OpenVINO IR file (no <layers> and <edges>)")
    names = {layer.attrib["id"]: layer.attrib["name"] for layer in layers}
    nodes = [graph_pb2.NodeDef(name=names[e.attrib["to-layer"]], op="op",
                               input=[names[e.attrib["from-layer"]]],
                               attr={"parameters": graph_pb2.AttrValue(s=b"")}) for e in edges]
    return graph_pb2.GraphDef(node=nodes, versions=graph_pb2.VersionDef(producer=22))


class GraphMethods:
    """Mixed into ``SummaryWriter``: needs ``add_event`` and ``add_summary``."""

    def add_graph(self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True,
                  *, global_step: int | None = None, walltime: float | None = None) -> None:
        """The model's graph. A ``torch.nn.Module`` is traced by PyTorch with ``input_to_model``;
        a GraphDef-like object is written as is (a Keras model also writes its layer config, the
        conceptual graph). For those, an int ``input_to_model`` is taken as ``global_step``."""
        if _is_torch_module(model):
            from torch.utils.tensorboard._pytorch_graph import graph as trace

            graph_def, step_stats = trace(model, input_to_model, verbose, use_strict_trace)
            self.add_event(builders.event(None, 0, walltime, graph_def=graph_def.SerializeToString()))
            self.add_event(builders.event(None, 0, walltime, tagged_run_metadata=event_pb2.TaggedRunMetadata(
                tag="step1", run_metadata=step_stats.SerializeToString())))
            return
        if isinstance(input_to_model, int) and global_step is None:
            global_step, input_to_model = input_to_model, None
        if input_to_model is not None or verbose or not use_strict_trace:
            warn_once("graph:trace", "add_graph: input_to_model, verbose and use_strict_trace apply "
                      "to torch.nn.Module tracing only; ignored for a GraphDef")
        data = graph_def_bytes(model)
        self.add_event(builders.event(None, global_step or 0, walltime, graph_def=data))
        to_json = getattr(model, "to_json", None)
        if callable(to_json):
            self.add_summary(builders.keras_model_config(to_json()), 0, walltime)

    def add_onnx_graph(self, prototxt=None, walltime: float | None = None, *, onnx_model_file=None) -> None:
        """The graph of an ONNX model file (needs the ``onnx`` package); ``onnx_model_file`` is
        tensorboardX's name for the path."""
        if (prototxt is None) == (onnx_model_file is None):
            raise TypeError("add_onnx_graph takes the model file path once (prototxt or onnx_model_file)")
        graph = onnx_graph_def(prototxt if prototxt is not None else onnx_model_file)
        self.add_event(builders.event(None, 0, walltime, graph_def=graph.SerializeToString()))

    def add_openvino_graph(self, xmlname, walltime: float | None = None) -> None:
        """The graph of an OpenVINO IR ``.xml`` file (tensorboardX's method)."""
        graph = openvino_graph_def(xmlname)
        self.add_event(builders.event(None, 0, walltime, graph_def=graph.SerializeToString()))
