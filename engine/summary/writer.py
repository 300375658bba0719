"""``SummaryWriter``: the friendly façade over an event file, with the methods, arguments and file
layout of PyTorch's ``torch.utils.tensorboard.SummaryWriter`` (and tensorboardX's extras).

The scalar, histogram, text, tensor and hparams methods live here; the others come from one
module each (``images``, ``audio``, ``pr_curves``, ``custom_scalars``, ``mesh``, ``projector``,
``graphs``), mixed in.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from datetime import datetime

import numpy as np

from engine.summary.arrays import as_numpy, warn_once
from engine.summary.audio import AudioMethods
from engine.summary.custom_scalars import CustomScalarMethods
from engine.summary.graphs import GraphMethods, graph_def_bytes
from engine.summary.images import ImageMethods
from engine.summary.mesh import MeshMethods
from engine.summary.pr_curves import PrCurveMethods
from engine.summary.projector import ProjectorMethods
from tfevents import builders, plugin_summaries
from tfevents.event_file import EventFileWriter
from tfevents.proto import event_pb2, summary_pb2
from tfevents.tensor_util import make_tensor_proto

__all__ = ["SummaryWriter", "default_logdir", "graph_def_bytes"]

# add_scalar's direct path runs per point: no attribute lookups on the way
_scalar_event_bytes = builders.scalar_v1_event_bytes
_now = time.time


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon DD_HH-MM-SS>_<host><comment>``, as PyTorch's writer picks it."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


def _scalar(value, tag: str) -> float:
    array = as_numpy(value).squeeze()
    if array.ndim != 0:
        raise TypeError(f"scalar {tag!r} must be a single number, got shape {np.shape(as_numpy(value))}")
    try:
        return float(array)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"scalar {tag!r} must be a number, got {value!r}") from exc


class _NullFile:
    """``write_to_disk=False`` (tensorboardX): events are built and checked, then dropped."""

    path = None

    def add_event(self, event) -> None:
        event.SerializeToString()

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class SummaryWriter(ImageMethods, AudioMethods, PrCurveMethods, CustomScalarMethods, MeshMethods,
                    ProjectorMethods, GraphMethods):
    """Writes scalars, histograms, images, audio, text, graphs, embeddings, PR curves, meshes and
    hparams to an event file in ``logdir``.

    >>> with SummaryWriter("runs/exp1") as w:
    ...     w.add_scalar("train/loss", 0.5, global_step=1)
    """

    def __init__(self, logdir: str | os.PathLike | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "", write_to_disk: bool = True, *,
                 log_dir: str | os.PathLike | None = None, comet_config: dict | None = None, **kwargs):
        if logdir is not None and log_dir is not None:
            raise TypeError("give logdir or log_dir, not both")
        if comet_config and not comet_config.get("disabled", True):
            warn_once("writer:comet", "SummaryWriter: comet_config is not supported; nothing is sent "
                      "to Comet")
        if kwargs:
            warn_once(f"writer:{sorted(kwargs)}",
                      f"SummaryWriter: ignoring unknown arguments {sorted(kwargs)}")
        logdir = logdir if logdir is not None else log_dir
        self.logdir = os.fspath(logdir) if logdir else default_logdir(comment)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._filename_suffix = filename_suffix
        self._write_to_disk = write_to_disk
        self._file = (EventFileWriter(self.logdir, max_queue, flush_secs, filename_suffix) if write_to_disk
                      else _NullFile())
        self._children: dict[str, SummaryWriter] = {}
        self._defaults: dict = {}
        self.scalar_dict: dict[str, list] = {}
        if purge_step is not None:
            # A restarted job: readers drop what this run logged at steps >= purge_step.
            self._file.add_event(event_pb2.Event(
                wall_time=time.time(), step=int(purge_step),
                session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START)))

    @property
    def log_dir(self) -> str:
        return self.logdir

    def get_logdir(self) -> str:
        return self.logdir

    @property
    def path(self) -> str:
        """The event file being written."""
        return self._file.path

    def add_event(self, event: event_pb2.Event, step: int | None = None,
                  walltime: float | None = None) -> None:
        """Write an Event; ``step`` and ``walltime`` override its own when given."""
        if walltime is None:
            walltime = self._defaults.get("walltime")
        if walltime is not None:
            event.wall_time = walltime
        step = self._defaults.get("global_step") if step is None else step
        if step is not None:
            event.step = int(step)
        self._file.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        """Write a ready Summary proto."""
        if global_step is None:
            global_step = self._defaults.get("global_step")
        if walltime is None:
            walltime = self._defaults.get("walltime")
        self._file.add_event(builders.event(summary, global_step or 0, walltime))

    @contextlib.contextmanager
    def use_metadata(self, *, global_step: int | None = None, walltime: float | None = None):
        """Default ``global_step`` and ``walltime`` for every ``add_*`` call inside (tensorboardX)."""
        saved = self._defaults
        self._defaults = {k: v for k, v in (("global_step", global_step), ("walltime", walltime))
                          if v is not None}
        try:
            yield self
        finally:
            self._defaults = saved

    def add_scalar(self, tag: str, scalar_value, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False, display_name: str = "",
                   summary_description: str = "") -> None:
        """One point of a curve. ``new_style`` writes a tensor scalar under the ``scalars`` plugin
        instead of the v1 ``simple_value`` (float64 with ``double_precision``); ``display_name``
        and ``summary_description`` go in the value's metadata (tensorboardX)."""
        if not (new_style or display_name or summary_description) and self._write_to_disk:
            if self._defaults:
                if global_step is None:
                    global_step = self._defaults.get("global_step")
                if walltime is None:
                    walltime = self._defaults.get("walltime")
            data = _scalar_event_bytes(tag, scalar_value, global_step or 0,
                                       _now() if walltime is None else walltime)
            if data is not None:  # a plain number: the Event's bytes directly, no protos built
                self._file.add_serialized(data)
                return
        number = _scalar(scalar_value, tag)
        if new_style:
            dtype = np.float64 if double_precision else np.float32
            value = summary_pb2.Summary.Value(tag=tag, tensor=make_tensor_proto(np.asarray(number, dtype)),
                                              metadata=builders.plugin_metadata(builders.SCALARS_PLUGIN))
        else:
            value = summary_pb2.Summary.Value(tag=tag, simple_value=number)
        if display_name or summary_description:
            value.metadata.display_name = display_name or ""
            value.metadata.summary_description = summary_description or ""
        self.add_summary(summary_pb2.Summary(value=[value]), global_step, walltime)

    def _remember(self, key: str, value: float, step, walltime) -> None:
        self.scalar_dict.setdefault(key, []).append(
            [time.time() if walltime is None else walltime, step, value])

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Several curves on one chart: each key becomes the run ``<logdir>/<main_tag>_<key>``
        with tag ``main_tag``, as PyTorch lays it out."""
        walltime = time.time() if walltime is None else walltime
        for key, value in tag_scalar_dict.items():
            run = f"{main_tag.replace('/', '_')}_{key}"
            child = self._children.get(run)
            if child is None:
                child = SummaryWriter(os.path.join(self.logdir, run), max_queue=self._max_queue,
                                      flush_secs=self._flush_secs, filename_suffix=self._filename_suffix,
                                      write_to_disk=self._write_to_disk)
                self._children[run] = child
            child.add_scalar(main_tag, value, global_step, walltime)
            self._remember(f"{self.logdir}/{run}", _scalar(value, main_tag), global_step, walltime)

    def export_scalars_to_json(self, path: str | os.PathLike) -> None:
        """The ``add_scalars`` points so far as ``{child run dir: [[wall_time, step, value], ...]}``
        (tensorboardX's method; like it, ``add_scalar`` points are not kept); the record starts
        afresh after."""
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.scalar_dict, f)
        self.scalar_dict = {}

    def add_tensor(self, tag: str, tensor, global_step: int | None = None,
                   walltime: float | None = None) -> None:
        """A whole tensor, under the ``tensor`` plugin."""
        self.add_summary(plugin_summaries.tensor(tag, as_numpy(tensor)), global_step, walltime)

    def add_histogram(self, tag: str, values, global_step: int | None = None,
                      bins="tensorflow", walltime: float | None = None, max_bins: int | None = None) -> None:
        """The distribution of ``values``, binned as PyTorch does: ``bins="tensorflow"`` is the
        exponential ladder +-1e-12 * 1.1**k; else what ``np.histogram`` takes (a count, edges,
        "auto", "fd"...). ``max_bins`` merges neighbouring bins down to at most that many.
        NaN and infinities are left out with a warning (PyTorch fails on them)."""
        array = builders._histogram_values(tag, as_numpy(values))
        if array.size == 0:
            self.add_summary(builders.histogram_v1(tag, array), global_step, walltime)
            return
        if isinstance(bins, str) and bins == "tensorflow":
            bins = plugin_summaries.default_torch_bins()
        self.add_summary(plugin_summaries.histogram(tag, array, bins, max_bins), global_step, walltime)

    def add_histogram_raw(self, tag: str, min, max, num, sum, sum_squares, bucket_limits,  # noqa: A002
                          bucket_counts, global_step: int | None = None,
                          walltime: float | None = None) -> None:
        """A histogram from statistics computed elsewhere: each bucket limit is its right edge."""
        summary = plugin_summaries.histogram_raw(tag, min, max, num, sum, sum_squares,
                                                 as_numpy(bucket_limits), as_numpy(bucket_counts))
        self.add_summary(summary, global_step, walltime)

    def add_text(self, tag: str, text_string, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Markdown text on the Text dashboard, under the tag ``<tag>/text_summary`` (as PyTorch);
        a 2-D list of strings is shown as a table."""
        self.add_summary(plugin_summaries.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None,
                    run_name: str | None = None, global_step: int | None = None, *,
                    name: str | None = None) -> None:
        """One session of the HParams dashboard, written as PyTorch does: into a sub-run
        ``<logdir>/<run_name>`` (a ``time.time()`` stamp by default) holding the hparams summaries
        and each metric as a scalar. ``name`` is tensorboardX's spelling of ``run_name``."""
        if isinstance(hparam_domain_discrete, str):  # tensorboardX's third argument is the name
            hparam_domain_discrete, run_name = None, run_name or hparam_domain_discrete
        run_name = run_name or name or str(time.time())
        summaries = plugin_summaries.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        with SummaryWriter(os.path.join(self.logdir, run_name), write_to_disk=self._write_to_disk) as target:
            for summary in summaries:
                target.add_summary(summary, global_step)
            for key, value in metric_dict.items():
                target.add_scalar(key, value, global_step)

    def flush(self) -> None:
        """Write everything added so far to disk."""
        self._file.flush()
        for child in self._children.values():
            child.flush()

    def close(self) -> None:
        """Flush and close. Closing twice is harmless."""
        for child in self._children.values():
            child.close()
        self._file.close()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
