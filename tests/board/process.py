"""A real ``board`` process on a free port, for end-to-end tests. Always stopped on exit."""

from __future__ import annotations

import contextlib
import os
import pathlib
import queue
import re
import signal
import subprocess
import sys
import threading
import time

import httpx


def board_command() -> list[str]:
    """The installed ``board`` console script beside this Python, else ``python -m board.cli``."""
    script = pathlib.Path(sys.executable).with_name("board")
    return [str(script)] if script.exists() else [sys.executable, "-m", "board.cli"]


class BoardProcess:
    """``board ARGS --port 0``; ``url`` is what it printed. Use as a context manager."""

    def __init__(self, *args: str, wait_loaded: bool = True, timeout: float = 60, preexec_fn=None):
        self.args = [*board_command(), *args, "--port", "0"]
        self.preexec_fn = preexec_fn  # e.g. a lower limit on open files
        self.wait_loaded = wait_loaded
        self.timeout = timeout
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> BoardProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, env=env, preexec_fn=self.preexec_fn)
        threading.Thread(target=self._pump, daemon=True).start()
        try:
            self.url = self.wait_for_line(r"(http://\S+?)/? ", self.timeout).group(1)
            if self.wait_loaded:
                self.wait_until_loaded()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and self.lines.empty()):
                raise AssertionError(f"board printed no line matching {pattern!r}:\n"
                                     + "".join(self.output))
            with contextlib.suppress(queue.Empty):
                m = re.search(pattern, self.lines.get(timeout=min(left, 0.5)))
                if m:
                    return m

    def get(self, path: str, **params) -> httpx.Response:
        return httpx.get(self.url + path, params=params, timeout=30)

    def json(self, path: str, **params):
        r = self.get(path, **params)
        r.raise_for_status()
        return r.json()

    def wait_until_loaded(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            with contextlib.suppress(httpx.TransportError):
                if not self.json("/api/status")["loading"]:
                    return
            if time.monotonic() > deadline:
                raise AssertionError("board did not finish its first load:\n" + "".join(self.output))
            time.sleep(0.05)

    def interrupt(self, timeout: float = 15) -> int:
        """Ctrl-C; returns the exit code."""
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.interrupt(10)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
