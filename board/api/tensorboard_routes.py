"""TensorBoard's own HTTP routes, for the scripts that call them (``/data/...``).

Scripts written against TensorBoard fetch ``/data/runs`` and
``/data/plugin/scalars/scalars?run=R&tag=T`` and parse TensorBoard's shapes: lists of
``[wall_time, step, value]`` rows, ``{run: {tag: {displayName, description}}}`` tag indexes. These
routes answer in exactly those shapes from the same stores as ``/api``, with two differences
that make them better for a script: every stored point is returned (TensorBoard samples 1,000 per
tag), and a missing run or tag is a JSON 404 rather than an HTML page. Bounds are ``/api``'s
(``board.api.budget``).
"""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Annotated, Literal
from urllib.parse import parse_qsl

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from board.api import markdown
from board.api.budget import MAX_RUNS_PER_REQUEST, check_points
from board.api.deps import Provider, Run, Tag
from board.data.provider import DataProvider
from board.jsonutil import JSON, float_name, sanitize

router = APIRouter(prefix="/data", tags=["tensorboard"], default_response_class=JSON)

# TensorBoard's distribution plugin: percentiles in basis points, from the normal distribution's
# -inf, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2 and +inf sigma (tensorboard/plugins/distribution).
NORMAL_HISTOGRAM_BPS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)
MAX_FORM_BYTES = 64 * 1024  # a scalars_multirun body (run names and one tag)


def _tag_index(provider: DataProvider, kind: str) -> dict:
    """TensorBoard's ``{run: {tag: {displayName, description}}}``, runs without the kind left
    out. A v1 summary's display name is its tag, as TensorBoard migrates it."""
    return {run: {tag: {"displayName": tag, "description": ""} for tag in kinds[kind]}
            for run, kinds in provider.tags().items() if kinds.get(kind)}


def _rows(provider: DataProvider, run: str, tag: str) -> list:
    step, wall_time, value = provider.scalars(run, tag)
    return [[float_name(w), int(s), float_name(v)]
            for w, s, v in zip(wall_time.tolist(), step.tolist(), value.tolist(), strict=True)]


def compress_histogram(buckets, bps=NORMAL_HISTOGRAM_BPS) -> list:
    """``[[basis_point, value], ...]``: the value below which ``bp / 100`` percent of the
    histogram's weight lies, interpolated linearly inside the bucket that holds it (TensorBoard's
    distributions; its numbers, checked in tests/board/test_tensorboard_routes.py)."""
    buckets = np.asarray(buckets, dtype=float).reshape(-1, 3)
    if not len(buckets):
        return [[bp, 0.0] for bp in bps]
    lowest, highest = float(buckets[0, 0]), float(buckets[-1, 1])
    counts = buckets[:, 2]
    weights = (counts * bps[-1] / (counts.sum() or 1.0)).cumsum()
    right = buckets[:, 1].tolist()
    out = []
    for bp in bps:
        i = int(np.searchsorted(weights, bp, side="right"))
        if i >= len(weights):
            break  # every later point (bps ascend) is the maximum too
        hi, lo = float(weights[i]), float(weights[i - 1]) if i else 0.0
        left = lowest if not i or not lo else max(right[i - 1], lowest)
        value = left + (bp - lo) * (min(right[i], highest) - left) / (hi - lo)
        out.append([bp, value])
    out.extend([bp, highest] for bp in bps[len(out):])
    return out


@router.get("/runs")
def runs(provider: Provider):
    """The run names, as TensorBoard lists them: a bare JSON list."""
    return JSON(provider.run_names())


@router.get("/plugin/scalars/tags")
def scalar_tags(provider: Provider):
    return JSON(_tag_index(provider, "scalars"))


@router.get("/plugin/scalars/scalars")
def scalars(provider: Provider, run: Run, tag: Tag, format: Literal["json", "csv"] = "json"):
    check_points(provider.scalar_points(run, tag), f"run {run!r} tag {tag!r}")
    if format == "csv":
        step, wall_time, value = provider.scalars(run, tag)
        out = io.StringIO()
        writer = csv.writer(out)  # as TensorBoard's: \r\n line ends, Python's float repr (nan)
        writer.writerow(["Wall time", "Step", "Value"])
        writer.writerows(zip(wall_time.tolist(), step.tolist(), value.tolist(), strict=True))
        return Response(out.getvalue(), media_type="text/csv")
    return JSON(_rows(provider, run, tag))


@router.post("/plugin/scalars/scalars_multirun")
async def scalars_multirun(request: Request, provider: Provider):
    """TensorBoard's form POST: ``tag`` once, ``runs`` repeated; ``{run: rows}`` for the runs
    that hold the tag."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, f"form body of {len(body):,} bytes; at most {MAX_FORM_BYTES:,}")
    fields = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    tags = [v for k, v in fields if k == "tag"]
    wanted = list(dict.fromkeys(v for k, v in fields if k == "runs"))
    if len(tags) != 1:
        raise HTTPException(400, "tag must be specified exactly once")
    if len(wanted) > MAX_RUNS_PER_REQUEST:
        raise HTTPException(400, f"{len(wanted)} runs; at most {MAX_RUNS_PER_REQUEST} per request")
    held = {run for run, kinds in provider.tags().items() if tags[0] in kinds.get("scalars", [])}
    chosen = [run for run in wanted if run in held]
    check_points(sum(provider.scalar_points(run, tags[0]) for run in chosen), f"tag {tags[0]!r}")
    return JSON({run: _rows(provider, run, tags[0]) for run in chosen})


def _histograms(provider: DataProvider, run: str, tag: str) -> list:
    return [[float_name(h.wall_time), h.step, h.buckets] for h in provider.histograms(run, tag)]


@router.get("/plugin/histograms/tags")
def histogram_tags(provider: Provider):
    return JSON(_tag_index(provider, "histograms"))


@router.get("/plugin/histograms/histograms")
def histograms(provider: Provider, run: Run, tag: Tag):
    return JSON([[w, s, sanitize(b.tolist())] for w, s, b in _histograms(provider, run, tag)])


@router.get("/plugin/distributions/tags")
def distribution_tags(provider: Provider):
    return JSON(_tag_index(provider, "histograms"))


@router.get("/plugin/distributions/distributions")
def distributions(provider: Provider, run: Run, tag: Tag):
    return JSON([[w, s, sanitize(compress_histogram(b))] for w, s, b in _histograms(provider, run, tag)])


@router.get("/plugin/text/tags")
def text_tags(provider: Provider):
    return JSON({run: kinds["text"] for run, kinds in provider.tags().items() if kinds.get("text")})


@router.get("/plugin/text/text")
def text(provider: Provider, run: Run, tag: Tag,
         use_markdown: Annotated[bool, Query(alias="markdown")] = True):
    """``[{wall_time, step, text}]`` with ``text`` safe HTML, as TensorBoard's text plugin; an
    unknown run or tag is ``[]`` there and a 404 here."""
    out = []
    for t in provider.text(run, tag):
        if t.rows:
            html = markdown.render_table(t.rows)
        else:
            html = markdown.render(t.value) if use_markdown else f"<p>{escape(t.value)}</p>"
        out.append({"wall_time": float_name(t.wall_time), "step": t.step, "text": html})
    return JSON(out)
