"""What ``fit``/``evaluate``/``predict`` iterate: the batches of arrays, of a ``tf.data.Dataset``
or of a Python generator, for one epoch at a time, as Keras 3's data adapters and
``EpochIterator`` hand them out.

A Dataset's elements are batches already (``x``, ``(x, y)`` or ``(x, y, sample_weight)``, a dict
as ``x``); each epoch iterates it anew, unless ``steps_per_epoch`` is given: then one iterator
runs across epochs, and running out of data warns and ends the training, as in Keras. A generator
is iterated once; Keras peeks its first two batches, which a later epoch without
``steps_per_epoch`` sees again."""

from __future__ import annotations

import itertools
import types
import warnings

import numpy as np

from engine.data.base import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset
from engine.framework.tensor import Tensor
from engine.keras import backend

_PEEKED = 2  # Keras's NUM_BATCHES_FOR_TENSOR_SPEC


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Keras's packing: ``x`` alone (a one-tuple when ``x`` is itself a list), ``(x, y)`` or
    ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from what ``pack_x_y_sample_weight`` made (missing ones None)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"data is expected as (x,), (x, y) or (x, y, sample_weight), got {len(data)} items")


def is_iterable_input(x) -> bool:
    """A Dataset or a generator (an iterator of batches), not arrays."""
    if isinstance(x, (Dataset, types.GeneratorType)):
        return True
    return hasattr(x, "__next__") and not isinstance(x, (np.ndarray, Tensor, list, tuple, dict))


def _unsupported(arg, description, kind):
    raise ValueError(
        f"When providing `x` as a {kind}, `{arg}` should not be passed. Instead, {description} "
        f"should be included as part of the {kind}."
    )


def class_weight_array(y, class_weight):
    """Per-sample weights from ``class_weight`` and targets ``y`` (class ids or one-hot rows)."""
    labels = np.asarray(y).reshape(len(y), -1)
    cls = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
    return np.asarray([class_weight.get(int(c), 1.0) for c in cls])


class ArrayBatches:
    """Arrays cut into ``batch_size`` rows, reshuffled each epoch when ``shuffle``."""

    def __init__(self, model, xs, ys, sw, batch_size, shuffle, steps_per_epoch):
        self.model, self.xs, self.ys, self.sw = model, xs, ys, sw
        self.batch_size, self.shuffle = batch_size, shuffle
        n = len(xs[0])
        self.n = n
        self.num_batches = max(1, -(-n // batch_size)) if steps_per_epoch is None else steps_per_epoch

    def epoch(self):
        n, batch_size = self.n, self.batch_size
        order = backend.rng().permutation(n) if self.shuffle else np.arange(n)
        for step in range(self.num_batches):
            start = (step * batch_size) % n
            idx = order[start : start + batch_size] if self.shuffle else slice(start, start + batch_size)
            yield step, self.model._batch(self.xs, self.ys, self.sw, idx)


class IterableBatches:
    """The batches of a Dataset or generator, packed as the array path packs them."""

    def __init__(
        self,
        model,
        x,
        y=None,
        sample_weight=None,
        steps_per_epoch=None,
        class_weight=None,
        shuffle=False,
        for_predict=False,
    ):
        kind = "tf.data.Dataset" if isinstance(x, Dataset) else "generator"
        if y is not None:
            _unsupported("y", "the targets", kind)
        if sample_weight is not None:
            _unsupported("sample_weights", "the sample weights", kind)
        if shuffle:
            warnings.warn(
                f"`shuffle=True` was passed, but will be ignored since the data `x` was provided as a "
                f"{kind}.",
                stacklevel=3,
            )
        self.model, self.for_predict, self.class_weight = model, for_predict, class_weight
        self.steps_per_epoch = steps_per_epoch
        if isinstance(x, Dataset):
            self._source = x._elements
            n = x._cardinality()
            self._num = None if n in (INFINITE_CARDINALITY, UNKNOWN_CARDINALITY) else n
        else:
            if class_weight is not None:
                raise ValueError(
                    f"Argument `class_weight` is not supported for Python generator inputs. "
                    f"Received: class_weight={class_weight}"
                )
            first = list(itertools.islice(x, _PEEKED))
            if not first:
                raise ValueError(
                    "When passing a Python generator to a Keras model, the generator must yield at "
                    "least one batch. Received an empty generator."
                )
            if not isinstance(first[0], tuple):
                raise ValueError(
                    "When passing a Python generator to a Keras model, the generator must return a "
                    "tuple, either (input,) or (inputs, targets) or (inputs, targets, "
                    f"sample_weights). Received: {first[0]}"
                )
            self._source = lambda: itertools.chain(first, x)
            self._num = None
        self._current = None
        self._seen = 0
        self._measured = False  # the length was learnt by running out of data

    @property
    def num_batches(self):
        return self.steps_per_epoch or self._num

    def reset(self):
        """Start the next epoch on a new pass (Keras's ``evaluate`` resets its iterator, so each
        validation reads the same first ``validation_steps`` batches)."""
        self._current, self._seen = None, 0

    def _pack(self, element):
        if isinstance(element, dict) or not isinstance(element, (tuple, list)):
            x, y, sw = element, None, None
        else:
            x, y, sw = unpack_x_y_sample_weight(tuple(element))
        model = self.model
        xs = model._x_list(_arrays(x))
        if self.for_predict:
            return model._batch(xs, None, None, slice(None))
        ys = None if y is None else model._y_list(_arrays(y))
        sw = None if sw is None else np.asarray(_arrays(sw))
        if self.class_weight is not None and ys is not None:
            cw = class_weight_array(ys[0], self.class_weight)
            sw = cw if sw is None else sw * cw
        return model._batch(xs, ys, sw, slice(None))

    def epoch(self):
        """(step, packed batch) pairs for one epoch; Keras's warning when the data runs out early."""
        steps = self.steps_per_epoch or self._num or -1
        if steps > 0:
            if self._current is None or self.steps_per_epoch is None:
                self._current, self._seen = iter(self._source()), 0
            for step in range(steps):
                if self._num and self._seen >= self._num:
                    if self.steps_per_epoch:
                        _ran_out()
                    break
                try:
                    element = next(self._current)
                except StopIteration:
                    self._ran_out_here()
                    return
                self._seen += 1
                yield step, self._pack(element)
            if self._num and self._seen >= self._num:
                if self._measured and not self.steps_per_epoch:
                    _ran_out()  # Keras learns the length by running out, and so runs out each epoch
                self._current, self._seen = iter(self._source()), 0
        else:
            self._seen = 0
            for step, element in enumerate(self._source()):
                self._seen = step + 1
                yield step, self._pack(element)
            self._num, self._measured = self._seen or None, True
            _ran_out()

    def _ran_out_here(self):
        if self._num is None:
            self._num = self._seen
        _ran_out()
        self._current = None  # the next epoch starts a new pass, as Keras's EpochIterator does


def _ran_out():
    warnings.warn(
        "Your input ran out of data; interrupting training. Make sure that your dataset or generator "
        "can generate at least `steps_per_epoch * epochs` batches. You may need to use the "
        "`.repeat()` function when building your dataset.",
        stacklevel=4,
    )


def _arrays(value):
    """A batch's part (nests of tensors or arrays) as arrays, lists for tuples (the models' form)."""
    if isinstance(value, dict):
        return {k: _arrays(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_arrays(v) for v in value]
    if isinstance(value, Tensor):
        return value.numpy()
    return np.asarray(value) if not isinstance(value, list) else [_arrays(v) for v in value]
