"""``SummaryWriter.add_pr_curve`` and ``add_pr_curve_raw``: the pr_curves plugin's tensor."""

from __future__ import annotations

from engine.summary.arrays import as_numpy, warn_once
from tfevents import plugin_summaries


class PrCurveMethods:
    """Mixed into ``SummaryWriter``: needs ``add_summary``."""

    def add_pr_curve(self, tag: str, labels, predictions, global_step: int | None = None,
                     num_thresholds: int = 127, weights=None, walltime: float | None = None) -> None:
        """Precision and recall at ``num_thresholds`` (at most 127) thresholds from binary
        ``labels`` and probabilities ``predictions``; ``weights`` weigh each example."""
        if weights is not None:
            weights = as_numpy(weights)
        summary = plugin_summaries.pr_curve(tag, as_numpy(labels), as_numpy(predictions),
                                            num_thresholds, weights)
        self.add_summary(summary, global_step, walltime)

    def add_pr_curve_raw(self, tag: str, true_positive_counts, false_positive_counts,
                         true_negative_counts, false_negative_counts, precision, recall,
                         global_step: int | None = None, num_thresholds: int = 127, weights=None,
                         walltime: float | None = None) -> None:
        """The same curve from counts computed elsewhere, one value per threshold each."""
        if weights is not None:
            warn_once("pr_raw:weights", "add_pr_curve_raw: weights apply to examples, which raw "
                      "counts no longer have; ignored (PyTorch ignores them too)")
        rows = [as_numpy(r) for r in (true_positive_counts, false_positive_counts, true_negative_counts,
                                      false_negative_counts, precision, recall)]
        self.add_summary(plugin_summaries.pr_curve_raw(tag, *rows, num_thresholds=num_thresholds),
                         global_step, walltime)
