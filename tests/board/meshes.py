"""A logdir of meshes for the mesh API and page tests: PyTorch's ``SummaryWriter.add_mesh`` (a
coloured tetrahedron over steps, a batch of two coloured point clouds), TensorFlow's
``tensorboard.plugins.mesh.summary_v2.mesh`` through ``tf.summary`` (with a scene config), and
malformed records written by hand."""

from __future__ import annotations

import pathlib

import numpy as np

from engine.summary import SummaryWriter
from tfevents import plugin_summaries
from tfevents.proto import plugin_data_pb2

TETRA_V = np.array([[[1, 1, 1], [-1, -1, 1], [1, -1, -1], [-1, 1, -1]]], np.float32)
TETRA_F = np.array([[[0, 2, 3], [0, 3, 1], [0, 1, 2], [1, 3, 2]]], np.int32)
TETRA_C = np.array([[[255, 0, 0], [0, 200, 0], [0, 0, 255], [250, 200, 0]]], np.uint8)
STEPS = 3
CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 75},
          "lights": [{"cls": "AmbientLight", "color": "#ffffff", "intensity": 0.75}],
          "material": {"cls": "MeshStandardMaterial", "color": "#a0a0a0", "roughness": 1}}


def tetra(step: int) -> np.ndarray:
    return TETRA_V * (1 + step)


def cloud(step: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(step)
    return (rng.normal(size=(2, 300, 3)).astype(np.float32),
            rng.integers(0, 256, (2, 300, 3)).astype(np.uint8))


def write_torch(root: pathlib.Path) -> None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with TorchWriter(str(root / "torch")) as w:
        for step in range(STEPS):
            w.add_mesh("tetra", vertices=tetra(step), faces=TETRA_F, colors=TETRA_C, global_step=step,
                       walltime=1e9 + step)
            v, c = cloud(step)
            w.add_mesh("cloud", vertices=v, colors=c, global_step=step, walltime=1e9 + step)


def write_tf(root: pathlib.Path) -> None:
    import tensorflow as tf
    from tensorboard.plugins.mesh import summary_v2

    writer = tf.summary.create_file_writer(str(root / "tf"))
    with writer.as_default():
        for step in range(2):
            summary_v2.mesh("shape", vertices=tf.constant(tetra(step)), faces=tf.constant(TETRA_F),
                            colors=tf.constant(TETRA_C), config_dict=CONFIG, step=step)
    writer.close()


def write_bad(root: pathlib.Path) -> None:
    """Faces naming a vertex that is not there, a tensor shorter than its shape, a part the
    mesh says it has but never wrote, a batch of no samples, an unknown content type."""
    with SummaryWriter(root / "bad") as w:
        w.add_summary(plugin_summaries.mesh("bad_faces", TETRA_V[:, :3], faces=np.array([[[0, 1, 5]]])), 1)
        short = plugin_summaries.mesh("short", TETRA_V)
        short.value[0].tensor.tensor_shape.dim[1].size = 1_000_000
        w.add_summary(short, 1)
        partial = plugin_summaries.mesh("partial", TETRA_V, faces=TETRA_F)
        del partial.value[1]  # the faces
        w.add_summary(partial, 1)
        w.add_summary(plugin_summaries.mesh("empty", np.zeros((0, 4, 3))), 1)
        odd = plugin_summaries.mesh("odd", TETRA_V)
        data = plugin_data_pb2.MeshPluginData.FromString(odd.value[0].metadata.plugin_data.content)
        data.content_type = 0
        odd.value[0].metadata.plugin_data.content = data.SerializeToString()
        w.add_summary(odd, 1)


def mesh_logdir(root: pathlib.Path, tf: bool = True) -> pathlib.Path:
    write_torch(root)
    if tf:
        write_tf(root)
    write_bad(root)
    return root
