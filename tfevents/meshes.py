"""Meshes and point clouds as TensorBoard's mesh plugin stores them
(tensorboard/plugins/mesh/metadata.py, summary_v2.py): one tensor per part, under the instance
tags ``<name>_VERTEX``, ``<name>_FACE`` and ``<name>_COLOR``, each ``[B, N, 3]`` (B samples per
step), with a ``MeshPluginData`` in the plugin content naming the mesh, the part, the parts the
mesh has (a bitmask) and the scene configuration as JSON (camera, material, lights).

PyTorch writes every part as float32; TensorFlow writes vertices float32, faces int32, colours
uint8. A part is checked on its own here (shape, dtype, values); the parts of one step are
grouped, and checked against each other, by ``group_problem``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
from google.protobuf.message import DecodeError

from tfevents.proto import plugin_data_pb2, tensor_pb2
from tfevents.tensor_util import make_ndarray

MESH_PLUGIN = "mesh"
KINDS = {plugin_data_pb2.MeshPluginData.VERTEX: "vertices", plugin_data_pb2.MeshPluginData.FACE: "faces",
         plugin_data_pb2.MeshPluginData.COLOR: "colors"}
BITS = {name: 1 << kind for kind, name in KINDS.items()}
DTYPES = {"vertices": np.float32, "faces": np.int32, "colors": np.uint8}
ALL_PARTS = sum(BITS.values())
MAX_CONFIG_BYTES = 1 << 16


@dataclass
class MeshPart:
    """One part (vertices, faces or colours) of one mesh at one step."""

    tag: str  # the mesh's name (MeshPluginData.name), what the dashboard lists
    instance_tag: str  # the summary tag the part was written under
    step: int
    wall_time: float
    kind: str  # "vertices" | "faces" | "colors"
    components: int  # bitmask of the parts the mesh has (BITS)
    config: str  # the scene configuration, JSON text
    data: np.ndarray  # [B, N, 3] in DTYPES[kind]


@dataclass
class MeshStep:
    """The parts of one mesh written at one step."""

    step: int
    wall_time: float
    parts: dict = field(default_factory=dict)  # kind -> MeshPart


def plugin_data(content: bytes) -> plugin_data_pb2.MeshPluginData:
    """The plugin content of a mesh value; an old one without a bitmask has every part, as
    TensorBoard's ``parse_plugin_metadata`` assumes."""
    try:
        data = plugin_data_pb2.MeshPluginData.FromString(content)
    except DecodeError as exc:
        raise ValueError(f"mesh plugin data is not a MeshPluginData: {exc}") from None
    if data.components == 0:
        data.components = ALL_PARTS
    return data


def mesh_part(tag: str, step: int, wall_time: float, tensor: tensor_pb2.TensorProto,
              meta: plugin_data_pb2.MeshPluginData | None) -> MeshPart:
    """A part, checked: raises ValueError saying what is wrong."""
    if meta is None:
        raise ValueError("mesh value without the mesh plugin data that names its part")
    kind = KINDS.get(meta.content_type)
    if kind is None:
        raise ValueError(f"mesh {meta.name!r}: unknown content type {meta.content_type}")
    shape = [int(d.size) for d in tensor.tensor_shape.dim]
    if len(shape) != 3 or shape[2] != 3:
        raise ValueError(f"mesh {meta.name!r}: {kind} must be [B, N, 3], got shape {shape}")
    data = make_ndarray(tensor)  # checks the shape against the bytes present
    if kind != "vertices" and data.size:
        if not np.all(np.isfinite(data)) or not np.all(data == np.round(data)):
            raise ValueError(f"mesh {meta.name!r}: {kind} must be whole numbers")
        lo, hi = (0, 255) if kind == "colors" else (0, np.iinfo(np.int32).max)
        if data.min() < lo or data.max() > hi:
            raise ValueError(f"mesh {meta.name!r}: {kind} must lie in [{lo}, {hi}], got "
                             f"[{data.min():g}, {data.max():g}]")
    elif kind == "vertices" and not np.all(np.isfinite(data)):
        raise ValueError(f"mesh {meta.name!r}: vertices hold NaN or infinite coordinates")
    if len(meta.json_config) > MAX_CONFIG_BYTES:
        raise ValueError(f"mesh {meta.name!r}: config of {len(meta.json_config)} bytes, "
                         f"over {MAX_CONFIG_BYTES}")
    return MeshPart(meta.name or tag, tag, step, wall_time, kind, int(meta.components),
                    meta.json_config, np.ascontiguousarray(data, dtype=DTYPES[kind]))


def components(group: MeshStep) -> int:
    return next(iter(group.parts.values())).components if group.parts else 0


def config(group: MeshStep) -> tuple[dict, str | None]:
    """The scene configuration of a step as a dict, and a problem (bad JSON) or None."""
    text = next((p.config for p in group.parts.values() if p.config), "") or "{}"
    try:
        value = json.loads(text)
    except ValueError as exc:
        return {}, f"the scene configuration is not JSON ({exc}); drawn with the defaults"
    if not isinstance(value, dict):
        return {}, "the scene configuration is not a JSON object; drawn with the defaults"
    return value, None


def group_problem(group: MeshStep) -> str | None:
    """Why the parts of one step cannot be drawn together, or None."""
    want = components(group)
    missing = [k for k, bit in BITS.items() if want & bit and k not in group.parts]
    if missing:
        return (f"step {group.step}: the mesh says it has {', '.join(k for k, b in BITS.items() if want & b)}"
                f" but no {' and no '.join(missing)} were written")
    vertices = group.parts.get("vertices")
    if vertices is None:
        return f"step {group.step}: no vertices"
    b, n, _ = vertices.data.shape
    if b == 0:
        return f"step {group.step}: a batch of 0 samples"
    for kind in ("faces", "colors"):
        part = group.parts.get(kind)
        if part is None:
            continue
        if part.data.shape[0] != b:
            return f"step {group.step}: {b} samples of vertices but {part.data.shape[0]} of {kind}"
        if kind == "colors" and part.data.shape[1] != n:
            return f"step {group.step}: {n} vertices but {part.data.shape[1]} colors (one per vertex)"
        if kind == "faces" and part.data.size and int(part.data.max()) >= n:
            return (f"step {group.step}: a face refers to vertex {int(part.data.max())}, but there are "
                    f"only {n} vertices (0 to {n - 1})")
    return None
