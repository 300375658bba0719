"""Images, image grids, boxes, figures, audio and video against ``torch.utils.tensorboard``:
the same Summary.Image/Audio fields and the same decoded pixels and samples (PyTorch encodes PNG
with Pillow, we with zlib: the bytes differ, the pictures must not)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.tensorboard._utils import _prepare_video

from engine.summary import SummaryWriter
from tests.summary.torch_peer import read_logdir, write_both

RNG = np.random.default_rng(11)
CHW = RNG.random((3, 12, 20)).astype(np.float32)


def _same(tmp_path, calls, **kw):
    theirs, ours = write_both(tmp_path, calls, **kw)
    assert ours == theirs
    return ours


@pytest.mark.parametrize("array,fmt", [
    (CHW, "CHW"), (CHW.transpose(1, 2, 0), "HWC"), (CHW[0], "HW"), (CHW[0].T, "WH"),
    (CHW[:1], "CHW"), ((CHW * 255).astype(np.uint8), "CHW"), (CHW * 3 - 1, "CHW"),
    (RNG.random((4, 9, 7)).astype(np.float32), "CHW"),  # RGBA
])
def test_add_image(tmp_path, array, fmt):
    _same(tmp_path, lambda w: w.add_image("img", array, 2, dataformats=fmt))


def test_add_image_of_a_torch_tensor(tmp_path):
    _same(tmp_path, lambda w: w.add_image("img", torch.from_numpy(CHW), 0))


@pytest.mark.parametrize("count,fmt", [(1, "NCHW"), (5, "NCHW"), (16, "NCHW"), (10, "NHWC")])
def test_add_images_grid(tmp_path, count, fmt):
    batch = RNG.random((count, 3, 6, 5)).astype(np.float32)
    if fmt == "NHWC":
        batch = batch.transpose(0, 2, 3, 1)
    ours = _same(tmp_path, lambda w: w.add_images("batch", batch, 1, dataformats=fmt))
    height, width, channels, _pixels = ours["."][0]["values"][0]["data"]
    assert (height, width, channels) == (6 * -(-count // 8), 5 * min(count, 8), 3)


def test_add_image_with_boxes(tmp_path):
    image = np.zeros((3, 40, 60), dtype=np.float32)
    image[1] = 0.5
    boxes = np.array([[5, 5, 30, 25], [20, 10, 55, 38]], dtype=np.float32)

    def calls(w):
        w.add_image_with_boxes("boxes", image, boxes, 0)
        w.add_image_with_boxes("labelled", image, torch.from_numpy(boxes), 1, labels=["cat", "dog"])
        w.add_image_with_boxes("scaled", image, boxes, 2, rescale=2)
    _same(tmp_path, calls)


def test_add_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def figure(k):
        fig = plt.figure(figsize=(2, 1.5), dpi=40)
        plt.plot([0, 1, 2], [k, 2 * k, k])
        return fig

    def calls(w):
        w.add_figure("fig", figure(1), 0)
        w.add_figure("figs", [figure(2), figure(3)], 1)
    _same(tmp_path, calls)


def test_add_audio(tmp_path):
    sound = np.sin(np.linspace(0, 200, 4000))[None, :] * 0.8

    def calls(w):
        w.add_audio("sound", sound, 0, sample_rate=8000)
        w.add_audio("torch", torch.from_numpy(sound).float(), 1)
    _same(tmp_path, calls)


def test_stereo_audio_as_tensorboardx_takes_it(tmp_path):
    from tfevents import media

    stereo = np.stack([np.linspace(-1, 1, 300), np.sin(np.linspace(0, 30, 300))], axis=1)
    with SummaryWriter(tmp_path) as w:
        w.add_audio("stereo", stereo, 0, sample_rate=16000)
        with pytest.raises(ValueError, match="stereo"):
            w.add_audio("bad", np.zeros((300, 3)), 0)
    (event,) = read_logdir(tmp_path)["."]
    rate, channels, frames, _type, (wav_channels, width, wav_rate, data) = event["values"][0]["data"]
    assert (rate, channels, frames, wav_channels, width, wav_rate) == (16000, 2, 300, 2, 2, 16000)
    decoded, _ = media.decode_wav(event_wav := media.encode_wav(stereo, 16000))
    assert data == event_wav[44:] and np.allclose(decoded, stereo, atol=1e-4)


def test_add_audio_clips_loud_samples_with_a_warning(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.warns(UserWarning, match="clipped"):
        w.add_audio("loud", np.array([0.0, 2.0, -3.0]), 0)


@pytest.mark.parametrize("clips", [1, 3, 4])
def test_add_video_is_the_gif_pytorch_would_write(tmp_path, clips):
    """PyTorch needs moviepy (not installed: it writes the tag with no image); ours writes the GIF
    of the frames PyTorch's own _prepare_video lays out."""
    video = (RNG.integers(0, 4, (clips, 3, 3, 8, 10)) * 80).astype(np.uint8)
    theirs, ours = write_both(tmp_path, lambda w: w.add_video("clip", torch.from_numpy(video), 1, fps=5))
    assert theirs["."][0]["values"] == [{"tag": "clip", "kind": None}]
    height, width, channels, (fmt, frames) = ours["."][0]["values"][0]["data"]
    expected = (_prepare_video(video) * 255).clip(0, 255).astype(np.uint8)
    assert fmt == "GIF" and (height, width, channels) == expected.shape[1:]
    assert np.array_equal(np.array(frames), expected)
    raw = next(iter(read_logdir(tmp_path / "ours").values()))
    assert raw[0]["values"][0]["kind"] == "image"


def test_add_video_many_colours_and_dataformats(tmp_path):
    video = RNG.random((1, 2, 3, 16, 16)).astype(np.float32)
    with SummaryWriter(tmp_path) as w:
        w.add_video("v", video.transpose(0, 1, 3, 4, 2), 0, dataformats="NTHWC")  # tensorboardX's option
    (event,) = read_logdir(tmp_path)["."]
    height, width, channels, (_fmt, frames) = event["values"][0]["data"]
    assert (height, width, channels, len(frames)) == (16, 16, 3, 2)
    expected = (video[0].transpose(0, 2, 3, 1) * 255).astype(np.uint8)
    assert np.abs(np.array(frames).astype(int) - expected).max() <= 73  # 3-3-2 bit palette


def test_images_list_as_tensorboardx_takes_it(tmp_path):
    frames = [RNG.random((3, 5, 4)).astype(np.float32) for _ in range(3)]
    _same(tmp_path, lambda w: w.add_images("list", frames, 0, dataformats="CHW"), peer="tensorboardX")


def test_bad_images_say_what_is_wrong(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="does not match dataformats"):
            w.add_image("x", np.zeros((3, 4)), 0)
        with pytest.raises(ValueError, match="letters of NCHW"):
            w.add_image("x", np.zeros((3, 4, 4)), 0, dataformats="CHX")
        with pytest.raises(ValueError, match="NTCHW"):
            w.add_video("v", np.zeros((1, 2, 3, 4, 4)), 0, dataformats="NTCH")


def test_images_are_png(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_image("img", CHW, 0)
    (event,) = read_logdir(tmp_path)["."]
    assert event["values"][0]["data"][3][0] == "PNG"
