"""``tf.data``: ``Dataset`` pipelines over numpy (see ``engine.data.base``), ``AUTOTUNE``, the
cardinality constants and ``tf.data.experimental``'s names for them."""

from engine.data import batching, experimental, shuffling, sources, transforms  # noqa: F401 - they register the kinds
from engine.data.base import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset, Iterator, Options
from engine.data.readers import TextLineDataset

__all__ = [
    "AUTOTUNE",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "Dataset",
    "Iterator",
    "Options",
    "TextLineDataset",
    "experimental",
]
