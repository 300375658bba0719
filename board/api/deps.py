"""What every route depends on: the app's data provider, and the shared query parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from board.data.provider import DataProvider


def get_provider(request: Request) -> DataProvider:
    return request.app.state.provider


Provider = Annotated[DataProvider, Depends(get_provider)]
Run = Annotated[str, Query(min_length=1, max_length=65536, description="run name, as /api/runs lists it")]
Tag = Annotated[str, Query(min_length=1, max_length=65536, description="tag name, as /api/tags lists it")]
