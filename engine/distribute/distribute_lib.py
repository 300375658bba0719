"""What every strategy shares: ``strategy.scope()``, the strategy a model was compiled under, and
the errors users see. No Ray here, so Keras can ask "which strategy is in scope?" for free.

Keras's hook is four calls: ``compile`` records ``in_scope()``; ``fit``'s per-batch step, the test
step and ``predict`` go to the recorded strategy's ``_train_batch``/``_test_batch``/``_predict``
when there is one, and ``fit`` calls ``_sync`` at the end of each epoch so callbacks (TensorBoard
histograms, checkpoints) see the trained weights. Everything else happens in this package.
"""

from __future__ import annotations

from engine.framework import context


class DistributedTrainingError(RuntimeError):
    """A replica, worker or parameter server failed; the message names which one."""


def in_scope():
    """The strategy whose ``scope()`` is active in this thread, or None."""
    return context.strategy_in_scope()


def has_strategy() -> bool:
    return in_scope() is not None


def get_strategy():
    """The strategy in scope, or the default one (no distribution) as TensorFlow returns."""
    return in_scope() or _DEFAULT


def get_replica_context():
    """TensorFlow's per-replica context; here code runs in one replica unless a strategy says so."""
    return None if has_strategy() else _DEFAULT


class Strategy:
    """The base of every strategy: the scope, and the names TensorFlow users reach for."""

    def __init__(self):
        self._closed_reason = None

    @property
    def num_replicas_in_sync(self) -> int:
        return 1

    @property
    def scope(self):
        """``with strategy.scope():`` around building and compiling a model makes its ``fit``,
        ``evaluate`` and ``predict`` use this strategy (the model remembers it after the block).
        The seed's ``with strategy.scope:`` (no call) works as well."""
        return _Scope(self)

    # -- TensorFlow API we do not provide: say so, and what to use instead ------------------------
    def _unsupported(self, what: str):
        raise NotImplementedError(
            f"{type(self).__name__}.{what} is not supported: custom training loops do not run on the "
            f"replicas. Build and compile a Keras model inside strategy.scope() and call model.fit / "
            f"evaluate / predict; they run distributed.")

    def run(self, fn, args=(), kwargs=None, options=None):
        self._unsupported("run")

    def experimental_distribute_dataset(self, dataset, options=None):
        self._unsupported("experimental_distribute_dataset")

    def distribute_datasets_from_function(self, dataset_fn, options=None):
        self._unsupported("distribute_datasets_from_function")

    def reduce(self, reduce_op, value, axis=None):
        self._unsupported("reduce")

    def gather(self, value, axis):
        self._unsupported("gather")

    def shutdown(self) -> None:
        """Stop this strategy's Ray actors (a no-op here)."""

    # -- the Keras hook: the default is plain single-process training -----------------------------
    def _check_open(self):
        if self._closed_reason is not None:
            raise DistributedTrainingError(
                f"{type(self).__name__} can no longer be used: {self._closed_reason}")


class _Scope:
    """A strategy's scope: a context manager that is also callable, so ``scope()`` and ``scope``
    both work in a ``with`` statement."""

    def __init__(self, strategy):
        self._strategy = strategy

    def __call__(self):
        return self

    def __enter__(self):
        active = context.strategy_in_scope()
        if active is not None and active is not self._strategy:
            raise ValueError(f"a different strategy's scope is already active ({type(active).__name__}); "
                             f"exit it before entering {type(self._strategy).__name__}.scope()")
        self._strategy._check_open()
        context.push_strategy(self._strategy)
        return self._strategy

    def __exit__(self, *exc):
        context.pop_strategy()
        return False


class _DefaultStrategy(Strategy):
    """What ``tf.distribute.get_strategy()`` returns outside any scope: one replica, this process."""

    @property
    def scope(self):
        return _NullScope(self)


class _NullScope(_Scope):
    def __enter__(self):
        return self._strategy

    def __exit__(self, *exc):
        return False


_DEFAULT = _DefaultStrategy()
