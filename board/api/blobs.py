"""Images and audio: each tag's kept steps with their samples, and each sample's encoded bytes.

A sample's URL carries its digest (``v``): asked with the digest it has now, the answer may be
cached for good (a step rewritten by a restarted job is a new digest, so a new URL); without it,
or with an old one, browsers revalidate (ETag). Clips are served in byte ranges, as ``<audio>``
asks for them to seek.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from board.api.deps import Provider, Run, Tag
from board.api.scalars import MAX_FILENAME, content_disposition
from board.data.blobs import StoredSample
from board.data.provider import DataProvider
from board.jsonutil import JSON, float_name
from tfevents.blobs import MAX_SAMPLES_PER_STEP

router = APIRouter(prefix="/api", tags=["images", "audio"], default_response_class=JSON)

Step = Annotated[int, Query(ge=-(2 ** 63), le=2 ** 63 - 1, description="a step /api/images lists")]
Index = Annotated[int, Query(ge=0, lt=MAX_SAMPLES_PER_STEP, description="the sample's index in its step")]
Version = Annotated[str | None, Query(max_length=64, pattern="^[0-9a-f]+$",
                                      description="the sample's digest, as its url has it")]
Download = Annotated[bool, Query(description="send as an attachment (Content-Disposition)")]
FOREVER = "private, max-age=31536000, immutable"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "audio/wav": "wav",
              "audio/ogg": "ogg", "audio/flac": "flac", "audio/mpeg": "mp3"}
_RANGE = re.compile(r"bytes=(\d{0,18})-(\d{0,18})")  # 18 digits: int() stays cheap


def blob_url(kind: str, run: str, tag: str, step: int, index: int, digest: str) -> str:
    query = urlencode({"run": run, "tag": tag, "step": step, "index": index, "v": digest})
    return f"/api/{kind}/blob?{query}"


def _sample_json(kind: str, run: str, tag: str, step: int, index: int, s: StoredSample) -> dict:
    out = {"index": index, "content_type": s.content_type, "size": s.size,
           "url": blob_url(kind, run, tag, step, index, s.digest)}
    if kind == "images":
        out.update(width=s.width, height=s.height)
    else:
        out.update(label=s.label, sample_rate=float_name(s.sample_rate), channels=s.channels,
                   frames=s.frames,
                   duration=float_name(s.frames / s.sample_rate) if s.sample_rate and s.frames else None)
    return out


def blob_steps_impl(provider: DataProvider, kind: str, run: str, tag: str) -> dict:
    """{"run", "tag", "steps": [{"step", "wall_time", "samples": [...]}]}, oldest step first."""
    return {"run": run, "tag": tag, "steps": [
        {"step": item.step, "wall_time": float_name(item.wall_time),
         "samples": [_sample_json(kind, run, tag, item.step, i, s) for i, s in enumerate(item.samples)]}
        for item in provider.blob_steps(run, kind, tag)]}


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """The (first, last) byte a single ``Range`` asks for; None to send everything (no header,
    several ranges, not bytes); "unsatisfiable" when it lies past the end."""
    match = _RANGE.fullmatch(header.strip()) if header else None
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # the last N bytes
        n = min(int(last), size)
        return (size - n, size - 1) if n else "unsatisfiable"
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def blob_response(request: Request, provider: DataProvider, kind: str, run: str, tag: str, step: int,
                  index: int, v: str | None, download: bool) -> Response:
    sample, data = provider.blob(run, kind, tag, step, index)
    etag = f'"{sample.digest}"'
    headers = {"ETag": etag, "Accept-Ranges": "bytes",
               "Cache-Control": FOREVER if v == sample.digest else "no-cache"}
    if download:
        name = f"{run}_{tag}_step{step}_{index}".replace("/", "_")[:MAX_FILENAME]
        headers["Content-Disposition"] = content_disposition(f"{name}.{EXTENSIONS[sample.content_type]}")
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    wanted = _byte_range(request.headers.get("range"), len(data))
    if wanted == "unsatisfiable":
        return JSON({"detail": f"range {request.headers['range']!r} lies outside the {len(data)} bytes"},
                    status_code=416, headers={"Content-Range": f"bytes */{len(data)}"})
    if wanted is None:
        return Response(data, media_type=sample.content_type, headers=headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    return Response(data[first:last + 1], status_code=206, media_type=sample.content_type, headers=headers)


@router.get("/images")
def images(provider: Provider, run: Run, tag: Tag):
    return JSON(blob_steps_impl(provider, "images", run, tag))


@router.get("/images/blob")
def image_blob(request: Request, provider: Provider, run: Run, tag: Tag, step: Step, index: Index = 0,
               v: Version = None, download: Download = False):
    return blob_response(request, provider, "images", run, tag, step, index, v, download)


@router.get("/audio")
def audio(provider: Provider, run: Run, tag: Tag):
    return JSON(blob_steps_impl(provider, "audio", run, tag))


@router.get("/audio/blob")
def audio_blob(request: Request, provider: Provider, run: Run, tag: Tag, step: Step, index: Index = 0,
               v: Version = None, download: Download = False):
    return blob_response(request, provider, "audio", run, tag, step, index, v, download)
