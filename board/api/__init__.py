"""The JSON API (board/api/http_api.md), one router per area: the design's routes and the pages'
own (``pages``, under ``/api/pages``). ``ROUTERS`` is what the app factory mounts."""

from board.api import (
    blobs,
    custom_scalars,
    diagnostics,
    embeddings,
    export,
    graphs,
    histograms,
    hparams,
    meshes,
    pages,
    pr_curves,
    runs,
    scalars,
    tensorboard_routes,
    text,
)

ROUTERS = [runs.router, scalars.router, histograms.router, text.router, graphs.router, hparams.router,
           diagnostics.router, pages.router, blobs.router, export.router, tensorboard_routes.router,
           pr_curves.router, custom_scalars.router,
           meshes.router, embeddings.router]
