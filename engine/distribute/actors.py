"""The processes a strategy runs on Ray: a replica (MirroredStrategy), a worker and a parameter
server (ParameterServerStrategy). Plain classes; the strategies wrap them with ``ray.remote``.

A replica or worker holds a copy of the user's model, sent pickled once (and again only when the
driver's model changed under it). It runs the same per-batch math as ``Model.fit``: the model's
``_run`` and ``_compute_loss`` under a ``GradientTape``.
"""

from __future__ import annotations

import os
import pickle
import socket

import numpy as np

from engine.framework.tape import GradientTape
from engine.framework.tensor import eager


def _where():
    """pid, host name, Ray node id and node address: what errors name when this actor is lost."""
    import ray

    node_id = ray.get_runtime_context().get_node_id()
    return os.getpid(), socket.gethostname(), node_id, ray.util.get_node_ip_address()


def optimizer_state(opt, variables) -> dict:
    """An optimizer's iteration count and its slot arrays for ``variables``, in that order."""
    return {"iterations": int(opt.iterations),
            "slots": [{s: np.array(opt._slots_for(v)[s]) for s in opt._slot_names} for v in variables]}


def restore_optimizer(opt, variables, state) -> None:
    opt.build(variables)
    opt.iterations = int(state["iterations"])
    for v, slots in zip(variables, state["slots"], strict=True):
        target = opt._slots_for(v)
        for s, arr in slots.items():
            target[s][...] = arr


def plain_learning_rate(opt):
    """The rate to send with an update, or None under a ``LearningRateSchedule`` (every copy of the
    optimizer computes it from its own ``iterations``, and its rate is not settable)."""
    return None if getattr(opt, "_learning_rate", None) is not None else float(opt.learning_rate)


def _load_model(blob, seed):
    from engine.keras import backend

    backend.set_random_seed(seed)  # dropout and friends: a different stream in every replica
    model = pickle.loads(blob)
    model._distribute_strategy = None
    return model


def _numpy(x):
    return None if x is None else np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _gradients(model, xs, ys, sw):
    """The per-batch step of ``fit`` without the update: gradients, outputs, losses, and the
    outputs' Keras masks (padded steps of per-step losses; None where there is none)."""
    variables = model.trainable_weights
    masks = []
    with GradientTape() as tape:
        outs = model._run([eager(x) for x in xs], training=True, masks=masks)
        total, per_output = model._compute_loss(ys, outs, sw, masks)
    grads = tape.gradient(total, variables)
    return ([_numpy(g) for g in grads], [o.numpy() for o in outs], float(total.numpy()),
            [float(p.numpy()) for p in per_output], [_numpy(m) for m in masks])


def _forward(model, xs):
    """Outputs and their masks."""
    masks = []
    outs = model._run([eager(x) for x in xs], training=False, masks=masks)
    return [o.numpy() for o in outs], [_numpy(m) for m in masks]


def _predict(model, xs, batch_size):
    chunks = None
    for start in range(0, len(xs[0]), batch_size):
        outs, _ = _forward(model, [a[start:start + batch_size] for a in xs])
        chunks = [[] for _ in outs] if chunks is None else chunks
        for c, o in zip(chunks, outs, strict=True):
            c.append(o)
    return [np.concatenate(c) for c in chunks] if chunks else []


def flatten(arrays):
    """``arrays`` (None for a variable without a gradient) as one contiguous buffer and which were
    present: one large message instead of one per variable. Mixed dtypes share the widest one."""
    present = tuple(a is not None for a in arrays)
    parts = [np.ravel(a) for a in arrays if a is not None]
    if not parts:
        return np.zeros(0, np.float32), present
    return np.concatenate(parts), present


def unflatten(flat, present, like):
    """Views into ``flat`` shaped as the variables ``like`` (None where not ``present``); no copy
    unless a variable's dtype differs from the buffer's."""
    out, offset = [], 0
    for v, here in zip(like, present, strict=True):
        if not here:
            out.append(None)
            continue
        shape, dtype = tuple(v.shape), v._value.dtype
        size = int(np.prod(shape, dtype=np.int64))
        view = flat[offset:offset + size].reshape(shape)
        out.append(view if view.dtype == dtype else view.astype(dtype))
        offset += size
    return out


class Replica:
    """MirroredStrategy: computes gradients on its slice of each global batch, then applies the
    averaged gradients it is sent with its own optimizer, so every copy takes the same step.

    Batches and updates arrive through Ray's shared-memory object store: a put numpy array is read
    here as a read-only view of the store's memory, without a copy; gradients go back as one flat
    buffer."""

    def __init__(self, index: int, seed: int = 0):
        self.index, self.seed, self.model = index, seed, None

    def ping(self):
        return _where()

    def load(self, blob, optimizer_config, opt_state):
        from engine.keras import optimizers

        self.model = _load_model(blob, self.seed + self.index)
        self.model.optimizer = optimizers.deserialize(optimizer_config)
        restore_optimizer(self.model.optimizer, self.model.trainable_weights, opt_state)
        return True

    def apply(self, update):
        """Apply one averaged update: ``(flat gradients, which variables have one, learning rate,
        non-trainable values or None)``."""
        flat, present, lr, stats = update
        variables = self.model.trainable_weights
        opt = self.model.optimizer
        if lr is not None:
            opt.learning_rate = lr
        opt.apply_gradients(zip(unflatten(flat, present, variables), variables, strict=True))
        if stats is not None:
            for w, value in zip(self.model.non_trainable_weights, stats, strict=True):
                w.assign(value)
        return True

    def compute(self, batch, lo, hi):
        """Gradients of rows ``lo:hi`` of the global ``batch`` (``xs, ys, sample_weight``)."""
        xs, ys, sw = batch
        grads, outs, total, per_output, masks = _gradients(
            self.model, [a[lo:hi] for a in xs], [a[lo:hi] for a in ys], None if sw is None else sw[lo:hi])
        stats = [w.numpy() for w in self.model.non_trainable_weights] or None
        return flatten(grads), outs, total, per_output, stats, masks

    def forward(self, xs):
        return _forward(self.model, xs)

    def predict(self, xs, batch_size):
        return _predict(self.model, xs, batch_size)

    def get_weights(self):
        return self.model.get_weights()

    def crash(self):  # for tests: a replica process that dies the hard way
        os._exit(1)


class ParameterServer:
    """Holds a shard of the model's variables (indices into ``model.weights``) and the optimizer
    state for them. Each push is applied as it arrives, whoever sent it: asynchronous training."""

    def __init__(self, index: int):
        self.index, self.vars, self.optimizer, self.version = index, {}, None, 0

    def ping(self):
        return _where()

    def load(self, values, trainable, constraints, optimizer_config, opt_state):
        from engine.keras import optimizers
        from engine.keras.backend import KerasVariable

        self.vars = {}
        for i, value in values.items():
            v = KerasVariable(value, f"ps_{self.index}/var_{i}", trainable=i in trainable, dtype=value.dtype)
            v.constraint = constraints.get(i)
            self.vars[i] = v
        self.trainable = [i for i in values if i in trainable]
        self.optimizer = optimizers.deserialize(optimizer_config)
        restore_optimizer(self.optimizer, [self.vars[i] for i in self.trainable], opt_state)
        self.version += 1
        return True

    def pull(self, known_version=None):
        """The shard's values, or None when the caller already has this version."""
        if known_version == self.version:
            return self.version, None
        return self.version, {i: v.numpy() for i, v in self.vars.items()}

    def push(self, grads, stats, lr):
        pairs = [(g, self.vars[i]) for i, g in grads.items() if g is not None]
        if lr is not None:
            self.optimizer.learning_rate = lr
        if pairs:
            self.optimizer.apply_gradients(pairs)
        for i, value in stats.items():
            self.vars[i].assign(value)
        self.version += 1
        return self.version

    def state(self):
        values = {i: v.numpy() for i, v in self.vars.items()}
        return values, optimizer_state(self.optimizer, [self.vars[i] for i in self.trainable])

    def crash(self):  # for tests
        os._exit(1)


class Worker:
    """ParameterServerStrategy: pulls the variables from every server, computes gradients on its
    own batch and pushes each server its part, without waiting for the other workers."""

    def __init__(self, index: int, seed: int = 0):
        self.index, self.seed, self.model = index, seed, None

    def ping(self):
        return _where()

    def load(self, blob, servers, placement):
        """``placement[i]`` is the server holding ``model.weights[i]``."""
        self.model = _load_model(blob, self.seed + self.index)
        self.servers, self.placement = servers, placement
        self.known = [None] * len(servers)
        weights = self.model.weights
        trainable = {id(w) for w in self.model.trainable_weights}
        self.train_index = [i for i, w in enumerate(weights) if id(w) in trainable]
        self.stat_index = [i for i, w in enumerate(weights) if id(w) not in trainable]
        return True

    def _pull(self):
        import ray

        answers = ray.get([s.pull.remote(self.known[k]) for k, s in enumerate(self.servers)])
        weights = self.model.weights
        for k, (version, values) in enumerate(answers):
            self.known[k] = version
            if values is not None:
                for i, value in values.items():
                    weights[i].assign(value)

    def train(self, xs, ys, sw, lr):
        import ray

        self._pull()
        grads, outs, total, per_output, masks = _gradients(self.model, xs, ys, sw)
        weights = self.model.weights
        shard_grads = [{} for _ in self.servers]
        shard_stats = [{} for _ in self.servers]
        for i, g in zip(self.train_index, grads, strict=True):
            shard_grads[self.placement[i]][i] = g
        for i in self.stat_index:
            shard_stats[self.placement[i]][i] = weights[i].numpy()
        ray.get([s.push.remote(shard_grads[k], shard_stats[k], lr) for k, s in enumerate(self.servers)])
        self.known = [None] * len(self.servers)  # our own push changed them
        return outs, total, per_output, masks

    def forward(self, xs):
        self._pull()
        return _forward(self.model, xs)

    def predict(self, xs, batch_size):
        self._pull()
        return _predict(self.model, xs, batch_size)

    def crash(self):  # for tests
        os._exit(1)
