"""What the Ray-backed strategies share: the actors' lifetime, knowing when the driver's model
changed under them, and failing loudly (and once) when one of them dies."""

from __future__ import annotations

import numpy as np

from engine.distribute import cluster
from engine.distribute.distribute_lib import DistributedTrainingError, Strategy
from engine.framework.tensor import eager


class RayStrategy(Strategy):
    """The driver (this process) is the chief: it runs ``fit``'s loop and the callbacks, so only it
    writes TensorBoard logs; the actors only compute."""

    def __init__(self, address=None, ray_init_kwargs=None, step_timeout=None, startup_timeout=120.0):
        super().__init__()
        self._ray = cluster.connect(address, ray_init_kwargs)
        self._members: list[cluster.Member] = []
        self._step_timeout = step_timeout
        self._startup_timeout = float(startup_timeout)
        self._model_key = None   # (id(model), id(optimizer)) the actors were last loaded with
        self._model_copy = None  # the driver's weights as the actors have them
        self._steps = 0
        self._node_loss_wait = 5.0  # seconds to wait for Ray to confirm a node loss, for the error

    @staticmethod
    def _count(value, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{what} must be a positive integer, got {value!r}")
        return int(value)

    def _default_count(self) -> int:
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    # -- lifetime ----------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop this strategy's actors (the Ray session stays up for the next strategy). The model
        keeps the weights of its last completed step."""
        if self._closed_reason is None:
            self._closed_reason = "it was shut down (strategy.shutdown())"
        members, self._members = self._members, []
        if members:
            cluster.stop(self._ray, members)

    def __del__(self):
        try:
            if self._members:
                self.shutdown()
        except Exception:  # noqa: BLE001 - interpreter teardown
            pass

    def _locally(self, model, method: str, *args):
        """Evaluate or predict in this process once the actors are gone (shut down, or one died):
        the model has the weights of its last completed step. Training refuses instead."""
        model._distribute_strategy = None
        try:
            return getattr(model, method)(*args)
        finally:
            model._distribute_strategy = self

    @property
    def actors(self) -> list:
        """The Ray actor handles this strategy runs on (for inspection and tests)."""
        return [m.handle for m in self._members]

    def _get(self, pairs, doing: str):
        """Results of actor calls. An actor that died (or stopped answering) stops every actor of
        this strategy, which then refuses further work, and the error says who it was; an
        exception raised inside an actor is passed on and the strategy stays usable."""
        try:
            return cluster.get(self._ray, pairs, self._step_timeout, doing)
        except DistributedTrainingError as err:  # a DistributedTimeoutError too
            if not getattr(err, "fatal", False):
                raise
            cause = err.__cause__
            if getattr(err, "member", None) is None:
                found = cluster.identify_dead(self._ray, self._members)
                names = ", ".join(m.name for m in found) or "an actor of this strategy"
                err = DistributedTrainingError(f"{names} died while {doing} ({err.reported})")
            # a lost connection is how a lost node shows first; Ray declares the node dead a little later
            unavailable = self._ray.exceptions.ActorUnavailableError
            wait = self._node_loss_wait if isinstance(getattr(cause, "cause", cause), unavailable) else 0
            lost = cluster.lost_nodes(self._ray, self._members, wait=wait)
            if lost:
                err = type(err)(f"{err}; {lost}")
            self._closed_reason = str(err)
            members, self._members = self._members, []
            cluster.stop(self._ray, members)
            raise err from cause

    # -- the driver's model as the actors have it ---------------------------------------------------
    def _stale(self, model) -> bool:
        """Whether the actors must be (re)loaded: another model, a recompile, or weights the user
        changed (set_weights, load_weights) since our last step. One compare per weight."""
        if self._model_key != (id(model), id(model.optimizer)) or self._model_copy is None:
            return True
        weights = model.weights
        if len(weights) != len(self._model_copy):
            return True
        return any(not np.array_equal(w._value, c) for w, c in zip(weights, self._model_copy, strict=True))

    def _remember(self, model) -> None:
        self._model_key = (id(model), id(model.optimizer))
        self._model_copy = [np.array(w._value) for w in model.weights]

    def _prepare(self, model, training: bool) -> None:
        self._check_open()
        if training or model._compiled:
            model._resolve_compile()
        if model.optimizer is not None and not model.optimizer._vars:
            model.optimizer.build(model.trainable_weights)  # slots in weight order, as fit does
        if self._stale(model):
            self._load(model)
            self._remember(model)

    def _load(self, model) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    # -- helpers for the Keras hook --------------------------------------------------------------------
    @staticmethod
    def _split(n: int, parts: int) -> list[slice]:
        """Contiguous slices of a batch of ``n``, as even as possible (empty ones dropped)."""
        bounds = np.linspace(0, n, parts + 1).round().astype(int)
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]

    @staticmethod
    def _take(arrays, sl):
        return None if arrays is None else [a[sl] for a in arrays]

    @staticmethod
    def _record(model, ys, outs, total, per_output, sw, masks=None) -> None:
        """Update the model's loss trackers and metrics as ``fit`` would have from one batch."""
        model._update_metrics(ys, [eager(o) for o in outs], eager(np.float32(total)),
                              [eager(np.float32(p)) for p in per_output], len(ys[0]), sw, masks)

    @staticmethod
    def _joined(results, index: int):
        """Per output: the replicas' arrays at ``results[r][index][output]`` concatenated."""
        return [np.concatenate([r[index][k] for r in results]) for k in range(len(results[0][index]))]

    @staticmethod
    def _joined_masks(results, index: int):
        out = []
        for k in range(len(results[0][index])):
            parts = [r[index][k] for r in results]
            out.append(None if all(p is None for p in parts) else np.concatenate(parts))
        return out

    def _test_on_driver(self, model, ys, sw, results) -> None:
        """Loss and metrics of a test batch from the replicas' outputs (computed here: cheap)."""
        outs, masks = self._joined(results, 0), self._joined_masks(results, 1)
        total, per_output = model._compute_loss(ys, [eager(o) for o in outs], sw, masks)
        self._record(model, ys, outs, float(total.numpy()), [float(p.numpy()) for p in per_output], sw, masks)

    @staticmethod
    def _check_reductions(model) -> None:
        for fn in (f for f in model._loss_fns if f is not None):
            reduction = getattr(fn, "reduction", "sum_over_batch_size")
            if reduction not in ("sum_over_batch_size", "auto", None):
                raise NotImplementedError(
                    f"loss {getattr(fn, 'name', fn)!r} has reduction={reduction!r}; distributed training "
                    f"averages per-replica losses, so only reduction='sum_over_batch_size' is supported")
