"""Live: a job writes while a real ``board`` reloads every 0.2 s; in the end the API holds
exactly what was written, nothing lost, nothing doubled."""

from __future__ import annotations

import subprocess
import sys
import time

from tests.board import live_writer
from tests.board.process import BoardProcess
from tests.conftest import ROOT


def test_live_writing_is_loaded_exactly(tmp_path):
    logdir = tmp_path / "logs"
    logdir.mkdir()
    with BoardProcess("--logdir", str(logdir), "--reload_interval", "0.2") as board:
        writer = subprocess.Popen([sys.executable, "-m", "tests.board.live_writer", str(logdir)],
                                  cwd=ROOT, stdout=subprocess.PIPE, text=True)
        seen_partial = False
        try:
            while writer.poll() is None:
                runs = board.json("/api/runs")["runs"]
                if "raw" in runs:
                    n = len(board.json("/api/scalars", run="raw", tag="loss")["step"])
                    seen_partial |= 0 < n < live_writer.RAW_STEPS
                time.sleep(0.1)
            assert writer.wait(60) == 0
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        assert seen_partial, "the board never showed a partly written run"

        want_records = live_writer.records_written()

        def records():
            return {f["run"]: f["records"] for f in board.json("/api/status")["files"]}
        deadline = time.monotonic() + 30
        while records() != want_records and time.monotonic() < deadline:
            time.sleep(0.1)
        assert records() == want_records  # every record read exactly once
        status = board.json("/api/status")
        assert all(f["skipped"] == 0 and f["stopped"] is None and f["pending_bytes"] == 0
                   for f in status["files"])
        assert board.json("/api/runs")["runs"] == ["late", "raw", "sw"]
        for (run, tag), n in live_writer.expected().items():
            got = board.json("/api/scalars", run=run, tag=tag)
            assert got["step"] == list(range(n)), (run, tag)
            assert got["value"] == [live_writer.value(run, tag, s) for s in range(n)], (run, tag)
