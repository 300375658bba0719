"""Images and audio: v1 ``Summary.Value.image`` / ``.audio`` and v2 ``images`` / ``audio``
plugin tensors decoded into one shape, a step's samples as encoded blobs (PNG, JPEG, GIF; WAV...).

Nothing is decoded into pixels or samples: the board serves the bytes as they were written, so
the only sizes that matter are the ones the browser will believe. A blob's type is sniffed from
its magic bytes (never taken from the file's say-so), and an image whose own header declares
more than ``MAX_IMAGE_PIXELS`` pixels is refused before it reaches a browser (a 10 KB PNG can
declare 40,000 x 40,000 zero pixels: a decompression bomb for the tab that shows it).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

MAX_BLOB_BYTES = 64 << 20       # one encoded image or clip
MAX_SAMPLES_PER_STEP = 100      # samples of one value kept; more are left out, and said
MAX_IMAGE_PIXELS = 1 << 26      # 67 M pixels (268 MB decoded as RGBA)
_JPEG_SEGMENTS = 256            # markers walked looking for a JPEG's frame header
_WAV_CHUNKS = 64                # chunks walked looking for a WAV's fmt and data
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif")
AUDIO_TYPES = ("audio/wav", "audio/ogg", "audio/flac", "audio/mpeg")


@dataclass
class Sample:
    """One encoded image or clip, with what its own header says about it."""

    data: bytes
    content_type: str
    width: int = 0
    height: int = 0
    label: str = ""
    sample_rate: float = 0.0
    channels: int = 0
    frames: int = 0


@dataclass
class Blobs:
    """The samples one summary value holds at a step; ``problems`` says which were left out."""

    tag: str
    step: int
    wall_time: float
    kind: str  # "images" or "audio"
    samples: list[Sample]
    problems: list[str] = field(default_factory=list)


def image_type(data: bytes) -> tuple[str, int, int] | None:
    """(content type, width, height) read from an image's own header, or None if it is not a
    PNG, JPEG or GIF whose size can be read."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "image/png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "image/gif", width, height
    if data[:3] == b"\xff\xd8\xff":
        size = _jpeg_size(data)
        return None if size is None else ("image/jpeg", *size)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """A JPEG's size from its first frame header (SOF0..SOF15 but DHT, JPG and DAC)."""
    at = 2
    for _ in range(_JPEG_SEGMENTS):
        while at < len(data) and data[at] == 0xFF and at + 1 < len(data) and data[at + 1] == 0xFF:
            at += 1  # fill bytes
        if at + 4 > len(data) or data[at] != 0xFF:
            return None
        marker = data[at + 1]
        (length,) = struct.unpack(">H", data[at + 2:at + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        if marker in (0xD9, 0xDA) or length < 2:  # end of image, start of scan: no frame header
            return None
        at += 2 + length
    return None


def audio_type(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"fLaC":
        return "audio/flac"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def wav_info(data: bytes) -> tuple[int, int, int]:
    """(sample rate, channels, frames) of a WAV, the frames counted from the bytes present (a
    header may declare more than the file holds); zeros where it cannot be read."""
    at, rate, channels, align = 12, 0, 0, 0
    for _ in range(_WAV_CHUNKS):
        if at + 8 > len(data):
            break
        name, size = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        body = at + 8
        if name == b"fmt " and body + 16 <= len(data):
            channels, rate = struct.unpack("<HI", data[body + 2:body + 8])
            align = struct.unpack("<H", data[body + 12:body + 14])[0]
        elif name == b"data":
            present = min(size, len(data) - body)
            return rate, channels, present // align if align else 0
        at = body + size + (size & 1)
    return rate, channels, 0


def _image(data: bytes) -> tuple[Sample | None, str | None]:
    if len(data) > MAX_BLOB_BYTES:
        return None, f"an image of {len(data):,} bytes, over the limit of {MAX_BLOB_BYTES:,}"
    kind = image_type(data)
    if kind is None:
        return None, f"an image that is not a PNG, JPEG or GIF (it starts {data[:8]!r})"
    content_type, width, height = kind
    if width * height > MAX_IMAGE_PIXELS:
        return None, (f"a {width} x {height} image: its header declares more than "
                      f"{MAX_IMAGE_PIXELS:,} pixels, so it is not shown")
    return Sample(data, content_type, width, height), None


def _clip(data: bytes, label: str = "") -> tuple[Sample | None, str | None]:
    if len(data) > MAX_BLOB_BYTES:
        return None, f"a clip of {len(data):,} bytes, over the limit of {MAX_BLOB_BYTES:,}"
    content_type = audio_type(data)
    if content_type is None:
        return None, f"audio that is not WAV, Ogg, FLAC or MP3 (it starts {data[:8]!r})"
    rate, channels, frames = wav_info(data) if content_type == "audio/wav" else (0, 0, 0)
    return Sample(data, content_type, label=label, sample_rate=float(rate), channels=channels,
                  frames=frames), None


def _gather(tag: str, step: int, wall_time: float, kind: str, made: list) -> Blobs:
    """``made``: (sample or None, problem or None) pairs; the first ``MAX_SAMPLES_PER_STEP``
    good samples are kept."""
    samples = [s for s, _ in made if s is not None]
    problems = [f"sample {i}: {p}" for i, (_, p) in enumerate(made) if p is not None]
    if len(samples) > MAX_SAMPLES_PER_STEP:
        problems.append(f"{len(samples)} samples at one step; the first {MAX_SAMPLES_PER_STEP} are kept")
        samples = samples[:MAX_SAMPLES_PER_STEP]
    if not samples and not problems:
        problems.append("no samples")
    return Blobs(tag, step, wall_time, kind, samples, problems)


def image_v1(tag: str, step: int, wall_time: float, image) -> Blobs:
    """A v1 ``Summary.Image``: one encoded image (its declared height and width are not
    trusted: the encoded header is what a browser believes)."""
    return _gather(tag, step, wall_time, "images", [_image(image.encoded_image_string)])


def audio_v1(tag: str, step: int, wall_time: float, audio) -> Blobs:
    """A v1 ``Summary.Audio``: one encoded clip; the proto's rate and length stand in where the
    encoded header says nothing (not a WAV)."""
    sample, problem = _clip(audio.encoded_audio_string)
    if sample is not None and not sample.sample_rate:
        sample.sample_rate = float(audio.sample_rate)
        sample.channels = int(audio.num_channels)
        sample.frames = int(audio.length_frames)
    return _gather(tag, step, wall_time, "audio", [(sample, problem)])


def _strings(array: np.ndarray) -> np.ndarray:
    if array.dtype != object or not all(isinstance(x, bytes) for x in array.reshape(-1)):
        raise ValueError(f"expected a string tensor, got {array.dtype} of shape {array.shape}")
    return array


def images_v2(tag: str, step: int, wall_time: float, array: np.ndarray) -> Blobs:
    """The images plugin's string tensor ``[width, height, image0, image1, ...]``."""
    array = _strings(array)
    if array.ndim != 1 or len(array) < 2:
        raise ValueError(f"images tensor of shape {array.shape}, expected [2 + k]")
    return _gather(tag, step, wall_time, "images", [_image(b) for b in array[2:]])


def audio_v2(tag: str, step: int, wall_time: float, array: np.ndarray) -> Blobs:
    """The audio plugin's string tensor: ``[k, 2]`` (encoded clip, Markdown label) or ``[k]``."""
    array = _strings(array)
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2 or array.shape[1] not in (1, 2):
        raise ValueError(f"audio tensor of shape {array.shape}, expected [k, 2]")
    labels = [row[1].decode("utf-8", "replace") if array.shape[1] == 2 else "" for row in array]
    return _gather(tag, step, wall_time, "audio",
                   [_clip(row[0], label) for row, label in zip(array, labels, strict=True)])
