"""The app factory: answers while the first load is still running, and stops its thread."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from board.app import create_app
from board.ingest.loader import RunLoader
from tests.board.conftest import LOCAL, wait_for, write_run


def test_answers_while_first_load_runs(tmp_path, monkeypatch):
    write_run(tmp_path / "big", {"t": [(0, 1.0)]})
    release = threading.Event()
    entered = threading.Event()
    real_load = RunLoader.load

    def slow_load(self, should_stop=lambda: False):
        entered.set()
        release.wait(20)
        return real_load(self, should_stop)

    monkeypatch.setattr(RunLoader, "load", slow_load)
    app = create_app(tmp_path, reload_interval=0)
    with TestClient(app, base_url=LOCAL) as client:
        try:
            assert entered.wait(10)
            assert client.get("/api/status").json()["loading"] is True
            assert client.get("/api/runs").json() == {"runs": ["big"]}
            assert client.get("/").status_code < 500
        finally:
            release.set()
        wait_for(lambda: client.get("/api/status").json()["loading"] is False)
        assert client.get("/api/scalars", params={"run": "big", "tag": "t"}).json()["value"] == [1.0]


def test_lifespan_stops_the_reload_thread(tmp_path):
    app = create_app(tmp_path, reload_interval=0.05)
    with TestClient(app, base_url=LOCAL):
        assert any(t.name == "board-reload" for t in threading.enumerate())
    wait_for(lambda: not any(t.name == "board-reload" for t in threading.enumerate()))


def test_several_logdirs(tmp_path):
    write_run(tmp_path / "x" / "r", {"t": [(0, 1.0)]})
    write_run(tmp_path / "y", {"t": [(0, 2.0)]})
    app = create_app({"x": tmp_path / "x", "y": tmp_path / "y"}, reload_interval=0)
    with TestClient(app, base_url=LOCAL) as client:
        app.state.multiplexer.wait_loaded(10)
        assert client.get("/api/runs").json() == {"runs": ["x/r", "y"]}
