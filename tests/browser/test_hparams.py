"""The HParams dashboard in Chromium: the table with filters and sorting, parallel coordinates and
the scatter matrix, on sessions PyTorch's own SummaryWriter.add_hparams wrote in this test run;
hostile names and values are shown as text, never run."""

from __future__ import annotations

import urllib.parse

import pytest
from torch.utils.tensorboard import SummaryWriter as TorchWriter

from tests.browser.conftest import Server, screenshot, wait_for

HOSTILE = "<img src=x onerror=alert(1)>"
SESSIONS = [(lr, opt, 1 / (1 + 10 * lr) + (0.1 if opt == "sgd" else 0))
            for lr in (0.001, 0.01, 0.1) for opt in ("adam", "sgd", HOSTILE)]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hparams")
    for i, (lr, opt, loss) in enumerate(SESSIONS):
        with TorchWriter(str(root / f"run{i}")) as w:
            extra = {HOSTILE: "x"} if i == 0 else {}  # a hostile name too
            w.add_hparams({"lr": lr, "optimizer": opt, "batch": 32 * (i % 2 + 1), **extra},
                          {"hparam/loss": loss, "hparam/accuracy": 1 - loss}, run_name=".")
    with Server(root) as s:
        yield s


def rows(page) -> list[str]:
    table = page.get_by_role("region", name="Hyperparameters and metrics")
    table.locator("tbody tr").first.wait_for()
    return table.locator("tbody tr").evaluate_all("rs => rs.map(r => r.dataset.run)")


def test_table_filters_sort_and_keep_them_in_the_url(page, server):
    page.goto(f"{server.url}/hparams")
    assert len(rows(page)) == 9
    assert page.locator("#session-count").inner_text() == "9 of 9 sessions"
    # The hostile optimizer value is a filter tick and a cell, as text.
    assert page.get_by_label(HOSTILE).count() == 1
    assert page.get_by_role("button", name=HOSTILE).count() == 1  # the column of the hostile name
    assert page.get_by_role("cell", name=HOSTILE).count() == 3
    page.locator('.hp-filter[data-key="h:optimizer"]').get_by_label("sgd").uncheck()
    wait_for(page, "() => document.getElementById('session-count').textContent === '6 of 9 sessions'")
    page.get_by_label("lr min").fill("0.005")
    wait_for(page, "() => document.getElementById('session-count').textContent === '4 of 9 sessions'")
    page.get_by_role("button", name="hparam/loss").click()
    losses = page.locator("tbody tr td:last-child").all_inner_texts()
    assert [float(x) for x in losses] == sorted(float(x) for x in losses)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["sort"] == ["m:hparam/loss"] and '"exclude": ["sgd"]' not in query["filters"][0]
    page.reload()  # the filters come back from the URL
    wait_for(page, "() => document.getElementById('session-count').textContent === '4 of 9 sessions'")
    assert not page.locator('.hp-filter[data-key="h:optimizer"]').get_by_label("sgd").is_checked()
    screenshot(page, "hparams")
    page.get_by_role("button", name="Clear filters").click()
    wait_for(page, "() => document.getElementById('session-count').textContent === '9 of 9 sessions'")


def test_each_session_links_to_its_runs_curves(page, server):
    page.goto(f"{server.url}/hparams")
    rows(page)
    link = page.get_by_role("link", name="run4", exact=True)
    colour = page.locator('tr[data-run="run4"] .swatch').evaluate("e => e.style.background")
    link.click()
    page.wait_for_url("**/scalars?runs=*")
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["runs"] == ["^run4$"]
    swatch = page.locator("#run-list li").filter(has_text="run4").locator(".swatch")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == colour


def test_parallel_coordinates_brush_filters(page, server):
    page.goto(f"{server.url}/hparams?view=parallel")
    plot = page.get_by_role("figure", name="Parallel coordinates")
    plot.locator(".parcoords").first.wait_for()
    labels = plot.locator(".axis-title").all_text_contents()
    assert {"lr", "optimizer", "batch", "hparam/loss", HOSTILE} <= set(labels)
    ticks = plot.locator(".tick text").all_text_contents()
    assert HOSTILE in ticks, [t for t in ticks if not t[:1].isdigit()]  # drawn as text, never parsed
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    # A brush on an axis is a range filter (set here through plotly, as a drag would).
    page.evaluate("""() => { const p = document.querySelector('.hp-plot');
        const i = p.data[0].dimensions.findIndex(d => d.label === 'lr');
        Plotly.restyle(p, {[`dimensions[${i}].constraintrange`]: [[0.05, 0.2]]}); }""")
    wait_for(page, "() => document.getElementById('session-count').textContent === '3 of 9 sessions'")
    assert page.get_by_label("lr min").input_value() == "0.05"
    screenshot(page, "hparams-parallel")


def test_scatter_matrix_of_numeric_columns(page, server):
    page.goto(f"{server.url}/hparams?view=scatter")
    plot = page.get_by_role("figure", name="Scatter matrix")
    plot.locator(".splom, .scatterlayer, canvas").first.wait_for()
    dims = page.evaluate("() => document.querySelector('.hp-plot').data[0].dimensions.map(d => d.label)")
    assert sorted(dims) == ["batch", "hparam/accuracy", "hparam/loss", "lr"]
    colours = page.evaluate("() => new Set(document.querySelector('.hp-plot').data[0].marker.color).size")
    assert colours == 9
    screenshot(page, "hparams-scatter")
