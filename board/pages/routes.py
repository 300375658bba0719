"""HTML pages and static files of the dashboard (the JSON the pages fetch is ``board.api``'s).

The pages are thin Jinja2 templates: ``templates/layout.html`` is the frame every dashboard
shares, ``templates/<dashboard>.html`` extends it with that dashboard's controls. Behaviour
lives in one ES module per dashboard (``static/js/<dashboard>.js``, its parts in
``static/js/<dashboard>/``, the shared ones in ``static/js/common/``). Every page is served
under a Content-Security-Policy that allows scripts from our own origin only, so templates hold
no inline script and no ``on...=``.
"""

from __future__ import annotations

import functools
import importlib.util
import pathlib

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from board.assets import STATIC, TEMPLATES

# The full bundle, from the plotly package (found without importing it), for pages that draw
# more than scatter traces; the dashboards load the basic bundle vendored beside our JS.
PLOTLY_JS = (pathlib.Path(importlib.util.find_spec("plotly").submodule_search_locations[0]).resolve()
             / "package_data" / "plotly.min.js")
PLOTLY_BASIC_JS = STATIC / "vendor" / "plotly" / "plotly-basic.min.js"

CSP = ("default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

DASHBOARDS = [
    ("scalars", "Scalars"),
    ("histograms", "Histograms"),
    ("distributions", "Distributions"),
    ("graphs", "Graphs"),
    ("images", "Images"),
    ("audio", "Audio"),
    ("text", "Text"),
    ("pr_curves", "PR Curves"),
    ("custom_scalars", "Custom Scalars"),
    ("meshes", "Meshes"),
    ("hparams", "HParams"),
    ("projector", "Projector"),
    ("diagnostics", "Diagnostics"),
]


# A Web Worker runs under the CSP of its own script's response, not the page's: the graph
# worker may load scripts from our origin (elkjs) and nothing else.
WORKER_CSP = "default-src 'none'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'"


class _Static(StaticFiles):
    """Static files that browsers revalidate (cheap 304s) so a new deploy is picked up."""

    async def get_response(self, path, scope):
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        if path.endswith(".js"):
            response.headers.setdefault("Content-Security-Policy", WORKER_CSP)
        return response


@functools.cache
def _templates():
    """The page templates, loaded at the first page asked for: importing Jinja2 took 43 ms of the
    board's start, before the data API could answer."""
    from fastapi.templating import Jinja2Templates

    return Jinja2Templates(directory=str(TEMPLATES))


def install(app: FastAPI) -> None:
    """Add the page routes, the page-only API routes and the /static mount to ``app``."""

    def page(request: Request, dashboard: str) -> Response:
        response = _templates().TemplateResponse(request, f"{dashboard}.html", {
            "dashboard": dashboard,
            "title": dict(DASHBOARDS)[dashboard],
            "dashboards": DASHBOARDS,
            "reload_interval": getattr(request.app.state, "reload_interval", 0),
        })
        response.headers["Content-Security-Policy"] = CSP  # nosniff etc.: board.security
        return response

    @app.get("/", include_in_schema=False)
    def index(request: Request):
        query = request.url.query
        return RedirectResponse("/scalars" + (f"?{query}" if query else ""), status_code=307)

    for name, _title in DASHBOARDS:
        def route(request: Request, _name: str = name) -> Response:
            return page(request, _name)
        app.add_api_route(f"/{name}", route, methods=["GET"], include_in_schema=False,
                          name=f"page_{name}")

    bundles = (("/vendor/plotly.min.js", PLOTLY_JS), ("/vendor/plotly-basic.min.js", PLOTLY_BASIC_JS))
    for route, path in bundles:
        def bundle(_path: pathlib.Path = path):
            return FileResponse(_path, media_type="text/javascript",
                                headers={"Cache-Control": "public, max-age=86400"})
        app.add_api_route(route, bundle, methods=["GET"], include_in_schema=False)

    app.mount("/static", _Static(directory=str(STATIC)), name="static")
