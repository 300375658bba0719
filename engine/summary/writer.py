"""``SummaryWriter``: the friendly façade over an event file, with PyTorch's method names."""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime

from tfevents import builders
from tfevents.event_file import EventFileWriter
from tfevents.proto import event_pb2, graph_pb2


def default_logdir(comment: str = "") -> str:
    """``runs/<Mon DD_HH-MM-SS>_<host><comment>``, as PyTorch's writer picks it."""
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", f"{stamp}_{socket.gethostname()}{comment}")


def graph_def_bytes(graph) -> bytes:
    """Serialized GraphDef from a GraphDef (ours or TensorFlow's), raw bytes, or anything with
    ``as_graph_def()`` (an engine Graph, a Keras model)."""
    if isinstance(graph, (bytes, bytearray)):
        data = bytes(graph)
        graph_pb2.GraphDef.FromString(data)  # fail here, not in the board, on bad bytes
        return data
    if hasattr(graph, "as_graph_def"):
        graph = graph.as_graph_def()
    if hasattr(graph, "SerializeToString"):
        return graph.SerializeToString()
    raise TypeError(
        f"add_graph expects a GraphDef, its bytes, or an object with as_graph_def(); "
        f"got {type(graph).__name__}"
    )


class SummaryWriter:
    """Writes scalars, histograms, graphs, text and hparams to an event file in ``logdir``.

    >>> with SummaryWriter("runs/exp1") as w:
    ...     w.add_scalar("train/loss", 0.5, global_step=1)
    """

    def __init__(self, logdir: str | os.PathLike | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: float = 120,
                 filename_suffix: str = "", *, log_dir: str | os.PathLike | None = None):
        if logdir is not None and log_dir is not None:
            raise TypeError("give logdir or log_dir, not both")
        logdir = logdir if logdir is not None else log_dir
        self.logdir = os.fspath(logdir) if logdir is not None else default_logdir(comment)
        self._max_queue = max_queue
        self._flush_secs = flush_secs
        self._file = EventFileWriter(self.logdir, max_queue, flush_secs, filename_suffix)
        self._children: dict[str, SummaryWriter] = {}
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

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        """Write a ready Summary proto."""
        self._file.add_event(builders.event(summary, global_step or 0, walltime))

    def add_event(self, event: event_pb2.Event) -> None:
        self._file.add_event(event)

    def add_scalar(self, tag: str, scalar_value, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """One point of a curve. ``new_style`` writes a TF2 tensor scalar instead of the v1
        ``simple_value`` (float64 with ``double_precision``)."""
        if new_style:
            dtype = "float64" if double_precision else "float32"
            summary = builders.scalar_v2(tag, scalar_value, dtype=dtype)
        else:
            summary = builders.scalar_v1(tag, scalar_value)
        self.add_summary(summary, global_step, walltime)

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
                                      flush_secs=self._flush_secs)
                self._children[run] = child
            child.add_scalar(main_tag, value, global_step, walltime)

    def add_histogram(self, tag: str, values, global_step: int | None = None,
                      bins="tensorflow", walltime: float | None = None) -> None:
        """The distribution of ``values`` (any array). ``bins="tensorflow"`` is TensorFlow's
        exponential bucketing; an int, a list of edges or a numpy rule name bins explicitly."""
        self.add_summary(builders.histogram_v1(tag, values, bins), global_step, walltime)

    def add_text(self, tag: str, text_string, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Markdown text shown on the Text dashboard."""
        self.add_summary(builders.text(tag, text_string), global_step, walltime)

    def add_graph(self, graph, global_step: int | None = None, walltime: float | None = None) -> None:
        """The op graph: a GraphDef, its bytes, or an object with ``as_graph_def()``. A Keras
        model also writes its layer config, shown as the conceptual graph."""
        data = graph_def_bytes(graph)
        self._file.add_event(builders.event(None, global_step or 0, walltime, graph_def=data))
        to_json = getattr(graph, "to_json", None)
        if callable(to_json):
            self.add_summary(builders.keras_model_config(to_json()), 0, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict,
                    hparam_domain_discrete: dict | None = None, run_name: str | None = None,
                    global_step: int | None = None) -> None:
        """One session of the HParams dashboard: the hyperparameters and their final metrics.
        Written into this run, or into the sub-run ``run_name`` (PyTorch's layout)."""
        if not isinstance(metric_dict, dict):
            raise TypeError(f"metric_dict must be a dict, got {type(metric_dict).__name__}")
        summaries = builders.hparams(hparam_dict, list(metric_dict), hparam_domain_discrete)
        target = self if not run_name else SummaryWriter(os.path.join(self.logdir, run_name))
        try:
            for summary in summaries:
                target.add_summary(summary, global_step)
            for key, value in metric_dict.items():
                target.add_scalar(key, value, global_step)
        finally:
            if target is not self:
                target.close()

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
