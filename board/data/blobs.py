"""A run's images and audio: a reservoir of steps per (kind, tag), each step's samples as
references to blobs kept once per run.

Like TensorBoard, each tag keeps a uniform sample of its steps (10 by default, always the newest
and the oldest; ``--samples_per_plugin images=N``), and the restart rule applies. The encoded
bytes live in one table keyed by their digest, counted by reference: an image logged unchanged
at every step is held once, and a blob is freed when the last step that shows it leaves its
reservoir. The digest also names the blob in URLs, so browsers may cache it for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from board.data.sampling import DEFAULT_KEPT, KINDS
from board.data.stores import Reservoir
from tfevents.blobs import Blobs


@dataclass(frozen=True)
class StoredSample:
    digest: str
    content_type: str
    size: int
    width: int = 0
    height: int = 0
    label: str = ""
    sample_rate: float = 0.0
    channels: int = 0
    frames: int = 0


@dataclass(frozen=True)
class StepSamples:
    step: int
    wall_time: float
    samples: tuple[StoredSample, ...]


class BlobStore:
    """Images and audio of one run; guarded by its ``RunStore``'s lock."""

    def __init__(self, kept: dict[str, int] | None = None):
        self.kept = {**DEFAULT_KEPT, **(kept or {})}
        self.tags: dict[str, dict[str, Reservoir]] = {kind: {} for kind in KINDS}
        self.blobs: dict[str, list] = {}  # digest -> [bytes, references]
        self.nbytes = 0

    def add(self, item: Blobs) -> None:
        tags = self.tags[item.kind]
        res = tags.get(item.tag)
        if res is None:
            res = tags[item.tag] = Reservoir(self.kept[item.kind])
        samples = tuple(self._hold(s) for s in item.samples)
        before = list(res.items)
        res.add(StepSamples(item.step, item.wall_time, samples))
        self._release_gone(before, res.items)

    def purge(self, step: int) -> None:
        for tags in self.tags.values():
            for res in tags.values():
                before = list(res.items)
                res.purge(step)
                self._release_gone(before, res.items)

    def tag_names(self, kind: str) -> list[str]:
        return sorted(t for t, r in self.tags[kind].items() if len(r))

    def steps(self, kind: str, tag: str) -> list[StepSamples] | None:
        res = self.tags[kind].get(tag)
        return list(res.items) if res is not None and len(res) else None

    def blob(self, kind: str, tag: str, step: int, index: int) -> tuple[StoredSample, bytes] | None:
        for item in self.steps(kind, tag) or ():
            if item.step == step:
                if 0 <= index < len(item.samples):
                    sample = item.samples[index]
                    return sample, self.blobs[sample.digest][0]
                return None
        return None

    def _hold(self, s) -> StoredSample:
        digest = hashlib.blake2b(s.data, digest_size=12).hexdigest()
        held = self.blobs.get(digest)
        if held is None:
            self.blobs[digest] = [s.data, 1]
            self.nbytes += len(s.data)
        else:
            held[1] += 1
        return StoredSample(digest, s.content_type, len(s.data), s.width, s.height, s.label,
                            s.sample_rate, s.channels, s.frames)

    def _release_gone(self, before: list, after: list) -> None:
        """Let go of the blobs of the steps that left a reservoir (the one added always stays)."""
        kept = {id(i) for i in after}
        for item in before:
            if id(item) not in kept:
                self._release(item)

    def _release(self, item: StepSamples) -> None:
        for sample in item.samples:
            held = self.blobs[sample.digest]
            held[1] -= 1
            if not held[1]:
                del self.blobs[sample.digest]
                self.nbytes -= len(held[0])
