"""Meshes and point clouds (``tfevents.meshes``): the kept steps of a mesh with their shapes and
scene configuration, one sample's vertices, faces and colours, and TensorBoard's own mesh routes
(tensorboard/plugins/mesh/mesh_plugin.py: ``/data/plugin/mesh/tags``, ``meshes``, ``data``) in its
shapes, for scripts written against it.

A step whose parts do not fit together (a face naming a vertex that is not there, colours for a
different number of vertices, a part the mesh says it has but never wrote) is listed with its
``problem``, and asking for its data is a 400 saying the same: never a half-drawn mesh.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from board.api.deps import Provider, Run, Tag
from board.data.provider import DataProvider, NotFoundError
from board.jsonutil import JSON, float_name
from tfevents import meshes
from tfevents.proto import plugin_data_pb2

router = APIRouter(tags=["meshes"], default_response_class=JSON)

# Numbers one answer may carry (vertices, faces and colours, 3 each): about 40 MB of JSON.
MAX_MESH_VALUES = 3_000_000
Step = Annotated[int, Query(ge=-(1 << 63), lt=1 << 63, description="a step /api/meshes lists")]
Sample = Annotated[int, Query(ge=0, lt=1 << 31, description="which sample of the step's batch")]
CONTENT_TYPES = {name: kind for kind, name in meshes.KINDS.items()}


def _entry(group: meshes.MeshStep) -> dict:
    config, config_problem = meshes.config(group)
    vertices = group.parts.get("vertices")
    faces = group.parts.get("faces")
    return {"step": group.step, "wall_time": float_name(group.wall_time),
            "samples": int(vertices.data.shape[0]) if vertices is not None else 0,
            "vertices": int(vertices.data.shape[1]) if vertices is not None else 0,
            "faces": int(faces.data.shape[1]) if faces is not None else 0,
            "colors": "colors" in group.parts,
            "components": [k for k, bit in meshes.BITS.items() if meshes.components(group) & bit],
            "config": config, "config_problem": config_problem,
            "problem": meshes.group_problem(group)}


def meshes_impl(provider: DataProvider, run: str, tag: str) -> dict:
    return {"run": run, "tag": tag, "steps": [_entry(g) for g in provider.meshes(run, tag)]}


def _find(provider: DataProvider, run: str, tag: str, step: int) -> meshes.MeshStep:
    for group in provider.meshes(run, tag):
        if group.step == step:
            return group
    raise NotFoundError(f"run {run!r} mesh {tag!r} has no kept step {step} (/api/meshes lists them)")


def mesh_data_impl(provider: DataProvider, run: str, tag: str, step: int, sample: int) -> dict:
    group = _find(provider, run, tag, step)
    problem = meshes.group_problem(group)
    if problem is not None:
        raise HTTPException(400, f"mesh {tag!r} of run {run!r} cannot be drawn: {problem}")
    samples = group.parts["vertices"].data.shape[0]
    if sample >= samples:
        raise NotFoundError(f"run {run!r} mesh {tag!r} step {step} has {samples} samples "
                            f"(0 to {samples - 1}), not sample {sample}")
    values = sum(p.data[sample].size for p in group.parts.values())
    if values > MAX_MESH_VALUES:
        raise HTTPException(400, f"mesh {tag!r} step {step} holds {values:,} numbers, more than the "
                                 f"{MAX_MESH_VALUES:,} an answer may carry; /data/plugin/mesh/data "
                                 "serves each part as binary")
    out = {"run": run, "tag": tag, "step": step, "wall_time": float_name(group.wall_time),
           "sample": sample, "config": meshes.config(group)[0]}
    for kind in meshes.DTYPES:
        part = group.parts.get(kind)
        out[kind] = part.data[sample].reshape(-1).tolist() if part is not None else None
    return out


@router.get("/api/meshes")
def meshes_route(provider: Provider, run: Run, tag: Tag):
    return JSON(meshes_impl(provider, run, tag))


@router.get("/api/meshes/data")
def mesh_data_route(provider: Provider, run: Run, tag: Tag, step: Step, sample: Sample = 0):
    return JSON(mesh_data_impl(provider, run, tag, step, sample))


# TensorBoard's routes. Its answers are keyed by the mesh's name; a part's metadata entry names
# its content type by number, as plugin_data.proto does.
@router.get("/data/plugin/mesh/tags")
def tb_tags(provider: Provider):
    out = {}
    index = provider.tags()
    for run in provider.run_names():
        tags = index.get(run, {}).get("meshes", [])
        out[run] = {}
        for tag in tags:
            groups = provider.meshes(run, tag)
            first = next(iter(groups[-1].parts.values()))
            out[run][tag] = {"samples": int(first.data.shape[0])}
    return JSON(out)


@router.get("/data/plugin/mesh/meshes")
def tb_meshes(provider: Provider, run: Run, tag: Tag):
    out = []
    for group in provider.meshes(run, tag):
        for kind, part in sorted(group.parts.items(), key=lambda kv: CONTENT_TYPES[kv[0]]):
            out.append({"wall_time": part.wall_time, "step": group.step,
                        "content_type": CONTENT_TYPES[kind], "components": part.components,
                        "config": part.config, "data_shape": list(part.data.shape)})
    return JSON(out)


@router.get("/data/plugin/mesh/data")
def tb_data(provider: Provider, run: Run, tag: Tag, content_type: Annotated[str, Query(max_length=16)],
            step: Step = 0, sample: Sample = 0):
    try:
        kind = meshes.KINDS[plugin_data_pb2.MeshPluginData.ContentType.Value(content_type)]
    except (ValueError, KeyError):
        raise HTTPException(400, f"content_type must be VERTEX, FACE or COLOR, got {content_type!r}"
                            ) from None
    part = _find(provider, run, tag, step).parts.get(kind)
    if part is None:
        return Response(b"", media_type="application/octet-stream")
    if sample >= part.data.shape[0]:
        raise NotFoundError(f"run {run!r} mesh {tag!r} step {step} has {part.data.shape[0]} samples, "
                            f"not sample {sample}")
    return Response(np.ascontiguousarray(part.data[sample]).tobytes(), media_type="application/octet-stream")
