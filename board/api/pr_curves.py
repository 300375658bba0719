"""PR curves: each kept step of a (run, tag) as TensorBoard's pr_curves plugin answers it
(tensorboard/plugins/pr_curve/pr_curves_plugin.py ``_make_pr_entry``): thresholds
``linspace(0, 1, n)``, and the tail where TP + FP = 0 (precision undefined) left out."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter

from board.api.deps import Provider, Run, Tag
from board.data.provider import DataProvider
from board.jsonutil import JSON, finite_list, float_name
from tfevents.curves import PR_ROWS

router = APIRouter(prefix="/api", tags=["pr_curves"], default_response_class=JSON)


def pr_entry(step: int, wall_time: float, data: np.ndarray) -> dict:
    positives = data[0] + data[1]
    nonzero = np.flatnonzero(positives)
    end = int(nonzero[-1]) + 1 if len(nonzero) else 1
    entry = {"step": step, "wall_time": float_name(wall_time),
             "thresholds": np.linspace(0.0, 1.0, data.shape[1])[:end].tolist()}
    for i, name in enumerate(PR_ROWS):
        entry[name] = finite_list(data[i, :end])
    return entry


def pr_curves_impl(provider: DataProvider, run: str, tag: str) -> dict:
    return {"run": run, "tag": tag,
            "steps": [pr_entry(c.step, c.wall_time, c.data) for c in provider.pr_curves(run, tag)]}


@router.get("/pr_curves")
def pr_curves(provider: Provider, run: Run, tag: Tag):
    return JSON(pr_curves_impl(provider, run, tag))
