"""``tf.compat.v1``: everything ``engine`` has, with TF1's ``summary`` API."""

import engine as _engine
from engine.ops import summary_ops as summary  # noqa: F401 - TF1's tf.summary


def __getattr__(name):
    return getattr(_engine, name)
