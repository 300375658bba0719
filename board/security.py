"""What every request and response of the board goes through (SECURITY.md lists the bounds).

A local tool still meets hostile content and hostile pages: tag names, run names and text
summaries come from files other programs wrote, and any page open in the user's browser can
send requests to ``localhost``. So:

- ``SecurityHeaders``: every response, errors included, is marked as data that must not be
  sniffed, framed or run (pages set their own, stricter-for-pages CSP);
- ``RequestGuard``: a request naming a Host this board is not (DNS rebinding), a request from a
  page of another origin (except following a link to a page), and a query repeating a parameter
  are refused before any work, with a JSON error.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from urllib.parse import parse_qsl

from board.api.budget import MAX_RUNS_PER_REQUEST

DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-resource-policy": b"same-origin",
}
# The longest query string accepted (the same bound as the request head under uvicorn,
# ``board.connections.MAX_HEAD_BYTES``).
MAX_QUERY_BYTES = 64 * 1024
# Parameters a route takes as a list, and how many values it takes at most; any other
# parameter given twice is refused (FastAPI would silently keep the last).
REPEATABLE = {"/api/pages/scalars": {"run": MAX_RUNS_PER_REQUEST}}
# The list settings a dashboard page keeps in its URL (``new Settings({key: [], ...})`` in
# static/js/*.js), taken by every page: a page must reload with its own URL. The query's size
# bound above caps them all together.
PAGE_LISTS = {
    "hide": 2000,      # unticked runs (static/js/common/runs.js)
    "color": 2000,     # runs' picked colours, ``run=#rrggbb`` (static/js/common/runs.js)
    "closed": 1000,    # collapsed tag groups (static/js/common/groups.js)
    "pins": 200,       # pinned scalar charts (static/js/scalars.js)
    "yscale": 1000,    # per-tag y scale and limits (static/js/scalars/axes.js)
    "ylim": 1000,
    "expanded": 30,    # open graph scopes (static/js/graphs.js keeps at most 30)
}


def repeatable(path: str) -> dict[str, int]:
    """Which parameters of ``path`` may repeat, and how often at most."""
    if path in REPEATABLE:
        return REPEATABLE[path]
    if path.startswith(("/api/", "/data/", "/static/")):
        return {}
    return PAGE_LISTS


def security_headers(headers: list) -> list:
    """``headers`` plus the security headers it lacks."""
    present = {name.lower() for name, _ in headers}
    out = list(headers) + [(k, v) for k, v in HEADERS.items() if k not in present]
    if b"content-security-policy" not in present:
        out.append((b"content-security-policy", DEFAULT_CSP.encode()))
    return out


def error_body(status: int, detail: str) -> tuple[list, bytes]:
    """(headers, body) of a JSON error ``{"detail": ...}``, security headers included."""
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return security_headers(headers), body


class SecurityHeaders:
    """Pure ASGI middleware (no per-request task, unlike ``BaseHTTPMiddleware``) wrapped around
    the whole app, outside Starlette's own error handling: adds the headers above, and
    ``DEFAULT_CSP`` where the response has no Content-Security-Policy."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": security_headers(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _split_host(value: str) -> str | None:
    """The host of a Host header (``name``, ``name:port``, ``[v6]:port``), lower-case, or None
    if it is not one."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0 or value[end + 1:] and not (value[end + 1] == ":" and value[end + 2:].isdigit()):
            return None
        return value[1:end]
    name, _, port = value.partition(":")
    if port and not port.isdigit() or not name:
        return None
    if not all(c.isalnum() or c in "-._" for c in name):
        return None
    return name.rstrip(".")


def _ip(host: str):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_loopback(address: str) -> bool:
    ip = _ip(address.strip("[]"))
    return address == "localhost" or (ip is not None and ip.is_loopback)


class HostRule:
    """Which Host headers name this board (DNS rebinding: a page of ``evil.example`` whose name
    now resolves to 127.0.0.1 sends ``Host: evil.example``).

    Always: ``localhost``, ``*.localhost`` and loopback addresses (127.0.0.0/8, ``::1``), the
    ``--host`` given, and every name of ``--allowed_hosts`` (``*`` allows any). Bound to an
    address other than loopback (``--host 192.168.1.5``, ``--bind_all``): also any IP address
    literal (rebinding needs a name) and this machine's names. Any port.
    """

    def __init__(self, bound: str = "127.0.0.1", allowed=()):
        self.bound = bound
        self.names = {"localhost"} | {n.lower().strip("[]").rstrip(".") for n in allowed if n}
        self.any_host = "*" in self.names
        self.network = not is_loopback(bound)
        bound_ip = _ip(bound.strip("[]"))
        if bound_ip is None or not bound_ip.is_unspecified:  # 0.0.0.0 and :: name no host
            self.names.add(bound.lower().strip("[]"))
        if self.network:
            self.names |= {socket.gethostname().lower(), socket.getfqdn().lower()}

    def allows(self, header: str | None) -> bool:
        if header is None or self.any_host:
            return True  # no Host (HTTP/1.0): not a browser's request, so not a rebinding
        host = _split_host(header)
        if host is None:
            return False
        ip = _ip(host)
        if ip is not None:
            return ip.is_loopback or self.network or host in self.names
        return host in self.names or host.endswith(".localhost")

    def describe(self) -> str:
        names = sorted(self.names - {"localhost"})
        extra = ", any IP address" if self.network else ""
        return f"localhost, loopback addresses{extra}" + "".join(f", {n}" for n in names)


class RequestGuard:
    """Refuses, before any route runs: a Host that is not this board's (403), a request sent
    by a page of another site (``Sec-Fetch-Site: cross-site`` or ``same-site``, or an Origin
    that is not ours) except a link followed to a page (403), a query string over
    ``MAX_QUERY_BYTES`` (414) or repeating a parameter (400)."""

    def __init__(self, app, hosts: HostRule):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope)
        if refusal is None:
            return await self.app(scope, receive, send)
        status, detail = refusal
        headers, body = error_body(status, detail)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def refusal(self, scope) -> tuple[int, str] | None:
        headers = {}
        for name, value in scope.get("headers", []):
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        host = headers.get("host")
        if not self.hosts.allows(host):
            return 403, (f"Host {host!r} is not this board's (allowed: {self.hosts.describe()}); "
                         "a page whose name points at this machine cannot read the board. Start "
                         "board with --allowed_hosts NAME to allow a name")
        path = scope.get("path", "")
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site", "")
        foreign_origin = origin is not None and host is not None and origin.lower() not in {
            f"{scheme}://{host.lower()}" for scheme in ("http", "https")}
        navigation = headers.get("sec-fetch-mode") == "navigate" and not path.startswith(("/api/", "/data/"))
        if (site in ("cross-site", "same-site") or foreign_origin) and not navigation:
            return 403, (f"{path} refused: the request came from a page of another site "
                         f"({origin or site}); only the board's own pages may use its API")
        query = scope.get("query_string", b"")
        if len(query) > MAX_QUERY_BYTES:
            return 414, f"query string of {len(query):,} bytes; at most {MAX_QUERY_BYTES:,}"
        if query:
            return self._repeated(path, query.decode("latin-1"))
        return None

    @staticmethod
    def _repeated(path: str, query: str) -> tuple[int, str] | None:
        counts: dict[str, int] = {}
        for name, _ in parse_qsl(query, keep_blank_values=True):
            counts[name] = counts.get(name, 0) + 1
        lists = repeatable(path)
        for name, count in counts.items():
            limit = lists.get(name, 1)
            if count > limit:
                if limit == 1:
                    return 400, f"parameter {name!r} given {count} times; give it once"
                return 400, f"parameter {name!r} given {count} times; at most {limit:,} per request"
        return None


def guarded(app, hosts: HostRule):
    """``app`` (built Starlette stack) behind the guard, with the headers outermost."""
    return SecurityHeaders(RequestGuard(app, hosts))
