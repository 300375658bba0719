"""Wrappers: TimeDistributed (one layer applied to every step) and Bidirectional (a recurrent
layer run forwards and backwards, outputs merged), as Keras 2 and 3 build them."""

from __future__ import annotations

import copy

from engine.keras.layers.base import Layer, _to_tensor
from engine.ops import array_ops


def _serialize(layer):
    # Keras 3 reads a wrapped layer only with its "module" (tf_keras ignores the key).
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None}


def _deserialize(config):
    from engine.keras.saving import deserialize_layer

    if isinstance(config, Layer):
        return config
    if isinstance(config, dict) and not isinstance((config.get("config") or {}).get("dtype"), dict):
        # Written by us or by Keras 2 (a plain dtype string; Keras 3 writes a DTypePolicy): its
        # names (hard_sigmoid) mean what they mean in Keras 2, whatever "module" says.
        config = {k: v for k, v in config.items() if k != "module"}
    return deserialize_layer(config)


class Wrapper(Layer):
    """A layer around another one (``layer``), whose weights are its own."""

    def __init__(self, layer, **kwargs):
        layer = _deserialize(layer)
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__} wraps a Layer, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def _sublayers(self):
        return [self.layer]

    def _all_weights(self):
        out = list(self._weights)
        for sub in self._sublayers():
            out.extend(sub._all_weights())
        return out

    @property
    def losses(self):
        return [loss for sub in self._sublayers() for loss in sub.losses]

    def get_config(self):
        return {**super().get_config(), "layer": _serialize(self.layer)}


class TimeDistributed(Wrapper):
    """``layer`` applied to each step of (batch, steps, ...): the steps are folded into the batch."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed {self.name!r} needs inputs of rank 3 or more, "
                             f"got {input_shape}")
        self.layer._maybe_build((None,) + tuple(input_shape[2:]))
        self.built = True

    def call(self, inputs, training=None, mask=None):
        shape = tuple(inputs.shape)
        folded = array_ops.reshape(inputs, (-1,) + shape[2:])
        inner_mask = None
        if mask is not None and len(tuple(mask.shape)) > 2:  # a mask per sub-step, for the inner layer
            inner_mask = array_ops.reshape(_to_tensor(mask), (-1,) + tuple(mask.shape)[2:])
        y = self.layer._call_eager(folded, training=training, mask=inner_mask)
        return array_ops.reshape(y, (-1, shape[1]) + tuple(y.shape[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (inner[0], input_shape[1]) + tuple(inner[1:])


_MERGES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Wrapper):
    """A copy of ``layer`` reads the sequence forwards, another (``backward_layer``, or ``layer``
    with ``go_backwards`` flipped) backwards; their outputs are merged by ``merge_mode``:
    ``"concat"`` (the default), ``"sum"``, ``"mul"``, ``"ave"``, or None (both returned). Weights:
    the forward layer's, then the backward layer's. With ``return_sequences`` the masked steps
    output zeros, as Keras forces ``zero_output_for_mask`` there."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        kwargs.pop("num_constants", None)
        layer = _deserialize(layer)
        super().__init__(layer, **kwargs)
        if merge_mode not in _MERGES:
            raise ValueError(f"merge_mode must be one of {_MERGES}, got {merge_mode!r}")
        if not hasattr(layer, "go_backwards") or not hasattr(layer, "return_sequences"):
            raise ValueError(f"Bidirectional wraps a recurrent layer, got {type(layer).__name__}")
        self.merge_mode = merge_mode
        self._backward_config = None
        self.forward_layer = self._recreate(layer)
        if backward_layer is None:
            config = layer.get_config()
            config["go_backwards"] = not config["go_backwards"]
            self.backward_layer = type(layer).from_config(config)
        else:
            backward_layer = _deserialize(backward_layer)
            self._backward_config = _serialize(backward_layer)
            self.backward_layer = self._recreate(backward_layer)
        self.forward_layer.name = "forward_" + self.forward_layer.name
        self.backward_layer.name = "backward_" + self.backward_layer.name
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError("forward_layer and backward_layer need different go_backwards values")
        for attr in ("return_sequences", "return_state"):
            if getattr(self.forward_layer, attr) != getattr(self.backward_layer, attr):
                raise ValueError(f"forward_layer and backward_layer need the same {attr}")
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    @staticmethod
    def _recreate(layer):
        return type(layer).from_config(copy.deepcopy(layer.get_config()))

    def _sublayers(self):
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return array_ops.concat([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def call(self, inputs, training=None, mask=None, initial_state=None):
        forward_state = backward_state = None
        if initial_state is not None:
            states = list(initial_state)
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        kwargs = {"training": training, "mask": mask}
        y = self.forward_layer._call_eager(inputs, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer._call_eager(inputs, initial_state=backward_state, **kwargs)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
            if mask is not None:  # Keras's zero_output_for_mask
                keep = array_ops.expand_dims(array_ops.cast(_to_tensor(mask), y.dtype), -1)
                y, y_rev = y * keep, y_rev * keep
        out = self._merge(y, y_rev)
        if self.return_state:
            return (out if isinstance(out, list) else [out]) + states
        return out

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
            states = states * 2
        if self.merge_mode == "concat":
            out = [tuple(shape[:-1]) + (None if shape[-1] is None else shape[-1] * 2,)]
        elif self.merge_mode is None:
            out = [tuple(shape), tuple(shape)]
        else:
            out = [tuple(shape)]
        if not self.return_state and len(out) == 1:
            return out[0]
        return out + states

    def compute_mask(self, inputs, mask=None):
        out_mask = mask if self.return_sequences else None
        masks = [out_mask, out_mask] if self.merge_mode is None else [out_mask]
        if self.return_state:
            return masks + [None] * (2 * self.forward_layer._n_states())
        return masks if self.merge_mode is None else out_mask

    def get_config(self):
        config = {**super().get_config(), "merge_mode": self.merge_mode}
        if self._backward_config is not None:
            config["backward_layer"] = self._backward_config
        return config
