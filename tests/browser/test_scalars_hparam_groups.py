"""Scalar runs grouped by a hyperparameter that PyTorch's ``SummaryWriter.add_hparams`` logged
(into a sub-run of each writer's run, as PyTorch does): one mean curve per value, over a band."""

from __future__ import annotations

import numpy as np
import pytest

from tests.browser.conftest import Server, charts_drawn, screenshot, wait_for

RUNS = {"run_a": 0.1, "run_b": 0.1, "run_c": 0.01, "run_d": 0.01, "run_e": None}  # run_e: no hparams
STEPS = np.arange(6)


def curve(k: int) -> np.ndarray:
    return (np.float32(1 + k) / (STEPS + 1)).astype(np.float32)


@pytest.fixture(scope="module")
def hparams_board(tmp_path_factory):
    from torch.utils.tensorboard import SummaryWriter

    logdir = tmp_path_factory.mktemp("hpgroups")
    for k, (run, lr) in enumerate(RUNS.items()):
        with SummaryWriter(str(logdir / run)) as w:
            for s, v in zip(STEPS, curve(k), strict=True):
                w.add_scalar("loss", float(v), int(s))
            if lr is not None:
                w.add_hparams({"lr": lr, "optimizer": "sgd"}, {"hparam/final": float(curve(k)[-1])})
    with Server(logdir) as server:
        yield server


PLOT = "document.querySelector('.plot[data-tag=\"loss\"]')"
TRACES = f"""() => window.Plotly && {PLOT} && {PLOT}.data && {PLOT}.data.length === 7 &&
    {PLOT}.data.map(t => ({{run: t.meta.run, role: t.meta.role, y: Array.from(t.y)}}))"""


def test_runs_grouped_by_an_hparam(page, hparams_board):
    page.goto(f"{hparams_board.url}/scalars?tags=^loss$&smoothing=0")
    charts_drawn(page, 1)
    by = page.get_by_label("Group runs by")
    wait_for(page, "() => document.querySelectorAll('#group-by option').length === 3")
    assert by.locator("optgroup").get_attribute("label") == "hparam"
    assert by.locator("option").all_inner_texts() == ["regex", "lr", "optimizer"]
    by.select_option("lr")
    assert "groupby=lr" in page.url
    assert page.get_by_label("Group runs (regex)").is_hidden()
    got = wait_for(page, TRACES)   # 2 means, their 2 bands each, run_e alone

    def check(got):
        means = {t["run"]: t["y"] for t in got if t["role"] == "smoothed"}
        assert sorted(means) == ["lr=0.01 (2 runs)", "lr=0.1 (2 runs)", "run_e"]
        for name, ks in (("lr=0.1 (2 runs)", (0, 1)), ("lr=0.01 (2 runs)", (2, 3))):
            members = np.stack([curve(k) for k in ks])
            np.testing.assert_allclose(means[name], members.mean(0), rtol=1e-6)
        bands = [t["y"] for t in got if t["role"] == "band" and t["run"] == "lr=0.1 (2 runs)"]
        np.testing.assert_allclose(bands, [curve(0), curve(1)], rtol=1e-6)   # min-max of the members

    check(got)
    screenshot(page, "scalars-hparam-groups")
    url = page.url
    page.reload()
    assert page.url == url
    check(wait_for(page, TRACES))
    assert by.input_value() == "lr"
    by.select_option("")        # back to the regex (none given): every run alone
    wait_for(page, f"() => {PLOT}.data.filter(t => t.meta.role === 'smoothed').length === 5")
