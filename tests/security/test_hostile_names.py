"""Issue 9, item 2: hostile run and tag names come back as exact JSON text, and no name makes
the server read outside its logdirs."""

from __future__ import annotations

import os

import pytest

from engine.summary import SummaryWriter
from tests.board.conftest import board_client

HOSTILE_TAGS = ["<img src=x onerror=alert(1)>", 'quote"s\'and`ticks', "nul\x00byte", "../../etc/passwd",
                "ünïcødé/✓", "x" * 5000]


@pytest.fixture
def hostile_logdir(tmp_path):
    names = ["<script>alert(1)<", "quote\"s", "a" * 200, "spaces and %2e%2e"]
    for name in names:
        with SummaryWriter(str(tmp_path / name)) as w:
            for tag in HOSTILE_TAGS:
                w.add_scalar(tag, 1.0, 0)
            w.add_text("notes", "<script>alert('text')</script>", 0)  # tag notes/text_summary
    raw = os.path.join(os.fsencode(tmp_path), b"bytes\xff\xfename")  # not UTF-8
    os.makedirs(raw)
    with SummaryWriter(os.fsdecode(raw)) as w:
        w.add_scalar("x", 2.0, 0)
    return tmp_path, names


def test_names_round_trip_as_text(hostile_logdir):
    root, names = hostile_logdir
    with board_client(root) as client:
        runs = client.get("/api/runs").json()["runs"]
        assert sorted(runs) == sorted([*names, "bytes\\xff\\xfename"])
        tags = client.get("/api/tags").json()["runs"]
        for name in names:
            assert sorted(tags[name]["scalars"]) == sorted(HOSTILE_TAGS)
            for tag in HOSTILE_TAGS:
                body = client.get("/api/scalars", params={"run": name, "tag": tag}).json()
                assert (body["run"], body["tag"], body["value"]) == (name, tag, [1.0])
            text = client.get("/api/text", params={"run": name, "tag": "notes/text_summary"}).json()
            assert text["text"][0]["value"] == "<script>alert('text')</script>"
        odd = client.get("/api/scalars", params={"run": "bytes\\xff\\xfename", "tag": "x"})
        assert odd.status_code == 200 and odd.json()["value"] == [2.0]
        assert client.get("/api/status").status_code == 200
        assert client.get("/api/diagnostics").status_code == 200


@pytest.mark.parametrize("run", ["../", "..", "/etc", "../../../../etc/passwd", "%2e%2e/%2e%2e",
                                 "./quote\"s", "quote\"s/..", "\x00"])
def test_names_are_never_paths(hostile_logdir, run):
    root, _ = hostile_logdir
    (root / "outside.txt").write_text("secret")
    with board_client(root / "quote\"s") as client:  # a logdir one level down
        for route in ("/api/scalars", "/api/text", "/api/histograms"):
            response = client.get(route, params={"run": run, "tag": "notes"})
            assert response.status_code in (404, 422), (route, response.status_code)
            assert "secret" not in response.text
        assert client.get("/api/graph", params={"run": run}).status_code in (404, 422)
