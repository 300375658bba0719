"""``tf.compat.v2``: the engine as it is."""

from engine import _api


def __getattr__(name):
    return getattr(_api, name)
