"""The HTTP API (http_api.md) through TestClient: shapes, 404s, 4xx for bad parameters, valid JSON."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.api.scalars import scalars_impl
from tests.board.conftest import WALL0, board_client, write_run


def strict_json(response):
    """Parse as RFC 8259 JSON: bare NaN / Infinity tokens are rejected."""
    def reject(token):
        raise AssertionError(f"invalid JSON token {token}")
    return json.loads(response.text, parse_constant=reject)


@pytest.fixture
def client(small_logdir):
    with board_client(small_logdir) as c:
        yield c


def test_runs_and_tags(client):
    assert strict_json(client.get("/api/runs")) == {"runs": ["a", "b/train"]}
    tags = strict_json(client.get("/api/tags"))["runs"]
    assert tags["a"] == {"scalars": ["loss"], "histograms": [], "text": [], "graphs": [], "graph": False,
                         "keras_model": False, "hparams": False, "images": [], "audio": [],
                         "pr_curves": [], "custom_scalars": [], "meshes": [], "embeddings": [],
                         "run_metadata": []}
    assert tags["b/train"]["graphs"] == [{"kind": "op", "tag": None}]
    assert tags["b/train"]["histograms"] == ["w"]
    assert tags["b/train"]["text"] == ["notes"]
    assert tags["b/train"]["graph"] is True


def test_scalars_full_and_downsampled(client):
    full = strict_json(client.get("/api/scalars", params={"run": "a", "tag": "loss"}))
    assert full["step"] == list(range(100))
    assert full["wall_time"][5] == WALL0 + 5
    assert full["value"][0] == 1.0
    assert set(full) == {"run", "tag", "step", "wall_time", "value"}
    small = strict_json(client.get("/api/scalars", params={"run": "a", "tag": "loss", "max_points": 10}))
    assert 2 <= len(small["step"]) <= 10
    assert small["step"][0] == 0 and small["step"][-1] == 99
    assert max(small["value"]) == 1.0


@pytest.mark.parametrize("params", [
    {"run": "nope", "tag": "loss"},
    {"run": "a", "tag": "nope"},
    {"run": "b/train", "tag": "w"},  # a histogram tag is not a scalar tag
])
def test_unknown_run_or_tag_is_404(client, params):
    r = client.get("/api/scalars", params=params)
    assert r.status_code == 404
    assert isinstance(strict_json(r)["detail"], str)


@pytest.mark.parametrize("path", ["/api/histograms", "/api/text"])
def test_unknown_tag_404_on_other_kinds(client, path):
    assert client.get(path, params={"run": "a", "tag": "x"}).status_code == 404
    assert client.get(path, params={"run": "zz", "tag": "x"}).status_code == 404


@pytest.mark.parametrize("query", [
    "", "run=a", "tag=loss", "run=a&tag=loss&max_points=0", "run=a&tag=loss&max_points=-5",
    "run=a&tag=loss&max_points=abc", "run=a&tag=loss&max_points=1e400",
    "run=a&tag=loss&max_points=99999999999999999999999999999", "run=&tag=loss",
    "run=a&tag=loss&max_points=1.5",
])
def test_bad_parameters_are_4xx(client, query):
    r = client.get(f"/api/scalars?{query}")
    assert 400 <= r.status_code < 500, (query, r.status_code, r.text)
    strict_json(r)


def test_tiny_max_points(client):
    one = strict_json(client.get("/api/scalars", params={"run": "a", "tag": "loss", "max_points": 1}))
    assert len(one["step"]) == 1


def test_non_finite_values_are_strings(tmp_path):
    write_run(tmp_path / "r", {"x": [(0, float("nan")), (1, float("inf")), (2, float("-inf")),
                                     (3, 1.5)]})
    with board_client(tmp_path) as c:
        for params in ({}, {"max_points": 2}):
            body = strict_json(c.get("/api/scalars", params={"run": "r", "tag": "x", **params}))
            assert set(body["value"]) <= {"NaN", "Infinity", "-Infinity", 1.5}
        assert strict_json(c.get("/api/scalars", params={"run": "r", "tag": "x"}))["value"] == [
            "NaN", "Infinity", "-Infinity", 1.5]


def test_float32_values_keep_their_float64_digits(tmp_path):
    """Values are stored as float32 and sent as the float64 they equal (0.1f is
    0.10000000149011612, as TensorBoard sends it), whether the answer is written from the array
    or, with a NaN in the curve, from a list."""
    import numpy as np

    values = [0.1, 1 / 3, 1e-8, 123456.789]
    write_run(tmp_path / "r", {"x": list(enumerate(values)), "y": list(enumerate([*values, float("nan")]))})
    expected = [float(np.float32(v)) for v in values]
    with board_client(tmp_path) as c:
        x = strict_json(c.get("/api/scalars", params={"run": "r", "tag": "x"}))
        y = strict_json(c.get("/api/scalars", params={"run": "r", "tag": "y"}))
    assert x["value"] == expected and x["value"][0] == 0.10000000149011612
    assert y["value"] == [*expected, "NaN"]
    assert x["step"] == [0, 1, 2, 3] and all(type(s) is int for s in x["step"])
    assert x["wall_time"] == y["wall_time"][:4] and all(type(w) is float for w in x["wall_time"])


def test_histograms(client):
    body = strict_json(client.get("/api/histograms", params={"run": "b/train", "tag": "w"}))
    hists = body["histograms"]
    assert [h["step"] for h in hists] == list(range(0, 100, 10))
    h = hists[-1]
    assert {"step", "wall_time", "min", "max", "num", "sum", "buckets"} <= set(h)
    assert h["num"] == 500
    assert all(len(b) == 3 and b[0] <= b[1] for b in h["buckets"])
    assert sum(b[2] for b in h["buckets"]) == pytest.approx(500)


def test_text(client):
    body = strict_json(client.get("/api/text", params={"run": "b/train", "tag": "notes"}))
    assert body == {"run": "b/train", "tag": "notes",
                    "text": [{"step": 0, "wall_time": WALL0, "value": "hello *world*",
                              "html": "<p>hello <em>world</em></p>\n", "table": False}]}


def test_graph(client):
    body = strict_json(client.get("/api/graph", params={"run": "b/train"}))
    nodes = {n["name"]: n for n in body["nodes"]}
    assert set(nodes) == {"x", "dense/kernel", "dense/MatMul", "dense/Relu"}
    assert nodes["dense/MatMul"]["inputs"] == ["x", "dense/kernel:0"]
    assert nodes["dense/MatMul"]["attr"]["T"] == "DT_FLOAT"
    assert nodes["x"]["attr"]["_output_shapes"] == [[-1]]
    assert nodes["dense/Relu"]["device"] == "/cpu:0"
    assert nodes["dense/kernel"]["attr"] == {"_too_large_attrs": ["value"]}
    assert client.get("/api/graph", params={"run": "a"}).status_code == 404
    assert client.get("/api/graph", params={"run": "nope"}).status_code == 404
    assert client.get("/api/graph").status_code == 422


def test_status(client):
    body = strict_json(client.get("/api/status"))
    assert body["loading"] is False
    files = {f["run"]: f for f in body["files"]}
    assert set(files) == {"a", "b/train"}
    assert files["a"]["records"] == 101  # the file_version record + 100 points
    assert files["a"]["skipped"] == 0 and files["a"]["stopped"] is None
    assert files["a"]["name"].startswith("events.out.tfevents.")


def test_scalars_download(client):
    r = client.get("/api/scalars/download", params={"run": "a", "tag": "loss"})
    assert r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    assert lines[0] == "Wall time,Step,Value"
    assert lines[1] == f"{WALL0},0,1.0"
    rows = strict_json(client.get("/api/scalars/download",
                                  params={"run": "a", "tag": "loss", "format": "json"}))
    assert rows[1] == [WALL0 + 1, 1, 0.5]
    assert client.get("/api/scalars/download",
                      params={"run": "a", "tag": "loss", "format": "xml"}).status_code == 422


def test_impl_is_usable_without_http(small_logdir):
    with board_client(small_logdir) as c:
        provider = c.app.state.provider
        assert scalars_impl(provider, "a", "loss", 4)["step"][-1] == 99


ROUTES = ["/api/runs", "/api/tags", "/api/status", "/api/scalars", "/api/scalars/download",
          "/api/histograms", "/api/text", "/api/graph", "/api/keras_model", "/api/hparams"]
TEXT = st.one_of(st.sampled_from(["a", "b/train", "loss", "w", "notes", ".", ""]),
                 st.text(max_size=20))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_parameters_give_a_server_error(client, data):
    params = {}
    for name in ("run", "tag", "max_points", "format"):
        if data.draw(st.booleans()):
            params[name] = data.draw(st.one_of(TEXT, st.integers(-10, 10**30).map(str)))
    r = client.get(data.draw(st.sampled_from(ROUTES)), params=params)
    assert r.status_code < 500, (params, r.text)
    if r.headers["content-type"].startswith("application/json"):
        strict_json(r)


def test_keras_model_and_hparams(tmp_path):
    from engine.summary import SummaryWriter
    from tfevents import builders

    config = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense"}]}}
    with SummaryWriter(str(tmp_path / "k")) as w:
        w.add_summary(builders.keras_model_config(json.dumps(config)), 0)
        w.add_hparams({"lr": 0.1, "opt": "adam"}, {"hparam/acc": 0.9}, run_name="hp")  # a sub-run
    with board_client(tmp_path) as c:
        assert strict_json(c.get("/api/tags"))["runs"]["k"]["keras_model"] is True
        body = strict_json(c.get("/api/keras_model", params={"run": "k"}))
        assert body["config"] == config and body["step"] == 0
        runs = strict_json(c.get("/api/hparams"))["runs"]
        assert runs["k/hp"]["session_start_info"]["data"]["hparams"] == {"lr": 0.1, "opt": "adam"}
        assert runs["k/hp"]["metrics"]["hparam/acc"]["value"] == pytest.approx(0.9)
        assert c.get("/api/keras_model", params={"run": "nope"}).status_code == 404
