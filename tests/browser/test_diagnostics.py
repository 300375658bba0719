"""The Diagnostics dashboard and the finding badges, in Chromium, on the fixtures' ground truth
(torch/lr_0.01's fc1/weight did not learn; edge_values holds NaN on purpose)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Server, charts_drawn, screenshot, wait_for


@pytest.fixture(scope="module")
def torch_board(fixtures_dir):
    with Server(fixtures_dir / "torch") as server:
        yield server


def test_one_card_per_diagnosis_links_to_the_chart(page, torch_board):
    page.goto(f"{torch_board.url}/diagnostics")
    rows = wait_for(page, """() => { const r = [...document.querySelectorAll('article.diagnosis')];
        return r.length ? r.map(t => [t.dataset.run, t.dataset.tag, t.dataset.kind,
                                      t.querySelector('.severity').textContent]) : null; }""")
    assert rows == [["edge_values", "edge/special", "nonfinite", "error"],
                    ["lr_0.01", "fc1/weight", "not_learning", "warning"]]
    # Each card reads as one diagnosis: its cause, the evidence in numbers, one next step.
    card = page.locator('article.diagnosis[data-kind="not_learning"]')
    assert card.locator(".cause").text_content() == "Cause: layer not learning"
    assert card.locator("dl.evidence dt", has_text="moved").count() == 1
    assert float(card.locator("dl.evidence dd").nth(3).text_content()) < 0.05
    assert card.locator(".advice").text_content().startswith("Next step: Check that the layer is trainable")
    count = wait_for(page, "() => document.querySelector('.tabs a[data-tab=\"diagnostics\"]').dataset.count")
    assert count == "2"
    screenshot(page, "diagnostics")
    # Unticking a run hides its findings.
    page.locator('#run-list input[data-run="edge_values"]').uncheck()
    wait_for(page, "() => document.querySelectorAll('article.diagnosis').length === 1")
    # The link opens the distributions page filtered to that run and tag, with the badge on it.
    page.get_by_role("link", name="Show on distributions").click()
    page.wait_for_url("**/distributions?**")
    charts_drawn(page, 1)
    cards = page.locator("article.card").evaluate_all(
        "cs => cs.map(c => c.dataset.run + ' ' + c.dataset.tag)")
    assert cards == ["lr_0.01 fc1/weight"]
    badge = wait_for(page, "() => document.querySelector('article.card .finding-badge')?.textContent")
    assert badge == "⚠ not learning"


def test_badges_on_charts_and_runs(page, torch_board):
    page.goto(f"{torch_board.url}/scalars")
    charts_drawn(page, 1)
    flagged = wait_for(page, """() => { const f = [...document.querySelectorAll('#run-list .run-flag')];
        return f.length ? f.map(x => x.closest('li').querySelector('input').dataset.run) : null; }""")
    assert sorted(flagged) == ["edge_values", "lr_0.01"]
    badge = wait_for(page, """() => document.querySelector(
        'article.card[data-tag="edge/special"] .finding-badge')?.textContent""")
    assert badge == "⚠ NaN/inf"
    # One badge for the NaN: the chart's own count gives way to the finding saying the same.
    heads = page.locator('article.card[data-tag="edge/special"] .card-head')
    assert heads.locator(".badge.warn").evaluate_all("bs => bs.filter(b => b.checkVisibility()).length") == 0
    healthy = page.evaluate("""() => document.querySelector('article.card[data-tag="train/loss"]')
                                      ?.querySelector('.finding-badge')""")
    assert healthy is None


def test_all_clear_says_so(page, fixtures_dir):
    with Server(fixtures_dir / "torch" / "lr_0.1") as server:
        page.goto(f"{server.url}/diagnostics")
        text = wait_for(page, "() => document.querySelector('.all-clear')?.textContent")
        assert text.startswith("No red flags.")
