"""``strategy.scope()`` and the Keras hook, without Ray: a recording strategy stands in for one."""

from __future__ import annotations

import numpy as np
import pytest

import engine
import engine as tf
from engine.distribute import distribute_lib
from tests.distribute.helpers import make_mlp


class RecordingStrategy(distribute_lib.Strategy):
    """Runs every step in this process, as Keras would, and notes what it was asked to do."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def _train_batch(self, model, xs, ys, sw):
        self.calls.append(("train", len(xs[0])))
        model._distribute_strategy = None
        try:
            model._train_batch(xs, ys, sw)
        finally:
            model._distribute_strategy = self

    def _test_batch(self, model, xs, ys, sw):
        self.calls.append(("test", len(xs[0])))
        model._distribute_strategy = None
        try:
            model._test_batch(xs, ys, sw)
        finally:
            model._distribute_strategy = self

    def _predict(self, model, xs, batch_size):
        self.calls.append(("predict", len(xs[0])))
        return np.zeros((len(xs[0]), 10), np.float32)

    def _sync(self, model):
        self.calls.append(("sync",))


def test_tf_distribute_is_engine_distribute():
    assert tf.distribute is engine.distribute
    assert tf.distribute.experimental.ParameterServerStrategy.__name__ == "ParameterServerStrategy"


def test_scope_is_entered_with_or_without_the_call():
    strategy = RecordingStrategy()
    assert tf.distribute.get_strategy() is not strategy and not tf.distribute.has_strategy()
    with strategy.scope() as s:
        assert s is strategy and tf.distribute.get_strategy() is strategy
    with strategy.scope:  # the seed's spelling
        assert tf.distribute.in_scope() is strategy
    assert tf.distribute.in_scope() is None
    assert tf.distribute.get_strategy().num_replicas_in_sync == 1


def test_a_second_strategy_inside_a_scope_is_refused():
    a, b = RecordingStrategy(), RecordingStrategy()
    with a.scope(), a.scope():  # re-entering the same one is fine
        with pytest.raises(ValueError, match="different strategy's scope"):
            with b.scope():
                pass
    assert tf.distribute.in_scope() is None


def test_model_compiled_in_scope_sends_fit_evaluate_predict_to_the_strategy():
    strategy = RecordingStrategy()
    x = np.random.default_rng(0).random((50, 64), dtype=np.float32)
    y = np.arange(50) % 10
    with strategy.scope():
        model = make_mlp()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=20, epochs=2, verbose=0)  # outside the block: still distributed
    assert strategy.calls == [("train", 20), ("train", 20), ("train", 10), ("sync",)] * 2
    assert len(history.history["loss"]) == 2
    strategy.calls.clear()
    model.evaluate(x, y, batch_size=25, verbose=0)
    assert strategy.calls == [("test", 25), ("test", 25)]
    strategy.calls.clear()
    assert model.predict(x).shape == (50, 10) and strategy.calls == [("predict", 50)]


def test_model_made_in_scope_but_compiled_after_it_is_distributed():
    strategy = RecordingStrategy()
    with strategy.scope():
        model = make_mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(np.zeros((4, 64), np.float32), np.zeros(4), batch_size=4, verbose=0)
    assert strategy.calls == [("train", 4), ("sync",)]


def test_model_compiled_outside_any_scope_is_not_distributed():
    model = make_mlp()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert model._distribute_strategy is None


@pytest.mark.parametrize("method", ["run", "experimental_distribute_dataset", "reduce"])
def test_custom_training_loop_apis_say_what_to_use_instead(method):
    strategy = RecordingStrategy()
    with pytest.raises(NotImplementedError, match="model.fit"):
        getattr(strategy, method)(lambda: None, None)
