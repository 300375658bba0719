"""``SummaryWriter``'s image methods: images, image grids, boxes, matplotlib figures, videos.

Written as ``torch.utils.tensorboard`` writes them (v1 ``Summary.Image`` values under the tag as
given), so TensorBoard's Images dashboard shows them.
"""

from __future__ import annotations

import numpy as np

from engine.summary.arrays import as_numpy, warn_once
from tfevents import media_summaries


class ImageMethods:
    """Mixed into ``SummaryWriter``: needs ``add_summary``."""

    def add_image(self, tag: str, img_tensor, global_step: int | None = None,
                  walltime: float | None = None, dataformats: str = "CHW") -> None:
        """One image: float in 0..1 or uint8 in 0..255, laid out as ``dataformats`` (CHW, HWC,
        HW, WH...; a 4-D format tiles a batch)."""
        array = as_numpy(img_tensor)
        self.add_summary(media_summaries.image(tag, array, dataformats), global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step: int | None = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        """A batch of images tiled 8 to a row into one image. A list of same-sized images
        (CHW or HWC, as tensorboardX accepts) is stacked first."""
        if isinstance(img_tensor, (list, tuple)):
            img_tensor = np.stack([as_numpy(x) for x in img_tensor])
            if len(dataformats) == 3:
                dataformats = "N" + dataformats
        array = as_numpy(img_tensor)
        self.add_summary(media_summaries.image(tag, array, dataformats), global_step, walltime)

    def add_image_with_boxes(self, tag: str, img_tensor, box_tensor, global_step: int | None = None,
                             walltime: float | None = None, rescale: float = 1, dataformats: str = "CHW",
                             labels=None, **kwargs) -> None:
        """An image with red boxes ``[N, 4]`` of (xmin, ymin, xmax, ymax) pixels, each with an
        optional label. ``rescale`` resizes the picture (the proto keeps the original size)."""
        if kwargs:
            warn_once(f"boxes:{sorted(kwargs)}", f"add_image_with_boxes: ignoring {sorted(kwargs)}")
        boxes = as_numpy(box_tensor).reshape(-1, 4)
        if labels is not None:
            labels = [labels] if isinstance(labels, str) else list(labels)
            if len(labels) != boxes.shape[0]:
                warn_once("boxes:labels", f"add_image_with_boxes: {len(labels)} labels for "
                          f"{boxes.shape[0]} boxes; drawing no labels (as PyTorch does)")
                labels = None
        summary = media_summaries.image(tag, as_numpy(img_tensor), dataformats, rescale, boxes, labels)
        self.add_summary(summary, global_step, walltime)

    def add_figure(self, tag: str, figure, global_step: int | None = None, close: bool = True,
                   walltime: float | None = None) -> None:
        """A matplotlib figure (or a list of them, tiled) rendered as an image; needs matplotlib."""
        if isinstance(figure, (list, tuple)):
            images = np.stack([media_summaries.figure_to_chw(f, close) for f in figure])
            self.add_image(tag, images, global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, media_summaries.figure_to_chw(figure, close), global_step, walltime,
                           dataformats="CHW")

    def add_video(self, tag: str, vid_tensor, global_step: int | None = None, fps: float = 4,
                  walltime: float | None = None, dataformats: str = "NTCHW") -> None:
        """Video ``[N, T, C, H, W]`` (float 0..1 or uint8) as an animated GIF, the N clips tiled.
        Encoded by ``tfevents.gif`` (PyTorch needs moviepy for the same GIF)."""
        array = as_numpy(vid_tensor)
        fmt = dataformats.upper()
        if sorted(fmt) != sorted("NTCHW"):
            raise ValueError(f"video dataformats must order the letters NTCHW, got {dataformats!r}")
        if array.ndim != 5:
            raise ValueError(f"video must be 5-D ({dataformats}), got shape {array.shape}")
        array = array.transpose([fmt.index(c) for c in "NTCHW"])
        self.add_summary(media_summaries.video(tag, array, fps), global_step, walltime)
