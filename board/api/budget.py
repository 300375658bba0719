"""What one response may carry, checked before the work is done (SECURITY.md lists the bounds).

A JSON answer holds at most ``MAX_RESPONSE_POINTS`` scalar points (about 40 MB of JSON): more is
refused with a 400 naming the way to ask for less (``max_points``, fewer runs, or the download,
which streams). The pages ask for at most 2,000 points per run.
"""

from __future__ import annotations

from fastapi import HTTPException

MAX_RESPONSE_POINTS = 1_000_000
MAX_DOWNLOAD_POINTS = 10_000_000  # streamed as text; the columns copied once (24 bytes a point)
MAX_RUNS_PER_REQUEST = 500  # runs of one /api/pages/scalars request (board.security.REPEATABLE)


def answer_points(points: int, max_points: int | None) -> int:
    """Points in the answer for a series of ``points`` down-sampled to ``max_points``."""
    return points if max_points is None else min(points, max_points)


def check_points(total: int, what: str, limit: int | None = None) -> None:
    limit = MAX_RESPONSE_POINTS if limit is None else limit
    if total > limit:
        raise HTTPException(400, f"{what} would hold {total:,} points, more than the {limit:,} "
                                 "a response may carry: pass max_points (M4 down-sampling keeps "
                                 "each bucket's extremes), ask for fewer runs, or use "
                                 "/api/scalars/download")
