# ruff: noqa: E501 - the Keras 2 and Keras 3 configs below are written out as those versions write them
"""Saving and loading: JSON/YAML configs, HDF5 weights and whole models in Keras's legacy
layout, files laid out as tf.keras 2 and Keras 3 write them, resumed
training, and hostile files."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from engine import keras
from engine.keras import layers
from engine.keras.models import load_model, model_from_json, model_from_yaml

RNG = np.random.default_rng(0)


def _functional():
    ids = keras.Input(shape=(6,), dtype="int32", name="ids")
    extra = keras.Input(shape=(3,), name="extra")
    h = layers.Embedding(20, 4, mask_zero=True)(ids)
    h = layers.LSTM(5, return_sequences=True)(h)
    h = layers.GRU(3)(h)
    merged = layers.Concatenate()([h, layers.Dense(3, activation="relu")(extra)])
    out = layers.Dense(2, activation="softmax", name="out")(merged)
    aux = layers.Dense(1, name="aux")(merged)
    return keras.Model(inputs=[ids, extra], outputs=[out, aux])


def _functional_data(n=12):
    ids = RNG.integers(0, 20, (n, 6))
    ids[:3, 4:] = 0
    return [ids, RNG.normal(size=(n, 3)).astype("float32")]


def _sequential():
    return keras.Sequential([layers.Reshape((4, 4, 1), input_shape=(16,)), layers.Conv2D(2, 3, padding="same"),
                             layers.BatchNormalization(), layers.MaxPooling2D(), layers.Flatten(),
                             layers.Dropout(0.2), layers.Dense(3, activation="softmax")])


@pytest.mark.parametrize("make, data", [(_sequential, lambda: RNG.normal(size=(5, 16)).astype("float32")),
                                        (_functional, _functional_data)], ids=["sequential", "functional"])
def test_round_trips_predict_identically(tmp_path, make, data):
    model = make()
    x = data()
    expected = model.predict(x)
    expected = expected if isinstance(expected, list) else [expected]

    def same(other):
        got = other.predict(x)
        for a, b in zip(expected, got if isinstance(got, list) else [got], strict=True):
            np.testing.assert_array_equal(a, b)

    from_json = model_from_json(model.to_json())
    from_json.set_weights(model.get_weights())
    same(from_json)
    from_yaml = model_from_yaml(model.to_yaml())
    model.save_weights(tmp_path / "w.h5")
    from_yaml.load_weights(tmp_path / "w.h5")
    same(from_yaml)
    model.save(tmp_path / "m.h5")
    same(load_model(tmp_path / "m.h5"))
    assert json.loads(model.to_json())["config"] == json.loads(from_json.to_json())["config"]


def test_h5_layout_is_keras_legacy(tmp_path):
    model = keras.Sequential([layers.Dense(3, input_shape=(4,), name="d1"), layers.Dropout(0.1, name="drop"),
                              layers.Dense(2, name="d2")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 4)), np.ones((4, 2)), verbose=0)
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as f:
        assert f.attrs["backend"] == "tensorflow" and "keras_version" in f.attrs
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Sequential"
        training = json.loads(f.attrs["training_config"])
        assert training["loss"]["class_name"] == "MeanSquaredError"
        assert training["optimizer_config"]["class_name"] == "Adam"
        g = f["model_weights"]
        assert [n.decode() for n in g.attrs["layer_names"]] == ["d1", "drop", "d2"]
        assert [n.decode() for n in g["d1"].attrs["weight_names"]] == ["d1/kernel:0", "d1/bias:0"]
        assert len(g["drop"].attrs["weight_names"]) == 0
        assert g["d1/d1/kernel:0"].shape == (4, 3)
        np.testing.assert_array_equal(g["d2/d2/bias:0"][()], model.layers[2].bias.numpy())
        assert "top_level_model_weights" in g
        names = [n.decode() for n in f["optimizer_weights"].attrs["weight_names"]]
        assert names[0] == "Adam/iter:0" and "Adam/d1/kernel/m:0" in names and "Adam/d2/bias/v:0" in names


def test_resumed_training_equals_uninterrupted(tmp_path):
    def make():
        keras.backend.clear_session()
        keras.utils.set_random_seed(42)
        model = keras.Sequential([layers.Embedding(30, 4, input_length=5), layers.LSTM(6),
                                  layers.Dense(8, activation="relu", kernel_regularizer="l2"),
                                  layers.Dense(3, activation="softmax")])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    x, y = RNG.integers(0, 30, (64, 5)), RNG.integers(0, 3, 64)
    straight = make()
    straight.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)
    first = make()
    first.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    first.save(tmp_path / "ckpt.h5")
    resumed = load_model(tmp_path / "ckpt.h5")
    assert resumed.optimizer.iterations == 8
    resumed.fit(x, y, epochs=4, initial_epoch=2, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_sgd_state_resumes_too(tmp_path):
    x, y = RNG.normal(size=(32, 3)).astype("float32"), RNG.normal(size=(32, 1)).astype("float32")

    def make():
        keras.utils.set_random_seed(1)
        m = keras.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(lr=0.05, decay=1e-2, momentum=0.9, nesterov=True), loss="mse")
        return m

    straight = make()
    straight.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    half = make()
    half.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    half.save(tmp_path / "s.h5")
    resumed = load_model(tmp_path / "s.h5")
    resumed.fit(x, y, epochs=2, initial_epoch=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# -- files as tf.keras 2 and Keras 3 write them ------------------------------------------------------------
def _policy(name="float32"):
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}, "registered_name": None}


def _init(cls, **config):
    return {"module": "keras.initializers", "class_name": cls, "config": config, "registered_name": None}


def _k3(cls, config, **extra):
    return {"module": "keras.layers", "class_name": cls, "config": config, "registered_name": None, **extra}


def _kt(shape, dtype, history):
    return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": dtype, "keras_history": history}}


def _write_h5(path, config, layer_weights, keras_version, weight_name):
    """A legacy .h5 file in Keras's legacy HDF5 layout; ``layer_weights`` is
    [(layer name, [(weight short name, array)])] in model order."""
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = keras_version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([n.encode() for n, _ in layer_weights])
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = keras_version.encode()
        for name, weights in sorted(layer_weights):
            lg = g.create_group(name)
            names = [weight_name(name, w).encode() for w, _ in weights]
            lg.attrs["weight_names"] = np.array(names, dtype="S") if names else np.array([], dtype="S1")
            for n, (_, value) in zip(names, weights, strict=True):
                lg.create_dataset(n.decode(), data=value)
        top = g.create_group("top_level_model_weights")
        top.attrs["weight_names"] = np.array([], dtype="S1")


def _reference_lstm_mlp(ids, emb, k, rk, b, dk, db):
    """numpy forward pass of Embedding -> LSTM (i, f, c, o; sigmoid/tanh) -> Dense(softmax)."""
    x = emb[ids]
    u = rk.shape[0]
    h = np.zeros((len(ids), u))
    c = np.zeros((len(ids), u))
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(ids.shape[1]):
        z = x[:, t] @ k + h @ rk + b
        i, f, g, o = sig(z[:, :u]), sig(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sig(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
    logits = h @ dk + db
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _weights():
    r = np.random.default_rng(5)
    return {"emb": r.normal(size=(20, 4)).astype("f4"), "k": r.normal(size=(4, 12)).astype("f4") * 0.5,
            "rk": r.normal(size=(3, 12)).astype("f4") * 0.5, "b": r.normal(size=(12,)).astype("f4"),
            "dk": r.normal(size=(3, 2)).astype("f4"), "db": r.normal(size=(2,)).astype("f4")}


def test_loads_a_tf_keras_2_functional_file(tmp_path):
    w = _weights()
    config = {"class_name": "Functional", "config": {
        "name": "model", "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 5], "dtype": "int32",
                                                    "sparse": False, "ragged": False, "name": "input_1"},
             "name": "input_1", "inbound_nodes": []},
            {"class_name": "Embedding", "config": {
                "name": "embedding", "trainable": True, "batch_input_shape": [None, 5], "dtype": "float32",
                "input_dim": 20, "output_dim": 4,
                "embeddings_initializer": {"class_name": "RandomUniform",
                                           "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
                "embeddings_regularizer": None, "activity_regularizer": None, "embeddings_constraint": None,
                "mask_zero": False, "input_length": 5},
             "name": "embedding", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
            {"class_name": "LSTM", "config": {
                "name": "lstm", "trainable": True, "dtype": "float32", "return_sequences": False,
                "return_state": False, "go_backwards": False, "stateful": False, "unroll": False,
                "time_major": False, "units": 3, "activation": "tanh", "recurrent_activation": "sigmoid",
                "use_bias": True, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                "bias_initializer": {"class_name": "Zeros", "config": {}}, "unit_forget_bias": True,
                "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
                "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
                "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2},
             "name": "lstm", "inbound_nodes": [[["embedding", 0, 0, {}]]]},
            {"class_name": "Dense", "config": {
                "name": "dense", "trainable": True, "dtype": "float32", "units": 2, "activation": "softmax",
                "use_bias": True, "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
                "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None,
                "bias_constraint": None},
             "name": "dense", "inbound_nodes": [[["lstm", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["dense", 0, 0]]},
        "keras_version": "2.11.0", "backend": "tensorflow"}
    _write_h5(tmp_path / "k2.h5", config,
              [("input_1", []), ("embedding", [("embeddings", w["emb"])]),
               ("lstm", [("kernel", w["k"]), ("recurrent_kernel", w["rk"]), ("bias", w["b"])]),
               ("dense", [("kernel", w["dk"]), ("bias", w["db"])])],
              "2.11.0", lambda layer, weight: f"{layer}/{weight}:0")
    model = load_model(tmp_path / "k2.h5")
    ids = RNG.integers(0, 20, (7, 5))
    expected = _reference_lstm_mlp(ids, w["emb"], w["k"], w["rk"], w["b"], w["dk"], w["db"])
    np.testing.assert_allclose(model.predict(ids), expected, rtol=1e-5, atol=1e-6)
    with h5py.File(tmp_path / "k2.h5", "r") as f:
        assert "model_weights/lstm/lstm/recurrent_kernel:0" in f


def test_loads_a_keras_3_sequential_file(tmp_path):
    w = _weights()
    dense = lambda name, units, act: _k3("Dense", {  # noqa: E731
        "name": name, "trainable": True, "dtype": _policy(), "units": units, "activation": act, "use_bias": True,
        "kernel_initializer": _init("GlorotUniform", seed=None), "bias_initializer": _init("Zeros"),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "trainable": True, "dtype": _policy(), "layers": [
            _k3("InputLayer", {"batch_shape": [None, 5], "dtype": "int32", "sparse": False, "name": "input_layer"}),
            _k3("Embedding", {"name": "embedding", "trainable": True, "dtype": _policy(), "input_dim": 20,
                              "output_dim": 4, "embeddings_initializer": _init("RandomUniform", minval=-0.05,
                                                                               maxval=0.05, seed=None),
                              "embeddings_regularizer": None, "activity_regularizer": None,
                              "embeddings_constraint": None, "mask_zero": False},
                build_config={"input_shape": [None, 5]}),
            _k3("LSTM", {"name": "lstm", "trainable": True, "dtype": _policy(), "return_sequences": False,
                         "return_state": False, "go_backwards": False, "stateful": False, "unroll": False,
                         "zero_output_for_mask": False, "units": 3, "activation": "tanh",
                         "recurrent_activation": "sigmoid", "use_bias": True,
                         "kernel_initializer": _init("GlorotUniform", seed=None),
                         "recurrent_initializer": _init("OrthogonalInitializer", gain=1.0, seed=None),
                         "bias_initializer": _init("Zeros"), "unit_forget_bias": True,
                         "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
                         "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
                         "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "seed": None},
                build_config={"input_shape": [None, 5, 4]}),
            dense("dense", 2, "softmax")],
        "build_input_shape": [None, 5]}, "registered_name": None, "build_config": {"input_shape": [None, 5]}}
    _write_h5(tmp_path / "k3.h5", config,
              [("embedding", [("embeddings", w["emb"])]),
               ("lstm", [("kernel", w["k"]), ("recurrent_kernel", w["rk"]), ("bias", w["b"])]),
               ("dense", [("kernel", w["dk"]), ("bias", w["db"])])],
              "3.5.0", lambda layer, weight: f"sequential/{layer}/{weight}")
    model = load_model(tmp_path / "k3.h5")
    ids = RNG.integers(0, 20, (7, 5))
    expected = _reference_lstm_mlp(ids, w["emb"], w["k"], w["rk"], w["b"], w["dk"], w["db"])
    np.testing.assert_allclose(model.predict(ids), expected, rtol=1e-5, atol=1e-6)
    with h5py.File(tmp_path / "k3.h5", "r") as f:
        assert "model_weights/lstm/sequential/lstm/recurrent_kernel" in f
    # and a Keras 3 functional config of the same model
    functional = {"module": "keras", "class_name": "Functional", "config": {
        "name": "functional", "trainable": True, "layers": [
            _k3("InputLayer", {"batch_shape": [None, 5], "dtype": "int32", "sparse": False, "name": "input_layer"},
                name="input_layer", inbound_nodes=[]),
            {**config["config"]["layers"][1], "name": "embedding", "inbound_nodes": [
                {"args": [_kt([None, 5], "int32", ["input_layer", 0, 0])], "kwargs": {}}]},
            {**config["config"]["layers"][2], "name": "lstm", "inbound_nodes": [
                {"args": [_kt([None, 5, 4], "float32", ["embedding", 0, 0])], "kwargs": {"mask": None}}]},
            {**config["config"]["layers"][3], "name": "dense", "inbound_nodes": [
                {"args": [_kt([None, 3], "float32", ["lstm", 0, 0])], "kwargs": {}}]}],
        "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]}}
    model2 = model_from_json(json.dumps(functional))
    model2.load_weights(tmp_path / "k3.h5")
    np.testing.assert_allclose(model2.predict(ids), expected, rtol=1e-5, atol=1e-6)


def test_our_files_load_by_keras_rules(tmp_path):
    """What Keras's loader does with our file: keep the layer names with weights, match by
    position, read each layer's weights in weight_names order."""
    model = _functional()
    model.save(tmp_path / "ours.h5")
    with h5py.File(tmp_path / "ours.h5", "r") as f:
        g = f["model_weights"]
        names = [n.decode() for n in g.attrs["layer_names"]]
        with_weights = [n for n in names if len(g[n].attrs["weight_names"])]
        assert with_weights == [layer.name for layer in model.layers if layer.weights]
        for name, layer in zip(with_weights, [lay for lay in model.layers if lay.weights], strict=True):
            values = [g[name][wn.decode()][()] for wn in g[name].attrs["weight_names"]]
            for v, w in zip(values, layer.get_weights(), strict=True):
                np.testing.assert_array_equal(v, w)
        config = json.loads(f.attrs["model_config"])
        assert config["class_name"] == "Functional"
        assert config["config"]["input_layers"] == [["ids", 0, 0], ["extra", 0, 0]]
        assert config["config"]["layers"][2]["inbound_nodes"] == [[["embedding", 0, 0, {}]]]


def test_load_weights_by_name_and_mismatches(tmp_path):
    a = keras.Sequential([layers.Dense(3, input_shape=(2,), name="x1"), layers.Dense(1, name="x2")])
    a.save_weights(tmp_path / "a.h5")
    b = keras.Sequential([layers.Dense(3, input_shape=(2,), name="x1"), layers.Dense(1, name="other")])
    b.load_weights(tmp_path / "a.h5", by_name=True)
    np.testing.assert_array_equal(a.layers[0].kernel.numpy(), b.layers[0].kernel.numpy())
    c = keras.Sequential([layers.Dense(4, input_shape=(2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=r"has shape \(2, 4\).*\(2, 3\)"):
        c.load_weights(tmp_path / "a.h5")
    d = keras.Sequential([layers.Dense(3, input_shape=(2,))])
    with pytest.raises(ValueError, match="holds weights for 2 layers.*model has 1"):
        d.load_weights(tmp_path / "a.h5")


# -- hostile files -------------------------------------------------------------------------------------
def test_unknown_class_names_are_refused_clearly():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Lambda", "config": {"function": "os.system('touch /tmp/pwned')"}}]}}
    with pytest.raises(ValueError, match="Lambda layer None: unknown function type"):
        model_from_json(json.dumps(config))
    for kind in ("function", "lambda"):  # by name: only custom_objects; bytecode: only unsafe mode
        config["config"]["layers"][0]["config"]["function_type"] = kind
        with pytest.raises(ValueError, match="custom_objects" if kind == "function" else "safe_mode=False"):
            model_from_json(json.dumps(config))
    with pytest.raises(ValueError, match="Unknown model class: 'os.system'"):
        model_from_json(json.dumps({"class_name": "os.system", "config": {}}))
    with pytest.raises(ValueError, match="unknown activation"):
        model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": 2, "activation": "__import__('os')"}}]}}))
    with pytest.raises(ValueError, match="unknown initializer class 'subprocess.Popen'"):
        model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": 2, "kernel_initializer": {
                "class_name": "subprocess.Popen", "config": {"args": ["sh"]}}}}]}}))


def test_yaml_loading_is_safe(tmp_path):
    marker = tmp_path / "pwned"
    evil = f"!!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ValueError, match="not a safe YAML model config"):
        model_from_yaml(evil)
    assert not marker.exists()


def test_bad_configs_and_shapes_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="not a JSON model config"):
        model_from_json("{not json")
    with pytest.raises(ValueError, match="units must be a positive integer"):
        model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": "lots", "batch_input_shape": [None, 2]}}]}}))
    with pytest.raises(ValueError, match="refusing to create weight 'kernel' of shape \\(2, 10000000000\\)"):
        model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": 10 ** 10, "batch_input_shape": [None, 2]}}]}}))
    with pytest.raises(ValueError, match="cannot build Dense from config"):
        model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "Dense", "config": {"units": 2, "evil_kwarg": 1}}]}}))
    good = keras.Sequential([layers.Dense(3, input_shape=(2,), name="d")])
    good.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r+") as f:
        del f["model_weights/d/d/kernel:0"]
        f["model_weights/d"].create_dataset("d/kernel:0", data=np.zeros((5, 5), "f4"))
    with pytest.raises(ValueError, match=r"weight 'd/kernel:0' of layer 'd' has shape \(2, 3\).*\(5, 5\)"):
        load_model(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r+") as f:
        f["model_weights/d"].attrs["weight_names"] = np.array([b"d/kernel:0", b"d/missing:0"])
    with pytest.raises(ValueError, match="no such dataset"):
        load_model(tmp_path / "m.h5")
    with h5py.File(tmp_path / "w.h5", "w") as f:
        f.create_group("nothing")
    with pytest.raises(ValueError, match="holds no model config"):
        load_model(tmp_path / "w.h5")


def test_functional_layers_follow_keras_order_so_weight_files_match_by_position():
    """Keras orders a functional model's layers by depth (nearest the inputs first), ties in
    traversal order from the outputs; weight files list and match layers in that order."""
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(2,), name="b")
    x = layers.Dense(3, name="da")(a)
    y = layers.Dense(3, name="db2")(layers.Dense(3, name="db")(b))
    model = keras.Model([a, b], layers.Concatenate(name="cat")([x, y]))
    assert [layer.name for layer in model.layers] == ["b", "a", "db", "da", "db2", "cat"]
    clone = model_from_json(model.to_json())
    assert [layer.name for layer in clone.layers] == ["b", "a", "db", "da", "db2", "cat"]


def test_loads_a_keras_3_dot_keras_zip(tmp_path):
    """Keras 3's native file: config.json plus model.weights.h5 with each layer's variables at
    layers/<class in snake case>[_n]/vars/<i>, a recurrent layer's under its cell."""
    import io
    import zipfile

    w = _weights()
    policy = _policy()
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "trainable": True, "dtype": policy, "layers": [
            _k3("InputLayer", {"batch_shape": [None, 5], "dtype": "int32", "sparse": False, "name": "input_layer"}),
            _k3("Embedding", {"name": "embedding", "trainable": True, "dtype": policy, "input_dim": 20, "output_dim": 4,
                              "embeddings_initializer": _init("RandomUniform", minval=-0.05, maxval=0.05, seed=None),
                              "embeddings_regularizer": None, "activity_regularizer": None,
                              "embeddings_constraint": None, "mask_zero": False}),
            _k3("LSTM", {"name": "lstm", "trainable": True, "dtype": policy, "units": 3, "activation": "tanh",
                         "recurrent_activation": "sigmoid", "use_bias": True, "return_sequences": False,
                         "seed": None, "use_cudnn": "auto"}),
            _k3("Dense", {"name": "dense", "trainable": True, "dtype": policy, "units": 2, "activation": "softmax",
                          "use_bias": True})]},
        "registered_name": None,
        "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {
            "name": "adam", "learning_rate": 0.001, "weight_decay": None, "clipnorm": None, "global_clipnorm": None,
            "clipvalue": None, "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None,
            "loss_scale_factor": None, "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
            "epsilon": 1e-07, "amsgrad": False}, "registered_name": None},
            "loss": "sparse_categorical_crossentropy", "loss_weights": None, "metrics": ["accuracy"]}}
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
        for path, values in [("layers/embedding", [w["emb"]]), ("layers/lstm/cell", [w["k"], w["rk"], w["b"]]),
                             ("layers/dense", [w["dk"], w["db"]])]:
            g = f.create_group(path).create_group("vars")
            for i, v in enumerate(values):
                g.create_dataset(str(i), data=v)
        f.create_group("optimizer").create_group("vars")
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1", "date_saved": "2026-11-28@12:00:00"}))
        z.writestr("model.weights.h5", buf.getvalue())
    model = load_model(tmp_path / "m.keras")
    ids = RNG.integers(0, 20, (7, 5))
    expected = _reference_lstm_mlp(ids, w["emb"], w["k"], w["rk"], w["b"], w["dk"], w["db"])
    np.testing.assert_allclose(model.predict(ids), expected, rtol=1e-5, atol=1e-6)
    assert model.metrics_names == ["loss", "accuracy"] and type(model.optimizer).__name__ == "Adam"
    model.fit(ids, RNG.integers(0, 2, 7), verbose=0)
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as z:
        z.writestr("config.json", "{}")
    with pytest.raises(ValueError, match="needs config.json and model.weights.h5"):
        load_model(tmp_path / "bad.keras")


def test_keras_3_optimizer_state_in_h5_is_restored(tmp_path):
    """Keras 3's legacy .h5 optimizer_weights: iteration, learning_rate, then each variable's
    slots in turn (adam/<path>_momentum, adam/<path>_velocity)."""
    model = keras.Sequential([layers.Dense(3, input_shape=(2,)), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    model.save(tmp_path / "m.h5")
    rng = np.random.default_rng(7)
    slots = {w.name: (rng.normal(size=w.shape), rng.uniform(size=w.shape)) for w in model.trainable_weights}
    with h5py.File(tmp_path / "m.h5", "r+") as f:
        del f["optimizer_weights"]
        g = f.create_group("optimizer_weights")
        names = ["adam/iteration", "adam/learning_rate"]
        g.create_dataset(names[0], data=np.int64(12))
        g.create_dataset(names[1], data=np.float32(0.005))
        for w in model.trainable_weights:
            path = "sequential_" + w.path.replace("/", "_")
            for suffix, value in zip(("momentum", "velocity"), slots[w.name], strict=True):
                names.append(f"adam/{path}_{suffix}")
                g.create_dataset(names[-1], data=value.astype("f4"))
        g.attrs["weight_names"] = np.array([n.encode() for n in names])
    loaded = load_model(tmp_path / "m.h5")
    opt = loaded.optimizer
    assert opt.iterations == 12 and opt.learning_rate == pytest.approx(0.005)
    for w in loaded.trainable_weights:
        np.testing.assert_allclose(opt._slots[id(w)]["m"], slots[w.name][0], rtol=1e-6)
        np.testing.assert_allclose(opt._slots[id(w)]["v"], slots[w.name][1], rtol=1e-6)
