"""Which runs and tags exist, and how loading is going."""

from __future__ import annotations

from fastapi import APIRouter

from board.api.deps import Provider
from board.data.provider import DataProvider
from board.jsonutil import JSON

router = APIRouter(prefix="/api", tags=["runs"], default_response_class=JSON)


def runs_impl(provider: DataProvider) -> dict:
    return {"runs": provider.run_names()}


def tags_impl(provider: DataProvider) -> dict:
    return {"runs": provider.tags()}


def status_impl(provider: DataProvider) -> dict:
    return provider.status()


@router.get("/runs")
def runs(provider: Provider):
    return JSON(runs_impl(provider))


@router.get("/tags")
def tags(provider: Provider):
    return JSON(tags_impl(provider))


@router.get("/status")
async def status(provider: Provider):
    # async: no thread-pool hop for a page's (and a waiting client's) most frequent request;
    # it only copies counters, each run's under that run's lock, which a reload holds for one
    # batch of at most FLUSH_EVERY events (board.ingest.loader).
    return JSON(status_impl(provider))
