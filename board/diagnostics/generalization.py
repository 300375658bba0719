"""Training against validation curves: overfitting (with the epoch it starts and the best epoch
to restore) and labels that carry no signal (training accuracy rises, validation stays at
chance). The pairs come from Keras's ``X/train`` and ``X/validation`` runs, or from one run's
``loss/train`` and ``loss/val`` tags (PyTorch's habit)."""

from __future__ import annotations

import re

import numpy as np

from board.diagnostics.curves import (
    CHANCE_ACC_ABS,
    CHANCE_ACC_REL,
    LOSS_TAG,
    MIN_WINDOW,
    accuracy_pairs,
    chance_classes,
)
from board.diagnostics.findings import Finding, finding, fmt

# overfitting: validation loss 10% above its best, for most of at least 3 evaluations after the
# best (one bad epoch is noise: a healthy digits MLP has one 17% blip), while training loss
# kept falling.
OVERFIT_RISE = 0.1
OVERFIT_PATIENCE = 3
# label_noise: validation accuracy at chance while training accuracy reached twice chance.
MEMORISED = 2.0

VALIDATION_RUN = re.compile(r"(^|/)(validation|val|eval)$")
TRAIN_RUN = re.compile(r"(^|/)train$")
_TRAIN_TOKEN = re.compile(r"(^|[/_ .])(train|training)([/_ .]|$)", re.IGNORECASE)
VAL_NAMES = ("val", "validation", "valid", "test", "eval")


def is_validation_run(run: str) -> bool:
    return bool(VALIDATION_RUN.search(run))


def check_overfitting(train_run: str, val_run: str, tag: str, train, val,
                      val_tag: str | None = None) -> list[Finding]:
    """Validation loss rising from its best while training loss keeps falling."""
    vs, vv = np.asarray(val[0]), np.asarray(val[1], np.float64)
    ts, tv = np.asarray(train[0]), np.asarray(train[1], np.float64)
    if vv.size < MIN_WINDOW + 1 or tv.size < 2 or not np.isfinite(vv).all():
        return []
    best = int(np.argmin(vv))
    best_val, last_val = float(vv[best]), float(vv[-1])
    after = vv[best + 1:]
    limit = best_val * (1 + OVERFIT_RISE)
    if after.size < OVERFIT_PATIENCE or last_val <= limit or np.median(after) <= limit:
        return []
    at_best = np.searchsorted(ts, vs[best], side="right") - 1
    if at_best < 0 or not tv[-1] < tv[at_best]:
        return []
    best_step = int(vs[best])
    onset = int(vs[best + 1 + int(np.argmax(after > limit))])
    evidence = {"best_step": best_step, "onset_step": onset, "best_val_loss": best_val,
                "last_val_loss": last_val, "train_loss_at_best": float(tv[at_best]),
                "train_loss_end": float(tv[-1])}
    vtag = val_tag or tag
    what = (f"validation {vtag} was best at step {best_step} ({fmt(best_val)}), is {OVERFIT_RISE:.0%} "
            f"above it from step {onset} and ends at {fmt(last_val)}, while training {tag} kept "
            f"falling ({fmt(tv[at_best])} -> {fmt(tv[-1])}): the model is overfitting from step {onset}")
    advice = (f"Restore the weights of step {best_step} (EarlyStopping(restore_best_weights=True)), "
              "then add data, augmentation or regularisation (dropout, weight decay)")
    return [finding(val_run, vtag, "overfitting", "warning", best_step, what, advice, "overfitting",
                    evidence)]


def check_label_noise(val_run: str, val_tag: str, val_loss, train_acc, val_acc, classes) -> list[Finding]:
    """Training accuracy well above chance while validation accuracy sits at chance."""
    ta = np.asarray(train_acc[1], np.float64)
    va = np.asarray(val_acc[1], np.float64)
    ta, va = ta[np.isfinite(ta)], va[np.isfinite(va)]
    k = chance_classes(va, classes)
    if k is None or ta.size < MIN_WINDOW or va.size < MIN_WINDOW:
        return []
    chance = 1.0 / k
    w = max(MIN_WINDOW, va.size // 10)
    val_end, train_end = float(np.median(va[-w:])), float(np.median(ta[-w:]))
    if val_end > CHANCE_ACC_REL * chance + CHANCE_ACC_ABS or train_end < MEMORISED * chance:
        return []
    step = int(np.asarray(val_loss[0])[-1]) if len(val_loss[0]) else None
    what = (f"training accuracy reached {train_end:.3f} while validation accuracy stays at "
            f"{val_end:.3f} (chance 1/{k} = {chance:.3f}): the model memorises the training "
            "labels and nothing of it generalises")
    advice = ("Check the labels: noisy or shuffled labels, or training and validation labels "
              "encoded differently, give exactly this")
    return [finding(val_run, val_tag, "stuck_at_chance", "error", step, what, advice, "label_noise",
                    {"train_accuracy": train_end, "val_accuracy": val_end, "chance_accuracy": chance,
                     "classes": k})]


def _accuracy_for(loss_tag: str, scalars: dict) -> str | None:
    return dict(accuracy_pairs([loss_tag, *scalars])).get(loss_tag)


def _check_pair(train_run, val_run, train_scalars, val_scalars, train_tag, val_tag, classes):
    out = check_overfitting(train_run, val_run, train_tag, train_scalars[train_tag],
                            val_scalars[val_tag], val_tag)
    t_acc, v_acc = _accuracy_for(train_tag, train_scalars), _accuracy_for(val_tag, val_scalars)
    if t_acc and v_acc:
        out += check_label_noise(val_run, val_tag, val_scalars[val_tag], train_scalars[t_acc],
                                 val_scalars[v_acc], classes)
    return out


def same_run_pairs(tags) -> list[tuple[str, str]]:
    """(training loss tag, validation loss tag) within one run: ``loss/train`` & ``loss/val``,
    ``train_loss`` & ``val_loss``, ``loss`` & ``val_loss``."""
    tags = set(tags)
    out = []
    for tag in sorted(t for t in tags if LOSS_TAG.search(t)):
        match = _TRAIN_TOKEN.search(tag)
        candidates = []
        if match:
            a, b = match.span(2)
            candidates = [tag[:a] + v + tag[b:] for v in VAL_NAMES]
        elif tag.lower() == "loss":
            candidates = ["val_loss"]
        for c in candidates:
            if c in tags:
                out.append((tag, c))
                break
    return out


def diagnose_within(run: str, scalars: dict, classes) -> list[Finding]:
    return [f for t, v in same_run_pairs(scalars)
            for f in _check_pair(run, run, scalars, scalars, t, v, classes)]


def diagnose_across(summaries: dict) -> list[Finding]:
    """Across Keras's run pairs ``X/train`` and ``X/validation`` (or ``val``, ``eval``).
    ``summaries``: run -> {"scalars": {tag: (steps, values)} of loss/accuracy tags, "classes": k}."""
    out = []
    for run, summary in summaries.items():
        match = TRAIN_RUN.search(run)
        if not match:
            continue
        base = run[: match.end() - len("train")]
        for val_name in ("validation", "val", "eval"):
            val_run = base + val_name
            if val_run not in summaries:
                continue
            train_scalars, val_scalars = summary["scalars"], summaries[val_run]["scalars"]
            classes = summary.get("classes") or summaries[val_run].get("classes")
            for tag in sorted(set(train_scalars) & set(val_scalars)):
                if LOSS_TAG.search(tag):
                    out += _check_pair(run, val_run, train_scalars, val_scalars, tag, tag, classes)
    return out
