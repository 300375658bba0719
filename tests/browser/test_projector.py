"""The projector page in Chromium: points drawn, coloured by a metadata column, searched,
and a clicked point's neighbours listed (all from its own cluster)."""

from __future__ import annotations

import pytest

from tests.board.embeddings import write_embeddings
from tests.browser.conftest import Server, screenshot, wait_for


@pytest.fixture(scope="module")
def projector_board(tmp_path_factory):
    root = tmp_path_factory.mktemp("projector")
    write_embeddings(root)
    with Server(root) as server:
        yield server


def test_projector_draws_colours_searches_and_lists_neighbours(projector_board, page):
    page.goto(f"{projector_board.url}/projector?run=ours&tensor=clusters:00007&dims=2")
    assert wait_for(page, "() => document.getElementById('pj-plot').dataset.drawn") == "120"
    assert "PCA: variance explained PC1" in page.text_content("#pj-info")
    assert page.is_visible('.tabs a[data-tab="projector"]')
    page.select_option("#pj-color", "cluster")
    wait_for(page, "() => document.getElementById('pj-plot').dataset.traces.startsWith('cluster0,cluster1')")
    assert "color=cluster" in page.url
    page.fill("#pj-search", "^c2_")
    assert wait_for(page, "() => document.getElementById('pj-plot').dataset.matches") == "30"
    page.fill("#pj-search", "")
    wait_for(page, "() => document.getElementById('pj-plot').dataset.matches === ''")
    # A real click on a drawn point of cluster 1 (the first point of that trace).
    box = page.locator(".scatterlayer .trace").nth(1).locator("path.point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for(page, "() => document.querySelectorAll('#pj-neighbors .pj-euclidean li').length === 10")
    for metric in ("cosine", "euclidean"):
        names = page.locator(f"#pj-neighbors .pj-{metric} li button").all_text_contents()
        assert len(names) == 10 and all(n.startswith("c1_") for n in names), names
    assert "point=" in page.url
    screenshot(page, "projector")
