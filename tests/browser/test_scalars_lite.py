"""The canvas chart a scalar tag gets before plotly.js is parsed (static/js/scalars/sketch.js), in
Chromium: its tooltip, step click and drag zoom work with plotly held back, and the plotly chart
that replaces it keeps the zoom and the selected step."""

from __future__ import annotations

import numpy as np

from tests.browser.conftest import wait_for
from tests.browser.test_scalars_extras import PLOT, data, extras_board  # noqa: F401 (the fixture)

AT = f"""s => {{ const p = {PLOT}, l = p._lite, b = p.getBoundingClientRect();
    return [b.left + l.xa._offset + (s - l.view[0]) / (l.view[1] - l.view[0]) * l.w,
            b.top + l.ya._offset + l.h / 2]; }}"""


def test_canvas_chart_is_interactive_before_plotly(page, extras_board):  # noqa: F811
    held = []
    page.route("**/vendor/plotly-basic.min.js", lambda route: held.append(route))
    page.goto(f"{extras_board.url}/scalars?tags=^m/loss$&smoothing=0")
    wait_for(page, f"() => {PLOT} && {PLOT}.dataset.interactiveAt && {PLOT}._lite")
    assert page.evaluate(f"() => !window.Plotly && !{PLOT}.dataset.drawn")

    x, y = page.evaluate(AT, 100)
    page.mouse.move(x - 30, y)
    page.mouse.move(x, y)
    tip = page.get_by_role("tooltip")
    tip.wait_for()
    assert tip.locator(".tt-head").get_attribute("data-step") == "100"
    rows = {r["run"]: r for r in tip.locator("tbody tr").evaluate_all(
        "rs => rs.map(r => ({run: r.dataset.run, step: r.querySelector('.step').textContent, "
        "value: r.querySelector('.value').textContent}))")}
    assert set(rows) == {"a/seed1", "b/seed1", "a/seed2"}
    assert rows["b/seed1"]["step"] == "98"   # its logged step nearest to 100 (every 7)
    steps, values, _ = data("a/seed1")
    assert float(rows["a/seed1"]["value"]) == float(f"{values[np.flatnonzero(steps == 100)[0]]:.4g}")

    page.mouse.click(x, y)                   # the step selection table
    sel = page.locator("section.selection")
    sel.wait_for()
    assert "Selected step 100" in sel.inner_text()

    x0, _ = page.evaluate(AT, 50)
    x1, _ = page.evaluate(AT, 150)
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y + 2)
    page.mouse.move(x1, y + 2)
    page.mouse.up()                          # a thin drag: x zoomed only
    view = page.evaluate(f"() => {PLOT}._lite.view")
    assert abs(view[0] - 50) < 2 and abs(view[1] - 150) < 2, view
    assert page.locator("section.selection").is_visible()   # the drag was no click

    assert held, "the pointer on the chart asks for plotly"
    held[0].continue_()
    wait_for(page, f"() => {PLOT}.dataset.drawn && {PLOT}._fullLayout")
    got = page.evaluate(f"() => [{PLOT}._fullLayout.xaxis.range, {PLOT}._fullLayout.shapes.length, "
                        f"!!{PLOT}.querySelector('canvas.sketch')]")
    assert abs(got[0][0] - 50) < 2 and abs(got[0][1] - 150) < 2, got
    assert got[1:] == [1, False]
