"""The projector page in Chromium: points drawn, coloured by a metadata column, searched,
and a clicked point's neighbours listed (all from its own cluster)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.board.embeddings import knn_agreement, write_embeddings
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
    page.goto(f"{projector_board.url}/projector?run=ours&tensor=clusters:00007&dims=2&method=custom"
              "&label=cluster&xl=cluster0&xr=cluster1")
    assert wait_for(page, "() => document.getElementById('pj-plot').dataset.drawn") == "120"
    assert page.text_content("#pj-info").startswith("Custom: x from /cluster0/ to /cluster1/ on cluster")


def test_projector_tsne_in_3d_with_sprite_thumbnails(projector_board, page):
    page.goto(f"{projector_board.url}/projector?run=torch&tensor=table:00002&method=tsne&iterations=300&color=cluster")
    wait_for(page, "() => document.getElementById('pj-plot').dataset.tsne === 'done'", timeout=60)
    assert page.text_content("#pj-info").startswith("t-SNE: iteration 300 of 300")
    assert page.locator("#pj-plot .gl-container canvas").count() >= 1  # scatter3d drew with WebGL
    assert page.input_value("#pj-label") == "name"
    # The drawn layout keeps the clusters apart: each point's nearest drawn points share its colour.
    drawn = page.evaluate("""() => document.getElementById('pj-plot').data
        .filter((t) => /^cluster/.test(t.name)).map((t) => ({name: t.name, x: t.x, y: t.y, z: t.z}))""")
    assert [t["name"] for t in drawn] == [f"cluster{i}" for i in range(4)]
    points = np.array([p for t in drawn for p in zip(t["x"], t["y"], t["z"], strict=True)])
    labels = np.repeat(np.arange(4), [len(t["x"]) for t in drawn])
    assert knn_agreement(points, labels) > 0.95
    # A hovered point shows its sprite cell (plotly's hover event, as a 3-D scene gives it).
    shown = wait_for(page, """() => { const plot = document.getElementById('pj-plot');
        plot.emit('plotly_hover', {points: [{customdata: 5}]});
        const thumb = document.getElementById('pj-thumb');
        return !thumb.hidden && thumb.dataset.point; }""")
    assert shown == "5"
    pixel = page.evaluate("""() => Array.from(document.getElementById('pj-thumb').getContext('2d')
        .getImageData(48, 48, 1, 1).data)""")
    assert pixel[0] > 50 and pixel[1] < 10 and pixel[2] < 10  # point 5 is cluster 0: red channel
    screenshot(page, "projector_tsne_3d")


def test_without_embeddings_the_page_says_how_to_log_them_and_the_tab_stays_hidden(tmp_path, page):
    from tests.board.conftest import write_run

    write_run(tmp_path / "run", {"loss": [(0, 1.0)]})
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/scalars")
        wait_for(page, "() => document.querySelectorAll('.plot[data-drawn]').length >= 1")
        assert page.locator('.tabs a[data-tab="projector"]').is_hidden()
        page.goto(f"{server.url}/projector")
        text = wait_for(page, "() => !document.getElementById('message').hidden && "
                              "document.getElementById('message').textContent")
        assert "No embeddings in the selected runs" in text and "add_embedding" in text
