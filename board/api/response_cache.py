"""Encoded JSON bodies kept for polling clients: fifty browsers refreshing the same histogram
tag cost one encoding per change of the data, not one per request.

Each key keeps one body with the version of the data it was made from: a stale body is never
served, and a new version replaces the old one (a tag being written to does not fill the cache
with its past). The cache is bounded by bytes and forgets the least recently used first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    def __init__(self, max_bytes: int = 64 << 20):
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[tuple, tuple[object, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._making: dict[tuple, tuple[object, threading.Event]] = {}
        self.hits = 0
        self.misses = 0

    def get_or_make(self, key: tuple, version, make) -> bytes:
        """The body cached under ``key`` for ``version``, or ``make()`` cached in its place.
        While one thread makes a body, others asking for the same version wait for it instead
        of encoding it again (fifty pages polling a tag that just changed)."""
        done = None  # set when this thread is the maker
        while True:
            with self._lock:
                entry = self._bodies.get(key)
                if entry is not None and entry[0] == version:
                    self._bodies.move_to_end(key)
                    self.hits += 1
                    return entry[1]
                making = self._making.get(key)
                if making is None or making[0] != version:
                    done = threading.Event()
                    self._making[key] = (version, done)
                    self.misses += 1
                    break
            if not making[1].wait(timeout=30):
                break  # the maker is stuck: make it ourselves
        try:
            body = make()
            with self._lock:
                old = self._bodies.pop(key, None)
                self._bytes -= len(old[1]) if old is not None else 0
                if len(body) <= self.max_bytes // 4:  # one huge body must not flush the others
                    self._bodies[key] = (version, body)
                    self._bytes += len(body)
                    while self._bytes > self.max_bytes:
                        _, (_, dropped) = self._bodies.popitem(last=False)
                        self._bytes -= len(dropped)
            return body
        finally:
            if done is not None:
                with self._lock:
                    if self._making.get(key, (None, None))[1] is done:
                        del self._making[key]
                done.set()
