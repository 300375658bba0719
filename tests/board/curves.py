"""A logdir of PR curves and custom-scalar layouts written in the test run: by PyTorch's
``torch.utils.tensorboard.SummaryWriter`` (run ``torch``) and by ours (run ``ours``), from the
same labels and predictions (so the same PR curves), with the scalars the layouts chart.
Shared by the API tests (tests/board/test_curves_api.py) and the browser tests."""

from __future__ import annotations

import numpy as np

from tests.board.media import XSS_TAG

PR_STEPS = 4
OURS_SCALE = 0.8  # our run's scalars are the torch run's times this, so the curves stand apart
TORCH_LAYOUT = {
    "losses": {"both": ["Multiline", ["loss/.*"]], "train only": ["Multiline", ["loss/train$"]]},
    "accuracy": {XSS_TAG: ["Margin", ["acc/mean", "acc/lo", "acc/hi"]]},
}
OURS_LAYOUT = {
    "losses": {"both": ["Multiline", ["loss/.*"]], "val": ["Multiline", ["loss/val", "(bad"]]},
    "ours only": {"mean": ["Multiline", ["acc/mean"]]},
}


def examples(step: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions that separate better at every step."""
    rng = np.random.default_rng(step)
    labels = rng.integers(0, 2, 200)
    predictions = np.clip(rng.random(200) * 0.6 + labels * 0.1 * step, 0, 1)
    return labels, predictions


def _write(writer, layout, scale: float) -> None:
    for step in range(PR_STEPS):
        labels, predictions = examples(step)
        writer.add_pr_curve("pr/class0", labels, predictions, step)
        writer.add_pr_curve(XSS_TAG, labels, 1 - predictions, step, num_thresholds=11)
    for step in range(20):
        writer.add_scalar("loss/train", scale / (step + 1), step)
        writer.add_scalar("loss/val", scale * (1.2 / (step + 1) + 0.05), step)
        writer.add_scalar("acc/mean", scale * (0.5 + step / 50), step)
        writer.add_scalar("acc/lo", scale * (0.45 + step / 50), step)
        writer.add_scalar("acc/hi", scale * (0.58 + step / 45), step)
    writer.add_custom_scalars(layout)


def curves_logdir(root):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from engine.summary import SummaryWriter

    with TorchWriter(str(root / "torch")) as w:
        _write(w, TORCH_LAYOUT, 1.0)
    with SummaryWriter(root / "ours") as w:
        _write(w, OURS_LAYOUT, OURS_SCALE)
    return root
