"""Acceptance: a real ``board`` process on each fixture logdir reports what TensorBoard read
(``expected.json``), except where we deliberately differ (tests/fixtures/README.md)."""

from __future__ import annotations

import json

import pytest

from tests.board.process import BoardProcess
from tests.conftest import FIXTURES


def restart_rule(points: list) -> list:
    """What our stores keep of a series written in this order (a step replaces steps >= it)."""
    kept: list = []
    for step, value in points:
        kept = [p for p in kept if p[0] < step] + [[step, value]]
    return kept


def check_run(board: BoardProcess, run: str, exp: dict, tags: dict, override: dict) -> None:
    mine = tags[run]
    assert mine["scalars"] == sorted(exp["scalars"]), run
    assert mine["histograms"] == sorted(exp["histograms"]), run
    assert mine["text"] == sorted(exp["text"]), run
    assert mine["graph"] == exp["graph"]["present"], run
    assert mine["hparams"] == bool(exp["hparams"]), run
    for tag, s in exp["scalars"].items():
        got = board.json("/api/scalars", run=run, tag=tag)
        points = override.get((run, tag), restart_rule(s["points"]))
        assert [[st, v] for st, v in zip(got["step"], got["value"], strict=True)] == points, (run, tag)
        assert len(got["wall_time"]) == len(points)
        if (run, tag) not in override:
            assert [got["step"][-1], got["value"][-1]] == s["last"], (run, tag)
    for tag, h in exp["histograms"].items():
        got = board.json("/api/histograms", run=run, tag=tag)["histograms"]
        assert len(got) == h["count"], (run, tag)
        last, want = got[-1], h["last"]
        assert last["step"] == want["step"]
        assert len(last["buckets"]) == want["tensor_bucket_count"], (run, tag)
        for key in ("min", "max", "num"):
            assert last[key] == pytest.approx(want[key]), (run, tag, key)
        assert sum(b[2] for b in last["buckets"]) == pytest.approx(want["num"])
    for tag, t in exp["text"].items():
        got = board.json("/api/text", run=run, tag=tag)["text"]
        assert len(got) == t["count"]
        assert [got[-1]["step"], got[-1]["value"]] == t["last"]
    if exp["graph"]["present"]:
        assert len(board.json("/api/graph", run=run)["nodes"]) == exp["graph"]["node_count"]
    else:
        assert board.get("/api/graph", run=run).status_code == 404


def check_logdir(name: str, override: dict | None = None, files: dict | None = None,
                 expected: dict | None = None) -> None:
    expected = expected or json.loads((FIXTURES / name / "expected.json").read_text())
    with BoardProcess("--logdir", str(FIXTURES / name), "--reload_interval", "0") as board:
        assert board.json("/api/runs")["runs"] == sorted(expected["runs"])
        tags = board.json("/api/tags")["runs"]
        for run, exp in expected["runs"].items():
            check_run(board, run, exp, tags, override or {})
        status = board.json("/api/status")
        assert status["loading"] is False
        by_run = {f["run"]: f for f in status["files"]}
        for run, exp in expected["runs"].items():
            (want,) = exp["files"]
            got = by_run[run]
            assert got["name"] == want["name"]
            if run in (files or {}):
                assert {k: got[k] for k in files[run]} == files[run], run
            else:
                assert got["records"] == want["records_read"], run
                assert (got["stopped"] is None) == (want["stopped_early"] is None), run
        hparams = board.json("/api/hparams")["runs"]
        for run, exp in expected["runs"].items():
            for kind, rec in exp["hparams"].items():
                kind = kind.rsplit("/", 1)[-1]
                assert kind in hparams[run], (run, kind)
                if kind == "session_start_info":
                    assert hparams[run][kind]["data"]["hparams"] == rec["hparams"]


def test_torch_logdir():
    check_logdir("torch")


def test_tbx_logdir():
    check_logdir("tbx")


def test_broken_logdir():
    intact = json.loads((FIXTURES / "broken" / "expected.json").read_text())["runs"]["intact"]
    loss = intact["scalars"]["train/loss"]["points"]
    # data_crc: we skip the one bad record (a train/loss point) and keep the 1,024 others.
    manifest = json.loads((FIXTURES / "broken" / "manifest.json").read_text())
    assert manifest["variants"]["data_crc"]["bad_record_index"] == 512
    override = {("data_crc", "train/accuracy"): intact["scalars"]["train/accuracy"]["points"]}
    files = {
        "data_crc": {"records": 1024, "skipped": 1, "stopped": None},
        "truncated": {"records": 1024, "skipped": 0, "stopped": None, "pending_bytes": 64},
    }
    expected = json.loads((FIXTURES / "broken" / "expected.json").read_text())
    # data_crc is compared with the intact file (its files entry through ``files``).
    expected["runs"]["data_crc"] = {**intact, "files": expected["runs"]["data_crc"]["files"]}
    with BoardProcess("--logdir", str(FIXTURES / "broken"), "--reload_interval", "0") as board:
        got = board.json("/api/scalars", run="data_crc", tag="train/loss")
        got_points = [[s, v] for s, v in zip(got["step"], got["value"], strict=True)]
        assert len(got_points) == len(loss) - 1
        assert all(p in loss for p in got_points)
        assert board.json("/api/scalars", run="data_crc", tag="train/accuracy")["step"] == list(range(500))
        status = {f["run"]: f for f in board.json("/api/status")["files"]}
        assert "payload checksum" in status["data_crc"]["problems"][0]
        for run in ("length_crc", "length_huge", "random"):
            assert status[run]["stopped"], run
    override[("data_crc", "train/loss")] = got_points
    check_logdir("broken", override, files, expected)
