"""Our ``tf.data`` beside TensorFlow's: build one pipeline with each ``tf`` and read back what a
user would see (the elements as plain Python with their dtypes, the cardinality, the spec)."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as real  # noqa: E402 - the peer; a missing peer is an error, not a skip

import engine as ours  # noqa: E402

SIDES = {"ours": ours, "tf": real}


def plain(value):
    """An element as nested Python: dicts and tuples kept, each array as (dtype name, list)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.asarray(value)
    kind = "string" if arr.dtype.kind in "OSU" else arr.dtype.name
    return (kind, arr.tolist())


def elements(dataset, limit=None):
    out = []
    for i, element in enumerate(dataset):
        if limit is not None and i >= limit:
            break
        out.append(plain(element))
    return out


def spec(value):
    """An element_spec as nested (shape list or None, dtype name)."""
    if isinstance(value, dict):
        return {k: spec(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(spec(v) for v in value)
    shape = value.shape
    dims = None if shape.rank is None else [None if d is None else int(d) for d in list(shape)]
    return (dims, value.dtype.name)


def both(build):
    """``build(tf)`` run with ours and TensorFlow: {"ours": dataset, "tf": dataset}."""
    return {side: build(tf) for side, tf in SIDES.items()}
