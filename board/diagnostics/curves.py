"""Checks over scalar curves: a loss that diverges, blows up, stays flat or oscillates; NaN and
infinities; loss and accuracy at chance level; a learning-rate schedule that decays to nothing.

Scale matters: a cross-entropy over k classes starts near ln k (uniform predictions) and a model
predicting at chance sits there, so the chance level (``Context.classes``, from the logged Keras
config or the accuracy's floor) tells a collapsed run from one that is merely slow.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from board.diagnostics.findings import Finding, finding, fmt
from board.diagnostics.windows import min_window_median

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
# A flat loss this many times its chance level (ln k) is a blow-up, not a slow start; one below
# CONVERGED_CHANCE times it has learned (flat because converged).
BLOWUP_CHANCE = 3.0
CONVERGED_CHANCE = 0.5
# oscillating: the mean step-to-step jump above half the mean loss level (second half of the
# run), while the loss has not converged. Healthy mini-batch losses jump by about a quarter of
# their level (fixture lr_0.1: 0.21).
OSCILLATION_REL = 0.5
OSCILLATION_UNCONVERGED = 0.5
# not_inverse: loss and accuracy moving together (rank correlation above this) instead of in
# opposite directions. Healthy runs sit near -1.
INVERSE_MAX_CORR = 0.3
# stuck_at_chance: the loss at or above 90% of ln k (a prior-matching model scores the prior's
# entropy, just under ln k on balanced data) and accuracy within 30% (+2 points) of 1/k. A loss
# that peaked above 1.5 ln k on the way got there by blowing up.
CHANCE_LOSS = 0.9
CHANCE_ACC_REL, CHANCE_ACC_ABS = 1.3, 0.02
BLOWN_CHANCE = 1.5
# Inferring k from an accuracy that never left its floor: within 25% of 1/round(1/acc), and
# never more than 0.15 above it over the run.
FLOOR_REL, FLOOR_RANGE = 0.25, 0.15
# lr_decayed: the learning rate fell below 1/1000 of its peak with at least a quarter of the run
# still to go, and the loss moved less than 2% from then on.
LR_DEAD = 1e-3
LR_DEAD_BEFORE = 0.75

LOSS_TAG = re.compile(r"loss", re.IGNORECASE)
ACCURACY_TAG = re.compile(r"acc(uracy)?", re.IGNORECASE)
LR_TAG = re.compile(r"(^|[/_ .])(learning_rate|lr)([/_ .]|$)", re.IGNORECASE)
VAL_TOKEN = re.compile(r"(^|[/_ .])(val|validation|valid|test|eval)([/_ .]|$)", re.IGNORECASE)


@dataclass
class Context:
    """What the run-level checks know about a run beyond one curve."""

    classes: int | None = None       # k, from the model config
    learning_rate: float | None = None  # the last logged learning rate
    initial_loss: float | None = None   # the first logged loss of any training loss tag
    peak_loss: float | None = None      # the highest finite training loss logged
    validation: bool = False            # a validation run (Keras's X/validation)


def _window(n: int) -> int:
    return max(MIN_WINDOW, int(math.ceil(n * LEVEL_WINDOW)))


def levels(values: np.ndarray) -> tuple[float, float, float]:
    """(start level, end level, best level) of a finite series."""
    w = _window(values.size)
    start, end = float(np.median(values[:w])), float(np.median(values[-w:]))
    # Best level: the lowest windowed median, so one lucky batch does not count as progress
    # (board.diagnostics.windows finds it exactly in O(n log n) time and O(n) memory).
    if values.size >= 2 * w:
        best = min(min_window_median(values, w), start, end)
    else:
        best = min(start, end)
    return start, end, best


def finite(steps, values) -> tuple[np.ndarray, np.ndarray]:
    values = np.asarray(values, dtype=np.float64)
    steps = np.asarray(steps)
    ok = np.isfinite(values)
    return steps[ok], values[ok]


def lower_advice(ctx: Context) -> str:
    if ctx.learning_rate:
        return (f"Lower the learning rate about 10x (from {fmt(ctx.learning_rate)} to "
                f"{fmt(ctx.learning_rate / 10)}), or clip gradients (clipnorm=1.0)")
    return "Lower the learning rate about 10x, or clip gradients (clipnorm=1.0)"


def raise_advice(ctx: Context) -> str:
    if ctx.learning_rate:
        return (f"Raise the learning rate about 10x (from {fmt(ctx.learning_rate)} to "
                f"{fmt(ctx.learning_rate * 10)}), and check that the layers are trainable")
    return "Raise the learning rate about 10x, and check that the layers are trainable"


def check_nonfinite(run: str, tag: str, steps, values) -> list[Finding]:
    values = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size == 0:
        return []
    step = int(steps[bad[0]])
    kind = "NaN" if math.isnan(values[bad[0]]) else "infinite"
    before = values[: bad[0]]
    evidence = {"first_bad_step": step, "nonfinite_points": bad.size, "points": values.size}
    if before.size == 0:
        what = (f"{tag} is {kind} from its first logged step {step} ({bad.size} of {values.size} "
                "points non-finite): the inputs, labels or initial weights hold NaN or infinities")
        advice = "Check the data first (np.isnan(x).any(), np.isinf(x).any()), then the loss inputs"
        cause = "nonfinite_values"
    else:
        evidence["last_finite"] = float(before[-1])
        evidence["first_finite"] = float(before[0])
        what = (f"{tag} became {kind} at step {step} after {before.size} finite point(s) "
                f"(last finite value {fmt(before[-1])}; {bad.size} non-finite point(s) in all)")
        rose = before[-1] > DIVERGE_FACTOR * before[0]
        cause = "learning_rate_too_high" if rose else "nonfinite_values"
        advice = (lower_advice(Context()) if rose else
                  "Look for a log of zero or a division by zero in the loss, and NaN in the batch "
                  "at that step")
    return [finding(run, tag, "nonfinite", "error", step, what, advice, cause, evidence)]


def check_loss_curve(run: str, tag: str, steps, values, ctx: Context | None = None) -> list[Finding]:
    """diverging (a rise, or a blow-up that stays flat), flat_loss and oscillating."""
    ctx = ctx or Context()
    steps, values = finite(steps, values)
    if values.size < MIN_POINTS:
        return []
    start, end, best = levels(values)
    first = float(values[0])
    # A loss that blows up within the first few logged points hides in the start window's
    # median: the very first point (the loss at initialisation) counts as the start too.
    initial = min(start, first)
    best = min(best, initial)
    last_step = int(steps[-1])
    chance = math.log(ctx.classes) if ctx.classes and ctx.classes > 1 else None
    reference = initial if ctx.initial_loss is None else min(initial, ctx.initial_loss)
    evidence = {"start": initial, "best": best, "end": end}
    if chance is not None:
        evidence["chance_loss"] = chance
    out = []
    gave_back = end - best > DIVERGE_GIVEBACK * (start - best) and end > 2 * best > 0
    flat = abs(start - end) / max(abs(start), 1e-12) < FLAT_REL
    blown = end > DIVERGE_FACTOR * reference > 0 or (chance is not None and end > BLOWUP_CHANCE * chance)
    if (end > DIVERGE_FACTOR * initial and end > 0) or gave_back or (flat and blown):
        best_text = f" (best {fmt(best)})" if best < 0.95 * initial else ""
        if flat:
            where = (f" ({fmt(end / chance)}x the chance level ln {ctx.classes} = {fmt(chance)})"
                     if chance else "")
            what = f"{tag} blew up to {fmt(end)}{where} and stayed there, from {fmt(reference)} at the start"
            evidence["start"] = reference
        else:
            what = f"{tag} rose from {fmt(initial)}{best_text} to {fmt(end)}"
        out.append(finding(run, tag, "diverging", "error", last_step, what, lower_advice(ctx),
                           "learning_rate_too_high", evidence))
    elif flat and not (chance is not None and end < CONVERGED_CHANCE * chance):
        what = (f"{tag} stayed at {fmt(start)} from step {int(steps[0])} to {last_step} "
                f"(under {FLAT_REL:.0%} change): the model learned nothing")
        out.append(finding(run, tag, "flat_loss", "warning", last_step, what, raise_advice(ctx),
                           "learning_rate_too_low",
                           {**evidence, "change": abs(start - end) / abs(start or 1)}))
    half = values[values.size // 2:]
    jumps = float(np.mean(np.abs(np.diff(half)))) if half.size > 1 else 0.0
    level = float(np.mean(np.abs(half)))
    if level > 0 and jumps / level > OSCILLATION_REL and end > OSCILLATION_UNCONVERGED * start:
        what = (f"{tag} jumps by {jumps / level:.0%} of its level from step to step without "
                "settling")
        out.append(finding(run, tag, "oscillating", "warning", last_step, what,
                           "Lower the learning rate or raise the batch size", "learning_rate_too_high",
                           {**evidence, "jump_ratio": jumps / level}))
    return out


def accuracy_pairs(tags) -> list[tuple[str, str]]:
    """(loss tag, accuracy tag) pairs: the same name with ``loss`` for ``acc``/``accuracy``
    (``epoch_loss`` & ``epoch_accuracy``, ``Loss/train`` & ``Accuracy/train``), a longer metric
    name allowed before it (``batch_loss`` & ``batch_sparse_categorical_accuracy``)."""
    out = []
    accs = [(t, ACCURACY_TAG.search(t)) for t in tags if not LOSS_TAG.search(t)]
    for loss in tags:
        m = LOSS_TAG.search(loss)
        if not m:
            continue
        prefix, suffix = loss[: m.start()], loss[m.end():]
        found = [a for a, am in accs if am and a[am.end():] == suffix and a[: am.start()] == prefix]
        found = found or [a for a, am in accs if am and a[am.end():] == suffix
                          and a[: am.start()].startswith(prefix) and "top" not in a.lower()]
        if found:
            out.append((loss, found[0]))
    return out


def _rank(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(x.size)
    return ranks


def check_inverse(run: str, loss_tag: str, loss, acc_tag: str, acc) -> list[Finding]:
    """Loss and accuracy should move in opposite directions (the seed's 'good sign')."""
    (ls, lv), (as_, av) = loss, acc
    common, li, ai = np.intersect1d(np.asarray(ls), np.asarray(as_), return_indices=True)
    lv, av = np.asarray(lv, np.float64)[li], np.asarray(av, np.float64)[ai]
    ok = np.isfinite(lv) & np.isfinite(av)
    lv, av = lv[ok], av[ok]
    if lv.size < MIN_POINTS or np.ptp(lv) == 0 or np.ptp(av) == 0:
        return []
    corr = float(np.corrcoef(_rank(lv), _rank(av))[0, 1])
    if corr <= INVERSE_MAX_CORR:
        return []
    what = (f"{loss_tag} and {acc_tag} move together (rank correlation {corr:+.2f}); they should "
            "have inverse shapes")
    return [finding(run, acc_tag, "not_inverse", "warning", int(common[-1]), what,
                    "Check that the metric and the loss are computed on the same outputs and labels",
                    "loss_accuracy_mismatch", {"rank_correlation": corr})]


def chance_classes(acc_values, classes: int | None, initial_loss: float | None = None,
                   loss_level: float | None = None) -> int | None:
    """k: the config's, else the one an accuracy stuck at its floor implies (None if neither),
    refined by the first training loss (ln k for an untrained classifier) when the two agree;
    without that, the loss must sit near ln k for the floor to count."""
    if classes and classes > 1:
        return classes
    a = np.asarray(acc_values, np.float64)
    a = a[np.isfinite(a)]
    if a.size < MIN_WINDOW:
        return None
    level = float(np.median(a[-_window(a.size):]))
    if not 0 < level <= 0.6 or a.max() - a.min() > FLOOR_RANGE:
        return None
    k = int(round(1 / level))
    if k < 2 or abs(level * k - 1) > FLOOR_REL:
        return None
    if initial_loss is not None and 0 < initial_loss < 20:
        from_loss = int(round(math.exp(initial_loss)))
        if (1 - FLOOR_REL) / level <= from_loss <= (1 + FLOOR_REL) / level:
            return from_loss
    chance = math.log(k)
    if loss_level is not None and not (1 - FLOOR_REL) * chance <= loss_level <= (1 + FLOOR_REL) * chance:
        return None
    return k


def check_chance(run: str, loss_tag: str, loss, acc_tag: str, acc, ctx: Context) -> list[Finding]:
    """stuck_at_chance: loss at or above ln k with accuracy near 1/k, whatever the slope."""
    _, lv = finite(*loss)
    _, av = finite(*acc)
    if lv.size < MIN_WINDOW or av.size < MIN_WINDOW:
        return []
    _, loss_end, _ = levels(lv)
    k = chance_classes(av, ctx.classes, ctx.initial_loss, loss_end)
    if k is None:
        return []
    chance_loss, chance_acc = math.log(k), 1.0 / k
    acc_end = float(np.median(av[-_window(av.size):]))
    if loss_end < CHANCE_LOSS * chance_loss or acc_end > CHANCE_ACC_REL * chance_acc + CHANCE_ACC_ABS:
        return []
    # A blow-up shows in the training loss; a validation loss rises when a model memorises.
    validation = ctx.validation or bool(VAL_TOKEN.search(loss_tag))
    own_peak = float(lv[0]) if validation else float(lv.max())
    peak = max(own_peak, ctx.peak_loss or -math.inf)
    first = float(lv[0]) if ctx.initial_loss is None or validation else ctx.initial_loss
    evidence = {"loss": loss_end, "chance_loss": chance_loss, "accuracy": acc_end,
                "chance_accuracy": chance_acc, "classes": k, "loss_start": first, "loss_peak": peak}
    said = (f"{loss_tag} ends at {fmt(loss_end)} (chance level ln {k} = {fmt(chance_loss)}) and "
            f"{acc_tag} at {acc_end:.3f} (chance 1/{k} = {chance_acc:.3f}): the model predicts at chance")
    if peak > BLOWN_CHANCE * chance_loss:
        what, cause, advice = (f"{said}; the loss blew up to {fmt(peak)} on the way, and the "
                               "network collapsed", "learning_rate_too_high", lower_advice(ctx))
    elif abs(first - loss_end) / first < FLAT_REL:
        what, cause, advice = (f"{said}; the loss never moved from {fmt(first)}",
                               "learning_rate_too_low", raise_advice(ctx))
    else:
        what, cause, advice = (f"{said}; nothing it learned predicts the labels", "no_signal",
                               "Check that the labels match the inputs (order, encoding) and that "
                               "the inputs are scaled (e.g. to [0, 1])")
    step = int(np.asarray(loss[0])[-1])
    return [finding(run, loss_tag, "stuck_at_chance", "error", step, what, advice, cause, evidence)]


def check_lr_schedule(run: str, tag: str, lr, loss=None) -> list[Finding]:
    """lr_decayed: a schedule that reaches ~0 with much of the run left, the loss stalling."""
    steps, values = finite(*lr)
    if values.size < MIN_POINTS // 2 or values.max() <= 0:
        return []
    peak_at = int(np.argmax(values))
    peak = float(values[peak_at])
    dead = np.flatnonzero((values <= LR_DEAD * peak) & (np.arange(values.size) > peak_at))
    if dead.size == 0 or dead[0] >= values.size - 2:
        return []
    dead_step, first, last = int(steps[dead[0]]), int(steps[0]), int(steps[-1])
    fraction = (dead_step - first) / max(last - first, 1)
    if fraction > LR_DEAD_BEFORE:
        return []
    evidence = {"lr_peak": peak, "lr_end": float(values[-1]), "dead_step": dead_step,
                "run_fraction": fraction}
    if loss is not None:
        ls, lv = finite(*loss)
        after = lv[ls >= dead_step]
        if after.size >= 2:
            at_dead, _, _ = levels(after) if after.size >= MIN_WINDOW else (after[0], 0, 0)
            end = float(np.median(after[-_window(after.size):]))
            change = abs(end - at_dead) / max(abs(at_dead), 1e-12)
            if change > FLAT_REL:
                return []
            evidence.update(loss_at_dead=at_dead, loss_end=end, loss_change=change)
    what = (f"{tag} decayed from {fmt(peak)} to {fmt(values[-1])} by step {dead_step}, "
            f"{fraction:.0%} of the way into the run; training did nothing after that")
    advice = ("Decay more slowly (larger decay_steps, a smaller decay rate) or set a floor "
              "(alpha=0.01 in CosineDecay, min_lr in ReduceLROnPlateau)")
    return [finding(run, tag, "lr_decayed", "warning", dead_step, what, advice,
                    "lr_schedule_decayed", evidence)]
