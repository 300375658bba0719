"""PR curves and custom-scalar layouts, as TensorBoard's ``pr_curves`` and ``custom_scalars``
plugins store them (tensorboard/plugins/pr_curve/metadata.py, custom_scalar/summary.py).

A PR curve is a float tensor of shape ``[6, num_thresholds]`` per step, rows TP, FP, TN, FN,
precision, recall at thresholds ``linspace(0, 1, num_thresholds)``. A layout is a scalar string
tensor holding a serialized ``Layout`` proto (tag ``custom_scalars__config__``). Both shapes are
checked from the tensor's declared shape before anything is allocated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from google.protobuf import json_format

from tfevents.proto import custom_scalar_layout_pb2, tensor_pb2
from tfevents.tensor_util import make_ndarray

PR_ROWS = ("true_positives", "false_positives", "true_negatives", "false_negatives", "precision", "recall")
MAX_THRESHOLDS = 100_000  # TensorBoard's default is 127; more is a broken or hostile file
MAX_LAYOUT_BYTES = 1 << 20


@dataclass
class PrCurve:
    tag: str
    step: int
    wall_time: float
    data: np.ndarray  # [6, num_thresholds] float64, rows as PR_ROWS


@dataclass
class CustomScalarsLayout:
    tag: str
    step: int
    wall_time: float
    layout: dict  # the Layout proto as JSON (TensorBoard's field names)


def _declared(tensor: tensor_pb2.TensorProto) -> tuple[int, ...]:
    return tuple(int(d.size) for d in tensor.tensor_shape.dim)


def pr_curve(tag: str, step: int, wall_time: float, tensor: tensor_pb2.TensorProto) -> PrCurve:
    shape = _declared(tensor)
    if len(shape) != 2 or shape[0] != len(PR_ROWS) or not 1 <= shape[1] <= MAX_THRESHOLDS:
        raise ValueError(f"PR curve tensor of shape {list(shape)}, expected [6, num_thresholds] "
                         f"with 1 to {MAX_THRESHOLDS} thresholds")
    return PrCurve(tag, step, wall_time, np.asarray(make_ndarray(tensor), np.float64))


def layout(tag: str, step: int, wall_time: float, tensor: tensor_pb2.TensorProto) -> CustomScalarsLayout:
    shape = _declared(tensor)
    if math.prod(shape) != 1 or len(tensor.string_val) != 1:
        raise ValueError(f"custom scalars layout tensor of shape {list(shape)}, expected one string")
    data = make_ndarray(tensor).reshape(-1)[0]
    if len(data) > MAX_LAYOUT_BYTES:
        raise ValueError(f"custom scalars layout of {len(data)} bytes, over {MAX_LAYOUT_BYTES}")
    proto = custom_scalar_layout_pb2.Layout.FromString(bytes(data))
    # Default fields included, as TensorBoard's plugin_util.proto_to_json answers the layout.
    return CustomScalarsLayout(tag, step, wall_time, json_format.MessageToDict(
        proto, preserving_proto_field_name=True, always_print_fields_with_no_presence=True))
