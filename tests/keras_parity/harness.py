"""The parity harness: the same object built on our side (``from engine import keras``) and on real
Keras 2 (``tf_keras``) and Keras 3 (``keras``, TensorFlow backend), the same weights copied across,
the same float32 batches fed, and the numbers compared.

Each kind has a table of cases in ``cases.py``; a case is one line, and every object
``engine.keras`` has (enumerated from its registry, as ``tests/engine/test_op_gradients.py`` does
for ops) must have one, or ``test_coverage.py`` fails:

* ``layer(id, build, inputs, ...)`` - ``build(lib)`` makes the layer (or a small model) from
  ``lib``, which is ``engine.keras``, ``tf_keras`` or ``keras``: ``lambda k: k.layers.Dense(4)``.
  ``inputs`` is a batch shape, a list of them (several inputs), or ``ints(shape, high)`` for ids.
  Compared: outputs, the gradients of ``sum(outputs * r)`` (``r`` fixed and random) with respect
  to the inputs and to every trainable weight, and the non-trainable weights afterwards (moving
  statistics), with ``training`` False and, where listed, True.
* ``activation(id, name, ...)``, ``loss(id, build, data)``, ``metric(id, build, data)``,
  ``optimizer(id, build)``, ``initializer(id, build, shape)``: see their constructors below.

``gens`` says which generations a case is checked against: both unless the two differ, in which
case each generation gets its own case (``hard_sigmoid`` is Keras 2's, ``hard_sigmoid_keras3``
Keras 3's; optimizer ``decay`` is Keras 2's legacy optimizers').
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras as keras3  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras2  # noqa: E402

import engine  # noqa: E402
from engine import keras as ours  # noqa: E402

assert keras3.backend.backend() == "tensorflow", "the parity harness needs Keras 3 on TensorFlow"

PEERS = {"keras2": keras2, "keras3": keras3}
BOTH = ("keras2", "keras3")
RTOL, ATOL = 1e-5, 1e-5  # float32 throughout


@dataclass(frozen=True)
class ints:  # noqa: N801 - reads as a shape in the tables
    """A batch of integer ids in ``[0, high)`` (zeros included: padding for ``mask_zero``)."""

    shape: tuple
    high: int


@dataclass
class Case:
    id: str
    build: object
    arg: object = None
    gens: tuple = BOTH
    opts: dict = field(default_factory=dict)


def layer(id, build, inputs, gens=BOTH, training=(False,), atol=ATOL, config=True):
    """``config``: also check ours built from the config Keras 3 writes for its layer (or model)
    against it, the ``keras3-config`` generation (what a Keras 3 file loads as)."""
    gens = gens + (("keras3-config",) if config else ())
    return Case(id, build, inputs, gens, {"training": training, "atol": atol})


def params(cases):
    """pytest parameters: each case under each generation it is checked against."""
    import pytest

    return [pytest.param(c, g, id=f"{c.id}-{g}") for c in cases for g in c.gens]


def peer(gen):
    return PEERS[gen.split("-")[0]]


def from_keras3_config(theirs):
    """Ours, built from what Keras 3 writes for ``theirs`` (names mean what they mean there)."""
    from engine.keras.saving.config import deserialize_layer

    if isinstance(theirs, keras3.Model):
        return ours.models.model_from_json(theirs.to_json())
    return deserialize_layer(keras3.saving.serialize_keras_object(theirs))


def rng(seed=0):
    return np.random.default_rng(seed)


def make_inputs(spec, seed=0):
    r = rng(seed)
    if isinstance(spec, ints):
        ids = r.integers(0, spec.high, spec.shape)
        ids[0, -2:] = 0  # some padding
        return [ids.astype("int32")]
    if isinstance(spec, list):
        return [r.normal(size=s).astype("f4") for s in spec]
    return [r.normal(size=spec).astype("f4")]


def _call(model, inputs, training):
    x = inputs if len(inputs) > 1 else inputs[0]
    return model(x, training=training)


def _flat(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def random_weights(shapes_and_names, seed=1):
    """Weights that exercise everything: normal, but positive where they are a variance."""
    r = rng(seed)
    out = []
    for shape, name in shapes_and_names:
        if "variance" in name:
            out.append(r.uniform(0.5, 1.5, shape).astype("f4"))
        else:
            out.append((0.5 * r.normal(size=shape)).astype("f4"))
    return out


def _run(side, model, inputs, training, objective):
    """Outputs, the gradients of ``objective(outputs)`` with respect to the float inputs and the
    trainable weights, the non-trainable weights after the call, and the objective; ``side`` is
    the engine (``import engine as tf``) or TensorFlow, whose tapes and constants look alike."""
    xs = [side.constant(x) for x in inputs]
    floats = [x for x in xs if x.dtype.is_floating]
    with side.GradientTape() as tape:
        tape.watch(floats)
        outs = _flat(_call(model, xs, training))
        total = objective(outs)
    grads = tape.gradient(total, floats + list(model.trainable_weights))
    return {"outputs": [np.asarray(o) for o in outs], "objective": [np.asarray(total)],
            "grads": [None if g is None else np.asarray(side.convert_to_tensor(g)) for g in grads],
            "after": [np.asarray(w) for w in model.non_trainable_weights]}


def run_ours(model, inputs, training, objective):
    return _run(engine, model, inputs, training, objective)


def run_theirs(model, inputs, training, objective):
    return _run(tf, model, inputs, training, objective)


B, T, C = 4, 3, 5


def loss_data(kind, seed=0):
    """Labels and predictions for losses and metrics: see ``loss_cases``."""
    r = np.random.default_rng(seed)
    lead = (B, T) if kind.endswith("-seq") else (B,)
    base = kind.removesuffix("-seq")
    logits = r.normal(size=lead + (C,)).astype("f4")
    probs = (np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)).astype("f4")
    labels = r.integers(0, C, lead)
    if base in ("probs", "logits"):
        return np.eye(C, dtype="f4")[labels], probs if base == "probs" else logits
    if base.startswith("sparse"):
        y = labels[..., None] if base == "sparse-column" else labels
        return y.astype("f4"), logits if base == "sparse-logits" else probs
    if base.startswith("binary"):
        shape = lead + ((1,) if base == "binary-column" else (C,))
        y = r.integers(0, 2, shape).astype("f4")
        if base == "binary-soft":  # smoothed labels: some 0.1/0.9, some 0.5
            y = np.choose(r.integers(0, 3, shape), [y, np.abs(y - 0.1), np.full(shape, 0.5, "f4")])
        z = r.normal(size=shape).astype("f4")
        return y, z if base == "binary-logits" else (1 / (1 + np.exp(-z))).astype("f4")
    if base == "regression-column":  # labels (batch,) for predictions (batch, 1)
        return r.normal(size=lead).astype("f4"), r.normal(size=lead + (1,)).astype("f4")
    return r.normal(size=lead + (C,)).astype("f4"), r.normal(size=lead + (C,)).astype("f4")


def weight_name(w):
    return getattr(w, "path", None) or w.name


def build_pair(case, gen):
    """Our layer and theirs, both built on the case's inputs, with the same random weights."""
    inputs = make_inputs(case.arg)
    theirs = case.build(peer(gen))
    _call(theirs, inputs, False)
    mine = from_keras3_config(theirs) if gen == "keras3-config" else case.build(ours)
    _call(mine, [engine.constant(x) for x in inputs], False)
    weights = random_weights([(np.shape(w), weight_name(w)) for w in theirs.weights])
    theirs.set_weights(weights)
    mine.set_weights(weights)
    return mine, theirs, inputs


def close(mine, theirs, what, atol=ATOL, rtol=RTOL):
    assert len(mine) == len(theirs), f"{what}: {len(mine)} arrays here, {len(theirs)} in Keras"
    for i, (m, t) in enumerate(zip(mine, theirs, strict=True)):
        if t is None or m is None:
            assert m is None and t is None or np.allclose(m if t is None else t, 0), \
                f"{what}[{i}]: one side has no gradient"
            continue
        np.testing.assert_allclose(m, t, rtol=rtol, atol=atol, err_msg=f"{what}[{i}]")


def check_layer(case, gen):
    """Outputs, gradients of ``sum(outputs * r)`` and moving statistics, in each training mode."""
    mine, theirs, inputs = build_pair(case, gen)
    probe = _flat(_call(theirs, [tf.constant(x) for x in inputs], False))
    cot = [rng(2).normal(size=np.shape(p)).astype("f4") for p in probe]
    for training in case.opts["training"]:
        t = run_theirs(theirs, inputs, training,
                       lambda outs: sum(tf.reduce_sum(o * r) for o, r in zip(outs, cot, strict=True)))
        m = run_ours(mine, inputs, training,
                     lambda outs: sum(engine.reduce_sum(o * r) for o, r in zip(outs, cot, strict=True)))
        for key in ("outputs", "grads", "after"):
            close(m[key], t[key], f"{case.id} {gen} training={training} {key}", atol=case.opts["atol"])


def targets(kind, shape, seed=5):
    """Labels for a model output of ``shape``: one-hot, sparse ids, 0/1, or real values."""
    r = rng(seed)
    if kind == "onehot":
        return np.eye(shape[-1], dtype="f4")[r.integers(0, shape[-1], shape[:-1])]
    if kind == "sparse":
        return r.integers(0, shape[-1], shape[:-1]).astype("f4")
    if kind == "binary":
        return r.integers(0, 2, shape).astype("f4")
    return r.normal(size=shape).astype("f4")


def check_model_loss(case, gen):
    """A model and a compiled-style loss on its output: the loss value and its gradients with
    respect to the inputs and every weight (what one training step applies)."""
    mine, theirs, inputs = build_pair(case, gen)
    loss_build, kind = case.opts["loss"], case.opts["targets"]
    probe = _flat(_call(theirs, [tf.constant(x) for x in inputs], False))[0]
    y = targets(kind, tuple(np.shape(probe)))
    mine_loss, their_loss = loss_build(ours), loss_build(peer(gen))
    for training in case.opts["training"]:
        t = run_theirs(theirs, inputs, training, lambda outs: their_loss(tf.constant(y), outs[0]))
        m = run_ours(mine, inputs, training, lambda outs: mine_loss(y, outs[0]))
        for key in ("objective", "outputs", "grads", "after"):
            close(m[key], t[key], f"{case.id} {gen} training={training} {key}", atol=case.opts["atol"])
