"""The app factory: a FastAPI app serving one or several logdirs, reloading them in a thread.

State lives on ``app.state`` (``multiplexer``, ``provider``, ``reload_interval``), so tests can
build any number of apps on any logdirs. The reload thread starts and stops with the app's
lifespan: under ``TestClient(app)`` used as a context manager, and under uvicorn.
"""

from __future__ import annotations

import os
import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

from board.api import ROUTERS
from board.api.response_cache import ResponseCache
from board.data.provider import DataProvider, NotFoundError
from board.diagnostics.monitor import HealthMonitor
from board.ingest.multiplexer import Multiplexer
from board.jsonutil import JSON
from board.pages.routes import install as install_pages
from board.security import HostRule, guarded

DEFAULT_RELOAD_INTERVAL = 5.0


def normalize_logdirs(logdirs) -> dict[str, str]:
    """A path (one logdir: run names unprefixed), a list of paths, or {name: path}."""
    if isinstance(logdirs, (str, os.PathLike)):
        return {"": os.fspath(logdirs)}
    if isinstance(logdirs, dict):
        return {str(name): os.fspath(path) for name, path in logdirs.items()}
    paths = [os.fspath(p) for p in logdirs]
    if len(paths) == 1:
        return {"": paths[0]}
    return {os.path.basename(os.path.normpath(p)) or p: p for p in paths}


def create_app(logdirs, reload_interval: float = DEFAULT_RELOAD_INTERVAL, host: str = "127.0.0.1",
               allowed_hosts=(), samples_per_plugin: dict[str, int] | None = None,
               multiplexer: Multiplexer | None = None) -> FastAPI:
    """The board on ``logdirs`` (see ``normalize_logdirs``). ``reload_interval`` seconds between
    reloads; 0 loads once. Loading happens in the background: the app answers at once, and
    ``/api/status`` says ``"loading": true`` until the first load is done. ``host`` (the address
    it is served on) and ``allowed_hosts`` say which Host headers it answers
    (``board.security.HostRule``). ``samples_per_plugin``: steps kept per image or audio tag
    (``board.data.blobs``, default 10 each). ``multiplexer``: one made already on the same logdirs
    (the ``board`` command starts its first load before importing the web server)."""
    if reload_interval < 0:
        raise ValueError(f"reload_interval must be >= 0 seconds, got {reload_interval}")
    if multiplexer is None:
        multiplexer = Multiplexer(normalize_logdirs(logdirs), samples_per_plugin)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        thread = threading.Thread(target=multiplexer.reload_forever, args=(reload_interval,),
                                  name="board-reload", daemon=True)
        thread.start()
        try:
            yield
        finally:
            multiplexer.stop()
            thread.join(timeout=10)

    app = FastAPI(title="board", summary="Training dashboard: runs, scalars, histograms, graphs",
                  lifespan=lifespan, default_response_class=JSON)
    app.state.multiplexer = multiplexer
    app.state.provider = DataProvider(multiplexer)
    app.state.health = HealthMonitor(app.state.provider)
    app.state.response_cache = ResponseCache()
    app.state.reload_interval = reload_interval

    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError):
        return JSON({"detail": str(exc)}, status_code=404)

    @app.exception_handler(Exception)
    async def server_error(_request: Request, exc: Exception):
        # A bug: the log has the traceback (Starlette re-raises), the user a JSON line.
        return JSON({"detail": f"internal error ({type(exc).__name__}); the server log has "
                               "the details"}, status_code=500)

    for router in ROUTERS:
        app.include_router(router)
    install_pages(app)
    # The guard and the headers go around Starlette's whole stack, its error handling included,
    # so that its own 404/405/422/500 answers carry the headers too.
    hosts = HostRule(host, allowed_hosts)
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: guarded(build(), hosts)
    return app
