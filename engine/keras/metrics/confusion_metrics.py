"""Metrics from confusion-matrix counts at thresholds: ``Precision``, ``Recall`` and ``AUC``
(ROC or PR curve, Riemann sums as Keras computes them, with its interpolated PR area). A
prediction is positive when it is strictly above a threshold; a label when it is non-zero."""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.metrics.base_metric import Metric, broadcast_weights, to_np

_NEG_INF = -1e10


def _div(a, b):
    """``divide_no_nan``: 0 where the denominator is 0."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _filter_top_k(y_pred, k):
    """Only each row's ``k`` highest scores stay; the others become -1e10, as Keras does."""
    order = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, order, True, axis=-1)
    return np.where(keep, y_pred, _NEG_INF)


def with_mask(sample_weight, mask, y_pred):
    """The padding mask of a sequence output folded into the sample weights."""
    if mask is None:
        return sample_weight
    m = np.asarray(to_np(mask), np.float64)
    while m.ndim < np.ndim(y_pred):
        m = m[..., None]
    m = np.broadcast_to(m, np.shape(y_pred))
    return m if sample_weight is None else m * broadcast_weights(sample_weight, m)


def _counts(y_true, y_pred, thresholds, sample_weight, multi_label=False, label_weights=None):
    """True/false positives/negatives at each threshold: arrays of shape (thresholds,) or, with
    ``multi_label``, (thresholds, labels)."""
    y_pred = np.asarray(y_pred, np.float64)
    y_true = np.asarray(y_true, np.float64)
    if y_true.shape != y_pred.shape and y_true.size == y_pred.size:
        y_true = y_true.reshape(y_pred.shape)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape for this metric; got {y_true.shape} "
                         f"and {y_pred.shape} (one-hot labels for a softmax output)")
    w = np.ones_like(y_pred) if sample_weight is None else broadcast_weights(sample_weight, y_pred)
    if label_weights is not None and not multi_label:
        w = w * np.asarray(label_weights, np.float64)
    if multi_label:
        y_pred, y_true, w = (a.reshape(-1, a.shape[-1]) for a in (y_pred, y_true, w))
    else:
        y_pred, y_true, w = (a.reshape(-1, 1) for a in (y_pred, y_true, w))
    positive = (y_true != 0)[None]
    predicted = y_pred[None] > np.asarray(thresholds, np.float64).reshape(-1, 1, 1)
    w = w[None]
    tp = (w * (positive & predicted)).sum(axis=1)
    fp = (w * (~positive & predicted)).sum(axis=1)
    fn = (w * (positive & ~predicted)).sum(axis=1)
    tn = (w * (~positive & ~predicted)).sum(axis=1)
    if not multi_label:
        tp, fp, fn, tn = (a[:, 0] for a in (tp, fp, fn, tn))
    return tp, fp, fn, tn


class _ThresholdMetric(Metric, register=False):
    """Precision and Recall: counts at ``thresholds`` (0.5 by default; none with ``top_k``),
    optionally for one ``class_id`` or among each row's ``top_k`` scores."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        default = _NEG_INF if top_k is not None else 0.5
        t = default if thresholds is None else thresholds
        self._single = np.ndim(t) == 0
        self.thresholds = np.atleast_1d(np.asarray(t, np.float64))
        super().__init__(name, dtype)

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives, self.false_positives, self.false_negatives = (np.zeros(n) for _ in range(3))

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        y_true, y_pred = np.asarray(to_np(y_true), np.float64), np.asarray(to_np(y_pred), np.float64)
        sample_weight = with_mask(sample_weight, mask, y_pred)
        if y_true.shape != y_pred.shape and y_true.size == y_pred.size:
            y_true = y_true.reshape(y_pred.shape)
        if self.top_k is not None:
            y_pred = _filter_top_k(y_pred, self.top_k)
        if self.class_id is not None:
            y_true, y_pred = y_true[..., self.class_id], y_pred[..., self.class_id]
            if sample_weight is not None:
                sw = np.asarray(to_np(sample_weight), np.float64)
                if sw.ndim and sw.shape[-1] == np.shape(to_np(y_pred))[-1] and sw.ndim == y_true.ndim + 1:
                    sample_weight = sw[..., self.class_id]
        tp, fp, fn, _ = _counts(y_true, y_pred, self.thresholds, sample_weight)
        self.true_positives += tp
        self.false_positives += fp
        self.false_negatives += fn

    def _value(self):  # pragma: no cover - interface
        raise NotImplementedError

    def result(self):
        value = self._value()
        return float(value[0]) if self._single else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_ThresholdMetric):
    """``tp / (tp + fp)``."""

    def _value(self):
        return _div(self.true_positives, self.true_positives + self.false_positives)


class Recall(_ThresholdMetric):
    """``tp / (tp + fn)``."""

    def _value(self):
        return _div(self.true_positives, self.true_positives + self.false_negatives)


class AUC(Metric):
    """The area under the ROC or PR curve from counts at ``num_thresholds`` thresholds spread
    evenly over [0, 1] (plus one just below 0 and one just above 1), as Keras builds them."""

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        curve, summation_method = str(curve).upper(), str(summation_method).lower()
        if curve not in ("ROC", "PR"):
            raise ValueError(f'curve must be "ROC" or "PR", got {curve!r}')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"summation_method must be interpolation, minoring or majoring, got "
                             f"{summation_method!r}")
        eps = backend.epsilon()
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = False
        else:
            if num_thresholds <= 1:
                raise ValueError(f"num_thresholds must be > 1, got {num_thresholds!r}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        self.curve, self.summation_method = curve, summation_method
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, bool(from_logits)
        self.label_weights = None if label_weights is None else np.asarray(label_weights, np.float64)
        self._init_thresholds = thresholds
        super().__init__(name, dtype)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = self.true_negatives = None

    def update_state(self, y_true, y_pred, sample_weight=None, mask=None):
        y_pred = np.asarray(to_np(y_pred), np.float64)
        sample_weight = with_mask(sample_weight, mask, y_pred)
        if self.from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        counts = _counts(to_np(y_true), y_pred, self._thresholds, sample_weight, self.multi_label,
                         self.label_weights)
        if self.true_positives is None:
            self.true_positives, self.false_positives, self.false_negatives, self.true_negatives = counts
        else:
            self.true_positives = self.true_positives + counts[0]
            self.false_positives = self.false_positives + counts[1]
            self.false_negatives = self.false_negatives + counts[2]
            self.true_negatives = self.true_negatives + counts[3]

    def _by_label(self, areas):
        if not self.multi_label:
            return float(np.sum(areas))
        by_label = np.sum(areas, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(_div(np.sum(by_label * self.label_weights), np.sum(self.label_weights)))

    def _interpolated_pr(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _div(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _div(p[:-1], np.maximum(p[1:], 0)), 1.0)
        with np.errstate(divide="ignore"):
            log_ratio = np.log(np.where(ratio > 0, ratio, 1.0))
        return self._by_label(_div(slope * (dtp + intercept * log_ratio), np.maximum(tp[1:] + fn[1:], 0)))

    def result(self):
        if self.true_positives is None:
            return 0.0
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr()
        tp, fp, fn, tn = self.true_positives, self.false_positives, self.false_negatives, self.true_negatives
        recall = _div(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _div(fp, fp + tn), recall
        else:
            x, y = recall, _div(tp, tp + fp)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._by_label((x[:-1] - x[1:]) * heights)

    def get_config(self):
        config = {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                  "summation_method": self.summation_method, "multi_label": self.multi_label,
                  "num_labels": self.num_labels,
                  "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                  "from_logits": self.from_logits}
        if not self._evenly:
            config["thresholds"] = list(self._thresholds[1:-1])
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("thresholds") is not None:
            config.pop("num_thresholds", None)
        return cls(**config)
