"""Damaged projector files get a 4xx naming what is wrong, never a 500, and nothing is read
whole before its size is checked: bad rows, missing files, shapes past the bounds, paths out of
the run's directory, a config that is not one. The binary float32 format TensorBoard accepts
is read too."""

from __future__ import annotations

import os

import numpy as np
import pytest

from board.data import projector
from tests.board.conftest import board_client, write_run

GOOD = "1\t2\t3\n4\t5\t6\n"


def embedding(name, tensor_path, extra=""):
    return f'embeddings {{ tensor_name: "{name}" tensor_path: "{tensor_path}" {extra} }}\n'


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("malformed")
    run = root / "run"
    write_run(run, {"loss": [(0, 1.0)]})
    files = {
        "ragged.tsv": "1\t2\t3\n4\t5\n", "words.tsv": "1\t2\nx\t3\n", "good.tsv": GOOD,
        "nan.tsv": "1\tnan\n2\t3\n", "meta_short.tsv": "a\n", "sprite.png": "not an image",
        "big.tsv": None, "many.tsv": "".join(f"{i}\t{i % 7}\n" for i in range(3001)),
    }
    for name, text in files.items():
        if text is not None:
            (run / name).write_text(text)
    with open(run / "big.tsv", "wb") as f:  # sparse: 300 MB declared, nothing on disk
        f.truncate(300 << 20)
    x = np.arange(12, dtype=np.float32).reshape(4, 3) / 7
    (run / "binary.bytes").write_bytes(x.tobytes())
    (run / "short.bytes").write_bytes(x.tobytes()[:-4])
    config = "".join([
        embedding("ragged", "ragged.tsv"), embedding("words", "words.tsv"),
        embedding("missing", "nowhere.tsv"), embedding("outside", "../../etc/passwd"),
        embedding("huge", "binary.bytes", "tensor_shape: 1000000 tensor_shape: 1000"),
        embedding("binary", "binary.bytes", "tensor_shape: 4 tensor_shape: 3"),
        embedding("short", "short.bytes", "tensor_shape: 4 tensor_shape: 3"),
        embedding("unshaped", "binary.bytes"),
        embedding("wrong_shape", "good.tsv", "tensor_shape: 3 tensor_shape: 3"),
        embedding("nan", "nan.tsv"), embedding("big", "big.tsv"), embedding("many", "many.tsv"),
        embedding("badmeta", "good.tsv", 'metadata_path: "meta_short.tsv"'),
        embedding("badsprite", "good.tsv", 'sprite { image_path: "sprite.png" single_image_dim: 2 }'),
    ])
    (run / projector.CONFIG_NAME).write_text(config)
    broken = root / "broken"
    write_run(broken, {"loss": [(0, 1.0)]})
    (broken / projector.CONFIG_NAME).write_text("embeddings { tensor_name: ")
    with board_client(str(root)) as c:
        c.x = x
        yield c


def get(client, route, name, run="run", **params):
    r = client.get(f"/api/embeddings{route}", params={"run": run, "name": name, **params})
    assert r.status_code != 500, r.text
    return r


@pytest.mark.parametrize("name, status, says", [
    ("ragged", 400, "row 2 has 2 values; row 1 has 3"),
    ("words", 400, "row 2: 'x' is not a number"),
    ("missing", 404, "does not exist"),
    ("outside", 400, "resolves outside the config's directory"),
    ("huge", 413, "at most 100,000 points"),
    ("short", 400, "needs 48 (float32)"),
    ("unshaped", 400, "declares no tensor_shape"),
    ("wrong_shape", 400, "declares tensor_shape [3, 3] but the tensor file holds [2, 3]"),
    ("big", 413, "at most 268,435,456 are read"),
])
def test_a_bad_tensor_file_is_a_clear_4xx(client, name, status, says):
    for route in ("/tensor", "/pca", "/neighbors", "/tsne"):
        r = get(client, route, name, index=0)
        assert r.status_code == status and says in r.json()["detail"], (route, r.text)


def test_other_problems_are_said_and_the_good_parts_served(client):
    listing = client.get("/api/embeddings").json()["runs"]
    assert "not a valid ProjectorConfig" in listing["broken"]["problem"]
    outside = next(e for e in listing["run"]["embeddings"] if e["name"] == "outside")
    assert "outside" in outside["problem"]
    binary = get(client, "/tensor", "binary")
    np.testing.assert_array_equal(np.frombuffer(binary.content, "<f4").reshape(4, 3), client.x)
    assert get(client, "/tensor", "nan").status_code == 200
    nan = get(client, "/pca", "nan")
    assert nan.status_code == 400 and "row 1 holds NaN" in nan.json()["detail"]
    meta = get(client, "/metadata", "badmeta")
    assert meta.status_code == 400 and "metadata has 1 rows for 2 points" in meta.json()["detail"]
    assert get(client, "/metadata", "ragged").status_code in (400, 404)
    sprite = get(client, "/sprite", "badsprite")
    assert sprite.status_code == 400 and "neither a PNG nor a JPEG" in sprite.json()["detail"]
    many = get(client, "/tsne", "many")
    assert many.status_code == 400 and "at most 3,000" in many.json()["detail"]
    assert get(client, "/pca", "many").status_code == 200
    broken = get(client, "/tensor", "x", run="broken")
    assert broken.status_code == 400 and "not a valid ProjectorConfig" in broken.json()["detail"]
    assert get(client, "/tensor", "nope").status_code == 404
    assert get(client, "/neighbors", "binary", index=4).status_code == 400


def test_the_size_is_checked_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "t.tsv"
    with open(path, "wb") as f:
        f.truncate(projector.MAX_TENSOR_BYTES + 1)
    emb = projector.Embedding(name="t", config_path=str(tmp_path / projector.CONFIG_NAME),
                              tensor_path=str(path), tensor_shape=[])
    monkeypatch.setattr("builtins.open", lambda *a, **k: pytest.fail("opened a file past the bound"))
    with pytest.raises(projector.ProjectorFileError, match="at most"):
        projector.read_tensor(emb)
    assert os.path.getsize(path) > projector.MAX_TENSOR_BYTES
