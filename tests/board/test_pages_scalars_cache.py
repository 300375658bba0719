"""``/api/pages/scalars`` keeps its answers keyed by each run's data version: asked again it
answers the same bytes, and whatever changes a run's points (appended steps, a run appearing,
a file read again from the start) is in the next answer, never a stale one."""

from __future__ import annotations

import os

from tests.board.conftest import board_client, write_run


def _points(client, *runs):
    body = client.get("/api/pages/scalars", params={"tag": "loss", "run": list(runs), "smoothing": 0})
    assert body.status_code == 200
    data = body.json()
    return {s["run"]: s["value"] for s in data["series"]}, data["missing"], body.content


def test_cached_answers_follow_every_change_of_the_runs(tmp_path):
    write_run(tmp_path / "a", {"loss": [(0, 1.0), (1, 0.5)]})
    with board_client(str(tmp_path)) as client:
        mux = client.app.state.multiplexer
        first = _points(client, "a", "b")
        assert first[:2] == ({"a": [1.0, 0.5]}, ["b"])
        assert _points(client, "a", "b")[2] == first[2]  # the same bytes, from the cache

        write_run(tmp_path / "a", {"loss": [(2, 0.25)]})  # a second file: appended steps
        write_run(tmp_path / "b", {"loss": [(0, 9.0)]})  # a run that was missing appears
        mux.reload()
        assert _points(client, "a", "b")[:2] == ({"a": [1.0, 0.5, 0.25], "b": [9.0]}, [])

        # b's file replaced by one of the same size under its name (the new file may take over
        # the freed inode): read again from the start
        (path,) = [p for p in (tmp_path / "b").iterdir()]
        os.remove(path)
        write_run(tmp_path / "b", {"loss": [(0, 3.0)]})
        os.replace(next((tmp_path / "b").iterdir()), path)
        mux.reload()
        assert _points(client, "b")[0] == {"b": [3.0]}
