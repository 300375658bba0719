"""The meshes dashboard in Chromium, on meshes PyTorch's SummaryWriter.add_mesh wrote (a
coloured tetrahedron over three steps, a batch of two point clouds) and malformed ones."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.board.meshes import STEPS, write_bad, write_torch
from tests.browser.conftest import Server, screenshot, wait_for

CARD = 'article.card[data-run="{run}"][data-tag="{tag}"]'
DRAWN = "([sel, step]) => document.querySelector(sel + ' .meshes-body')?.dataset.drawnStep === step"
EYE = "(sel) => { const e = document.querySelector(sel + ' .mesh-view')._fullLayout.scene.camera.eye; " \
      "return [e.x, e.y, e.z]; }"


@pytest.fixture(scope="module")
def mesh_board(tmp_path_factory):
    root = tmp_path_factory.mktemp("meshes")
    write_torch(root)
    write_bad(root)
    with Server(root) as server:
        yield server


def pixels(page, sel: str) -> np.ndarray:
    """The plot as the user sees it (WebGL canvases read back through a screenshot)."""
    png = page.locator(sel + " .mesh-view").screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def coloured(image: np.ndarray) -> int:
    """Pixels that are neither background white nor the grey of the axes: the mesh's own."""
    spread = image.max(axis=2) - image.min(axis=2)
    return int((spread > 60).sum())


def test_a_mesh_is_drawn_its_steps_move_and_it_rotates(page, mesh_board):
    page.goto(f"{mesh_board.url}/meshes")
    card = CARD.format(run="torch", tag="tetra")
    wait_for(page, DRAWN, arg=[card, str(STEPS - 1)], timeout=30)
    assert page.locator('.tabs a[data-tab="meshes"]').is_visible()
    assert page.locator(card + " .mesh-view canvas").count() > 0
    newest = pixels(page, card)
    assert coloured(newest) > 2000  # red, green, blue and yellow vertices, blended over the faces
    assert "4 vertices · 4 faces" in page.locator(card + " .mesh-note").inner_text()

    slider = page.get_by_role("slider", name="Step of tetra in torch")
    slider.focus()
    page.keyboard.press("Home")
    wait_for(page, DRAWN, arg=[card, "0"])
    assert page.locator(card + " .step-label").inner_text() == "step 0"
    first = pixels(page, card)
    assert coloured(first) > 500 and np.abs(first - newest).sum() > 0  # a smaller tetrahedron

    before = page.evaluate(EYE, card)
    box = page.locator(card + " .mesh-view").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 80, y + 30, steps=8)
    page.mouse.up()
    moved = f"([sel, b]) => {{ const e = ({EYE})(sel); return e.some((v, i) => Math.abs(v - b[i]) > 1e-6); }}"
    wait_for(page, moved, arg=[card, before])
    assert np.abs(pixels(page, card) - first).sum() > 0
    page.locator(card + " .mesh-reset").click()
    wait_for(page, f"(sel) => {{ const e = ({EYE})(sel); return Math.abs(e[0] - {before[0]}) < 1e-9; }}",
             arg=card)
    screenshot(page, "meshes")


def test_point_clouds_samples_wireframe_and_problems(page, mesh_board):
    page.goto(f"{mesh_board.url}/meshes?wireframe=1")
    cloud = CARD.format(run="torch", tag="cloud")
    wait_for(page, DRAWN, arg=[cloud, str(STEPS - 1)], timeout=30)
    assert page.get_by_label("Wireframe").is_checked()
    assert "300 vertices · point cloud" in page.locator(cloud + " .mesh-note").inner_text()
    assert coloured(pixels(page, cloud)) > 300  # the points, in their own colours
    picker = page.get_by_label("Sample of cloud in torch")
    assert picker.locator("option").count() == 2
    picker.select_option("1")
    wait_for(page, f"() => document.querySelector('{cloud} .meshes-body').dataset.drawnSample === '1'")
    assert "sample=" not in page.url
    tetra = CARD.format(run="torch", tag="tetra")
    wait_for(page, DRAWN, arg=[tetra, str(STEPS - 1)])
    kinds = page.evaluate(f"() => document.querySelector('{tetra} .mesh-view').data"
                          ".map(t => t.mode ?? t.type)")
    assert kinds == ["lines", "markers"]  # the faces' edges and the vertices, no surface
    page.get_by_label("Wireframe").uncheck()
    assert "wireframe" not in page.url
    wait_for(page, f"() => document.querySelector('{tetra} .mesh-view').data[0].type === 'mesh3d'")
    bad = CARD.format(run="bad", tag="bad_faces")
    page.locator(bad).scroll_into_view_if_needed()
    wait_for(page, DRAWN, arg=[bad, "1"])
    message = page.locator(bad + " .mesh-view").inner_text()
    assert "refers to vertex 5, but there are only 3 vertices" in message


def test_a_card_at_the_newest_step_follows_new_steps(page, tmp_path):
    from engine.summary import SummaryWriter
    from tests.board.meshes import TETRA_F, tetra

    with SummaryWriter(tmp_path / "live") as w:
        for step in range(2):
            w.add_mesh("live", vertices=tetra(step), faces=TETRA_F, global_step=step)
        w.flush()
        with Server(tmp_path, reload_interval=1, page=page) as server:
            page.goto(f"{server.url}/meshes")
            card = CARD.format(run="live", tag="live")
            wait_for(page, DRAWN, arg=[card, "1"], timeout=30)
            w.add_mesh("live", vertices=tetra(5), faces=TETRA_F, global_step=5)
            w.flush()
            wait_for(page, DRAWN, arg=[card, "5"], timeout=20)
            assert page.locator(card + " .step-slider").get_attribute("max") == "2"
            assert page.locator(card + " .step-label").inner_text() == "step 5"
