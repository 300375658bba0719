"""What one weight may cost, checked before it is allocated: a config (a downloaded model file's
above all) names the shapes, so it could otherwise ask for any amount of memory or time.

- ``MAX_WEIGHT_BYTES`` per weight, and never more than the memory the machine has available now
  (counted as float64, the widest temporary an initializer makes).
- ``MAX_ORTHOGONAL_COST``: the orthogonal initializer's QR costs rows x cols x min(rows, cols)
  multiply-adds; above this it is refused by name (a 6000 x 6000 one took 14-20 s). Real Keras
  has no bound.
- While a model file is loaded (``skipping_initializers``), weights start as zeros (calloc'd:
  free until written) instead of running initializers whose values the file's replace anyway.
"""

from __future__ import annotations

import contextlib
import math
import threading

import numpy as np

MAX_WEIGHT_BYTES = 4 << 30     # one weight, in its own dtype (Keras's HDF5 bomb floor is 4 GiB too)
MAX_WEIGHT_SIZE = 2 ** 31      # values in one weight
MAX_ORTHOGONAL_COST = 2 ** 34  # multiply-adds of one orthogonal initializer's QR

_local = threading.local()


def available_memory() -> int | None:
    """MemAvailable of /proc/meminfo in bytes (None where there is none)."""
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check(layer_name, name, shape, dtype) -> None:
    """ValueError naming the weight when ``shape`` of ``dtype`` is more than a weight may cost."""
    values = math.prod(shape)
    try:
        nbytes = values * np.dtype(dtype).itemsize
    except TypeError:  # a policy name: no wider than float64
        nbytes = values * 8
    problem = None
    if any(d < 0 for d in shape) or values > MAX_WEIGHT_SIZE:
        problem = f"at most {MAX_WEIGHT_SIZE:,} values"
    elif nbytes > MAX_WEIGHT_BYTES:
        problem = f"{nbytes:,} bytes; at most {MAX_WEIGHT_BYTES:,}"
    elif (free := available_memory()) is not None and values * 8 > free:
        problem = f"{nbytes:,} bytes; this machine has {free:,} available"
    if problem:
        raise ValueError(f"layer {layer_name!r}: refusing to create weight {name!r} of shape {shape} "
                         f"({problem})")


def check_orthogonal(shape) -> None:
    rows, cols = math.prod(shape[:-1]), shape[-1]
    cost = rows * cols * min(rows, cols)
    if cost > MAX_ORTHOGONAL_COST:
        raise ValueError(f"the orthogonal initializer for shape {tuple(shape)} would cost {cost:,} "
                         f"multiply-adds (at most {MAX_ORTHOGONAL_COST:,}): use another initializer, "
                         "or set the weights yourself")


def skipping() -> bool:
    return getattr(_local, "skip", False)


@contextlib.contextmanager
def skipping_initializers():
    """Weights made in this block start as zeros: a loader is about to overwrite them all."""
    before = skipping()
    _local.skip = True
    try:
        yield
    finally:
        _local.skip = before
