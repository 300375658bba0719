"""Browser tests: a real board (uvicorn in a thread, on a free port) driven by Debian's Chromium.

Every page fixture fails its test on a console error, an uncaught exception or a CSP violation.
Screenshots are artifacts: they land in ``$BOARD_SCREENSHOTS`` when set, else in the session's
temporary folder, never in the repository (``scripts/screenshots.py`` refreshes the README's
``docs/screenshots/`` from them).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import socket
import threading
import time

import pytest

from tests.browser.logdirs import write_demo

CHROMIUM = os.environ.get("BOARD_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``create_app(logdir)`` under uvicorn in a background thread; ``url`` once it answers.
    ``page``: a page that polls this server (a reload interval) and outlives it; it is sent to
    about:blank before the server stops, or its next poll logs ERR_CONNECTION_REFUSED, which the
    ``page`` fixture counts as a console error."""

    def __init__(self, logdir, reload_interval: float = 0, page=None):
        import uvicorn

        self.page = page
        from board.app import create_app

        self.app = create_app(str(logdir), reload_interval=reload_interval)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        import httpx

        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if not httpx.get(f"{self.url}/api/status", timeout=2).json()["loading"]:
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"board on {self.url} did not finish loading in 30 s")

    def __exit__(self, *exc) -> None:
        if self.page is not None and not self.page.is_closed():
            self.page.goto("about:blank")
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def demo_logdir(tmp_path_factory) -> pathlib.Path:
    return write_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def board(demo_logdir):
    with Server(demo_logdir) as server:
        yield server


@pytest.fixture(scope="session")
def media_board(tmp_path_factory):
    """A board on images and audio written by PyTorch, tensorboardX and TensorFlow."""
    from tests.board.media import media_logdir

    with Server(media_logdir(tmp_path_factory)) as server:
        yield server


@pytest.fixture(scope="session")
def curves_board(tmp_path_factory):
    """A board on PR curves and custom-scalar layouts written by PyTorch and by us."""
    from tests.board.curves import curves_logdir

    with Server(curves_logdir(tmp_path_factory.mktemp("curves"))) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (set BOARD_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Problems(list):
    """Console errors, page errors and CSP violations seen by a page."""


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    problems = Problems()
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));")
    page.problems = problems
    yield page
    context.close()
    assert not problems, "\n".join(problems)


_SCREENSHOTS: list[pathlib.Path] = []  # the session's folder, set by the fixture below


@pytest.fixture(scope="session", autouse=True)
def screenshots_dir(tmp_path_factory) -> pathlib.Path:
    env = os.environ.get("BOARD_SCREENSHOTS")
    folder = pathlib.Path(env) if env else tmp_path_factory.mktemp("screenshots")
    _SCREENSHOTS[:] = [folder]
    return folder


def screenshot(page, name: str) -> None:
    (folder,) = _SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def wait_for(page, js: str, timeout: float = 15.0, arg=None):
    """Poll ``js`` (a function source) until it returns something truthy; that value.

    Playwright's ``wait_for_function`` evaluates strings with ``eval``, which the pages' CSP
    forbids; ``evaluate`` calls the function through the DevTools protocol, which it allows."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(js, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {js}")
        time.sleep(0.05)


def charts_drawn(page, count: int, timeout: float = 15.0) -> int:
    """Wait until at least ``count`` plot elements have been drawn."""
    return wait_for(page, f"() => document.querySelectorAll('.plot[data-drawn]').length >= {count}", timeout)
