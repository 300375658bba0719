"""``tf.random``: seeded normal, uniform and truncated-normal tensors."""

from engine.ops.random_ops import normal, set_seed, truncated_normal, uniform

__all__ = ["normal", "set_seed", "truncated_normal", "uniform"]
