"""Scalar curves: every stored point, or at most ``max_points`` of them chosen by M4."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from board.api.deps import Provider, Run, Tag
from board.api.downsample import m4_indices
from board.data.provider import DataProvider
from board.jsonutil import JSON, dumps, finite_list

router = APIRouter(prefix="/api", tags=["scalars"], default_response_class=JSON)

MAX_POINTS_LIMIT = 10_000_000
MaxPoints = Annotated[int | None, Query(ge=1, le=MAX_POINTS_LIMIT,
                                        description="down-sample to at most this many points (M4)")]


def scalars_impl(provider: DataProvider, run: str, tag: str, max_points: int | None = None) -> dict:
    step, wall_time, value = provider.scalars(run, tag)
    if max_points is not None and len(step) > max_points:
        keep = m4_indices(step, value, max_points)
        step, wall_time, value = step[keep], wall_time[keep], value[keep]
    return {"run": run, "tag": tag, "step": step.tolist(), "wall_time": finite_list(wall_time),
            "value": finite_list(value)}


def download_impl(provider: DataProvider, run: str, tag: str, fmt: str) -> tuple[str, str]:
    """TensorBoard's download formats: CSV ``Wall time,Step,Value`` or JSON
    ``[[wall_time, step, value], ...]``. Returns (body, media type)."""
    data = scalars_impl(provider, run, tag)
    rows = zip(data["wall_time"], data["step"], data["value"], strict=True)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["Wall time", "Step", "Value"])
        writer.writerows(rows)
        return out.getvalue(), "text/csv"
    return dumps([list(r) for r in rows]), "application/json"


@router.get("/scalars")
def scalars(provider: Provider, run: Run, tag: Tag, max_points: MaxPoints = None):
    return JSON(scalars_impl(provider, run, tag, max_points))


@router.get("/scalars/download")
def download(provider: Provider, run: Run, tag: Tag, format: Literal["csv", "json"] = "csv"):
    body, media_type = download_impl(provider, run, tag, format)
    name = f"{run}_{tag}".replace("/", "_").replace('"', "_")
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{format}"'})
