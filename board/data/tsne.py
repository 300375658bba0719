"""Exact t-SNE in numpy (van der Maaten & Hinton 2008, with the gains and momentum of the
reference implementation): O(N²) memory and time per iteration, so it is bounded to
``MAX_TSNE_POINTS`` points; seeded, so the same settings give the same picture."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from board.data.projections import pca

MAX_TSNE_POINTS = 3000
MAX_TSNE_ITERATIONS = 5000
PCA_DIMS = 50  # inputs of more dimensions are first reduced to this many by PCA
EXAGGERATION = 12.0
EXAGGERATION_ITERATIONS = 250


def _squared_distances(x: np.ndarray) -> np.ndarray:
    sq = (x * x).sum(axis=1)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.maximum(d, 0, out=d)
    np.fill_diagonal(d, 0)
    return d


def joint_probabilities(x: np.ndarray, perplexity: float, steps: int = 50) -> np.ndarray:
    """Symmetric P. Each point's conditional distribution is over its ``3 * perplexity`` nearest
    neighbours (as in van der Maaten's Barnes-Hut t-SNE: the others' weights are ~0), its
    Gaussian bandwidth found by bisection, all rows at once, so that its entropy is
    log(perplexity)."""
    n = len(x)
    k = min(n - 1, int(3 * perplexity) + 1)
    d_all = _squared_distances(x)
    np.fill_diagonal(d_all, np.inf)
    nearest = np.argpartition(d_all, k - 1, axis=1)[:, :k]
    d = np.take_along_axis(d_all, nearest, axis=1).astype(np.float64)
    del d_all
    d -= d.min(axis=1, keepdims=True)
    d /= max(float(np.median(d[d > 0])) if (d > 0).any() else 1.0, 1e-12)  # scale-free bisection
    target = np.log(perplexity)
    lo, hi = np.zeros(n), np.full(n, np.inf)
    beta = np.ones(n)
    for _ in range(steps):
        p = np.exp(-d * beta[:, None])
        p /= p.sum(axis=1, keepdims=True)
        entropy = -(p * np.log(np.maximum(p, 1e-300))).sum(axis=1)
        too_wide = entropy > target  # entropy too high: narrow the kernel (raise beta)
        lo = np.where(too_wide, beta, lo)
        hi = np.where(too_wide, hi, beta)
        beta = np.where(np.isinf(hi), beta * 2, (lo + hi) / 2)
    full = np.zeros((n, n), dtype=np.float32)
    np.put_along_axis(full, nearest, p.astype(np.float32), axis=1)
    full = (full + full.T) / (2 * n)
    return np.maximum(full, 1e-12)


def reduce(x: np.ndarray, dims: int = PCA_DIMS) -> np.ndarray:
    """The points on their top ``dims`` principal axes (t-SNE's usual first step)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[1] <= dims:
        return x - x.mean(axis=0)
    return pca(x, dims)["coords"]


def tsne(x: np.ndarray, dims: int = 2, perplexity: float = 30.0, learning_rate: float = 200.0,
         iterations: int = 1000, seed: int = 0,
         progress: Callable[[int, np.ndarray], bool] | None = None, every: int = 25) -> np.ndarray:
    """The points embedded in ``dims`` (2 or 3) dimensions. ``progress(iteration, y)`` is called
    every ``every`` iterations with a copy of the current layout; returning False stops early
    (the layout so far is returned)."""
    n = len(x)
    if n < 2:
        return np.zeros((n, dims), dtype=np.float32)
    if n > MAX_TSNE_POINTS:
        raise ValueError(f"t-SNE on {n:,} points: at most {MAX_TSNE_POINTS:,} (exact t-SNE is O(N²))")
    perplexity = min(perplexity, max((n - 1) / 3.0, 1.0))
    p = joint_probabilities(reduce(x).astype(np.float32), perplexity)
    rng = np.random.default_rng(seed)
    y = rng.normal(0, 1e-4, (n, dims)).astype(np.float32)
    update = np.zeros_like(y)
    gains = np.ones_like(y)
    # Exaggerated attraction forms the clusters; a short run keeps 2/3 of its steps to relax them.
    exaggerated = min(EXAGGERATION_ITERATIONS, iterations // 3)
    for it in range(iterations):
        early = it < exaggerated
        num = 1.0 / (1.0 + _squared_distances(y))
        np.fill_diagonal(num, 0)
        q = np.maximum(num / num.sum(), 1e-12)
        pq = ((EXAGGERATION if early else 1.0) * p - q) * num
        grad = 4.0 * (pq.sum(axis=1, keepdims=True) * y - pq @ y)
        same = (grad > 0) == (update > 0)
        gains = np.maximum(np.where(same, gains * 0.8, gains + 0.2), 0.01)
        update = (0.5 if early else 0.8) * update - learning_rate * gains * grad
        y = y + update
        y -= y.mean(axis=0)
        if progress is not None and ((it + 1) % every == 0 or it + 1 == iterations):
            if progress(it + 1, y.copy()) is False:
                break
    return y
