"""HTML pages and static files of the dashboard (filled in by the dashboard work, issue 6)."""

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Add the page routes and the /static mount to ``app``."""
