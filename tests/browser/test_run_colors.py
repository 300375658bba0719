"""A run's picked colour lives in the URL: a shared link (a fresh browser, no localStorage)
draws the same colours, and the other dashboards use them too."""

from __future__ import annotations

from tests.browser.conftest import charts_drawn, screenshot, wait_for

LINE_COLOR = """(run) => { for (const p of document.querySelectorAll('.plot')) for (const t of p.data || [])
    if ((t.meta && t.meta.run === run && t.meta.role === 'smoothed')) return t.line.color; return null; }"""
BADGE_COLOR = """(run) => { const c = document.querySelector(`article.card[data-run="${run}"] .badge`);
    return c && c.style.getPropertyValue('--swatch'); }"""

MEDIAN_COLOR = """(run) => { const p = document.querySelector(`.plot[data-run="${run}"]`);
    return p && p.data && p.data.at(-1).line.color; }"""


def pick(page, run: str, color: str) -> None:
    page.locator(f'#run-list li:has(input[data-run="{run}"]) input.color-pick').evaluate(
        "(e, c) => { e.value = c; e.dispatchEvent(new Event('change', {bubbles: true})); }", color)


def test_picked_colours_travel_with_the_link(browser, page, board):
    page.goto(f"{board.url}/scalars")
    charts_drawn(page, 2)
    pick(page, "lr_0.1", "#00aa55")
    pick(page, "adam/train", "#aa0077")
    assert wait_for(page, LINE_COLOR, arg="lr_0.1") == "#00aa55"
    url = page.url
    assert "color=00aa55-lr_0.1" in url and "color=aa0077-adam%2Ftrain" in url
    screenshot(page, "run-colors-scalars")

    fresh = browser.new_context(viewport={"width": 1280, "height": 800})  # nothing in its localStorage
    try:
        shared = fresh.new_page()
        assert shared.goto(url).status == 200
        assert wait_for(shared, LINE_COLOR, arg="lr_0.1") == "#00aa55"
        assert wait_for(shared, LINE_COLOR, arg="adam/train") == "#aa0077"
        swatch = shared.locator('#run-list li:has(input[data-run="lr_0.1"]) input.color-pick')
        assert swatch.input_value() == "#00aa55"
        shared.locator('.tabs a[data-tab="distributions"]').click()
        shared.wait_for_url("**/distributions?*")
        assert "color=00aa55-lr_0.1" in shared.url
        assert wait_for(shared, BADGE_COLOR, arg="lr_0.1") == "#00aa55"
        # picked here, the run's charts and badges on this page take it at once
        pick(shared, "edge", "#3355ff")
        assert wait_for(shared, BADGE_COLOR, arg="edge") == "#3355ff"
        assert wait_for(shared, MEDIAN_COLOR, arg="edge") == "#3355ff"
        assert "color=3355ff-edge" in shared.url
        screenshot(shared, "run-colors-distributions")
    finally:
        fresh.close()

    # shift-click gives the run its palette colour back, in the URL too
    page.locator('#run-list li:has(input[data-run="lr_0.1"]) input.color-pick').click(modifiers=["Shift"])
    wait_for(page, "() => !location.search.includes('lr_0.1')")
    assert wait_for(page, LINE_COLOR, arg="lr_0.1") != "#00aa55"
