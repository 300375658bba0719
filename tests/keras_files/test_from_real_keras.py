"""Files real Keras writes (tf_keras 2 and Keras 3, in this run) load into ours: the same
predictions, the optimizer rebuilt with its state (the next step moves the weights as real
Keras's does), and training goes on."""

from __future__ import annotations

import warnings

import h5py
import numpy as np
import pytest

from engine import keras as ours
from tests.keras_files import models
from tests.keras_files.conftest import REAL


def _step_both(theirs, mine, x, y):
    theirs.train_on_batch(x, y)
    mine.train_on_batch(x, y)
    for t, m in zip(theirs.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_allclose(m, t, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("opt", models.OPTIMIZERS)
@pytest.mark.parametrize("kind", models.KINDS)
def test_real_h5_file_loads_predicts_and_trains_on(tmp_path, real, kind, opt):
    theirs, x, y = models.trained(real, kind, opt)
    path = tmp_path / f"{kind}-{opt}.h5"
    theirs.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a real file of layers and optimizers we have loads quietly
        mine = ours.models.load_model(path)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)

    opt_mine = mine.optimizer
    assert type(opt_mine).__name__ == {"adam": "Adam", "sgd": "SGD"}[opt]
    assert opt_mine.learning_rate == pytest.approx(float(theirs.optimizer.learning_rate.numpy()))
    if opt == "sgd":
        assert opt_mine.momentum == pytest.approx(0.9)
    assert opt_mine.iterations == int(theirs.optimizer.iterations.numpy()) == 2
    _step_both(theirs, mine, x, y)  # the restored slots (m, v / momentum) are real Keras's
    assert opt_mine.iterations == 3
    mine.fit(x, y, epochs=1, batch_size=16, verbose=0)


def test_tf_keras_file_names_its_optimizers_custom(tmp_path):
    """What the issue saw: tf_keras 2.11+ writes ``Custom>Adam`` and ``Adam/m/<variable>``."""
    theirs, _, _ = models.trained(REAL["tf_keras"], "mlp", "adam")
    theirs.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5") as f:
        assert '"Custom>Adam"' in f.attrs["training_config"]
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in f["optimizer_weights"].attrs["weight_names"]]
    assert names[0] == "iteration:0" and names[1].startswith("Adam/m/")
    assert isinstance(ours.models.load_model(tmp_path / "m.h5").optimizer, ours.optimizers.Adam)


def test_an_optimizer_we_cannot_rebuild_warns_and_the_model_still_loads(tmp_path, real):
    theirs = models.build(real, "mlp")
    x, y = models.data("mlp")
    theirs.compile(real.optimizers.Lion(learning_rate=1e-3), "sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    theirs.fit(x, y, epochs=1, batch_size=8, verbose=0)
    theirs.save(tmp_path / "lion.h5")
    with pytest.warns(UserWarning, match="Lion") as record:
        mine = ours.models.load_model(tmp_path / "lion.h5")
    assert "default optimizer" in str(record[0].message)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)
    assert mine.loss is not None and "accuracy" in mine.evaluate(x, y, verbose=0, return_dict=True)
    mine.fit(x, y, epochs=1, batch_size=16, verbose=0)


@pytest.mark.parametrize("kind", models.KINDS)
def test_real_to_json_loads_in_ours_and_ours_back(real, kind):
    theirs = models.build(real, kind)
    x, _ = models.data(kind)
    mine = ours.models.model_from_json(theirs.to_json())
    mine.set_weights(theirs.get_weights())
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)
    back = real.models.model_from_json(mine.to_json())
    back.set_weights(theirs.get_weights())
    np.testing.assert_allclose(back.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)


@pytest.mark.parametrize("kind", models.KINDS)
def test_real_weights_files_load_into_ours(tmp_path, real, kind):
    theirs, x, _ = models.trained(real, kind, "adam")
    mine = models.build(ours, kind)
    suffix = ".weights.h5" if real is REAL["keras"] else ".h5"  # Keras 3 insists on .weights.h5
    theirs.save_weights(tmp_path / f"w{suffix}")
    mine.load_weights(tmp_path / f"w{suffix}")
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-6)
