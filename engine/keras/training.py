"""``compile`` and the steps every model trains by: ``train_step``/``test_step``/``predict_step``
(which ``fit``/``evaluate``/``predict`` in ``training_loops`` call once per batch, so a subclass's
override runs), ``compute_loss``/``compute_metrics`` (Keras 3 and late Keras 2),
``compiled_loss``/``compiled_metrics`` (Keras 2's containers, ``compile_utils``), ``metrics``,
``metrics_names``, ``reset_metrics``.

One training step runs the model eagerly under a ``GradientTape`` and applies the optimizer in
numpy. Measured on the 784-256-10 MLP of ``bench/keras_steps.py``, the tape's per-op overhead is small
beside the matrix products, so ``fit`` does not trace the step into a graph.
"""

from __future__ import annotations

import functools
import inspect

import numpy as np

from engine.framework.tape import GradientTape
from engine.framework.tensor import Tensor, eager
from engine.keras import compile_utils, losses, optimizers
from engine.keras import metrics as metrics_mod
from engine.keras.training_loops import LoopsMixin, as_array, unpack_x_y_sample_weight


def _result_value(value):
    if isinstance(value, Tensor):
        value = value.numpy()
    arr = np.asarray(value)
    return float(arr) if arr.ndim == 0 else arr


def _aggregate_additional_loss(loss):
    """Keras 3's: an ``add_loss`` or regularization term is summed to a scalar, in floats."""
    from engine.ops import array_ops, reduction_ops

    if isinstance(loss, int | float | np.ndarray | np.generic):
        loss = eager(np.asarray(loss, np.float32))
    if not loss.dtype.is_floating:
        loss = array_ops.cast(loss, "float32")
    return loss if loss.shape.rank == 0 else reduction_ops.reduce_sum(loss)


class TrainingMixin(LoopsMixin):
    """The training side of ``Model``; see ``Model`` for the graph it runs."""

    def _init_training(self):
        self.optimizer = None
        self.compiled_loss = None
        self.compiled_metrics = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compiled = False
        self._loss_fns = []
        self._loss_weights = []
        self._metric_objs = []  # per output: [Metric, ...]
        self._weighted_metric_objs = []
        self._loss_trackers = []
        self._pending_loss = None
        self._compile_args = {}
        from engine.distribute import distribute_lib  # made in a strategy's scope: fit runs under it

        self._distribute_strategy = distribute_lib.in_scope()

    # -- compile ---------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=None, jit_compile=None,
                **kwargs):
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        if isinstance(metrics, metrics_mod.Metric) or callable(metrics) and not isinstance(metrics, type):
            metrics = [metrics]  # Keras 2 takes one metric alone, as it takes one loss
        if isinstance(weighted_metrics, metrics_mod.Metric):
            weighted_metrics = [weighted_metrics]
        self._compile_args = {"loss": loss, "metrics": metrics, "loss_weights": loss_weights,
                              "weighted_metrics": weighted_metrics}
        self._compiled = True
        self._metric_objs = None  # resolved once the outputs are known (a model may build late)
        self._loss_fns = None
        self.compiled_loss = compile_utils.LossesContainer(self)
        self.compiled_metrics = compile_utils.MetricsContainer(self)
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
            fns = []  # a custom train_step computes its own loss
        elif isinstance(loss, dict) and not {"class_name", "config"} <= set(loss):  # per output, by name
            unknown = sorted(str(k) for k in loss if k not in names)
            if unknown:
                raise ValueError(f"compile(loss=...) names {unknown}, which are not outputs of the model; "
                                 f"its outputs are {names}")
            # an output the dict leaves out has no loss (Keras 2 and 3 train the others)
            fns = [losses.get(loss[n]) if n in loss else None for n in names]
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
        self._metric_objs = self._resolve_metrics(self._compile_args["metrics"], names, fns)
        taken = {m.name for objs in self._metric_objs for m in objs}
        self._weighted_metric_objs = self._resolve_metrics(self._compile_args["weighted_metrics"], names, fns)
        for m in (m for objs in self._weighted_metric_objs for m in objs):
            if m.name in taken:  # Keras's name for a weighted metric that is also unweighted
                m.name = f"weighted_{m.name}"
        self._loss_trackers = [metrics_mod.Mean(name="loss")]
        if len(names) > 1 and fns:  # as Keras 2, one per output that has a loss
            self._loss_trackers += [metrics_mod.Mean(name=f"{n}_loss")
                                    for n, fn in zip(names, fns, strict=True) if fn is not None]

    def _resolve_metrics(self, metrics, names, fns):
        """One list of Metric objects per output from compile's ``metrics``/``weighted_metrics``."""
        metrics = metrics or []
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
            objs = [metrics_mod.get(m, fns[i] if fns else None, out_shapes[i])
                    if not isinstance(m, metrics_mod.Metric) else m for m in wanted]
            if len(names) > 1:  # Keras names an output's metrics after it: "dense_1_accuracy"
                for m in objs:
                    m.name = f"{name}_{m.name}"
            per_output.append(objs)
        return per_output

    # -- metrics ---------------------------------------------------------------------------------
    @property
    def metrics(self):
        """The loss trackers, the compiled metrics' container (Keras 3's ``compile_metrics``: the
        metrics given to ``compile`` update through it, unweighted unless they were given as
        ``weighted_metrics``), then the metrics set as attributes."""
        out = []
        if self._compiled:
            self._resolve_compile()
            out = list(self._loss_trackers)
            if self.compiled_metrics.metrics:
                out.append(self.compiled_metrics)
        out.extend(m for m in getattr(self, "_user_metrics", ()) if all(m is not o for o in out))
        return out

    @property
    def metrics_names(self) -> list[str]:
        """Keras 2's flat names: the compiled metrics' own, not their container's."""
        names = []
        for m in self.metrics:
            inner = getattr(m, "metrics", None)
            names.extend([i.name for i in inner] if isinstance(inner, list) else [m.name])
        return names

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict:
        out = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[m.name] = result
        return out

    def _logs(self) -> dict:
        return {k: _result_value(v) for k, v in self.get_metrics_result().items()}

    # -- the steps -------------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled losses plus the model's regularization losses (``self.losses``)."""
        self._resolve_compile()
        outs = compile_utils.flat_outputs(self, y_pred)
        if not self._loss_fns and not self.losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        if self._loss_fns and y is None:
            raise ValueError("the loss needs targets: model.fit(x, y, ...)")
        total, per_output = self._compute_loss(
            compile_utils.target_list(self, y) if self._loss_fns else None, outs,
            compile_utils.sample_weight_array(sample_weight), compile_utils.output_masks(outs))
        self._pending_loss = (total, per_output, compile_utils.batch_size_of(self, x, outs))
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics (and the loss trackers with this step's loss, unless
        ``compiled_loss`` already did) and return every metric's result."""
        if self._pending_loss is not None:
            self._update_loss_trackers(*self._pending_loss)
            self._pending_loss = None
        if self._compiled:
            self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _step_loss(self, x, y, y_pred, sample_weight, training):
        self._pending_loss = None
        fn = self.compute_loss
        if _takes_training(getattr(fn, "__func__", fn)):
            loss = fn(x, y, y_pred, sample_weight, training=training)
        else:  # Keras 2's signature, and Keras 3's before 3.3
            loss = fn(x, y, y_pred, sample_weight)
        if self._pending_loss is None:  # an override that did not call ours: Keras 3 tracks its value
            outs = compile_utils.flat_outputs(self, y_pred)
            self._pending_loss = (loss, None, compile_utils.batch_size_of(self, x, outs))
        return loss

    def train_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        if getattr(self, "_distribute_strategy", None) is not None:
            self._train_batch(*self._step_lists(x, y, sample_weight))
            return self.get_metrics_result()
        variables = self.trainable_weights
        if not self.optimizer._vars:
            self.optimizer.build(variables)  # slots in weight order, as save/load_model expect
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self._step_loss(x, y, y_pred, sample_weight, training=True)
        grads = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(grads, variables, strict=False))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        if getattr(self, "_distribute_strategy", None) is not None:
            self._test_batch(*self._step_lists(x, y, sample_weight))
            return self.get_metrics_result()
        y_pred = self(x, training=False)
        self._step_loss(x, y, y_pred, sample_weight, training=False)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    predict_step._builtin = True  # a strategy predicts remotely only when this is not overridden

    def _step_lists(self, x, y, sample_weight):
        xs = [as_array(a) for a in (x if isinstance(x, (list, tuple)) else [x])]
        return xs, compile_utils.target_list(self, y), compile_utils.sample_weight_array(sample_weight)

    # -- one batch's loss and metrics, on lists (one entry per output) ---------------------------
    def _compute_loss(self, ys, outs, sample_weight, masks=None, regularization=None):
        """The weighted sum of the compiled losses and ``regularization`` (default: ``self.losses``)."""
        total = None
        per_output = []
        for i, (fn, w) in enumerate(zip(self._loss_fns, self._loss_weights, strict=False)):
            if fn is None:
                continue
            value = fn(ys[i], outs[i], sample_weight, mask=masks[i] if masks else None)
            per_output.append(value)
            term = value if w == 1.0 else value * w
            total = term if total is None else total + term
        for reg in self.losses if regularization is None else regularization:
            reg = _aggregate_additional_loss(reg)
            total = reg if total is None else total + reg
        if total is None:
            total = eager(np.zeros((), np.float32))
        return total, per_output

    def _update_loss_trackers(self, total, per_output, n):
        self._resolve_compile()
        trackers = self._loss_trackers
        trackers[0].update_state(float(np.asarray(as_array(total)).mean()), sample_weight=[n])
        if len(trackers) > 1 and per_output:
            for tr, v in zip(trackers[1:], per_output, strict=False):
                tr.update_state(float(as_array(v)), sample_weight=[n])

    def _update_compiled_metrics(self, ys, outs, sample_weight, masks=None):
        """``metrics`` see no sample weights (Keras 2 and 3 alike); ``weighted_metrics`` do."""
        for i, (objs, weighted) in enumerate(zip(self._metric_objs, self._weighted_metric_objs, strict=True)):
            if objs or weighted:
                pred = as_array(outs[i])
                mask = masks[i] if masks else None
                for m in objs:
                    m.update_state(ys[i], pred, None, mask=mask)
                for m in weighted:
                    m.update_state(ys[i], pred, sample_weight, mask=mask)

    def _update_metrics(self, ys, outs, total, per_output, n, sample_weight, masks=None):
        self._update_loss_trackers(total, per_output, n)
        self._update_compiled_metrics(ys, outs, sample_weight, masks)

    def _train_batch(self, xs, ys, sample_weight=None):
        """The built-in step on lists of arrays, which a distribution strategy runs remotely."""
        if getattr(self, "_distribute_strategy", None) is not None:
            return self._distribute_strategy._train_batch(self, xs, ys, sample_weight)
        variables = self.trainable_weights
        if not self.optimizer._vars:
            self.optimizer.build(variables)
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


def _takes_training(func) -> bool:
    """Whether a ``compute_loss`` accepts ``training=`` (Keras 3.3 and later) or ``**kwargs``.
    Cached per function: ``inspect.signature`` on every step cost 40 us, 2% of a small MLP's."""
    try:
        hash(func)
    except TypeError:  # an unhashable callable object
        return _signature_takes_training(func)
    return _cached_takes_training(func)


def _signature_takes_training(func) -> bool:
    params = inspect.signature(func).parameters
    return "training" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())


_cached_takes_training = functools.lru_cache(maxsize=256)(_signature_takes_training)
