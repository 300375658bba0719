"""TF1 summaries and ``FileWriter`` against real ``tf.compat.v1`` (TensorFlow 2.21): the same
graph-mode program through both, the event files compared record by record with TensorBoard's
reader (v1 image/audio protos, tensor summaries, metadata kept on a tag's first value only,
session logs, run metadata, graph and meta graph)."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402 - a test peer, quiet once the variable above is set
from tensorboard.compat.proto import config_pb2  # noqa: E402

import engine  # noqa: E402
from tests.summary.tf_events import accumulator, assert_same_records, event_paths, records  # noqa: E402
from tfevents import media  # noqa: E402

RNG = np.random.default_rng(1)
POSITIVE = RNG.random((3, 4, 3, 1)).astype(np.float32) * 3  # scaled by its max
SIGNED = RNG.normal(size=(2, 2, 3, 3)).astype(np.float32)  # centred on 128
SIGNED[0, 0, 0, 1] = np.nan  # a non-finite pixel: red
RGBA = (RNG.random((2, 2, 2, 4)) * 255).astype(np.uint8)
CLIPS = (RNG.random((2, 10)) * 2 - 1).astype(np.float32)
VALUES = RNG.normal(size=50).astype(np.float32)


def _program(t, logdir):
    t1 = t.compat.v1
    with t.Graph().as_default():
        x = t1.placeholder(t.float32, [None, 4, 3, 1], name="x")
        t1.summary.image("img", x, max_outputs=2)
        t1.summary.image("one", x, max_outputs=1)
        t1.summary.image("signed", t.constant(SIGNED))
        t1.summary.image("rgba", t.constant(RGBA), family="pictures")
        t1.summary.audio("snd", t.constant(CLIPS), 8000, max_outputs=3)
        t1.summary.tensor_summary("ten", t.reduce_sum(x, axis=0), summary_description="desc")
        t1.summary.scalar("sc", t.reduce_mean(x))
        with t.name_scope("scope"):
            t1.summary.scalar("sc", t.reduce_mean(x), family="fam")
        t1.summary.histogram("values", t.constant(VALUES))
        t1.summary.text("tx", t.constant("hi"))
        merged = t1.summary.merge_all()
        with t1.Session() as sess:
            writer = t1.summary.FileWriter(str(logdir), sess.graph, filename_suffix=".sfx")
            assert writer.get_logdir() == str(logdir)
            options = t1.RunOptions(trace_level=t1.RunOptions.FULL_TRACE)
            run_metadata = t1.RunMetadata()
            summary = sess.run(merged, {x: POSITIVE}, options=options, run_metadata=run_metadata)
            writer.add_summary(summary, 1)
            writer.add_summary(summary, 2)
            writer.add_session_log(t1.SessionLog(status=t1.SessionLog.START), 3)
            writer.add_run_metadata(run_metadata, "step1", 4)
            with pytest.raises(ValueError, match="already used"):
                writer.add_run_metadata(run_metadata, "step1", 5)
            writer.add_event(t1.Event(step=6, wall_time=1.0, file_version="brain.Event:2"))
            writer.flush()
            writer.close()
    return run_metadata


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, t in (("ours", engine), ("tf", tf)):
        logdir = tmp_path_factory.mktemp(name)
        run_metadata = _program(t, logdir)
        out[name] = (records(logdir), logdir, run_metadata)
    return out


def test_same_records(runs):
    assert_same_records(runs["ours"][0], runs["tf"][0])
    kinds = [r.kind for r in runs["ours"][0]]
    assert kinds[:2] == ["graph_def", "meta_graph_def"]
    assert "session_log" in kinds and "tagged_run_metadata" in kinds


def test_file_name_keeps_the_suffix(runs):
    (path,) = event_paths(runs["ours"][1])
    assert path.endswith(".sfx")


def _pairs(runs, field):
    ours = [r for r in runs["ours"][0] if r.field == field]
    theirs = [r for r in runs["tf"][0] if r.field == field]
    assert ours and len(ours) == len(theirs)
    return list(zip(ours, theirs, strict=True))


def test_images_are_v1_protos_with_the_same_pixels(runs):
    tags = set()
    for ours, theirs in _pairs(runs, "image"):
        tags.add(ours.tag)
        a, b = ours.value, theirs.value
        assert (a.height, a.width, a.colorspace) == (b.height, b.width, b.colorspace)
        mine = media.decode_png(a.encoded_image_string)
        real = tf.io.decode_png(b.encoded_image_string).numpy()
        assert np.abs(mine.astype(int) - real.astype(int)).max() <= 1, ours.tag  # float rounding
    assert tags == {"img/image/0", "img/image/1", "one/image", "signed/image/0", "signed/image/1",
                    "pictures/pictures/rgba/image/0", "pictures/pictures/rgba/image/1"}


def test_audio_is_the_same_wav(runs):
    for ours, theirs in _pairs(runs, "audio"):
        assert ours.value == theirs.value


def test_histogram_matches(runs):
    for ours, theirs in _pairs(runs, "histo"):
        a, b = ours.value, theirs.value
        assert (a.min, a.max, a.num) == (b.min, b.max, b.num)
        assert a.sum == pytest.approx(b.sum) and a.sum_squares == pytest.approx(b.sum_squares)
        assert list(a.bucket_limit) == pytest.approx(list(b.bucket_limit))
        assert list(a.bucket) == list(b.bucket)


def test_tensor_summaries_match(runs):
    for ours, theirs in _pairs(runs, "tensor"):
        if ours.value.dtype.kind == "f":
            np.testing.assert_allclose(ours.value, theirs.value, rtol=1e-6)
        else:
            assert ours.value.tolist() == theirs.value.tolist()


def test_run_metadata_has_step_stats_of_the_run(runs):
    for name in ("ours", "tf"):
        (record,) = [r for r in runs[name][0] if r.kind == "tagged_run_metadata"]
        assert record.value.tag == "step1" and record.step == 4
        meta = config_pb2.RunMetadata.FromString(record.value.run_metadata)
        names = {s.node_name for d in meta.step_stats.dev_stats for s in d.node_stats}
        assert {"Merge/MergeSummary", "Mean", "Sum"} <= names, name


def test_event_accumulator_reads_ours(runs):
    acc = accumulator(runs["ours"][1])
    tags = acc.Tags()
    assert "img/image/0" in tags["images"] and "snd/audio/0" in tags["audio"]
    assert tags["graph"] and tags["meta_graph"] and tags["run_metadata"] == ["step1"]
    assert {"sc", "fam/scope/fam/sc"} <= set(tags["scalars"])
    images = acc.Images("one/image")
    assert [(i.step, i.width, i.height) for i in images] == [(1, 3, 4), (2, 3, 4)]


def test_reopen_writes_a_new_file(tmp_path):
    writer = engine.compat.v1.summary.FileWriter(str(tmp_path))
    writer.add_summary(engine.compat.v1.summary.scalar("a", 1.0), 0)
    writer.reopen()  # not closed: nothing happens
    writer.close()
    with pytest.warns(UserWarning, match="closed"):
        writer.add_summary(engine.compat.v1.summary.scalar("a", 2.0), 1)
    writer.reopen()
    writer.add_summary(engine.compat.v1.summary.scalar("a", 3.0), 2)
    writer.close()
    assert len(event_paths(tmp_path)) == 2
    assert [(e.step, e.value) for e in accumulator(tmp_path).Scalars("a")] == [(0, 1.0), (2, 3.0)]


def test_every_compat_v1_summary_name_exists():
    public = {n for n in dir(tf.compat.v1.summary) if not n.startswith("_")}
    assert not public - set(dir(engine.compat.v1.summary))
