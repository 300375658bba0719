"""What every route depends on: the app's data provider, and the shared query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from board.data.provider import DataProvider


async def get_provider(request: Request) -> DataProvider:
    # async: FastAPI runs a plain-def dependency in its thread pool, a hop per request that
    # costs more CPU than a cheap route itself (/api/status: about half of it).
    return request.app.state.provider


Provider = Annotated[DataProvider, Depends(get_provider)]
Run = Annotated[str, Query(min_length=1, max_length=65536, description="run name, as /api/runs lists it")]
Tag = Annotated[str, Query(min_length=1, max_length=65536, description="tag name, as /api/tags lists it")]
