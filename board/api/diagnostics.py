"""Training-health findings (issue 7): ``GET /api/diagnostics[?run=R]``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from board.jsonutil import JSON

router = APIRouter(prefix="/api", tags=["diagnostics"], default_response_class=JSON)


def diagnostics_impl(monitor, run: str | None = None) -> dict:
    return {"findings": [f.to_dict() for f in monitor.findings(run)]}


@router.get("/diagnostics")
def diagnostics(request: Request,
                run: Annotated[str | None, Query(min_length=1, max_length=65536)] = None):
    """``{"findings": [{"run", "tag", "kind", "severity", "step", "message", "cause", "evidence",
    "advice", "tags"}]}``, errors first (the last four added by issue 18)."""
    return JSON(diagnostics_impl(request.app.state.health, run))
