"""Issue 9, item 5: crashes and disappearing files have a clear outcome and lose nothing.

The writer's side is proven in tests/summary/test_writer.py: test_sigkill_keeps_everything_flushed,
test_close_twice_and_add_after_close, test_disk_full_loses_nothing_and_leaves_no_half_record.
"""

from __future__ import annotations

import shutil

from tests.board.conftest import board_client, wait_for, write_run


def test_logdir_deleted_under_a_running_server(tmp_path):
    logdir = tmp_path / "logs"
    write_run(logdir / "a", {"loss": [(s, float(s)) for s in range(10)]})
    with board_client(logdir, reload_interval=0.05) as client:
        assert client.get("/api/runs").json()["runs"] == ["a"]
        shutil.rmtree(logdir)
        wait_for(lambda: client.get("/api/runs").json()["runs"] == [])
        status = client.get("/api/status").json()
        assert status["missing_logdirs"] == [str(logdir)] and status["errors"] == []
        assert client.get("/api/scalars", params={"run": "a", "tag": "loss"}).status_code == 404
        assert client.get("/api/diagnostics").json() == {"findings": []}
        # Written anew: served again from scratch, with only the new data.
        write_run(logdir / "a", {"loss": [(0, 42.0)]})
        wait_for(lambda: client.get("/api/runs").json()["runs"] == ["a"])
        body = wait_for(lambda: client.get("/api/scalars", params={"run": "a", "tag": "loss"}).json())
        assert body["value"] == [42.0]


def test_file_truncated_under_the_server_is_reported(tmp_path):
    """Issue 20 changed the outcome: a shrunk file is no longer what the served data came from,
    so the run is read again from the start (it serves what the file holds now) and the change
    is reported in /api/status (tests/security/test_loader_heals.py has the other cases)."""
    path = write_run(tmp_path / "a", {"loss": [(s, float(s)) for s in range(100)]})
    with board_client(tmp_path, reload_interval=0.05) as client:
        assert len(client.get("/api/scalars", params={"run": "a", "tag": "loss"}).json()["value"]) == 100
        keep = len(open(path, "rb").read()) // 2
        with open(path, "r+b") as f:
            f.truncate(keep)

        def reported():
            runs = client.get("/api/status").json()["runs"]
            return [c["change"] for r in runs for c in r["changes"]]

        assert "shrank" in wait_for(reported)[0]
        values = client.get("/api/scalars", params={"run": "a", "tag": "loss"}).json()["value"]
        assert 0 < len(values) < 100 and values == [float(s) for s in range(len(values))]
