"""tfevents.media against the references: Pillow decodes our PNGs and we decode Pillow's (every
filter it picks, palettes); Python's wave reads our WAVs; the PR-curve tensor is TensorBoard's."""

import io
import wave

import numpy as np
import pytest
from PIL import Image
from tensorboard.plugins.pr_curve import summary as tb_pr_summary
from torch.utils.tensorboard.summary import compute_curve

from tfevents import media


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_pillow_reads_our_png(channels):
    image = np.random.default_rng(channels).integers(0, 256, (11, 17, channels), dtype=np.uint8)
    data = media.encode_png(image)
    decoded = np.asarray(Image.open(io.BytesIO(data)))
    assert decoded.reshape(image.shape).tolist() == image.tolist()
    assert media.png_size(data) == (11, 17, channels)
    assert media.decode_png(data).tolist() == image.tolist()


@pytest.mark.parametrize("mode", ["L", "LA", "RGB", "RGBA", "P"])
def test_we_read_pillows_png(mode):
    rgb = np.random.default_rng(0).integers(0, 256, (23, 19, 3), dtype=np.uint8)
    rgb[5:15] = 40  # flat areas make Pillow pick different filters per row
    picture = Image.fromarray(rgb).convert(mode)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    expected = np.asarray(picture.convert("RGB") if mode == "P" else picture)
    decoded = media.decode_png(buffer.getvalue())
    assert decoded.reshape(expected.shape).tolist() == expected.tolist()


def test_png_rejects_bad_input():
    with pytest.raises(TypeError, match="uint8"):
        media.encode_png(np.zeros((2, 2), np.float32))
    with pytest.raises(ValueError, match="shape"):
        media.encode_png(np.zeros((2, 2, 5), np.uint8))
    with pytest.raises(ValueError, match="signature"):
        media.decode_png(b"GIF89a")


def test_wav_as_python_wave_reads_it():
    samples = np.stack([np.sin(np.linspace(0, 20, 300)), np.linspace(-1.5, 1.5, 300)], axis=1)
    data = media.encode_wav(samples, 16000)
    with wave.open(io.BytesIO(data)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (2, 2, 16000)
        frames = np.frombuffer(reader.readframes(300), "<i2").reshape(300, 2)
    assert frames.tolist() == (np.clip(samples, -1, 1) * 32767).astype("<i2").tolist()
    decoded, rate = media.decode_wav(data)
    assert rate == 16000 and np.allclose(decoded, np.clip(samples, -1, 1), atol=1e-4)
    tf_style = np.frombuffer(media.encode_wav([1.0, -1.0, 0.5], 8000, rounding="tf")[44:], "<i2")
    assert tf_style.tolist() == [32767, -32768, 16384]


def test_pr_curve_data_is_tensorboards():
    rng = np.random.default_rng(3)
    labels = rng.random(200) > 0.4
    predictions = rng.random(200)
    weights = rng.random(200)
    ours = media.pr_curve_data(labels, predictions, 33, weights)
    assert media.MIN_COUNT == tb_pr_summary._MINIMUM_COUNT
    # torch.utils.tensorboard's copy of TensorBoard's numpy math (TensorBoard's own pb() imports
    # TensorFlow, 13 s)
    expected = compute_curve(labels, predictions, num_thresholds=33, weights=weights)
    assert ours.shape == (6, 33)
    assert np.allclose(ours, expected, rtol=1e-5, atol=1e-5)
