"""``keras.layers.RNN``: any cell (``rnn_cells``, a list of them, or the user's own: a
``state_size`` and ``call(inputs, states)`` returning ``(output, new_states)``) run over the time
axis of (batch, time, features...) inputs, one step at a time, as Keras's generic RNN does.

As in Keras: a masked step keeps the previous states and repeats the previous output (zeros with
``zero_output_for_mask=True``); ``go_backwards`` reads the steps last to first and returns the
outputs in that order; ``return_state`` adds the final states after the output, in the structure
the cell keeps them (a stack of cells: one list per cell, Keras 3's structure)."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras.layers.base import Layer, _to_tensor
from engine.keras.layers.rnn_cells import (
    StackedRNNCells,
    _nested,
    call_cell,
    cell_output_size,
    cell_state_size,
    initial_state_of,
)
from engine.keras.layers.wrappers import _deserialize, _serialize
from engine.ops import array_ops


def _flat(x):
    return [i for item in x for i in _flat(item)] if _nested(x) else [x]


def _pack(structure, flat):
    """``flat`` (an iterator) in the nesting of ``structure``."""
    if _nested(structure):
        return [_pack(s, flat) for s in structure]
    return next(flat)


class RNN(Layer):
    """``RNN(cell, return_sequences=False, return_state=False, go_backwards=False, ...)``."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, time_major=False, num_constants=None, **kwargs):
        kwargs.pop("input_length", None)  # Keras 1's argument, which tf_keras still reads past
        super().__init__(**kwargs)
        if isinstance(cell, dict):
            cell = _deserialize(cell)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"RNN needs a cell with a call method, got {cell!r:.100}")
        size = cell_state_size(cell)
        if not isinstance(size, (int, np.integer, list, tuple)):
            raise ValueError(f"the cell's state_size must be an int or a list of them, got {size!r}")
        if stateful:
            raise NotImplementedError("stateful recurrent layers are not supported")
        if time_major:
            raise NotImplementedError("time_major=True is not supported; inputs are (batch, time, features)")
        if num_constants:
            raise NotImplementedError("RNN constants (num_constants) are not supported")
        self.cell = cell
        self.state_size = list(size) if _nested(size) else [int(size)]
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.zero_output_for_mask = bool(go_backwards), bool(zero_output_for_mask)
        self.stateful, self.unroll = False, bool(unroll)
        self.states = None
        self.supports_masking = True

    # -- weights: the cell's ---------------------------------------------------------------------
    def _all_weights(self):
        out = list(self._weights)
        if isinstance(self.cell, Layer):
            out.extend(w for w in self.cell._all_weights() if all(w is not o for o in out))
        return out

    @property
    def losses(self):
        return list(self.cell.losses) if isinstance(self.cell, Layer) else []

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(f"RNN {self.name!r} expects inputs of shape (batch, time, features...), "
                             f"got {input_shape}")
        if isinstance(self.cell, Layer):
            self.cell._maybe_build((input_shape[0],) + input_shape[2:])
        self.built = True

    # -- running ---------------------------------------------------------------------------------
    def _shape_from_call(self):
        return True  # the outputs' structure follows the cell's states: run call on the symbols

    def get_initial_state(self, batch_size):
        return initial_state_of(self.cell, batch_size, self.dtype)

    def _reset_dropout(self):
        for name in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            fn = getattr(self.cell, name, None)
            if fn is not None:
                fn()

    def call(self, inputs, mask=None, training=None, initial_state=None):
        x = _to_tensor(inputs)
        batch, steps = int(x.shape[0]), int(x.shape[1])
        if initial_state is None:
            states = self.get_initial_state(batch)
        else:
            states = list(initial_state) if _nested(initial_state) else [initial_state]
            states = _pack(states, iter([_to_tensor(s) for s in _flat(states)]))
            if len(_flat(states)) != len(_flat(self.get_initial_state(batch))):
                raise ValueError(f"RNN {self.name!r} takes {len(_flat(self.get_initial_state(batch)))} "
                                 f"initial state tensor(s), got {len(_flat(states))}")
        keep = None
        if mask is not None:
            m = np.asarray(mask.numpy() if isinstance(mask, Tensor) else mask).reshape(batch, steps)
            keep = m.astype(x.dtype.as_numpy_dtype)[:, :, None]
        self._reset_dropout()
        outputs, previous = [], None
        for t in (range(steps - 1, -1, -1) if self.go_backwards else range(steps)):
            out, new = call_cell(self.cell, x[:, t], states, training)
            new = list(new) if _nested(new) else [new]
            if keep is not None:
                k = eager(keep[:, t])
                if previous is None:
                    previous = array_ops.zeros_like(out)
                fallback = array_ops.zeros_like(out) if self.zero_output_for_mask else previous
                out = out * k + fallback * (1.0 - k)
                new = [n * k + s * (1.0 - k) for n, s in zip(_flat(new), _flat(states), strict=True)]
            states = _pack(states, iter(_flat(new)))
            outputs.append(out)
            previous = out
        self._reset_dropout()
        output = array_ops.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        if self.return_state:
            return [output] + list(states)
        return output

    def _n_states(self):
        return len(_flat(self.state_size))

    def compute_output_shape(self, input_shape):
        batch, steps = input_shape[0], input_shape[1]
        units = cell_output_size(self.cell)
        out = (batch, steps, units) if self.return_sequences else (batch, units)
        if not self.return_state:
            return out

        def shapes(size):
            return [shapes(s) for s in size] if _nested(size) else (batch, int(size))

        return [out] + [shapes(s) for s in self.state_size]

    def compute_mask(self, inputs, mask=None):
        out_mask = mask if self.return_sequences else None
        if self.return_state:
            return [out_mask] + [None] * self._n_states()  # one per tensor the call returns
        return out_mask

    def get_config(self):
        return {**super().get_config(), "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards, "stateful": False,
                "unroll": self.unroll, "zero_output_for_mask": self.zero_output_for_mask,
                "cell": _serialize(self.cell)}
