"""``compile``/``fit``/``evaluate``/``predict``/``train_on_batch`` for every model.

One training step runs the model eagerly under a ``GradientTape`` and applies the optimizer in
numpy. Measured on the 784-256-10 MLP of ``bench/keras.py``, the tape's per-op overhead is small
beside the matrix products, so ``fit`` does not trace the step into a graph.
"""

from __future__ import annotations

import numpy as np

from engine.framework.tape import GradientTape
from engine.framework.tensor import Tensor, eager
from engine.keras import backend, losses, optimizers
from engine.keras import metrics as metrics_mod


def _as_array(x):
    if isinstance(x, Tensor):
        return x.numpy()
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def _float_input(arr):
    if arr.dtype == np.float64 and backend.floatx() != "float64":
        return arr.astype(backend.floatx())
    return arr


class TrainingMixin:
    """The training loop of ``Model``; see ``Model`` for the graph it runs."""

    def _init_training(self):
        self.optimizer = None
        self.compiled_loss = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compiled = False
        self._loss_fns = []
        self._loss_weights = []
        self._metric_objs = []  # per output: [Metric, ...]
        self._compile_args = {}
        from engine.distribute import distribute_lib  # made in a strategy's scope: fit runs under it

        self._distribute_strategy = distribute_lib.in_scope()

    # -- compile ---------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None, jit_compile=None,
                **kwargs):
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights}
        self._compiled = True
        self._metric_objs = None  # resolved once the outputs are known (a model may build late)
        self._loss_fns = None
        from engine.distribute import distribute_lib  # a strategy in scope runs fit/evaluate/predict

        self._distribute_strategy = distribute_lib.in_scope() or getattr(self, "_distribute_strategy", None)

    def _output_names(self):
        names = getattr(self, "output_names", None)
        if names:
            return list(names)
        return ["output_1"]

    def _resolve_compile(self):
        if self._loss_fns is not None:
            return
        names = self._output_names()
        loss = self._compile_args["loss"]
        if loss is None:
            raise ValueError("the model was compiled without a loss: pass loss= to compile()")
        if isinstance(loss, dict) and not {"class_name", "config"} <= set(loss):  # per output, by name
            missing = [n for n in names if n not in loss]
            if missing:
                raise ValueError(f"compile(loss=...) has no loss for outputs {missing}; outputs: {names}")
            fns = [losses.get(loss[n]) for n in names]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != len(names):
                raise ValueError(f"compile got {len(loss)} losses for {len(names)} outputs {names}")
            fns = [losses.get(item) for item in loss]
        else:
            fns = [losses.get(loss)] * len(names)
        weights = self._compile_args["loss_weights"]
        if weights is None:
            weights = [1.0] * len(names)
        elif isinstance(weights, dict):
            weights = [float(weights.get(n, 1.0)) for n in names]
        self._loss_fns, self._loss_weights = fns, list(weights)
        metrics = self._compile_args["metrics"] or []
        outputs = getattr(self, "outputs", None) or [None] * len(names)
        out_shapes = [getattr(t, "shape", None) for t in outputs]
        per_output = []
        for i, name in enumerate(names):
            if isinstance(metrics, dict):
                wanted = metrics.get(name, [])
            elif metrics and isinstance(metrics[0], (list, tuple)):
                wanted = metrics[i]
            else:
                wanted = metrics
            wanted = [wanted] if isinstance(wanted, str) or not isinstance(wanted, (list, tuple)) else wanted
            objs = [metrics_mod.get(m, fns[i], out_shapes[i]) if not isinstance(m, metrics_mod.Metric)
                    else m for m in wanted]
            per_output.append(objs)
        self._metric_objs = per_output
        self._loss_trackers = [metrics_mod.Mean(name="loss")] + [
            metrics_mod.Mean(name=f"{n}_loss") for n in names] if len(names) > 1 else [
            metrics_mod.Mean(name="loss")]

    @property
    def metrics_names(self) -> list[str]:
        if not self._compiled:
            return []
        self._resolve_compile()
        names = self._output_names()
        out = [m.name for m in self._loss_trackers]
        for i, objs in enumerate(self._metric_objs):
            for m in objs:
                out.append(m.name if len(names) == 1 else f"{names[i]}_{m.name}")
        return out

    @property
    def metrics(self):
        if not self._compiled:
            return []
        self._resolve_compile()
        return list(self._loss_trackers) + [m for objs in self._metric_objs for m in objs]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _logs(self) -> dict:
        return {name: float(m.result()) for name, m in zip(self.metrics_names, self.metrics, strict=False)}

    def _check_compiled(self):
        if not self._compiled:
            raise RuntimeError("you must compile the model before training or evaluating it: "
                               "model.compile(optimizer=..., loss=...)")

    # -- data ------------------------------------------------------------------------------------
    def _standardize(self, data, names, what):
        if data is None:
            return None
        if isinstance(data, dict):
            missing = [n for n in names if n not in data]
            if missing:
                raise ValueError(f"{what} dict has no entries for {missing}; expected keys {names}")
            return [_as_array(data[n]) for n in names]
        if isinstance(data, (list, tuple)) and len(names) > 1:
            if len(data) != len(names):
                raise ValueError(f"the model has {len(names)} {what}s {names}, got {len(data)} arrays")
            return [_as_array(d) for d in data]
        return [_as_array(data)]

    def _x_list(self, x):
        names = getattr(self, "input_names", None)
        if names is None:
            names = [f"input_{i + 1}" for i in range(len(x) if isinstance(x, (list, tuple)) else 1)]
        xs = self._standardize(x, names, "input")
        xs = [_float_input(a) for a in xs]
        self._ensure_built(xs)
        return xs

    def _y_list(self, y):
        return self._standardize(y, self._output_names(), "target")

    # -- one batch -------------------------------------------------------------------------------
    def _compute_loss(self, ys, outs, sample_weight, masks=None):
        total = None
        per_output = []
        for i, (fn, w) in enumerate(zip(self._loss_fns, self._loss_weights, strict=False)):
            value = fn(ys[i], outs[i], sample_weight, mask=masks[i] if masks else None)
            per_output.append(value)
            term = value if w == 1.0 else value * w
            total = term if total is None else total + term
        for reg in self.losses:
            total = total + reg
        return total, per_output

    def _update_metrics(self, ys, outs, total, per_output, n, sample_weight, masks=None):
        trackers = self._loss_trackers
        trackers[0].update_state(float(total.numpy()), sample_weight=[n])
        if len(trackers) > 1:
            for tr, v in zip(trackers[1:], per_output, strict=False):
                tr.update_state(float(v.numpy()), sample_weight=[n])
        for i, objs in enumerate(self._metric_objs):
            if objs:
                pred = outs[i].numpy()
                mask = masks[i] if masks else None
                for m in objs:
                    m.update_state(ys[i], pred, sample_weight, mask=mask)

    def _train_batch(self, xs, ys, sample_weight=None):
        if getattr(self, "_distribute_strategy", None) is not None:
            return self._distribute_strategy._train_batch(self, xs, ys, sample_weight)
        variables = self.trainable_weights
        if not self.optimizer._vars:
            self.optimizer.build(variables)  # slots in weight order, as save/load_model expect
        masks = []
        with GradientTape() as tape:
            outs = self._run([eager(x) for x in xs], training=True, masks=masks)
            total, per_output = self._compute_loss(ys, outs, sample_weight, masks)
        grads = tape.gradient(total, variables)
        self.optimizer.apply_gradients(zip(grads, variables, strict=False))
        self._update_metrics(ys, outs, total, per_output, len(xs[0]), sample_weight, masks)

    def _test_batch(self, xs, ys, sample_weight=None):
        if getattr(self, "_distribute_strategy", None) is not None:
            return self._distribute_strategy._test_batch(self, xs, ys, sample_weight)
        masks = []
        outs = self._run([eager(x) for x in xs], training=False, masks=masks)
        total, per_output = self._compute_loss(ys, outs, sample_weight, masks)
        self._update_metrics(ys, outs, total, per_output, len(xs[0]), sample_weight, masks)

    # -- the public loops ------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        from engine.keras import callbacks as cbks

        self._check_compiled()
        if y is None and isinstance(x, tuple) and len(x) == 2:
            x, y = x
        xs, ys = self._x_list(x), None
        self._resolve_compile()
        ys = self._y_list(y)
        if ys is None:
            raise ValueError("fit needs targets: model.fit(x, y, ...)")
        sw = None if sample_weight is None else np.asarray(sample_weight)
        n = len(xs[0])
        for a in xs + ys:
            if len(a) != n:
                raise ValueError(f"all inputs and targets must have the same number of samples; got "
                                 f"{[len(b) for b in xs]} inputs and {[len(b) for b in ys]} targets")
        if class_weight is not None:
            labels = ys[0].reshape(len(ys[0]), -1)
            cls = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
            cw = np.asarray([class_weight.get(int(c), 1.0) for c in cls])
            sw = cw if sw is None else sw * cw
        val = None
        if validation_data is not None:
            vx, vy = validation_data[0], validation_data[1]
            vsw = validation_data[2] if len(validation_data) > 2 else None
            val = (self._x_list(vx), self._y_list(vy), vsw)
        elif validation_split:
            split = int(n * (1.0 - validation_split))
            val = ([a[split:] for a in xs], [a[split:] for a in ys], None if sw is None else sw[split:])
            xs, ys = [a[:split] for a in xs], [a[:split] for a in ys]
            sw = None if sw is None else sw[:split]
            n = split
        batch_size = batch_size or 32
        steps = max(1, -(-n // batch_size)) if steps_per_epoch is None else steps_per_epoch
        verbose = 1 if verbose == "auto" else verbose
        callback_list = cbks.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                          model=self, verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        self._fit_validation_data = val
        callback_list.on_train_begin()
        logs = {}
        initial_epoch, self._initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch, None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            order = backend.rng().permutation(n) if shuffle else np.arange(n)
            for step in range(steps):
                start = (step * batch_size) % n
                idx = order[start:start + batch_size] if shuffle else slice(start, start + batch_size)
                callback_list.on_train_batch_begin(step)
                self._train_batch([a[idx] for a in xs], [a[idx] for a in ys],
                                  None if sw is None else sw[idx])
                batch_logs = self._logs()
                callback_list.on_train_batch_end(step, batch_logs)
                if self.stop_training:
                    break
            if getattr(self, "_distribute_strategy", None) is not None:
                self._distribute_strategy._sync(self)  # steps in flight land before the epoch's callbacks
            logs = self._logs()
            if val is not None and (epoch + 1) % validation_freq == 0:
                callback_list.on_test_begin()
                val_logs = self._evaluate_arrays(val[0], val[1], val[2], validation_batch_size or batch_size,
                                                 callback_list)
                callback_list.on_test_end(val_logs)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

    def _evaluate_arrays(self, xs, ys, sw, batch_size, callback_list=None):
        self.reset_metrics()
        n = len(xs[0])
        for step, start in enumerate(range(0, n, batch_size)):
            if callback_list is not None:
                callback_list.on_test_batch_begin(step)
            sl = slice(start, start + batch_size)
            self._test_batch([a[sl] for a in xs], [a[sl] for a in ys], None if sw is None else sw[sl])
            if callback_list is not None:
                callback_list.on_test_batch_end(step, self._logs())
        return self._logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        from engine.keras import callbacks as cbks

        self._check_compiled()
        xs = self._x_list(x)
        self._resolve_compile()
        ys = self._y_list(y)
        batch_size = batch_size or 32
        verbose = 1 if verbose == "auto" else verbose
        n_steps = max(1, -(-len(xs[0]) // batch_size))
        callback_list = cbks.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                          verbose=verbose, epochs=1, steps=n_steps, mode="test")
        callback_list.on_test_begin()
        logs = self._evaluate_arrays(xs, ys, None if sample_weight is None else np.asarray(sample_weight),
                                     batch_size, callback_list)
        callback_list.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, **kwargs):
        xs = self._x_list(x)
        batch_size = batch_size or 32
        if getattr(self, "_distribute_strategy", None) is not None:
            return self._distribute_strategy._predict(self, xs, batch_size)
        n = len(xs[0])
        chunks = None
        for start in range(0, n, batch_size):
            outs = self._run([eager(a[start:start + batch_size]) for a in xs], training=False)
            if chunks is None:
                chunks = [[] for _ in outs]
            for c, o in zip(chunks, outs, strict=False):
                c.append(o.numpy())
        if chunks is None:
            return np.zeros((0,))
        results = [np.concatenate(c) for c in chunks]
        return results[0] if len(results) == 1 else results

    def __call_numpy(self, xs, training=False):
        return [o.numpy() for o in self._run([eager(a) for a in xs], training=training)]

    def predict_on_batch(self, x):
        outs = self.__call_numpy(self._x_list(x))
        return outs[0] if len(outs) == 1 else outs

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        self._check_compiled()
        xs = self._x_list(x)
        self._resolve_compile()
        ys = self._y_list(y)
        if reset_metrics:
            self.reset_metrics()
        self._train_batch(xs, ys, None if sample_weight is None else np.asarray(sample_weight))
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        self._check_compiled()
        xs = self._x_list(x)
        self._resolve_compile()
        ys = self._y_list(y)
        if reset_metrics:
            self.reset_metrics()
        self._test_batch(xs, ys, None if sample_weight is None else np.asarray(sample_weight))
        return self._batch_result(return_dict)

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names]
        return values[0] if len(values) == 1 else values
