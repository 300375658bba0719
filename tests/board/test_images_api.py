"""/api/images and /api/audio on files the peers wrote in this test run: every sample is listed
and served byte for byte as written, with the pixels and samples the peer was given."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from PIL import Image

from tests.board.conftest import board_client
from tests.board.media import (
    RATE,
    TORCH_STEPS,
    XSS_LABEL,
    XSS_TAG,
    gradient,
    media_logdir,
    tf_images,
    tone,
)


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return media_logdir(tmp_path_factory)


@pytest.fixture(scope="module")
def client(media):
    with board_client(media) as c:
        yield c


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_every_image_and_clip_is_listed_under_its_run(client):
    tags = client.get("/api/tags").json()["runs"]
    assert tags["torch"]["images"] == sorted(["samples/gradient", "samples/batch", "samples/constant",
                                              XSS_TAG])
    assert tags["torch"]["audio"] == ["sound/tone"]
    assert tags["tbx"]["images"] == ["x/image"] and tags["tbx"]["audio"] == ["x/audio"]
    assert tags["tf"]["images"] == ["tf/images"]
    assert tags["tf"]["audio"] == sorted(["tf/audio", XSS_TAG, "labelled/audio_summary"])
    not_shown = client.get("/api/status").json()["not_shown"]
    assert not [n for n in not_shown if n["kind"] in ("images", "audio")]  # now they are shown


def test_torch_images_keep_ten_steps_with_the_newest_and_their_pixels(client):
    steps = client.get("/api/images", params={"run": "torch", "tag": "samples/gradient"}).json()["steps"]
    assert len(steps) == 10 and steps[0]["step"] == 0 and steps[-1]["step"] == TORCH_STEPS - 1
    assert [s["step"] for s in steps] == sorted({s["step"] for s in steps})
    for item in steps:
        (sample,) = item["samples"]
        assert (sample["width"], sample["height"], sample["content_type"]) == (16, 16, "image/png")
        r = client.get(sample["url"])
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        expected = (gradient(item["step"]) * 255).clip(0, 255).astype(np.uint8).transpose(1, 2, 0)
        np.testing.assert_array_equal(pixels(r.content), expected)


def test_tf_images_several_samples_per_step(client):
    import tensorflow as tf

    steps = client.get("/api/images", params={"run": "tf", "tag": "tf/images"}).json()["steps"]
    assert [s["step"] for s in steps] == [0, 1]
    for item in steps:
        sizes = [(s["index"], s["width"], s["height"]) for s in item["samples"]]
        assert sizes == [(i, 6, 8) for i in range(3)]
        expected = tf.image.convert_image_dtype(tf_images(item["step"]), tf.uint8, saturate=True).numpy()
        for s in item["samples"]:
            np.testing.assert_array_equal(pixels(client.get(s["url"]).content), expected[s["index"]])


def wav(data: bytes) -> tuple[int, np.ndarray]:
    with wave.open(io.BytesIO(data)) as f:
        assert f.getsampwidth() == 2 and f.getnchannels() == 1
        return f.getframerate(), np.frombuffer(f.readframes(f.getnframes()), "<i2") / 32767


def test_audio_from_torch_tbx_and_tf_plays_what_was_logged(client):
    steps = client.get("/api/audio", params={"run": "torch", "tag": "sound/tone"}).json()["steps"]
    assert [s["step"] for s in steps] == [0, 1, 2]
    for item in steps:
        (clip,) = item["samples"]
        assert (clip["content_type"], clip["sample_rate"], clip["channels"]) == ("audio/wav", RATE, 1)
        assert clip["frames"] == RATE // 4 and clip["duration"] == 0.25
        r = client.get(clip["url"])
        assert r.headers["content-type"] == "audio/wav"
        rate, samples = wav(r.content)
        assert rate == RATE
        np.testing.assert_allclose(samples, tone(0.25, 220 * (item["step"] + 1)), atol=2e-4)
    (clip,) = client.get("/api/audio", params={"run": "tbx", "tag": "x/audio"}).json()["steps"][0]["samples"]
    assert clip["duration"] == 0.1 and client.get(clip["url"]).headers["content-type"] == "audio/wav"
    (item,) = client.get("/api/audio", params={"run": "tf", "tag": "tf/audio"}).json()["steps"]
    assert [(c["index"], c["label"], c["frames"]) for c in item["samples"]] == [(0, "", 400), (1, "", 400)]
    for c, hz in zip(item["samples"], (300, 600), strict=True):
        np.testing.assert_allclose(wav(client.get(c["url"]).content)[1], tone(0.05, hz), atol=2e-4)
    (item,) = client.get("/api/audio", params={"run": "tf", "tag": "labelled/audio_summary"}).json()["steps"]
    assert [c["label"] for c in item["samples"]] == [XSS_LABEL, "second"]   # as text, unchanged


def test_a_blob_logged_twice_is_stored_once(client, media):
    steps = client.get("/api/images", params={"run": "torch", "tag": "samples/constant"}).json()["steps"]
    urls = [s["samples"][0]["url"] for s in steps]
    assert len(urls) == 2 and urls[0].split("&v=")[1] == urls[1].split("&v=")[1]
    blobs = client.app.state.multiplexer.runs["torch"].store.blobs
    assert len(blobs.blobs) == 10 + 1 + 1 + 1 + 3   # gradient steps kept, batch, xss, constant, tones
    assert blobs.nbytes == sum(len(held[0]) for held in blobs.blobs.values())


def test_samples_per_plugin_sets_the_steps_kept(media):
    with board_client(media, samples_per_plugin={"images": 3}) as c:
        steps = c.get("/api/images", params={"run": "torch", "tag": "samples/gradient"}).json()["steps"]
        assert len(steps) == 3 and steps[0]["step"] == 0 and steps[-1]["step"] == TORCH_STEPS - 1
        blobs = c.app.state.multiplexer.runs["torch"].store.blobs
        assert len(blobs.blobs) == 3 + 1 + 1 + 1 + 3   # evicted steps' bytes were let go


def first_url(client, kind, run, tag) -> str:
    return client.get(f"/api/{kind}", params={"run": run, "tag": tag}).json()["steps"][0]["samples"][0]["url"]


def test_blob_caching_ranges_and_downloads(client):
    url = first_url(client, "images", "torch", XSS_TAG)
    r = client.get(url)
    assert r.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert r.headers["x-content-type-options"] == "nosniff"
    etag = r.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = url.rsplit("&v=", 1)[0] + "&v=0123"
    assert client.get(stale).headers["cache-control"] == "no-cache"       # an old listing revalidates
    d = client.get(url + "&download=1").headers["content-disposition"]
    assert d.startswith('attachment; filename="torch_<img src=x onerror=alert(1)>_step0_0.png"')
    assert "filename*=UTF-8''torch_%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E_step0_0.png" in d
    clip = first_url(client, "audio", "torch", "sound/tone")
    whole = client.get(clip).content
    part = client.get(clip, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206 and part.content == whole[4:12]
    assert part.headers["content-range"] == f"bytes 4-11/{len(whole)}"
    assert client.get(clip, headers={"Range": "bytes=-4"}).content == whole[-4:]
    past = client.get(clip, headers={"Range": f"bytes={len(whole)}-"})
    assert past.status_code == 416 and "detail" in past.json()
    assert client.get(clip, headers={"Range": "bytes=" + "9" * 5000 + "-"}).status_code == 200  # ignored


@pytest.mark.parametrize(("params", "status"), [
    ({"run": "torch", "tag": "sound/tone"}, 422),                             # no step
    ({"run": "torch", "tag": "sound/tone", "step": "x"}, 422),
    ({"run": "torch", "tag": "sound/tone", "step": str(2 ** 70)}, 422),
    ({"run": "torch", "tag": "sound/tone", "step": "0", "index": "-1"}, 422),
    ({"run": "torch", "tag": "sound/tone", "step": "0", "index": "100000"}, 422),
    ({"run": "torch", "tag": "sound/tone", "step": "0", "v": "<x>"}, 422),
    ({"run": "torch", "tag": "sound/tone", "step": "0", "index": "1"}, 404),  # no such sample
    ({"run": "torch", "tag": "sound/tone", "step": "7"}, 404),                # no such step
    ({"run": "nope", "tag": "sound/tone", "step": "0"}, 404),
    ({"run": "torch", "tag": "nope", "step": "0"}, 404),
    ({"run": "torch", "tag": "samples/batch", "step": "0"}, 404),             # an image tag
])
def test_bad_parameters_are_json_4xx(client, params, status):
    r = client.get("/api/audio/blob", params=params)
    assert r.status_code == status and isinstance(r.json()["detail"], (str, list)), r.text
    assert r.headers["content-type"] == "application/json"


def test_listing_unknown_tags_is_a_404(client):
    assert client.get("/api/images", params={"run": "torch", "tag": "sound/tone"}).status_code == 404
    assert client.get("/api/audio", params={"run": "tf"}).status_code == 422
