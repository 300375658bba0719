"""The JSON API, one router per area: DESIGN.md's routes and the pages' own (``pages``, under
``/api/pages``). ``ROUTERS`` is what the app factory mounts."""

from board.api import diagnostics, graphs, histograms, hparams, pages, runs, scalars, text

ROUTERS = [runs.router, scalars.router, histograms.router, text.router, graphs.router, hparams.router,
           diagnostics.router, pages.router]
