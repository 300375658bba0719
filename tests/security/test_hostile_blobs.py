"""Images and audio other programs wrote: a blob's type comes from its magic bytes, an image
whose header declares a decompression bomb never reaches the browser, damaged or oversized
samples are left out and said, and the restart rule holds."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from board.data.sampling import parse_samples_per_plugin
from board.server import parse_args
from engine.summary import SummaryWriter
from tests.board.conftest import board_client
from tfevents import blobs
from tfevents.builders import plugin_metadata
from tfevents.proto import summary_pb2
from tfevents.tensor_util import make_tensor_proto


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, idat: bool = True) -> bytes:
    """A grey PNG (only its header when ``idat`` is false: enough to declare any size)."""
    head = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    rows = b"".join(b"\x00" + bytes([128]) * width for _ in range(height)) if idat else b""
    return head + (_chunk(b"IDAT", zlib.compress(rows)) if idat else b"") + _chunk(b"IEND", b"")


JPEG = (b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + bytes(9)
        + b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 30, 40, 1) + bytes(3) + b"\xff\xd9")
GIF = b"GIF89a" + struct.pack("<HH", 7, 5) + bytes(10)


def test_types_and_sizes_come_from_the_bytes():
    assert blobs.image_type(png(3, 2)) == ("image/png", 3, 2)
    assert blobs.image_type(JPEG) == ("image/jpeg", 40, 30)
    assert blobs.image_type(GIF) == ("image/gif", 7, 5)
    assert blobs.image_type(b"<svg onload=alert(1)>") is None
    assert blobs.image_type(b"\xff\xd8\xff" + b"\xff" * 5000) is None   # no frame header: refused
    assert blobs.audio_type(b"RIFF\x00\x00\x00\x00WAVE") == "audio/wav"
    assert blobs.audio_type(b"<html>") is None
    # A WAV whose header declares 2 GB of data holds 10 bytes: 5 frames of 16-bit mono.
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    lying = b"RIFF" + bytes(4) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack(
        "<I", 2 ** 31) + bytes(10)
    assert blobs.wav_info(lying) == (8000, 1, 5)


def image_value(tag: str, data: bytes, height: int = 2, width: int = 3) -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, image=summary_pb2.Summary.Image(
        height=height, width=width, colorspace=1, encoded_image_string=data))])


def images_tensor(tag: str, items: list) -> summary_pb2.Summary:
    return summary_pb2.Summary(value=[summary_pb2.Summary.Value(
        tag=tag, metadata=plugin_metadata("images"),
        tensor=make_tensor_proto(np.array(items, dtype=object)))])


@pytest.fixture
def hostile(tmp_path):
    with SummaryWriter(tmp_path / "run") as w:
        w.add_summary(image_value("bomb", png(40_000, 40_000, idat=False)), 0)
        w.add_summary(image_value("svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"), 0)
        w.add_summary(image_value("liar", png(3, 2), height=100_000, width=100_000), 0)
        w.add_summary(images_tensor("mixed", [b"3", b"2", png(3, 2), b"junk", JPEG, GIF]), 0)
        w.add_summary(images_tensor("numbers", [b"1"]), 0)
        w.add_summary(summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag="floats", metadata=plugin_metadata("images"),
            tensor=make_tensor_proto(np.zeros(4, np.float32)))]), 0)
        many = [b"1", b"1"] + [png(1, 1 + i) for i in range(blobs.MAX_SAMPLES_PER_STEP + 5)]
        w.add_summary(images_tensor("many", many), 0)
        for step in (0, 1, 2, 3, 1):   # a restarted job logs step 1 again
            w.add_summary(image_value("restart", png(step + 1, 1)), step)
    return tmp_path


def test_hostile_images_are_refused_and_said(hostile):
    with board_client(hostile) as client:
        tags = client.get("/api/tags").json()["runs"]["run"]["images"]
        problems = " | ".join(client.get("/api/status").json()["runs"][0]["problems"])
        mixed = client.get("/api/images", params={"run": "run", "tag": "mixed"}).json()["steps"][0]["samples"]
        many = client.get("/api/images", params={"run": "run", "tag": "many"}).json()["steps"][0]["samples"]
        restart = client.get("/api/images", params={"run": "run", "tag": "restart"}).json()["steps"]
        liar = client.get("/api/images", params={"run": "run", "tag": "liar"}).json()["steps"][0]["samples"]
        served = [client.get(s["url"]) for s in mixed]
    assert tags == ["liar", "many", "mixed", "restart"]          # bomb, svg, numbers, floats: nothing kept
    assert "'bomb' step 0: images sample 0: a 40000 x 40000 image" in problems
    assert "'svg' step 0: images sample 0: an image that is not a PNG, JPEG or GIF" in problems
    assert "'mixed' step 0: images sample 1: an image that is not a PNG" in problems
    assert "'numbers'" in problems and "'floats' step 0: ValueError: expected a string tensor" in problems
    assert f"'many' step 0: images {blobs.MAX_SAMPLES_PER_STEP + 5} samples at one step" in problems
    assert [(s["content_type"], s["width"], s["height"]) for s in mixed] == [
        ("image/png", 3, 2), ("image/jpeg", 40, 30), ("image/gif", 7, 5)]
    assert [r.headers["content-type"] for r in served] == ["image/png", "image/jpeg", "image/gif"]
    assert served[1].content == JPEG
    assert len(many) == blobs.MAX_SAMPLES_PER_STEP
    assert (liar[0]["width"], liar[0]["height"]) == (3, 2)       # the header's size, not the proto's
    assert [(s["step"], s["samples"][0]["width"]) for s in restart] == [(0, 1), (1, 2)]


def test_samples_per_plugin_is_checked():
    assert parse_samples_per_plugin("images=20, audio=5") == {"images": 20, "audio": 5}
    assert parse_samples_per_plugin("") == {}
    for bad, says in (("scalars=10", "takes images=N"), ("images", "takes images=N"),
                      ("images=x", "whole number"), ("images=0", "1 to 1000"), ("audio=5000", "1 to 1000")):
        with pytest.raises(ValueError, match=says):
            parse_samples_per_plugin(bad)
    args = parse_args(["--logdir", "x", "--samples_per_plugin", "images=3"])
    assert args.samples_per_plugin == {"images": 3}
    with pytest.raises(SystemExit):
        parse_args(["--logdir", "x", "--samples_per_plugin", "images=0"])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"RIFF\x00\x00\x00\x00WAVE", b""]),
       st.binary(max_size=200))
def test_header_readers_never_raise_on_damaged_bytes(magic, tail):
    data = magic + tail
    found = blobs.image_type(data)
    assert found is None or (found[0] in blobs.IMAGE_TYPES and min(found[1:]) >= 0)
    rate, channels, frames = blobs.wav_info(data)
    assert 0 <= frames <= len(data) and rate >= 0 and channels >= 0
    image, problem = blobs._image(data)
    assert (image is None) != (problem is None)
