"""``keras.callbacks.TensorBoard``: what tf.keras's (tf_keras 2) callback writes, where it writes it,
through ``tf.summary`` (v2 tensor summaries in ``events...v2`` files):

* runs ``log_dir/train`` and ``log_dir/validation``;
* ``epoch_loss``, ``epoch_accuracy``, ... at step = epoch (validation values, without their
  ``val_`` prefix, in the validation run), and ``epoch_learning_rate`` (Keras 3 writes it; tf_keras
  only for a schedule);
* with ``update_freq`` ``"batch"`` or an integer n, ``batch_loss``, ``batch_accuracy``, ... when
  the optimizer's step count is a multiple of n, at that step;
* with ``write_steps_per_second``, ``epoch_steps_per_second`` and, with batch updates,
  ``batch_steps_per_second``;
* with ``histogram_freq``, every that many epochs, one histogram per weight tagged as tf_keras
  tags it (``dense/kernel_0/histogram``: the weight's name, ``:`` made ``_``) and, with
  ``write_images``, the weight as an image (``dense/kernel_0/image``: a bias a 1 x n row, a
  kernel h x w with the longer side across, conv kernels one image per output channel);
* after each validation pass, ``evaluation_loss_vs_iterations``, ... (validation run) at step =
  the optimizer's iterations;
* with ``write_graph``, the model graph (layers as name scopes) and its Keras config;
* with ``profile_batch``, the model graph as the trace ``batch_<stop>`` of the graphs dashboard
  (there is no profiler: a warning says so once);
* ``embeddings_freq`` (the projector) is not supported: a warning says so once;
* with ``write_output_histograms`` (ours, as the seed suggests), a histogram of each output
  layer's activations on the validation data (``<layer>/activations``, validation run).
"""

from __future__ import annotations

import os
import time
import warnings

import numpy as np

from engine.keras.callbacks.callback import Callback, learning_rate_value


def _profile_range(profile_batch) -> tuple[int, int]:
    message = ("profile_batch must be a non-negative integer or 2-tuple of positive integers. A pair "
               f"of positive integers signifies a range of batches to profile. Found: {profile_batch}")
    if isinstance(profile_batch, str):
        try:
            profile_batch = [int(p) for p in profile_batch.split(",")]
        except ValueError:
            raise ValueError(message) from None
    if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
        start = stop = profile_batch
    elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
        start, stop = (int(p) for p in profile_batch)
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    return start, stop


def weight_image(value) -> np.ndarray | None:
    """A weight as tf_keras shows it, [k, h, w, 1]; None for shapes it does not show."""
    w = np.squeeze(np.asarray(value))
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:  # channels_last conv kernel: one image per output channel
        w = np.transpose(w, (2, 0, 1))
        w = w.reshape(w.shape[0], w.shape[1], w.shape[2], 1)
    return w if w.ndim == 4 and w.shape[-1] in (1, 3, 4) else None


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
        self.write_images = bool(write_images)
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.write_output_histograms = write_output_histograms
        self.write_steps_per_second = write_steps_per_second
        self._start_batch, self._stop_batch = _profile_range(profile_batch)
        self.embeddings_freq = int(embeddings_freq or 0)
        self.embeddings_metadata = embeddings_metadata
        if self.embeddings_freq:
            warnings.warn("TensorBoard(embeddings_freq=...): the embedding projector is not supported by "
                          "this engine; no embeddings are written", stacklevel=2)
        self._writers = {}
        self._epoch_start = None
        self._epoch_steps = 0
        self._global_step = 0
        self._batch_start = None
        self._warned_profile = False

    def _writer(self, run):
        from engine import summary

        w = self._writers.get(run)
        if w is None:
            w = self._writers[run] = summary.create_file_writer(os.path.join(self.log_dir, run))
        return w

    def on_train_begin(self, logs=None):
        self._global_step = 0
        if self.write_graph:
            self._write_graph()

    def _write_graph(self):
        from engine.summary import tf2
        from tfevents import builders

        train = self._writer("train")
        try:  # first the Keras config, then the op graph, in tf_keras's order
            config = self.model.to_json()
        except (ValueError, TypeError, NotImplementedError) as e:
            # A config that cannot be written (a custom activation, say) still leaves the op graph.
            warnings.warn(f"TensorBoard: the model's Keras config cannot be written ({e}); "
                          "logging the op graph only", stacklevel=3)
        else:
            train.write_event(builders.event(builders.keras_model_config(config), 0))
        train.write_event(builders.event(None, 0, graph_def=self.model.as_graph_def().SerializeToString()))
        tf2.flush(train)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start, self._epoch_steps = time.perf_counter(), 0

    def on_test_end(self, logs=None):
        from engine import summary

        opt = getattr(self.model, "optimizer", None)
        if opt is None or not logs:
            return
        with self._writer("validation").as_default():
            for k, v in logs.items():
                summary.scalar(f"evaluation_{k}_vs_iterations", float(v), step=int(opt.iterations))

    def on_train_batch_begin(self, batch, logs=None):
        self._batch_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        from engine import summary

        self._epoch_steps += 1
        self._global_step += 1
        step = self._global_step
        if isinstance(self.update_freq, int) and step % self.update_freq == 0:
            with self._writer("train").as_default(step=step):
                if self.write_steps_per_second and self._batch_start is not None:
                    took = max(time.perf_counter() - self._batch_start, 1e-9)
                    summary.scalar("batch_steps_per_second", 1.0 / took)
                for k, v in (logs or {}).items():
                    summary.scalar(f"batch_{k}", float(v))
        if self._stop_batch and step == self._stop_batch:
            self._export_profile_graph()

    def _export_profile_graph(self):
        from engine.summary import trace

        if not self._warned_profile:
            self._warned_profile = True
            warnings.warn("TensorBoard(profile_batch=...): this engine has no profiler (fit runs "
                          "eagerly); the model graph is written as the trace "
                          f"'batch_{self._stop_batch}' of the graphs dashboard instead", stacklevel=3)
        with self._writer("train").as_default():
            trace.export_graphs(f"batch_{self._stop_batch}", [self.model.as_graph_def()], self._stop_batch)

    def on_epoch_end(self, epoch, logs=None):
        from engine import summary

        logs = logs or {}
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_") and k != "lr"}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        opt = getattr(self.model, "optimizer", None)
        if opt is not None:
            train_logs["learning_rate"] = learning_rate_value(opt)
        if self.write_steps_per_second and self._epoch_start is not None:
            train_logs["steps_per_second"] = self._epoch_steps / max(time.perf_counter() - self._epoch_start,
                                                                     1e-9)
        with self._writer("train").as_default(step=epoch):
            for k, v in train_logs.items():
                summary.scalar(f"epoch_{k}", float(v))
            if self.histogram_freq and epoch % self.histogram_freq == 0:
                self._log_weights()
        if val_logs or self.write_output_histograms:
            with self._writer("validation").as_default(step=epoch):
                for k, v in val_logs.items():
                    summary.scalar(f"epoch_{k}", float(v))
                if self.write_output_histograms:
                    self._log_outputs()
        for w in self._writers.values():
            w.flush()

    def _log_weights(self):
        from engine import summary

        for layer in self.model.layers:
            for w in layer.weights:
                name = w.name.replace(":", "_")
                summary.histogram(f"{name}/histogram", w._value)
                if self.write_images:
                    image = weight_image(w._value)
                    if image is not None:
                        summary.image(f"{name}/image", image)

    def _log_outputs(self):
        from engine import summary

        data = getattr(self.model, "_fit_validation_data", None)
        if data is None:
            return
        outs = self.model.predict(data[0] if len(data[0]) > 1 else data[0][0], verbose=0)
        outs = outs if isinstance(outs, list) else [outs]
        for name, out in zip(self.model._output_names(), outs, strict=False):
            summary.histogram(f"{name}/activations", out)

    def on_train_end(self, logs=None):
        for w in self._writers.values():
            w.close()
        self._writers = {}
