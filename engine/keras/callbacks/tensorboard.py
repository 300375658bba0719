"""``keras.callbacks.TensorBoard``: what Keras's callback writes, where it writes it.

* runs ``log_dir/train`` and ``log_dir/validation``;
* ``epoch_loss``, ``epoch_accuracy``, ... at step = epoch (validation values, without their
  ``val_`` prefix, in the validation run), and ``epoch_learning_rate``;
* with an integer ``update_freq``, ``batch_loss``, ``batch_accuracy``, ... every that many
  batches at step = the global batch count;
* with ``histogram_freq``, one histogram per weight (``dense/kernel_0``, tf.keras's tag) every
  that many epochs;
* after each validation pass, ``evaluation_loss_vs_iterations``, ... (validation run) at step =
  the optimizer's iterations; with ``write_steps_per_second``, ``epoch_steps_per_second``;
* with ``write_graph``, the model graph (layers as name scopes) and its Keras config;
* with ``write_output_histograms`` (ours, as the seed suggests), a histogram of each output
  layer's activations on the validation data (``<layer>/activations``, validation run).
"""

from __future__ import annotations

import os
import warnings

from engine.keras.callbacks.callback import Callback


class TensorBoard(Callback):
    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None, write_output_histograms=False, **kwargs):
        super().__init__()
        if update_freq not in ("epoch", "batch") and not isinstance(update_freq, int):
            raise ValueError(f"update_freq must be 'epoch', 'batch' or an integer, got {update_freq!r}")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = int(histogram_freq or 0)
        self.write_graph = write_graph
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.write_output_histograms = write_output_histograms
        self.write_steps_per_second = write_steps_per_second
        self._writers = {}
        self._epoch_start = None
        self._epoch_steps = 0
        self._global_step = 0

    def _writer(self, run):
        from engine.summary import SummaryWriter

        w = self._writers.get(run)
        if w is None:
            w = self._writers[run] = SummaryWriter(os.path.join(self.log_dir, run))
        return w

    def on_train_begin(self, logs=None):
        self._global_step = 0
        train = self._writer("train")
        if self.write_graph:
            try:
                train.add_graph(self.model)
            except (ValueError, TypeError, NotImplementedError) as e:
                # A config that cannot be written (a custom activation, say) still leaves the op graph.
                warnings.warn(f"TensorBoard: the model's Keras config cannot be written ({e}); "
                              "logging the op graph only", stacklevel=2)
                train.add_graph(self.model.as_graph_def())
            train.flush()

    def on_epoch_begin(self, epoch, logs=None):
        import time

        self._epoch_start, self._epoch_steps = time.perf_counter(), 0

    def on_test_end(self, logs=None):
        opt = getattr(self.model, "optimizer", None)
        if opt is None or not logs:
            return
        w = self._writer("validation")
        for k, v in logs.items():
            w.add_scalar(f"evaluation_{k}_vs_iterations", float(v), int(opt.iterations))

    def on_train_batch_end(self, batch, logs=None):
        self._epoch_steps += 1
        self._global_step += 1
        if isinstance(self.update_freq, int) and self._global_step % self.update_freq == 0:
            w = self._writer("train")
            for k, v in (logs or {}).items():
                w.add_scalar(f"batch_{k}", float(v), self._global_step)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train, val = self._writer("train"), None
        for k, v in logs.items():
            if k.startswith("val_"):
                val = val or self._writer("validation")
                val.add_scalar(f"epoch_{k[4:]}", float(v), epoch)
            elif k not in ("lr",):
                train.add_scalar(f"epoch_{k}", float(v), epoch)
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            train.add_scalar("epoch_learning_rate", float(opt._current_lr()), epoch)
        if self.write_steps_per_second and self._epoch_start is not None:
            import time

            rate = self._epoch_steps / max(time.perf_counter() - self._epoch_start, 1e-9)
            train.add_scalar("epoch_steps_per_second", rate, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for layer in self.model.layers:
                for w in layer.weights:
                    train.add_histogram(w.name.replace(":", "_"), w._value, epoch)
        if self.write_output_histograms:
            data = getattr(self.model, "_fit_validation_data", None)
            if data is not None:
                outs = self.model.predict(data[0] if len(data[0]) > 1 else data[0][0], verbose=0)
                outs = outs if isinstance(outs, list) else [outs]
                val = val or self._writer("validation")
                for name, out in zip(self.model._output_names(), outs, strict=False):
                    val.add_histogram(f"{name}/activations", out, epoch)
        for w in self._writers.values():
            w.flush()

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}
