"""Animated GIF encoding in numpy, for video summaries (TensorBoard's image plugin shows a GIF as
an animated image; PyTorch makes it with moviepy, which we do not need).

``encode_gif(frames, fps) -> bytes`` takes ``[T, H, W, C]`` uint8 frames (C = 1, 3 or 4; alpha is
dropped). Frames with at most 256 distinct colours keep them exactly; otherwise colours are
quantized to 3-3-2 bits of red, green and blue. The LZW stream uses literal codes only with a
clear code every 250 pixels: 9 bits a pixel, no dictionary, and every decoder reads it.
"""

from __future__ import annotations

import struct

import numpy as np

_CLEAR, _END, _CODE_BITS, _RUN = 256, 257, 9, 250


def _palette(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(indices [T, H, W] uint8, palette [256, 3] uint8)."""
    rgb = frames[..., :3] if frames.shape[-1] >= 3 else np.repeat(frames[..., :1], 3, axis=-1)
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    colours, inverse = np.unique(packed.reshape(-1), return_inverse=True)
    palette = np.zeros((256, 3), dtype=np.uint8)
    if colours.size <= 256:
        palette[:colours.size] = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], 1)
        return inverse.reshape(packed.shape).astype(np.uint8), palette
    index = (rgb[..., 0] & 0xE0) | ((rgb[..., 1] & 0xE0) >> 3) | (rgb[..., 2] >> 6)
    levels = np.arange(256)
    palette[:, 0] = (levels >> 5) * 255 // 7
    palette[:, 1] = ((levels >> 2) & 7) * 255 // 7
    palette[:, 2] = (levels & 3) * 255 // 3
    return index.astype(np.uint8), palette


def _lzw(indices: np.ndarray) -> bytes:
    """Literal-only LZW of one frame's colour indices (minimum code size 8), as GIF sub-blocks."""
    pixels = indices.reshape(-1).astype(np.uint16)
    runs = np.array_split(pixels, max(1, -(-pixels.size // _RUN)))
    codes = np.concatenate([np.concatenate([[_CLEAR], run]) for run in runs] + [[_CLEAR, _END]])
    bits = ((codes[:, None].astype(np.uint32) >> np.arange(_CODE_BITS)) & 1).astype(np.uint8)
    data = np.packbits(bits.reshape(-1), bitorder="little").tobytes()
    blocks = b"".join(bytes([len(data[i:i + 255])]) + data[i:i + 255] for i in range(0, len(data), 255))
    return bytes([8]) + blocks + b"\x00"


def encode_gif(frames, fps: float = 4, loop: int = 0) -> bytes:
    """``[T, H, W, C]`` uint8 frames as an animated GIF shown at ``fps`` frames a second,
    repeating ``loop`` times (0: forever)."""
    array = np.asarray(frames)
    if array.ndim != 4 or array.shape[-1] not in (1, 3, 4):
        raise ValueError(f"video frames are [T, H, W, C] with C in 1, 3, 4; got shape {array.shape}")
    if array.dtype != np.uint8:
        raise TypeError(f"video frames must be uint8, got {array.dtype}")
    count, height, width, _ = array.shape
    if count == 0 or height == 0 or width == 0 or height > 65535 or width > 65535:
        raise ValueError(f"a GIF needs 1..65535 pixels a side and a frame, got shape {array.shape}")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    indices, palette = _palette(array)
    delay = max(1, round(100 / fps))  # centiseconds
    out = [b"GIF89a", struct.pack("<HHBBB", width, height, 0xF7, 0, 0), palette.tobytes(),
           b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\x00"]
    for frame in indices:
        out.append(b"\x21\xf9\x04\x04" + struct.pack("<H", delay) + b"\x00\x00")
        out.append(b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0))
        out.append(_lzw(frame))
    out.append(b"\x3b")
    return b"".join(out)
