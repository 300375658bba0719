"""The JSON API (board/api/http_api.md), one router per area; ``ROUTERS`` is what the app factory mounts."""

from board.api import diagnostics, graphs, histograms, hparams, runs, scalars, text

ROUTERS = [runs.router, scalars.router, histograms.router, text.router, graphs.router, hparams.router,
           diagnostics.router]
