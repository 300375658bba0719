"""Training-health checks: the red flags people look for by eye in TensorBoard, found for them,
and told as one diagnosis per run and tag (cause, evidence, next step).

The checks are small pure functions over what a run logged (scalar series as step/value arrays,
histograms as ``[k, 3]`` bucket arrays, the Keras model config) in ``curves``, ``histograms``
and ``generalization``; this module runs them on a run and reconciles what they say: a red flag
explained by a deeper one takes its cause (a flat loss in a run whose ReLUs are dead is the dead
ReLUs), and findings saying the same thing on several tags merge into one. The thresholds were
calibrated on the fixtures in ``tests/fixtures`` and on the labelled corpus that
``tests/diagnostics/corpus`` trains with real Keras 3, tf_keras, PyTorch and our engine.
"""

from __future__ import annotations

import numpy as np

from board.diagnostics.curves import (
    ACCURACY_TAG,
    LOSS_TAG,
    LR_TAG,
    VAL_TOKEN,
    Context,
    accuracy_pairs,
    check_chance,
    check_inverse,
    check_loss_curve,
    check_lr_schedule,
    check_nonfinite,
)
from board.diagnostics.findings import CAUSES, KINDS, SEVERITIES, Finding, merged
from board.diagnostics.generalization import (
    TRAIN_RUN,
    VALIDATION_RUN,
    check_overfitting,
    diagnose_across,
    diagnose_within,
    is_validation_run,
)
from board.diagnostics.histograms import check_activations, check_gradients, check_weights, role, wasserstein

__all__ = ["CAUSES", "KINDS", "SEVERITIES", "Finding", "check_inverse", "check_loss_curve",
           "check_nonfinite", "check_overfitting", "check_weights", "diagnose", "diagnose_run",
           "diagnose_overfitting", "combine", "summary", "ordered", "loss_tags", "wasserstein",
           "output_classes", "primary", "training_run"]

# Which finding tells a run's story first: the most specific evidence wins.
RANK = {kind: i for i, kind in enumerate((
    "nonfinite", "exploding_gradients", "stuck_at_chance", "dead_relu", "vanishing_gradients",
    "diverging", "saturated", "exploding", "lr_decayed", "overfitting", "flat_loss",
    "not_learning", "degenerate_weights", "oscillating", "not_inverse"))}
# Mechanisms seen in histograms, which explain what the loss shows.
MECHANISMS = ("exploding_gradients", "dead_relu", "vanishing_gradients", "saturated")
# Loss-level causes a mechanism replaces (a blow-up stays the cause of dead or saturated units).
EXPLAINED = ("no_signal", "learning_rate_too_low", "layer_not_learning", "unstable_loss",
             "loss_accuracy_mismatch")
SYMPTOMS = ("oscillating", "not_inverse")


def output_classes(config) -> tuple[int | None, str | None]:
    """(k, output layer name) from a Keras model config (``model.to_json()`` parsed): the units
    of the last layer, 2 for a single sigmoid unit; (None, None) when it does not say."""
    try:
        inner = config.get("config", config)
        layers = inner["layers"] if isinstance(inner, dict) else inner
        last = layers[-1]
        cfg = last.get("config", {})
        units = cfg.get("units") or cfg.get("filters")
        name = cfg.get("name") or last.get("name")
    except (AttributeError, KeyError, IndexError, TypeError):
        return None, None
    if not isinstance(units, int) or units < 1:
        return None, name
    return (2 if units == 1 else units), name


def _training_loss(run: str, tag: str) -> bool:
    return bool(LOSS_TAG.search(tag)) and not is_validation_run(run) and not VAL_TOKEN.search(tag)


def _context(run: str, scalars: dict, classes) -> Context:
    ctx = Context(classes=classes, validation=is_validation_run(run))
    for tag, (_, values) in scalars.items():
        values = np.asarray(values, np.float64)
        ok = values[np.isfinite(values)]
        if not ok.size:
            continue
        if LR_TAG.search(tag) and ctx.learning_rate is None:
            ctx.learning_rate = float(ok[-1])
        elif _training_loss(run, tag):
            first = float(values[0]) if np.isfinite(values[0]) else float(ok[0])
            ctx.initial_loss = first if ctx.initial_loss is None else min(ctx.initial_loss, first)
            ctx.peak_loss = max(ctx.peak_loss or -np.inf, float(ok.max()))
    return ctx


def raw_findings(run: str, scalars: dict, histograms: dict, config=None) -> list[Finding]:
    """Every check's findings on one run, before reconciling."""
    classes, output_layer = output_classes(config) if config is not None else (None, None)
    ctx = _context(run, scalars, classes)
    out = []
    for tag, (steps, values) in scalars.items():
        out += check_nonfinite(run, tag, steps, values)
        if _training_loss(run, tag):
            out += check_loss_curve(run, tag, steps, values, ctx)
        if LR_TAG.search(tag):
            loss = next((scalars[t] for t in scalars if _training_loss(run, t)), None)
            out += check_lr_schedule(run, tag, scalars[tag], loss)
    for loss, acc in accuracy_pairs(list(scalars)):
        out += check_inverse(run, loss, scalars[loss], acc, scalars[acc])
        out += check_chance(run, loss, scalars[loss], acc, scalars[acc], ctx)
    out += diagnose_within(run, scalars, classes)
    gradients = {}
    for tag, series in histograms.items():
        kind = role(tag)
        if kind == "gradient":
            gradients[tag] = series
        elif kind == "activation":
            out += check_activations(run, tag, series, output_layer)
        else:
            out += check_weights(run, tag, series)
    out += check_gradients(run, gradients)
    return out


# Causes that say less than the others: on a tie, the specific one wins.
GENERIC = ("no_signal", "layer_not_learning", "loss_accuracy_mismatch", "learning_rate_too_low")


def _key(f: Finding):
    return ({"error": 0, "warning": 1}[f.severity], RANK[f.kind], f.cause in GENERIC, f.tag)


def _explain(f: Finding, by: Finding) -> Finding:
    if f is by or f.cause == by.cause:
        return f
    where = by.tag if by.run == f.run else f"{by.tag} of run {by.run}"
    said = f.advice and f.message.endswith(f.advice)
    what = f.message[: -len(f.advice)].rstrip(". ") if said else f.message
    cause = by.cause.replace("_", " ")
    return f.with_cause(by.cause, f"{what}; the cause: {cause} ({by.kind.replace('_', ' ')} on {where})",
                        by.advice)


def reconcile(findings: list[Finding]) -> list[Finding]:
    """One diagnosis per (run, tag), causes consistent within each run, duplicates merged."""
    out = []
    for run in dict.fromkeys(f.run for f in findings):
        own = sorted((f for f in findings if f.run == run), key=_key)
        by_tag = {}
        for f in own:  # one finding per tag: the most telling, holding the others' numbers
            by_tag.setdefault(f.tag, []).append(f)
        own = sorted((merged(fs[0], fs[1:]) for fs in by_tag.values()), key=_key)
        blowup = next((f for f in own if f.cause == "learning_rate_too_high"
                       and f.kind in ("stuck_at_chance", "diverging", "nonfinite")), None)
        mechanism = next((f for f in own if f.kind in MECHANISMS), None)
        if mechanism is not None and not (blowup and mechanism.kind != "exploding_gradients"):
            own = [_explain(f, mechanism) if f.cause in EXPLAINED or f.kind in ("diverging", "nonfinite")
                   and f.cause == "learning_rate_too_high" else f for f in own]
        elif blowup is not None:
            own = [_explain(f, blowup) if f.kind in MECHANISMS + ("not_learning", "exploding")
                   or f.cause in EXPLAINED else f for f in own]
        else:
            flat = next((f for f in own if f.kind == "lr_decayed"), None) or next(
                (f for f in own if f.cause == "learning_rate_too_low"), None)
            if flat is not None:
                own = [_explain(f, flat) if f.kind in ("not_learning", "flat_loss") else f for f in own]
        groups = {}
        for f in own:
            groups.setdefault((f.kind, f.cause), []).append(f)
        own = [merged(fs[0], fs[1:]) for fs in groups.values()]
        head = min(own, key=_key)
        if head.severity == "error":  # an error explains the wobbles that come with it
            symptoms = [f for f in own if f.kind in SYMPTOMS]
            own = [merged(head, symptoms) if f is head else f for f in own if f.kind not in SYMPTOMS]
        out += own
    return out


def diagnose_run(run: str, scalars: dict, histograms: dict, config=None) -> list[Finding]:
    """Every check on one run, reconciled. ``scalars``: tag -> (steps, values);
    ``histograms``: tag -> [(step, buckets)]; ``config``: the run's Keras model config."""
    return reconcile(raw_findings(run, scalars, histograms, config))


def loss_tags(scalars: dict) -> dict:
    """The loss curves among a run's scalars (what ``diagnose_overfitting`` takes)."""
    return {tag: series for tag, series in scalars.items() if LOSS_TAG.search(tag)}


def summary(scalars: dict, config=None) -> dict:
    """What the cross-run checks need of a run: its loss and accuracy curves, and k."""
    keep = {t: s for t, s in scalars.items() if LOSS_TAG.search(t) or ACCURACY_TAG.search(t)}
    return {"scalars": keep, "classes": output_classes(config)[0] if config is not None else None}


def combine(per_run: dict, summaries: dict) -> list[Finding]:
    """Every run's own findings (``diagnose_run``) with the cross-run ones (training against
    validation runs), reconciled and ordered."""
    across = diagnose_across(summaries)
    touched = {f.run for f in across}
    out = [f for run, fs in per_run.items() if run not in touched for f in fs]
    out += reconcile([f for run in touched for f in per_run.get(run, [])] + across)
    return ordered(_agree_with_training(out))


def _agree_with_training(findings: list[Finding]) -> list[Finding]:
    """A validation run's finding takes the cause its training run found for the same kind of
    red flag: the training run holds the histograms and the config that explain it."""
    train = {}
    for f in findings:
        if TRAIN_RUN.search(f.run):
            train.setdefault((f.run[: -len("train")], f.kind), f)
    out = []
    for f in findings:
        match = VALIDATION_RUN.search(f.run)
        partner = train.get((f.run[: match.start(2)], f.kind)) if match else None
        out.append(_explain(f, partner) if partner and f.cause in GENERIC + ("learning_rate_too_high",)
                   and f.cause != "label_noise" else f)
    return out


def diagnose_overfitting(loss_scalars: dict) -> list[Finding]:
    """Overfitting across Keras's run pairs. ``loss_scalars``: run -> {loss tag: (steps, values)}."""
    return diagnose_across({run: {"scalars": s, "classes": None} for run, s in loss_scalars.items()})


def ordered(findings: list[Finding]) -> list[Finding]:
    """Errors first, then by run, tag and kind."""
    severity = {"error": 0, "warning": 1}
    return sorted(findings, key=lambda f: (severity[f.severity], f.run, f.tag, f.kind))


def primary(findings: list[Finding]) -> Finding | None:
    """The finding that tells a group of runs' story first (errors, then the most specific)."""
    return min(findings, key=_key, default=None)


def training_run(run: str) -> str | None:
    """``X/train`` for Keras's validation run ``X/validation`` (its config lives there)."""
    match = VALIDATION_RUN.search(run)
    return run[: match.start(2)] + "train" if match else None


def diagnose(runs: dict) -> list[Finding]:
    """All findings for ``runs``: run -> (scalars, histograms[, config])."""
    per_run, summaries = {}, {}
    for run, data in runs.items():
        scalars, histograms, config = (*data, None)[:3]
        if config is None and training_run(run) in runs:
            config = (*runs[training_run(run)], None)[2]
        per_run[run] = diagnose_run(run, scalars, histograms, config)
        summaries[run] = summary(scalars, config)
    return combine(per_run, summaries)
