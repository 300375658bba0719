"""Histograms: the kept sample of a tag's records, each as [k, 3] buckets (left, right, count)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from board.api.deps import Provider, Run, Tag
from board.data.provider import DataProvider
from board.jsonutil import JSON, dumps, float_name, sanitize

router = APIRouter(prefix="/api", tags=["histograms"], default_response_class=JSON)


def histogram_json(h) -> dict:
    return {"step": h.step, "wall_time": float_name(h.wall_time), "min": float_name(h.min),
            "max": float_name(h.max), "num": float_name(h.num), "sum": float_name(h.sum),
            "sum_squares": None if h.sum_squares is None else float_name(h.sum_squares),
            "buckets": sanitize(h.buckets.tolist())}


def histograms_impl(provider: DataProvider, run: str, tag: str) -> dict:
    return {"run": run, "tag": tag,
            "histograms": [histogram_json(h) for h in provider.histograms(run, tag)]}


@router.get("/histograms", response_class=JSON)
def histograms(request: Request, provider: Provider, run: Run, tag: Tag):
    # The body is big (every kept step's buckets) and polled by every open page: encode it once
    # per version of the data. A (run, tag) that vanished raises NotFoundError (a 404) here.
    version = provider.histograms_version(run, tag)
    body = request.app.state.response_cache.get_or_make(
        ("histograms", run, tag), version, lambda: dumps(histograms_impl(provider, run, tag)).encode("utf-8"))
    return Response(body, media_type="application/json")
