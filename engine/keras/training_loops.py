"""``fit``/``evaluate``/``predict`` and ``train_on_batch``/``test_on_batch``/``predict_on_batch``:
they cut the arrays into batches and hand each, packed as Keras packs it (``x``, ``(x, y)`` or
``(x, y, sample_weight)``), to ``train_step``/``test_step``/``predict_step``; what a step returns
(a dict of metric results, tensors or numbers, dicts inside flattened) is the batch's logs."""

from __future__ import annotations

import numpy as np

from engine.framework.tensor import Tensor, eager
from engine.keras import backend
from engine.keras.data_adapter import (  # noqa: F401 - the packing helpers are imported from here too
    ArrayBatches,
    IterableBatches,
    class_weight_array,
    is_iterable_input,
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)


def as_array(x):
    if isinstance(x, Tensor):
        return x.numpy()
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "_value"):  # a KerasVariable
        return np.asarray(x._value)
    return np.asarray(x)


def _float_input(arr):
    if arr.dtype == np.float64 and backend.floatx() != "float64":
        return arr.astype(backend.floatx())
    return arr


def _pythonify(logs) -> dict:
    out = {}
    for k, v in (logs or {}).items():
        if isinstance(v, dict):
            out.update(_pythonify(v))
            continue
        arr = np.asarray(as_array(v))
        out[k] = float(arr) if arr.ndim == 0 else arr
    return out


def _in_order(logs, names):
    """Keras's ``flatten_metrics_in_order``: the results in ``metrics_names`` order, then the rest
    by name; a single value alone."""
    values = [logs[n] for n in names if n in logs]
    values += [logs[k] for k in sorted(logs) if k not in names]
    return values[0] if len(values) == 1 else values


def _tensors(arrays, many):
    ts = [eager(a) for a in arrays]
    return ts if many else ts[0]


class LoopsMixin:
    """The public loops of ``Model`` (``TrainingMixin`` holds the steps)."""

    # -- data ------------------------------------------------------------------------------------
    def _standardize(self, data, names, what):
        if data is None:
            return None
        if isinstance(data, dict):
            missing = [n for n in names if n not in data]
            if missing:
                raise ValueError(f"{what} dict has no entries for {missing}; expected keys {names}")
            return [as_array(data[n]) for n in names]
        if isinstance(data, (list, tuple)) and len(names) > 1:
            if len(data) != len(names):
                raise ValueError(f"the model has {len(names)} {what}s {names}, got {len(data)} arrays")
            return [as_array(d) for d in data]
        return [as_array(data)]

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

    def _batch(self, xs, ys, sw, idx):
        """One batch, packed for a step: eager tensors in the model's input/output structure."""
        x = _tensors([a[idx] for a in xs], len(xs) > 1)
        y = None if ys is None else _tensors([a[idx] for a in ys], len(ys) > 1)
        w = None if sw is None else eager(np.asarray(sw[idx]))
        return pack_x_y_sample_weight(x, y, w)

    def _arrays(self, x, y):
        """fit's and evaluate's inputs and targets as lists of arrays (``x`` may be ``(x, y)``)."""
        self._check_compiled()
        if y is None and isinstance(x, tuple) and len(x) == 2:
            x, y = x
        xs = self._x_list(x)
        self._resolve_compile()
        return xs, self._y_list(y)

    def _check_compiled(self):
        if not self._compiled:
            raise RuntimeError("you must compile the model before training or evaluating it: "
                               "model.compile(optimizer=..., loss=...)")

    # -- fit -------------------------------------------------------------------------------------
    def _train_batches(self, x, y, sample_weight, batch_size, shuffle, class_weight, steps_per_epoch,
                       validation_split):
        """The training batches and the validation split's arrays (None without a split)."""
        if is_iterable_input(x):
            if validation_split:
                raise ValueError("Argument `validation_split` is only supported for tensors or NumPy arrays."
                                 f"Found incompatible type in the input: {[type(x)]}")
            self._check_compiled()
            self._resolve_compile()
            return IterableBatches(self, x, y, sample_weight, steps_per_epoch, class_weight, shuffle), None
        xs, ys = self._arrays(x, y)
        sw = None if sample_weight is None else np.asarray(sample_weight)
        n = len(xs[0])
        for a in xs + (ys or []):
            if len(a) != n:
                raise ValueError(f"all inputs and targets must have the same number of samples; got "
                                 f"{[len(b) for b in xs]} inputs and {[len(b) for b in ys]} targets")
        if class_weight is not None and ys is not None:
            cw = class_weight_array(ys[0], class_weight)
            sw = cw if sw is None else sw * cw
        val = None
        if validation_split:
            split = int(n * (1.0 - validation_split))
            val = ([a[split:] for a in xs], None if ys is None else [a[split:] for a in ys],
                   None if sw is None else sw[split:])
            xs, ys = [a[:split] for a in xs], None if ys is None else [a[:split] for a in ys]
            sw = None if sw is None else sw[:split]
        return ArrayBatches(self, xs, ys, sw, batch_size, shuffle, steps_per_epoch), val

    def _validation_batches(self, validation_data, split, batch_size, validation_steps):
        if validation_data is None:
            if split is None:
                return None, None
            return ArrayBatches(self, *split, batch_size, False, None), split
        if is_iterable_input(validation_data):
            return IterableBatches(self, validation_data, steps_per_epoch=validation_steps), None
        vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
        val = (self._x_list(vx), self._y_list(vy), None if vsw is None else np.asarray(vsw))
        return ArrayBatches(self, *val, batch_size, False, None), val

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **kwargs):
        from engine.keras import callbacks as cbks

        batch_size = batch_size or 32
        train, split = self._train_batches(x, y, sample_weight, batch_size, shuffle, class_weight,
                                           steps_per_epoch, validation_split)
        val_batches, val = self._validation_batches(validation_data, split,
                                                    validation_batch_size or batch_size, validation_steps)
        verbose = 1 if verbose == "auto" else verbose
        callback_list = cbks.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0,
                                          model=self, verbose=verbose, epochs=epochs, steps=train.num_batches)
        self.stop_training = False
        self._fit_validation_data = val
        callback_list.on_train_begin()
        epoch_logs = {}
        logs = {}
        # BackupAndRestore's on_train_begin names the epoch a resumed fit starts at
        initial_epoch, self._initial_epoch = getattr(self, "_initial_epoch", None) or initial_epoch, None
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step, batch in train.epoch():
                callback_list.on_train_batch_begin(step)
                logs = _pythonify(self.train_step(batch))
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if getattr(self, "_distribute_strategy", None) is not None:
                self._distribute_strategy._sync(self)  # steps in flight land before the epoch's callbacks
                logs = self._logs()
            epoch_logs = dict(logs)
            if val_batches is not None and (epoch + 1) % validation_freq == 0:
                callback_list.on_test_begin()
                val_logs = self._evaluate_batches(val_batches, callback_list)
                callback_list.on_test_end(val_logs)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end(epoch_logs)
        return self.history

    # -- evaluate --------------------------------------------------------------------------------
    def _evaluate_batches(self, batches, callback_list=None):
        if hasattr(batches, "reset"):
            batches.reset()
        self.reset_metrics()
        logs = {}
        for step, batch in batches.epoch():
            if callback_list is not None:
                callback_list.on_test_batch_begin(step)
            logs = _pythonify(self.test_step(batch))
            if callback_list is not None:
                callback_list.on_test_batch_end(step, logs)
        return logs

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False, **kwargs):
        from engine.keras import callbacks as cbks

        batch_size = batch_size or 32
        if is_iterable_input(x):
            self._check_compiled()
            self._resolve_compile()
            batches = IterableBatches(self, x, y, sample_weight, steps)
        else:
            xs, ys = self._arrays(x, y)
            sw = None if sample_weight is None else np.asarray(sample_weight)
            batches = ArrayBatches(self, xs, ys, sw, batch_size, False, None)
        verbose = 1 if verbose == "auto" else verbose
        callback_list = cbks.CallbackList(callbacks, add_progbar=verbose != 0, model=self,
                                          verbose=verbose, epochs=1, steps=batches.num_batches, mode="test")
        callback_list.on_test_begin()
        logs = self._evaluate_batches(batches, callback_list)
        callback_list.on_test_end(logs)
        return logs if return_dict else _in_order(logs, self.metrics_names)

    # -- predict ---------------------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        batch_size = batch_size or 32
        if is_iterable_input(x):
            batches = IterableBatches(self, x, steps_per_epoch=steps, for_predict=True)
        else:
            xs = self._x_list(x)
            if (getattr(self, "_distribute_strategy", None) is not None
                    and getattr(type(self).predict_step, "_builtin", False)):
                return self._distribute_strategy._predict(self, xs, batch_size)
            batches = ArrayBatches(self, xs, None, None, batch_size, False, None)
            if steps is not None:
                batches.num_batches = min(steps, batches.num_batches)
        from engine.keras import callbacks as cbks

        # Keras: verbose "auto" is a progress bar; every callback sees each batch's outputs
        verbose = 1 if verbose == "auto" else verbose
        callback_list = cbks.CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                          epochs=1, steps=batches.num_batches, mode="predict")
        callback_list.on_predict_begin({})
        chunks, structure = None, None
        for step, batch in batches.epoch():
            callback_list.on_predict_batch_begin(step)
            out = self.predict_step(batch)
            structure, flat = _structure(out)
            if chunks is None:
                chunks = [[] for _ in flat]
            for c, o in zip(chunks, flat, strict=False):
                c.append(as_array(o))
            batch_outputs = _rebuild(structure, [c[-1] for c in chunks])
            callback_list.on_predict_batch_end(step, {"outputs": batch_outputs})
        callback_list.on_predict_end({})
        if chunks is None:
            return np.zeros((0,))
        return _rebuild(structure, [np.concatenate(c) for c in chunks])

    def predict_on_batch(self, x):
        xs = self._x_list(x)
        structure, flat = _structure(self.predict_step(self._batch(xs, None, None, slice(None))))
        return _rebuild(structure, [as_array(o) for o in flat])

    # -- one batch -------------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        return self._on_batch(self.train_step, x, y, sample_weight, reset_metrics, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        return self._on_batch(self.test_step, x, y, sample_weight, reset_metrics, return_dict)

    def _on_batch(self, step, x, y, sample_weight, reset_metrics, return_dict):
        self._check_compiled()
        xs = self._x_list(x)
        self._resolve_compile()
        ys = self._y_list(y)
        if reset_metrics:
            self.reset_metrics()
        sw = None if sample_weight is None else np.asarray(sample_weight)
        logs = _pythonify(step(self._batch(xs, ys, sw, slice(None))))
        return logs if return_dict else _in_order(logs, self.metrics_names)


def _structure(out):
    if isinstance(out, dict):
        return ("dict", list(out)), list(out.values())
    if isinstance(out, (list, tuple)):
        return ("list", len(out)), list(out)
    return None, [out]


def _rebuild(structure, arrays):
    if structure is None:
        return arrays[0]
    if structure[0] == "dict":
        return dict(zip(structure[1], arrays, strict=False))
    return arrays
