"""The graph page's selector over every graph a run holds (function traces, TF1 run metadata,
PyTorch's add_graph, written in the test by the real libraries), colouring by the step stats,
PNG/SVG downloads, search cleared on a run change, and TF1's meta graph."""

from __future__ import annotations

import pytest

from tests.board.graph_runs import FUNCTION_TAG, TF1_TAG
from tests.browser.conftest import Server, screenshot, wait_for

DRAWN = "() => document.getElementById('graph').dataset.nodes"


@pytest.fixture(scope="module")
def graph_board(graph_logdir):
    with Server(graph_logdir) as server:
        yield server


def options(page, label):
    select = page.get_by_label(label, exact=True)
    return select.locator("option").evaluate_all("os => os.map(o => o.textContent)")


def test_selector_offers_each_graph_and_colours_by_compute_time(page, graph_board):
    page.goto(f"{graph_board.url}/graphs?run=tf1_session")
    wait_for(page, DRAWN)
    assert options(page, "Graph") == ["Op graph", f"Run metadata: {TF1_TAG}"]
    colour_by = page.get_by_label("Colour by", exact=True)
    assert colour_by.locator("option:disabled").count() == 2     # no stats on the plain op graph
    page.get_by_label("Graph", exact=True).select_option(f"run_metadata:{TF1_TAG}")
    page.wait_for_url(f"**graph=run_metadata%3A{TF1_TAG}**")
    colour_by.select_option("memory")
    page.wait_for_url("**colour=memory**")
    wait_for(page, "() => document.getElementById('graph-legend').textContent.includes('KiB')")
    legend = page.locator("#graph-legend")
    assert "Memory" in legend.inner_text() and "32.0 KiB" in legend.inner_text()
    # The small graph opens expanded: the 32x256 float MatMul output is the most memory, the
    # darkest fill.
    fills = page.locator("g.node[data-value]").evaluate_all(
        "gs => gs.map(g => [g.dataset.name, Number(g.dataset.value), g.querySelector('rect').style.fill])")
    top = max(fills, key=lambda f: f[1])
    assert top[0] == "dense/MatMul" and top[1] == 32 * 256 * 4 and top[2] == "rgb(232, 112, 40)"
    page.get_by_role("button", name="dense/MatMul (MatMul)").click()
    inspector = page.get_by_role("complementary", name="Node inspector")
    assert inspector.locator('[data-field="memory"]').inner_text() == "32.0 KiB"
    assert inspector.locator('[data-field="compute"]').inner_text().endswith("µs")
    screenshot(page, "graphs-run-metadata-memory")
    # Reload: the choice of graph, colouring and the open scopes (a repeated parameter) come back.
    page.reload()
    wait_for(page, "() => document.querySelector('g.node[data-value]')")
    assert page.get_by_label("Graph", exact=True).input_value() == f"run_metadata:{TF1_TAG}"
    assert page.get_by_label("Colour by", exact=True).input_value() == "memory"


def test_function_trace_and_torch_graph_and_search_cleared_on_run_change(page, graph_board):
    page.goto(f"{graph_board.url}/graphs?run=tf2_trace")
    wait_for(page, DRAWN)
    assert options(page, "Graph") == [f"Function trace: {FUNCTION_TAG}"]
    # TensorFlow's trace may also hold functions other tests in the process ran (graph_57/MatMul);
    # with several graphs each is under a graph_N scope, with one it is not. The search shows 50
    # hits at most, so "matmul" alone may list only theirs: the query names the scope.
    page.get_by_label("Search", exact=True).fill("layer/matmul")
    hits = page.get_by_role("list", name="Matching nodes").get_by_role("button")
    hits.first.wait_for()
    assert any(t == "layer/matmul" or t.endswith("/layer/matmul") for t in hits.all_inner_texts())
    wait_for(page, "() => document.querySelector('g.node.match')")
    screenshot(page, "graphs-function-trace")
    page.get_by_label("Run", exact=True).select_option("torch")
    wait_for(page, "() => document.querySelector('g.node[aria-label^=\"scope Sequential\"], "
                   "g.node[data-name^=\"Sequential\"]')")
    assert page.get_by_label("Search", exact=True).input_value() == ""
    assert page.get_by_role("list", name="Matching nodes").locator("li").count() == 0
    assert page.locator("g.node.match").count() == 0
    assert options(page, "Graph") == ["Op graph", "Run metadata: step1"]
    screenshot(page, "graphs-torch")
    page.get_by_label("Run", exact=True).select_option("tf1_meta_graph")   # add_meta_graph only
    wait_for(page, "() => document.querySelector('g.node[aria-label^=\"scope meta\"]')")
    assert options(page, "Graph") == ["Op graph (meta graph)"]
    screenshot(page, "graphs-meta-graph")


def test_downloads_are_standalone_svg_and_png(page, graph_board, tmp_path):
    page.goto(f"{graph_board.url}/graphs?run=tf1_session")
    wait_for(page, DRAWN)
    with page.expect_download() as svg_download:
        page.get_by_role("button", name="Download SVG").click()
    svg = svg_download.value
    assert svg.suggested_filename == "tf1_session_op.svg"
    text = pathlib_bytes(svg).decode()
    assert text.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in text
    assert "dense" in text and "fill:" in text            # the look travels with the file
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Download PNG").click()
    png = pathlib_bytes(png_download.value)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 100 and height > 100
    # The PNG is drawn, not blank: its pixels differ (decoded by the browser itself).
    distinct = page.evaluate("""async (b64) => {
        const img = new Image(); img.src = 'data:image/png;base64,' + b64; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] << 16 | d[i + 1] << 8 | d[i + 2]);
        return seen.size; }""", __import__("base64").b64encode(png).decode())
    assert distinct > 3


def pathlib_bytes(download) -> bytes:
    with open(download.path(), "rb") as f:
        return f.read()


def test_edge_and_node_labels_do_not_overlap(page, graph_board):
    page.goto(f"{graph_board.url}/graphs?run=tf1_session")
    wait_for(page, DRAWN)
    page.get_by_role("button", name="Expand all").click()
    wait_for(page, "() => document.querySelectorAll('g.node[data-kind=\"op\"]').length >= 10 "
                   "&& document.getElementById('graph-busy').hidden")
    boxes = page.evaluate("""() => [...document.querySelectorAll('#graph text')]
        .filter(t => t.textContent).map((t, i) => { const b = t.getBoundingClientRect();
          const owner = t.closest('g.node')?.dataset.id ?? `edge label ${i}`;
          return [owner, t.textContent, b.left, b.top, b.right, b.bottom]; })""")
    # A node's name and its op under it are one label; any two labels of different things must
    # not share a pixel.
    overlaps = [(a[1], b[1]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a[0] != b[0]
                and a[2] < b[4] - 0.5 and b[2] < a[4] - 0.5 and a[3] < b[5] - 0.5 and b[3] < a[5] - 0.5]
    assert not overlaps
    screenshot(page, "graphs-tf1-expanded")


def _write_two_function_trace(logdir) -> None:
    import tensorflow as tf

    w = tf.constant([[1.0, 2.0], [3.0, 4.0]])

    @tf.function
    def first(x):
        with tf.name_scope("layer"):
            return tf.matmul(x, w, name="matmul")

    @tf.function
    def second(x):  # more than the 60 ops a graph may hold to open fully expanded
        for _ in range(70):
            x = x + 1.0
        return tf.nn.relu(x, name="other")

    writer = tf.summary.create_file_writer(str(logdir / "two"))
    tf.summary.trace_on(graph=True, profiler=False)
    first(tf.ones((2, 2)))
    second(tf.ones((2, 2)))
    with writer.as_default():
        tf.summary.trace_export(name="two_functions", step=0)
    writer.close()


def test_search_marks_the_collapsed_scope_that_holds_a_match(page, tmp_path):
    """With several traced functions each graph sits in a collapsed graph_N scope (or the
    graph_[1-5] series of them): a hit inside marks it, so the search shows where its matches are
    before they are opened; clicking the hit opens the way to it."""
    _write_two_function_trace(tmp_path)
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/graphs?run=two")
        wait_for(page, DRAWN)
        page.get_by_label("Search", exact=True).fill("layer/matmul")
        wait_for(page, "() => document.querySelector('g.node.match')")
        marked = page.locator("g.node.match").evaluate_all(
            "gs => gs.map(g => [g.dataset.kind, g.dataset.name])")
        assert marked and all(kind != "op" and name.startswith("graph_") for kind, name in marked)
        hits = page.get_by_role("list", name="Matching nodes").get_by_role("button").all_inner_texts()
        assert hits and all(h.startswith("graph_") and h.endswith("/layer/matmul") for h in hits)
        screenshot(page, "graphs-search-in-collapsed-series")
        page.get_by_role("list", name="Matching nodes").get_by_role("button").first.click()
        wait_for(page, "() => document.querySelector('g.node.match[data-kind=\"op\"]')")
