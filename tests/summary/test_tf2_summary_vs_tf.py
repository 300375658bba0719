"""``engine.summary`` against real ``tf.summary`` (TensorFlow 2.21): the same calls through both
into two logdirs, then the event files compared record by record (tags, plugins and their
content, tensor dtypes, shapes and values; wall times aside), read with TensorBoard's loader."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402 - a test peer, quiet once the variable above is set

import engine
from tests.summary.tf_events import accumulator, assert_same_records, records
from tfevents import builders, media

RNG = np.random.default_rng(0)
IMAGES = RNG.random((4, 3, 5, 3)).astype(np.float32) * 1.2 - 0.1  # some out of 0..1: clipped
GREY = (RNG.random((2, 4, 4, 1)) * 255).astype(np.uint8)
CLIPS = (RNG.random((3, 50, 2)) * 2.2 - 1.1).astype(np.float32)
VALUES = RNG.normal(size=200)


def _eager_calls(t, logdir):
    """Every eager tf.summary function, called as a user would, with module ``t`` as ``tf``."""
    writer = t.summary.create_file_writer(str(logdir))
    results = []
    with writer.as_default(step=3):
        results.append(t.summary.scalar("loss", 0.25))
        with t.name_scope("train"):
            results.append(t.summary.scalar("acc", np.float64(0.5), step=4, description="top-1"))
            t.summary.histogram("weights", VALUES, buckets=7)
        t.summary.histogram("default_buckets", VALUES)
        t.summary.histogram("no_buckets", VALUES, buckets=0)
        t.summary.histogram("one_bucket", VALUES, buckets=1)
        t.summary.histogram("constant", np.full(5, 3.0))
        t.summary.histogram("empty", np.zeros(0, np.float32))
        t.summary.text("note", "**bold**")
        t.summary.text("table", [["a", "b"], ["c", "d"]])
        t.summary.image("rgb", IMAGES, max_outputs=2, description="pictures")
        t.summary.image("grey", GREY)
        t.summary.audio("clips", CLIPS, 8000, max_outputs=2)
        meta = builders.plugin_metadata("custom", b"\x01\x02", "mine").SerializeToString()
        t.summary.write("raw", np.array([[1, 2], [3, 4]], np.int64), metadata=meta)
        t.summary.write("lazy", lambda: t.constant(2.5), step=8)
        raw = builders.scalar_v1("raw_pb", 7.0).SerializeToString()
        t.summary.experimental.write_raw_pb(raw, step=9)
        with t.summary.record_if(False):
            results.append(t.summary.scalar("never", 1.0))
            results.append(t.summary.should_record_summaries())
        with t.summary.record_if(lambda: False):
            t.summary.histogram("never", VALUES)
        results.append(t.summary.should_record_summaries())
        with t.summary.experimental.summary_scope("odd name!", "default") as (tag, _):
            t.summary.write(tag, np.float32(1.0))
    t.summary.experimental.set_step(11)
    with writer.as_default():
        assert t.summary.experimental.get_step() == 11
        t.summary.scalar("from_set_step", 1.0)
    t.summary.experimental.set_step(None)
    noop = t.summary.create_noop_writer()
    with noop.as_default():
        results.append(t.summary.scalar("nowhere", 1.0, step=0))
    results.append(t.summary.scalar("no_writer", 1.0, step=0))
    t.summary.flush(writer)
    writer.close()
    return [bool(r) for r in results]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    theirs, ours = tmp_path_factory.mktemp("tf"), tmp_path_factory.mktemp("ours")
    return {"ours": (_eager_calls(engine, ours), records(ours), ours),
            "tf": (_eager_calls(tf, theirs), records(theirs), theirs)}


def test_same_events_tags_plugins_and_tensor_shapes(runs):
    assert_same_records(runs["ours"][1], runs["tf"][1])


def test_same_return_values(runs):
    assert runs["ours"][0] == runs["tf"][0] == [True, True, False, False, True, False, False]


def _pairs(runs, tag):
    ours = [r for r in runs["ours"][1] if r.tag == tag]
    theirs = [r for r in runs["tf"][1] if r.tag == tag]
    assert ours and len(ours) == len(theirs)
    return list(zip(ours, theirs, strict=True))


@pytest.mark.parametrize("tag", ["loss", "train/acc", "train/weights", "default_buckets", "no_buckets",
                                 "one_bucket", "constant", "empty", "raw", "lazy", "odd name!",
                                 "from_set_step"])
def test_numeric_tensors_match(runs, tag):
    for ours, theirs in _pairs(runs, tag):
        assert ours.value.dtype == theirs.value.dtype
        np.testing.assert_allclose(ours.value, theirs.value, rtol=1e-6)


@pytest.mark.parametrize("tag", ["note", "table"])
def test_text_matches(runs, tag):
    for ours, theirs in _pairs(runs, tag):
        assert ours.value.tolist() == theirs.value.tolist()


@pytest.mark.parametrize("tag", ["rgb", "grey"])
def test_images_decode_to_the_same_pixels(runs, tag):
    for ours, theirs in _pairs(runs, tag):
        assert ours.value[:2].tolist() == theirs.value[:2].tolist()  # width, height
        for a, b in zip(ours.value[2:], theirs.value[2:], strict=True):
            np.testing.assert_array_equal(media.decode_png(a), tf.io.decode_png(b).numpy())


def test_audio_is_the_same_wav_bytes(runs):
    for ours, theirs in _pairs(runs, "clips"):
        assert ours.value.tolist() == theirs.value.tolist()


def test_raw_pb_is_written_as_given(runs):
    for ours, theirs in _pairs(runs, "raw_pb"):
        expected = ("simple_value", 7.0, 9)
        assert (ours.field, ours.value, ours.step) == (theirs.field, theirs.value, theirs.step) == expected


def test_tensorboard_event_accumulator_reads_ours(runs):
    acc = accumulator(runs["ours"][2])
    tags = acc.Tags()
    expected = {"loss", "train/acc", "train/weights", "note", "rgb", "grey", "clips", "raw"}
    assert expected <= set(tags["tensors"])
    assert acc.SummaryMetadata("rgb").plugin_data.plugin_name == "images"
    assert acc.SummaryMetadata("clips").plugin_data.plugin_name == "audio"
    (event,) = acc.Tensors("train/acc")
    assert event.step == 4


def test_every_tf_summary_name_exists():
    public = {n for n in dir(tf.summary) if not n.startswith("_")}
    missing = public - set(dir(engine.summary))
    assert not missing
    experimental = {n for n in dir(tf.summary.experimental) if not n.startswith("_")}
    assert experimental <= set(dir(engine.summary.experimental))


def test_closed_writer_cannot_become_default(tmp_path):
    for t, logdir in ((tf, tmp_path / "tf"), (engine, tmp_path / "ours")):
        writer = t.summary.create_file_writer(str(logdir))
        writer.close()
        writer.close()
        writer.flush()
        with pytest.raises(RuntimeError, match="already closed"):
            writer.as_default()


def test_bad_input_gives_clear_errors(tmp_path):
    writer = engine.summary.create_file_writer(tmp_path)
    with writer.as_default(step=0):
        with pytest.raises(ValueError, match="rank 4"):
            engine.summary.image("x", np.zeros((3, 3)))
        with pytest.raises(ValueError, match="rank 3"):
            engine.summary.audio("x", np.zeros((3, 3)), 100)
        with pytest.raises(ValueError, match="Unknown encoding"):
            engine.summary.audio("x", np.zeros((1, 3, 1)), 100, encoding="mp3")
    with writer.as_default(), pytest.raises(ValueError, match="no step"):
        engine.summary.scalar("x", 1.0)
    with pytest.raises(ValueError, match="logdir"):
        engine.summary.create_file_writer(None)


def _compat_v1_calls(t, logdir):
    """TF1 summary ops called eagerly under a TF2 default writer: TensorFlow writes them as v2."""
    t1 = t.compat.v1
    writer = t.summary.create_file_writer(str(logdir))
    with writer.as_default(step=2):
        with t.name_scope("train"):
            returned = t1.summary.scalar("loss", 0.5)
            t1.summary.scalar("acc", 0.25, family="fam")
        t1.summary.histogram("values", VALUES)
        t1.summary.image("rgb", IMAGES, max_outputs=1)
        t1.summary.audio("clips", t.constant(CLIPS[:, :, 0]), 8000)
        t1.summary.text("note", t.constant("hi"))
    writer.close()
    return returned.numpy()


def test_compat_v1_ops_under_a_v2_writer_write_v2_summaries(tmp_path):
    returned = [_compat_v1_calls(t, tmp_path / t.__name__) for t in (engine, tf)]
    assert returned == [b"", b""]
    ours, theirs = records(tmp_path / "engine"), records(tmp_path / "tensorflow")
    assert_same_records(ours, theirs)
    assert [r.tag for r in ours] == ["train/loss", "fam/train/fam/acc", "values", "rgb", "clips", "note"]
