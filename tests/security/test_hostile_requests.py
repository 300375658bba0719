"""Issue 9, item 3: hostile requests get a 4xx or bounded work, never a 500; every response
carries the security headers."""

from __future__ import annotations

import time

import pytest

from tests.board.conftest import board_client, write_run


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("logdir")
    write_run(root / "run", {"loss": [(s, 1.0 / (s + 1)) for s in range(5000)]})
    with board_client(root) as c:
        yield c


@pytest.mark.parametrize("query", [
    "run=run&tag=loss&max_points=1000000000000000000000000",
    "run=run&tag=loss&max_points=-1",
    "run=run&tag=loss&max_points=1e9",
    "run=run&tag=loss&max_points=NaN",
    "run=run&tag=loss&max_points=",
    "run=run",
    "tag=loss",
    "",
    "run=run&tag=loss&run=run&tag=loss&max_points=10&max_points=20",
    "run=%ff%fe&tag=loss",
    "run=" + "r" * 60_000 + "&tag=loss",
    "run=run&tag=" + "(a+)+" * 2000,
])
def test_no_500_and_bounded(client, query):
    started = time.perf_counter()
    response = client.get("/api/scalars?" + query)
    assert response.status_code < 500, (query[:80], response.status_code, response.text[:200])
    assert time.perf_counter() - started < 5
    if response.status_code == 200:
        assert len(response.json()["value"]) <= 5000


def test_max_points_bounds_the_answer(client):
    body = client.get("/api/scalars", params={"run": "run", "tag": "loss", "max_points": 100}).json()
    assert 0 < len(body["value"]) <= 100


@pytest.mark.parametrize("path", ["/api/runs", "/api/scalars?run=run&tag=loss", "/api/nope",
                                  "/static/css/board.css", "/scalars", "/vendor/plotly.min.js"])
def test_security_headers_everywhere(client, path):
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[-1].split(";")[0]
    if path == "/scalars":
        assert "script-src 'self'" in csp
    else:
        assert csp.startswith("default-src 'none'") or "script-src 'self'" in csp
