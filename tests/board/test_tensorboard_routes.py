"""TensorBoard's ``/data`` routes: the same JSON (and CSV) as the real TensorBoard gives for the
same logdir, which a PyTorch SummaryWriter writes here; and the all-runs scalar export."""

from __future__ import annotations

import csv
import io
import json

import httpx
import numpy as np
import pytest
from torch.utils.tensorboard import SummaryWriter as TorchWriter

from board.api.tensorboard_routes import compress_histogram
from tests.board.conftest import board_client, wait_for


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("tb_routes")
    rng = np.random.default_rng(0)
    for run, lr in (("lr_0.1", 0.1), ("lr_0.01", 0.01)):
        with TorchWriter(str(root / run)) as w:
            for step in range(0, 300, 3):
                w.add_scalar("loss", 1 / (1 + lr * step), step, walltime=1e9 + step)
                w.add_scalar("acc", lr * step, step, walltime=1e9 + step)
            for step in range(5):
                w.add_histogram("weights", rng.normal(step, 1, 500), step, walltime=1e9 + step)
            w.add_text("notes", "**bold** <script>x</script>", 7, walltime=1e9 + 7)
    with TorchWriter(str(root / "only_loss")) as w:
        w.add_scalar("loss", float("nan"), 1, walltime=1e9)
        w.add_scalar("loss", 2.0, 2, walltime=1e9 + 1)
    return root


@pytest.fixture(scope="module")
def tensorboard(logdir):
    """The real TensorBoard (Python loader, every point kept) on the same logdir."""
    from tensorboard import program

    tb = program.TensorBoard()
    tb.configure(argv=[None, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0",
                       "--load_fast", "false", "--reload_interval", "1",
                       "--samples_per_plugin", "scalars=10000,histograms=100,text=100"])
    url = tb.launch().rstrip("/")
    client = httpx.Client(base_url=url, timeout=30)
    wait_for(lambda: len(client.get("/data/runs").json()) == 3 and all(
        len(tags) for tags in client.get("/data/plugin/histograms/tags").json().values()
        if tags is not None), timeout=60, interval=0.2)
    yield client
    client.close()


@pytest.fixture(scope="module")
def ours(logdir):
    with board_client(str(logdir)) as client:
        yield client


def both(tensorboard, ours, path, **params):
    theirs, mine = tensorboard.get(path, params=params), ours.get(path, params=params)
    assert theirs.status_code == mine.status_code == 200, (theirs.text, mine.text)
    return theirs, mine


def test_runs_and_tag_indexes_match_tensorboard(tensorboard, ours):
    theirs, mine = both(tensorboard, ours, "/data/runs")
    assert sorted(theirs.json()) == sorted(mine.json())
    for plugin in ("scalars", "histograms", "distributions"):
        theirs, mine = both(tensorboard, ours, f"/data/plugin/{plugin}/tags")
        assert theirs.json() == mine.json(), plugin
    theirs, mine = both(tensorboard, ours, "/data/plugin/text/tags")
    assert {r: sorted(t) for r, t in theirs.json().items() if t} == \
           {r: sorted(t) for r, t in mine.json().items() if t}


@pytest.mark.parametrize("run,tag", [("lr_0.1", "loss"), ("lr_0.01", "acc"), ("only_loss", "loss")])
def test_scalars_json_and_csv_match_tensorboard(tensorboard, ours, run, tag):
    theirs, mine = both(tensorboard, ours, "/data/plugin/scalars/scalars", run=run, tag=tag)
    assert mine.json() == theirs.json()
    theirs, mine = both(tensorboard, ours, "/data/plugin/scalars/scalars", run=run, tag=tag, format="csv")
    assert mine.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(mine.text))) == list(csv.reader(io.StringIO(theirs.text)))


def test_scalars_multirun_matches_tensorboard(tensorboard, ours):
    form = {"tag": "loss", "runs": ["lr_0.1", "only_loss", "no_such_run"]}
    theirs = tensorboard.post("/data/plugin/scalars/scalars_multirun", data=form)
    mine = ours.post("/data/plugin/scalars/scalars_multirun", data=form)
    assert theirs.status_code == mine.status_code == 200
    assert mine.json() == theirs.json()
    assert ours.post("/data/plugin/scalars/scalars_multirun", data={"runs": ["x"]}).status_code == 400


def test_histograms_and_distributions_match_tensorboard(tensorboard, ours):
    theirs, mine = both(tensorboard, ours, "/data/plugin/histograms/histograms", run="lr_0.1", tag="weights")
    assert len(mine.json()) == len(theirs.json()) == 5
    for (tw, ts, tb), (mw, ms, mb) in zip(theirs.json(), mine.json(), strict=True):
        assert (tw, ts) == (mw, ms)
        # TensorBoard converts a v1 histogram to a float32 tensor; ours keeps the proto's doubles.
        np.testing.assert_allclose(mb, tb, rtol=1e-6)
    theirs, mine = both(tensorboard, ours, "/data/plugin/distributions/distributions",
                        run="lr_0.01", tag="weights")
    for (tw, ts, tb), (mw, ms, mb) in zip(theirs.json(), mine.json(), strict=True):
        assert (tw, ts) == (mw, ms)
        np.testing.assert_allclose(mb, tb, rtol=1e-6)


def test_compress_histogram_equals_tensorboards_on_odd_buckets():
    from tensorboard.plugins.distribution import compressor

    rng = np.random.default_rng(1)
    cases = [[], [[0.0, 1.0, 5.0]], [[0.0, 1.0, 0.0], [1.0, 2.0, 0.0]], [[-1, 0, 3], [0, 0, 0], [0, 2, 1]]]
    for _ in range(50):
        edges = np.sort(rng.normal(size=rng.integers(2, 12)))
        counts = rng.integers(0, 4, len(edges) - 1).astype(float)
        cases.append(np.column_stack([edges[:-1], edges[1:], counts]).tolist())
    for buckets in cases:
        expected = [list(v) for v in compressor.compress_histogram(buckets)]
        np.testing.assert_allclose(compress_histogram(buckets), expected, rtol=1e-12, atol=0)


def test_text_route_has_tensorboards_shape_and_is_safe(tensorboard, ours):
    theirs, mine = both(tensorboard, ours, "/data/plugin/text/text", run="lr_0.1", tag="notes/text_summary")
    assert [(t["wall_time"], t["step"]) for t in mine.json()] == \
           [(t["wall_time"], t["step"]) for t in theirs.json()]
    html = mine.json()[0]["text"]
    assert "<strong>bold</strong>" in html and "<script>" not in html
    raw = ours.get("/data/plugin/text/text", params={"run": "lr_0.1", "tag": "notes/text_summary",
                                                      "markdown": "false"}).json()[0]["text"]
    assert "**bold**" in raw and "&lt;script&gt;" in raw


def test_unknown_names_are_json_404s_not_html(ours):
    for path, params in (("/data/plugin/scalars/scalars", {"run": "nope", "tag": "loss"}),
                         ("/data/plugin/histograms/histograms", {"run": "lr_0.1", "tag": "nope"}),
                         ("/data/plugin/text/text", {"run": "nope", "tag": "x"})):
        response = ours.get(path, params=params)
        assert response.status_code == 404 and "detail" in response.json()
    assert ours.get("/data/plugin/scalars/scalars", params={"run": "lr_0.1"}).status_code == 422


def test_export_holds_every_point_of_every_run(ours):
    rows = list(csv.reader(io.StringIO(ours.get("/api/scalars/export").text)))
    assert rows[0] == ["run", "tag", "wall_time", "step", "value"]
    assert len(rows) - 1 == 2 * 2 * 100 + 2
    loss = [r for r in rows[1:] if r[:2] == ["lr_0.1", "loss"]]
    assert loss[1] == ["lr_0.1", "loss", str(1e9 + 3), "3", str(float(np.float32(1 / (1 + 0.1 * 3))))]
    assert ["only_loss", "loss", str(1e9), "1", "NaN"] in rows
    as_json = ours.get("/api/scalars/export", params={"format": "json", "run": "^lr_"}).json()
    assert sorted(as_json) == ["lr_0.01", "lr_0.1"] and sorted(as_json["lr_0.1"]) == ["acc", "loss"]
    assert as_json["lr_0.01"]["acc"][2] == [1e9 + 6, 6, float(np.float32(0.01 * 6))]
    assert ours.get("/api/scalars/export", params={"format": "json", "tag": "zzz"}).json() == {}
    bad = ours.get("/api/scalars/export", params={"run": "("})
    assert bad.status_code == 400 and "invalid run regex" in bad.json()["detail"]
    assert "filename*=UTF-8''scalars.csv" in ours.get("/api/scalars/export").headers["content-disposition"]


def test_data_routes_refuse_other_sites(ours):
    response = ours.get("/data/runs", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert response.status_code == 403
    assert json.loads(response.text)["detail"].startswith("/data/runs refused")
