"""The optimizer base class: state, clipping, weight decay, learning rates and serialization.

Updates are done in place in numpy: one fused step per variable (each optimizer's ``_update``),
no graph ops. An optimizer's state is its ``iterations`` variable and one slot array per
variable per slot name (``momentum``; ``m``/``v``; ...): ``get_weights``/``set_weights`` expose
it in tf.keras's order (iterations, then each slot for every variable), which is what
``save``/``load_model`` store so a resumed run continues exactly.

``learning_rate`` is a float (held in a variable, as in Keras 2 and 3: ``opt.learning_rate``
is that variable, ``keras.backend.set_value`` and ``.assign`` change it), a
``LearningRateSchedule`` (called with ``iterations`` before each step) or a callable of no
arguments. Keras 2's ``lr`` and ``decay`` (``lr / (1 + decay * iterations)``, its legacy
optimizers' time decay) are accepted too. Each step clips the gradients, applies the decoupled
``weight_decay`` (``w -= w * weight_decay * lr``), updates, then runs each variable's
``constraint``, as Keras does.
"""

from __future__ import annotations

import re

import numpy as np

from engine.framework.tensor import Tensor
from engine.keras import backend
from engine.keras.optimizers.schedules import learning_rate_schedule as schedules
from engine.keras.saving import registry
from engine.ops import script_ops


class OptimizerVariable(backend.KerasVariable):
    """A scalar of an optimizer's (``iterations``, ``learning_rate``): a Keras variable that
    also reads as a Python number, as a scalar ``tf.Variable`` does."""

    def __float__(self):
        return float(self._value)

    def __int__(self):
        return int(self._value)

    def __index__(self):
        return int(self._value)

    def __bool__(self):
        return bool(self._value)

    # Comparisons read the number (a scalar variable compares as its value, as in TF 2).
    def __eq__(self, other):
        return self._value == _number(other)

    def __ne__(self, other):
        return self._value != _number(other)

    def __lt__(self, other):
        return self._value < _number(other)

    def __le__(self, other):
        return self._value <= _number(other)

    def __gt__(self, other):
        return self._value > _number(other)

    def __ge__(self, other):
        return self._value >= _number(other)

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        return format(self._value.item(), spec)

    def __reduce__(self):
        return (OptimizerVariable, (self._value, self._name, self.trainable, self._value.dtype))


def _number(value):
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value).item()


class Optimizer:
    _slot_names: tuple[str, ...] = ()
    _DEFAULT_LR = 0.001

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("optimizer", cls, register)

    def __init__(self, learning_rate=None, name=None, decay=0.0, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, lr=None, weight_decay=None, **kwargs):
        kwargs.pop("jit_compile", None)
        kwargs.pop("is_legacy_optimizer", None)  # which class reads a config: optimizers.deserialize
        if kwargs.pop("use_ema", False):
            raise ValueError(f"{type(self).__name__}: use_ema=True is not supported")
        kwargs.pop("ema_momentum", None)  # they mean something only with use_ema
        kwargs.pop("ema_overwrite_frequency", None)
        for ignored in ("loss_scale_factor", "gradient_accumulation_steps"):
            value = kwargs.pop(ignored, None)
            if value not in (None, 1):
                raise ValueError(f"{type(self).__name__}: {ignored}={value!r} is not supported")
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}")
        if learning_rate is None:
            learning_rate = lr if lr is not None else self._DEFAULT_LR
        self.name = name or type(self).__name__
        self._iterations = OptimizerVariable(0, "iteration", trainable=False, dtype=np.int64)
        self._lr_var = OptimizerVariable(0.0, "learning_rate", trainable=False, dtype=np.float32)
        self._learning_rate = None
        self.learning_rate = learning_rate
        self.decay = float(decay or 0.0)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.weight_decay = None if weight_decay is None else float(weight_decay)
        self._exclude_ids: set[int] = set()
        self._exclude_pattern = None
        self._slots: dict[int, dict[str, np.ndarray]] = {}
        self._vars: list = []  # variables in the order their slots were created

    # -- iterations and the learning rate ---------------------------------------------------------
    @property
    def iterations(self) -> OptimizerVariable:
        """The number of steps taken: a variable (``int(opt.iterations)``, ``.numpy()``)."""
        return self._iterations

    @iterations.setter
    def iterations(self, value) -> None:
        self._iterations.assign(np.int64(_number(value)))

    @property
    def learning_rate(self):
        """The variable holding a float rate; with a schedule or a callable, the rate the next
        step will use (as Keras 3 reports it)."""
        if self._learning_rate is None:
            return self._lr_var
        return self._scheduled_lr()

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, dict):
            value = schedules.deserialize(value)
        plain = hasattr(value, "numpy") or isinstance(value, backend.KerasVariable)
        if isinstance(value, schedules.LearningRateSchedule) or (callable(value) and not plain):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError("this optimizer was created with a LearningRateSchedule as its learning_rate, "
                            "so its learning rate is not settable; create it with a float learning_rate "
                            "to change the rate during training")
        self._learning_rate = None
        self._lr_var.assign(np.float32(_number(value)))

    # Keras 2 spelled it ``lr``; both work, and the LearningRateScheduler sets it.
    lr = learning_rate

    def _scheduled_lr(self):
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        return self._learning_rate()

    def _current_lr(self) -> float:
        """The rate the next step uses (after Keras 2's legacy ``decay``)."""
        if self._learning_rate is None:
            lr = float(self._lr_var._value)
        else:
            lr = float(_number(self._scheduled_lr()))
        if self.decay:
            return lr / (1.0 + self.decay * int(self._iterations._value))
        return lr

    # -- slots -------------------------------------------------------------------------------------
    def _slots_for(self, var) -> dict[str, np.ndarray]:
        slots = self._slots.get(id(var))
        if slots is None:
            slots = {name: self._init_slot(name, var._value) for name in self._slot_names}
            self._slots[id(var)] = slots
            self._vars.append(var)
        return slots

    def _init_slot(self, name, value):
        return np.zeros_like(value)

    def build(self, var_list) -> None:
        for var in var_list:
            self._slots_for(var)

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Variables (or names containing one of ``var_names``) ``weight_decay`` leaves alone."""
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = "|".join(map(re.escape, var_names)) if var_names else None

    def _decays(self, var) -> bool:
        if id(var) in self._exclude_ids:
            return False
        return self._exclude_pattern is None or re.search(self._exclude_pattern, var.name) is None

    # -- a step ------------------------------------------------------------------------------------
    def _clip(self, grads):
        if self.clipvalue is not None:
            grads = [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            out = []
            for g in grads:
                n = float(np.sqrt(np.sum(np.square(g))))
                out.append(g * (self.clipnorm / n) if n > self.clipnorm else g)
            grads = out
        if self.global_clipnorm is not None:
            n = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))
            if n > self.global_clipnorm:
                grads = [g * (self.global_clipnorm / n) for g in grads]
        return grads

    def apply_gradients(self, grads_and_vars) -> None:
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            return
        if any(isinstance(g, Tensor) and g._graph is not None for g, _ in pairs):
            # Inside tf.function (or a TF1 graph): a node applying the values each time it runs.
            variables = [v for _, v in pairs]
            return script_ops.py_function(lambda *gs: self.apply_gradients(zip(gs, variables, strict=True)),
                                          [g for g, _ in pairs], Tout=None, name="apply_gradients")
        grads = [backend.to_numpy(g) for g, _ in pairs]
        if self.clipvalue is not None or self.clipnorm is not None or self.global_clipnorm is not None:
            grads = self._clip(grads)
        lr = self._current_lr()
        self._prepare_step()
        for g, (_, var) in zip(grads, pairs, strict=False):
            if g.dtype != var._value.dtype:
                g = g.astype(var._value.dtype)
            if self.weight_decay and self._decays(var):
                var._value -= var._value * np.asarray(self.weight_decay * lr, var._value.dtype)
            self._update(var._value, g, self._slots_for(var), lr)
            if getattr(var, "constraint", None) is not None:
                var.assign(backend.to_numpy(var.constraint(var)))
        self._iterations._value += 1

    def apply(self, grads, trainable_variables=None) -> None:
        """Keras 3's spelling: the gradients in the order of ``trainable_variables`` (or of the
        variables this optimizer was built with)."""
        variables = list(trainable_variables) if trainable_variables is not None else list(self._vars)
        self.apply_gradients(zip(grads, variables, strict=True))

    def minimize(self, loss, var_list, tape=None):
        from engine.framework.tape import GradientTape

        if tape is None:
            with GradientTape() as tape:
                value = loss()
        else:
            value = loss
        grads = tape.gradient(value, list(var_list))
        self.apply_gradients(zip(grads, var_list, strict=False))

    def _prepare_step(self) -> None:
        """Per-step state shared by all variables (Nadam's momentum-schedule product)."""

    def _update(self, w, g, slots, lr):  # pragma: no cover - interface
        raise NotImplementedError

    # -- state -------------------------------------------------------------------------------------
    @property
    def variables(self):
        return self.get_weights()

    def weight_names(self) -> list[str]:
        """tf.keras's names: ``Adam/iter:0``, then ``Adam/dense/kernel/m:0`` for each slot."""
        names = [f"{self.name}/iter:0"]
        for slot in self._slot_names:
            names.extend(f"{self.name}/{v.path}/{slot}:0" for v in self._vars)
        return names

    def get_weights(self) -> list[np.ndarray]:
        out = [np.asarray(int(self._iterations._value), dtype=np.int64)]
        for slot in self._slot_names:
            out.extend(self._slots[id(v)][slot].copy() for v in self._vars)
        return out

    def set_weights(self, weights, var_list=None) -> None:
        """Restore state saved by ``get_weights``; ``var_list`` gives the variables the slots
        belong to (in the order they were saved) when this optimizer has not stepped yet."""
        weights = list(weights)
        if var_list is not None:
            self._slots.clear()
            self._vars = []
            self.build(var_list)
        expected = 1 + len(self._slot_names) * len(self._vars)
        if len(weights) != expected:
            raise ValueError(f"{self.name} expects {expected} state arrays (iterations + "
                             f"{len(self._slot_names)} slots x {len(self._vars)} variables), "
                             f"got {len(weights)}")
        self.iterations = int(np.asarray(weights[0]))
        i = 1
        for slot in self._slot_names:
            for v in self._vars:
                arr = np.asarray(weights[i])
                target = self._slots[id(v)][slot]
                if arr.shape != target.shape:
                    raise ValueError(f"optimizer slot {slot!r} for {v.name!r} has shape {target.shape}, "
                                     f"the saved array {arr.shape}")
                target[...] = arr
                i += 1

    def get_config(self) -> dict:
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            lr = schedules.serialize(self._learning_rate)
        elif self._learning_rate is not None:
            lr = float(_number(self._learning_rate()))
        else:
            lr = float(self._lr_var._value)
        config = {"name": self.name, "learning_rate": lr}
        if self.decay:  # Keras 3 warns about (and ignores) a decay, even a zero one
            config["decay"] = self.decay
        for k in ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay"):
            if getattr(self, k) is not None:
                config[k] = getattr(self, k)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)
