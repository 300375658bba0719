"""``keras.callbacks.TensorBoard`` against real tf_keras 2.21's: the same tiny model, weights and
data, trained with the same callback options; each run's tags, plugins, tensor shapes and steps
compared, and the weight histograms and images compared by value (a learning rate of 0 keeps
the weights both wrote equal)."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402 - a test peer, quiet once the variable above is set
import tf_keras  # noqa: E402

from engine import keras  # noqa: E402
from tests.summary.tf_events import accumulator, records  # noqa: E402
from tfevents import media  # noqa: E402

RNG = np.random.default_rng(2)
X = RNG.random((16, 3)).astype(np.float32)
Y = RNG.random((16, 1)).astype(np.float32)
WEIGHTS = [RNG.normal(size=(3, 4)).astype(np.float32), RNG.normal(size=4).astype(np.float32) * 0.1,
           RNG.normal(size=(4, 1)).astype(np.float32), np.zeros(1, np.float32)]
ONLY_OURS = {"epoch_learning_rate"}  # tf_keras writes it for a schedule only; Keras 3 always


def _fit(k, logdir, **options):
    model = k.Sequential([k.layers.Dense(4, activation="relu", input_shape=(3,), name="hidden"),
                          k.layers.Dense(1, name="out")])
    model.set_weights(WEIGHTS)
    model.compile(k.optimizers.SGD(learning_rate=0.0), "mse", metrics=["mae"])
    callback = k.callbacks.TensorBoard(str(logdir), **options)
    model.fit(X, Y, batch_size=8, epochs=2, validation_data=(X, Y), verbose=0, callbacks=[callback])


OPTIONS = {"histogram_freq": 1, "write_images": True, "write_steps_per_second": True, "update_freq": "batch"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for name, k in (("ours", keras), ("tf_keras", tf_keras)):
        logdir = tmp_path_factory.mktemp(name)
        _fit(k, logdir, **OPTIONS)
        out[name] = {run: records(logdir / run) for run in ("train", "validation")}
        out[name]["logdir"] = logdir
    return out


def _summary(records_, run=None):
    """{(tag, plugin, dtype kind, shape): [steps]} of a run's summaries."""
    out = {}
    for r in records_:
        if r.kind == "summary" and r.tag not in ONLY_OURS:
            key = (r.tag, r.plugin, r.value.dtype.kind, r.value.shape if r.plugin != "images" else None)
            out.setdefault(key, []).append(r.step)
    return out


@pytest.mark.parametrize("run", ["train", "validation"])
def test_same_tags_plugins_shapes_and_steps(runs, run):
    assert _summary(runs["ours"][run]) == _summary(runs["tf_keras"][run])


def test_tags_are_tf_keras_names(runs):
    tags = {r.tag for r in runs["ours"]["train"]}
    assert {"hidden/kernel_0/histogram", "hidden/kernel_0/image", "hidden/bias_0/image", "out/kernel_0/image",
            "batch_steps_per_second", "epoch_steps_per_second", "batch_loss", "keras"} <= tags
    assert "out/bias_0/image" not in tags  # a single number: squeezed to a scalar, no image


def test_graph_and_keras_config_at_step_zero(runs):
    for name in ("ours", "tf_keras"):
        kinds = [(r.kind, r.step) for r in runs[name]["train"] if r.kind == "graph_def" or r.tag == "keras"]
        assert kinds == [("summary", 0), ("graph_def", 0)], name


def _by_tag(records_, suffix):
    return {(r.tag, r.step): r.value for r in records_ if r.tag.endswith(suffix)}


def test_weight_histograms_match(runs):
    ours = _by_tag(runs["ours"]["train"], "/histogram")
    theirs = _by_tag(runs["tf_keras"]["train"], "/histogram")
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        np.testing.assert_allclose(value, theirs[key], rtol=1e-5, atol=1e-6, err_msg=str(key))


def test_weight_images_match(runs):
    ours = _by_tag(runs["ours"]["train"], "/image")
    theirs = _by_tag(runs["tf_keras"]["train"], "/image")
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        assert value[:2].tolist() == theirs[key][:2].tolist(), key
        for a, b in zip(value[2:], theirs[key][2:], strict=True):
            np.testing.assert_array_equal(media.decode_png(a), tf.io.decode_png(b).numpy())


def test_tensorboard_reads_our_runs(runs):
    acc = accumulator(runs["ours"]["logdir"] / "train")
    assert "hidden/kernel_0/image" in acc.Tags()["tensors"]
    assert acc.SummaryMetadata("hidden/kernel_0/image").plugin_data.plugin_name == "images"


def test_profile_batch_and_embeddings_warn_once(tmp_path):
    with pytest.warns(UserWarning, match="projector"):
        keras.callbacks.TensorBoard(str(tmp_path / "e"), embeddings_freq=1)
    with pytest.warns(UserWarning, match="no profiler") as caught:
        _fit(keras, tmp_path / "p", profile_batch=2)
    assert len([w for w in caught if "profiler" in str(w.message)]) == 1
    (trace,) = [r for r in records(tmp_path / "p" / "train") if r.tag == "batch_2"]
    assert (trace.plugin, trace.step) == ("graph_run_metadata_graph", 2)
    with pytest.raises(ValueError, match="profile_batch"):
        keras.callbacks.TensorBoard(str(tmp_path), profile_batch=(3, 1))
