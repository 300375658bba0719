"""Hyperparameter sessions: each run's hparams records and the final values of their metrics."""

from __future__ import annotations

from fastapi import APIRouter

from board.api.deps import Provider
from board.data.provider import DataProvider, NotFoundError
from board.jsonutil import JSON, float_name

router = APIRouter(prefix="/api", tags=["hparams"], default_response_class=JSON)


def _metric_tags(records: dict[str, dict]) -> list[str]:
    tags = []
    for rec in records.values():
        if rec.get("experiment"):
            for info in rec["experiment"]["data"].get("metric_infos", []):
                tag = info.get("name", {}).get("tag")
                if tag and tag not in tags:
                    tags.append(tag)
    return tags


def _last_value(provider: DataProvider, runs: list[str], run: str, tag: str):
    """The last value of ``tag`` in ``run`` or, failing that, in its sub-runs (TensorFlow's
    hparams API logs metrics in ``run/train``, ``run/validation``...)."""
    for candidate in [run, *(r for r in runs if r.startswith(run + "/"))]:
        try:
            step, _, value = provider.scalars(candidate, tag)
        except NotFoundError:
            continue
        return {"run": candidate, "step": int(step[-1]), "value": float_name(float(value[-1]))}
    return None


def hparams_impl(provider: DataProvider) -> dict:
    """{"runs": {run: {"experiment"?, "session_start_info"?, "session_end_info"?: {"tag", "step",
    "wall_time", "data"}, "metrics": {tag: {"run", "step", "value"}}}}}: ``data`` is the hparams
    plugin's message as a dict with the proto's field names."""
    records = provider.hparams()
    metric_tags = _metric_tags(records)
    names = provider.run_names()
    out = {}
    for run, kinds in records.items():
        entry = dict(kinds)
        if "session_start_info" in kinds:
            metrics = {t: _last_value(provider, names, run, t) for t in metric_tags}
            entry["metrics"] = {t: v for t, v in metrics.items() if v is not None}
        out[run] = entry
    return {"runs": out}


@router.get("/hparams")
def hparams(provider: Provider):
    return JSON(hparams_impl(provider))
