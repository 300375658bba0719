"""How a run's store groups mesh parts: the parts of one step join (TensorFlow writes each in an
event of its own), a part written again at a kept step is a restart (the steps from there are
dropped, as for every kind), and the kept steps are bounded and always hold the newest."""

from __future__ import annotations

import numpy as np

from board.data.stores import MESHES_KEPT, RunStore
from tfevents.meshes import MeshPart


def part(step: int, kind: str, n: int = 4) -> MeshPart:
    dtype = {"vertices": np.float32, "faces": np.int32, "colors": np.uint8}[kind]
    return MeshPart("m", f"m_{kind.upper()}", step, 1e9 + step, kind, 14, "{}", np.zeros((1, n, 3), dtype))


def kept(store: RunStore) -> list[tuple[int, list[str]]]:
    return [(g.step, sorted(g.parts)) for g in store.meshes["m"].items]


def test_parts_of_a_step_join_and_a_part_written_again_restarts():
    store = RunStore()
    for step in (0, 1, 2):
        for kind in ("vertices", "faces", "colors"):
            store.add_mesh_part(part(step, kind))
    assert kept(store) == [(s, ["colors", "faces", "vertices"]) for s in (0, 1, 2)]
    store.add_mesh_part(part(1, "vertices", n=5))  # the job restarted from step 1
    assert kept(store) == [(0, ["colors", "faces", "vertices"]), (1, ["vertices"])]
    assert store.meshes["m"].items[-1].parts["vertices"].data.shape == (1, 5, 3)
    store.purge(1)  # a SessionLog START at step 1
    assert kept(store) == [(0, ["colors", "faces", "vertices"])]


def test_kept_steps_are_bounded_and_hold_the_newest():
    store = RunStore()
    for step in range(3 * MESHES_KEPT):
        store.add_mesh_part(part(step, "vertices"))
        store.add_mesh_part(part(step, "faces"))
    steps = [s for s, parts in kept(store)]
    assert len(steps) == MESHES_KEPT and steps[-1] == 3 * MESHES_KEPT - 1 and steps == sorted(steps)
    assert all(parts == ["faces", "vertices"] for _, parts in kept(store))
