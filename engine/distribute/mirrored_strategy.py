"""``MirroredStrategy``: synchronous data parallelism over Ray actors.

Each step splits the global batch into contiguous slices, one per replica; every replica computes
the gradients of its slice's mean loss; the driver averages them weighted by slice size (which is
exactly the gradient of the global batch's mean loss), applies the update to its own model, and
sends the same averaged gradients to every replica, which applies them with its own copy of the
optimizer. All copies take identical steps. The update is sent as soon as it is known, so the
replicas apply it while the driver applies its own; the driver waits for those calls with the next
step's results. Non-trainable state (BatchNormalization's moving statistics) is averaged over
replicas after each step, like TensorFlow's MEAN-aggregated variables.

What moves is few, large and uncopied messages: each global batch is put once into Ray's
shared-memory object store (every replica reads its rows as a zero-copy view), each replica sends
its gradients back as one flat buffer, and the averaged update is one flat buffer put once and read
by every replica.
"""

from __future__ import annotations

import numpy as np

from engine.distribute import actors
from engine.distribute.ray_strategy import RayStrategy


class MirroredStrategy(RayStrategy):
    """``MirroredStrategy(num_replicas=2)``: a model replica per Ray actor; ``fit`` on the global
    batch gives the weights single-process training gives (to float rounding).

    ``devices`` (TensorFlow's argument) sets the replica count from its length. ``address`` joins a
    Ray cluster (default: the running session, else a new local one); ``ray_init_kwargs`` go to
    ``ray.init``. ``cpus_per_replica`` is what each actor reserves. ``step_timeout`` (seconds)
    turns a replica that stops answering into an error.
    """

    def __init__(self, num_replicas=None, devices=None, cross_device_ops=None, *, address=None,
                 ray_init_kwargs=None, cpus_per_replica=1.0, step_timeout=None, startup_timeout=120.0,
                 seed=0):
        if num_replicas is None and devices is not None:
            num_replicas = len(devices)
        super().__init__(address, ray_init_kwargs, step_timeout, startup_timeout)
        try:
            n = self._default_count() if num_replicas is None else self._count(num_replicas, "num_replicas")
            self._members = _start(self._ray, actors.Replica, "replica", n, cpus_per_replica,
                                   self._startup_timeout, seed)
        except BaseException:
            self.shutdown()
            raise
        self._applying = []  # (member, ref) of update calls not yet waited for

    @property
    def num_replicas_in_sync(self) -> int:
        return len(self._members)

    def _load(self, model) -> None:
        from engine.distribute.cluster import dumps_model
        from engine.keras import optimizers

        blob = self._ray.put(dumps_model(model))
        opt = model.optimizer
        config = optimizers.serialize(opt if opt is not None else optimizers.SGD())
        state = actors.optimizer_state(opt, model.trainable_weights) if opt is not None else {
            "iterations": 0, "slots": [{} for _ in model.trainable_weights]}
        self._applying = []
        self._get([(m, m.handle.load.remote(blob, config, state)) for m in self._members],
                  "loading the model")

    def _call(self, method: str, work, doing: str):
        """Each replica's share of ``work`` (a list of argument tuples, one per slice). The update
        calls still in flight are waited for with these (an error in one surfaces here)."""
        pairs = [(m, getattr(m.handle, method).remote(*args)) for m, args in zip(self._members, work,
                                                                                  strict=False)]
        applying, self._applying = self._applying, []
        return self._get(applying + pairs, doing)[len(applying):]

    # -- the Keras hook ----------------------------------------------------------------------------
    def _train_batch(self, model, xs, ys, sw):
        self._prepare(model, training=True)
        self._check_reductions(model)
        n = len(xs[0])
        slices = self._split(n, len(self._members))
        sw = None if sw is None else np.asarray(sw)
        batch = self._ray.put((list(xs), list(ys), sw)) if len(slices) > 1 else (list(xs), list(ys), sw)
        results = self._call("compute", [(batch, s.start, s.stop) for s in slices],
                             f"computing gradients (step {self._steps})")
        fractions = _fractions(slices, n, results)

        present = tuple(any(flags) for flags in zip(*(r[0][1] for r in results), strict=True))
        flat = self._average([r[0][0] for r in results], fractions)
        total = sum(f * r[2] for f, r in zip(fractions, results, strict=True))
        per_output = [sum(f * r[3][k] for f, r in zip(fractions, results, strict=True))
                      for k in range(len(results[0][3]))]
        stats = None
        if results[0][4] is not None:
            stats = [_weighted([r[4][j] for r in results], fractions) for j in range(len(results[0][4]))]

        update = self._ray.put((flat, present, actors.plain_learning_rate(model.optimizer), stats))
        self._applying = [(m, m.handle.apply.remote(update)) for m in self._members]
        variables = model.trainable_weights
        grads = actors.unflatten(flat, present, variables)
        model.optimizer.apply_gradients(zip(grads, variables, strict=True))
        if stats is not None:
            for w, value in zip(model.non_trainable_weights, stats, strict=True):
                w.assign(value)
        self._steps += 1
        outs, masks = self._joined(results, 1), self._joined_masks(results, 5)
        self._record(model, ys, outs, total, per_output, sw, masks)
        self._remember(model)

    def _test_batch(self, model, xs, ys, sw):
        if self._closed_reason is not None:
            return self._locally(model, "_test_batch", xs, ys, sw)
        self._prepare(model, training=False)
        slices = self._split(len(xs[0]), len(self._members))
        results = self._call("forward", [(self._take(xs, s),) for s in slices], "running the model forward")
        self._test_on_driver(model, ys, sw, results)

    def _predict(self, model, xs, batch_size):
        if self._closed_reason is not None:
            return self._locally(model, "predict", xs if len(xs) > 1 else xs[0], batch_size)
        self._prepare(model, training=False)
        slices = self._split(len(xs[0]), len(self._members))
        results = self._call("predict", [(self._take(xs, s), batch_size) for s in slices], "predicting")
        if not results:
            return np.zeros((0,))
        outs = [np.concatenate([r[k] for r in results]) for k in range(len(results[0]))]
        return outs[0] if len(outs) == 1 else outs

    def _average(self, flats, fractions):
        """``sum(f * a)`` of the replicas' flat gradients, the same float operations as
        ``_weighted`` but into buffers kept from step to step: fresh 20 MB arrays cost page faults."""
        key = (flats[0].shape, flats[0].dtype)
        if getattr(self, "_buffers", (None,))[0] != key:
            self._buffers = (key, np.empty_like(flats[0]), np.empty_like(flats[0]))
        _, total, scaled = self._buffers
        np.multiply(flats[0], fractions[0], out=total)
        for a, f in zip(flats[1:], fractions[1:], strict=True):
            np.multiply(a, f, out=scaled)
            np.add(total, scaled, out=total)
        return total

    def _sync(self, model) -> None:
        """The end of an epoch: the replicas' update calls have ended (errors surface here)."""
        self._check_open()
        if self._applying:
            applying, self._applying = self._applying, []
            self._get(applying, "applying the last update")

    def replica_weights(self) -> list[list[np.ndarray]]:
        """Every replica's copy of the model's weights (they should all equal the model's)."""
        self._sync(None)
        return self._call("get_weights", [() for _ in self._members], "reading weights")


def _fractions(slices, n, results) -> list[float]:
    """Each replica's share of the global batch's mean loss: its slice's size, or, when the output
    is masked (per-step losses over padded sequences), its count of real steps, since the masked
    loss is a mean over those."""
    masks = [r[5] for r in results]
    masked = [k for k in range(len(masks[0])) if any(m[k] is not None for m in masks)]
    if not masked:
        return [(s.stop - s.start) / n for s in slices]
    if len(masks[0]) > 1:
        raise NotImplementedError(
            "MirroredStrategy cannot split a batch of a multi-output model with masked outputs exactly "
            "(each output's loss is a mean over its own real steps); train it without a strategy")
    counts = [0.0 if m[0] is None else float(np.sum(m[0])) for m in masks]
    total = sum(counts)
    if total == 0:
        return [(s.stop - s.start) / n for s in slices]
    return [c / total for c in counts]


def _weighted(arrays, fractions):
    """``sum(f * a)``, keeping None for a variable no replica had a gradient for."""
    present = [(f, a) for f, a in zip(fractions, arrays, strict=True) if a is not None]
    if not present:
        return None
    total = present[0][1] * present[0][0]
    for f, a in present[1:]:
        total = total + a * f
    return total


def _start(ray, cls, role, count, cpus, timeout, seed):
    from engine.distribute import cluster

    return cluster.start(ray, cls, role, count, float(cpus), timeout, args=(seed,))
