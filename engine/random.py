"""``tf.random``: seeded normal, uniform and truncated-normal tensors, shuffling, categorical
draws, the stateless ops and ``tf.random.Generator``."""

from engine.ops.random_ops import normal, set_seed, truncated_normal, uniform
from engine.random_generator import (
    Generator,
    categorical,
    get_global_generator,
    set_global_generator,
    shuffle,
    stateless_normal,
    stateless_truncated_normal,
    stateless_uniform,
)

__all__ = ["Generator", "categorical", "get_global_generator", "normal", "set_global_generator", "set_seed",
           "shuffle", "stateless_normal", "stateless_truncated_normal", "stateless_uniform",
           "truncated_normal", "uniform"]
