"""keras.utils, keras.models.clone_model, keras.backend basics and Model.get_layer against Keras
2 and 3."""

from __future__ import annotations

import numpy as np
import pytest

from tests.keras_api.peers import k2, k3, ours

SEQS = [[1, 2, 3, 4, 5], [6], [], [7, 8, 9]]


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize(("maxlen", "value", "dtype"),
                         [(None, 0.0, "int32"), (3, -1, "int32"), (4, 0.5, "float32"), (6, 9, "int64")])
def test_pad_sequences(padding, truncating, maxlen, value, dtype):
    kwargs = {"maxlen": maxlen, "padding": padding, "truncating": truncating, "value": value, "dtype": dtype}
    got = ours.utils.pad_sequences(SEQS, **kwargs)
    for lib in (k3.utils, k2.preprocessing.sequence):
        want = lib.pad_sequences(SEQS, **kwargs)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_pad_sequences_of_vectors_and_strings():
    seqs = [np.ones((2, 3)), np.zeros((4, 3))]
    np.testing.assert_array_equal(ours.utils.pad_sequences(seqs, maxlen=3, dtype="float32"),
                                  k3.utils.pad_sequences(seqs, maxlen=3, dtype="float32"))
    words = [["a", "b"], ["c"]]
    np.testing.assert_array_equal(ours.utils.pad_sequences(words, dtype=object, value="<pad>"),
                                  k3.utils.pad_sequences(words, dtype=object, value="<pad>"))
    for bad in ({"padding": "middle"}, {"truncating": "middle", "maxlen": 1}, {"value": "x"}):
        with pytest.raises(ValueError):
            ours.utils.pad_sequences(SEQS, **bad)
        with pytest.raises(ValueError):
            k3.utils.pad_sequences(SEQS, **bad)


@pytest.mark.parametrize(("y", "num_classes"),
                         [([0, 2, 1], None), ([[1], [3]], 5), (np.array([[0, 1], [2, 0]]), 3)])
def test_to_categorical(y, num_classes):
    got = ours.utils.to_categorical(y, num_classes)
    for lib in (k2, k3):
        want = lib.utils.to_categorical(y, num_classes)
        assert got.shape == want.shape
        np.testing.assert_array_equal(got, want)


def test_set_random_seed_repeats_initial_weights():
    def weights():
        ours.utils.set_random_seed(7)
        return ours.Sequential([ours.Input((4,)), ours.layers.Dense(3)]).get_weights()[0]

    np.testing.assert_array_equal(weights(), weights())


def _mlp(lib):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(5, activation="relu", name="hidden"),
                           lib.layers.Dense(2, name="out")])


def _functional(lib):
    a = lib.Input((4,), name="x")
    h1, h2 = lib.layers.Dense(3, name="left")(a), lib.layers.Dense(3, name="right")(a)
    return lib.Model(a, lib.layers.Dense(1, name="head")(lib.layers.Concatenate(name="cat")([h1, h2])))


@pytest.mark.parametrize("make", [_mlp, _functional])
def test_clone_model(make):
    model = make(ours)
    clone = ours.models.clone_model(model)
    ref = k3.models.clone_model(make(k3))
    assert type(clone) is type(model)
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers] == [
        layer.name for layer in ref.layers if type(layer).__name__ != "InputLayer" or make is _functional]
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert all(a is not b for a, b in zip(clone.weights, model.weights, strict=True))
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])  # fresh initial values
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    renamed = ours.models.clone_model(
        model, clone_function=lambda layer: type(layer).from_config({**layer.get_config(),
                                                                      "name": "c_" + layer.name}))
    assert [layer.name for layer in renamed.layers if type(layer).__name__ != "InputLayer"] == [
        "c_" + layer.name for layer in model.layers if type(layer).__name__ != "InputLayer"]


def test_backend_basics():
    for lib in (k2, k3):
        assert ours.backend.floatx() == lib.backend.floatx()
        assert ours.backend.epsilon() == lib.backend.epsilon()
        assert ours.backend.image_data_format() == lib.backend.image_data_format()
    model = _mlp(ours)
    ours.backend.set_value(model.layers[0].bias, np.full(5, 0.5, "float32"))
    np.testing.assert_array_equal(ours.backend.get_value(model.layers[0].bias), np.full(5, 0.5))
    assert ours.backend.int_shape(model.layers[0].kernel) == (4, 5)
    ours.backend.clear_session()
    k3.backend.clear_session()
    assert ours.layers.Dense(2).name == k3.layers.Dense(2).name == "dense"


def test_get_layer():
    model = _mlp(ours)
    ref = _mlp(k3)
    assert model.get_layer("out").name == ref.get_layer("out").name == "out"
    assert model.get_layer(index=0).name == ref.get_layer(index=0).name == "hidden"
    for bad in ({"name": "missing"}, {"index": 7}, {}, {"name": "out", "index": 0}):
        with pytest.raises(ValueError):
            model.get_layer(**bad)
        with pytest.raises(ValueError):
            ref.get_layer(**bad)


def test_plot_model_without_graphviz(tmp_path):
    model = _functional(ours)
    svg = ours.utils.plot_model(model, to_file=tmp_path / "m.svg", show_shapes=True)
    assert svg.startswith("<svg") and svg.count("<rect") == len(model.layers)
    assert "head (Dense)" in svg and (tmp_path / "m.svg").read_text() == svg
    dot = ours.utils.plot_model(model, to_file=tmp_path / "m.dot")
    assert dot.count("->") == 5  # x->left, x->right, left->cat, right->cat, cat->head
    text = ours.utils.plot_model(_mlp(ours), to_file=tmp_path / "m.txt", show_shapes=True)
    assert text.splitlines()[1].startswith("out (Dense)") and "<- hidden (Dense)" in text
    with pytest.raises(ImportError):
        ours.utils.plot_model(model, to_file=tmp_path / "m.png")
