"""``SummaryWriter.add_embedding``: the embedding projector's files, laid out as PyTorch writes
them: ``<logdir>/<step:05d>/<tag>/tensors.tsv`` (+ ``metadata.tsv``, ``sprite.png``) and one
``<logdir>/projector_config.pbtxt`` listing every embedding this writer added."""

from __future__ import annotations

import math
import os

import numpy as np
from google.protobuf import text_format

from engine.summary.arrays import as_numpy, warn_once
from tfevents import media_summaries
from tfevents.proto import projector_config_pb2

CONFIG_NAME = "projector_config.pbtxt"


def encode_tag(tag: str) -> str:
    """The tag as one folder name: ``%``, ``/`` and ``\\`` percent-encoded (PyTorch's ``_encode``)."""
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def metadata_tsv(metadata, header=None) -> bytes:
    """One label a line; with ``header``, a header line and tab-separated columns."""
    if not header:
        lines = [str(x) for x in metadata]
    else:
        if len(header) != len(metadata[0]):
            raise ValueError(f"metadata_header has {len(header)} columns but metadata rows have "
                             f"{len(metadata[0])}")
        lines = ["\t".join(str(e) for e in row) for row in [header, *metadata]]
    return ("\n".join(lines) + "\n").encode("utf-8")


def tensors_tsv(mat: np.ndarray) -> bytes:
    return "".join("\t".join(str(x) for x in row.tolist()) + "\n" for row in mat).encode("utf-8")


def sprite_png(label_img: np.ndarray) -> bytes:
    """The thumbnails ``[N, C, H, W]`` tiled ceil(sqrt(N)) to a row on a square canvas, scaled by
    255 as PyTorch does (so its images are expected as float 0..1)."""
    per_row = math.ceil(label_img.shape[0] ** 0.5)
    grid = media_summaries.make_grid(label_img, ncols=per_row)[:3]
    square = np.zeros((grid.shape[2], grid.shape[2], 3))
    hwc = grid.transpose(1, 2, 0)
    square[:hwc.shape[0]] = hwc[:square.shape[0]]
    return media_summaries.png_bytes_of(np.uint8((square * 255).clip(0, 255)))


class ProjectorMethods:
    """Mixed into ``SummaryWriter``: needs ``logdir``."""

    def add_embedding(self, mat, metadata=None, label_img=None, global_step: int | None = None,
                      tag: str = "default", metadata_header=None) -> None:
        """Points ``mat`` ``[N, D]`` for the projector, with optional labels (``metadata``, one
        per point, or rows under ``metadata_header``) and thumbnails ``label_img`` ``[N, C, H, W]``."""
        mat = as_numpy(mat)
        step = 0 if global_step is None else int(global_step)
        subdir = f"{str(step).zfill(5)}/{encode_tag(tag)}"
        save_path = os.path.join(self.logdir, subdir)
        if os.path.isdir(save_path):
            warn_once(f"embedding:{save_path}", f"add_embedding: {save_path} exists and is "
                      "overwritten; give each embedding its own global_step or tag")
        elif os.path.exists(save_path):
            raise NotADirectoryError(f"{save_path} exists but is a file; cannot write the embedding there")
        if mat.ndim != 2:
            raise ValueError(f"mat must be 2-D [points, features], got shape {mat.shape}")
        if metadata is not None and len(metadata) != mat.shape[0]:
            raise ValueError(f"metadata has {len(metadata)} labels for {mat.shape[0]} points")
        images = None if label_img is None else as_numpy(label_img)
        if images is not None and (images.ndim != 4 or images.shape[0] != mat.shape[0]):
            raise ValueError(f"label_img must be [N, C, H, W] with N = {mat.shape[0]}, got shape "
                             f"{images.shape}")
        os.makedirs(save_path, exist_ok=True)
        files = {"tensors.tsv": tensors_tsv(mat)}
        if metadata is not None:
            files["metadata.tsv"] = metadata_tsv(metadata, metadata_header)
        if images is not None:
            files["sprite.png"] = sprite_png(images)
        for name, data in files.items():
            with open(os.path.join(save_path, name), "wb") as f:
                f.write(data)
        info = projector_config_pb2.EmbeddingInfo(tensor_name=f"{tag}:{str(step).zfill(5)}",
                                                  tensor_path=f"{subdir}/tensors.tsv")
        if metadata is not None:
            info.metadata_path = f"{subdir}/metadata.tsv"
        if images is not None:
            info.sprite.image_path = f"{subdir}/sprite.png"
            info.sprite.single_image_dim.extend([images.shape[3], images.shape[2]])
        config = getattr(self, "_projector_config", None)
        if config is None:
            config = self._projector_config = projector_config_pb2.ProjectorConfig()
        config.embeddings.append(info)
        with open(os.path.join(self.logdir, CONFIG_NAME), "wb") as f:
            f.write(text_format.MessageToString(config).encode("utf-8"))
