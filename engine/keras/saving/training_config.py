"""A ``.h5`` file's ``training_config`` and ``optimizer_weights``, both ways.

Written: Keras 2's ``training_config`` (loss, metrics, loss weights, ``optimizer_config``) and the
optimizer state as tf.keras's legacy optimizers lay it out (``Adam/iter:0``, then one slot of every
variable, then the next slot). tf_keras 2.21 rebuilds a config without ``is_legacy_optimizer``
as its legacy class, which reads that state; Keras 3 takes the config (it would refuse
``is_legacy_optimizer``, and rebuilds tf_keras's own ``Custom>Adam`` with default
hyperparameters) and starts the state fresh, as it does with tf_keras's files. Read: ours, tf_keras 2.11+'s
(``{"class_name": "Custom>Adam"}``, state ``iteration:0``, ``Adam/m/dense/kernel:0``,
``Adam/v/dense/kernel:0`` per variable in turn) and Keras 3's (``module``/``registered_name`` in
the config, state ``adam/iteration``, ``adam/learning_rate``, ``adam/dense_kernel_momentum``...).

As in Keras (``legacy_h5_format.load_model_from_hdf5``), state that does not fit the model only
costs the optimizer its state (a warning); an optimizer config we cannot rebuild costs the model
its optimizer: it is compiled with its loss and metrics and ``compile``'s default optimizer, and
a warning names what was dropped.
"""

from __future__ import annotations

import warnings

import numpy as np

# A saved slot's name (tf_keras 2.11+ ``Adam/m/...``, Keras 3 ``..._momentum``) -> ours, per class.
_SLOTS = {
    "m": {"Adam": "m", "SGD": "momentum"}, "v": {"Adam": "v"}, "vhat": {"Adam": "vhat"},
    "momentum": {"Adam": "m", "SGD": "momentum", "RMSprop": "momentum"},
    "velocity": {"Adam": "v", "RMSprop": "rms"}, "velocity_hat": {"Adam": "vhat"},
    "average_gradient": {"RMSprop": "mg"}, "accumulator": {"Adagrad": "accumulator"},
}


def _our_slot(opt, saved):
    ours = _SLOTS.get(saved, {}).get(type(opt).__name__)
    if ours is None and saved in opt._slot_names:
        ours = saved
    return ours


# -- writing ---------------------------------------------------------------------------------------
def training_config(model) -> dict | None:
    if not model._compiled or model.optimizer is None:
        return None
    from engine.keras import losses, optimizers

    args = model._compile_args
    loss = args["loss"]

    def ser_loss(item):
        # As a class config, not a name: Keras 3 cannot deserialize a training_config loss "mse".
        try:
            loss_obj = losses.get(item)
        except ValueError:
            return getattr(item, "__name__", None)
        return losses.serialize(loss_obj)

    if isinstance(loss, dict):
        loss_cfg = {k: ser_loss(v) for k, v in loss.items()}
    elif isinstance(loss, (list, tuple)):
        loss_cfg = [ser_loss(v) for v in loss]
    else:
        loss_cfg = ser_loss(loss)

    def ser_metric(m):
        return m if isinstance(m, str) else getattr(m, "name", getattr(m, "__name__", None))

    metrics = args["metrics"]
    if isinstance(metrics, dict):
        metrics_cfg = {k: [ser_metric(m) for m in (v if isinstance(v, list) else [v])]
                       for k, v in metrics.items()}
    elif metrics:
        metrics_cfg = [ser_metric(m) if not isinstance(m, (list, tuple)) else [ser_metric(i) for i in m]
                       for m in metrics]
    else:
        metrics_cfg = None
    return {"loss": loss_cfg, "metrics": metrics_cfg, "weighted_metrics": None,
            "loss_weights": args["loss_weights"], "optimizer_config": optimizers.serialize(model.optimizer)}


def save_optimizer_weights(f, opt, save_attr) -> None:
    g = f.create_group("optimizer_weights")
    names = opt.weight_names()
    save_attr(g, "weight_names", [n.encode("utf8") for n in names])
    for name, value in zip(names, opt.get_weights(), strict=False):
        ds = g.create_dataset(name, np.shape(value), dtype=np.asarray(value).dtype)
        if not np.shape(value):
            ds[()] = value
        else:
            ds[:] = value


# -- reading ---------------------------------------------------------------------------------------
def _optimizer_config(config):
    """The config as our registry reads it: tf_keras 2.11+ registers its optimizers under
    ``Custom>`` (``Custom>Adam``); Keras 3 adds ``module`` and ``registered_name``."""
    from engine.keras.saving import registry

    if not isinstance(config, dict):
        return config
    name = config.get("class_name")
    if isinstance(name, str) and name.startswith("Custom>") and registry.find("optimizer", name) is None:
        name = name[len("Custom>"):]
    return {"class_name": name, "config": dict(config.get("config") or {})}


def _metric(m):
    """tf_keras writes a metric given by name as ``MeanMetricWrapper`` with that name; Keras 3 as
    ``{"module": "keras.metrics", "class_name": ..., "config": {...}}`` of the class it built."""
    if isinstance(m, dict) and m.get("class_name") == "MeanMetricWrapper":
        cfg = m.get("config") or {}
        return cfg.get("name") or cfg.get("fn")
    if isinstance(m, list):
        return [_metric(i) for i in m]
    if isinstance(m, dict) and "class_name" not in m:
        return {k: _metric(v) for k, v in m.items()}
    return m


def _metrics(metrics, n_outputs):
    metrics = _metric(metrics)
    # Keras 2 writes one list per output; a single-output model's is the list of its metrics.
    if isinstance(metrics, list) and n_outputs == 1 and len(metrics) == 1 and isinstance(metrics[0], list):
        metrics = metrics[0]
    return metrics


def compile_from_training_config(model, training, source) -> None:
    from engine.keras import optimizers

    opt_config = training.get("optimizer_config")
    try:
        opt = optimizers.deserialize(_optimizer_config(opt_config))
    except (ValueError, TypeError, KeyError) as e:
        name = opt_config.get("class_name") if isinstance(opt_config, dict) else opt_config
        warnings.warn(f"{source}: the optimizer {name!r} of the file cannot be rebuilt ({e}); the model "
                      "is compiled with its loss and metrics and compile()'s default optimizer; call "
                      "compile() to choose one", stacklevel=3)
        opt = "rmsprop"
    model.compile(optimizer=opt, loss=training.get("loss"),
                  metrics=_metrics(training.get("metrics"), len(model.outputs)),
                  loss_weights=training.get("loss_weights"))
    return opt if not isinstance(opt, str) else None


def _fresh(opt):
    opt.iterations = 0
    opt._slots.clear()
    opt._vars = []


def _set_slot_state(opt, names, values, var_list, head, slot_of):
    """State stored as ``head`` scalars, then the slots: each slot's variables in the model's
    order, whether interleaved (``m``, ``v`` of one variable, then the next's) or in blocks
    (tf_keras's ``vhat`` after all the ``m`` and ``v``)."""
    per_var = len(opt._slot_names)
    if len(names) != head + per_var * len(var_list):
        raise ValueError(f"{len(names) - head} saved slot variables for {len(var_list)} weights and "
                         f"{per_var} slots each ({type(opt).__name__})")
    _fresh(opt)
    opt.build(var_list)
    seen = dict.fromkeys(opt._slot_names, 0)
    for k in range(head, len(names)):
        slot = slot_of(names[k])
        if slot is None or seen[slot] >= len(var_list):
            _fresh(opt)
            raise ValueError(f"saved optimizer variable {names[k]!r} has no counterpart in "
                             f"{type(opt).__name__}")
        var = var_list[seen[slot]]
        seen[slot] += 1
        target = opt._slots[id(var)][slot]
        if values[k].shape != target.shape:
            _fresh(opt)
            raise ValueError(f"optimizer variable {names[k]!r} has shape {values[k].shape}, "
                             f"{var.name!r} needs {target.shape}")
        target[...] = values[k]
    opt.iterations = int(values[0])


def _keras3_slot(opt, name):
    """``adam/dense_kernel_momentum`` -> ours: the longest known suffix."""
    suffix = next((k for k in sorted(_SLOTS, key=len, reverse=True) if name.endswith("_" + k)), None)
    return None if suffix is None else _our_slot(opt, suffix)


def _tf_keras_slot(opt, name):
    """``Adam/m/dense/kernel:0`` -> ours (the slot is the second part)."""
    parts = name.split("/")
    return _our_slot(opt, parts[1]) if len(parts) > 2 else None


def set_optimizer_state(opt, names, values, var_list, source) -> None:
    try:
        if names and names[0].endswith("/iteration"):  # Keras 3
            if len(names) < 2 or not names[1].endswith("/learning_rate"):
                raise ValueError(f"unrecognised Keras 3 optimizer variables {names[:3]}")
            _set_slot_state(opt, names, values, var_list, 2, lambda n: _keras3_slot(opt, n))
            opt.learning_rate = float(values[1])
        elif names and names[0] == "iteration:0":  # tf_keras 2.11+ (its optimizer_experimental)
            _set_slot_state(opt, names, values, var_list, 1, lambda n: _tf_keras_slot(opt, n))
        else:
            opt.set_weights(values, var_list=var_list)
    except ValueError as e:
        warnings.warn(f"{source}: the saved optimizer state does not fit this model, so the optimizer "
                      f"starts fresh: {e}", stacklevel=3)
        _fresh(opt)
