"""HTML pages and static files of the dashboard, and the few JSON routes only the pages need.

The pages are thin Jinja2 templates (``templates/``); behaviour lives in one ES module per
dashboard (``static/js/``). Every page is served under a Content-Security-Policy that allows
scripts from our own origin only, so templates hold no inline script and no ``on...=``.

The ``/api/pages/...`` routes serve what drawing needs beyond the DESIGN.md contract: all runs of
one tag in one request, smoothed over the full-resolution series before down-sampling (so the
curve does not change with zoom or run length, unlike TensorBoard's), and the run-comparison
table.
"""

from __future__ import annotations

import math
import pathlib
from typing import Annotated

import numpy as np
import plotly
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from board.assets import STATIC, TEMPLATES
from board.data.provider import DataProvider
from board.jsonutil import JSON, finite_list, float_name

PLOTLY_JS = pathlib.Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"

CSP = ("default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

DASHBOARDS = [
    ("scalars", "Scalars"),
    ("histograms", "Histograms"),
    ("distributions", "Distributions"),
    ("graphs", "Graphs"),
    ("text", "Text"),
    ("hparams", "HParams"),
    ("diagnostics", "Diagnostics"),
]
PLOTTING = {"scalars", "histograms", "distributions"}
MAX_POINTS_LIMIT = 20_000


def _provider(request: Request) -> DataProvider:
    return request.app.state.provider


def smooth(values: np.ndarray, weight: float) -> np.ndarray:
    """TensorBoard's debiased exponential moving average over the full series.

    ``last = last*w + (1-w)*y; n += 1; shown = last / (1 - w**n)``; non-finite values pass through
    unchanged and uncounted; a constant series is returned as is (the debiasing would otherwise
    add rounding noise to a flat line). Vectorised by blocks short enough that ``w**-k`` stays
    small, with the carry between blocks done in a short Python loop.
    """
    values = np.asarray(values, np.float64)
    out = values.copy()
    finite = np.isfinite(values)
    y = values[finite]
    if weight <= 0 or len(y) < 2 or np.all(y == y[0]):
        return out
    w = min(float(weight), 0.999)
    m = len(y)
    block = max(1, min(m, int(12 / -math.log10(w))))
    nb = -(-m // block)
    padded = np.zeros(nb * block)
    padded[:m] = y
    grid = padded.reshape(nb, block)
    j = np.arange(block)
    wj = w ** j
    # partial[b, i] = (1-w) * sum_{k<=i} w**(i-k) * y[b, k]
    partial = (1 - w) * wj * np.cumsum(grid * w ** -j.astype(np.float64), axis=1)
    carry = np.zeros(nb)
    wb = w ** block
    for b in range(1, nb):
        carry[b] = carry[b - 1] * wb + partial[b - 1, -1]
    last = partial + carry[:, None] * (w * wj)[None, :]
    n = np.arange(1, nb * block + 1)
    shown = (last.ravel() / (1 - w ** n))[:m]
    if not np.all(np.isfinite(shown)):  # overflow on huge values: fall back to the plain loop
        shown = np.empty(m)
        acc = 0.0
        for i, v in enumerate(y.tolist()):
            acc = acc * w + (1 - w) * v
            shown[i] = acc / (1 - w ** (i + 1))
    out[finite] = shown
    return out


def _downsample(step: np.ndarray, value: np.ndarray, max_points: int | None) -> np.ndarray | None:
    if max_points is None or len(step) <= max_points:
        return None
    from board.api.downsample import m4_indices

    return m4_indices(step, value, max_points)


def _series(provider: DataProvider, run: str, tag: str, smoothing: float, max_points: int | None):
    step, wall_time, value = provider.scalars(run, tag)
    smoothed = smooth(value, smoothing)
    keep = _downsample(step, value, max_points)
    bad = ~np.isfinite(value)
    if keep is not None:
        step, wall_time, value, smoothed = step[keep], wall_time[keep], value[keep], smoothed[keep]
    return {
        "run": run,
        "step": step.tolist(),
        "wall_time": wall_time.tolist(),
        "value": finite_list(value),
        "smoothed": finite_list(smoothed),
        "points": int(len(bad)),
        "nonfinite": int(bad.sum()),
    }


def _summary_row(provider: DataProvider, run: str, tag: str) -> dict:
    step, wall_time, value = provider.scalars(run, tag)
    finite = np.isfinite(value)
    row = {"run": run, "tag": tag, "points": int(len(step)), "nonfinite": int((~finite).sum()),
           "last": float_name(float(value[-1])), "last_step": int(step[-1]),
           "first_wall_time": float(wall_time[0]), "last_wall_time": float(wall_time[-1]),
           "min": None, "max": None, "min_step": None, "max_step": None}
    if finite.any():
        fv = np.where(finite, value, np.nan)
        lo, hi = int(np.nanargmin(fv)), int(np.nanargmax(fv))
        row.update(min=float(value[lo]), min_step=int(step[lo]),
                   max=float(value[hi]), max_step=int(step[hi]))
    return row


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


def install(app: FastAPI) -> None:
    """Add the page routes, the page-only API routes and the /static mount to ``app``."""
    templates = Jinja2Templates(directory=str(TEMPLATES))

    def page(request: Request, dashboard: str) -> Response:
        response = templates.TemplateResponse(request, "dashboard.html", {
            "dashboard": dashboard,
            "title": dict(DASHBOARDS)[dashboard],
            "dashboards": DASHBOARDS,
            "plotting": dashboard in PLOTTING,
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

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js():
        return FileResponse(PLOTLY_JS, media_type="text/javascript",
                            headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/api/pages/scalars", response_class=JSON)
    def tag_scalars(request: Request, tag: str,
                    run: Annotated[list[str], Query()],
                    smoothing: Annotated[float, Query(ge=0, le=0.999)] = 0.6,
                    max_points: Annotated[int | None, Query(ge=4, le=MAX_POINTS_LIMIT)] = None):
        """Every asked run's curve of one tag, raw and smoothed, down-sampled alike."""
        provider = _provider(request)
        series, missing = [], []
        for r in run:
            try:
                series.append(_series(provider, r, tag, smoothing, max_points))
            except LookupError:
                missing.append(r)
        return JSON({"tag": tag, "smoothing": smoothing, "series": series, "missing": missing})

    @app.get("/api/pages/summary", response_class=JSON)
    def scalar_summary(request: Request):
        """Last, min and max of every (run, scalar tag): the run-comparison table."""
        provider = _provider(request)
        rows = []
        for r, kinds in provider.tags().items():
            for tag in kinds.get("scalars", []):
                try:
                    rows.append(_summary_row(provider, r, tag))
                except LookupError:
                    pass
        return JSON({"rows": rows})

    app.mount("/static", _Static(directory=str(STATIC)), name="static")
