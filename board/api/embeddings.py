"""The embedding projector's routes (board/api/http_api.md, "Embeddings"): the embeddings each
run's ``projector_config.pbtxt`` lists, their tensors (float32 bytes, as TensorBoard's
``/data/plugin/projector/tensor`` serves them), metadata columns, sprite images, and the
projections the page draws: PCA, custom axes, t-SNE (a background job the page polls) and the
nearest neighbours of a point."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Annotated

import numpy as np
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from board.api.deps import Provider, Run
from board.data import projector
from board.data.projections import custom, neighbors, pca
from board.data.provider import DataProvider, NotFoundError
from board.data.tsne import MAX_TSNE_ITERATIONS, MAX_TSNE_POINTS
from board.data.tsne_jobs import BusyError, TsneJobs
from board.jsonutil import JSON

router = APIRouter(prefix="/api/embeddings", tags=["embeddings"], default_response_class=JSON)
Name = Annotated[str, Query(min_length=1, max_length=4096,
                            description="tensor name, as /api/embeddings lists it")]
Pattern = Annotated[str, Query(max_length=1000)]
_state_lock = threading.Lock()


def _shared(request: Request, attr: str, make):
    """One per app (on ``app.state``), made on first use."""
    with _state_lock:
        if not hasattr(request.app.state, attr):
            setattr(request.app.state, attr, make())
        return getattr(request.app.state, attr)


@contextmanager
def _answers():
    """A file problem as its 4xx with the reason; a bad setting as a 400."""
    try:
        yield
    except projector.ProjectorFileError as e:
        raise HTTPException(e.status, str(e)) from None
    except BusyError as e:
        raise HTTPException(503, str(e)) from None


def run_dir(provider: DataProvider, run: str) -> str:
    loader = provider.multiplexer.runs.get(run)
    if loader is None:
        raise NotFoundError(f"no run named {run!r}")
    return loader.path


def list_impl(provider: DataProvider) -> dict:
    runs = {}
    for name in provider.run_names():
        config = projector.find_config(run_dir(provider, name))
        if config is None:
            continue
        try:
            runs[name] = {"embeddings": [e.listing() for e in projector.read_config(config)], "problem": None}
        except projector.ProjectorFileError as e:
            runs[name] = {"embeddings": [], "problem": str(e)}
    return {"runs": runs}


def find_embedding(provider: DataProvider, run: str, name: str) -> projector.Embedding:
    config = projector.find_config(run_dir(provider, run))
    if config is None:
        raise NotFoundError(f"run {run!r} has no {projector.CONFIG_NAME}")
    for emb in projector.read_config(config):
        if projector.canonical(emb.name) == projector.canonical(name):
            return emb
    raise NotFoundError(f"run {run!r} has no embedding named {name!r}")


def points(request: Request, provider: DataProvider, run: str, name: str, finite: bool = True) -> np.ndarray:
    cache = _shared(request, "embedding_tensors", projector.TensorCache)
    tensor = cache.get(find_embedding(provider, run, name))
    if finite and not np.isfinite(tensor).all():
        row = int(np.flatnonzero(~np.isfinite(tensor).all(axis=1))[0])
        raise projector.ProjectorFileError(f"tensor row {row + 1} holds NaN or infinity; projections "
                                           "need finite values")
    return tensor


def _coords(array: np.ndarray) -> list:
    return np.round(np.asarray(array, dtype=np.float64), 5).tolist()


@router.get("")
def embeddings(provider: Provider):
    return JSON(list_impl(provider))


@router.get("/tensor")
def tensor(request: Request, provider: Provider, run: Run, name: Name,
           num_rows: Annotated[int | None, Query(ge=1)] = None):
    """Row-major float32 bytes; ``X-Tensor-Shape: N,D`` gives the shape."""
    with _answers():
        t = points(request, provider, run, name, finite=False)
    if num_rows:
        t = t[:num_rows]
    return Response(np.ascontiguousarray(t, dtype="<f4").tobytes(), media_type="application/octet-stream",
                    headers={"X-Tensor-Shape": f"{t.shape[0]},{t.shape[1]}"})


@router.get("/metadata")
def metadata(request: Request, provider: Provider, run: Run, name: Name):
    with _answers():
        emb = find_embedding(provider, run, name)
        n = points(request, provider, run, name, finite=False).shape[0]
        return JSON({"run": run, "name": emb.name, **projector.read_metadata(emb, n)})


@router.get("/sprite")
def sprite(provider: Provider, run: Run, name: Name):
    with _answers():
        data, media_type = projector.read_sprite(find_embedding(provider, run, name))
    return Response(data, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/pca")
def pca_route(request: Request, provider: Provider, run: Run, name: Name,
              components: Annotated[int, Query(ge=1, le=10)] = 3):
    with _answers():
        result = pca(points(request, provider, run, name), components)
    return JSON({"coords": _coords(result["coords"]), "variance_explained": result["variance_explained"],
                 "fitted_on": result["fitted_on"]})


def _mask(values: list[str], pattern: str, what: str) -> np.ndarray:
    import re

    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise HTTPException(400, f"{what}: {pattern!r} is not a regular expression ({e})") from None
    return np.array([regex.search(v) is not None for v in values], dtype=bool)


@router.get("/custom")
def custom_route(request: Request, provider: Provider, run: Run, name: Name, column: Name,
                 x_left: Pattern, x_right: Pattern, y_left: Pattern = "", y_right: Pattern = ""):
    """Axes from the mean of the points whose ``column`` matches ``*_left`` to the mean of those
    matching ``*_right`` (regexes); the y axis is optional."""
    with _answers():
        x = points(request, provider, run, name)
        columns = projector.read_metadata(find_embedding(provider, run, name), len(x))["columns"]
    values = next((c["values"] for c in columns if c["name"] == column), None)
    if values is None:
        raise HTTPException(400, f"no metadata column {column!r}; the columns are "
                                 f"{[c['name'] for c in columns]}")
    groups = [(_mask(values, x_left, "x_left"), _mask(values, x_right, "x_right"))]
    if y_left or y_right:
        groups.append((_mask(values, y_left, "y_left"), _mask(values, y_right, "y_right")))
    try:
        result = custom(x, groups)
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    return JSON({"coords": _coords(result["coords"])})


@router.get("/neighbors")
def neighbors_route(request: Request, provider: Provider, run: Run, name: Name,
                    index: Annotated[int, Query(ge=0)], k: Annotated[int, Query(ge=1, le=1000)] = 10):
    with _answers():
        x = points(request, provider, run, name)
    if index >= len(x):
        raise HTTPException(400, f"index {index} is past the last point ({len(x) - 1})")
    found = neighbors(x, index, k)
    return JSON({"index": index, **{metric: [{"index": i, "distance": round(d, 6)} for i, d in pairs]
                                    for metric, pairs in found.items()}})


@router.get("/tsne")
def tsne_route(request: Request, provider: Provider, run: Run, name: Name,
               dims: Annotated[int, Query(ge=2, le=3)] = 2,
               perplexity: Annotated[float, Query(ge=2, le=100)] = 30.0,
               learning_rate: Annotated[float, Query(gt=0, le=10000)] = 200.0,
               iterations: Annotated[int, Query(ge=1, le=MAX_TSNE_ITERATIONS)] = 500,
               seed: Annotated[int, Query(ge=0, le=2**31)] = 0):
    """Starts the t-SNE of these settings if it is not running yet; its state and current layout."""
    jobs = _shared(request, "tsne_jobs", TsneJobs)
    with _answers():
        emb = find_embedding(provider, run, name)
    stamp = os.stat(emb.tensor_path).st_mtime_ns if emb.tensor_path and os.path.isfile(emb.tensor_path) else 0
    settings = {"dims": dims, "perplexity": perplexity, "learning_rate": learning_rate,
                "iterations": iterations, "seed": seed}

    def load() -> np.ndarray:
        x = points(request, provider, run, name)
        if len(x) > MAX_TSNE_POINTS:
            raise HTTPException(400, f"t-SNE on {len(x):,} points: at most {MAX_TSNE_POINTS:,} "
                                     "(exact t-SNE is O(N²)); use PCA")
        return x

    with _answers():
        return JSON(jobs.poll((emb.tensor_path, stamp, *settings.values()), load, settings))
