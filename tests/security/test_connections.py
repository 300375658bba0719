"""Issue 20, "requests", over real sockets against a real ``board`` process (uvicorn): slow
connections do not lock others out, uvicorn's own 400s are JSON with the security headers, the
Host check holds, and a CR/LF or non-Latin-1 download name keeps the connection."""

from __future__ import annotations

import resource
import socket
import time
from urllib.parse import quote, urlsplit

import httpx
import pytest

from board.connections import FD_RESERVE, HEAD_TIMEOUT
from tests.board.conftest import write_run
from tests.board.process import BoardProcess

CRLF_TAG = "loss\r\nSet-Cookie: x=1"


def _limit_files():
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))  # a common default limit


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname, parts.port


def _raw(address, request: bytes, timeout: float = 10) -> bytes:
    """Send ``request`` on a fresh connection; everything the server sends until it closes."""
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def _closed(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        return s.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("logdir")
    write_run(root / "run", {"loss": [(s, 1.0 / (s + 1)) for s in range(100)]})
    write_run(root / "实验-ü", {"損失/ü": [(0, 1.0)], CRLF_TAG: [(0, 1.0)]})
    return root


@pytest.fixture(scope="module")
def board(logdir):
    with BoardProcess("--logdir", str(logdir), "--reload_interval", "0") as b:
        yield b


def test_slow_connections_do_not_lock_others_out(logdir):
    # 1,100 connections that never finish their request head, against a server allowed 1,024
    # open files: before, nobody else got an answer.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    assert hard >= 1300, f"the test needs 1,300 open files, the hard limit is {hard}"
    slow = []
    try:
        with BoardProcess("--logdir", str(logdir), "--reload_interval", "0", preexec_fn=_limit_files) as b:
            address = _address(b.url)
            for _ in range(1100):
                s = socket.create_connection(address, timeout=10)
                s.sendall(b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n")
                slow.append(s)
            dribble = socket.create_connection(address, timeout=10)
            dribble_opened = time.monotonic()
            slow.append(dribble)
            started = time.monotonic()
            with httpx.Client(base_url=b.url, timeout=10) as client:
                for _ in range(5):
                    assert client.get("/api/runs").json() == {"runs": ["run", "实验-ü"]}
            assert time.monotonic() - started < 8
            open_now = sum(not _closed(s) for s in slow[:-1])
            assert open_now <= 1024 - FD_RESERVE  # the oldest idle ones made room
            try:
                for byte in b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n":  # a byte a second
                    dribble.send(bytes([byte]))
                    time.sleep(1)
                raise AssertionError("a request head sent a byte a second was waited for")
            except OSError:  # closed by the server: each byte does not restart the clock
                assert time.monotonic() - dribble_opened < HEAD_TIMEOUT + 3
            deadline = time.monotonic() + HEAD_TIMEOUT + 5
            while time.monotonic() < deadline and not all(_closed(s) for s in slow):
                time.sleep(0.5)
            assert all(_closed(s) for s in slow), "a connection without a request outlived the head timeout"
            assert "Too many open files" not in "".join(b.output)
    finally:
        for s in slow:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.parametrize("request_bytes", [
    b"NOT HTTP AT ALL\r\n\r\n",
    # Heads over 64 KiB (sent without their end: the server reads all before it answers, so
    # its close is not a reset that would lose the answer).
    b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 66_000,
    b"GET /api/runs?" + b"a" * 66_000,
])
def test_uvicorns_own_400_is_json_with_headers(board, request_bytes):
    answer = _raw(_address(board.url), request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer[:200]
    lower = head.lower()
    assert b"x-content-type-options: nosniff" in lower
    assert b"content-security-policy: default-src 'none'" in lower
    assert b"content-type: application/json" in lower and b"invalid HTTP request" in body


def test_host_header_is_checked(board):
    address = _address(board.url)
    refused = _raw(address, b"GET /api/runs HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert refused.startswith(b"HTTP/1.1 403") and b"nosniff" in refused
    answered = _raw(address, f"GET /api/runs HTTP/1.1\r\nHost: localhost:{address[1]}\r\n"
                             "Connection: close\r\n\r\n".encode())
    assert answered.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("tag", ["損失/ü", CRLF_TAG])
def test_downloads_keep_the_connection(board, tag):
    run = "实验-ü"
    with httpx.Client(base_url=board.url, timeout=10) as client:
        response = client.get("/api/scalars/download", params={"run": run, "tag": tag})
        assert response.status_code == 200
        exact = quote(f"{run}_{tag}".replace("/", "_") + ".csv", safe="")
        assert response.headers["content-disposition"].endswith(f"filename*=UTF-8''{exact}")
        assert client.get("/api/runs").status_code == 200  # the same connection, still up


def test_an_idle_keep_alive_connection_is_closed(board):
    from board.connections import KEEP_ALIVE

    with socket.create_connection(_address(board.url), timeout=KEEP_ALIVE + 5) as s:
        s.sendall(b"GET /api/runs HTTP/1.1\r\nHost: localhost\r\n\r\n")
        started = time.monotonic()
        data = b""
        while chunk := s.recv(65536):
            data += chunk
        assert data.startswith(b"HTTP/1.1 200")
        assert KEEP_ALIVE - 1 < time.monotonic() - started < KEEP_ALIVE + 3


def test_a_client_that_stops_reading_is_dropped(tmp_path, monkeypatch):
    import threading

    import uvicorn

    from board import connections
    from board.app import create_app

    # 8 MB of CSV: more than the kernel buffers on both sides hold, so the answer cannot finish
    write_run(tmp_path / "long", {"loss": [(s, 1.0 / (s + 1)) for s in range(200_000)]})
    app = create_app(tmp_path, reload_interval=0)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(connections.uvicorn_config(app, host="127.0.0.1", port=port,
                                                       log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (server.started and app.state.multiplexer.wait_loaded(0.1)):
            time.sleep(0.05)
        full = len(httpx.get(f"http://127.0.0.1:{port}/api/scalars/download?run=long&tag=loss",
                             timeout=60).content)
        monkeypatch.setattr(connections, "RESPONSE_TIMEOUT", 1.0)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a client that does not read
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /api/scalars/download?run=long&tag=loss HTTP/1.1\r\nHost: localhost\r\n\r\n")
        time.sleep(3)
        s.settimeout(5)
        got = 0
        try:
            while chunk := s.recv(65536):
                got += len(chunk)
        except OSError:
            pass  # reset
        s.close()
        assert 0 < got < full, (got, full)  # cut off, not waited for
    finally:
        server.should_exit = True
        thread.join(timeout=10)
