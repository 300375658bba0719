"""The scalars dashboard in Chromium: traces per run, smoothing, x axis, downloads, comparison."""

from __future__ import annotations

import math
import re
import time

import httpx
import numpy as np
import pytest

from board.api.smoothing import smooth
from engine.summary import SummaryWriter
from tests.browser.conftest import Server, charts_drawn, screenshot, wait_for
from tests.browser.logdirs import XSS_RUN, XSS_TAG

LOSS_RUNS = ["adam/train", "lr_0.01", "lr_0.1"]


def traces(page, tag: str) -> list[dict]:
    """The drawn traces of a tag's chart: run, role and y values."""
    return page.evaluate(
        """tag => { const p = [...document.querySelectorAll('.plot')].find(e => e.dataset.tag === tag);
                    return (p && p.data || []).map(t => ({run: t.meta.run, role: t.meta.role,
                                                         x: Array.from(t.x), y: Array.from(t.y)})); }""", tag)


LOSS_PLOT = "document.querySelector('.plot[data-tag=\"train/loss\"]')"


def layout(page, tag: str) -> dict:
    return page.evaluate(
        """tag => { const p = [...document.querySelectorAll('.plot')].find(e => e.dataset.tag === tag);
                    const l = p._fullLayout; return {xtype: l.xaxis.type, xtitle: l.xaxis.title.text,
                    ytype: l.yaxis.type, yrange: l.yaxis.range}; }""", tag)


def open_scalars(page, board, query: str = "", charts: int = 1) -> None:
    page.goto(f"{board.url}/scalars{query}")
    charts_drawn(page, charts)


def card(page, tag: str):
    return page.locator(f'article.card[data-tag="{tag}"]')


def wait_traces(page, tag: str, count: int) -> list[dict]:
    wait_for(page, """([tag, n]) => { const p = [...document.querySelectorAll('.plot')]
                      .find(e => e.dataset.tag === tag); return p && p.data && p.data.length === n; }""",
             arg=[tag, count])
    return traces(page, tag)


def test_one_chart_per_tag_overlaying_runs(page, board):
    open_scalars(page, board, charts=3)
    expect_tags = {"train/loss", "train/accuracy", "eval/loss", "edge/constant", "edge/nonfinite", XSS_TAG}
    assert set(page.locator("article.card").evaluate_all("cs => cs.map(c => c.dataset.tag)")) == expect_tags
    page.locator('article.card[data-tag="train/loss"]').scroll_into_view_if_needed()
    got = wait_traces(page, "train/loss", 6)   # a faint raw and a smoothed line per run
    assert sorted((t["run"], t["role"]) for t in got) == sorted(
        (r, role) for r in LOSS_RUNS for role in ("raw", "smoothed"))
    groups = page.locator("section.group .group-head span:nth-child(2)").all_inner_texts()
    assert groups == sorted(["edge", "eval", "train", XSS_TAG])
    page.evaluate("() => window.scrollTo(0, 0)")
    time.sleep(0.3)
    screenshot(page, "scalars")
    page.goto(f"{board.url}/scalars?tags=^(train|eval)/")   # the training curves, as a user opens them
    charts_drawn(page, 3)
    screenshot(page, "scalars-training")


def test_unticking_a_run_removes_its_traces_and_persists_in_url(page, board):
    open_scalars(page, board, "?tags=^train/loss$")
    wait_traces(page, "train/loss", 6)
    page.get_by_label("lr_0.01", exact=True).uncheck()
    got = wait_traces(page, "train/loss", 4)
    assert "lr_0.01" not in {t["run"] for t in got}
    assert "hide=lr_0.01" in page.url
    page.reload()
    charts_drawn(page, 1)
    assert not page.get_by_label("lr_0.01", exact=True).is_checked()
    assert "lr_0.01" not in {t["run"] for t in wait_traces(page, "train/loss", 4)}
    page.get_by_role("button", name="All", exact=True).click()
    wait_traces(page, "train/loss", 6)
    page.get_by_label("Filter runs (regex)").fill("^lr_")
    got = wait_traces(page, "train/loss", 4)
    assert {t["run"] for t in got} == {"lr_0.1", "lr_0.01"}
    assert page.locator("#run-list input[type=checkbox]").count() == 2


def test_smoothing_slider_changes_smoothed_values_exactly(page, board):
    open_scalars(page, board, "?tags=^train/loss$")
    raw = httpx.get(f"{board.url}/api/scalars", params={"run": "lr_0.1", "tag": "train/loss"}).json()
    values = np.array(raw["value"], dtype=float)

    def smoothed_of(run):
        return next(np.array(t["y"], dtype=float) for t in traces(page, "train/loss")
                    if t["run"] == run and t["role"] == "smoothed")

    wait_traces(page, "train/loss", 6)
    np.testing.assert_allclose(smoothed_of("lr_0.1"), smooth(values, 0.6), rtol=1e-9)
    before = smoothed_of("lr_0.1")
    page.evaluate("""() => { const s = document.getElementById('smoothing-slider');
                             s.value = '0.95'; s.dispatchEvent(new Event('input', {bubbles: true})); }""")
    wait_for(page, f"() => {LOSS_PLOT}.dataset.smoothing === '0.95'")
    after = smoothed_of("lr_0.1")
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, smooth(values, 0.95), rtol=1e-9)
    raw_line = next(t["y"] for t in traces(page, "train/loss") if t["run"] == "lr_0.1" and t["role"] == "raw")
    np.testing.assert_allclose(raw_line, values)
    assert page.locator("#smoothing").input_value() == "0.95"
    assert "smoothing=0.95" in page.url
    # Smoothing 0: one line per run, the raw values.
    page.locator("#smoothing").fill("0")
    page.locator("#smoothing").dispatch_event("change")
    got = wait_traces(page, "train/loss", 3)
    np.testing.assert_allclose(next(t["y"] for t in got if t["run"] == "lr_0.1"), values)


def test_x_axis_step_relative_wall_and_log_y(page, board):
    open_scalars(page, board, "?tags=^train/loss$")
    wait_traces(page, "train/loss", 6)
    assert layout(page, "train/loss")["xtitle"] == "Step"
    page.get_by_text("Wall", exact=True).click()
    wait_for(page, f"() => {LOSS_PLOT}._fullLayout.xaxis.type === 'date'")
    page.get_by_text("Relative", exact=True).click()
    wait_for(page, f"() => {LOSS_PLOT}._fullLayout.xaxis.title.text.startsWith('Relative')")
    got = traces(page, "train/loss")
    x = next(t["x"] for t in got if t["run"] == "lr_0.1" and t["role"] == "smoothed")
    assert x[0] == 0 and math.isclose(x[-1], 299 * 2 / 60)   # 2 s a step, shown in minutes
    assert "x=relative" in page.url
    page.get_by_label("Log scale y").check()
    wait_for(page, f"() => {LOSS_PLOT}._fullLayout.yaxis.type === 'log'")
    # Few decades: ticks at 1, 2 and 5 of each, not at every digit (which crowded the axis).
    assert page.evaluate(f"() => {LOSS_PLOT}._fullLayout.yaxis.dtick") in ("D2", 1)
    ticks = page.evaluate(f"() => [...{LOSS_PLOT}.querySelectorAll('.ytick text')].map(t => t.textContent)")
    assert 2 <= len(ticks) <= 12, ticks


def test_smoothing_slider_is_wide_and_clicks_land_where_clicked(page, board):
    open_scalars(page, board)
    slider = page.get_by_label("Smoothing slider")
    box = slider.bounding_box()
    assert box["width"] >= 200, box          # it was 78 px beside its label
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    value = float(slider.input_value())
    assert 0.2 < value < 0.4 and round(value, 2) == value
    assert page.locator("#smoothing").input_value() == slider.input_value()


def test_ignore_outliers_clips_the_y_range(page, tmp_path):
    with SummaryWriter(tmp_path / "spiky") as w:
        for s in range(200):
            w.add_scalar("loss", 1e6 if s == 100 else 1.0 + s / 200, s)
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/scalars?smoothing=0")
        charts_drawn(page, 1)
        low, high = layout(page, "loss")["yrange"]
        assert high < 10, "the spike must not flatten the curve"
        page.get_by_label("Ignore outliers in y range").uncheck()
        wait_for(page, "() => document.querySelector('.plot')._fullLayout.yaxis.range[1] > 1e5")
        ys = traces(page, "loss")[0]["y"]
        assert max(ys) == 1e6, "down-sampling and drawing keep the spike"


def test_nan_and_infinity_are_marked(page, board):
    open_scalars(page, board, "?tags=nonfinite")
    got = wait_traces(page, "edge/nonfinite", 3)
    marks = next(t for t in got if t["role"] == "nonfinite")
    assert marks["x"] == [2, 4, 6]
    assert card(page, "edge/nonfinite").locator(".badge").inner_text() == "3 NaN/inf"
    smoothed = next(t for t in got if t["role"] == "smoothed")["y"]
    assert smoothed[2] is None and smoothed[3] is not None


def test_xss_tag_is_text(page, board):
    open_scalars(page, board)
    title = card(page, XSS_TAG).locator("h3")
    assert title.inner_text() == XSS_TAG
    assert page.get_by_label(XSS_RUN, exact=True).is_checked()      # a run named like markup, too
    card(page, XSS_TAG).scroll_into_view_if_needed()
    assert {t["run"] for t in wait_traces(page, XSS_TAG, 4)} == {"edge", XSS_RUN}
    box = page.locator(f'.plot[data-tag="{XSS_TAG}"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert XSS_RUN in page.get_by_role("tooltip").inner_text()
    assert page.evaluate("() => document.querySelectorAll('main img').length") == 0
    assert not [p for p in page.problems if "dialog" in p]


def test_csv_and_json_download(page, board):
    open_scalars(page, board, "?tags=^train/loss$")
    c = card(page, "train/loss")
    c.get_by_label("Download data of train/loss").click()
    with page.expect_download() as info:
        c.get_by_label("CSV of lr_0.1").click()
    lines = open(info.value.path()).read().splitlines()
    assert lines[0] == "Wall time,Step,Value"
    assert len(lines) == 301
    wall, step, value = lines[1].split(",")
    assert float(wall) == 1_700_000_000.0 and step == "0"
    with page.expect_download() as info:
        c.get_by_label("JSON of lr_0.1").click()
    rows = __import__("json").load(open(info.value.path()))
    assert len(rows) == 300 and rows[5][1] == 5


def test_run_comparison_table_sorts(page, board):
    open_scalars(page, board, "?tags=loss")
    page.get_by_role("button", name="Compare runs").click()
    table = page.locator("#compare table")
    table.wait_for()
    rows = table.locator("tbody tr")
    assert rows.count() == 6      # 3 runs x (train/loss, eval/loss)
    page.get_by_role("button", name="Min", exact=True).click()
    assert table.locator("th", has_text="Min").get_attribute("aria-sort") == "ascending"
    mins = [float(x) for x in rows.locator("td:nth-child(5)").all_inner_texts()]
    assert mins == sorted(mins)
    page.get_by_role("button", name="Min", exact=True).click()
    mins = [float(x) for x in rows.locator("td:nth-child(5)").all_inner_texts()]
    assert mins == sorted(mins, reverse=True)
    page.get_by_label("lr_0.01", exact=True).uncheck()
    assert rows.count() == 4
    assert "compare=1" in page.url


@pytest.mark.parametrize("tags", [6])
def test_four_or_more_charts_above_the_fold(page, tmp_path, tags):
    with SummaryWriter(tmp_path / "run") as w:
        for s in range(50):
            for t in range(tags):
                w.add_scalar(f"train/metric_{t}", math.sin(s / 7 + t), s)
    with Server(tmp_path) as server:
        page.goto(f"{server.url}/scalars")
        charts_drawn(page, 4)
        sizes = page.evaluate("""() => [...document.querySelectorAll('.plot')].map(p => {
            const r = p.getBoundingClientRect(); return [r.top, r.bottom, r.width, r.height]; })""")
        above = [s for s in sizes if s[1] <= 800]
        assert len(above) >= 4
        assert all(w >= 400 and h >= 240 for _, _, w, h in above)   # TensorBoard: 277 x 224


def test_group_collapses_and_tag_filter(page, board):
    open_scalars(page, board)
    head = page.get_by_role("button", name=re.compile(r"^train \d+$"))
    head.click()
    assert head.get_attribute("aria-expanded") == "false"
    assert not card(page, "train/loss").is_visible()
    assert "closed=train" in page.url
    head.click()
    assert card(page, "train/loss").is_visible()
    page.get_by_label("Filter tags (regex)").fill("accuracy")
    wait_for(page, "() => document.querySelectorAll('article.card:not([hidden])').length === 1")
    page.get_by_label("Filter tags (regex)").fill("([")
    wait_for(page, "() => document.getElementById('tag-filter').getAttribute('aria-invalid') === 'true'")


def test_tooltip_lists_every_run_nearest_first_and_highlights_it(page, board):
    open_scalars(page, board, "?tags=^train/loss$")
    wait_traces(page, "train/loss", 6)
    box = page.locator('.plot[data-tag="train/loss"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + 30)   # mid-run, near the top
    tooltip = page.get_by_role("tooltip")
    tooltip.wait_for()
    runs = tooltip.locator("td.run").all_inner_texts()
    assert sorted(runs) == sorted(LOSS_RUNS)
    assert runs[0] == "lr_0.01"          # the slowest run's curve is the one near the top
    assert "Smoothed" in tooltip.inner_text() and "Step" in tooltip.inner_text()
    opacity = wait_for(page, f"""() => {{
        const d = {LOSS_PLOT}.data.filter(t => t.meta.role === 'smoothed');
        return d.every(t => t.opacity !== undefined)
            && Object.fromEntries(d.map(t => [t.meta.run, t.opacity])); }}""")
    assert opacity == {"lr_0.01": 1, "lr_0.1": 0.2, "adam/train": 0.2}
    page.mouse.move(box["x"] - 100, box["y"])
    tooltip.wait_for(state="hidden")


def test_charts_of_unticked_runs_only_are_hidden(page, board):
    open_scalars(page, board, charts=3)
    assert card(page, "edge/constant").is_visible()
    page.get_by_label("edge", exact=True).uncheck()
    card(page, "edge/constant").wait_for(state="hidden")
    assert card(page, "train/loss").is_visible()
    page.get_by_role("button", name="None", exact=True).click()
    page.locator("#message").get_by_text("No scalars in the selected runs").wait_for()
