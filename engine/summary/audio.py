"""``SummaryWriter.add_audio``: a mono clip as a 16-bit WAV ``Summary.Audio``, as PyTorch writes it."""

from __future__ import annotations

from engine.summary.arrays import as_numpy
from tfevents import media_summaries


class AudioMethods:
    """Mixed into ``SummaryWriter``: needs ``add_summary``."""

    def add_audio(self, tag: str, snd_tensor, global_step: int | None = None, sample_rate: int = 44100,
                  walltime: float | None = None) -> None:
        """Sound ``[1, L]`` (or anything that squeezes to ``[L]``), or stereo ``[L, 2]`` as
        tensorboardX takes it, in -1..1 at ``sample_rate`` Hz."""
        summary = media_summaries.audio(tag, as_numpy(snd_tensor), int(sample_rate))
        self.add_summary(summary, global_step, walltime)
