"""Summary protos of images, videos and audio, laid out as ``torch.utils.tensorboard`` writes them
(v1 ``Summary.Image`` / ``Summary.Audio`` values, no plugin metadata), and the array plumbing
PyTorch applies first: data formats, the image grid, float 0..1 versus uint8 0..255.

Pure numpy; Pillow is used only where PyTorch's pixels come from Pillow (resizing, boxes).
"""

from __future__ import annotations

import io
import math
import warnings

import numpy as np

from tfevents import media
from tfevents.gif import encode_gif
from tfevents.proto import summary_pb2


def to_uint8(array: np.ndarray) -> np.ndarray:
    """PyTorch's rule: uint8 is taken as 0..255, anything else as 0..1; then clipped."""
    scale = 1 if array.dtype == np.uint8 else 255
    return (array.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def make_grid(nchw: np.ndarray, ncols: int = 8) -> np.ndarray:
    """``[N, C, H, W]`` (C 1 or 3; 4 keeps alpha) tiled row by row into one ``[C, H*rows, W*cols]``
    image, ``ncols`` a row, empty cells black (PyTorch's ``make_grid``)."""
    if nchw.ndim != 4:
        raise ValueError(f"a batch of images is 4-D, got shape {nchw.shape}")
    if nchw.shape[1] == 1:
        nchw = np.concatenate([nchw, nchw, nchw], 1)
    if nchw.shape[1] not in (3, 4):
        raise ValueError(f"images need 1, 3 or 4 channels, got {nchw.shape[1]} (shape {nchw.shape})")
    count, channels, height, width = nchw.shape
    ncols = max(1, min(count, ncols))
    nrows = math.ceil(count / ncols)
    canvas = np.zeros((channels, height * nrows, width * ncols), dtype=nchw.dtype)
    for i in range(count):
        y, x = divmod(i, ncols)
        canvas[:, y * height:(y + 1) * height, x * width:(x + 1) * width] = nchw[i]
    return canvas


def convert_to_hwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """An image or batch in ``dataformats`` (NCHW, NHWC, CHW, HWC, HW, WH, ...) as one HxWxC image:
    a batch becomes a grid, one channel or HW becomes grey RGB."""
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set("NCHW") or not {"H", "W"} <= set(fmt):
        raise ValueError(f"dataformats must be letters of NCHW, each once, with H and W; got "
                         f"{dataformats!r}")
    if array.ndim != len(fmt):
        raise ValueError(f"image of shape {array.shape} does not match dataformats {dataformats!r}")
    if len(fmt) == 4:
        return make_grid(array.transpose([fmt.find(c) for c in "NCHW"])).transpose(1, 2, 0)
    if len(fmt) == 3:
        if "N" in fmt:
            raise ValueError(f"3-D dataformats are CHW-like (no N), got {dataformats!r}")
        hwc = array.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, 2) if hwc.shape[2] == 1 else hwc
    hw = array.transpose([fmt.find(c) for c in "HW"])
    return np.stack([hw, hw, hw], 2)


def _resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    try:
        from PIL import Image
    except ImportError:
        warnings.warn("rescale without Pillow resizes by nearest neighbour (PyTorch uses Lanczos)",
                      stacklevel=4)
        rows = (np.arange(height) * image.shape[0] // max(height, 1)).clip(0, image.shape[0] - 1)
        cols = (np.arange(width) * image.shape[1] // max(width, 1)).clip(0, image.shape[1] - 1)
        return image[rows][:, cols]
    picture = Image.fromarray(image[:, :, 0] if image.shape[2] == 1 else image)
    resized = np.asarray(picture.resize((width, height), Image.Resampling.LANCZOS))
    return resized[:, :, None] if resized.ndim == 2 else resized


def _draw_boxes(image: np.ndarray, boxes: np.ndarray, labels) -> np.ndarray:
    """Red 2-pixel boxes (xmin, ymin, xmax, ymax) with an optional label each, as PyTorch draws them."""
    try:
        from PIL import Image, ImageDraw, ImageFont
    except ImportError:
        if labels is not None:
            warnings.warn("box labels need Pillow; drawing the boxes without them", stacklevel=4)
        out = image.copy()
        for x0, y0, x1, y1 in np.round(boxes).astype(int):
            x0, x1 = sorted((max(x0, 0), min(x1, image.shape[1] - 1)))
            y0, y1 = sorted((max(y0, 0), min(y1, image.shape[0] - 1)))
            for rows, cols in (((y0, y0 + 2), (x0, x1 + 1)), ((y1 - 1, y1 + 1), (x0, x1 + 1)),
                               ((y0, y1 + 1), (x0, x0 + 2)), ((y0, y1 + 1), (x1 - 1, x1 + 1))):
                out[max(rows[0], 0):rows[1], cols[0]:cols[1], :3] = (255, 0, 0)
        return out
    picture = Image.fromarray(image)
    draw, font = ImageDraw.Draw(picture), ImageFont.load_default()
    for i, (left, top, right, bottom) in enumerate(boxes):
        draw.line([(left, top), (left, bottom), (right, bottom), (right, top), (left, top)],
                  width=2, fill="Red")
        label = None if labels is None else labels[i]
        if label:
            x0, y0, x1, y1 = font.getbbox(label)
            text_w, text_h = x1 - x0, y1 - y0
            margin = np.ceil(0.05 * text_h)
            draw.rectangle([(left, bottom - text_h - 2 * margin), (left + text_w, bottom)], fill="Red")
            draw.text((left + margin, bottom - text_h - margin), label, fill="black", font=font)
    return np.asarray(picture)


def image_proto(hwc: np.ndarray, rescale: float = 1, boxes=None, labels=None) -> summary_pb2.Summary.Image:
    """A ``Summary.Image`` (PNG) of an HxWxC uint8 image. As in PyTorch, height and width are the
    image's before ``rescale``."""
    height, width, channels = hwc.shape
    pixels = hwc
    if boxes is not None:
        pixels = _draw_boxes(pixels, np.asarray(boxes, dtype=np.float64).reshape(-1, 4), labels)
    if rescale != 1:
        pixels = _resize(pixels, int(height * rescale), int(width * rescale))
    return summary_pb2.Summary.Image(height=height, width=width, colorspace=channels,
                                     encoded_image_string=media.encode_png(pixels))


def image(tag: str, array: np.ndarray, dataformats: str = "NCHW", rescale: float = 1,
          boxes=None, labels=None) -> summary_pb2.Summary:
    """PyTorch's ``add_image``/``add_images``/``add_image_with_boxes`` value."""
    hwc = to_uint8(convert_to_hwc(np.asarray(array), dataformats))
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, image=image_proto(hwc, rescale, boxes, labels))])


def prepare_video(video: np.ndarray) -> np.ndarray:
    """``[N, T, C, H, W]`` to ``[T, H', W', C]`` frames: the N clips tiled in a grid of
    2**floor(log2(N)/2) rows, N padded with black clips to a power of two (PyTorch's
    ``_prepare_video``). uint8 becomes float 0..1."""
    if video.ndim != 5:
        raise ValueError(f"video is [N, T, C, H, W], got shape {video.shape}")
    b, t, c, h, w = video.shape
    if video.dtype == np.uint8:
        video = np.float32(video) / 255.0
    if b & (b - 1):
        pad = 2 ** b.bit_length() - b
        video = np.concatenate((video, np.zeros((pad, t, c, h, w))), axis=0)
    n_rows = 2 ** ((b.bit_length() - 1) // 2)
    n_cols = video.shape[0] // n_rows
    video = video.reshape(n_rows, n_cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return video.reshape(t, n_rows * h, n_cols * w, c)


def video(tag: str, array: np.ndarray, fps: float = 4) -> summary_pb2.Summary:
    """An animated GIF of ``[N, T, C, H, W]`` video as a ``Summary.Image``."""
    frames = to_uint8(prepare_video(np.asarray(array)))
    _t, height, width, channels = frames.shape
    picture = summary_pb2.Summary.Image(height=height, width=width, colorspace=channels,
                                        encoded_image_string=encode_gif(frames, fps))
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=picture)])


def audio(tag: str, array: np.ndarray, sample_rate: int = 44100) -> summary_pb2.Summary:
    """Audio in -1..1 (clipped with a warning) as a 16-bit WAV: anything that squeezes to
    ``[L]`` (PyTorch's ``[1, L]``) is mono; ``[L, 2]`` is stereo (tensorboardX's layout)."""
    samples = np.asarray(array).squeeze()
    if samples.dtype not in (np.float32, np.float64):
        samples = samples.astype(np.float64)
    if not (samples.ndim == 1 or (samples.ndim == 2 and samples.shape[1] == 2)):
        raise ValueError(f"audio must squeeze to [L] (e.g. [1, L]) or be [L, 2] stereo, got shape "
                         f"{np.shape(array)}")
    if samples.size and np.abs(samples).max() > 1:
        warnings.warn(f"audio {tag!r}: amplitude outside -1..1, clipped", stacklevel=3)
    sound = summary_pb2.Summary.Audio(
        sample_rate=sample_rate, num_channels=1 if samples.ndim == 1 else 2,
        length_frames=samples.shape[0], encoded_audio_string=media.encode_wav(samples, sample_rate),
        content_type="audio/wav")
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, audio=sound)])


def figure_to_chw(figure, close: bool = True) -> np.ndarray:
    """A matplotlib figure rendered by Agg to a CHW uint8 RGB array."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError as exc:
        raise ImportError("add_figure needs matplotlib: pip install matplotlib") from exc
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width, height = figure.canvas.get_width_height()
    data = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8).reshape(height, width, 4)
    if close:
        plt.close(figure)
    return np.moveaxis(data[:, :, :3], 2, 0)


def png_bytes_of(hwc_uint8: np.ndarray) -> bytes:
    """PNG bytes through Pillow when installed (byte-identical to PyTorch's sprite), else ours."""
    try:
        from PIL import Image
    except ImportError:
        return media.encode_png(hwc_uint8)
    with io.BytesIO() as buffer:
        Image.fromarray(hwc_uint8).save(buffer, format="PNG")
        return buffer.getvalue()
