"""Diagnostics through the server (``/api/diagnostics``) and the command line (``board diagnose``)."""

from __future__ import annotations

import json
import subprocess

import numpy as np

from board.data.stores import Reservoir
from engine.summary import SummaryWriter
from tests.board.conftest import board_client, wait_for
from tests.board.process import board_command


def _diverging_run(path, steps=60):
    with SummaryWriter(str(path)) as w:
        for s in range(steps):
            w.add_scalar("train/loss", 2.0 * 1.05 ** s, s)


def test_route_lists_findings_and_filters_by_run(fixtures_dir):
    with board_client(fixtures_dir / "torch") as client:
        body = client.get("/api/diagnostics").json()
        kinds = {(f["run"], f["tag"], f["kind"], f["severity"]) for f in body["findings"]}
        assert kinds == {("edge_values", "edge/special", "nonfinite", "error"),
                         ("lr_0.01", "fc1/weight", "not_learning", "warning")}
        assert body["findings"][0]["severity"] == "error"  # errors first
        # The original fields stay; cause, evidence (numbers), advice and tags are added.
        assert set(body["findings"][0]) == {"run", "tag", "kind", "severity", "step", "message",
                                            "cause", "evidence", "advice", "tags"}
        (stale,) = [f for f in body["findings"] if f["kind"] == "not_learning"]
        assert stale["cause"] == "layer_not_learning" and stale["tags"] == ["fc1/weight"]
        assert stale["evidence"]["moved"] < 0.05 and stale["advice"] in stale["message"]
        only = client.get("/api/diagnostics", params={"run": "lr_0.1"}).json()
        assert only == {"findings": []}
        missing = client.get("/api/diagnostics", params={"run": "nope"})
        assert missing.status_code == 404 and "nope" in missing.json()["detail"]
        assert client.get("/api/diagnostics", params={"run": ""}).status_code == 422


def test_findings_follow_live_writes(tmp_path):
    with SummaryWriter(str(tmp_path / "run")) as w:
        for s in range(30):
            w.add_scalar("train/loss", 2.0 / (s + 1), s)
    with board_client(tmp_path, reload_interval=0.1) as client:
        assert client.get("/api/diagnostics").json() == {"findings": []}
        with SummaryWriter(str(tmp_path / "run")) as w:
            w.add_scalar("train/loss", float("nan"), 30)

        def nonfinite():
            return [f for f in client.get("/api/diagnostics").json()["findings"] if f["kind"] == "nonfinite"]

        (finding,) = wait_for(nonfinite)
        assert finding["step"] == 30


def test_the_monitor_recomputes_only_changed_runs(tmp_path):
    _diverging_run(tmp_path / "a")
    _diverging_run(tmp_path / "b")
    with board_client(tmp_path) as client:
        monitor = client.app.state.health
        first = monitor.findings()
        assert {f.run for f in first} == {"a", "b"}
        cached = dict(monitor._cache)
        assert monitor.findings() == first
        assert all(monitor._cache[r] is cached[r] for r in cached)


def test_reservoir_keeps_oldest_and_newest():
    class Item:
        def __init__(self, step):
            self.step = step

    res = Reservoir(10)
    for s in range(1000):
        res.add(Item(s))
    steps = [i.step for i in res.items]
    assert len(steps) == 10 and steps[0] == 0 and steps[-1] == 999
    assert steps == sorted(steps)


def _diagnose(*args):
    command = board_command()
    return subprocess.run([*command, "diagnose", *args], capture_output=True, text=True, timeout=120)


def test_cli_report_and_exit_status(fixtures_dir, tmp_path):
    bad = _diagnose("--logdir", str(fixtures_dir / "torch"))
    assert bad.returncode == 1, bad.stderr
    assert "ERROR   nonfinite" in bad.stdout and "not_learning" in bad.stdout
    assert "edge/special became NaN at step 1" in bad.stdout

    healthy = _diagnose("--logdir", str(fixtures_dir / "torch" / "lr_0.1"))
    assert healthy.returncode == 0 and "No problems found" in healthy.stdout

    warnings_only = _diagnose("--logdir", str(fixtures_dir / "tbx" / "lr_0.01"), "--json")
    assert warnings_only.returncode == 0
    assert [f["kind"] for f in json.loads(warnings_only.stdout)["findings"]] == ["not_learning"]

    missing = _diagnose("--logdir", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_diverging_run_is_an_error(tmp_path):
    _diverging_run(tmp_path / "run", steps=int(np.log(10) / np.log(1.05)) + 10)
    result = _diagnose("--logdir", str(tmp_path))
    assert result.returncode == 1 and "diverging" in result.stdout
