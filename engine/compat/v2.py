"""``tf.compat.v2``: the engine as it is."""

import engine as _engine


def __getattr__(name):
    return getattr(_engine, name)
