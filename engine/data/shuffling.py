"""``shuffle`` with TensorFlow's buffer semantics: fill a buffer of ``buffer_size`` elements, then
each output is a uniformly drawn buffer slot, refilled from the input; so an element can only
come out after fewer than ``buffer_size`` elements read ahead of it (``buffer_size=1`` keeps the
order, a buffer as large as the dataset shuffles it uniformly).

Seeds: ``seed`` with the global seed (``tf.random.set_seed``) fixes the sequence; without one a
seed is drawn from the global generator when the dataset is made. ``reshuffle_each_iteration``
(the default) gives each pass (each ``iter()`` or ``repeat`` epoch) its own order; otherwise every
pass repeats the first's."""

from __future__ import annotations

import numpy as np

from engine.data.base import UNKNOWN_CARDINALITY, kind
from engine.data.transforms import _count, _Unary
from engine.errors import InvalidArgumentError
from engine.framework import context


@kind("shuffle")
class ShuffleDataset(_Unary):
    _tf_name = "_ShuffleDataset"

    def __init__(self, input_dataset, buffer_size, seed, reshuffle_each_iteration):
        super().__init__(input_dataset)
        size = _count(buffer_size)
        if size == UNKNOWN_CARDINALITY:  # TensorFlow's "the whole dataset"
            size = input_dataset._cardinality()
        if size <= 0:
            raise InvalidArgumentError(
                None, None, "buffer_size must be greater than zero or UNKNOWN_CARDINALITY"
            )
        self._size = size
        self._reshuffle = bool(reshuffle_each_iteration) if reshuffle_each_iteration is not None else True
        base = context._process.seed
        if seed is None:
            self._seed = [int(context.random_generator().integers(2**62))]
        else:
            self._seed = [0 if base is None else base, int(_count(seed))]
        self._passes = 0

    def _rng(self):
        n = self._passes if self._reshuffle else 0
        self._passes += 1
        return np.random.default_rng([*self._seed, n])

    def _elements(self):
        rng = self._rng()
        inputs = self._input._elements()
        buffer = []
        for element in inputs:
            buffer.append(element)
            if len(buffer) == self._size:
                break
        for element in inputs:
            i = int(rng.integers(len(buffer)))
            yield buffer[i]
            buffer[i] = element
        while buffer:
            i = int(rng.integers(len(buffer)))
            buffer[i], buffer[-1] = buffer[-1], buffer[i]
            yield buffer.pop()
