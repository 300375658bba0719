"""``ParameterServerStrategy``: asynchronous training with variables on parameter servers.

The model's variables are sharded over ``num_ps`` server actors, whole variables each, largest
first onto the least-loaded server (TensorFlow places variables round-robin; balancing by size
does the same job better for models with one big embedding). Each step of ``fit`` hands the batch
to a free worker and returns without waiting for it, as TensorFlow's ``ClusterCoordinator.schedule``
does: the worker pulls the current variables, computes gradients on its batch and pushes each
server its part, and each server applies its optimizer to whatever arrives, in arrival order.
Workers do not wait for each other, so a gradient may be computed from variables one or two
updates old. Loss and metrics are recorded as each step finishes; at the end of every epoch the
driver waits for the steps in flight and copies the servers' variables (and optimizer state) into
its model, so callbacks and the user see the trained model.
"""

from __future__ import annotations

import numpy as np

from engine.distribute import actors, cluster
from engine.distribute.ray_strategy import RayStrategy


class ParameterServerStrategy(RayStrategy):
    """``ParameterServerStrategy(num_workers=2, num_ps=1)``. With no arguments: one worker per CPU
    of the Ray cluster and one server. ``cluster_resolver`` (TensorFlow's first argument) is not
    needed: Ray is the cluster. ``cpus_per_worker``/``cpus_per_ps`` are the actors' reservations."""

    def __init__(self, cluster_resolver=None, variable_partitioner=None, *, num_workers=None, num_ps=1,
                 address=None, ray_init_kwargs=None, cpus_per_worker=1.0, cpus_per_ps=0.0,
                 step_timeout=None, startup_timeout=120.0, seed=0):
        if cluster_resolver is not None:
            raise NotImplementedError(
                "ParameterServerStrategy(cluster_resolver=...) is not supported: the cluster is Ray's. "
                "Pass address='ray://host:10001' (or set RAY_ADDRESS) to join a cluster, and "
                "num_workers=/num_ps= for its shape")
        if variable_partitioner is not None:
            raise NotImplementedError("variable_partitioner is not supported: variables are placed whole, "
                                      "balanced by size over the servers")
        super().__init__(address, ray_init_kwargs, step_timeout, startup_timeout)
        try:
            num_ps = self._count(num_ps, "num_ps")
            workers = (self._default_count() if num_workers is None
                       else self._count(num_workers, "num_workers"))
            cluster.check_resources(self._ray, f"{workers} workers and {num_ps} parameter servers",
                                    float(cpus_per_worker) * workers + float(cpus_per_ps) * num_ps)
            self._servers = cluster.start(self._ray, actors.ParameterServer, "parameter server", num_ps,
                                          float(cpus_per_ps), self._startup_timeout)
            self._members = list(self._servers)
            self._workers = cluster.start(self._ray, actors.Worker, "worker", workers, float(cpus_per_worker),
                                          self._startup_timeout, args=(seed,))
            self._members = self._servers + self._workers
        except BaseException:
            self.shutdown()
            raise
        self._inflight = {}  # ObjectRef -> (worker, ys, sample_weight)
        self._idle = list(self._workers)
        self._placement = None
        self._trained_model = None  # the model whose steps are in flight

    @property
    def num_replicas_in_sync(self) -> int:
        """Asynchronous: each worker's step is its own, as in TensorFlow."""
        return 1

    @property
    def num_workers(self) -> int:
        return len(self._workers)

    @property
    def num_ps(self) -> int:
        return len(self._servers)

    def _place(self, weights) -> list[int]:
        load = [0] * len(self._servers)
        placement = [0] * len(weights)
        for i in sorted(range(len(weights)), key=lambda i: -int(np.prod(weights[i].shape))):
            k = int(np.argmin(load))
            placement[i] = k
            load[k] += int(np.prod(weights[i].shape))
        return placement

    def variable_placement(self, model) -> dict[str, int]:
        """Which server holds each of the model's variables."""
        return {w.path: k for w, k in zip(model.weights, self._place(model.weights), strict=True)}

    def _load(self, model) -> None:
        from engine.keras import optimizers

        self._drain(None)
        weights = model.weights
        trainable = {id(w) for w in model.trainable_weights}
        placement = self._place(weights)
        opt = model.optimizer or optimizers.SGD()
        config = optimizers.serialize(opt)
        calls = []
        for k, server in enumerate(self._servers):
            mine = [i for i in range(len(weights)) if placement[i] == k]
            mine_trainable = [i for i in mine if id(weights[i]) in trainable]
            values = {i: np.array(weights[i]._value) for i in mine}
            constraints = {i: weights[i].constraint for i in mine if weights[i].constraint is not None}
            state = {"iterations": 0, "slots": [{} for _ in mine_trainable]}
            if model.optimizer is not None:
                state = actors.optimizer_state(opt, [weights[i] for i in mine_trainable])
            calls.append((server, server.handle.load.remote(values, set(mine_trainable), constraints, config,
                                                            state)))
        self._get(calls, "loading the variables onto the parameter servers")
        blob = self._ray.put(cluster.dumps_model(model))
        handles = [s.handle for s in self._servers]
        self._get([(w, w.handle.load.remote(blob, handles, placement)) for w in self._workers],
                  "loading the model onto the workers")
        self._placement = placement

    # -- asynchronous steps ------------------------------------------------------------------------
    def _finish(self, ref, model) -> None:
        worker, ys, sw = self._inflight.pop(ref)
        self._idle.append(worker)  # free again even when its step raised
        outs, total, per_output, masks = self._get([(worker, ref)], f"training (step {self._steps})")[0]
        self._record(model, ys, outs, total, per_output, sw, masks)

    def _finish_one(self, model) -> None:
        """Wait for the first in-flight step to end (at most ``step_timeout``: then the oldest one
        is waited for, and its worker named when it does not answer either)."""
        ready, _ = self._ray.wait(list(self._inflight), num_returns=1, timeout=self._step_timeout)
        self._finish(ready[0] if ready else next(iter(self._inflight)), model)

    def _drain(self, model) -> None:
        while self._inflight:
            self._finish_one(model if model is not None else self._trained_model)

    def _train_batch(self, model, xs, ys, sw):
        if self._trained_model is not None and self._trained_model is not model:
            self._sync(self._trained_model)
        self._prepare(model, training=True)
        self._check_reductions(model)
        self._trained_model = model
        if self._inflight:  # record whatever finished meanwhile
            done, _ = self._ray.wait(list(self._inflight), num_returns=len(self._inflight), timeout=0)
            for ref in done:
                self._finish(ref, model)
        if not self._idle:
            self._finish_one(model)
        worker = self._idle.pop(0)
        ref = worker.handle.train.remote(xs, ys, None if sw is None else np.asarray(sw),
                                         actors.plain_learning_rate(model.optimizer))
        self._inflight[ref] = (worker, ys, sw)
        self._steps += 1

    def _sync(self, model) -> None:
        """Wait for the steps in flight, then copy the servers' state into the driver's model."""
        self._check_open()
        if model is None or self._placement is None or (self._trained_model is None and not self._inflight):
            return
        self._drain(model)
        self._trained_model = None
        answers = self._get([(s, s.handle.state.remote()) for s in self._servers], "reading the variables")
        weights = model.weights
        trainable = {id(w) for w in model.trainable_weights}
        opt = model.optimizer
        for values, state in answers:
            for i, value in values.items():
                weights[i].assign(value)
            ids = [i for i in sorted(values) if id(weights[i]) in trainable]
            if opt is not None:
                opt.iterations = max(opt.iterations, state["iterations"])
                for i, slots in zip(ids, state["slots"], strict=True):
                    target = opt._slots_for(weights[i])
                    for name, arr in slots.items():
                        target[name][...] = arr
        self._remember(model)

    def _before_reading(self, model, training=False):
        if self._trained_model is not None:
            self._sync(self._trained_model)
        self._prepare(model, training=training)

    def _test_batch(self, model, xs, ys, sw):
        if self._closed_reason is not None:
            return self._locally(model, "_test_batch", xs, ys, sw)
        self._before_reading(model)
        slices = self._split(len(xs[0]), len(self._workers))
        calls = [(w, w.handle.forward.remote(self._take(xs, s))) for w, s in zip(self._workers, slices,
                                                                                  strict=False)]
        self._test_on_driver(model, ys, sw, self._get(calls, "evaluating"))

    def _predict(self, model, xs, batch_size):
        if self._closed_reason is not None:
            return self._locally(model, "predict", xs if len(xs) > 1 else xs[0], batch_size)
        self._before_reading(model)
        slices = self._split(len(xs[0]), len(self._workers))
        calls = [(w, w.handle.predict.remote(self._take(xs, s), batch_size))
                 for w, s in zip(self._workers, slices, strict=False)]
        results = self._get(calls, "predicting")
        if not results:
            return np.zeros((0,))
        outs = [np.concatenate([r[k] for r in results]) for k in range(len(results[0]))]
        return outs[0] if len(outs) == 1 else outs
