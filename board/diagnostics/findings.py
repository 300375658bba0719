"""What a check reports: a ``Finding`` names the run and tag, the kind of red flag, its cause,
the evidence in numbers and one next step; ``message`` reads all three as one sentence.

The API's contract (``/api/diagnostics``, ``board diagnose --json``): a client may switch on
``kind``, ``severity`` and ``cause``; ``evidence`` maps names to numbers; fields are only ever
added, never removed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

SEVERITIES = ("warning", "error")
KINDS = ("degenerate_weights", "not_learning", "exploding", "nonfinite", "diverging", "flat_loss",
         "oscillating", "not_inverse", "overfitting", "stuck_at_chance", "dead_relu",
         "saturated", "vanishing_gradients", "exploding_gradients", "lr_decayed")
# What went wrong, as a practitioner would name it; each finding carries exactly one.
CAUSES = ("learning_rate_too_high", "learning_rate_too_low", "layer_not_learning",
          "weights_collapsing", "nonfinite_values", "no_signal", "label_noise", "overfitting",
          "dead_relu", "saturated_activations", "vanishing_gradients", "exploding_gradients",
          "lr_schedule_decayed", "unstable_loss", "loss_accuracy_mismatch")


@dataclass(frozen=True)
class Finding:
    run: str
    tag: str
    kind: str
    severity: str  # "warning" or "error"
    step: int | None
    message: str
    cause: str = ""
    evidence: dict = field(default_factory=dict, compare=False, hash=False)
    advice: str = ""
    tags: tuple = ()  # every tag this diagnosis covers, ``tag`` first

    def __post_init__(self):
        if self.kind not in KINDS or self.severity not in SEVERITIES:
            raise ValueError(f"finding of unknown kind {self.kind!r} or severity {self.severity!r}")
        if self.cause and self.cause not in CAUSES:
            raise ValueError(f"finding of unknown cause {self.cause!r}")
        if not self.tags:
            object.__setattr__(self, "tags", (self.tag,))

    def to_dict(self) -> dict:
        return {"run": self.run, "tag": self.tag, "kind": self.kind, "severity": self.severity,
                "step": self.step, "message": self.message, "cause": self.cause,
                "evidence": {k: _number(v) for k, v in self.evidence.items()},
                "advice": self.advice, "tags": list(self.tags)}

    def with_cause(self, cause: str, text: str, advice: str, **evidence) -> Finding:
        """The same red flag explained by a run-level cause (``text`` says why)."""
        return finding(self.run, self.tag, self.kind, self.severity, self.step, text, advice,
                       cause, {**self.evidence, **evidence}, self.tags)


def _number(v):
    v = float(v)
    return v if math.isfinite(v) else str(v)  # JSON has no NaN: "nan", "inf" as strings


def finding(run, tag, kind, severity, step, what, advice, cause, evidence, tags=()) -> Finding:
    """A Finding whose message is ``what`` followed by the advice."""
    message = f"{what}. {advice}" if advice else what
    return Finding(run, tag, kind, severity, None if step is None else int(step), message, cause,
                   dict(evidence), advice, tuple(tags))


def merged(primary: Finding, others: list[Finding]) -> Finding:
    """``primary`` standing for ``others`` too: their tags joined, their evidence kept where
    ``primary`` has no number of that name."""
    tags = list(primary.tags)
    for f in others:
        tags += [t for t in f.tags if t not in tags]
    evidence = dict(primary.evidence)
    for f in others:
        for k, v in f.evidence.items():
            evidence.setdefault(k, v)
    return replace(primary, tags=tuple(tags), evidence=evidence)


def fmt(x: float) -> str:
    return f"{x:.4g}"
