"""What the pages draw beyond the http_api.md contract (``/api/pages/...``): all runs of one tag
in one request, smoothed over the full-resolution series before down-sampling (so the curve does
not change with zoom or run length, unlike TensorBoard's), and the run-comparison table."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from board.api.budget import MAX_RUNS_PER_REQUEST, answer_points, check_points
from board.api.deps import Provider, Tag
from board.api.downsample import m4_indices
from board.api.smoothing import smooth
from board.data.provider import DataProvider
from board.jsonutil import JSON, dumps, finite_list, float_name

router = APIRouter(prefix="/api/pages", default_response_class=JSON)

MAX_POINTS_LIMIT = 20_000


def _series(provider: DataProvider, run: str, tag: str, smoothing: float, max_points: int | None):
    step, wall_time, value = provider.scalars(run, tag)
    smoothed = smooth(value, smoothing)
    keep = m4_indices(step, value, max_points) if max_points is not None and len(step) > max_points else None
    bad = ~np.isfinite(value)
    if keep is not None:
        step, wall_time, value, smoothed = step[keep], wall_time[keep], value[keep], smoothed[keep]
    return {
        "run": run,
        "step": step.tolist(),
        "wall_time": wall_time.tolist(),
        "value": finite_list(value),
        "smoothed": finite_list(smoothed),
        "points": int(len(bad)),
        "nonfinite": int(bad.sum()),
    }


def _summary_row(provider: DataProvider, run: str, tag: str) -> dict:
    step, wall_time, value = provider.scalars(run, tag)
    finite = np.isfinite(value)
    row = {"run": run, "tag": tag, "points": int(len(step)), "nonfinite": int((~finite).sum()),
           "last": float_name(float(value[-1])), "last_step": int(step[-1]),
           "first_wall_time": float(wall_time[0]), "last_wall_time": float(wall_time[-1]),
           "min": None, "max": None, "min_step": None, "max_step": None}
    if finite.any():
        fv = np.where(finite, value, np.nan)
        lo, hi = int(np.nanargmin(fv)), int(np.nanargmax(fv))
        row.update(min=float(value[lo]), min_step=int(step[lo]),
                   max=float(value[hi]), max_step=int(step[hi]))
    return row


@router.get("/scalars", response_class=JSON)
def tag_scalars(request: Request, provider: Provider, tag: Tag,
                run: Annotated[list[str], Query(description="each run once, at most 500")],
                smoothing: Annotated[float, Query(ge=0, le=0.999)] = 0.6,
                max_points: Annotated[int | None, Query(ge=4, le=MAX_POINTS_LIMIT)] = None):
    """Every asked run's curve of one tag, raw and smoothed, down-sampled alike. At most
    ``MAX_RUNS_PER_REQUEST`` runs, each once, and ``MAX_RESPONSE_POINTS`` points in all."""
    if len(run) > MAX_RUNS_PER_REQUEST:
        raise HTTPException(400, f"{len(run)} runs asked for; at most {MAX_RUNS_PER_REQUEST} per request")
    if len(set(run)) < len(run):
        twice = next(r for i, r in enumerate(run) if r in run[:i])
        raise HTTPException(400, f"run {twice!r} asked for twice; name each run once")
    total, present = 0, []
    for r in run:
        try:
            total += answer_points(provider.scalar_points(r, tag), max_points)
            present.append(r)
        except LookupError:
            pass
    check_points(total, f"tag {tag!r} of {len(present)} run(s)")

    def make() -> bytes:
        series, missing = [], []
        for r in run:
            try:
                series.append(_series(provider, r, tag, smoothing, max_points))
            except LookupError:
                missing.append(r)
        body = {"tag": tag, "smoothing": smoothing, "series": series, "missing": missing}
        return dumps(body).encode("utf-8")

    # Smoothing and M4 over every run's full series is most of the cost (~10 ms a run of 10,000
    # points): the body is kept for its runs' versions, so a page opened again, or polling a
    # finished run, is answered without redoing it.
    versions = []
    for r in run:
        try:
            versions.append(provider.scalars_version(r, tag))
        except LookupError:
            versions.append(None)
    body = request.app.state.response_cache.get_or_make(
        ("pages/scalars", tag, tuple(run), smoothing, max_points), tuple(versions), make)
    return Response(body, media_type="application/json")


@router.get("/summary", response_class=JSON)
def scalar_summary(provider: Provider):
    """Last, min and max of every (run, scalar tag): the run-comparison table."""
    rows = []
    for r, kinds in provider.tags().items():
        for tag in kinds.get("scalars", []):
            try:
                rows.append(_summary_row(provider, r, tag))
            except LookupError:
                pass
    return JSON({"rows": rows})
