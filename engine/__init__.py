"""A small deep-learning framework on numpy, with TensorFlow's and Keras's names.

``import engine as tf`` gives eager tensors with ``GradientTape``, TF1 graphs with placeholders,
Variables and ``Session.run``, ``tf.nn``, ``tf.train`` optimizers, GraphDef export and
``tf.summary``. Ops live in ``engine.ops`` (see ``engine.framework.op_registry`` to add one); the
names are listed in ``engine._api``, which ``tf.compat.v1``/``v2`` share.
"""

from engine import _api, compat
from engine._api import *  # noqa: F403 - the tf.* names
from engine._api import __version__, bool, distribute, div, float, keras, mul, neg, sub  # noqa: A004, F401

__all__ = [*_api.__all__, "compat"]
