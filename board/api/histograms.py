"""Histograms: the kept sample of a tag's records, each as [k, 3] buckets (left, right, count)."""

from __future__ import annotations

from fastapi import APIRouter

from board.api.deps import Provider, Run, Tag
from board.jsonutil import JSON, float_name, sanitize
from board.provider import DataProvider

router = APIRouter(prefix="/api", tags=["histograms"], default_response_class=JSON)


def histogram_json(h) -> dict:
    return {"step": h.step, "wall_time": float_name(h.wall_time), "min": float_name(h.min),
            "max": float_name(h.max), "num": float_name(h.num), "sum": float_name(h.sum),
            "sum_squares": None if h.sum_squares is None else float_name(h.sum_squares),
            "buckets": sanitize(h.buckets.tolist())}


def histograms_impl(provider: DataProvider, run: str, tag: str) -> dict:
    return {"run": run, "tag": tag,
            "histograms": [histogram_json(h) for h in provider.histograms(run, tag)]}


@router.get("/histograms")
def histograms(provider: Provider, run: Run, tag: Tag):
    return JSON(histograms_impl(provider, run, tag))
