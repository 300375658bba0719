"""Scalars beyond the basics, in Chromium: the every-run tooltip at one step (nearest point or
interpolated), step selection with its data table, pinned charts and run groups."""

from __future__ import annotations

import numpy as np
import pytest

from engine.summary import SummaryWriter
from tests.browser.conftest import Server, charts_drawn, screenshot, wait_for

T0 = 1_700_000_000.0
# Two runs logged at different steps (every 10 and every 7), so no step but 0 is shared
# everywhere, plus a third for the groups.
RUNS = {
    "a/seed1": (np.arange(0, 201, 10), lambda s: 1.0 + s / 100, lambda s: T0 + 2.0 * s),
    "b/seed1": (np.arange(0, 204, 7), lambda s: 5.0 - s / 50, lambda s: T0 + 30 + 3.0 * s),
    "a/seed2": (np.arange(0, 201, 10), lambda s: 2.0 + s / 200, lambda s: T0 + 5 + 2.0 * s),
}


def data(run):
    steps, value, wall = RUNS[run]
    return steps, np.float32(value(steps)).astype(float), wall(steps)


@pytest.fixture(scope="module")
def extras_board(tmp_path_factory):
    logdir = tmp_path_factory.mktemp("extras")
    for run, (steps, value, wall) in RUNS.items():
        with SummaryWriter(logdir / run) as w:
            for s in steps:
                w.add_scalar("m/loss", float(value(s)), int(s), walltime=float(wall(s)))
                w.add_scalar("m/other", float(np.sin(s / 20)), int(s), walltime=float(wall(s)))
            w.add_histogram("h/weights", np.linspace(-1, 1, 50), 0, walltime=T0)
    with Server(logdir) as server:
        yield server


PLOT = "document.querySelector('.plot[data-tag=\"m/loss\"]')"


def open_loss(page, board, query: str = "") -> None:
    page.goto(f"{board.url}/scalars?tags=^m/loss$&smoothing=0{query}")
    charts_drawn(page, 1)
    wait_for(page, f"() => window.Plotly && {PLOT}.data && {PLOT}.data.length === 3")


def hover_step(page, step: float) -> dict:
    """Move the mouse over the loss chart at `step`; the tooltip's header step and rows."""
    x, y = page.evaluate(f"""s => {{ const p = {PLOT}, l = p._fullLayout, b = p.getBoundingClientRect();
        return [b.left + l.xaxis._offset + l.xaxis.l2p(s),
                b.top + l.yaxis._offset + l.yaxis._length / 2]; }}""",
                         step)
    page.mouse.move(x - 30, y)
    page.mouse.move(x, y)
    tip = page.get_by_role("tooltip")
    tip.wait_for()
    head = tip.locator(".tt-head")
    rows = tip.locator("tbody tr").evaluate_all("""rs => rs.map(r => ({run: r.dataset.run,
        value: Number(r.querySelector('.value').textContent),
        step: Number(r.querySelector('.step').textContent),
        rel: r.querySelector('.rel').textContent, wall: r.querySelector('.wall').textContent}))""")
    return {"step": int(head.get_attribute("data-step")), "text": head.inner_text(),
            "rows": {r["run"]: r for r in rows}}


def test_tooltip_interpolated_rows_are_at_the_header_step(page, extras_board):
    open_loss(page, extras_board, "&tip=interp")
    assert page.get_by_label("Tooltip values").input_value() == "interp"
    got = hover_step(page, 103.4)
    assert "interpolated" in got["text"]
    assert set(got["rows"]) == set(RUNS)
    for run, row in got["rows"].items():
        assert row["step"] == got["step"], (run, row, got["step"])   # the reported bug
        steps, value, wall = data(run)
        assert row["value"] == pytest.approx(np.interp(got["step"], steps, value), rel=1e-4)
    screenshot(page, "scalars-tooltip-interpolated")


def test_tooltip_nearest_names_a_logged_step_and_each_runs_nearest_point(page, extras_board):
    open_loss(page, extras_board)
    got = hover_step(page, 103.4)
    assert "nearest point" in got["text"]
    header = got["step"]
    assert header in {int(s) for run in RUNS for s in RUNS[run][0]}
    assert any(r["step"] == header for r in got["rows"].values())
    for run, row in got["rows"].items():
        steps, value, wall = data(run)
        i = int(np.argmin(np.abs(steps - header)))
        assert row["step"] == steps[i]
        assert row["value"] == pytest.approx(value[i], rel=1e-4)
        rel = wall[i] - wall[0]
        assert row["rel"] == (f"{int(rel // 60)} m {int(rel % 60):02d} s" if rel >= 60 else f"{rel:.3g} s")
    screenshot(page, "scalars-tooltip-nearest")
    # The toggle switches the tooltip live and keeps the choice in the URL.
    page.get_by_label("Tooltip values").select_option("interp")
    assert "tip=interp" in page.url
    got = hover_step(page, 57.2)
    assert {r["step"] for r in got["rows"].values()} == {got["step"]} == {57}


def chart_point(page, step: float) -> tuple[float, float]:
    return page.evaluate(f"""s => {{ const p = {PLOT}, l = p._fullLayout, b = p.getBoundingClientRect();
        return [b.left + l.xaxis._offset + l.xaxis.l2p(s),
                b.top + l.yaxis._offset + l.yaxis._length / 2]; }}""", step)


def selection_rows(page) -> dict:
    box = page.get_by_role("region", name="Selected steps of m/loss")
    box.wait_for()
    return {r[0]: r[1:] for r in box.locator("tbody tr").evaluate_all(
        "rs => rs.map(r => [...r.children].map(td => td.textContent))")}


def test_click_and_shift_click_select_steps_with_a_data_table(page, extras_board):
    open_loss(page, extras_board, "&tip=interp")
    x, y = chart_point(page, 40)
    page.mouse.move(x, y)
    page.get_by_role("tooltip").wait_for()
    page.mouse.click(x, y)
    rows = selection_rows(page)
    assert set(rows) == set(RUNS)
    for run, (value, _smoothed, step) in rows.items():
        steps, values, _ = data(run)
        assert int(step) == 40 and float(value) == pytest.approx(np.interp(40, steps, values), rel=1e-4)
    assert wait_for(page, f"() => {PLOT}._fullLayout.shapes.length") == 1
    x2, _ = chart_point(page, 150)
    page.mouse.move(x2, y)
    page.keyboard.down("Shift")
    page.mouse.click(x2, y)
    page.keyboard.up("Shift")
    wait_for(page, "() => document.querySelectorAll('.selection thead th').length === 8")
    rows = selection_rows(page)
    for run, cells in rows.items():
        steps, values, _ = data(run)
        at40, at150, change, lo, hi, mean, points = map(float, cells)
        inside = values[(steps >= 40) & (steps <= 150)]
        assert at40 == pytest.approx(np.interp(40, steps, values), rel=1e-4)
        assert at150 == pytest.approx(np.interp(150, steps, values), rel=1e-4)
        assert change == pytest.approx(at150 - at40, rel=1e-3, abs=1e-4)
        assert lo == pytest.approx(inside.min(), rel=1e-4) and hi == pytest.approx(inside.max(), rel=1e-4)
        assert points == len(inside)
        assert mean == pytest.approx(inside.mean(), rel=1e-4)
    assert page.evaluate(f"() => {PLOT}._fullLayout.shapes.length") == 2
    page.mouse.move(x2, y + 300)
    screenshot(page, "scalars-step-selection")
    page.get_by_role("button", name="Clear step selection").click()
    page.get_by_role("region", name="Selected steps of m/loss").wait_for(state="hidden")


def test_pinned_charts_go_to_the_top_and_survive_reload(page, extras_board):
    page.goto(f"{extras_board.url}/scalars")
    cards = "() => document.querySelectorAll('article.card').length === 2"
    wait_for(page, cards)
    sections = ("() => [...document.querySelectorAll('section.group:not([hidden])')].map(s => "
                "[s.dataset.group, [...s.querySelectorAll('article.card')].map(c => c.dataset.tag)])")
    assert page.evaluate(sections) == [["m", ["m/loss", "m/other"]]]
    page.get_by_role("button", name="Pin m/other").click()
    assert page.evaluate(sections) == [["Pinned", ["m/other"]], ["m", ["m/loss"]]]
    assert "pins=m%2Fother" in page.url
    page.reload()
    wait_for(page, cards)
    assert page.evaluate(sections) == [["Pinned", ["m/other"]], ["m", ["m/loss"]]]
    unpin = page.get_by_role("button", name="Unpin m/other")
    assert unpin.get_attribute("aria-pressed") == "true"
    charts_drawn(page, 2)
    screenshot(page, "scalars-pinned")
    unpin.click()
    assert page.evaluate(sections) == [["m", ["m/loss", "m/other"]]]
    assert "pins=" not in page.url


def test_per_chart_log_scale_and_limits_override_the_page_and_min_max_markers(page, extras_board):
    page.goto(f"{extras_board.url}/scalars?tags=^m/&smoothing=0")
    charts_drawn(page, 2)
    page.get_by_label("Y axis of m/loss").click()
    page.get_by_label("Y scale of m/loss").select_option("log")
    page.get_by_label("Y min of m/loss").fill("0.5")
    page.get_by_label("Y max of m/loss").fill("8")
    page.get_by_label("Y max of m/loss").press("Enter")
    yaxis = "tag => { const l = document.querySelector(`.plot[data-tag=\"${tag}\"]`)._fullLayout.yaxis; \
return [l.type, l.range]; }"
    got = wait_for(page, f"() => ({yaxis})('m/loss')[0] === 'log' && ({yaxis})('m/loss')")
    assert got[1] == pytest.approx([np.log10(0.5), np.log10(8)])
    assert page.evaluate(yaxis, "m/other")[0] == "linear"       # the other chart keeps the page's
    assert "yscale=m%2Floss%3Dlog" in page.url and "ylim=m%2Floss%3D0.5%3A8" in page.url
    page.get_by_label("Min/max markers").check()
    marks = wait_for(page, f"""() => {{ const d = {PLOT}.data.filter(t => t.meta.role === 'extrema');
        return d.length === 3 && Object.fromEntries(d.map(t => [t.meta.run, Array.from(t.y)])); }}""")
    for run, (lo, hi) in marks.items():
        _, values, _ = data(run)
        assert (lo, hi) == (pytest.approx(values.min()), pytest.approx(values.max()))
    page.reload()
    charts_drawn(page, 2)
    got = wait_for(page, f"() => window.Plotly && ({yaxis})('m/loss')[0] === 'log' && ({yaxis})('m/loss')")
    assert got[1] == pytest.approx([np.log10(0.5), np.log10(8)])
    screenshot(page, "scalars-axis-limits")


def test_group_runs_by_regex_draws_the_members_mean_over_a_band(page, extras_board):
    page.goto(f"{extras_board.url}/scalars?tags=^m/loss$&smoothing=0&group=^(a)/seed")
    charts_drawn(page, 1)
    got = wait_for(page, f"""() => window.Plotly && {PLOT}.data && {PLOT}.data.length === 4 &&
        {PLOT}.data.map(t => ({{run: t.meta.run, role: t.meta.role,
                                x: Array.from(t.x), y: Array.from(t.y)}}))""")
    means = [t for t in got if t["role"] == "smoothed"]
    assert sorted(t["run"] for t in means) == ["a (2 runs)", "b/seed1"]    # one curve per group
    mean = next(t for t in means if t["run"] == "a (2 runs)")
    members = np.stack([data("a/seed1")[1], data("a/seed2")[1]])
    assert mean["x"] == data("a/seed1")[0].tolist()
    np.testing.assert_allclose(mean["y"], members.mean(axis=0), rtol=1e-6)
    lower, upper = (t["y"] for t in got if t["role"] == "band")
    np.testing.assert_allclose(lower, members.min(axis=0), rtol=1e-6)
    np.testing.assert_allclose(upper, members.max(axis=0), rtol=1e-6)
    screenshot(page, "scalars-run-groups")
    page.get_by_label("Group band").select_option("std")
    assert "band=std" in page.url
    got = wait_for(page, f"""() => {{ const b = {PLOT}.data.filter(t => t.meta.role === 'band');
        return b.length === 2 && Math.abs(b[0].y[5] - {float(members.mean(0)[5] - members.std(0)[5])}) < 1e-6
            && Array.from(b[1].y); }}""")
    np.testing.assert_allclose(got, members.mean(0) + members.std(0), rtol=1e-6)


def test_a_picked_run_colour_is_used_by_every_chart_and_dashboard_after_reload(page, extras_board):
    open_loss(page, extras_board)
    page.get_by_label("Colour of b/seed1").fill("#ff00aa")
    colours = f"""() => Object.fromEntries({PLOT}.data.filter(t => t.meta.role === 'smoothed')
        .map(t => [t.meta.run, t.line.color]))"""
    wait_for(page, f"() => ({colours})()['b/seed1'] === '#ff00aa'")
    assert page.evaluate(colours)["a/seed1"] != "#ff00aa"
    page.reload()
    charts_drawn(page, 1)
    wait_for(page, f"() => window.Plotly && {PLOT}.data && ({colours})()['b/seed1'] === '#ff00aa'")
    page.goto(f"{extras_board.url}/distributions")
    swatch = page.locator("#run-list li", has_text="b/seed1")
    swatch.wait_for()
    assert swatch.evaluate("li => li.style.getPropertyValue('--swatch')") == "#ff00aa"
