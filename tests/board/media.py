"""Logdirs of images and audio written in the test run by the real peers: PyTorch's and
tensorboardX's SummaryWriter (v1 ``Summary.Value.image`` / ``.audio``), TensorFlow's
``tf.summary.image`` / ``tf.summary.audio`` (v2 plugin tensors) and TensorBoard's own audio
``pb`` with labels (a ``[k, 2]`` tensor)."""

from __future__ import annotations

import os
import pathlib
import warnings

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

XSS_TAG = "<img src=x onerror=alert(1)>"
XSS_LABEL = "<script>alert(7)</script> **clip**"
TORCH_STEPS = 12  # more than the 10 kept per tag
RATE = 8000


def gradient(step: int, size: int = 16) -> np.ndarray:
    """A CHW float image that differs at every step (red rises with the step)."""
    x = np.linspace(0, 1, size)
    return np.stack([np.full((size, size), step / TORCH_STEPS), np.outer(x, np.ones(size)),
                     np.outer(np.ones(size), x)])


def tf_images(step: int) -> np.ndarray:
    """Three 8-high, 6-wide RGB images in [0, 1] (NHWC, as tf.summary.image takes them)."""
    return np.random.default_rng(100 + step).random((3, 8, 6, 3))


def tone(seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def write_media(root: pathlib.Path) -> pathlib.Path:
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    root = pathlib.Path(root)
    rng = np.random.default_rng(0)
    with TorchWriter(str(root / "torch")) as w:
        for s in range(TORCH_STEPS):
            w.add_image("samples/gradient", gradient(s), s)
        w.add_images("samples/batch", rng.random((4, 3, 8, 8)), 0)   # one grid image
        w.add_image(XSS_TAG, np.zeros((3, 4, 4)), 0)
        w.add_image("samples/constant", np.ones((1, 6, 6)), 0)
        w.add_image("samples/constant", np.ones((1, 6, 6)), 1)        # the same bytes again
        for s in range(3):
            w.add_audio("sound/tone", tone(0.25, 220 * (s + 1)), s, sample_rate=RATE)
    with XWriter(str(root / "tbx")) as w:
        w.add_image("x/image", rng.random((3, 10, 12)), 0)
        w.add_audio("x/audio", tone(0.1, 440), 0, sample_rate=RATE)
    import tensorflow as tf
    from tensorboard.plugins.audio import summary as audio_summary

    writer = tf.summary.create_file_writer(str(root / "tf"))
    with writer.as_default():
        for s in range(2):
            tf.summary.image("tf/images", tf_images(s), step=s, max_outputs=3)
        clips = np.stack([tone(0.05, 300), tone(0.05, 600)])[..., None]
        tf.summary.audio("tf/audio", clips, RATE, step=0, max_outputs=2)
        tf.summary.audio(XSS_TAG, clips[:1], RATE, step=0)
        with warnings.catch_warnings():  # labels are deprecated, but TensorBoard still reads them
            warnings.simplefilter("ignore")
            labelled = audio_summary.pb("labelled", clips, RATE, labels=[XSS_LABEL, "second"])
        tf.summary.experimental.write_raw_pb(labelled.SerializeToString(), step=0)
    writer.close()
    return root


def media_logdir(tmp_path_factory) -> pathlib.Path:
    """One logdir per test session (TensorFlow's import alone takes seconds)."""
    cached = getattr(tmp_path_factory, "_board_media", None)
    if cached is None:
        cached = write_media(tmp_path_factory.mktemp("media"))
        tmp_path_factory._board_media = cached
    return cached
