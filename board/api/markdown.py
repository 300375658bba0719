"""Text summaries as HTML that is safe to insert: Markdown rendered by markdown-it-py with raw HTML
off (a ``<script>`` in the source comes out as text), its link check on (``javascript:``,
``vbscript:`` and ``data:`` links stay text) and images off (no request leaves the page, nothing
the CSP would block). A 2-D text tensor becomes a table, each cell rendered inline, as
TensorBoard's text dashboard shows it."""

from __future__ import annotations

import functools


def _links_open_safely(renderer, tokens, idx, options, env):
    tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
    tokens[idx].attrSet("target", "_blank")
    return renderer.renderToken(tokens, idx, options, env)


@functools.cache
def _markdown():
    """The one renderer, made at the first text asked for (importing markdown-it-py took 47 ms of
    the board's start, which most logdirs never need)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]).disable("image")
    md.add_render_rule("link_open", _links_open_safely)
    return md


@functools.lru_cache(maxsize=4096)
def render(source: str) -> str:
    """The HTML of one Markdown text."""
    return _markdown().render(source)


def render_table(rows: list[list[str]]) -> str:
    """A 2-D text tensor as an HTML table: the first row is the header only when there are
    several rows, as TensorBoard shows them."""
    md = _markdown()

    def cells(row, tag):
        return "".join(f"<{tag}>{md.renderInline(cell)}</{tag}>" for cell in row)

    head = f"<thead><tr>{cells(rows[0], 'th')}</tr></thead>" if len(rows) > 1 else ""
    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in (rows[1:] if len(rows) > 1 else rows))
    return f"<table>{head}<tbody>{body}</tbody></table>"
