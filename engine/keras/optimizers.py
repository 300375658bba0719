"""SGD (momentum, nesterov, Keras's old ``decay``), Adam, RMSprop and Adagrad, with Keras's
update formulas. Updates are done in place in numpy: one fused step per variable, no graph ops.

Each optimizer's state is its ``iterations`` count and one slot array per variable per slot name
(``momentum``; ``m``/``v``; ...): ``get_weights``/``set_weights`` expose it in tf.keras's order
(iterations, then each slot for every variable), which is what ``save``/``load_model`` store so a
resumed run continues exactly.
"""

from __future__ import annotations

import numpy as np

from engine.keras import backend
from engine.keras.saving import registry


class Optimizer:
    _slot_names: tuple[str, ...] = ()
    _DEFAULT_LR = 0.001

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        registry.register_subclass("optimizer", cls, register)

    def __init__(self, learning_rate=None, name=None, decay=0.0, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, lr=None, **kwargs):
        kwargs.pop("jit_compile", None)
        kwargs.pop("is_legacy_optimizer", None)
        for ignored in ("weight_decay", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                        "loss_scale_factor", "gradient_accumulation_steps"):
            value = kwargs.pop(ignored, None)
            if value not in (None, False, 0, 0.0, 0.99):
                raise ValueError(f"{type(self).__name__}: {ignored}={value!r} is not supported")
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}")
        if learning_rate is None:
            learning_rate = lr if lr is not None else self._DEFAULT_LR
        if isinstance(learning_rate, dict):  # a serialized schedule we do not have
            raise ValueError(f"learning-rate schedules are not supported: {learning_rate!r}")
        self.learning_rate = float(learning_rate)
        self.decay = float(decay or 0.0)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or type(self).__name__
        self.iterations = 0
        self._slots: dict[int, dict[str, np.ndarray]] = {}
        self._vars: list = []  # variables in the order their slots were created

    # Keras 2 spelled it ``lr``; both work, and the LearningRateScheduler sets it.
    @property
    def lr(self):
        return self.learning_rate

    @lr.setter
    def lr(self, value):
        self.learning_rate = float(value)

    def _current_lr(self) -> float:
        if self.decay:
            return self.learning_rate / (1.0 + self.decay * self.iterations)
        return self.learning_rate

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
        grads = [backend.to_numpy(g) for g, _ in pairs]
        if self.clipvalue is not None or self.clipnorm is not None or self.global_clipnorm is not None:
            grads = self._clip(grads)
        lr = self._current_lr()
        for g, (_, var) in zip(grads, pairs, strict=False):
            if g.dtype != var._value.dtype:
                g = g.astype(var._value.dtype)
            self._update(var._value, g, self._slots_for(var), lr)
            if getattr(var, "constraint", None) is not None:
                var.assign(backend.to_numpy(var.constraint(var)))
        self.iterations += 1

    def minimize(self, loss, var_list, tape=None):
        from engine.framework.tape import GradientTape

        if tape is None:
            with GradientTape() as tape:
                value = loss()
        else:
            value = loss
        grads = tape.gradient(value, list(var_list))
        self.apply_gradients(zip(grads, var_list, strict=False))

    def _update(self, w, g, slots, lr):  # pragma: no cover - interface
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------------
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
        out = [np.asarray(self.iterations, dtype=np.int64)]
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
        config = {"name": self.name, "learning_rate": self.learning_rate}
        if self.decay:  # Keras 3 warns about (and ignores) a decay, even a zero one
            config["decay"] = self.decay
        for k in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, k) is not None:
                config[k] = getattr(self, k)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class SGD(Optimizer):
    """``v = momentum * v - lr * g; w += v`` (nesterov: ``w += momentum * v - lr * g``)."""

    _DEFAULT_LR = 0.01

    def __init__(self, learning_rate=None, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        if momentum < 0 or momentum > 1:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self._slot_names = ("momentum",) if self.momentum else ()

    def _update(self, w, g, slots, lr):
        if not self.momentum:
            w -= lr * g
            return
        v = slots["momentum"]
        v *= self.momentum
        v -= lr * g
        if self.nesterov:
            w += self.momentum * v - lr * g
        else:
            w += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Keras's Adam: ``w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)``."""

    def __init__(self, learning_rate=None, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 name="Adam", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self.amsgrad = bool(amsgrad)
        self._slot_names = ("m", "v", "vhat") if amsgrad else ("m", "v")

    def _update(self, w, g, slots, lr):
        t = self.iterations + 1
        alpha = lr * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m, v = slots["m"], slots["v"]
        # Two scratch arrays per variable, reused every step: fresh temporaries the size of an
        # embedding table cost more in page faults than the arithmetic does.
        scratch = slots.get("_scratch")
        if scratch is None:
            scratch = slots["_scratch"] = (np.empty_like(w), np.empty_like(w))
        a, b = scratch
        np.subtract(g, m, out=a)
        a *= 1.0 - self.beta_1
        m += a
        np.multiply(g, g, out=a)
        a -= v
        a *= 1.0 - self.beta_2
        v += a
        if self.amsgrad:
            vhat = slots["vhat"]
            np.maximum(vhat, v, out=vhat)
            v = vhat
        np.sqrt(v, out=b)
        b += self.epsilon
        np.multiply(m, alpha, out=a)
        a /= b
        w -= a

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class RMSprop(Optimizer):
    """``a = rho * a + (1 - rho) * g^2; w -= lr * g / (sqrt(a) + epsilon)`` (with optional
    momentum and centering, as Keras)."""

    def __init__(self, learning_rate=None, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 name="RMSprop", **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.rho, self.momentum, self.centered = float(rho), float(momentum), bool(centered)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("rms",) + (("momentum",) if self.momentum else ()) + (("mg",) if centered else ())

    def _update(self, w, g, slots, lr):
        a = slots["rms"]
        a *= self.rho
        a += (1.0 - self.rho) * np.square(g)
        denom = a
        if self.centered:
            mg = slots["mg"]
            mg *= self.rho
            mg += (1.0 - self.rho) * g
            denom = a - np.square(mg)
        step = lr * g / (np.sqrt(denom) + self.epsilon)
        if self.momentum:
            mom = slots["momentum"]
            mom *= self.momentum
            mom += step
            w -= mom
        else:
            w -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class Adagrad(Optimizer):
    """``acc += g^2; w -= lr * g / (sqrt(acc) + epsilon)``, ``acc`` starting at 0.1."""

    def __init__(self, learning_rate=None, initial_accumulator_value=0.1, epsilon=1e-7, name="Adagrad",
                 **kwargs):
        super().__init__(learning_rate, name, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon if epsilon is not None else backend.epsilon())
        self._slot_names = ("accumulator",)

    def _init_slot(self, name, value):
        return np.full_like(value, self.initial_accumulator_value)

    def _update(self, w, g, slots, lr):
        acc = slots["accumulator"]
        acc += np.square(g)
        w -= lr * g / (np.sqrt(acc) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


for _cls in (SGD, Adam, RMSprop, Adagrad):
    registry.register("optimizer", _cls, _cls.__name__.lower())
registry.define_kind("optimizer", Optimizer, from_callable=None, ignore_case=True)


def get(identifier) -> Optimizer:
    """An optimizer from ``'sgd'``/``'adam'``/``'rmsprop'``/``'adagrad'``, a config, or itself."""
    return registry.get("optimizer", identifier)


def serialize(opt: Optimizer) -> dict:
    return {"class_name": type(opt).__name__, "config": opt.get_config()}


def deserialize(config: dict) -> Optimizer:
    return registry.deserialize("optimizer", config)
