"""Connections under uvicorn, so that slow or idle clients cannot lock others out.

Uvicorn alone waits for a request's head forever (its keep-alive timer stops at the first byte),
and every connection holds a file descriptor: 1,100 connections that never finish their request
used up a 1,024-descriptor limit and nobody else got in. Here (SECURITY.md lists the numbers):

- a request head must arrive within ``HEAD_TIMEOUT`` seconds of the connection opening or of the
  previous response, and be at most ``MAX_HEAD_BYTES``; a response must be sent within
  ``RESPONSE_TIMEOUT`` (a client that stops reading is dropped);
- at most ``max_connections()`` connections are open (below the descriptor limit, which ``serve``
  raises to its hard limit first): a new one beyond that closes the one that has waited longest
  without sending a request, so an honest client always gets in;
- at most ``MAX_REQUESTS_IN_FLIGHT`` requests are worked on at once; more get a 503 JSON error
  with ``Retry-After``;
- uvicorn's own 400 (a malformed request, a head too long) is a JSON error with the security
  headers, like every other answer.
"""

from __future__ import annotations

import resource
import socket
from collections import OrderedDict

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from board.security import error_body

HEAD_TIMEOUT = 10.0
RESPONSE_TIMEOUT = 300.0
KEEP_ALIVE = 5
MAX_HEAD_BYTES = 64 * 1024
MAX_CONNECTIONS = 4096
ACCEPT_BATCH = 128  # asyncio accepts up to this many connections before any is seen (backlog)
# Descriptors kept below the limit: two batches of accepts, since a connection's
# ``connection_made`` (where the cap closes the oldest idle one) runs two loop iterations after
# its accept and the next batch may be accepted in between (a 256 reserve ran out: EMFILE in
# accept, seen in CI), and 64 for event files, logs and the interpreter's own.
FD_RESERVE = 2 * ACCEPT_BATCH + 64
MAX_REQUESTS_IN_FLIGHT = 256


def raise_fd_limit() -> int:
    """Lift the soft limit on open files to the hard one (best effort); returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


def max_connections() -> int:
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - FD_RESERVE))


def no_delay(transport) -> None:
    """Send each write at once (TCP_NODELAY). asyncio sets it only on sockets whose ``proto`` is
    IPPROTO_TCP, so a connection accepted from a listening socket made with proto 0 kept
    Nagle's algorithm: a keep-alive request's answer then waited for the client's delayed ACK,
    about 40 ms each (measured: 44 ms per /api/status against 2 ms on a fresh connection)."""
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass  # closed already


class BoardH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the deadlines, the connection cap and JSON 400s above."""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        no_delay(transport)
        self._deadline = None
        self._cycle_seen = None
        self._waiting()[self] = None
        self._arm(HEAD_TIMEOUT)
        if len(self.connections) > self._limit():
            victim = next((c for c in self._waiting() if c is not self), self)
            victim.drop()

    def _limit(self) -> int:
        state = self.server_state
        if not hasattr(state, "board_max_connections"):
            state.board_max_connections = max_connections()
        return state.board_max_connections

    def _waiting(self) -> OrderedDict:
        """This server's connections waiting for a request head, longest-waiting first."""
        state = self.server_state
        if not hasattr(state, "board_waiting"):
            state.board_waiting = OrderedDict()
        return state.board_waiting

    def _arm(self, seconds: float) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(seconds, self.drop)

    def drop(self) -> None:
        """Close at once (abort: a client that does not read cannot hold the socket open)."""
        self._waiting().pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        if not self.transport.is_closing():
            self.transport.abort()

    def connection_lost(self, exc) -> None:
        self._waiting().pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        cycle = self.cycle
        if cycle is not None and cycle is not self._cycle_seen and not cycle.response_complete:
            self._cycle_seen = cycle  # a request head arrived: it is being answered
            self._waiting().pop(self, None)
            if not self.transport.is_closing():
                self._arm(RESPONSE_TIMEOUT)

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._waiting()[self] = None
            self._arm(HEAD_TIMEOUT)
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        headers, body = error_body(400, f"invalid HTTP request (malformed, or a head over "
                                        f"{MAX_HEAD_BYTES // 1024} KiB)")
        headers.append((b"connection", b"close"))
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()


class InFlightLimit:
    """ASGI middleware: at most ``limit`` HTTP requests worked on at once; beyond, a 503."""

    def __init__(self, app, limit: int = MAX_REQUESTS_IN_FLIGHT):
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.active >= self.limit:
            headers, body = error_body(503, f"{self.active} requests are being answered; try "
                                            "again in a moment")
            await send({"type": "http.response.start", "status": 503,
                        "headers": headers + [(b"retry-after", b"1")]})
            await send({"type": "http.response.body", "body": body})
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


def uvicorn_config(app, **kwargs):
    """The uvicorn Config ``board`` serves with: the protocol, limits and timeouts above."""
    import uvicorn

    return uvicorn.Config(InFlightLimit(app), http=BoardH11Protocol, timeout_keep_alive=KEEP_ALIVE,
                          h11_max_incomplete_event_size=MAX_HEAD_BYTES, backlog=ACCEPT_BATCH, **kwargs)
