"""Every run's scalars in one file (TensorBoard #1232: there, a script must fetch run by run).

``GET /api/scalars/export?format=csv`` streams ``run,tag,wall_time,step,value`` rows;
``format=json`` streams ``{"RUN": {"TAG": [[wall_time, step, value], ...]}}``. Optional ``run`` and
``tag`` regexes narrow it. The total is budgeted before any row is made, at the download bound.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse

from board.api.budget import MAX_DOWNLOAD_POINTS, check_points
from board.api.deps import Provider
from board.api.scalars import DOWNLOAD_CHUNK, content_disposition
from board.data.provider import DataProvider, NotFoundError
from board.jsonutil import JSON, dumps, finite_list

router = APIRouter(prefix="/api", tags=["scalars"], default_response_class=JSON)

Pattern = Annotated[str | None, Query(max_length=1024, description="keep names this regex finds")]


def _compile(pattern: str | None, what: str):
    try:
        return re.compile(pattern or "")
    except re.error as exc:
        raise HTTPException(400, f"invalid {what} regex {pattern!r}: {exc}") from None


def chosen_series(provider: DataProvider, run_pattern: str | None, tag_pattern: str | None):
    """[(run, tag, points)] of the series the patterns keep, in run then tag order."""
    runs, tags = _compile(run_pattern, "run"), _compile(tag_pattern, "tag")
    out = []
    for run, kinds in provider.tags().items():
        if not runs.search(run):
            continue
        for tag in kinds.get("scalars", []):
            if tags.search(tag):
                try:
                    out.append((run, tag, provider.scalar_points(run, tag)))
                except NotFoundError:  # gone since the listing
                    continue
    return out


def _rows(provider: DataProvider, run: str, tag: str) -> Iterator[list]:
    try:
        step, wall_time, value = provider.scalars(run, tag)
    except NotFoundError:
        return
    for lo in range(0, len(step), DOWNLOAD_CHUNK):
        hi = lo + DOWNLOAD_CHUNK
        yield [list(r) for r in zip(finite_list(wall_time[lo:hi]), step[lo:hi].tolist(),
                                    finite_list(value[lo:hi]), strict=True)]


def csv_chunks(provider: DataProvider, series) -> Iterator[str]:
    yield "run,tag,wall_time,step,value\n"
    for run, tag, _ in series:
        for rows in _rows(provider, run, tag):
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows([run, tag, *r] for r in rows)
            yield out.getvalue()


def json_chunks(provider: DataProvider, series) -> Iterator[str]:
    yield "{"
    last_run = None
    for run, tag, _ in series:
        if run != last_run:
            yield ("}, " if last_run is not None else "") + dumps(run) + ": {"
            first_tag = True
        yield ("" if first_tag else ", ") + dumps(tag) + ": ["
        first_tag = False
        first = True
        for rows in _rows(provider, run, tag):
            yield ("" if first else ",") + dumps(rows)[1:-1]
            first = False
        yield "]"
        last_run = run
    yield "}}" if last_run is not None else "}"


@router.get("/scalars/export")
def export(provider: Provider, format: Literal["csv", "json"] = "csv", run: Pattern = None,
           tag: Pattern = None):
    series = chosen_series(provider, run, tag)
    check_points(sum(points for _, _, points in series), "the export", MAX_DOWNLOAD_POINTS)
    chunks = csv_chunks(provider, series) if format == "csv" else json_chunks(provider, series)
    return StreamingResponse(chunks, media_type="text/csv" if format == "csv" else "application/json",
                             headers={"Content-Disposition": content_disposition(f"scalars.{format}")})
