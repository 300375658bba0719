"""SimpleRNN, GRU and LSTM, each one fused op over the whole sequence (``engine.ops``:
``rnn_ops``, ``gru_ops``, ``lstm_ops``).

Weights and their layout are Keras's: ``kernel`` (input_dim, k * units), ``recurrent_kernel``
(units, k * units), ``bias``; LSTM gates ``i, f, c, o``; GRU gates ``z, r, h`` with
``reset_after=True`` (bias of shape (2, 3 * units)). A mask from ``Embedding(mask_zero=True)``
makes padded steps keep the previous state.
"""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import activations, backend, initializers, regularizers
from engine.keras.layers.base import Layer
from engine.ops import gru_ops, lstm_ops, rnn_ops


def _act_name(fn) -> str:
    return rnn_ops.check_activation(activations.op_name(fn))


class _RNN(Layer):
    _gates = 1
    _op_name = ""

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, time_major=False, implementation=2, seed=None, **kwargs):
        kwargs.pop("zero_output_for_mask", None)
        kwargs.pop("use_cudnn", None)
        super().__init__(**kwargs)
        if not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{type(self).__name__} units must be a positive integer, got {units!r}")
        if stateful:
            raise NotImplementedError("stateful recurrent layers are not supported")
        if time_major:
            raise NotImplementedError("time_major=True is not supported; inputs are (batch, time, features)")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self._act = _act_name(self.activation)
        self._ract = _act_name(self.recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        if not (0 <= dropout < 1 and 0 <= recurrent_dropout < 1):
            raise ValueError(f"dropout and recurrent_dropout must be in [0, 1), "
                             f"got {dropout}, {recurrent_dropout}")
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards = go_backwards
        self.seed = seed
        self.supports_masking = True

    def _bias_shape(self):
        return (self._gates * self.units,)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"{type(self).__name__} {self.name!r} expects inputs of shape (batch, time, "
                             f"features) with known features, got {input_shape}")
        k = self._gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], k), self.kernel_initializer,
                                      self.kernel_regularizer)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, k),
                                                self.recurrent_initializer, self.recurrent_regularizer)
        self.bias = self.add_weight("bias", self._bias_shape(), self._bias_init(),
                                    self.bias_regularizer) if self.use_bias else None
        self.built = True

    def _bias_init(self):
        return self.bias_initializer

    def _n_states(self):
        return 1

    def call(self, inputs, mask=None, training=None, initial_state=None):
        x = inputs
        batch, steps = x.shape[0], x.shape[1]
        dtype = x.dtype.as_numpy_dtype
        if mask is not None:
            m = np.asarray(mask.numpy() if isinstance(mask, Tensor) else mask).astype(dtype)
        else:
            m = np.ones((batch, steps), dtype)
        if self.go_backwards:
            x = x[:, ::-1]
            m = m[:, ::-1].copy()
        if training and self.dropout:
            keep = backend.rng(self.seed).random((batch, 1, x.shape[-1])) >= self.dropout
            x = x * (keep / (1.0 - self.dropout)).astype(dtype)
        if training and self.recurrent_dropout:
            keep = backend.rng(self.seed).random((batch, self.units)) >= self.recurrent_dropout
            rec_mask = (keep / (1.0 - self.recurrent_dropout)).astype(dtype)
        else:
            rec_mask = np.ones((batch, self.units), dtype)
        if initial_state is None:
            states = [eager(np.zeros((batch, self.units), dtype)) for _ in range(self._n_states())]
        else:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != self._n_states():
                raise ValueError(f"{type(self).__name__} takes {self._n_states()} initial states, "
                                 f"got {len(states)}")
        bias = self.bias if self.use_bias else eager(np.zeros(self._bias_shape(), dtype))
        seq, finals = self._run(x, states, bias, eager(m), eager(rec_mask))
        out = seq if self.return_sequences else finals[0]
        if self.return_state:
            return [out] + list(finals)
        return out

    def compute_output_shape(self, input_shape):
        batch, steps = input_shape[0], input_shape[1]
        out = (batch, steps, self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [out] + [(batch, self.units)] * self._n_states()
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or not self.return_sequences:
            return [None] * (1 + self._n_states()) if self.return_state else None
        if self.return_state:
            return [mask] + [None] * self._n_states()
        return mask

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
                "bias_constraint": None, "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": False, "unroll": False}
        # No "time_major": tf.keras 2 wrote it, and Keras 3 refuses it as an unknown argument.


class SimpleRNN(_RNN):
    """``h = activation(x @ kernel + h @ recurrent_kernel + bias)``."""

    def __init__(self, units, activation="tanh", **kwargs):
        kwargs.pop("recurrent_activation", None)
        super().__init__(units, activation=activation, recurrent_activation="sigmoid", **kwargs)

    def _run(self, x, states, bias, mask, rec_mask):
        seq, h = rnn_ops.simple_rnn(x, states[0], self.kernel, self.recurrent_kernel, bias, mask, rec_mask,
                                    activation=self._act)
        return seq, [h]


class GRU(_RNN):
    """Keras's GRU. ``reset_after=True`` (tf.keras 2 and Keras 3's default) applies the reset gate
    after the recurrent product and has two biases, shape (2, 3 * units); ``reset_after=False``
    (Keras 2.2's default) applies it before, with one bias of shape (3 * units,)."""

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _run(self, x, states, bias, mask, rec_mask):
        op = gru_ops.gru if self.reset_after else gru_ops.gru_v1
        seq, h = op(x, states[0], self.kernel, self.recurrent_kernel, bias, mask, rec_mask,
                    activation=self._act, recurrent_activation=self._ract)
        return seq, [h]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


class LSTM(_RNN):
    """Keras's LSTM, gates ``i, f, c, o``; ``unit_forget_bias`` starts the forget bias at 1."""

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True,
                 **kwargs):
        super().__init__(units, activation=activation, recurrent_activation=recurrent_activation, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _n_states(self):
        return 2

    def _bias_init(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        class _ForgetOne(initializers.Initializer):
            def __call__(self, shape, dtype=None):
                b = np.array(base((units * 4,), dtype))  # initializers give tensors
                b[units:2 * units] = 1.0
                return b

        return _ForgetOne()

    def _run(self, x, states, bias, mask, rec_mask):
        seq, h, c = lstm_ops.lstm(x, states[0], states[1], self.kernel, self.recurrent_kernel, bias, mask,
                                 rec_mask, activation=self._act, recurrent_activation=self._ract)
        return seq, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}

