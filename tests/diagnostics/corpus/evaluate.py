"""Diagnose a generated corpus the way ``board diagnose`` does and score it: per run the cause
of its first diagnosis (``checks.primary``), per label the recall, overall the precision."""

from __future__ import annotations

import collections
from dataclasses import dataclass

from board.data.provider import DataProvider
from board.diagnostics import checks
from board.diagnostics.monitor import HealthMonitor
from board.ingest.multiplexer import Multiplexer
from tests.diagnostics.corpus.runs import EXPECTED, RUNS

NONE = "none"


@dataclass
class Scores:
    predicted: dict      # corpus run name -> predicted cause (or "none")
    findings: dict       # corpus run name -> [Finding]
    recall: dict         # label -> fraction of its runs given the expected cause
    precision: float     # flagged runs whose first diagnosis names their real cause
    healthy_clean: float  # healthy runs without any finding


def findings_by_run(logdir) -> dict:
    multiplexer = Multiplexer({"": str(logdir)})
    multiplexer.reload()
    out = collections.defaultdict(list)
    for f in HealthMonitor(DataProvider(multiplexer)).findings():
        out[f.run.split("/")[0]].append(f)
    return out


def score(logdir, runs=RUNS) -> Scores:
    found = findings_by_run(logdir)
    predicted = {}
    for run in runs:
        head = checks.primary(found.get(run.name, []))
        predicted[run.name] = head.cause if head else NONE
    recall = {}
    for label in dict.fromkeys(r.label for r in runs):
        mine = [r for r in runs if r.label == label]
        want = EXPECTED[label] or NONE
        recall[label] = sum(predicted[r.name] == want for r in mine) / len(mine)
    flagged = [r for r in runs if predicted[r.name] != NONE]
    right = sum(predicted[r.name] == EXPECTED[r.label] for r in flagged)
    healthy = [r for r in runs if r.label == "healthy"]
    return Scores(predicted, dict(found), recall, right / len(flagged) if flagged else 1.0,
                  sum(not found.get(r.name) for r in healthy) / len(healthy) if healthy else 1.0)


def confusion_table(scores: Scores, runs=RUNS) -> str:
    """Labels down, predicted causes across (counts of runs), recall at the end of each row."""
    labels = list(dict.fromkeys(r.label for r in runs))
    causes = list(dict.fromkeys([*(EXPECTED[lb] or NONE for lb in labels),
                                 *sorted(set(scores.predicted.values()))]))
    short = {c: c.replace("learning_rate", "lr").replace("_", " ") for c in causes}
    width = max(len(lb) for lb in labels) + 2
    cols = [max(len(short[c]), 3) for c in causes]
    header = " ".join(short[c].rjust(w) for c, w in zip(causes, cols, strict=True))
    lines = [" " * width + header + "  recall"]
    for label in labels:
        mine = [r for r in runs if r.label == label]
        counts = collections.Counter(scores.predicted[r.name] for r in mine)
        cells = " ".join((str(counts[c]) if counts[c] else ".").rjust(w)
                         for c, w in zip(causes, cols, strict=True))
        lines.append(label.ljust(width) + cells + f"  {scores.recall[label]:.2f}")
    by_fw = collections.Counter(r.framework for r in runs)
    lines.append("")
    lines.append(f"{len(runs)} runs ({', '.join(f'{n} {fw}' for fw, n in by_fw.items())}); "
                 f"precision {scores.precision:.2f}; "
                 f"healthy runs without a finding {scores.healthy_clean:.2f}")
    wrong = [r for r in runs if scores.predicted[r.name] != (EXPECTED[r.label] or NONE)]
    for r in wrong:
        lines.append(f"  miss: {r.name} ({r.label}) -> {scores.predicted[r.name]}")
    return "\n".join(lines)
