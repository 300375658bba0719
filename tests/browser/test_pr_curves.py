"""The PR curves dashboard in Chromium, on curves PyTorch and our writer wrote (tests/board/curves.py)."""

from __future__ import annotations

import httpx

from tests.board.curves import PR_STEPS
from tests.board.media import XSS_TAG
from tests.browser.conftest import charts_drawn, screenshot, wait_for

CARD = 'article.card[data-tag="pr/class0"]'
TRACES = """(sel) => { const p = document.querySelector(sel + ' .plot');
  return p && p.data && p.dataset.drawn ? {step: p.dataset.step,
    traces: p.data.map(t => ({name: t.name, x: t.x, y: t.y, color: t.line.color}))} : null; }"""


def _api(board, run, step):
    steps = httpx.get(f"{board.url}/api/pr_curves", params={"run": run, "tag": "pr/class0"}).json()["steps"]
    return next(s for s in steps if s["step"] == step)


def test_precision_against_recall_per_run_with_a_step_slider_and_hover(page, curves_board):
    page.goto(f"{curves_board.url}/pr_curves")
    charts_drawn(page, 2)
    assert not page.locator('.tabs a[data-tab="pr_curves"]').is_hidden()
    drawn = wait_for(page, TRACES, arg=CARD)
    assert drawn["step"] == str(PR_STEPS - 1)                       # the newest step by default
    assert [t["name"] for t in drawn["traces"]] == ["ours", "torch"]
    assert drawn["traces"][0]["color"] != drawn["traces"][1]["color"]
    newest = _api(curves_board, "torch", PR_STEPS - 1)
    torch = drawn["traces"][1]
    assert torch["x"] == newest["recall"] and torch["y"] == newest["precision"]
    slider = page.get_by_role("slider", name="Step of pr/class0")
    slider.focus()
    page.keyboard.press("Home")
    wait_for(page, f"() => document.querySelector('{CARD} .plot').dataset.step === '0'")
    first = wait_for(page, TRACES, arg=CARD)["traces"][1]
    assert first["y"] == _api(curves_board, "torch", 0)["precision"] != torch["y"]
    assert page.locator(CARD + " output").inner_text() == "step 0"
    # Hovering a point names its threshold and the counts behind it.
    point = 40
    page.evaluate("""([sel, i]) => Plotly.Fx.hover(document.querySelector(sel + ' .plot'),
                     [{curveNumber: 1, pointNumber: i}])""", [CARD, point])
    hover = wait_for(page, "() => document.querySelector('.hovertext')?.textContent")
    entry = _api(curves_board, "torch", 0)
    assert f"threshold {entry['thresholds'][point]:.3f}" in hover
    assert f"TP {entry['true_positives'][point]:g}" in hover
    assert f"FN {entry['false_negatives'][point]:g}" in hover
    assert "recall" in hover and "precision" in hover
    screenshot(page, "pr_curves")
    # A hostile tag is shown as text (the page fixture fails on the alert it would raise).
    card = page.locator("article.card").filter(has_text=XSS_TAG)
    assert card.locator("h3").inner_text() == XSS_TAG
    assert page.locator("main img").count() == 0
