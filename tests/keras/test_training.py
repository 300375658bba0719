"""compile/fit/evaluate/predict/train_on_batch, the callbacks, the TensorBoard callback's files,
the summary table, and the acceptance numbers on the digits data set."""

from __future__ import annotations

import csv

import numpy as np
import pytest

import engine as tf
from engine import keras
from engine.datasets import digits
from engine.keras import layers
from engine.summary import Graph, Histogram, KerasModel, RunReader, Scalar, SummaryDecoder
from tfevents.proto import graph_pb2

RNG = np.random.default_rng(0)


def _blobs(n=200, classes=3, dim=4, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3, size=(classes, dim))
    y = rng.integers(0, classes, n)
    return (centers[y] + rng.normal(size=(n, dim))).astype("float32"), y


def _mlp(classes=3, dim=4):
    return keras.Sequential([layers.Dense(16, activation="relu", input_shape=(dim,)),
                             layers.Dense(classes, activation="softmax")])


# -- the loop ---------------------------------------------------------------------------------------------
def test_fit_evaluate_predict_and_history():
    x, y = _blobs()
    model = _mlp()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=5, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9
    assert model.metrics_names == ["loss", "accuracy"]
    probs = model.predict(x)
    assert probs.shape == (200, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    assert np.mean(probs.argmax(1) == y) == pytest.approx(acc)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs == {"loss": pytest.approx(loss), "accuracy": pytest.approx(acc)}


def test_accuracy_is_chosen_from_the_loss():
    x, y = _blobs(n=64)
    onehot = keras.utils.to_categorical(y, 3)
    for loss, target, kind in [("sparse_categorical_crossentropy", y, "SparseCategoricalAccuracy"),
                               ("categorical_crossentropy", onehot, "CategoricalAccuracy"),
                               ("binary_crossentropy", onehot, "BinaryAccuracy")]:
        model = _mlp()
        model.compile(optimizer="sgd", loss=loss, metrics=["acc", "mse", "mae"])
        model.fit(x, target, epochs=1, verbose=0)
        assert type(model._metric_objs[0][0]).__name__ == kind
        assert model.metrics_names == ["loss", "acc", "mse", "mae"]


def test_losses_match_their_formulas():
    y_true = np.array([[0, 1, 0], [1, 0, 0]], "float32")
    p = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]], "float32")
    cce = keras.losses.CategoricalCrossentropy()(y_true, tf.constant(p)).numpy()
    assert cce == pytest.approx(-np.mean(np.log([0.7, 0.6])), rel=1e-5)
    logits = np.log(p)
    assert keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, tf.constant(logits)).numpy() == \
        pytest.approx(cce, rel=1e-5)
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    assert sparse(np.array([1, 0]), tf.constant(logits)).numpy() == pytest.approx(cce, rel=1e-5)
    b_true, b_p = np.array([[1.0], [0.0]], "float32"), np.array([[0.8], [0.4]], "float32")
    bce = keras.losses.BinaryCrossentropy()(b_true, tf.constant(b_p)).numpy()
    assert bce == pytest.approx(-np.mean([np.log(0.8), np.log(0.6)]), rel=1e-5)
    assert keras.losses.BinaryCrossentropy(from_logits=True)(b_true, tf.constant(np.log(b_p / (1 - b_p)))) \
        .numpy() == pytest.approx(bce, rel=1e-5)
    assert keras.losses.get("mse")(b_true, tf.constant(b_p)).numpy() == pytest.approx((0.04 + 0.16) / 2)
    assert keras.losses.get("mae")(b_true, tf.constant(b_p)).numpy() == pytest.approx(0.3)


def test_optimizer_formulas_one_step():
    w0, g = np.array([1.0, -2.0], "float32"), np.array([0.5, 0.25], "float32")

    def step(opt, n=1):
        v = keras.backend.KerasVariable(w0, "w")
        for _ in range(n):
            opt.apply_gradients([(g, v)])
        return v.numpy()

    np.testing.assert_allclose(step(keras.optimizers.SGD(lr=0.1)), w0 - 0.1 * g)
    # Keras's old decay: lr / (1 + decay * iterations), iterations counted before the step
    np.testing.assert_allclose(step(keras.optimizers.SGD(lr=0.1, decay=0.5), 2),
                               w0 - 0.1 * g - 0.1 / 1.5 * g, rtol=1e-6)
    np.testing.assert_allclose(step(keras.optimizers.SGD(0.1, momentum=0.9), 2),
                               w0 - 0.1 * g - (0.9 * 0.1 + 0.1) * g, rtol=1e-6)
    lr_t = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    np.testing.assert_allclose(step(keras.optimizers.Adam(0.1)),
                               w0 - lr_t * 0.1 * g / (np.sqrt(0.001 * g * g) + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(step(keras.optimizers.RMSprop(0.1)),
                               w0 - 0.1 * g / (np.sqrt(0.1 * g * g) + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(step(keras.optimizers.Adagrad(0.1)),
                               w0 - 0.1 * g / (np.sqrt(0.1 + g * g) + 1e-7), rtol=1e-5)
    for name, cls in [("sgd", "SGD"), ("adam", "Adam"), ("rmsprop", "RMSprop"), ("adagrad", "Adagrad")]:
        assert type(keras.optimizers.get(name)).__name__ == cls


def test_train_on_batch_test_on_batch_and_multi_output_models():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(2,), name="b")
    h = layers.Concatenate()([layers.Dense(8, activation="relu")(a), b])
    cls = layers.Dense(3, activation="softmax", name="cls")(h)
    reg = layers.Dense(1, name="reg")(h)
    model = keras.Model(inputs=[a, b], outputs=[cls, reg])
    model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]})
    xa, xb = RNG.normal(size=(32, 4)).astype("float32"), RNG.normal(size=(32, 2)).astype("float32")
    ycls, yreg = RNG.integers(0, 3, 32), RNG.normal(size=(32, 1)).astype("float32")
    out = model.train_on_batch([xa, xb], [ycls, yreg])
    assert model.metrics_names == ["loss", "cls_loss", "reg_loss", "cls_accuracy"]
    assert len(out) == 4 and out[0] == pytest.approx(out[1] + 0.5 * out[2], rel=1e-5)
    history = model.fit({"a": xa, "b": xb}, {"cls": ycls, "reg": yreg}, epochs=2, verbose=0)
    assert "cls_accuracy" in history.history
    preds = model.predict([xa, xb])
    assert [p.shape for p in preds] == [(32, 3), (32, 1)]
    assert len(model.test_on_batch([xa, xb], [ycls, yreg])) == 4


def test_fit_without_input_shape_builds_from_the_data():
    model = keras.Sequential()
    model.add(layers.Dense(5, activation="relu"))
    model.add(layers.Dense(1))
    model.compile("sgd", "mse")
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), verbose=0)
    assert model.layers[0].kernel.shape == (3, 5)


def test_errors_name_the_problem():
    model = _mlp()
    with pytest.raises(RuntimeError, match="compile the model"):
        model.fit(np.ones((4, 4)), np.ones(4))
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(np.ones((4, 4)), np.ones(5))
    with pytest.raises(ValueError, match="unknown loss 'hinge_loss'"):
        model.compile("sgd", "hinge_loss")
        model.fit(np.ones((4, 4)), np.ones(4), verbose=0)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw2'"):
        model.compile("adamw2", "mse")


def test_progress_bar_output(capsys):
    x, y = _blobs(n=64)
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=16, epochs=2, validation_data=(x, y))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "4/4 [==============================]" in out
    assert "loss: " in out and "accuracy: " in out and "val_loss: " in out and "ms/step" in out
    model.fit(x, y, epochs=1, verbose=2)
    assert "2/2 - " in capsys.readouterr().out
    model.fit(x, y, epochs=1, verbose=0)
    assert capsys.readouterr().out == ""


def test_summary_table(capsys):
    model = keras.Sequential()
    model.add(layers.Dense(256, activation="sigmoid", input_shape=(784,)))
    model.add(layers.Dense(10, activation="sigmoid"))
    model.summary()
    out = capsys.readouterr().out
    assert 'Model: "sequential"' in out
    assert "dense (Dense)" in out and "(None, 256)" in out and "200960" in out
    assert "dense_1 (Dense)" in out and "(None, 10)" in out and "2570" in out
    assert "Total params: 203,530" in out and "Trainable params: 203,530" in out
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, layers.Dense(2)(inputs))
    model.summary()
    out = capsys.readouterr().out
    assert "Connected to" in out and "input_1[0][0]" in out and "Total params: 8" in out


def test_padded_steps_count_for_nothing_in_loss_and_metrics():
    """Embedding(mask_zero=True) -> LSTM(return_sequences) -> per-step softmax: the loss and the
    accuracy are means over the real steps only, as in Keras 3."""
    ids = np.array([[3, 1, 2, 0, 0], [1, 4, 4, 2, 1]])
    y = np.array([[1, 0, 2, 0, 0], [2, 2, 1, 0, 1]])
    model = keras.Sequential([layers.Embedding(5, 3, mask_zero=True), layers.LSTM(4, return_sequences=True),
                              layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    probs = model.predict(ids)
    real = ids != 0
    ce = -np.log(np.take_along_axis(probs, y[..., None], axis=-1)[..., 0])
    acc = probs.argmax(-1) == y
    loss, accuracy = model.evaluate(ids, y, verbose=0)
    assert loss == pytest.approx(ce[real].mean(), rel=1e-5)
    assert accuracy == pytest.approx(acc[real].mean())
    y_other = y.copy()
    y_other[~real] = 1  # labels at padded steps change nothing
    assert model.evaluate(ids, y_other, verbose=0) == pytest.approx([loss, accuracy], rel=1e-6)


# -- callbacks --------------------------------------------------------------------------------------------
def test_early_stopping_checkpoint_scheduler_csv(tmp_path):
    x, y = _blobs()
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    lrs = []
    callbacks = [
        keras.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=10.0),
        keras.callbacks.ModelCheckpoint(str(tmp_path / "w.{epoch:02d}.h5"), monitor="loss",
                                        save_weights_only=True),
        keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)),
        keras.callbacks.CSVLogger(str(tmp_path / "log.csv")),
        keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs: lrs.append(float(model.optimizer.lr))),
    ]
    history = model.fit(x, y, epochs=10, verbose=0, callbacks=callbacks)
    assert len(history.epoch) == 2  # nothing improves by 10, so patience 1 stops after epoch 2
    assert sorted(p.name for p in tmp_path.glob("w.*.h5")) == ["w.01.h5", "w.02.h5"]
    assert lrs == pytest.approx([0.1, 0.05], rel=1e-7)  # a float32 variable holds the rate, as in Keras
    rows = list(csv.DictReader(open(tmp_path / "log.csv")))
    assert [r["epoch"] for r in rows] == ["0", "1"] and {"loss", "accuracy", "lr"} <= set(rows[0])
    best = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.h5"), monitor="val_loss", save_best_only=True)
    model.fit(x, y, epochs=2, validation_split=0.2, verbose=0, callbacks=[best])
    restored = keras.models.load_model(tmp_path / "best.h5")
    assert restored.predict(x[:2]).shape == (2, 3)


def test_early_stopping_restores_best_weights():
    x, y = _blobs()
    model = _mlp()
    model.compile(optimizer=keras.optimizers.SGD(5.0), loss="sparse_categorical_crossentropy")
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=30, verbose=0, callbacks=[stop])
    best = int(np.argmin(history.history["loss"]))
    assert model.evaluate(x, y, verbose=0) <= max(history.history["loss"])
    assert stop.best_epoch == best


# -- TensorBoard ------------------------------------------------------------------------------------------
def _read_run(path):
    decoder = SummaryDecoder()
    items = []
    for event in RunReader(path).read():
        items.extend(decoder.decode(event))
    return items


def test_tensorboard_callback_writes_what_keras_writes(tmp_path):
    x, y = _blobs(n=96)
    model = _mlp()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq=2,
                                     write_output_histograms=True, write_steps_per_second=True)
    model.fit(x, y, batch_size=32, epochs=3, validation_data=(x[:32], y[:32]), callbacks=[tb], verbose=0)
    train, val = _read_run(tmp_path / "train"), _read_run(tmp_path / "validation")
    scalars = {}
    for item in train:
        if isinstance(item, Scalar):
            scalars.setdefault(item.tag, []).append(item.step)
    assert scalars["epoch_loss"] == [0, 1, 2] and scalars["epoch_accuracy"] == [0, 1, 2]
    assert scalars["epoch_learning_rate"] == [0, 1, 2] and scalars["epoch_steps_per_second"] == [0, 1, 2]
    assert scalars["batch_loss"] == [2, 4, 6, 8] and "batch_accuracy" in scalars
    hist_tags = {i.tag for i in train if isinstance(i, Histogram)}
    # tf_keras's tags: the weight's name with ":" made "_", then "/histogram"
    assert hist_tags == {"dense/kernel_0/histogram", "dense/bias_0/histogram", "dense_1/kernel_0/histogram",
                         "dense_1/bias_0/histogram"}
    val_scalars = {}
    for item in val:
        if isinstance(item, Scalar):
            val_scalars.setdefault(item.tag, []).append(item.step)
    assert val_scalars == {"epoch_loss": [0, 1, 2], "epoch_accuracy": [0, 1, 2],
                           "evaluation_loss_vs_iterations": [3, 6, 9],
                           "evaluation_accuracy_vs_iterations": [3, 6, 9]}
    assert {i.tag for i in val if isinstance(i, Histogram)} == {"dense_1/activations"}
    graphs = [i for i in train if isinstance(i, Graph)]
    assert len(graphs) == 1
    nodes = {n.name: n for n in graph_pb2.GraphDef.FromString(graphs[0].graph_def).node}
    assert {"dense/kernel", "dense/MatMul", "dense/Relu", "dense_1/Softmax"} <= set(nodes)
    assert "dense/MatMul" in nodes["dense/BiasAdd"].input
    config = [i for i in train if isinstance(i, KerasModel)][0].config_json
    assert config.startswith('{"class_name": "Sequential"')
    loss_values = [i.value for i in train if isinstance(i, Scalar) and i.tag == "epoch_loss"]
    assert loss_values[-1] < loss_values[0]


def test_tensorboard_graph_opens_in_real_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    inputs = keras.Input(shape=(6,), dtype="int32")
    h = layers.Embedding(10, 3)(inputs)
    h = layers.LSTM(4)(h)
    model = keras.Model(inputs, layers.Dense(2, activation="softmax")(h))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(RNG.integers(0, 10, (16, 6)), RNG.integers(0, 2, 16), epochs=2, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path))])
    acc = EventAccumulator(str(tmp_path / "train"))
    acc.Reload()
    assert [e.step for e in acc.Scalars("epoch_loss")] == [0, 1] if "epoch_loss" in acc.Tags()["scalars"] \
        else [e.step for e in acc.Tensors("epoch_loss")] == [0, 1]
    names = {n.name for n in acc.Graph().node}
    assert {"input_1", "embedding/GatherV2", "lstm/LSTM", "lstm/recurrent_kernel", "dense/Softmax"} <= names


# -- acceptance on digits ---------------------------------------------------------------------------------
def _digits():
    (x_train, y_train), (x_test, y_test) = digits.load_data()
    return (x_train.astype("float32") / 16, y_train), (x_test.astype("float32") / 16, y_test)


def test_digits_mlp_reaches_096():
    (x_train, y_train), (x_test, y_test) = _digits()
    model = keras.Sequential([layers.Flatten(input_shape=(8, 8)), layers.Dense(128, activation="relu"),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=30, batch_size=32, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] >= 0.96


def test_digits_lstm_reaches_090():
    (x_train, y_train), (x_test, y_test) = _digits()
    model = keras.Sequential([layers.LSTM(32, input_shape=(8, 8)), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=12, batch_size=64, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] >= 0.90


def test_tensorboard_with_an_unserializable_activation_still_logs_the_graph(tmp_path):
    model = keras.Sequential([layers.Dense(3, activation=lambda x: x * 2, input_shape=(2,)), layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.warns(UserWarning, match="op graph only"):
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0,
                  callbacks=[keras.callbacks.TensorBoard(log_dir=str(tmp_path))])
    assert any(isinstance(i, Graph) for i in _read_run(tmp_path / "train"))
