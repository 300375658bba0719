"""``tf.compat.v1`` and ``tf.compat.v2``: the engine under TensorFlow's compatibility names.
``v1`` differs in one place: its ``summary`` is the TF1 graph-op API (``merge_all``,
``FileWriter``) from ``engine.ops.summary_ops``."""

from engine.compat import v1, v2

__all__ = ["v1", "v2"]
