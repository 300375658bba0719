"""Every accepted connection sends at once (TCP_NODELAY). ``board`` listened on a socket made
with proto 0, on which asyncio does not set it: each keep-alive request's answer then waited
for the client's delayed ACK, about 40 ms a request instead of 2 ms."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from board.connections import uvicorn_config
from board.server import _listen


async def _app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _accepted_no_delay(listener: socket.socket) -> list[int]:
    """TCP_NODELAY of the server side of each connection uvicorn accepted on ``listener``."""
    server = uvicorn.Server(uvicorn_config(_app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        with socket.create_connection(listener.getsockname()[:2], timeout=10) as client:
            for _ in range(2):  # two requests on one keep-alive connection
                client.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                answer = b""
                while not answer.endswith(b"ok"):
                    chunk = client.recv(4096)
                    assert chunk, f"connection closed after {answer!r}"
                    answer += chunk
            return [proto.transport.get_extra_info("socket").getsockopt(
                socket.IPPROTO_TCP, socket.TCP_NODELAY) for proto in server.server_state.connections]
    finally:
        server.should_exit = True
        thread.join(20)
        listener.close()


def test_board_listens_on_a_tcp_socket():
    sock = _listen("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


@pytest.mark.parametrize("proto", [0, socket.IPPROTO_TCP])
def test_accepted_connections_send_at_once(proto):
    # proto 0: a socket made elsewhere (the old _listen, a socket handed over by a supervisor)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    flags = _accepted_no_delay(listener)
    assert flags and all(flags), flags
