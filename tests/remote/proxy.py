"""A TCP proxy on 127.0.0.1 in front of the test S3 server (and bench/load_remote.py's): it counts
the bytes each way, and can cut the connection carrying the next ranged GET halfway through the
response, once, the way a flaky network drops a download."""

from __future__ import annotations

import socket
import threading

_CUT_AFTER_BODY_BYTES = 1000  # of the cut response's body, forwarded before the connection drops


class Proxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.bytes_down = 0  # server -> client, headers and bodies
        self.bytes_up = 0
        self.bytes_ranged = 0  # of bytes_down: the responses to ranged GETs (reads), headers included
        self.cuts = 0
        self.cut_next = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="test-s3-proxy").start()

    def reset_counts(self) -> None:
        with self._lock:
            self.bytes_down = self.bytes_up = self.bytes_ranged = 0

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            state = {"cut": False}
            threading.Thread(target=self._pump_up, args=(client, upstream, state), daemon=True).start()
            threading.Thread(target=self._pump_down, args=(upstream, client, state), daemon=True).start()

    def _pump_up(self, client: socket.socket, upstream: socket.socket, state: dict) -> None:
        try:
            while data := client.recv(65536):
                head = data[:4096].lower()
                if head[:1].isalpha():  # a new request on this connection
                    state["ranged"] = head.startswith(b"get ") and b"\r\nrange: bytes=" in head
                if state.get("ranged") and self.cut_next.is_set():
                    self.cut_next.clear()
                    state["cut"] = True
                with self._lock:
                    self.bytes_up += len(data)
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            _close(upstream)

    def _pump_down(self, upstream: socket.socket, client: socket.socket, state: dict) -> None:
        pending = b""
        try:
            while data := upstream.recv(65536):
                if state["cut"]:
                    pending += data
                    end = pending.find(b"\r\n\r\n")
                    if end < 0 or len(pending) < end + 4 + _CUT_AFTER_BODY_BYTES:
                        continue
                    data = pending[:end + 4 + _CUT_AFTER_BODY_BYTES]
                with self._lock:
                    self.bytes_down += len(data)
                    if state.get("ranged"):
                        self.bytes_ranged += len(data)
                client.sendall(data)
                if state["cut"]:
                    with self._lock:
                        self.cuts += 1
                    break
        except OSError:
            pass
        finally:
            _close(client)
            _close(upstream)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
