"""Every dashboard reloads with its own URL: the list settings it writes there (unticked runs,
collapsed groups) come back, and the board does not refuse them (board/security.py PAGE_LISTS)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_for

# One page of each kind of script (the rest share theirs: histo.js, common/tagpage.js);
# tests/security/test_request_guard.py checks the board takes the lists on every page.
PAGES = ["scalars", "distributions", "text"]

UNTICKED = """() => [...document.querySelectorAll('#run-list input[type=checkbox]')]
                    .filter(b => !b.checked).map(b => b.dataset.run).sort()"""
CLOSED = """() => [...document.querySelectorAll('.group-head[aria-expanded=false]')]
                  .map(h => h.closest('.group').dataset.group).sort()"""


@pytest.mark.parametrize("name", PAGES)
def test_a_page_reloads_with_its_list_settings(page, board, name):
    page.goto(f"{board.url}/{name}")
    boxes = page.locator("#run-list input[type=checkbox]")
    wait_for(page, "() => document.querySelectorAll('#run-list input[type=checkbox]').length >= 3")
    runs = sorted(boxes.evaluate_all("bs => bs.map(b => b.dataset.run)"))[:2]
    for run in runs:
        page.locator(f'#run-list input[data-run="{run}"]').uncheck()
    heads = page.locator(".group-head")
    groups = []
    if name != "graphs":  # the others show their tags in collapsible groups
        wait_for(page, "() => document.querySelectorAll('.group-head').length >= 1")
        for i in range(min(2, heads.count())):
            heads.nth(i).click()
        groups = page.evaluate(CLOSED)
        assert groups
    url = page.url
    assert url.count("hide=") == 2
    response = page.reload()
    assert response.status == 200 and page.url == url
    assert wait_for(page, f"() => {{ const u = ({UNTICKED})(); return u.length ? u : null; }}") == runs
    if groups:
        wait_for(page, "() => document.querySelectorAll('.group-head').length >= 1")
        assert page.evaluate(CLOSED) == groups


def test_the_graph_page_reloads_with_the_runs_other_pages_hid(page, board):
    # The graph page has no run list; the tab links bring it the other pages' `hide`.
    assert page.goto(f"{board.url}/graphs?hide=lr_0.1&hide=edge").status == 200
    assert page.reload().status == 200
    wait_for(page, "() => document.querySelector('#graph-run option')")
    href = page.locator('.tabs a[data-tab="scalars"]').get_attribute("href")
    assert href == "/scalars?hide=lr_0.1&hide=edge"
