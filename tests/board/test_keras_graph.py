"""A Keras model config as graph nodes (``board.api.graphjson.keras_json``), ``/api/graph?kind=keras``.

The configs are what ``model.to_json()`` gives (what Keras's TensorBoard callback logs under tag
``keras``), written out by hand in the shapes of tf.keras 2.15 and Keras 3: Keras 2 lists a call's
tensors as ``[layer, node_index, tensor_index, kwargs]``, Keras 3 as ``__keras_tensor__`` objects
inside ``{"args", "kwargs"}``; Sequential layers carry no ``name`` nor ``inbound_nodes``.
"""

from __future__ import annotations

import json

import pytest

from board.api.graphjson import keras_json
from tests.board.conftest import board_client

F32_POLICY = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
              "registered_name": None}


def k2_input(name, shape):
    return {"class_name": "InputLayer", "name": name, "inbound_nodes": [],
            "config": {"batch_input_shape": [None, *shape], "dtype": "float32", "sparse": False,
                       "ragged": False, "name": name}}


def k2_layer(cls, name, inbound, **config):
    return {"class_name": cls, "name": name, "inbound_nodes": inbound,
            "config": {"name": name, "trainable": True, "dtype": "float32", **config}}


def k3_tensor(layer, node=0, shape=(None, 8)):
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(shape), "dtype": "float32", "keras_history": [layer, node, 0]}}


def k3_input(name, shape=(8,)):
    return {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
            "config": {"batch_shape": [None, *shape], "dtype": "float32", "sparse": False, "name": name},
            "name": name, "inbound_nodes": []}


def k3_layer(cls, name, calls, **config):
    return {"module": "keras.layers", "class_name": cls, "registered_name": None,
            "config": {"name": name, "trainable": True, "dtype": F32_POLICY, **config},
            "build_config": {"input_shape": [None, 8]}, "name": name, "inbound_nodes": calls}


# tf.keras 2.15: a layer shared by two calls, a nested Sequential, TFOpLambda layers whose
# kwargs hold a tensor, and a constant first argument.
KERAS2_FUNCTIONAL = {"class_name": "Functional", "keras_version": "2.15.0", "backend": "tensorflow",
                     "config": {"name": "model", "trainable": True, "layers": [
    k2_input("x", [8]),
    k2_layer("Dense", "pre", [[["x", 0, 0, {}]]], units=8, activation="tanh"),
    k2_layer("Dense", "shared", [[["x", 0, 0, {}]], [["pre", 0, 0, {}]]], units=4, activation="relu"),
    k2_layer("Add", "add", [[["shared", 0, 0, {}], ["shared", 1, 0, {}]]]),
    {"class_name": "Sequential", "name": "head", "inbound_nodes": [[["add", 0, 0, {}]]],
     "config": {"name": "head", "layers": [
         {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
                                                 "sparse": False, "ragged": False, "name": "s1_input"}},
         {"class_name": "Dense", "config": {"name": "s1", "units": 4, "activation": "relu"}},
         {"class_name": "Dense", "config": {"name": "s2", "units": 2, "activation": "linear"}}]}},
    k2_layer("TFOpLambda", "tf.math.add", [["head", 1, 0, {"y": ["pre", 0, 0], "name": None}]],
             function="math.add"),
    k2_layer("TFOpLambda", "tf.math.multiply",
             [["_CONSTANT_VALUE", -1, 2.0, {"y": ["tf.math.add", 0, 0], "name": None}]],
             function="math.multiply")],
    "input_layers": [["x", 0, 0]], "output_layers": [["tf.math.multiply", 0, 0]]}}

# Keras 3: two inputs, a shared layer, a nested two-input Functional called on two tensors, a
# Concatenate over a list of tensors and a tensor passed as a keyword argument.
KERAS3_FUNCTIONAL = {"module": "keras.src.models.functional", "class_name": "Functional",
                     "registered_name": "Functional", "config": {"name": "functional", "trainable": True,
                                                                 "layers": [
    k3_input("a_in"), k3_input("b_in"),
    k3_layer("Dense", "shared", [{"args": [k3_tensor("a_in")], "kwargs": {}},
                                 {"args": [k3_tensor("b_in")], "kwargs": {}}], units=8, activation="relu"),
    {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
     "name": "pair", "inbound_nodes": [{"args": [[k3_tensor("a_in"), k3_tensor("shared", 1)]], "kwargs": {}}],
     "config": {"name": "pair", "trainable": True, "layers": [
         k3_input("p"), k3_input("q"),
         k3_layer("Concatenate", "cat", [{"args": [[k3_tensor("p"), k3_tensor("q")]], "kwargs": {}}],
                  axis=-1)],
         "input_layers": [["p", 0, 0], ["q", 0, 0]], "output_layers": ["cat", 0, 0]}},
    k3_layer("Dense", "out", [{"args": [k3_tensor("pair", shape=(None, 16))], "kwargs": {}}], units=8),
    k3_layer("MultiHeadAttention", "mha",
             [{"args": [k3_tensor("out")], "kwargs": {"value": k3_tensor("shared", 1), "training": False}}],
             num_heads=2)],
    "input_layers": [["a_in", 0, 0], ["b_in", 0, 0]], "output_layers": [["mha", 0, 0]]}}

# Sequential configs: Keras 3 (with its InputLayer) and tf.keras 2 holding a nested Sequential.
KERAS3_SEQUENTIAL = {"module": "keras", "class_name": "Sequential", "registered_name": None,
                     "config": {"name": "sequential", "trainable": True, "dtype": F32_POLICY, "layers": [
    {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
     "config": {"batch_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_layer"}},
    {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
     "config": {"name": "dense", "dtype": F32_POLICY, "units": 8, "activation": "relu"},
     "build_config": {"input_shape": [None, 4]}},
    {"module": "keras.layers", "class_name": "Dropout", "registered_name": None,
     "config": {"name": "dropout", "dtype": F32_POLICY, "rate": 0.5}},
    {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
     "config": {"name": "dense_1", "dtype": F32_POLICY, "units": 1}}],
    "build_input_shape": [None, 4]}, "build_config": {"input_shape": [None, 4]}}

KERAS2_SEQUENTIAL = {"class_name": "Sequential", "keras_version": "2.15.0", "backend": "tensorflow",
                     "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
                                            "sparse": False, "ragged": False, "name": "d1_input"}},
    {"class_name": "Dense", "config": {"name": "d1", "units": 8, "activation": "relu"}},
    {"class_name": "Sequential", "config": {"name": "block", "layers": [
        {"class_name": "Dense", "config": {"name": "i1", "units": 4}},
        {"class_name": "Dense", "config": {"name": "i2", "units": 2}}]}},
    {"class_name": "Dense", "config": {"name": "d2", "units": 1}}]}}


def wiring(nodes):
    return {n["name"]: n["inputs"] for n in nodes}


def test_every_node_has_the_graphdef_node_shape():
    for config in (KERAS2_FUNCTIONAL, KERAS3_FUNCTIONAL, KERAS3_SEQUENTIAL, KERAS2_SEQUENTIAL):
        for node in keras_json(config):
            assert set(node) == {"name", "op", "inputs", "device", "attr"}
            assert isinstance(node["op"], str) and node["op"] and node["device"] == ""


def test_keras2_functional_shared_nested_and_kwargs_tensors():
    nodes = keras_json(KERAS2_FUNCTIONAL)
    assert wiring(nodes) == {
        "model/x": [],
        "model/pre": ["model/x"],
        "model/shared": ["model/x", "model/pre"],          # one node, the inputs of both calls
        "model/add": ["model/shared"],
        "model/head/s1_input": ["model/add"],               # the nested model's input takes its caller
        "model/head/s1": ["model/head/s1_input"],
        "model/head/s2": ["model/head/s1"],
        "model/tf.math.add": ["model/head/s2", "model/pre"],   # consumers of "head" see its output
        "model/tf.math.multiply": ["model/tf.math.add"],        # the constant first argument is no node
    }
    ops = {n["name"]: n["op"] for n in nodes}
    assert ops["model/head/s2"] == "Dense" and ops["model/tf.math.add"] == "TFOpLambda"
    attr = {n["name"]: n["attr"] for n in nodes}
    assert attr["model/shared"] == {"units": 4, "activation": "relu", "dtype": "float32"}
    assert attr["model/x"]["batch_input_shape"] == [None, 8]


def test_keras3_functional_keras_tensors_and_nested_inputs_in_order():
    nodes = keras_json(KERAS3_FUNCTIONAL)
    assert wiring(nodes) == {
        "functional/a_in": [],
        "functional/b_in": [],
        "functional/shared": ["functional/a_in", "functional/b_in"],
        "functional/pair/p": ["functional/a_in"],           # the two tensors go to the two inputs
        "functional/pair/q": ["functional/shared"],
        "functional/pair/cat": ["functional/pair/p", "functional/pair/q"],
        "functional/out": ["functional/pair/cat"],
        "functional/mha": ["functional/out", "functional/shared"],   # `value=` is a kwarg tensor
    }
    attr = {n["name"]: n["attr"] for n in nodes}
    assert attr["functional/shared"] == {"units": 8, "activation": "relu", "dtype": "float32"}
    assert attr["functional/a_in"] == {"batch_shape": [None, 8], "dtype": "float32"}
    assert attr["functional/pair/cat"]["axis"] == -1


def test_sequential_configs_chain_their_layers():
    assert wiring(keras_json(KERAS3_SEQUENTIAL)) == {
        "sequential/input_layer": [],
        "sequential/dense": ["sequential/input_layer"],
        "sequential/dropout": ["sequential/dense"],
        "sequential/dense_1": ["sequential/dropout"],
    }
    assert keras_json(KERAS3_SEQUENTIAL)[2]["attr"] == {"rate": 0.5, "dtype": "float32"}
    assert wiring(keras_json(KERAS2_SEQUENTIAL)) == {
        "sequential/d1_input": [],
        "sequential/d1": ["sequential/d1_input"],
        "sequential/block/i1": ["sequential/d1"],
        "sequential/block/i2": ["sequential/block/i1"],
        "sequential/d2": ["sequential/block/i2"],
    }


def test_odd_configs():
    # Keras 2.2 wrote a Sequential's config as the bare layer list; a model may have no layers.
    old = {"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"name": "d"}},
                                                  {"class_name": "Dense", "config": {"name": "e"}}]}
    assert wiring(keras_json(json.dumps(old))) == {"model/d": [], "model/e": ["model/d"]}
    assert keras_json({"class_name": "Functional", "config": {"name": "m", "layers": []}}) == []
    with pytest.raises(ValueError):
        keras_json([1, 2])


def test_graph_route_serves_keras_layers_as_nodes(tmp_path):
    from engine.summary import SummaryWriter
    from tfevents import builders

    with SummaryWriter(str(tmp_path / "k3")) as w:
        w.add_summary(builders.keras_model_config(json.dumps(KERAS3_FUNCTIONAL)), 0)
    with SummaryWriter(str(tmp_path / "bad")) as w:
        w.add_summary(builders.keras_model_config("[1, 2]"), 3)
    with SummaryWriter(str(tmp_path / "plain")) as w:
        w.add_scalar("loss", 1.0, 0)
    with board_client(tmp_path) as c:
        body = c.get("/api/graph", params={"run": "k3", "kind": "keras"}).json()
        assert body["nodes"] == keras_json(KERAS3_FUNCTIONAL) and body["step"] == 0
        assert body["run"] == "k3" and "wall_time" in body
        assert c.get("/api/graph", params={"run": "k3"}).status_code == 404        # no GraphDef
        bad = c.get("/api/graph", params={"run": "bad", "kind": "keras"})
        assert bad.status_code == 409 and "step 3" in bad.json()["detail"]
        assert c.get("/api/graph", params={"run": "plain", "kind": "keras"}).status_code == 404
        assert c.get("/api/graph", params={"run": "k3", "kind": "layers"}).status_code == 422
