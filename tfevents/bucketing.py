"""Histogram math shared by the writer and the reader.

Two forms exist on disk: TensorFlow 1's HistogramProto with its
exponential bucket limits, and TensorFlow 2's ``[k, 3]`` tensor of (left, right, count) rows.
"""

from __future__ import annotations

import numpy as np

DBL_MAX = float(np.finfo(np.float64).max)


def _default_bucket_limits() -> np.ndarray:
    """TensorFlow's ``InitDefaultBucketsInner``: +-1e-12 * 1.1**k up to 1e20, 0, +-DBL_MAX."""
    positive = []
    v = 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(DBL_MAX)
    negative = [-x for x in reversed(positive)]
    return np.array(negative + [0.0] + positive, dtype=np.float64)


DEFAULT_BUCKET_LIMITS = _default_bucket_limits()  # 1551 limits, each a bucket's right edge
DEFAULT_V2_BUCKET_COUNT = 30


def finite_values(values) -> tuple[np.ndarray, int]:
    """``values`` flattened to float64 without NaN and infinities, and how many were dropped."""
    array = np.asarray(values, dtype=np.float64).reshape(-1)
    finite = np.isfinite(array)
    if finite.all():
        return array, 0
    return array[finite], int(array.size - finite.sum())


def _summary_fields(values: np.ndarray) -> dict:
    """The HistogramProto fields besides the buckets."""
    return dict(min=float(values.min()), max=float(values.max()), num=float(values.size),
                sum=float(values.sum()), sum_squares=float(np.dot(values, values)))


def v1_histogram(values, bucket_limits=None) -> dict:
    """The fields of a HistogramProto for ``values`` (finite float64, flat).

    With no ``bucket_limits`` this is TensorFlow's default exponential bucketing; a value goes
    in the first bucket whose limit is greater than it. Runs of empty buckets are merged into
    one that keeps the run's last limit, as ``Histogram::EncodeToProto`` does.
    """
    limits = DEFAULT_BUCKET_LIMITS if bucket_limits is None else np.asarray(bucket_limits, np.float64)
    if values.size == 0:
        return dict(min=0.0, max=0.0, num=0.0, sum=0.0, sum_squares=0.0,
                    bucket_limit=[DBL_MAX], bucket=[0.0])
    index = np.minimum(np.searchsorted(limits, values, side="right"), limits.size - 1)
    counts = np.bincount(index, minlength=limits.size).astype(np.float64)
    nonempty = counts > 0
    # Keep every non-empty bucket, and of each run of empty ones only its last.
    keep = nonempty | np.append(nonempty[1:], True)
    return dict(_summary_fields(values), bucket_limit=limits[keep].tolist(), bucket=counts[keep].tolist())


def explicit_bins_histogram(values, bins) -> dict:
    """HistogramProto fields for ``values`` binned by numpy (``bins`` as ``np.histogram`` takes
    it). The first bucket holds nothing and ends at the lowest edge, so every stored bucket's
    left edge is known to a v1 reader."""
    if values.size == 0:
        return v1_histogram(values)
    counts, edges = np.histogram(values, bins=bins)
    return dict(_summary_fields(values), bucket_limit=edges.tolist(),
                bucket=[0.0] + counts.astype(np.float64).tolist())


def v2_buckets(values, bucket_count: int = DEFAULT_V2_BUCKET_COUNT) -> np.ndarray:
    """TensorFlow 2's ``[k, 3]`` histogram tensor: equal-width buckets from min to max, the
    last one closed; constant data puts every count in the last bucket."""
    if values.size == 0:
        return np.zeros((bucket_count, 3), dtype=np.float64)
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        edges = np.full(bucket_count + 1, lo)
        counts = np.zeros(bucket_count)
        counts[-1] = values.size
    else:
        edges = np.linspace(lo, hi, bucket_count + 1)
        width = (hi - lo) / bucket_count
        index = np.clip(np.floor((values - lo) / width).astype(np.int64), 0, bucket_count - 1)
        counts = np.bincount(index, minlength=bucket_count).astype(np.float64)
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def v1_to_buckets(bucket_limit, bucket, lo: float, hi: float) -> np.ndarray:
    """A v1 HistogramProto as ``[k, 3]`` rows, the way TensorBoard migrates it
    (``data_compat._migrate_histogram_value``): empty buckets at both ends dropped, the outer
    edges replaced by the histogram's min and max."""
    limits = np.asarray(bucket_limit, dtype=np.float64)
    counts = np.asarray(bucket, dtype=np.float64)
    n = min(limits.size, counts.size)
    limits, counts = limits[:n], counts[:n]
    nonzero = np.flatnonzero(counts)
    if nonzero.size == 0:
        return np.zeros((0, 3), dtype=np.float64)
    start, end = int(nonzero[0]), int(nonzero[-1])
    left = np.concatenate([[lo], limits[start:end]])
    right = np.concatenate([limits[start:end], [hi]])
    return np.stack([left, right, counts[start : end + 1]], axis=1)
