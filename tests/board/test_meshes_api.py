"""The meshes API on meshes PyTorch's SummaryWriter.add_mesh and TensorFlow's
tensorboard.plugins.mesh.summary_v2.mesh wrote: listed, served with the values written, and
TensorBoard's own mesh routes answered as the real TensorBoard answers them on the same logdir;
malformed records are clear messages, never a 500."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from tests.board.conftest import board_client, wait_for
from tests.board.meshes import CONFIG, STEPS, TETRA_C, TETRA_F, cloud, mesh_logdir, tetra


@pytest.fixture(scope="module")
def logdir(tmp_path_factory):
    return mesh_logdir(tmp_path_factory.mktemp("meshes"))


@pytest.fixture(scope="module")
def ours(logdir):
    with board_client(str(logdir)) as client:
        yield client


@pytest.fixture(scope="module")
def tensorboard(logdir):
    from tensorboard import program

    tb = program.TensorBoard()
    tb.configure(argv=[None, "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0",
                       "--load_fast", "false", "--reload_interval", "1"])
    client = httpx.Client(base_url=tb.launch().rstrip("/"), timeout=30)
    wait_for(lambda: len(client.get("/data/plugin/mesh/tags").json().get("tf", {})) == 1,
             timeout=60, interval=0.2)
    yield client
    client.close()


def data(client, run, tag, step, sample=0) -> dict:
    r = client.get("/api/meshes/data", params={"run": run, "tag": tag, "step": step, "sample": sample})
    assert r.status_code == 200, r.text
    return r.json()


def test_meshes_are_listed_by_name_and_no_longer_not_shown(ours):
    runs = ours.get("/api/tags").json()["runs"]
    assert {r: t["meshes"] for r, t in runs.items()} == {
        "torch": ["cloud", "tetra"], "tf": ["shape"], "bad": ["bad_faces", "empty", "partial"]}
    assert [n for n in ours.get("/api/status").json()["not_shown"] if n["kind"] == "meshes"] == []


def test_values_are_the_ones_written(ours):
    steps = ours.get("/api/meshes", params={"run": "torch", "tag": "tetra"}).json()["steps"]
    shapes = [(s["step"], s["samples"], s["vertices"], s["faces"], s["colors"], s["problem"]) for s in steps]
    assert shapes == [(i, 1, 4, 4, True, None) for i in range(STEPS)]
    for step in range(STEPS):
        d = data(ours, "torch", "tetra", step)
        assert d["vertices"] == tetra(step)[0].reshape(-1).tolist()
        assert d["faces"] == TETRA_F[0].reshape(-1).tolist()
        assert d["colors"] == TETRA_C[0].reshape(-1).tolist()
    entry = ours.get("/api/meshes", params={"run": "torch", "tag": "cloud"}).json()["steps"][-1]
    assert (entry["samples"], entry["vertices"], entry["faces"], entry["components"]) == \
        (2, 300, 0, ["vertices", "colors"])
    v, c = cloud(STEPS - 1)
    for sample in (0, 1):
        d = data(ours, "torch", "cloud", STEPS - 1, sample)
        assert d["faces"] is None
        np.testing.assert_array_equal(np.float32(d["vertices"]), v[sample].reshape(-1))
        assert d["colors"] == c[sample].reshape(-1).tolist()
    tf_steps = ours.get("/api/meshes", params={"run": "tf", "tag": "shape"}).json()["steps"]
    assert [s["step"] for s in tf_steps] == [0, 1] and all(s["config"] == CONFIG for s in tf_steps)
    d = data(ours, "tf", "shape", 1)
    assert d["vertices"] == tetra(1)[0].reshape(-1).tolist() and d["config"] == CONFIG
    assert d["faces"] == TETRA_F[0].reshape(-1).tolist() and d["colors"] == TETRA_C[0].reshape(-1).tolist()


def test_tensorboards_mesh_routes_answer_as_tensorboard_does(ours, tensorboard):
    theirs = tensorboard.get("/data/plugin/mesh/tags").json()
    mine = ours.get("/data/plugin/mesh/tags").json()
    assert {r: t for r, t in mine.items() if r != "bad"} == {r: t for r, t in theirs.items() if r != "bad"}
    for run, tag in (("torch", "tetra"), ("torch", "cloud"), ("tf", "shape")):
        params = {"run": run, "tag": tag}
        a, b = (c.get("/data/plugin/mesh/meshes", params=params).json() for c in (tensorboard, ours))
        key = lambda m: (m["step"], m["content_type"])  # noqa: E731
        assert sorted(b, key=key) == sorted(a, key=key), (run, tag)
        for m in a:
            for sample in range(m["data_shape"][0]):
                q = {**params, "step": m["step"], "sample": sample,
                     "content_type": {1: "VERTEX", 2: "FACE", 3: "COLOR"}[m["content_type"]]}
                x, y = (c.get("/data/plugin/mesh/data", params=q) for c in (tensorboard, ours))
                assert y.status_code == x.status_code == 200 and y.content == x.content, q


def test_malformed_meshes_are_clear_messages_not_500s(ours, monkeypatch):
    steps = {t: ours.get("/api/meshes", params={"run": "bad", "tag": t}).json()["steps"][0]
             for t in ("bad_faces", "partial", "empty")}
    assert "a face refers to vertex 5, but there are only 3 vertices" in steps["bad_faces"]["problem"]
    assert "no faces were written" in steps["partial"]["problem"]
    assert "a batch of 0 samples" in steps["empty"]["problem"]
    for tag, problem in steps.items():
        r = ours.get("/api/meshes/data", params={"run": "bad", "tag": tag, "step": 1})
        assert r.status_code == 400 and problem["problem"] in r.json()["detail"]
    problems = ours.get("/api/status").json()["runs"][0]["problems"]
    assert any("'short_VERTEX'" in p and "(1, 1000000, 3)" in p for p in problems), problems
    assert any("'odd_VERTEX'" in p and "unknown content type 0" in p for p in problems), problems
    for params, status in (({"run": "torch", "tag": "tetra", "step": 99}, 404),
                           ({"run": "torch", "tag": "tetra", "step": 0, "sample": 1}, 404),
                           ({"run": "torch", "tag": "nope", "step": 0}, 404),
                           ({"run": "torch", "tag": "tetra", "step": "x"}, 422)):
        r = ours.get("/api/meshes/data", params=params)
        assert r.status_code == status and r.json()["detail"], (params, r.text)
    r = ours.get("/data/plugin/mesh/data", params={"run": "torch", "tag": "tetra", "content_type": "NORMAL"})
    assert r.status_code == 400 and "VERTEX, FACE or COLOR" in r.json()["detail"]
    monkeypatch.setattr("board.api.meshes.MAX_MESH_VALUES", 30)  # the tetrahedron holds 36
    r = ours.get("/api/meshes/data", params={"run": "torch", "tag": "tetra", "step": 0})
    assert r.status_code == 400 and "holds 36 numbers, more than the 30" in r.json()["detail"]
