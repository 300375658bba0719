"""SummaryWriter's behaviour on disk: naming, first record, background writing, closing."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import engine
from engine.summary import EventFileReader, SummaryWriter, WriterClosedError
from tests.summary.runs import read_run
from tfevents.proto import event_pb2

NAME = re.compile(r"^events\.out\.tfevents\.\d{10}\.[^.]+(\.[^.]+)*\.\d+\.\d+(\.v2)?$")


def _events(path):
    return list(EventFileReader(path).read())


def _wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_file_name_and_first_record(tmp_path):
    with SummaryWriter(tmp_path, filename_suffix=".mine") as w:
        w.add_scalar("a", 1.0, 0)
    (path,) = tmp_path.iterdir()
    name = path.name
    assert name.startswith("events.out.tfevents.") and name.endswith(".mine")
    assert NAME.match(name[: -len(".mine")]), name
    assert f".{os.getpid()}." in name
    first, second = _events(path)
    assert first.file_version == "brain.Event:2" and first.wall_time > 0
    assert second.summary.value[0].simple_value == 1.0


def test_two_writers_in_one_second_do_not_collide(tmp_path):
    writers = [SummaryWriter(tmp_path) for _ in range(3)]
    for w in writers:
        w.close()
    assert len(list(tmp_path.iterdir())) == 3


def test_files_of_one_second_sort_in_the_order_they_were_made(monkeypatch):
    """Readers take a run's files in name order: the tenth file of a second must sort after the
    ninth (an unpadded counter put ``.10`` before ``.9``), as TensorBoard's reader sees it."""
    import itertools

    from tfevents import event_file

    monkeypatch.setattr(event_file.time, "time", lambda: 1_700_000_000.5)
    monkeypatch.setattr(event_file, "_file_counter", itertools.count(8))
    names = [event_file.event_file_name(".v2") for _ in range(4)]
    assert sorted(names) == names and all(NAME.match(n) for n in names)


def test_background_thread_writes_after_flush_secs(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=1000, flush_secs=0.2)
    w.add_scalar("loss", 0.5, 1)
    assert _wait_for(lambda: len(_events(w.path)) == 2), "not written within flush_secs"
    w.close()


def test_max_queue_triggers_a_write(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=3, flush_secs=3600)
    for step in range(5):
        w.add_scalar("loss", step, step)
    # The file version plus at least the first full queue reach the file without a flush.
    assert _wait_for(lambda: len(_events(w.path)) >= 3)
    w.flush()
    assert len(_events(w.path)) == 6
    w.close()


def test_close_twice_and_add_after_close(tmp_path):
    w = SummaryWriter(tmp_path)
    w.add_scalar("a", 1, 0)
    w.close()
    w.close()
    w.flush()
    with pytest.raises(WriterClosedError):
        w.add_scalar("a", 2, 1)
    assert len(_events(w.path)) == 2


def _run_python(code: str, **kwargs):
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], env=env, **kwargs)


def test_flushes_at_interpreter_exit(tmp_path):
    proc = _run_python(f"""
        from engine.summary import SummaryWriter
        w = SummaryWriter({str(tmp_path)!r}, max_queue=10_000, flush_secs=3600)
        for i in range(500):
            w.add_scalar("loss", i, i)
        # no close(): the atexit hook must flush
    """)
    assert proc.wait(timeout=60) == 0
    (path,) = tmp_path.iterdir()
    assert len(_events(path)) == 501


def test_sigkill_keeps_everything_flushed(tmp_path):
    proc = _run_python(f"""
        import sys, time
        from engine.summary import SummaryWriter
        w = SummaryWriter({str(tmp_path)!r}, max_queue=10_000, flush_secs=3600)
        for i in range(100):
            w.add_scalar("loss", i, i)
        w.flush()
        for i in range(100, 200):
            w.add_scalar("loss", i, i)
        print("ready", flush=True)
        time.sleep(60)
    """, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    (path,) = tmp_path.iterdir()
    reader = EventFileReader(path)
    steps = [e.step for e in reader.read() if e.HasField("summary")]
    assert steps[:100] == list(range(100))
    assert reader.status.stopped is None and reader.status.skipped == 0


def test_purge_step_writes_a_restart_marker(tmp_path):
    with SummaryWriter(tmp_path, purge_step=42) as w:
        w.add_scalar("a", 1.0, 42)
    events = _events(next(tmp_path.iterdir()))
    assert events[1].session_log.status == event_pb2.SessionLog.START and events[1].step == 42


def test_add_scalars_writes_one_run_per_series(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(3):
            w.add_scalars("loss", {"train": step, "val": 2 * step}, step)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["loss_train", "loss_val"]
    assert read_run(tmp_path / "loss_val").scalars["loss"] == [(0, 0.0), (1, 2.0), (2, 4.0)]


def test_hparams_into_a_sub_run(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.01}, {"hparam/loss": 2.0}, run_name="hparams")
    run = read_run(tmp_path / "hparams")
    assert run.hparams["session_start_info"]["hparams"] == {"lr": 0.01}
    assert run.scalars["hparam/loss"] == [(0, 2.0)]


def test_histogram_of_nonfinite_values_warns_and_keeps_the_rest(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.warns(RuntimeWarning, match="2 NaN or infinite"):
        w.add_histogram("w", np.array([1.0, np.nan, 2.0, np.inf]), 0)
    (h,) = read_run(tmp_path).histograms["w"]
    assert (h.min, h.max, h.num) == (1.0, 2.0, 2.0)


def test_bad_values_give_clear_errors(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(TypeError, match="scalar 'loss' must be a single number"):
            w.add_scalar("loss", [1.0, 2.0], 0)
        with pytest.raises(TypeError, match="add_graph expects a GraphDef"):
            w.add_graph(object())
        with pytest.raises(TypeError, match="hyperparameter 'f' must be"):
            w.add_hparams({"f": object()}, {})
    with pytest.raises(ValueError, match="max_queue"):
        SummaryWriter(tmp_path, max_queue=0)


def test_tf2_step_resolution(tmp_path):
    writer = engine.summary.create_file_writer(tmp_path)
    with writer.as_default(step=5):
        engine.summary.scalar("a", 1.0)
        engine.summary.scalar("a", 2.0, step=6)
    with writer.as_default():
        with pytest.raises(ValueError, match="no step"):
            engine.summary.scalar("a", 3.0)
        engine.summary.experimental.set_step(9)
        engine.summary.scalar("a", 4.0)
        engine.summary.experimental.set_step(None)
    writer.close()
    assert read_run(tmp_path).scalars["a"] == [(5, 1.0), (6, 2.0), (9, 4.0)]


class _FullDisk:
    """Wraps the writer's file: the next ``failures`` writes put a few bytes down, then fail
    with ENOSPC, as a filling disk does."""

    def __init__(self, real, failures: int):
        self.real, self.failures = real, failures

    def write(self, data):
        if self.failures:
            self.failures -= 1
            self.real.write(bytes(data[:5]))  # a partial record reaches the disk
            raise OSError(28, "No space left on device")
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_disk_full_loses_nothing_and_leaves_no_half_record(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=1000, flush_secs=3600)
    w.flush()
    w._file._file = _FullDisk(w._file._file, failures=1)
    for step in range(10):
        w.add_scalar("loss", step, step)
    with pytest.raises(OSError, match="No space left"):
        w.flush()
    # The disk has room again: the same records go out, once, framed intact.
    w.flush()
    w.close()
    reader = EventFileReader(w.path)
    steps = [e.step for e in reader.read() if e.HasField("summary")]
    assert steps == list(range(10))
    assert (reader.status.skipped, reader.status.stopped, reader.status.pending_bytes) == (0, None, 0)
