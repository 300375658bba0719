"""``tf.data``: ``Dataset`` pipelines over numpy (see ``engine.data.base``), ``AUTOTUNE``, the
cardinality constants, ``tf.data.experimental``'s names for them, and TF1's graph iterators
(``tf.compat.v1.data.make_one_shot_iterator``)."""

from engine.data import batching, experimental, shuffling, sources, transforms  # noqa: F401 - register kinds
from engine.data.base import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Iterator, Options
from engine.data.graph_iterator import make_initializable_iterator, make_one_shot_iterator
from engine.data.readers import TextLineDataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "Iterator", "Options",
           "TextLineDataset", "experimental", "make_initializable_iterator", "make_one_shot_iterator"]
