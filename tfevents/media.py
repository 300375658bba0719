"""Media encodings the image, audio and pr_curves plugins store: PNG, WAV and the PR-curve tensor.

Pure numpy + zlib (no Pillow), shared by ``engine.summary`` (PyTorch's ``SummaryWriter`` and
``tf.summary``) and by tests and readers. Stable API:

- ``encode_png(array) -> bytes``: ``HxW``, ``HxWx1`` (grey), ``HxWx2`` (grey+alpha), ``HxWx3``
  (RGB) or ``HxWx4`` (RGBA) ``uint8`` to a PNG file.
- ``decode_png(data) -> ndarray``: any non-interlaced 8-bit PNG (every filter, palettes
  expanded) to ``HxWxC`` ``uint8``; also reads what Pillow and TensorFlow write.
- ``png_size(data) -> (height, width, channels)`` from the header only.
- ``encode_wav(samples, sample_rate, rounding="torch") -> bytes``: floats in -1..1, shape
  ``[frames]`` or ``[frames, channels]``, to 16-bit PCM WAV. ``"torch"`` truncates
  ``x * 32767`` (``torch.utils.tensorboard``); ``"tf"`` rounds ``x * 32768`` and saturates
  (TensorFlow's ``encode_wav``).
- ``decode_wav(data) -> (float32 [frames, channels], sample_rate)``.
- ``pr_curve_data(labels, predictions, num_thresholds, weights) -> float64 [6, num_thresholds]``:
  the rows TP, FP, TN, FN, precision, recall, as TensorBoard's ``pr_curve`` plugin stores them.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type
_CHANNELS = {0: 1, 4: 2, 2: 3, 6: 4, 3: 3}  # colour type -> channels (palette expands to RGB)
MIN_COUNT = 1e-7  # TensorBoard's _MINIMUM_COUNT: keeps precision and recall finite


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(body, zlib.crc32(kind)) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _as_hwc(array) -> np.ndarray:
    image = np.asarray(array)
    if image.ndim == 2:
        image = image[:, :, None]
    if image.ndim != 3 or image.shape[2] not in _COLOR_TYPE:
        raise ValueError(f"a PNG image is HxW or HxWxC with C in 1..4, got shape {image.shape}")
    if image.dtype != np.uint8:
        raise TypeError(f"a PNG image must be uint8 (0..255), got {image.dtype}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"a PNG image needs at least one pixel, got shape {image.shape}")
    return np.ascontiguousarray(image)


def encode_png(array, compression: int = 6) -> bytes:
    """``array`` (uint8, HxW or HxWxC) as PNG bytes: 8-bit, no filter, zlib-compressed."""
    image = _as_hwc(array)
    height, width, channels = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = image.reshape(height, width * channels)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), compression)) + _chunk(b"IEND", b""))


def _chunks(data: bytes):
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file (bad signature)")
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ValueError(f"truncated PNG chunk {kind!r}")
        yield kind, body
        pos += 12 + length


def png_size(data: bytes) -> tuple[int, int, int]:
    """(height, width, channels) from a PNG's header."""
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            width, height, _depth, color = struct.unpack(">IIBB", body[:10])
            return height, width, _CHANNELS.get(color, 0)
        break
    raise ValueError("PNG has no IHDR chunk first")


def _unfilter(raw: np.ndarray, height: int, stride: int, bpp: int) -> np.ndarray:
    rows = raw.reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if kind == 0:
            cur = line
        elif kind == 2:
            cur = (line + prev) & 0xFF
        elif kind in (1, 3, 4):
            cur = line.copy()
            for x in range(stride):
                left = cur[x - bpp] if x >= bpp else 0
                if kind == 1:
                    pred = left
                elif kind == 3:
                    pred = (left + prev[x]) >> 1
                else:
                    up_left = prev[x - bpp] if x >= bpp else 0
                    p = left + prev[x] - up_left
                    pa, pb, pc = abs(p - left), abs(p - prev[x]), abs(p - up_left)
                    pred = left if pa <= pb and pa <= pc else (prev[x] if pb <= pc else up_left)
                cur[x] = (cur[x] + pred) & 0xFF
        else:
            raise ValueError(f"PNG row {y} has unknown filter type {kind}")
        out[y] = cur
        prev = cur
    return out


def decode_png(data: bytes) -> np.ndarray:
    """A PNG's pixels as ``HxWxC`` uint8 (C = 1, 2, 3 or 4; palette images come back RGB/RGBA)."""
    header, palette, alpha, idat = None, None, None, []
    for kind, body in _chunks(bytes(data)):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        elif kind == b"tRNS":
            alpha = np.frombuffer(body, dtype=np.uint8)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG has no IHDR chunk")
    width, height, depth, color, _comp, _filter, interlace = header
    if depth != 8 or interlace:
        raise ValueError(f"only 8-bit non-interlaced PNGs are decoded (bit depth {depth}, "
                         f"interlace {interlace})")
    samples = 1 if color == 3 else _CHANNELS[color]
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8)
    pixels = _unfilter(raw, height, width * samples, samples).reshape(height, width, samples)
    if color == 3:
        if palette is None:
            raise ValueError("palette PNG without a PLTE chunk")
        index = pixels[:, :, 0]
        rgb = palette[index]
        if alpha is not None:
            table = np.full(len(palette), 255, dtype=np.uint8)
            table[:len(alpha)] = alpha[:len(palette)]
            return np.concatenate([rgb, table[index][:, :, None]], axis=2)
        return rgb
    return pixels


def encode_wav(samples, sample_rate: int, rounding: str = "torch") -> bytes:
    """Floats in -1..1 (``[frames]`` or ``[frames, channels]``) as a 16-bit PCM WAV file.
    Values outside -1..1 are clipped."""
    array = np.asarray(samples)
    if array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float64)  # float32 stays float32: PyTorch scales in its dtype
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"audio is [frames] or [frames, channels], got shape {array.shape}")
    array = np.clip(np.nan_to_num(array), -1.0, 1.0).astype(array.dtype)
    if rounding == "torch":
        pcm = (array * 32767).astype("<i2")
    elif rounding == "tf":
        pcm = np.clip(np.round(array * 32768), -32768, 32767).astype("<i2")
    else:
        raise ValueError(f"rounding must be 'torch' or 'tf', got {rounding!r}")
    frames, channels = pcm.shape
    body = pcm.tobytes()
    rate = int(sample_rate)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    return (b"RIFF" + struct.pack("<I", 36 + len(body)) + b"WAVE" + b"fmt "
            + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(body)) + body)


def decode_wav(data: bytes) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV file as float32 ``[frames, channels]`` in -1..1 and its sample rate."""
    data = bytes(data)
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV file (no RIFF/WAVE header)")
    pos, channels, rate, bits = 12, None, None, None
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if kind == b"fmt ":
            _fmt, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", body[:16])
        elif kind == b"data":
            if channels is None or bits != 16:
                raise ValueError(f"only 16-bit PCM WAV is decoded (bits {bits})")
            pcm = np.frombuffer(body[:len(body) // 2 * 2], dtype="<i2").reshape(-1, channels)
            return (pcm.astype(np.float32) / 32768.0), int(rate)
        pos += 8 + size + (size & 1)
    raise ValueError("WAV file has no data chunk")


def pr_curve_data(labels, predictions, num_thresholds: int = 127, weights=None) -> np.ndarray:
    """TensorBoard's PR-curve tensor, ``[6, num_thresholds]``: rows TP, FP, TN, FN, precision,
    recall at thresholds ``i / (num_thresholds - 1)``. Predictions are probabilities in 0..1;
    labels are booleans (or 0/1); weights scale each example's count."""
    if int(num_thresholds) < 2:
        raise ValueError(f"num_thresholds must be at least 2, got {num_thresholds}")
    num_thresholds = int(num_thresholds)
    predictions = np.asarray(predictions, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels).reshape(-1).astype(np.float64)
    if labels.size != predictions.size:
        raise ValueError(f"labels has {labels.size} values but predictions has {predictions.size}")
    weights = 1.0 if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    bucket = np.int32(np.floor(predictions * (num_thresholds - 1)))
    hist_range = (0, num_thresholds - 1)
    tp_buckets, _ = np.histogram(bucket, bins=num_thresholds, range=hist_range,
                                 weights=labels * weights)
    fp_buckets, _ = np.histogram(bucket, bins=num_thresholds, range=hist_range,
                                 weights=(1.0 - labels) * weights)
    tp = np.cumsum(tp_buckets[::-1])[::-1]
    fp = np.cumsum(fp_buckets[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(MIN_COUNT, tp + fp)
    recall = tp / np.maximum(MIN_COUNT, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))
