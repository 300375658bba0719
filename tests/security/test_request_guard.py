"""Issue 20, "requests", through the app: DNS rebinding (the Host header), pages of other sites,
repeated and oversized parameters, the points budget, security headers on the framework's own
errors, and download names. The same over real sockets: ``test_connections.py``."""

from __future__ import annotations

import time
from urllib.parse import quote

import numpy as np
import pytest
from fastapi.testclient import TestClient

from board.api import budget
from board.app import create_app
from board.security import HostRule, RequestGuard
from tests.board.conftest import LOCAL, board_client, write_run

CRLF_TAG = "loss\r\nSet-Cookie: x=1"


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("logdir")
    points = [(s, 1.0 / (s + 1)) for s in range(6000)]
    write_run(root / "a", {"loss": points})
    write_run(root / "b", {"loss": points})
    write_run(root / "实验-ü", {"損失/ü": points[:10], CRLF_TAG: points[:10]})
    return root


@pytest.fixture(scope="module")
def client(logdir):
    with board_client(logdir) as c:
        yield c


def assert_json_error(response, status):
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert isinstance(response.json()["detail"], str | list)
    return response.json()["detail"]


# --- DNS rebinding ----------------------------------------------------------------------------

@pytest.mark.parametrize("host", ["localhost", "localhost:6006", "127.0.0.1:8080", "127.5.6.7",
                                  "[::1]:6006", "board.localhost:6006", "LOCALHOST."])
def test_loopback_names_are_answered(client, host):
    assert client.get("/api/runs", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:6006", "127.0.0.1.evil.example",
                                  "192.168.1.5", "localhost:abc", "a b", "[::1"])
def test_other_hosts_are_refused_before_any_work(client, host):
    # A page of evil.example whose name now resolves to 127.0.0.1 sends "Host: evil.example".
    detail = assert_json_error(client.get("/api/pages/scalars?tag=loss&run=a", headers={"host": host}), 403)
    assert "--allowed_hosts" in detail
    assert client.get("/scalars", headers={"host": host}).status_code == 403


def test_host_rule_for_network_binds():
    network = HostRule("0.0.0.0")
    assert network.allows("192.168.1.5:6006") and network.allows("[fe80::1]:6006")
    assert network.allows("localhost") and not network.allows("evil.example")
    named = HostRule("0.0.0.0", ["board.lab.example"])
    assert named.allows("board.lab.example:6006") and not named.allows("other.lab.example")
    assert HostRule("127.0.0.1", ["*"]).allows("anything.example")
    assert HostRule("board.lab.example").allows("BOARD.lab.example")
    assert not HostRule("127.0.0.1").allows("10.0.0.1")


def test_the_default_app_answers_localhost_only(logdir):
    with TestClient(create_app(logdir, reload_interval=0)) as plain:  # Host: testserver
        assert plain.get("/api/runs").status_code == 403
    with TestClient(create_app(logdir, reload_interval=0, allowed_hosts=["testserver"])) as named:
        assert named.get("/api/runs").status_code == 200


# --- other sites' pages -----------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image"},  # <img src=...>
    {"sec-fetch-site": "same-site", "sec-fetch-mode": "cors"},  # another port of localhost
    {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"},  # a link straight to the API
    {"origin": "http://evil.example"},
    {"origin": "null"},
])
def test_other_sites_cannot_make_heavy_requests(client, headers):
    response = client.get("/api/pages/scalars", params={"tag": "loss", "run": ["a", "b"]}, headers=headers)
    assert "another site" in assert_json_error(response, 403)


@pytest.mark.parametrize("headers", [
    {"sec-fetch-site": "same-origin", "sec-fetch-mode": "cors"},
    {"sec-fetch-site": "none", "sec-fetch-mode": "navigate"},  # typed in the address bar
    {"origin": "http://localhost"},
    {},  # curl, scripts
])
def test_own_pages_and_tools_are_answered(client, headers):
    assert client.get("/api/pages/scalars", params={"tag": "loss", "run": "a", "max_points": 100},
                      headers=headers).status_code == 200


def test_a_link_from_another_site_opens_a_page(client):
    page = client.get("/scalars", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert page.status_code == 200 and "<html" in page.text.lower()


# --- parameters and the points budget ---------------------------------------------------------

def test_run_repeated_without_limit_is_refused_at_once(client):
    # The case: an 11 KB query naming one run 2,000 times made a 573 MB answer in 24 s.
    started = time.perf_counter()
    response = client.get("/api/pages/scalars?tag=loss" + "&run=a" * 2000)
    assert "at most 500" in assert_json_error(response, 400)
    assert time.perf_counter() - started < 2


def test_a_run_named_twice_is_refused(client):
    detail = assert_json_error(client.get("/api/pages/scalars?tag=loss&run=a&run=b&run=a"), 400)
    assert "'a'" in detail and "twice" in detail


@pytest.mark.parametrize("query", ["/api/scalars?run=a&tag=loss&tag=loss",
                                   "/api/scalars?run=a&run=b&tag=loss",
                                   "/api/scalars?run=a&tag=loss&max_points=10&max_points=20",
                                   "/api/pages/scalars?run=a&tag=loss&smoothing=0.5&smoothing=0.1",
                                   "/api/runs?x=1&x=2"])
def test_repeated_parameters_are_refused(client, query):
    assert "given 2 times" in assert_json_error(client.get(query), 400)


def test_an_oversized_query_is_refused():
    # httpx will not send a URL this long (uvicorn refuses the head: test_connections.py).
    scope = {"type": "http", "path": "/api/runs", "headers": [(b"host", b"localhost")],
             "query_string": b"x=" + b"a" * 70_000}
    status, detail = RequestGuard(None, HostRule()).refusal(scope)
    assert status == 414 and "65,536" in detail


def test_points_per_response_are_budgeted(client, monkeypatch):
    monkeypatch.setattr(budget, "MAX_RESPONSE_POINTS", 10_000)
    both = {"tag": "loss", "run": ["a", "b"]}
    detail = assert_json_error(client.get("/api/pages/scalars", params=both), 400)
    assert "12,000 points" in detail and "max_points" in detail
    assert client.get("/api/pages/scalars", params={**both, "max_points": 2000}).status_code == 200
    assert client.get("/api/scalars", params={"run": "a", "tag": "loss"}).status_code == 200
    monkeypatch.setattr(budget, "MAX_RESPONSE_POINTS", 5_000)
    assert_json_error(client.get("/api/scalars", params={"run": "a", "tag": "loss"}), 400)
    small = client.get("/api/scalars", params={"run": "a", "tag": "loss", "max_points": 5000})
    assert len(small.json()["step"]) <= 5000
    assert_json_error(client.get("/api/scalars", params={"run": "a", "tag": "loss", "max_points": 2_000_000}),
                      422)


# --- headers on every answer ------------------------------------------------------------------

@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/nope", 404), ("GET", "/nope", 404), ("POST", "/api/runs", 405),
    ("DELETE", "/scalars", 405), ("GET", "/api/scalars?run=a&tag=loss&max_points=x", 422),
    ("GET", "/api/scalars?run=a&tag=nope", 404),
])
def test_framework_errors_are_json_with_headers(client, method, path, status):
    assert_json_error(client.request(method, path), status)


def test_a_bug_is_a_json_500_with_headers(logdir, monkeypatch):
    from board.api import runs

    def broken(provider):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(runs, "runs_impl", broken)
    app = create_app(logdir, reload_interval=0)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as c:
        response = c.get("/api/runs")
    detail = assert_json_error(response, 500)
    assert "RuntimeError" in detail and "secret" not in response.text


# --- downloads --------------------------------------------------------------------------------

@pytest.mark.parametrize("tag", ["損失/ü", CRLF_TAG])
def test_downloads_of_any_name(client, tag):
    run = "实验-ü"
    response = client.get("/api/scalars/download", params={"run": run, "tag": tag})
    assert response.status_code == 200 and response.text.splitlines()[0] == "Wall time,Step,Value"
    disposition = response.headers["content-disposition"]
    exact = quote(f"{run}_{tag}".replace("/", "_") + ".csv", safe="")
    assert disposition.endswith(f"filename*=UTF-8''{exact}")
    assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
    assert response.headers["x-content-type-options"] == "nosniff"


def test_download_streams_every_point(client):
    rows = client.get("/api/scalars/download", params={"run": "a", "tag": "loss", "format": "json"}).json()
    last = float(np.float32(1.0 / 6000))  # summaries hold float32
    assert len(rows) == 6000 and rows[-1][1:] == [5999, last]
    lines = client.get("/api/scalars/download", params={"run": "a", "tag": "loss"}).text.splitlines()
    assert len(lines) == 6001 and lines[-1].endswith(f",5999,{last}")


# --- the command line and the in-flight limit ------------------------------------------------

def test_allowed_hosts_option():
    from board.server import parse_args

    args = parse_args(["--logdir", "x", "--allowed_hosts", "board.lab.example, other.example"])
    assert args.allowed_hosts == ["board.lab.example", "other.example"] and args.host == "127.0.0.1"
    assert parse_args(["--logdir", "x"]).allowed_hosts == []
    with pytest.raises(SystemExit):
        parse_args(["--logdir", "x", "--allowed_hosts", "evil example/"])


def test_requests_beyond_the_in_flight_limit_get_a_503():
    import asyncio
    import concurrent.futures

    from board.connections import InFlightLimit

    release = asyncio.Event()

    async def slow_app(scope, receive, send):
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def main():
        limited = InFlightLimit(slow_app, limit=2)
        sent: list[list] = [[], [], []]

        def sender(i):
            async def send(message):
                sent[i].append(message)
            return send

        scope = {"type": "http", "path": "/api/runs", "headers": []}
        first = [asyncio.create_task(limited(scope, None, sender(i))) for i in range(2)]
        await asyncio.sleep(0.01)
        await limited(scope, None, sender(2))  # answered at once
        release.set()
        await asyncio.gather(*first)
        return sent

    # In a thread of its own: an earlier test's session-wide Playwright keeps an event loop
    # running in the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        sent = pool.submit(asyncio.run, main()).result(timeout=30)
    assert [m[0]["status"] for m in sent] == [200, 200, 503]
    headers = dict(sent[2][0]["headers"])
    assert headers[b"retry-after"] == b"1" and headers[b"x-content-type-options"] == b"nosniff"


def test_pages_take_their_list_settings_repeated(client):
    # What a page writes into its own URL (static/js/common/settings.js) must reload.
    query = "hide=a&hide=b&closed=loss&closed=acc&pins=loss&pins=acc&yscale=loss=log&yscale=acc=log"
    for page in ("/scalars", "/histograms", "/text", "/graphs", "/images"):
        assert client.get(f"{page}?{query}&expanded=x&expanded=y").status_code == 200, page
    # bounded still, on pages; and the API takes none of them repeated
    assert "at most 30" in assert_json_error(client.get("/graphs?" + "&expanded=s" * 31), 400)
    assert "at most 2,000" in assert_json_error(client.get("/scalars?" + "&hide=r" * 2001), 400)
    assert "given 2 times" in assert_json_error(client.get("/api/runs?hide=a&hide=b"), 400)
