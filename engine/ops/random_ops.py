"""Random tensors drawn from one seedable generator (``engine.random.set_seed``). An op given
``seed=`` draws from its own stream, derived from the global seed and its own. The seed and the
generators are process-wide state, kept in ``engine.framework.context``."""

from __future__ import annotations

import numpy as np

from engine.framework import context, dtypes
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.framework.tensor import Tensor


def set_seed(seed) -> None:
    """Make every later random op (and dropout) reproducible."""
    context.set_random_seed(seed)


set_random_seed = set_seed
generator = context.random_generator  # what a random kernel draws from


def _normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return generator(seed).normal(mean, stddev, tuple(shape)).astype(dtype.as_numpy_dtype)


def _uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    rng = generator(seed)
    if dtype.is_integer:
        return rng.integers(int(minval), int(maxval), tuple(shape)).astype(dtype.as_numpy_dtype)
    return rng.uniform(minval, maxval, tuple(shape)).astype(dtype.as_numpy_dtype)


def _truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    rng = generator(seed)
    values = rng.normal(0.0, 1.0, tuple(shape))
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(values) > 2
    return (values * stddev + mean).astype(dtype.as_numpy_dtype)


register_op("RandomStandardNormal", _normal)
register_op("RandomUniform", _uniform)
register_op("TruncatedNormal", _truncated_normal)


def _shape_input(shape):
    if isinstance(shape, Tensor):
        return shape
    return np.asarray([int(d) for d in np.asarray(shape).reshape(-1)], dtype=np.int32)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    return apply_op("RandomStandardNormal", [_shape_input(shape)], name=name, mean=float(mean),
                    stddev=float(stddev), dtype=dtypes.as_dtype(dtype), seed=seed)


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    dtype = dtypes.as_dtype(dtype)
    if maxval is None:
        if dtype.is_integer:
            raise ValueError("integer uniform needs maxval=")
        maxval = 1.0
    return apply_op("RandomUniform", [_shape_input(shape)], name=name, minval=float(minval),
                    maxval=float(maxval), dtype=dtype, seed=seed)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    return apply_op("TruncatedNormal", [_shape_input(shape)], name=name, mean=float(mean),
                    stddev=float(stddev), dtype=dtypes.as_dtype(dtype), seed=seed)


random_normal = normal
random_uniform = uniform
