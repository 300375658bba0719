"""``tf.summary.scalar/histogram/text/image/audio``: TensorBoard's v2 summaries, as TensorFlow
writes them (a tensor under its plugin's metadata).

* scalar: a float32 rank-0 tensor, plugin ``scalars``;
* histogram: a float64 ``[buckets, 3]`` tensor (left edge, right edge, count), ``histograms``;
  NaN and infinite values are left out with a warning (TensorFlow's buckets turn NaN);
* text: a string tensor, ``text``;
* image: a string vector ``[width, height, png, png, ...]``, plugin ``images``; floats are
  clipped to 0..1 and scaled as ``tf.image.convert_image_dtype(..., uint8, saturate=True)``;
* audio: a string ``[k, 2]`` matrix of (WAV file, label ""), plugin ``audio`` with the WAV
  encoding in its content.

Tags are the name under the enclosing name scopes (``summary_scope``).
"""

from __future__ import annotations

import numpy as np

from engine.summary.tf2 import record, summary_scope
from tfevents import builders, media
from tfevents.proto import summary_pb2
from tfevents.tensor_util import make_tensor_proto

IMAGES_PLUGIN = "images"
AUDIO_PLUGIN = "audio"
_AUDIO_CONTENT_WAV = b"\x10\x0b"  # AudioPluginData{version: 0, encoding: WAV (11)}


def scalar(name, data, step=None, description=None):
    """One point of a curve: ``data`` cast to float32."""
    with summary_scope(name, "scalar_summary") as (tag, _):
        return record(tag, [data], lambda a: builders.scalar_v2(tag, a, description or ""), step)


def histogram(name, data, step=None, buckets=None, description=None):
    """The distribution of ``data`` in ``buckets`` (30) equal-width buckets."""
    count = 30 if buckets is None else int(buckets)
    if count < 0:
        raise ValueError(f"buckets must be non-negative, got {buckets}")

    def build(array):
        if count == 0:  # TensorFlow writes an empty [0, 3] histogram
            summary = builders.histogram_v2(tag, np.zeros(1), 1, description or "")
            summary.value[0].tensor.CopyFrom(make_tensor_proto(np.zeros((0, 3))))
            return summary
        return builders.histogram_v2(tag, array, count, description or "")

    with summary_scope(name, "histogram_summary") as (tag, _):
        return record(tag, [data], build, step)


def text(name, data, step=None, description=None):
    """Markdown text: a string tensor of any shape."""
    with summary_scope(name, "text_summary") as (tag, _):
        return record(tag, [data], lambda a: builders.text(tag, _strings(a), description or ""), step)


def _strings(array):
    array = np.asarray(array)
    if array.dtype.kind == "O":
        return np.vectorize(lambda s: s.decode() if isinstance(s, bytes) else str(s), otypes=[object])(array)
    if array.dtype.kind == "S":
        return np.char.decode(array, "utf-8")
    return array


def _value(tag, array, plugin, content=b"", description="") -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, tensor=make_tensor_proto(array),
        metadata=builders.plugin_metadata(plugin, content, description or "",
                                          summary_pb2.DATA_CLASS_BLOB_SEQUENCE),
    )])


def to_uint8(images) -> np.ndarray:
    """``tf.image.convert_image_dtype(images, tf.uint8, saturate=True)``: floats scaled by 255.5
    and clipped to 0..255; wider integers divided down to 8 bits."""
    array = np.asarray(images)
    if array.dtype == np.uint8:
        return array
    if array.dtype.kind == "f":
        scaled = np.nan_to_num(array.astype(np.float64) * 255.5, nan=0.0)
        return np.clip(scaled, 0, 255).astype(np.uint8)
    if array.dtype.kind in "iu":
        info = np.iinfo(array.dtype)
        if info.max > 255:
            array = array // ((int(info.max) + 1) // 256)
        else:  # int8: 0..127 spread over 0..255
            array = array.astype(np.int64) * 2
        return np.clip(array, 0, 255).astype(np.uint8)
    raise TypeError(f"image data must be numbers (float in 0..1 or uint8), got dtype {array.dtype}")


def image_tensor(data, max_outputs: int) -> np.ndarray:
    """The image plugin's string vector for ``data`` of shape [k, h, w, c]."""
    array = np.asarray(data)
    if array.ndim != 4:
        raise ValueError(f"image data must have rank 4 [k, h, w, c], got shape {array.shape}")
    if int(max_outputs) < 0:
        raise ValueError(f"max_outputs must be non-negative, got {max_outputs}")
    images = to_uint8(array)
    pngs = [media.encode_png(im) for im in images[:int(max_outputs)]]
    out = np.empty(2 + len(pngs), dtype=object)
    out[:] = [str(array.shape[2]).encode(), str(array.shape[1]).encode(), *pngs]
    return out


def image(name, data, step=None, max_outputs=3, description=None):
    """Up to ``max_outputs`` images of ``data`` ([k, h, w, c], c in 1..4), PNG-encoded."""
    with summary_scope(name, "image_summary") as (tag, _):
        return record(tag, [data], lambda a: _value(tag, image_tensor(a, max_outputs), IMAGES_PLUGIN,
                                                    description=description), step)


def audio_tensor(data, sample_rate, max_outputs: int) -> np.ndarray:
    """The audio plugin's ``[k, 2]`` strings for ``data`` of shape [k, t, c] in -1..1."""
    array = np.asarray(data, dtype=np.float64)
    if array.ndim != 3:
        raise ValueError(f"audio data must have rank 3 [k, t, c], got shape {array.shape}")
    if int(max_outputs) < 0:
        raise ValueError(f"max_outputs must be non-negative, got {max_outputs}")
    rate = int(np.asarray(sample_rate).reshape(()))
    clips = [media.encode_wav(clip, rate, rounding="tf") for clip in array[:int(max_outputs)]]
    out = np.empty((len(clips), 2), dtype=object)
    for i, clip in enumerate(clips):
        out[i] = [clip, b""]
    return out


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None, description=None):
    """Up to ``max_outputs`` clips of ``data`` ([k, t, c] floats in -1..1) as 16-bit WAV."""
    if encoding is None:
        encoding = "wav"
    if encoding != "wav":
        raise ValueError(f"Unknown encoding: {encoding!r}")
    with summary_scope(name, "audio_summary") as (tag, _):
        return record(tag, [data, sample_rate],
                      lambda a, rate: _value(tag, audio_tensor(a, rate, max_outputs), AUDIO_PLUGIN,
                                             _AUDIO_CONTENT_WAV, description), step)
