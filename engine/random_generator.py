"""The rest of ``tf.random``: ``shuffle``, ``categorical``, the stateless ops (same seed, same
numbers) and ``tf.random.Generator`` (an explicit, splittable stream). The numbers come from
numpy's generators: reproducible here, not the bits TensorFlow's Philox draws."""

from __future__ import annotations

import numpy as np

from engine.framework import dtypes
from engine.framework.execute import apply_op
from engine.framework.op_registry import register_op
from engine.ops.array_ops import constant
from engine.ops.random_ops import generator


def _shuffle(x, seed=None):
    out = np.array(x, copy=True)
    if out.ndim:
        generator(seed).shuffle(out, axis=0)
    return out


register_op("RandomShuffle", _shuffle)


def shuffle(value, seed=None, name=None):
    """``tf.random.shuffle``: the rows (first axis) of ``value`` in a random order."""
    return apply_op("RandomShuffle", [value], name=name, seed=seed)


def _categorical(logits, num_samples, dtype=None, seed=None):
    logits = np.asarray(logits, dtype=np.float64)
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    rng = generator(seed)
    draws = np.stack([rng.choice(p.shape[-1], size=int(num_samples), p=row) for row in p])
    return draws.astype(dtype.as_numpy_dtype)


register_op("Multinomial", _categorical)


def categorical(logits, num_samples, dtype=dtypes.int64, seed=None, name=None):
    """``tf.random.categorical``: ``num_samples`` class indices per row of unnormalised log-probs."""
    return apply_op("Multinomial", [logits], name=name, num_samples=int(num_samples),
                    dtype=dtypes.as_dtype(dtype or dtypes.int64), seed=seed)


def _seed_pair(seed) -> list[int]:
    values = np.asarray(seed.numpy() if hasattr(seed, "numpy") else seed).reshape(-1)
    if values.shape != (2,):
        raise ValueError(f"a stateless seed is a shape [2] integer tensor, got {np.asarray(seed)!r}")
    return [int(v) & 0xFFFFFFFF for v in values]


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, name=None):
    """The same ``seed`` gives the same numbers, whatever else has been drawn."""
    return Generator.from_seed(_seed_pair(seed)).uniform(shape, minval, maxval, dtype, name)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
    return Generator.from_seed(_seed_pair(seed)).normal(shape, mean, stddev, dtype, name)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
    return Generator.from_seed(_seed_pair(seed)).truncated_normal(shape, mean, stddev, dtype, name)


class Generator:
    """``g = tf.random.Generator.from_seed(1234); g.normal([2, 3])``: a stream of its own, which
    ``split`` divides into independent streams."""

    def __init__(self, rng: np.random.Generator | None = None, seed=None):
        self._seed = seed
        self._rng = rng if rng is not None else np.random.default_rng(seed)

    @classmethod
    def from_seed(cls, seed, alg=None):
        return cls(np.random.default_rng(seed), seed)

    @classmethod
    def from_non_deterministic_state(cls, alg=None):
        return cls(np.random.default_rng())

    def reset_from_seed(self, seed):
        self._seed, self._rng = seed, np.random.default_rng(seed)

    def split(self, count=1):
        children = self._rng.bit_generator.seed_seq.spawn(int(count)) if hasattr(
            self._rng.bit_generator, "seed_seq") else [None] * int(count)
        return [Generator(np.random.default_rng(child)) for child in children]

    def _draw(self, fn, shape, dtype, name):
        dtype = dtypes.as_dtype(dtype)
        values = np.asarray(fn(self._rng, tuple(int(d) for d in np.asarray(shape).reshape(-1))))
        return constant(values.astype(dtype.as_numpy_dtype), name=name or "random")

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        return self._draw(lambda r, s: r.normal(mean, stddev, s), shape, dtype, name)

    def uniform(self, shape, minval=0, maxval=None, dtype=dtypes.float32, name=None):
        dtype = dtypes.as_dtype(dtype)
        if dtype.is_integer:
            if maxval is None:
                raise ValueError("integer uniform needs maxval=")
            return self._draw(lambda r, s: r.integers(int(minval), int(maxval), s), shape, dtype, name)
        high = 1.0 if maxval is None else maxval
        return self._draw(lambda r, s: r.uniform(minval, high, s), shape, dtype, name)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, name=None):
        def draw(r, s):
            values = r.normal(0.0, 1.0, s)
            bad = np.abs(values) > 2
            while bad.any():
                values[bad] = r.normal(0.0, 1.0, int(bad.sum()))
                bad = np.abs(values) > 2
            return values * stddev + mean
        return self._draw(draw, shape, dtype, name)

    def make_seeds(self, count=1):
        return constant(self._rng.integers(0, 2**31 - 1, (2, int(count))).astype(np.int64), name="seeds")


_global = None


def get_global_generator() -> Generator:
    global _global
    if _global is None:
        _global = Generator.from_non_deterministic_state()
    return _global


def set_global_generator(g: Generator) -> None:
    global _global
    _global = g
