"""Custom scalars: the layouts of all runs merged as TensorBoard's custom_scalars plugin merges
them (tensorboard/plugins/custom_scalar/custom_scalars_plugin.py ``layout_impl``): runs in name
order, the first layout as is, then each later category either appended or, when one of that
title exists, its charts added unless an equal chart is there already.

The server also says which scalar tags each chart shows, per run: a multiline chart's entries
are regular expressions matched with Python's ``re.match`` against each run's scalar tags (as
the plugin's ``scalars_impl`` does), a margin chart's value/lower/upper are tag names. The
curves themselves come from ``/api/pages/scalars``.
"""

from __future__ import annotations

import copy
import re

from fastapi import APIRouter

from board.api.deps import Provider
from board.data.provider import DataProvider
from board.jsonutil import JSON

router = APIRouter(prefix="/api", tags=["custom_scalars"], default_response_class=JSON)
MAX_REGEX_LENGTH = 1000


def merge_layouts(layouts: dict[str, dict]) -> dict:
    """One layout from {run: layout}; {} when no run has one."""
    merged: dict | None = None
    by_title: dict[str, dict] = {}
    for run in sorted(layouts):
        layout = copy.deepcopy(layouts[run])
        categories = layout.get("category", [])
        if merged is None:
            merged = layout
            for category in categories:
                by_title.setdefault(category.get("title", ""), category)
            continue
        for category in categories:
            title = category.get("title", "")
            seen = by_title.get(title)
            if seen is None:
                merged.setdefault("category", []).append(category)
                by_title[title] = category
            else:
                charts = seen.setdefault("chart", [])
                charts.extend(c for c in category.get("chart", []) if c not in charts)
    return merged or {}


def _compiled(pattern: str):
    if len(pattern) > MAX_REGEX_LENGTH:
        return None
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def _annotate(chart: dict, run_tags: dict[str, list[str]]) -> None:
    if "multiline" in chart:
        regexes = [(p, _compiled(p)) for p in chart["multiline"].get("tag", [])]
        chart["invalid"] = [p for p, rx in regexes if rx is None]
        valid = [rx for _, rx in regexes if rx is not None]
        chart["matches"] = {run: hits for run, tags in run_tags.items()
                            if (hits := [t for t in tags if any(rx.match(t) for rx in valid)])}
    elif "margin" in chart:
        for series in chart["margin"].get("series", []):
            series["runs"] = [run for run, tags in run_tags.items() if series.get("value") in tags]


def custom_scalars_impl(provider: DataProvider) -> dict:
    layouts = provider.custom_scalars_layouts()
    layout = merge_layouts(layouts)
    run_tags = {}
    for run in provider.run_names():
        try:
            run_tags[run] = provider.scalar_tags(run)
        except LookupError:  # the run went away meanwhile
            pass
    for category in layout.get("category", []):
        for chart in category.get("chart", []):
            _annotate(chart, run_tags)
    return {"layout": layout, "runs": sorted(layouts)}


@router.get("/custom_scalars")
def custom_scalars(provider: Provider):
    return JSON(custom_scalars_impl(provider))
