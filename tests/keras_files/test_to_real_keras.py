"""Files we write load in real Keras (tf_keras 2 and Keras 3, in this run): whole models from
``.h5`` with the same predictions and our optimizer, weights-only files in either layout."""

from __future__ import annotations

import numpy as np
import pytest

from engine import keras as ours
from tests.keras_files import models
from tests.keras_files.conftest import REAL


@pytest.mark.parametrize("opt", models.OPTIMIZERS)
@pytest.mark.parametrize("kind", models.KINDS)
def test_our_h5_file_loads_in_real_keras(tmp_path, real, kind, opt):
    mine, x, y = models.trained(ours, kind, opt)
    mine.save(tmp_path / f"{kind}-{opt}.h5")
    theirs = real.models.load_model(tmp_path / f"{kind}-{opt}.h5")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), atol=1e-6)
    assert type(theirs.optimizer).__name__ == type(mine.optimizer).__name__
    assert float(theirs.optimizer.learning_rate.numpy()) == pytest.approx(mine.optimizer.learning_rate)
    if opt == "sgd":
        assert float(np.asarray(theirs.optimizer.momentum)) == pytest.approx(0.9)
    if real is REAL["keras"]:
        # Keras 3.15 restores no optimizer state from a Keras-2-layout file (tf_keras's own
        # neither), and a model it loads from any .h5, its own too, cannot fit: the optimizer it
        # builds there is not the one fit() checks its variables against. It evaluates.
        theirs.evaluate(x, y, verbose=0)
        return
    assert int(theirs.optimizer.iterations.numpy()) == mine.optimizer.iterations == 2
    # tf_keras rebuilt its legacy class (the config has no is_legacy_optimizer), which takes our
    # m, v / momentum: its next step is ours
    assert type(theirs.optimizer).__module__.startswith("tf_keras.src.optimizers.legacy")
    theirs.train_on_batch(x, y)
    mine.train_on_batch(x, y)
    for t, m in zip(theirs.get_weights(), mine.get_weights(), strict=True):
        np.testing.assert_allclose(t, m, rtol=1e-5, atol=1e-6)


# tf_keras knows only Keras 2's layout; Keras 3 reads both (Keras 2's from a plain .h5 name).
@pytest.mark.parametrize(("lib", "suffix"), [("tf_keras", ".h5"), ("keras", ".h5"), ("keras", ".weights.h5")])
@pytest.mark.parametrize("kind", models.KINDS)
def test_our_weights_files_load_in_real_keras(tmp_path, lib, kind, suffix):
    real = REAL[lib]
    mine, x, _ = models.trained(ours, kind, "adam")
    mine.save_weights(tmp_path / f"w{suffix}")
    theirs = models.build(real, kind)
    theirs.load_weights(tmp_path / f"w{suffix}")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), mine.predict(x, verbose=0), atol=1e-6)
    again = models.build(ours, kind)  # and ours reads its own file of either layout
    again.load_weights(tmp_path / f"w{suffix}")
    np.testing.assert_allclose(again.predict(x, verbose=0), mine.predict(x, verbose=0), atol=1e-6)
