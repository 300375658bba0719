"""Histogram bodies are cached per version of the data: repeated polls hit the cache, and a
new histogram (or a restart that purges some) is served at once."""

from __future__ import annotations

import numpy as np

from board.api.response_cache import ResponseCache
from engine.summary import SummaryWriter
from tests.board.conftest import board_client, wait_for


def _steps(client):
    body = client.get("/api/histograms", params={"run": "r", "tag": "w"}).json()
    return [h["step"] for h in body["histograms"]]


def test_polls_hit_the_cache_and_new_data_is_served(tmp_path):
    with SummaryWriter(str(tmp_path / "r")) as w:
        for s in range(3):
            w.add_histogram("w", np.arange(10) * s, s)
    with board_client(tmp_path, reload_interval=0.05) as client:
        cache = client.app.state.response_cache
        assert _steps(client) == [0, 1, 2]
        assert _steps(client) == [0, 1, 2]
        assert (cache.hits, cache.misses) == (1, 1)
        with SummaryWriter(str(tmp_path / "r")) as w:
            w.add_histogram("w", np.arange(10), 3)
        wait_for(lambda: _steps(client) == [0, 1, 2, 3])
        with SummaryWriter(str(tmp_path / "r"), purge_step=1) as w:  # a restarted job
            w.add_histogram("w", np.arange(10), 1)
        wait_for(lambda: _steps(client) == [0, 1])
        assert client.get("/api/histograms", params={"run": "r", "tag": "nope"}).status_code == 404


def test_cache_is_bounded_by_bytes():
    cache = ResponseCache(max_bytes=1000)
    for i in range(100):
        body = cache.get_or_make(("k", i), 0, lambda i=i: bytes(100) + str(i).encode())
        assert body.endswith(str(i).encode())
    assert cache._bytes <= 1000 and len(cache._bodies) < 10
    big = cache.get_or_make(("big",), 0, lambda: bytes(600))  # over a quarter: served, not kept
    assert len(big) == 600 and ("big",) not in cache._bodies


def test_a_new_version_replaces_the_old_body():
    cache = ResponseCache()
    for version in range(50):
        assert cache.get_or_make(("h",), version, lambda v=version: bytes(1000 + v)) == bytes(1000 + version)
    assert len(cache._bodies) == 1 and cache._bytes == 1049
    assert cache.get_or_make(("h",), 49, lambda: b"not called") == bytes(1049)


def test_concurrent_requests_for_a_new_version_encode_once():
    import threading
    import time

    cache = ResponseCache()
    calls = []

    def make():
        calls.append(1)
        time.sleep(0.2)
        return b"body"

    threads = [threading.Thread(target=cache.get_or_make, args=(("h",), 1, make)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and cache.hits == 19


def test_a_stuck_maker_does_not_block_others_forever(monkeypatch):
    import threading

    cache = ResponseCache()
    release = threading.Event()
    started = threading.Event()

    def stuck():
        started.set()
        release.wait(10)
        return b"late"

    maker = threading.Thread(target=cache.get_or_make, args=(("h",), 1, stuck))
    maker.start()
    started.wait(5)
    real_wait = threading.Event.wait
    monkeypatch.setattr(threading.Event, "wait", lambda self, timeout=None: real_wait(self, 0.01))
    assert cache.get_or_make(("h",), 1, lambda: b"mine") == b"mine"  # made it itself
    monkeypatch.undo()
    release.set()
    maker.join()
