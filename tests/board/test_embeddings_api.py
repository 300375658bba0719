"""The projector's routes on files written by PyTorch's ``add_embedding`` and by ours: listed,
served with the values written, read the same as real TensorBoard's projector plugin reads
them; PCA against numpy's SVD, neighbours against brute force, t-SNE keeping clusters apart."""

from __future__ import annotations

import os
import time

import httpx
import numpy as np
import pytest

from board.data.projections import pca
from board.data.tsne import MAX_TSNE_ITERATIONS, tsne
from board.data.tsne_jobs import TsneJobs
from tests.board.conftest import board_client, wait_for
from tests.board.embeddings import PER_CLUSTER, clusters, knn_agreement, write_embeddings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("embeddings")
    return root, write_embeddings(root)


@pytest.fixture(scope="module")
def ours(written):
    with board_client(str(written[0])) as client:
        yield client


@pytest.fixture(scope="module")
def tensorboard(written):
    from tensorboard import program

    tb = program.TensorBoard()
    tb.configure(argv=[None, "--logdir", str(written[0]), "--host", "127.0.0.1", "--port", "0",
                       "--load_fast", "false", "--reload_interval", "1"])
    client = httpx.Client(base_url=tb.launch().rstrip("/"), timeout=30)
    wait_for(lambda: len(client.get("/data/plugin/projector/runs").json()) == 2, timeout=60, interval=0.2)
    yield client
    client.close()


def tensor_of(client, run, name, path="/api/embeddings/tensor"):
    r = client.get(path, params={"run": run, "name": name})
    assert r.status_code == 200, r.text
    return np.frombuffer(r.content, dtype="<f4")


def test_embeddings_of_both_writers_are_listed_and_served_as_written(ours, written):
    _, w = written
    runs = ours.get("/api/embeddings").json()["runs"]
    assert [e["name"] for e in runs["torch"]["embeddings"]] == ["words:00000", "table:00002"]
    assert runs["torch"]["embeddings"][1]["sprite"] == {"single_image_dim": [8, 8]}
    assert runs["ours"]["embeddings"][0]["name"] == "clusters:00007"
    for run, name, expected in (("torch", "words:00000", w["x"]), ("torch", "table:00002", w["x"][:, :8]),
                                ("ours", "clusters:00007", w["x"])):
        got = tensor_of(ours, run, name).reshape(expected.shape)
        np.testing.assert_array_equal(got, expected)
    words = ours.get("/api/embeddings/metadata", params={"run": "torch", "name": "words:00000"}).json()
    assert [c["name"] for c in words["columns"]] == ["label"] and words["columns"][0]["values"] == w["names"]
    for run, name in (("torch", "table:00002"), ("ours", "clusters:00007")):
        table = ours.get("/api/embeddings/metadata", params={"run": run, "name": name}).json()["columns"]
        assert [(c["name"], c["numeric"], c["distinct"]) for c in table] == [
            ("name", False, len(w["names"])), ("cluster", False, 4), ("score", True, 4)]
        assert table[1]["values"] == [row[1] for row in w["table"]]
    sprite = ours.get("/api/embeddings/sprite", params={"run": "ours", "name": "clusters:00007"})
    assert sprite.headers["content-type"] == "image/png" and sprite.content.startswith(b"\x89PNG")
    tags = ours.get("/api/tags").json()["runs"]
    assert tags["ours"]["embeddings"] and tags["torch"]["embeddings"]
    assert not [n for n in ours.get("/api/status").json()["not_shown"] if n["kind"] == "embeddings"]


def test_tensorboard_reads_our_files_and_pytorchs_as_we_do(tensorboard, ours):
    assert sorted(tensorboard.get("/data/plugin/projector/runs").json()) == ["ours", "torch"]
    listing = ours.get("/api/embeddings").json()["runs"]
    for run in ("ours", "torch"):
        config = tensorboard.get("/data/plugin/projector/info", params={"run": run}).json()
        names = [e["name"] for e in listing[run]["embeddings"]]
        assert [e["tensorName"] for e in config["embeddings"]] == names
        for emb in config["embeddings"]:
            name = emb["tensorName"]
            theirs = tensor_of(tensorboard, run, name, "/data/plugin/projector/tensor")
            np.testing.assert_array_equal(tensor_of(ours, run, name), theirs)
            assert [int(d) for d in emb["tensorShape"]] == [len(theirs) // int(emb["tensorShape"][1]),
                                                            int(emb["tensorShape"][1])]
            text = tensorboard.get("/data/plugin/projector/metadata", params={"run": run, "name": name}).text
            lines = text.rstrip("\n").split("\n")
            mine = ours.get("/api/embeddings/metadata", params={"run": run, "name": name}).json()["columns"]
            if "\t" in lines[0]:
                assert lines[0].split("\t") == [c["name"] for c in mine]
                lines = lines[1:]
            assert [line.split("\t") for line in lines] == [list(r) for r in zip(*(c["values"] for c in mine),
                                                                                 strict=True)]
            if "sprite" in emb:
                their_png = tensorboard.get("/data/plugin/projector/sprite_image",
                                            params={"run": run, "name": name})
                mine_png = ours.get("/api/embeddings/sprite", params={"run": run, "name": name})
                assert their_png.content == mine_png.content
                assert [int(d) for d in emb["sprite"]["singleImageDim"]] == [8, 8]


def test_pca_matches_numpys_svd_of_the_centred_points(ours, written):
    x = written[1]["x"].astype(np.float64)
    answer = ours.get("/api/embeddings/pca", params={"run": "ours", "name": "clusters:00007"}).json()
    u, s, _ = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    expected = u[:, :3] * s[:3]
    coords = np.array(answer["coords"])
    for k in range(3):  # each component up to its sign
        sign = np.sign(coords[:, k] @ expected[:, k])
        np.testing.assert_allclose(sign * coords[:, k], expected[:, k], atol=1e-3)
    np.testing.assert_allclose(answer["variance_explained"], (s ** 2 / (s ** 2).sum())[:3], rtol=1e-5)


def test_neighbours_match_brute_force_by_both_distances(ours, written):
    x = written[1]["x"].astype(np.float64)
    got = ours.get("/api/embeddings/neighbors", params={"run": "ours", "name": "clusters:00007",
                                                        "index": 5, "k": 7}).json()
    euclid = np.linalg.norm(x - x[5], axis=1)
    cosine = 1 - x @ x[5] / (np.linalg.norm(x, axis=1) * np.linalg.norm(x[5]))
    for metric, dist in (("euclidean", euclid), ("cosine", cosine)):
        dist[5] = np.inf
        assert [n["index"] for n in got[metric]] == np.argsort(dist)[:7].tolist()
        np.testing.assert_allclose([n["distance"] for n in got[metric]], np.sort(dist)[:7], atol=1e-5)


@pytest.mark.parametrize("dims", [2, 3])
def test_tsne_keeps_clusters_together(dims):
    x, labels = clusters(seed=3)
    noise = np.random.default_rng(4).normal(0, 1, (len(x), 40)).astype(np.float32)  # 56-D: PCA first
    y = tsne(np.hstack([x, noise]), dims=dims, perplexity=15, iterations=400, seed=1)
    assert y.shape == (len(x), dims)
    assert knn_agreement(y, labels) > 0.95
    np.testing.assert_array_equal(y, tsne(np.hstack([x, noise]), dims=dims, perplexity=15, iterations=400,
                                          seed=1))  # seeded


def test_tsne_route_runs_in_the_background_and_converges(ours, written):
    params = {"run": "ours", "name": "clusters:00007", "iterations": 500, "perplexity": 20}
    first = ours.get("/api/embeddings/tsne", params=params).json()
    assert first["state"] == "running" and first["iterations"] == 500
    deadline = time.monotonic() + 30
    while (job := ours.get("/api/embeddings/tsne", params=params).json())["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert job["state"] == "done" and job["iteration"] == 500
    assert knn_agreement(np.array(job["coords"]), written[1]["labels"]) > 0.95
    assert ours.get("/api/embeddings/tsne", params={**params, "perplexity": 1}).status_code == 422


def test_custom_projection_runs_from_one_cluster_to_another(ours, written):
    base = {"run": "ours", "name": "clusters:00007", "column": "cluster"}
    answer = ours.get("/api/embeddings/custom", params={**base, "x_left": "^cluster0$",
                                                        "x_right": "^cluster1$"}).json()
    x = np.array(answer["coords"])[:, 0]
    assert x[:PER_CLUSTER].max() < x[PER_CLUSTER:2 * PER_CLUSTER].min()
    bad = ours.get("/api/embeddings/custom", params={**base, "x_left": "nothing", "x_right": "cluster1"})
    assert bad.status_code == 400 and "matches no point" in bad.json()["detail"]


@pytest.mark.parametrize("shape", [(40, 200), (300, 12)])
def test_pca_of_wide_and_tall_points_matches_the_svd(shape):
    x = np.random.default_rng(5).normal(size=shape) * np.linspace(3, 0.1, shape[1])
    got = pca(x, 3)
    u, s, _ = np.linalg.svd(x - x.mean(axis=0), full_matrices=False)
    np.testing.assert_allclose(np.abs(got["coords"]), np.abs(u[:, :3] * s[:3]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got["variance_explained"], (s ** 2 / (s ** 2).sum())[:3], rtol=1e-6)
    assert got["fitted_on"] == shape[0]


def test_a_tsne_job_nobody_polls_stops_and_restarts_when_asked_again():
    x, _ = clusters()
    jobs = TsneJobs(abandon_seconds=0.3)
    settings = {"dims": 2, "perplexity": 10.0, "learning_rate": 200.0, "iterations": MAX_TSNE_ITERATIONS,
                "seed": 0}
    assert jobs.poll(("k",), lambda: x, settings)["state"] == "running"
    wait_for(lambda: jobs._jobs[("k",)].state == "stopped", timeout=20)
    assert jobs._jobs[("k",)].iteration < MAX_TSNE_ITERATIONS
    assert jobs.poll(("k",), lambda: x, settings)["state"] == "running"  # a new job
    jobs._jobs[("k",)].polled = 0  # let it stop
