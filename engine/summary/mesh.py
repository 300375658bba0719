"""``SummaryWriter.add_mesh``: point clouds and triangle meshes for the mesh plugin."""

from __future__ import annotations

from engine.summary.arrays import as_numpy
from tfevents import plugin_summaries


class MeshMethods:
    """Mixed into ``SummaryWriter``: needs ``add_summary``."""

    def add_mesh(self, tag: str, vertices, colors=None, faces=None, config_dict=None,
                 global_step: int | None = None, walltime: float | None = None) -> None:
        """Vertices ``[B, N, 3]``, optional per-vertex colours ``[B, N, 3]`` (0..255) and
        triangles ``[B, F, 3]`` of vertex indices; ``config_dict`` is three.js scene config."""
        parts = [None if a is None else as_numpy(a) for a in (vertices, colors, faces)]
        summary = plugin_summaries.mesh(tag, parts[0], parts[1], parts[2], config_dict)
        self.add_summary(summary, global_step, walltime)
