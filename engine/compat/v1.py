"""``tf.compat.v1``: everything ``engine`` has, with TF1's ``summary`` API."""

from engine import _api
from engine.ops import summary_ops as summary  # noqa: F401 - TF1's tf.summary


def __getattr__(name):
    return getattr(_api, name)
