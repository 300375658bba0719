"""Projections of an embedding's points for the projector page: PCA (with the share of variance
each component explains), a custom projection onto the directions between two groups of points,
and the nearest neighbours of one point by cosine and by euclidean distance."""

from __future__ import annotations

import numpy as np

PCA_SAMPLE = 20_000  # rows the components are fitted on at most (every row is projected)
PCA_FLOPS = 4e9  # the fit's budget: an SVD of r rows and d columns costs about r * d * min(r, d)


def fit_rows(n: int, d: int) -> int:
    """How many rows the axes are fitted on: all when cheap, else as many as the budget allows."""
    rows = min(n, PCA_SAMPLE)
    while rows > 200 and rows * d * min(rows, d) > PCA_FLOPS:
        rows = int(rows * 0.8)
    return rows


def _top_axes(centred: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The top ``k`` right singular vectors of ``centred`` and their squared singular values,
    from the eigenvectors of the smaller of its two Gram matrices (a matrix product and a small
    ``eigh``: several times faster than LAPACK's SVD of a wide matrix)."""
    rows, d = centred.shape
    if d <= rows:
        values, vectors = np.linalg.eigh(centred.T @ centred)
        order = np.argsort(values)[::-1][:k]
        return vectors[:, order].T, np.maximum(values[order], 0)
    values, vectors = np.linalg.eigh(centred @ centred.T)
    order = np.argsort(values)[::-1][:k]
    values = np.maximum(values[order], 0)
    axes = (vectors[:, order].T @ centred) / np.sqrt(np.where(values > 0, values, 1))[:, None]
    return axes, values


def pca(x: np.ndarray, components: int = 3, seed: int = 0) -> dict:
    """Points on the top ``components`` principal axes of the centred data, their signs fixed so
    each axis's largest loading is positive, and each axis's share of the total variance (of
    the rows fitted on: a seeded sample when the data is too big for an exact SVD)."""
    x = np.asarray(x, dtype=np.float32)
    n, d = x.shape
    k = max(1, min(components, n, d))
    rows = fit_rows(n, d)
    fit = x if rows == n else x[np.sort(np.random.default_rng(seed).choice(n, rows, replace=False))]
    fit = fit.astype(np.float64)
    mean = fit.mean(axis=0)
    axes, top = _top_axes(fit - mean, k)
    flip = np.sign(axes[np.arange(k), np.abs(axes).argmax(axis=1)])
    axes = axes * np.where(flip == 0, 1, flip)[:, None]
    total = float(((fit - mean) ** 2).sum())
    explained = (top / total).tolist() if total > 0 else [0.0] * k
    coords = ((x - mean.astype(np.float32)) @ axes.T.astype(np.float32)).astype(np.float64)
    if k < components:  # fewer points or dimensions than axes asked for: the rest are 0
        coords = np.hstack([coords, np.zeros((n, components - k))])
        explained += [0.0] * (components - k)
    return {"coords": coords, "variance_explained": explained, "fitted_on": len(fit)}


def custom(x: np.ndarray, groups: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    """TensorBoard's custom projection: axis i is the direction from the mean of the points of
    ``groups[i][0]`` (a boolean mask) to the mean of ``groups[i][1]``; points are projected on it."""
    x = np.asarray(x, dtype=np.float64)
    coords = []
    for i, (left, right) in enumerate(groups):
        if not left.any() or not right.any():
            side = "first" if not left.any() else "second"
            raise ValueError(f"axis {i + 1}: the {side} query matches no point")
        direction = x[right].mean(axis=0) - x[left].mean(axis=0)
        norm = np.linalg.norm(direction)
        if norm == 0:
            raise ValueError(f"axis {i + 1}: both queries have the same mean")
        coords.append(x @ (direction / norm))
    return {"coords": np.stack(coords, axis=1)}


def neighbors(x: np.ndarray, index: int, k: int = 10) -> dict:
    """The ``k`` nearest points to point ``index`` (itself left out) by each distance:
    ``{"cosine": [(i, 1 - cos)], "euclidean": [(i, ||x_i - x_index||)]}``, nearest first."""
    x = np.asarray(x, dtype=np.float64)
    k = max(0, min(k, len(x) - 1))
    point = x[index]
    euclid = np.sqrt(((x - point) ** 2).sum(axis=1))
    norms = np.linalg.norm(x, axis=1) * np.linalg.norm(point)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = 1.0 - (x @ point) / norms
    cosine = np.where(norms > 0, cosine, 1.0)
    out = {}
    for name, dist in (("cosine", cosine), ("euclidean", euclid)):
        dist = dist.copy()
        dist[index] = np.inf
        order = np.lexsort((np.arange(len(x)), dist))[:k]  # ties by index: a stable answer
        out[name] = [(int(i), float(dist[i])) for i in order]
    return out
