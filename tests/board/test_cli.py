"""The ``board`` command: flags, clear messages, watching a logdir that is not there yet, Ctrl-C."""

from __future__ import annotations

import socket
import subprocess
import time

import pytest

from board.cli import parse_args
from tests.board.conftest import write_run
from tests.board.process import BoardProcess, board_command


@pytest.mark.parametrize("argv, message", [
    ([], "give --logdir"),
    (["--logdir", "a", "--logdir_spec", "x:b"], "not allowed with"),
    (["--logdir", "a", "--port", "70000"], "--port"),
    (["--logdir", "a", "--reload_interval", "-1"], "--reload_interval"),
    (["--logdir", "a", "--reload_interval", "nan"], "--reload_interval"),
    (["--logdir_spec", "a:x,a:y"], "twice"),
    (["--logdir", "a", "--host", "::1", "--bind_all"], "not both"),
])
def test_bad_flags_exit_2_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_defaults_and_bind_all():
    args = parse_args(["--logdir", "runs"])
    assert (args.host, args.port, args.reload_interval) == ("127.0.0.1", 6006, 5.0)
    assert args.logdirs == {"": "runs"}
    assert parse_args(["--logdir", "runs", "--bind_all"]).host == "0.0.0.0"
    assert parse_args(["--logdir_spec", "a:x,b:y"]).logdirs == {"a": "x", "b": "y"}


def test_missing_logdir_is_watched_and_ctrl_c_stops_cleanly(tmp_path):
    logdir = tmp_path / "not_yet"
    with BoardProcess("--logdir", str(logdir), "--reload_interval", "0.1") as board:
        assert board.json("/api/runs") == {"runs": []}
        assert board.json("/api/status")["missing_logdirs"] == [str(logdir)]
        text = "".join(board.output)
        assert "does not exist" in text and "no runs yet" in text
        write_run(logdir / "late", {"t": [(0, 1.0)]})
        deadline = time.monotonic() + 20
        while board.json("/api/runs")["runs"] != ["late"]:
            assert time.monotonic() < deadline, "the new run never appeared"
            time.sleep(0.05)
        assert board.interrupt() == 0
        time.sleep(0.2)
        assert "board: stopped" in "".join(board.output)
        assert "Traceback" not in "".join(board.output)


def test_logdir_spec_prefixes_runs(tmp_path):
    write_run(tmp_path / "one", {"t": [(0, 1.0)]})
    write_run(tmp_path / "two" / "sub", {"t": [(0, 2.0)]})
    spec = f"first:{tmp_path / 'one'},second:{tmp_path / 'two'}"
    with BoardProcess("--logdir_spec", spec, "--reload_interval", "0") as board:
        assert board.json("/api/runs")["runs"] == ["first", "second/sub"]
        assert board.json("/api/scalars", run="second/sub", tag="t")["value"] == [2.0]


def test_busy_port_is_a_clear_error(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run([*board_command(), "--logdir", str(tmp_path), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_demo_trains_while_serving(tmp_path):
    """Issue 10's acceptance: within 60 s the API lists at least five runs with scalars,
    histograms and a graph, while the training goes on; Ctrl-C stops everything."""
    args = ["demo", "--logdir", str(tmp_path), "--epochs", "3", "--seconds_per_epoch", "0.2",
            "--reload_interval", "0.2"]
    with BoardProcess(*args, wait_loaded=False) as board:
        deadline = time.monotonic() + 60
        while True:
            tags = board.json("/api/tags")["runs"]
            complete = sorted(r for r, t in tags.items() if t["scalars"] and t["histograms"] and t["graph"])
            if len(complete) >= 5:
                break
            assert time.monotonic() < deadline, f"demo runs incomplete after 60 s: {tags}"
            time.sleep(0.2)
        assert complete == ["demo/lstm/train", "demo/mlp_lr_0.0001/train", "demo/mlp_lr_0.1/train",
                            "demo/mlp_lr_8/train", "demo/tf1_logistic_regression"]
        assert "demo/mlp_lr_0.1/validation" in tags
        deadline = time.monotonic() + 120
        while len(board.json("/api/scalars", run="demo/lstm/validation", tag="epoch_loss")["step"]) < 3:
            assert time.monotonic() < deadline, "the LSTM did not finish its 3 epochs"
            time.sleep(0.2)
        assert board.interrupt() == 0
    assert "tf1_logistic_regression  epoch 1/3" in "\n".join(board.output)


def test_logdir_that_is_a_file_is_named_as_such(tmp_path, capsys):
    from board.server import _warn_about_logdirs

    (tmp_path / "f").write_text("x")
    _warn_about_logdirs({"": str(tmp_path / "f")})
    assert "is a file, not a directory" in capsys.readouterr().err
