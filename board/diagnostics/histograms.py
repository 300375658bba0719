"""Checks over histograms (``[k, 3]`` arrays of left edge, right edge, count), by what they hold:
weights (collapsing, exploding, still at their initialisation), activations (dead ReLUs,
saturated sigmoid/tanh) and gradients (vanishing, exploding), the tags PyTorch users write with
``add_histogram`` (``grad/fc1.weight``, ``fc1.weight.grad``, ``activations/fc1``).
"""

from __future__ import annotations

import math
import re

import numpy as np

from board.diagnostics.findings import Finding, finding, fmt

# not_learning: the 1-Wasserstein distance between the first and latest weight histograms,
# relative to the first one's spread. Fixture lr_0.1 (learned): 0.65; lr_0.01 (did not): 0.015.
NOT_LEARNING_REL = 0.05
MIN_HISTOGRAMS = 3
# degenerate_weights: the spread and the largest magnitude both shrank below 10% of the start.
COLLAPSE_RATIO = 0.1
# exploding: the spread grew a hundredfold (two orders of magnitude); gradients too.
EXPLODE_RATIO = 100.0
# dead_relu: 90% of a ReLU layer's outputs at 0 (within 5% of its largest value, which with
# TensorFlow's 30 equal buckets is the bucket holding the zeros). Healthy ReLU layers: 40-75%.
DEAD_FRACTION = 0.9
ZERO_BAND = 0.05
# saturated: 70% of a sigmoid/tanh layer's outputs in buckets centred within 0.1 of its bounds.
# Healthy tanh layers: under 30%.
SATURATED_FRACTION = 0.7
SATURATION_BAND = 0.1
# ... or reached an RMS of 1000: no healthy network's gradients are that large.
GRAD_HUGE = 1e3
# vanishing_gradients: one layer's gradients 1000x smaller (RMS) than another's.
VANISH_RATIO = 1e-3

BIAS_TAG = re.compile(r"bias|beta|moving_", re.IGNORECASE)
GRAD_TAG = re.compile(r"grad", re.IGNORECASE)
ACTIVATION_TAG = re.compile(r"activation|relu|tanh|sigmoid|(^|[/_.])acts?($|[/_.])", re.IGNORECASE)
OUTPUT_TAG = re.compile(r"logit|prob|pred|softmax", re.IGNORECASE)


def role(tag: str) -> str:
    """'gradient', 'activation' or 'weight': what a histogram tag holds."""
    if GRAD_TAG.search(tag):
        return "gradient"
    if ACTIVATION_TAG.search(tag):
        return "activation"
    return "weight"


def moments(buckets: np.ndarray) -> tuple[float, float]:
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


def _rms(buckets: np.ndarray) -> float:
    mean, spread = moments(buckets)
    return math.hypot(mean, spread)


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


def _nonfinite_steps(histograms) -> list:
    """Steps whose histogram has a NaN or infinite bucket edge (TensorFlow's of a tensor holding
    NaN: NaN edges, no counts)."""
    return [s for s, b in histograms if b.size and not np.isfinite(b[:, :2]).all()]


def _usable(histograms) -> list:
    return [(s, b) for s, b in histograms
            if b.size and b[:, 2].sum() > 0 and np.isfinite(b[:, :2]).all()]


def check_weights(run: str, tag: str, histograms: list[tuple[int, np.ndarray]]) -> list[Finding]:
    """nonfinite, degenerate_weights, not_learning and exploding for one weight tag, given as
    ``[(step, buckets)]`` in step order."""
    broken = check_nonfinite_weights(run, tag, histograms)
    if broken:
        return broken
    series = _usable(histograms)
    if len(series) < 2:
        return []
    (first_step, first), (last_step, last) = series[0], series[-1]
    _, spread0 = moments(first)
    out = []
    if spread0 > 0:
        peak, peak_step = max((moments(b)[1], s) for s, b in series)
        if peak / spread0 > EXPLODE_RATIO:
            what = (f"{tag} spread grew {peak / spread0:,.0f}x (from {spread0:.3g} to {peak:.3g}) "
                    f"by step {peak_step}")
            out.append(finding(run, tag, "exploding", "error", peak_step, what,
                               "Lower the learning rate about 10x, or clip gradients (clipnorm=1.0)",
                               "learning_rate_too_high",
                               {"spread_start": spread0, "spread_peak": peak, "growth": peak / spread0}))
    if BIAS_TAG.search(tag) or spread0 == 0:
        return out
    _, spread = moments(last)
    magnitude0 = max(abs(first[:, 0].min()), abs(first[:, 1].max()))
    magnitude = max(abs(last[:, 0].min()), abs(last[:, 1].max()))
    evidence = {"spread_start": spread0, "spread_end": spread, "first_step": first_step}
    if spread < COLLAPSE_RATIO * spread0 and magnitude < COLLAPSE_RATIO * magnitude0:
        what = (f"{tag} collapsed towards zero: spread {spread0:.3g} -> {spread:.3g}, largest value "
                f"{magnitude0:.3g} -> {magnitude:.3g}")
        out.append(finding(run, tag, "degenerate_weights", "warning", last_step, what,
                           "Weaken the weight decay / L2 penalty, or lower the learning rate",
                           "weights_collapsing", {**evidence, "max_start": magnitude0, "max_end": magnitude}))
    elif len(series) >= MIN_HISTOGRAMS and last_step > first_step:
        moved = wasserstein(first, last) / spread0
        if moved < NOT_LEARNING_REL:
            what = (f"{tag} at step {last_step} still looks like its initialisation at step "
                    f"{first_step} (moved {moved:.1%} of its spread): this layer is not learning")
            out.append(finding(run, tag, "not_learning", "warning", last_step, what,
                               "Check that the layer is trainable (layer.trainable, requires_grad) "
                               "and that its gradient reaches it", "layer_not_learning",
                               {**evidence, "moved": moved}))
    return out


def _mass(buckets: np.ndarray, lo: float, hi: float) -> float:
    """Fraction of the counts in the buckets centred in [lo, hi]."""
    centers = (buckets[:, 0] + buckets[:, 1]) / 2
    inside = (centers >= lo) & (centers <= hi)
    return float(buckets[inside, 2].sum() / buckets[:, 2].sum())


def activation_state(buckets: np.ndarray, tag: str) -> tuple[str, float] | None:
    """('dead', fraction at 0) for a ReLU layer, ('saturated', fraction at the bounds) for a
    sigmoid/tanh one, or None when the histogram shows neither."""
    lo, hi = float(buckets[:, 0].min()), float(buckets[:, 1].max())
    name = tag.lower()
    total = buckets[:, 2].sum()
    eps = 1e-3
    if lo >= -eps and hi <= 1 + eps and "relu" not in name:  # sigmoid-shaped
        low, high = _mass(buckets, lo - 1, SATURATION_BAND), _mass(buckets, 1 - SATURATION_BAND, 2)
        if low + high >= SATURATED_FRACTION and min(low, high) >= 0.1:
            return "saturated", low + high
    if lo >= -1 - eps and hi <= 1 + eps and lo < -eps and "relu" not in name:  # tanh-shaped
        ends = _mass(buckets, lo - 1, -1 + SATURATION_BAND) + _mass(buckets, 1 - SATURATION_BAND, 2)
        if ends >= SATURATED_FRACTION:
            return "saturated", ends
    if lo >= -eps and "sigmoid" not in name and "tanh" not in name:  # ReLU-shaped
        band = max(ZERO_BAND * hi, 1e-6)
        zero = float(buckets[buckets[:, 1] <= band, 2].sum() / total) if hi > 0 else 1.0
        if zero >= DEAD_FRACTION:
            return "dead", zero
    return None


def check_nonfinite_weights(run: str, tag: str, histograms: list[tuple[int, np.ndarray]]) -> list[Finding]:
    """A weight whose histogram lost its range: TensorFlow's histogram of a tensor holding NaN
    has NaN bucket edges and no counts. The loss may stay finite meanwhile: inside a
    ``tf.function`` TensorFlow fuses MatMul, BiasAdd and Relu into one oneDNN kernel that maps NaN
    to 0 (eager Relu keeps NaN), so a Keras model whose kernel turned NaN predicts a constant, at
    chance, and these histograms are the only trace of the NaN."""
    bad = _nonfinite_steps(histograms)
    if not bad:
        return []
    finite_before = [s for s, b in _usable(histograms) if s < bad[0]]
    when = (f"from its first logged step {bad[0]}" if not finite_before else
            f"at step {bad[0]}, after {len(finite_before)} finite histogram(s)")
    what = (f"{tag} holds NaN or infinite values {when} ({len(bad)} of {len(histograms)} "
            "histograms without a finite range): the layer's output no longer depends on its input")
    return [finding(run, tag, "nonfinite", "error", bad[0], what,
                    "Check the data first (np.isnan(x).any(), np.isinf(x).any()), then the loss inputs "
                    "and the learning rate", "nonfinite_values",
                    {"first_bad_step": bad[0], "nonfinite_histograms": len(bad),
                     "histograms": len(histograms)})]


def check_activations(run: str, tag: str, histograms, output_layer: str | None = None) -> list[Finding]:
    """dead_relu or saturated, from a layer's latest activation histograms."""
    series = _usable(histograms)
    if not series or OUTPUT_TAG.search(tag) or (output_layer and tag.split("/")[0] == output_layer):
        return []
    step, last = series[-1]
    state = activation_state(last, tag)
    if state is None:
        return []
    kind, fraction = state
    since = step
    for s, b in reversed(series):
        if (activation_state(b, tag) or ("", 0))[0] != kind:
            break
        since = s
    evidence = {"fraction": fraction, "since_step": since, "step": step}
    if kind == "dead":
        what = (f"{tag}: {fraction:.0%} of the outputs are 0 at step {step} (since step {since}): "
                "the ReLU units are dead and pass no gradient")
        return [finding(run, tag, "dead_relu", "error", step, what,
                        "Lower the learning rate, start the biases at 0 or slightly above (not "
                        "negative), or use LeakyReLU", "dead_relu", evidence)]
    what = (f"{tag}: {fraction:.0%} of the outputs sit at the activation's bounds at step {step} "
            f"(since step {since}): the units are saturated and their gradient is ~0")
    return [finding(run, tag, "saturated", "warning", step, what,
                    "Scale the inputs, use a smaller weight initialisation (glorot) or add "
                    "normalisation before the activation", "saturated_activations", evidence)]


def check_gradients(run: str, series_by_tag: dict) -> list[Finding]:
    """exploding_gradients (a layer's gradient RMS grew 100x, or turned non-finite) and
    vanishing_gradients (one layer's RMS 1000x below another's at the latest step)."""
    out, latest = [], {}
    for tag, histograms in sorted(series_by_tag.items()):
        bad = _nonfinite_steps(histograms)
        series = _usable(histograms)
        rms = [(_rms(b), s) for s, b in series]
        if series:
            latest[tag] = (rms[-1][0], series[-1][0])
        start = rms[0][0] if rms else 0.0
        peak, peak_step = max(rms) if rms else (0.0, None)
        if bad or (start > 0 and peak / start > EXPLODE_RATIO) or peak >= GRAD_HUGE:
            step = bad[0] if bad else peak_step
            growth = math.inf if bad else peak / start if start > 0 else math.inf
            what = (f"{tag} became non-finite at step {step}" if bad else
                    f"{tag} reached an RMS of {peak:.3g} at step {step} (from {start:.3g}, {growth:,.0f}x)")
            out.append(finding(run, tag, "exploding_gradients", "error", step,
                               what + ": the gradients explode",
                               "Clip the gradients (torch.nn.utils.clip_grad_norm_(params, 1.0) or "
                               "clipnorm=1.0) and lower the learning rate", "exploding_gradients",
                               {"rms_start": start, "rms_peak": peak, "growth": growth}))
    weights = {t: v for t, v in latest.items() if not BIAS_TAG.search(t) and v[0] > 0}
    if len(weights) >= 2 and not out:
        small_tag, (small, step) = min(weights.items(), key=lambda kv: kv[1][0])
        big_tag, (big, _) = max(weights.items(), key=lambda kv: kv[1][0])
        if small / big < VANISH_RATIO:
            what = (f"{small_tag} has gradients {big / small:,.0f}x smaller than {big_tag} (RMS "
                    f"{small:.3g} vs {fmt(big)}) at step {step}: the gradients vanish on the way back")
            out.append(finding(run, small_tag, "vanishing_gradients", "error", step, what,
                               "Use ReLU instead of sigmoid/tanh in deep stacks, He/glorot "
                               "initialisation, normalisation or residual connections",
                               "vanishing_gradients", {"rms_small": small, "rms_large": big,
                                                       "ratio": small / big}))
    return out
