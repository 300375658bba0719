"""Attention (Luong-style dot-product or concat scores, over ``[query, value(, key)]``) and
MultiHeadAttention, as Keras 2 and 3 compute them: masked scores lose 1e9 before the softmax,
masked queries output zeros."""

from __future__ import annotations

import math

import numpy as np

from engine.keras import backend
from engine.keras.layers._common import kernel_bias_config, set_kernel_bias_options
from engine.keras.layers.base import Layer, _to_tensor
from engine.ops import array_ops, math_ops, nn_ops, reduction_ops

MASKED_SCORE = 1.0e9  # what a masked score loses before the softmax (Keras: 65504 in float16)


def _bool_tensor(mask):
    return array_ops.cast(_to_tensor(mask), "float32")


def _causal(tq, tv):
    return np.tril(np.ones((1, tq, tv), np.float32))


def masked_softmax(scores, keep, robust=False):
    """softmax over the last axis of ``scores - 1e9 * (1 - keep)`` (``keep`` None: plain);
    ``robust``: masked scores replaced by -1e9 (tf_keras's ``softmax_robust_masking``)."""
    if keep is not None and robust:
        zeros = array_ops.zeros_like(scores)
        kept = math_ops.greater(array_ops.cast(keep, scores.dtype) + zeros, 0.5)
        scores = math_ops.where(kept, scores, zeros - MASKED_SCORE)
    elif keep is not None:
        scores = scores - MASKED_SCORE * (1.0 - array_ops.cast(keep, scores.dtype))
    return nn_ops.softmax(scores, axis=-1)


def _dropout(weights, rate, seed, training):
    if not training or not rate:
        return weights
    keep = backend.rng(seed).random(tuple(weights.shape)) >= rate
    return weights * (keep / (1.0 - rate)).astype(weights.dtype.as_numpy_dtype)


class Attention(Layer):
    """``softmax(query @ key^T [* scale]) @ value``; ``score_mode="concat"``:
    ``concat_score_weight * sum(tanh([scale *] (query + key)))``."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, causal=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode = bool(use_scale), score_mode
        self.dropout, self.seed = float(dropout), seed
        self._causal_default = bool(causal)  # Keras 2's deprecated constructor argument
        self.supports_masking = True
        self._symbolic_scores = False

    def build(self, input_shape):
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight("concat_score_weight", (), "ones") \
            if self.score_mode == "concat" else None
        self.built = True

    def _check(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            raise ValueError(f"{type(self).__name__} {self.name!r} is called on [query, value] or "
                             f"[query, value, key], got {inputs!r:.100}")

    def _scores(self, query, key):
        if self.score_mode == "dot":
            scores = math_ops.matmul(query, key, transpose_b=True)
            return scores * self.scale if self.scale is not None else scores
        total = array_ops.expand_dims(query, -2) + array_ops.expand_dims(key, -3)
        if self.scale is not None:
            total = self.scale * total
        return self.concat_score_weight * reduction_ops.reduce_sum(math_ops.tanh(total), axis=-1)

    def __call__(self, inputs, *args, **kwargs):
        self._symbolic_scores = bool(kwargs.get("return_attention_scores", False))
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        self._check(inputs)
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._scores(q, k)
        keep = None if v_mask is None else array_ops.expand_dims(_bool_tensor(v_mask), -2)
        if use_causal_mask or self._causal_default:
            causal = _causal(scores.shape[-2], scores.shape[-1])
            keep = causal if keep is None else keep * causal
        weights = masked_softmax(scores, keep)
        result = math_ops.matmul(_dropout(weights, self.dropout, self.seed, training), v)
        if q_mask is not None:
            result = result * array_ops.expand_dims(array_ops.cast(_to_tensor(q_mask), result.dtype), -1)
        return [result, weights] if return_attention_scores else result

    def compute_output_shape(self, input_shape):
        q, v = input_shape[0], input_shape[1]
        out = tuple(q[:-1]) + (v[-1],)
        if self._symbolic_scores:
            return [out, (q[0], q[1], v[1])]
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return mask[0]

    def get_config(self):
        config = {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                  "dropout": self.dropout}
        if self.seed is not None:
            config["seed"] = self.seed  # Keras 3's; Keras 2 has none
        return config


class MultiHeadAttention(Layer):
    """Keras's MultiHeadAttention over the sequence axis (``attention_axes=None``): query, key and
    value projected to ``num_heads`` heads of ``key_dim`` (``value_dim``) features, scaled
    dot-product attention per head, heads projected back to the query's features (or
    ``output_shape``). Called as ``mha(query, value[, key], attention_mask=..., ...)``."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, seed=None, flash_attention=None,
                 softmax_robust_masking=False, use_gate=False, sliding_window=None, **kwargs):
        kwargs.pop("query_shape", None), kwargs.pop("key_shape", None), kwargs.pop("value_shape", None)
        super().__init__(**kwargs)
        if attention_axes is not None and tuple(np.atleast_1d(attention_axes)) not in ((1,), (-2,)):
            raise NotImplementedError("MultiHeadAttention: attention over axes other than the sequence "
                                      f"axis (attention_axes={attention_axes}) is not supported")
        if activity_regularizer is not None or use_gate or sliding_window is not None:
            raise NotImplementedError("MultiHeadAttention: activity_regularizer, use_gate and sliding_window "
                                      "(Keras 3.1x) are not supported")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim is not None else self.key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), bool(use_bias), seed
        self.softmax_robust_masking = bool(softmax_robust_masking)
        self._output_shape = output_shape
        self.attention_axes = attention_axes
        set_kernel_bias_options(self, kernel_initializer, bias_initializer, kernel_regularizer,
                                bias_regularizer, kernel_constraint, bias_constraint)
        self.supports_masking = True
        self._symbolic_scores = False

    # -- calling: query, value, key travel as one list, so the functional graph sees all three ----
    def __call__(self, query, value=None, key=None, **kwargs):
        self._symbolic_scores = bool(kwargs.get("return_attention_scores", False))
        if isinstance(query, (list, tuple)) and value is None:
            inputs = list(query)
        else:
            inputs = [query, value] + ([key] if key is not None else [])
        return super().__call__(inputs, **kwargs)

    def _dense(self, name, shape, bias_shape):
        kernel = self.add_weight(f"{name}/kernel", shape, self.kernel_initializer, self.kernel_regularizer,
                                 constraint=self.kernel_constraint)
        bias = self.add_weight(f"{name}/bias", bias_shape, self.bias_initializer, self.bias_regularizer,
                               constraint=self.bias_constraint) if self.use_bias else None
        return kernel, bias

    def _out_dim(self, query_shape):
        if self._output_shape is None:
            return (query_shape[-1],)
        return tuple(int(d) for d in np.atleast_1d(self._output_shape))

    def build(self, input_shape):
        q, v = input_shape[0], input_shape[1]
        k = input_shape[2] if len(input_shape) > 2 else v
        if len(q) != 3 or len(v) != 3:
            raise NotImplementedError(f"MultiHeadAttention {self.name!r}: inputs of shape (batch, steps, "
                                      f"features) only, got {q} and {v}")
        h = self.num_heads
        self._q = self._dense("query", (q[-1], h, self.key_dim), (h, self.key_dim))
        self._k = self._dense("key", (k[-1], h, self.key_dim), (h, self.key_dim))
        self._v = self._dense("value", (v[-1], h, self.value_dim), (h, self.value_dim))
        out = self._out_dim(q)
        if len(out) != 1:
            raise NotImplementedError("MultiHeadAttention: output_shape of more than one axis")
        self._o = self._dense("attention_output", (h, self.value_dim, out[0]), out)
        self.built = True

    @staticmethod
    def _project(x, dense):
        """(batch, steps, features) @ (features, heads, dim) -> (batch, heads, steps, dim)."""
        kernel, bias = dense
        f, h, d = tuple(kernel.shape)
        y = math_ops.matmul(x, array_ops.reshape(kernel, (f, h * d)))
        y = array_ops.reshape(y, (-1, x.shape[1], h, d))
        if bias is not None:
            y = y + bias
        return array_ops.transpose(y, [0, 2, 1, 3])

    def _attention_mask(self, q, v, masks, attention_mask, use_causal_mask):
        q_mask, v_mask = masks[0], masks[1]
        k_mask = masks[2] if len(masks) > 2 else None
        keep = None
        if q_mask is not None:
            keep = array_ops.expand_dims(_bool_tensor(q_mask), -1)
        for m in (v_mask, k_mask):
            if m is not None:
                m = array_ops.expand_dims(_bool_tensor(m), -2)
                keep = m if keep is None else keep * m
        if use_causal_mask:
            causal = _causal(q.shape[1], v.shape[1])
            keep = causal if keep is None else keep * causal
        if attention_mask is not None:
            given = _bool_tensor(attention_mask)
            keep = given if keep is None else keep * given
        return keep

    def call(self, inputs, mask=None, attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False, query_mask=None, value_mask=None, key_mask=None):
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        masks = list(mask) if mask is not None else [None] * len(inputs)
        masks += [None] * (3 - len(masks))
        for i, given in enumerate((query_mask, value_mask, key_mask)):
            if given is not None:
                masks[i] = given
        if len(inputs) < 3 and masks[2] is None:
            masks = masks[:2]
        keep = self._attention_mask(q, v, masks, attention_mask, use_causal_mask)
        query = self._project(q, self._q) * (1.0 / math.sqrt(float(self.key_dim)))
        key, value = self._project(k, self._k), self._project(v, self._v)
        scores = math_ops.matmul(query, key, transpose_b=True)  # (batch, heads, Tq, Tk)
        weights = masked_softmax(scores, None if keep is None else array_ops.expand_dims(keep, 1),
                                 robust=self.softmax_robust_masking)
        heads = math_ops.matmul(_dropout(weights, self.dropout, self.seed, training), value)
        heads = array_ops.transpose(heads, [0, 2, 1, 3])  # (batch, Tq, heads, value_dim)
        kernel, bias = self._o
        h, d, out = tuple(kernel.shape)
        y = math_ops.matmul(array_ops.reshape(heads, (-1, q.shape[1], h * d)),
                            array_ops.reshape(kernel, (h * d, out)))
        if bias is not None:
            y = y + bias
        return [y, weights] if return_attention_scores else y

    def compute_output_shape(self, input_shape):
        q, v = input_shape[0], input_shape[1]
        out = tuple(q[:-1]) + self._out_dim(q)
        if self._symbolic_scores:
            return [out, (q[0], self.num_heads, q[1], v[1])]
        return out

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[0]

    def get_config(self):
        extra = {"softmax_robust_masking": True} if self.softmax_robust_masking else {}  # Keras 2 only
        return {**super().get_config(), **extra, "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "attention_axes": self.attention_axes,
                **kernel_bias_config(self)}
