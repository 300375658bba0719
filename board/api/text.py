"""Text summaries: each record's Markdown source and its safe HTML (``board.api.markdown``)."""

from __future__ import annotations

from fastapi import APIRouter

from board.api import markdown
from board.api.deps import Provider, Run, Tag
from board.data.provider import DataProvider
from board.jsonutil import JSON, float_name

router = APIRouter(prefix="/api", tags=["text"], default_response_class=JSON)


def text_impl(provider: DataProvider, run: str, tag: str) -> dict:
    return {"run": run, "tag": tag,
            "text": [{"step": t.step, "wall_time": float_name(t.wall_time), "value": t.value,
                      "html": markdown.render_table(t.rows) if t.rows else markdown.render(t.value),
                      "table": t.rows is not None}
                     for t in provider.text(run, tag)]}


@router.get("/text")
def text(provider: Provider, run: Run, tag: Tag):
    return JSON(text_impl(provider, run, tag))
