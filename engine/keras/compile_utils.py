"""What ``compile`` makes of its ``loss`` and ``metrics``, as the objects a custom ``train_step``
reaches for: ``model.compiled_loss`` (Keras 2's ``LossesContainer``: call it with targets and
predictions for the total loss, which it also records in the ``loss`` tracker) and
``model.compiled_metrics`` (Keras 2's ``MetricsContainer``, Keras 3's ``CompileMetrics``:
``update_state``, ``result`` as a dict, ``reset_state``). Both read the model's resolved
compile arguments (``TrainingMixin._resolve_compile``)."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor
from engine.keras import backend


def flat_outputs(model, y_pred) -> list:
    """The model's predictions as one tensor per output, in output order."""
    if isinstance(y_pred, dict):
        return [y_pred[n] for n in model._output_names()]
    if isinstance(y_pred, (list, tuple)):
        return list(y_pred)
    return [y_pred]


def output_masks(outs) -> list | None:
    """The Keras masks the model attached to its outputs (Keras's ``_keras_mask``), or None."""
    masks = [backend.mask_of(o) for o in outs]
    return masks if any(m is not None for m in masks) else None


def target_list(model, y) -> list:
    if isinstance(y, Tensor):
        y = y.numpy()
    if isinstance(y, (list, tuple)) and len(model._output_names()) > 1:
        y = [t.numpy() if isinstance(t, Tensor) else t for t in y]
    return model._y_list(y)


def sample_weight_array(sample_weight):
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Tensor):
        return sample_weight.numpy()
    return np.asarray(sample_weight)


def batch_size_of(model, x, outs) -> int:
    for t in ([] if x is None else _flat(x)) + list(outs):
        shape = np.shape(t.numpy() if isinstance(t, Tensor) else t)
        if shape:
            return int(shape[0])
    return 1


def _flat(x):
    if isinstance(x, dict):
        return list(x.values())
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


class LossesContainer:
    """``model.compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``: the
    compiled losses' weighted sum plus the given regularization losses; the value goes into the
    ``loss`` tracker (and each output's ``<name>_loss`` one) weighted by the batch size."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self._model
        model._resolve_compile()
        outs = flat_outputs(model, y_pred)
        total, per_output = model._compute_loss(target_list(model, y_true), outs,
                                                sample_weight_array(sample_weight), output_masks(outs),
                                                regularization=list(regularization_losses or []))
        model._update_loss_trackers(total, per_output, batch_size_of(model, None, outs))
        model._pending_loss = None
        return total

    @property
    def metrics(self):
        self._model._resolve_compile()
        return list(self._model._loss_trackers)

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()


class MetricsContainer:
    """``model.compiled_metrics``: the metrics given to ``compile``, updated together."""

    name = "compile_metrics"

    def __init__(self, model):
        self._model = model

    @property
    def metrics(self):
        self._model._resolve_compile()
        model = self._model
        return [m for objs, weighted in zip(model._metric_objs, model._weighted_metric_objs, strict=True)
                for m in objs + weighted]

    def update_state(self, y_true, y_pred, sample_weight=None):
        model = self._model
        model._resolve_compile()
        outs = flat_outputs(model, y_pred)
        model._update_compiled_metrics(target_list(model, y_true), outs, sample_weight_array(sample_weight),
                                       output_masks(outs))

    def result(self) -> dict:
        return {m.name: m.result() for m in self.metrics}

    def reset_state(self):
        for m in self.metrics:
            m.reset_state()

    reset_states = reset_state
