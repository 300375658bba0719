"""The recurrent cells ``keras.layers.RNN`` runs step by step: SimpleRNNCell, GRUCell, LSTMCell,
and StackedRNNCells (a list of cells as one). A cell has a ``state_size`` and a
``call(inputs, states, training=None)`` that returns ``(output, new_states)``; its weights and
their layout are the matching layer's (``recurrent.py``), so the weights of ``LSTM(n)`` set on
``RNN(LSTMCell(n))`` give the same numbers, as in Keras.

Dropout as Keras 3 does it: one mask for the inputs and one for the recurrent state, drawn on
the first step of a sequence and kept for all its steps (``RNN`` resets them per call)."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import activations, backend, initializers, regularizers
from engine.keras.layers._common import constraint, serialize_constraint
from engine.keras.layers.base import Layer
from engine.ops import math_ops


def _tensor(x):
    if isinstance(x, Tensor) or hasattr(x, "_value"):
        return x
    return eager(np.asarray(x, np.float32))


def _states(states, n):
    states = list(states) if isinstance(states, (list, tuple)) else [states]
    if len(states) != n:
        raise ValueError(f"the cell takes {n} state tensor(s), got {len(states)}")
    return [_tensor(s) for s in states]


class _Cell(Layer):
    """What the three cells share: options, weights (``kernel``, ``recurrent_kernel``, ``bias``),
    dropout masks and the config."""

    _gates = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)  # Keras 2's kernel choice: the same numbers either way
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"{type(self).__name__} units must be a positive integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraint(kernel_constraint, "kernel_constraint")
        self.recurrent_constraint = constraint(recurrent_constraint, "recurrent_constraint")
        self.bias_constraint = constraint(bias_constraint, "bias_constraint")
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.output_size = self.units
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()

    # -- weights ---------------------------------------------------------------------------------
    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} needs a known feature size, "
                             f"got {input_shape}")
        k = self._gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], k), self.kernel_initializer,
                                      self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, k),
                                                self.recurrent_initializer, self.recurrent_regularizer)
        self.bias = self.add_weight("bias", self._bias_shape(), self._bias_init(),
                                    self.bias_regularizer) if self.use_bias else None
        self.built = True

    def get_initial_state(self, batch_size=None):
        n = len(self.state_size) if isinstance(self.state_size, list) else 1
        return [eager(np.zeros((batch_size, self.units), self.dtype)) for _ in range(n)]

    # -- dropout ---------------------------------------------------------------------------------
    def _mask(self, like, rate):
        shape = tuple(like.shape)
        keep = backend.rng(self.seed).random(shape) >= rate
        return eager((keep / (1.0 - rate)).astype(like.dtype.as_numpy_dtype))

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = self._mask(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and 0.0 < self.recurrent_dropout < 1.0:
            self._recurrent_dropout_mask = self._mask(step_state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None

    def _dropped(self, inputs, h, training):
        if training and 0.0 < self.dropout < 1.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and 0.0 < self.recurrent_dropout < 1.0:
            h = h * self.get_recurrent_dropout_mask(h)
        return inputs, h

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": serialize_constraint(self.kernel_constraint),
                "recurrent_constraint": serialize_constraint(self.recurrent_constraint),
                "bias_constraint": serialize_constraint(self.bias_constraint),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class SimpleRNNCell(_Cell):
    """``h = activation(x @ kernel + bias + h @ recurrent_kernel)``; the output is ``h``."""

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, **kwargs)
        self.state_size = self.units

    def call(self, inputs, states, training=None):
        (h,) = _states(states, 1)
        x, h = self._dropped(inputs, h, training)
        z = math_ops.matmul(x, self.kernel)
        if self.use_bias:
            z = z + self.bias
        out = self.activation(z + math_ops.matmul(h, self.recurrent_kernel))
        return out, [out] if isinstance(states, (list, tuple)) else out


class GRUCell(_Cell):
    """Keras's GRU step, gates ``z, r, h``. ``reset_after=True`` (the default of tf.keras 2 and
    Keras 3): the reset gate multiplies the recurrent product, two biases (2, 3 * units);
    ``reset_after=False``: it multiplies the state before the product, one bias."""

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True,
                 **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, inputs, states, training=None):
        (h_tm1,) = _states(states, 1)
        u = self.units
        x, h_rec = self._dropped(inputs, h_tm1, training)
        mx = math_ops.matmul(x, self.kernel)
        if self.reset_after:
            inner = math_ops.matmul(h_rec, self.recurrent_kernel)
            if self.use_bias:
                mx, inner = mx + self.bias[0], inner + self.bias[1]
            z = self.recurrent_activation(mx[:, :u] + inner[:, :u])
            r = self.recurrent_activation(mx[:, u:2 * u] + inner[:, u:2 * u])
            hh = self.activation(mx[:, 2 * u:] + r * inner[:, 2 * u:])
        else:
            if self.use_bias:
                mx = mx + self.bias
            inner = math_ops.matmul(h_rec, self.recurrent_kernel[:, :2 * u])
            z = self.recurrent_activation(mx[:, :u] + inner[:, :u])
            r = self.recurrent_activation(mx[:, u:2 * u] + inner[:, u:])
            hh = self.activation(mx[:, 2 * u:] + math_ops.matmul(r * h_rec, self.recurrent_kernel[:, 2 * u:]))
        h = z * h_tm1 + (1.0 - z) * hh
        return h, [h] if isinstance(states, (list, tuple)) else h

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class LSTMCell(_Cell):
    """Keras's LSTM step, gates ``i, f, c, o``; states ``[h, c]``; ``unit_forget_bias`` starts
    the forget bias at 1."""

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True,
                 **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        class _ForgetOne(initializers.Initializer):
            def __call__(self, shape, dtype=None):
                b = np.array(base((units * 4,), dtype))
                b[units:2 * units] = 1.0
                return b

        return _ForgetOne()

    def call(self, inputs, states, training=None):
        h_tm1, c_tm1 = _states(states, 2)
        u = self.units
        x, h = self._dropped(inputs, h_tm1, training)
        z = math_ops.matmul(x, self.kernel) + math_ops.matmul(h, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        c = f * c_tm1 + i * self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


def _nested(x) -> bool:
    return isinstance(x, (list, tuple))


def cell_state_size(cell):
    size = getattr(cell, "state_size", None)
    if size is None:
        raise ValueError(f"an RNN cell needs a state_size attribute, {type(cell).__name__} has none")
    return size


def cell_output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    size = cell_state_size(cell)
    return size[0] if _nested(size) else size


def initial_state_of(cell, batch_size, dtype):
    """A cell's zero state: its ``get_initial_state`` if it has one, else zeros per
    ``state_size`` entry (a nested entry gives a nested list)."""
    fn = getattr(cell, "get_initial_state", None)
    if fn is not None:
        state = fn(batch_size=batch_size)
        return list(state) if _nested(state) else [state]

    def zeros(size):
        if _nested(size):
            return [zeros(s) for s in size]
        return eager(np.zeros((batch_size, int(size)), dtype))

    size = cell_state_size(cell)
    return [zeros(s) for s in size] if _nested(size) else [zeros(size)]


def call_cell(cell, inputs, states, training):
    """One step of ``cell``: a Layer is called (built if it is not), anything else with ``call``."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    return cell.call(inputs, states)


class StackedRNNCells(Layer):
    """Several cells as one: each step runs them in order, each cell's output the next one's
    input; the state is the list of the cells' states."""

    def __init__(self, cells, **kwargs):
        from engine.keras.layers.wrappers import _deserialize

        super().__init__(**kwargs)
        cells = [_deserialize(c) if isinstance(c, dict) else c for c in cells]
        for c in cells:
            if not hasattr(c, "call") or getattr(c, "state_size", None) is None:
                raise ValueError(f"every cell of StackedRNNCells needs call() and state_size, got {c!r}")
        self.cells = list(cells)

    @property
    def state_size(self):
        return [cell_state_size(c) for c in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def _all_weights(self):
        out = list(self._weights)
        for c in self.cells:
            if isinstance(c, Layer):
                out.extend(w for w in c._all_weights() if all(w is not o for o in out))
        return out

    @property
    def losses(self):
        return [loss for c in self.cells if isinstance(c, Layer) for loss in c.losses]

    def get_initial_state(self, batch_size=None):
        out = []
        for c in self.cells:
            state = initial_state_of(c, batch_size, self.dtype)
            out.append(state if _nested(cell_state_size(c)) or getattr(c, "get_initial_state", None)
                       else state[0])
        return out

    def build(self, input_shape):
        shape = tuple(input_shape)
        for c in self.cells:
            if isinstance(c, Layer):
                c._maybe_build(shape)
            shape = (shape[0], cell_output_size(c))
        self.built = True

    def call(self, inputs, states, training=None):
        new_states = []
        for c, s in zip(self.cells, states, strict=True):
            was_list = _nested(s)
            inputs, s = call_cell(c, inputs, list(s) if was_list else [s], training)
            s = list(s) if _nested(s) else [s]
            new_states.append(s if was_list or len(s) != 1 else s[0])
        return inputs, new_states

    def reset_dropout_mask(self):
        for c in self.cells:
            for name in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
                getattr(c, name, lambda: None)()

    def get_config(self):
        from engine.keras.layers.wrappers import _serialize

        return {**super().get_config(), "cells": [_serialize(c) for c in self.cells]}


__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"]
