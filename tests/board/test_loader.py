"""Discovery and incremental loading: new runs and files, appended and half-written records."""

from __future__ import annotations

import os
import shutil

import pytest

from board.data.provider import DataProvider
from board.ingest.discovery import discover_runs, parse_logdir_spec
from board.ingest.multiplexer import Multiplexer
from engine.summary import SummaryWriter, encode_record
from tests.board.conftest import write_run
from tfevents.proto import event_pb2, summary_pb2


def scalar_record(tag: str, step: int, value: float) -> bytes:
    event = event_pb2.Event(wall_time=1.0 + step, step=step, summary=summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)]))
    return encode_record(event.SerializeToString())


def values(mux: Multiplexer, run: str, tag: str) -> list[tuple[int, float]]:
    step, _, value = DataProvider(mux).scalars(run, tag)
    return list(zip(step.tolist(), value.tolist(), strict=True))


def test_run_names(tmp_path):
    for d in ["", "x", "x/y", "z/deep/er"]:
        write_run(tmp_path / d, {"t": [(0, 1.0)]})
    (tmp_path / "empty").mkdir()
    assert list(discover_runs({"": str(tmp_path)})) == [".", "x", "x/y", "z/deep/er"]
    assert list(discover_runs({"cmp": str(tmp_path / "x")})) == ["cmp", "cmp/y"]
    assert discover_runs({"": str(tmp_path / "missing")}) == {}


def test_symlinked_runs_are_followed_once(tmp_path):
    write_run(tmp_path / "elsewhere" / "exp", {"t": [(0, 1.0)]})
    logdir = tmp_path / "logdir"
    logdir.mkdir()
    (logdir / "linked").symlink_to(tmp_path / "elsewhere")
    (logdir / "loop").symlink_to(logdir)
    assert list(discover_runs({"": str(logdir)})) == ["linked/exp"]


def test_logdir_spec():
    assert parse_logdir_spec("a:/x,b:/y/z") == {"a": "/x", "b": "/y/z"}
    assert parse_logdir_spec("/just/a/path") == {"/just/a/path": "/just/a/path"}
    for bad in ["a:/x,a:/y", "a:/x,,b:/y", ""]:
        with pytest.raises(ValueError):
            parse_logdir_spec(bad)


def test_appended_records_are_read_once(tmp_path):
    path = tmp_path / "r" / "events.out.tfevents.1.host"
    path.parent.mkdir()
    path.write_bytes(scalar_record("t", 0, 0.0))
    mux = Multiplexer({"": str(tmp_path)})
    assert mux.reload() == 1
    assert mux.reload() == 0  # nothing new: the file is not even opened
    with open(path, "ab") as f:
        f.write(scalar_record("t", 1, 1.0) + scalar_record("t", 2, 2.0))
    assert mux.reload() == 2
    assert values(mux, "r", "t") == [(0, 0.0), (1, 1.0), (2, 2.0)]


def test_half_written_record_waits_for_the_rest(tmp_path):
    path = tmp_path / "events.out.tfevents.1.host"
    rec = scalar_record("t", 1, 1.0)
    path.write_bytes(scalar_record("t", 0, 0.0) + rec[:10])
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert values(mux, ".", "t") == [(0, 0.0)]
    status = DataProvider(mux).status()["files"][0]
    assert status["pending_bytes"] == 10 and status["stopped"] is None
    with open(path, "ab") as f:
        f.write(rec[10:])
    mux.reload()
    assert values(mux, ".", "t") == [(0, 0.0), (1, 1.0)]
    assert DataProvider(mux).status()["files"][0]["records"] == 2


def test_new_runs_new_files_and_deleted_runs(tmp_path):
    write_run(tmp_path / "a", {"t": [(0, 1.0)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert list(mux.runs) == ["a"]
    write_run(tmp_path / "b", {"t": [(0, 2.0)]})
    write_run(tmp_path / "a", {"t": [(1, 3.0)]}, filename_suffix=".second")
    mux.reload()
    assert list(mux.runs) == ["a", "b"]
    assert values(mux, "a", "t") == [(0, 1.0), (1, 3.0)]
    shutil.rmtree(tmp_path / "b")
    mux.reload()
    assert list(mux.runs) == ["a"]


def test_run_deleted_and_written_anew_starts_over(tmp_path):
    write_run(tmp_path / "r", {"t": [(s, 1.0) for s in range(10)], "old": [(0, 1.0)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    shutil.rmtree(tmp_path / "r")
    write_run(tmp_path / "r", {"t": [(5, 2.0)]})
    mux.reload()
    assert values(mux, "r", "t") == [(5, 2.0)]
    assert list(mux.runs["r"].store.scalars) == ["t"]


def test_purge_step_restart(tmp_path):
    write_run(tmp_path / "r", {"t": [(s, float(s)) for s in range(10)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    # A restarted job (tensorboardX's purge_step) writes a SessionLog START at step 5 and goes on.
    write_run(tmp_path / "r", {"u": [(7, 7.0)]}, purge_step=5, filename_suffix=".restart")
    mux.reload()
    assert values(mux, "r", "t") == [(s, float(s)) for s in range(5)]
    assert values(mux, "r", "u") == [(7, 7.0)]


def test_corrupt_file_does_not_stop_other_runs(tmp_path):
    write_run(tmp_path / "good", {"t": [(0, 1.0)]})
    bad = tmp_path / "bad" / "events.out.tfevents.1.host"
    bad.parent.mkdir()
    bad.write_bytes(os.urandom(4096))
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert values(mux, "good", "t") == [(0, 1.0)]
    status = {f["run"]: f for f in DataProvider(mux).status()["files"]}
    assert status["bad"]["stopped"] and status["bad"]["records"] == 0


def test_v2_and_v1_land_in_the_same_store(tmp_path):
    with SummaryWriter(str(tmp_path)) as w:
        w.add_scalar("t", 1.0, 0)
        w.add_scalar("t", 2.0, 1, new_style=True)
        w.add_scalar("t", 3.0, 2, new_style=True, double_precision=True)
    mux = Multiplexer({"": str(tmp_path)})
    mux.reload()
    assert values(mux, ".", "t") == [(0, 1.0), (1, 2.0), (2, 3.0)]


def test_stop_interrupts_a_long_first_load(tmp_path):
    write_run(tmp_path / "r", {"t": [(s, 0.0) for s in range(50)]})
    mux = Multiplexer({"": str(tmp_path)})
    mux.stop()
    mux.reload()
    assert mux.loading  # a stopped reload does not claim the first load finished
