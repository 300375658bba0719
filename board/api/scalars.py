"""Scalar curves: every stored point, or at most ``max_points`` of them chosen by M4."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Literal
from urllib.parse import quote

import numpy as np
from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from board.api.budget import MAX_DOWNLOAD_POINTS, MAX_RESPONSE_POINTS, answer_points, check_points
from board.api.deps import Provider, Run, Tag
from board.api.downsample import m4_indices
from board.data.provider import DataProvider
from board.jsonutil import JSON, dumps, finite_array, finite_list

router = APIRouter(prefix="/api", tags=["scalars"], default_response_class=JSON)

MAX_POINTS_LIMIT = MAX_RESPONSE_POINTS
DOWNLOAD_CHUNK = 100_000
MAX_FILENAME = 200  # characters of a download's name (before the extension)
MaxPoints = Annotated[int | None, Query(ge=1, le=MAX_POINTS_LIMIT,
                                        description="down-sample to at most this many points (M4)")]


def scalars_impl(provider: DataProvider, run: str, tag: str, max_points: int | None = None) -> dict:
    step, wall_time, value = provider.scalars(run, tag)
    if max_points is not None and len(step) > max_points:
        keep = m4_indices(step, value, max_points)
        step, wall_time, value = step[keep], wall_time[keep], value[keep]
    return {"run": run, "tag": tag, "step": step.astype(np.int64, copy=False),
            "wall_time": finite_array(wall_time), "value": finite_array(value)}


def download_impl(provider: DataProvider, run: str, tag: str, fmt: str) -> tuple[Iterator[str], str]:
    """TensorBoard's download formats: CSV ``Wall time,Step,Value`` or JSON
    ``[[wall_time, step, value], ...]``, as text chunks of ``DOWNLOAD_CHUNK`` rows (a long curve
    is streamed, never built whole). Returns (chunks, media type)."""
    check_points(provider.scalar_points(run, tag), f"run {run!r} tag {tag!r}", MAX_DOWNLOAD_POINTS)
    step, wall_time, value = provider.scalars(run, tag)

    def rows(lo: int):
        hi = lo + DOWNLOAD_CHUNK
        return zip(finite_list(wall_time[lo:hi]), step[lo:hi].tolist(), finite_list(value[lo:hi]),
                   strict=True)

    def csv_chunks():
        yield "Wall time,Step,Value\n"
        for lo in range(0, len(step), DOWNLOAD_CHUNK):
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows(lo))
            yield out.getvalue()

    def json_chunks():
        yield "["
        for lo in range(0, len(step), DOWNLOAD_CHUNK):
            yield ("," if lo else "") + dumps([list(r) for r in rows(lo)])[1:-1]
        yield "]"

    if fmt == "csv":
        return csv_chunks(), "text/csv"
    return json_chunks(), "application/json"


def content_disposition(filename: str) -> str:
    """RFC 6266 / RFC 5987: an ASCII ``filename`` for old clients and the exact name as
    ``filename*=UTF-8''...``. Any run or tag name gives a valid header: non-Latin-1 text, quotes,
    CR/LF and lone surrogates (names from non-UTF-8 bytes) included."""
    fallback = "".join(c if " " <= c < "\x7f" and c not in '"\\/;%' else "_" for c in filename)
    exact = quote(filename.encode("utf-8", "replace"), safe="")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{exact}"


# Points of a curve answered on the event loop itself (about 3 ms of work); a longer one goes to
# the thread pool, so that it does not hold up the answers queued behind it.
INLINE_POINTS = 50_000


@router.get("/scalars")
async def scalars(provider: Provider, run: Run, tag: Tag, max_points: MaxPoints = None):
    # async: the thread-pool hop of a plain-def route cost a third of a 10,000-point answer's CPU.
    points = provider.scalar_points(run, tag)
    check_points(answer_points(points, max_points), f"run {run!r} tag {tag!r}")
    if points <= INLINE_POINTS:
        return JSON(scalars_impl(provider, run, tag, max_points))
    return await run_in_threadpool(lambda: JSON(scalars_impl(provider, run, tag, max_points)))


@router.get("/scalars/download")
def download(provider: Provider, run: Run, tag: Tag, format: Literal["csv", "json"] = "csv"):
    chunks, media_type = download_impl(provider, run, tag, format)
    name = f"{run}_{tag}".replace("/", "_")[:MAX_FILENAME]  # names may be 64 KiB: headers not
    return StreamingResponse(chunks, media_type=media_type,
                             headers={"Content-Disposition": content_disposition(f"{name}.{format}")})
