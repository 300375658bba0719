"""The custom scalars dashboard in Chromium: the merged layout of the runs PyTorch and our
writer wrote (tests/board/curves.py), multiline and margin charts."""

from __future__ import annotations

from engine.summary import SummaryWriter
from tests.board.media import XSS_TAG
from tests.browser.conftest import Server, charts_drawn, screenshot, wait_for

TRACES = """() => Object.fromEntries([...document.querySelectorAll('article.card')].map(c => {
  const p = c.querySelector('.plot');
  return [c.dataset.chart, p.dataset.drawn ? p.data.map(t => ({y0: t.y[0], fill: t.fill || null,
    color: t.line.color})) : null]; }))"""


def test_categories_multiline_and_margin_charts(page, curves_board):
    page.goto(f"{curves_board.url}/custom_scalars")
    charts_drawn(page, 5)
    groups = page.locator("#groups > section.group .group-head span:nth-child(2)").all_inner_texts()
    assert groups == ["losses", "ours only", "accuracy"]            # TensorBoard's merge order
    charts = wait_for(page, TRACES)
    assert len(charts["both"]) == 4                                 # loss/train, loss/val x 2 runs
    assert sorted(round(t["y0"], 4) for t in charts["both"]) == [0.8, 1.0, 1.0, 1.25]
    assert [round(t["y0"], 4) for t in charts["train only"]] == [0.8, 1.0]  # loss/train$, both runs
    assert len(charts["mean"]) == 2
    margin = charts[XSS_TAG]                                        # lower, upper (filled), value per run
    assert [t["fill"] for t in margin] == [None, "tonexty", None] * 2
    assert [round(t["y0"], 3) for t in margin[:3]] == [0.36, 0.464, 0.4]  # the run "ours"
    assert margin[0]["color"] == margin[2]["color"] != margin[3]["color"]
    assert page.locator("article.card h3").filter(has_text=XSS_TAG).inner_text() == XSS_TAG
    assert page.locator("main img").count() == 0
    assert "not valid regexes: (bad" in page.locator('article.card[data-chart="val"]').inner_text()
    screenshot(page, "custom_scalars")
    page.locator(f'article.card[data-chart="{XSS_TAG}"]').scroll_into_view_if_needed()
    screenshot(page, "custom_scalars_margin")


def test_the_tabs_are_hidden_without_pr_curves_or_layouts(page, tmp_path):
    with SummaryWriter(tmp_path / "run") as w:
        w.add_text("notes", "hello", 0)
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/text")
        wait_for(page, "() => document.querySelector('.text-entries li')")
        assert page.locator('.tabs a[data-tab="text"]').is_visible()
        assert page.locator('.tabs a[data-tab="pr_curves"]').is_hidden()
        assert page.locator('.tabs a[data-tab="custom_scalars"]').is_hidden()
