"""Training-health checks: the red flags people look for by eye in TensorBoard, found for them.

Each check is a small pure function over what a run logged (scalar series as step/value arrays,
histograms as ``[k, 3]`` bucket arrays) returning ``Finding``s. The thresholds are named below
with the reasoning behind them; they were calibrated on the fixtures in ``tests/fixtures``
(run ``lr_0.1`` healthy, ``lr_0.01`` a layer that did not learn) and on runs of our own engine.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import numpy as np

from board.diagnostics.windows import common_steps, min_window_median

SEVERITIES = ("warning", "error")
KINDS = ("degenerate_weights", "not_learning", "exploding", "nonfinite", "diverging", "flat_loss",
         "oscillating", "not_inverse", "overfitting")

# A curve's level at its start or end is the median of this fraction of its points (at least
# MIN_WINDOW): robust to the noise of per-batch losses.
LEVEL_WINDOW = 0.1
MIN_WINDOW = 3
# Shape checks need enough points to tell a trend from noise.
MIN_POINTS = 10
# diverging: the loss ends 50% above where it started (it got worse, not just noisy) ...
DIVERGE_FACTOR = 1.5
# ... or it gave back more than half of its progress and is twice its best level.
DIVERGE_GIVEBACK = 0.5
# flat_loss: less than 2% relative change from start to end. A run that barely learns (fixture
# lr_0.01: -10%) is not flat; a learning rate of 1e-7 gives ~0%.
FLAT_REL = 0.02
# oscillating: the mean step-to-step jump above half the mean loss level (second half of the
# run), while the loss has not converged. Healthy mini-batch losses jump by about a quarter of
# their level (fixture lr_0.1: 0.21).
OSCILLATION_REL = 0.5
OSCILLATION_UNCONVERGED = 0.5
# not_inverse: loss and accuracy moving together (rank correlation above this) instead of in
# opposite directions. Healthy runs sit near -1.
INVERSE_MAX_CORR = 0.3
# not_learning: the 1-Wasserstein distance between the first and latest weight histograms,
# relative to the first one's spread. Fixture lr_0.1 (learned): 0.65; lr_0.01 (did not): 0.015.
NOT_LEARNING_REL = 0.05
MIN_HISTOGRAMS = 3
# degenerate_weights: the spread and the largest magnitude both shrank below 10% of the start.
COLLAPSE_RATIO = 0.1
# exploding: the spread grew a hundredfold (two orders of magnitude).
EXPLODE_RATIO = 100.0
# overfitting: validation loss 10% above its best, for most of at least 3 evaluations after the
# best (one bad epoch is noise: a healthy digits MLP has one 17% blip), while training loss
# kept falling.
OVERFIT_RISE = 0.1
OVERFIT_PATIENCE = 3

LOSS_TAG = re.compile(r"loss", re.IGNORECASE)
ACCURACY_TAG = re.compile(r"acc", re.IGNORECASE)
BIAS_TAG = re.compile(r"bias|beta|moving_", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    run: str
    tag: str
    kind: str
    severity: str  # "warning" or "error"
    step: int | None
    message: str

    def __post_init__(self):
        # The API's contract: a client may switch on kind and severity.
        if self.kind not in KINDS or self.severity not in SEVERITIES:
            raise ValueError(f"finding of unknown kind {self.kind!r} or severity {self.severity!r}")

    def to_dict(self) -> dict:
        return asdict(self)


# --- scalars ---------------------------------------------------------------------------------

def _window(n: int) -> int:
    return max(MIN_WINDOW, int(math.ceil(n * LEVEL_WINDOW)))


def _levels(values: np.ndarray) -> tuple[float, float, float]:
    """(start level, end level, best level) of a finite series."""
    w = _window(values.size)
    start, end = float(np.median(values[:w])), float(np.median(values[-w:]))
    # Best level: the lowest windowed median, so one lucky batch does not count as progress.
    if values.size >= 2 * w:
        best = min_window_median(values, w)  # O(n log n); every window's median by copy was n²
    else:
        best = min(start, end)
    return start, end, best


def check_nonfinite(run: str, tag: str, steps, values) -> list[Finding]:
    bad = np.flatnonzero(~np.isfinite(np.asarray(values, dtype=np.float64)))
    if bad.size == 0:
        return []
    step = int(steps[bad[0]])
    kind = "NaN" if math.isnan(values[bad[0]]) else "infinite"
    return [Finding(run, tag, "nonfinite", "error", step,
                    f"{tag} became {kind} at step {step} ({bad.size} non-finite point(s) in all)")]


def check_loss_curve(run: str, tag: str, steps, values) -> list[Finding]:
    """diverging, flat_loss and oscillating, for a loss curve."""
    values = np.asarray(values, dtype=np.float64)
    steps = np.asarray(steps)
    finite = np.isfinite(values)
    values, steps = values[finite], steps[finite]
    if values.size < MIN_POINTS:
        return []
    start, end, best = _levels(values)
    last_step = int(steps[-1])
    out = []
    scale = max(abs(start), 1e-12)
    # A loss that blows up within the first few logged points hides in the start window's
    # median: the very first point (the loss at initialisation) counts as the start too.
    initial = min(start, float(values[0]))
    gave_back = end - best > DIVERGE_GIVEBACK * (start - best) and end > 2 * best > 0
    if end > DIVERGE_FACTOR * initial and end > 0 or gave_back:
        out.append(Finding(run, tag, "diverging", "error", last_step,
                           f"{tag} rose from {initial:.4g} (best {best:.4g}) to {end:.4g}: "
                           "the learning rate may be too high"))
    elif abs(start - end) / scale < FLAT_REL:
        out.append(Finding(run, tag, "flat_loss", "warning", last_step,
                           f"{tag} stayed at {start:.4g} from step {int(steps[0])} to {last_step} "
                           f"(under {FLAT_REL:.0%} change): is the learning rate too low?"))
    half = values[values.size // 2:]
    jumps = float(np.mean(np.abs(np.diff(half)))) if half.size > 1 else 0.0
    level = float(np.mean(np.abs(half)))
    if level > 0 and jumps / level > OSCILLATION_REL and end > OSCILLATION_UNCONVERGED * start:
        out.append(Finding(run, tag, "oscillating", "warning", last_step,
                           f"{tag} jumps by {jumps / level:.0%} of its level from step to step "
                           "without settling: the learning rate may be too high"))
    return out


def _rank(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(x.size)
    return ranks


def check_inverse(run: str, loss_tag: str, loss, acc_tag: str, acc) -> list[Finding]:
    """Loss and accuracy should move in opposite directions (the seed's 'good sign')."""
    (ls, lv), (as_, av) = loss, acc
    common, li, ai = common_steps(np.asarray(ls), np.asarray(as_))
    lv, av = np.asarray(lv, np.float64)[li], np.asarray(av, np.float64)[ai]
    ok = np.isfinite(lv) & np.isfinite(av)
    lv, av = lv[ok], av[ok]
    if lv.size < MIN_POINTS or np.ptp(lv) == 0 or np.ptp(av) == 0:
        return []
    corr = float(np.corrcoef(_rank(lv), _rank(av))[0, 1])
    if corr <= INVERSE_MAX_CORR:
        return []
    return [Finding(run, acc_tag, "not_inverse", "warning", int(common[-1]),
                    f"{loss_tag} and {acc_tag} move together (rank correlation {corr:+.2f}); "
                    "they should have inverse shapes")]


# --- histograms ------------------------------------------------------------------------------

def _moments(buckets: np.ndarray) -> tuple[float, float]:
    centers = (buckets[:, 0] + buckets[:, 1]) / 2
    counts = buckets[:, 2]
    total = counts.sum()
    if total <= 0:
        return 0.0, 0.0
    mean = float(np.dot(centers, counts) / total)
    var = float(np.dot((centers - mean) ** 2, counts) / total)
    # A bucket's own width counts too: one wide bucket is a spread, not a point.
    var += float(np.dot((buckets[:, 1] - buckets[:, 0]) ** 2, counts) / (12 * total))
    return mean, math.sqrt(max(var, 0.0))


def _cdf_on(buckets: np.ndarray, grid: np.ndarray) -> np.ndarray:
    counts = buckets[:, 2]
    edges = np.concatenate([buckets[:1, 0], buckets[:, 1]])
    cum = np.concatenate([[0.0], np.cumsum(counts)]) / counts.sum()
    return np.interp(grid, edges, cum, left=0.0, right=1.0)


def wasserstein(a: np.ndarray, b: np.ndarray, points: int = 1025) -> float:
    """1-Wasserstein distance between two ``[k, 3]`` histograms (counts spread evenly inside
    each bucket): the area between their CDFs."""
    lo = min(a[:, 0].min(), b[:, 0].min())
    hi = max(a[:, 1].max(), b[:, 1].max())
    if hi <= lo:
        return 0.0
    grid = np.linspace(lo, hi, points)
    return float(np.trapezoid(np.abs(_cdf_on(a, grid) - _cdf_on(b, grid)), grid))


def check_weights(run: str, tag: str, histograms: list[tuple[int, np.ndarray]]) -> list[Finding]:
    """degenerate_weights, not_learning and exploding for one histogram tag, given as
    ``[(step, buckets)]`` in step order."""
    series = [(s, b) for s, b in histograms if b.size and b[:, 2].sum() > 0]
    if len(series) < 2:
        return []
    (first_step, first), (last_step, last) = series[0], series[-1]
    _, spread0 = _moments(first)
    spreads = [(_moments(b)[1], s) for s, b in series]
    out = []
    if spread0 > 0:
        peak, peak_step = max(spreads)
        if peak / spread0 > EXPLODE_RATIO:
            out.append(Finding(run, tag, "exploding", "error", int(peak_step),
                               f"{tag} spread grew {peak / spread0:,.0f}x (from {spread0:.3g} "
                               f"to {peak:.3g}) by step {peak_step}"))
    is_weight = not BIAS_TAG.search(tag)
    if not is_weight or spread0 == 0:
        return out
    _, spread = _moments(last)
    magnitude0 = max(abs(first[:, 0].min()), abs(first[:, 1].max()))
    magnitude = max(abs(last[:, 0].min()), abs(last[:, 1].max()))
    if spread < COLLAPSE_RATIO * spread0 and magnitude < COLLAPSE_RATIO * magnitude0:
        out.append(Finding(run, tag, "degenerate_weights", "warning", int(last_step),
                           f"{tag} collapsed towards zero: spread {spread0:.3g} -> {spread:.3g}, "
                           f"largest value {magnitude0:.3g} -> {magnitude:.3g}"))
    elif len(series) >= MIN_HISTOGRAMS and last_step > first_step:
        moved = wasserstein(first, last) / spread0
        if moved < NOT_LEARNING_REL:
            out.append(Finding(run, tag, "not_learning", "warning", int(last_step),
                               f"{tag} at step {last_step} still looks like its initialisation at "
                               f"step {first_step} (moved {moved:.1%} of its spread): this layer "
                               "is not learning"))
    return out


# --- whole runs ------------------------------------------------------------------------------

def pairs(tags: list[str]) -> list[tuple[str, str]]:
    """(loss tag, accuracy tag) pairs sharing a prefix: train/loss & train/accuracy,
    epoch_loss & epoch_accuracy."""
    out = []
    for loss in (t for t in tags if LOSS_TAG.search(t)):
        prefix = LOSS_TAG.split(loss)[0]
        for acc in tags:
            if acc != loss and ACCURACY_TAG.search(acc) and ACCURACY_TAG.split(acc)[0] == prefix:
                out.append((loss, acc))
    return out


def check_scalar(run: str, tag: str, steps, values) -> list[Finding]:
    """The checks on one scalar curve alone (``diagnose_run`` runs them on every tag)."""
    out = check_nonfinite(run, tag, steps, values)
    if LOSS_TAG.search(tag) and not _is_validation(run):
        out += check_loss_curve(run, tag, steps, values)
    return out


def diagnose_run(run: str, scalars: dict, histograms: dict) -> list[Finding]:
    """Every check on one run. ``scalars``: tag -> (steps, values); ``histograms``:
    tag -> [(step, buckets)]."""
    out = []
    for tag, (steps, values) in scalars.items():
        out += check_scalar(run, tag, steps, values)
    for loss, acc in pairs(list(scalars)):
        out += check_inverse(run, loss, scalars[loss], acc, scalars[acc])
    for tag, series in histograms.items():
        out += check_weights(run, tag, series)
    return out


_VALIDATION = re.compile(r"(^|/)(validation|val|eval)$")
_TRAIN = re.compile(r"(^|/)train$")


def _is_validation(run: str) -> bool:
    return bool(_VALIDATION.search(run))


def check_overfitting(train_run: str, val_run: str, tag: str, train, val) -> list[Finding]:
    """Validation loss rising from its best while training loss keeps falling (Keras writes
    ``<logdir>/train`` and ``<logdir>/validation`` runs, both with ``epoch_loss``)."""
    vs, vv = np.asarray(val[0]), np.asarray(val[1], np.float64)
    ts, tv = np.asarray(train[0]), np.asarray(train[1], np.float64)
    if vv.size < MIN_WINDOW + 1 or tv.size < 2 or not np.isfinite(vv).all():
        return []
    best = int(np.argmin(vv))
    best_val, last_val = float(vv[best]), float(vv[-1])
    after = vv[best + 1:]
    if (after.size < OVERFIT_PATIENCE or last_val <= best_val * (1 + OVERFIT_RISE)
            or np.median(after) <= best_val * (1 + OVERFIT_RISE)):
        return []
    at_best = np.searchsorted(ts, vs[best], side="right") - 1
    if at_best < 0 or not tv[-1] < tv[at_best]:
        return []
    return [Finding(val_run, tag, "overfitting", "warning", int(vs[best]),
                    f"validation {tag} rose from {best_val:.4g} at step {int(vs[best])} to "
                    f"{last_val:.4g} while training {tag} kept falling ({tv[at_best]:.4g} -> "
                    f"{tv[-1]:.4g}): the model is overfitting")]


def diagnose_overfitting(loss_scalars: dict) -> list[Finding]:
    """Overfitting across Keras's run pairs ``X/train`` and ``X/validation`` (or ``val``,
    ``eval``). ``loss_scalars``: run -> {loss tag: (steps, values)}."""
    out = []
    for run in loss_scalars:
        match = _TRAIN.search(run)
        if not match:
            continue
        base = run[: match.end() - len("train")]
        for val_name in ("validation", "val", "eval"):
            val_run = base + val_name
            if val_run not in loss_scalars:
                continue
            train_scalars, val_scalars = loss_scalars[run], loss_scalars[val_run]
            for tag in sorted(set(train_scalars) & set(val_scalars)):
                if LOSS_TAG.search(tag):
                    out += check_overfitting(run, val_run, tag, train_scalars[tag], val_scalars[tag])
    return out


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by run, tag and kind."""
    severity = {"error": 0, "warning": 1}
    return sorted(findings, key=lambda f: (severity[f.severity], f.run, f.tag, f.kind))


def diagnose(runs: dict) -> list[Finding]:
    """All findings for ``runs``: run -> (scalars, histograms) as ``diagnose_run`` takes them."""
    out = []
    for run, (scalars, histograms) in runs.items():
        out += diagnose_run(run, scalars, histograms)
    out += diagnose_overfitting({run: loss_tags(scalars) for run, (scalars, _) in runs.items()})
    return ordered(out)


def loss_tags(scalars: dict) -> dict:
    """The loss curves among a run's scalars: what the cross-run checks need."""
    return {tag: series for tag, series in scalars.items() if LOSS_TAG.search(tag)}
