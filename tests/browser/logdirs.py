"""Logdirs the browser tests and ``bench/ui.py`` open, written with our own SummaryWriter."""

from __future__ import annotations

import json
import math
import pathlib

import numpy as np

from engine.summary import SummaryWriter
from tfevents import builders
from tfevents.proto import graph_pb2, types_pb2

WALL0 = 1_700_000_000.0
XSS_TAG = "<img src=x onerror=alert(1)>"
HTML_TEXT = "<script>alert(2)</script><b>not bold</b>"
MARKDOWN_TEXT = ("# Notes\n\n**bold** and [a link](https://example.org) and [bad](javascript:alert(4)) "
                 "<img src=x onerror=alert(5)>\n\n| k | v |\n|---|---|\n| lr | 0.1 |\n")
TEXT_TABLE = [["metric", "value"], ["loss", "**0.25**"], ["<script>alert(6)</script>", "x"]]
XSS_RUN = "<img src=x onerror=alert(3)>"
DEMO_STEPS = 300


def node(graph, name, op, inputs=(), shape=None, dtype=types_pb2.DT_FLOAT):
    n = graph.node.add(name=name, op=op)
    n.input.extend(inputs)
    n.attr["T"].type = dtype
    if shape is not None:
        out = n.attr["_output_shapes"].list.shape.add()
        for d in shape:
            out.dim.add(size=d)
    return n


def small_graph() -> graph_pb2.GraphDef:
    """A two-layer network with name scopes, a control edge and a series of 6 siblings."""
    g = graph_pb2.GraphDef()
    node(g, "input", "Placeholder", shape=[-1, 784])
    for layer, (fan_in, fan_out) in (("dense", (784, 128)), ("dense_1", (128, 10))):
        src = "input" if layer == "dense" else "dense/Relu"
        node(g, f"{layer}/kernel", "VariableV2", shape=[fan_in, fan_out])
        node(g, f"{layer}/bias", "VariableV2", shape=[fan_out])
        node(g, f"{layer}/MatMul", "MatMul", [src, f"{layer}/kernel"], shape=[-1, fan_out])
        node(g, f"{layer}/BiasAdd", "BiasAdd", [f"{layer}/MatMul", f"{layer}/bias"], shape=[-1, fan_out])
    node(g, "dense/Relu", "Relu", ["dense/BiasAdd"], shape=[-1, 128])
    node(g, "output", "Softmax", ["dense_1/BiasAdd", "^dense/kernel"], shape=[-1, 10])
    for i in range(6):
        node(g, f"metrics/update_{i}", "AssignAdd", ["output"])
    return g


def big_graph(towers: int = 20, blocks: int = 10, ops: int = 10) -> graph_pb2.GraphDef:
    """``towers * blocks * ops`` nodes (2,000 by default) in two levels of scopes, chained."""
    g = graph_pb2.GraphDef()
    words = ["conv", "norm", "attn", "mlp", "gate", "proj", "embed", "pool", "mix", "head", "skip", "res"]
    node(g, "input", "Placeholder", shape=[-1, 64])
    prev = "input"
    for t in range(towers):
        tower = f"tower_{chr(97 + t % 26)}{'' if t < 26 else t}"
        for b in range(blocks):
            scope = f"{tower}/{words[b % len(words)]}{'' if b < len(words) else b}"
            for k in range(ops):
                name = f"{scope}/op{chr(97 + k)}"
                node(g, name, ("MatMul", "Add", "Relu")[k % 3], [prev], shape=[-1, 64])
                prev = name
    return g


# What Keras 2's TensorBoard callback logs for a functional model (model.to_json()).
KERAS_FUNCTIONAL = {"class_name": "Functional", "config": {"name": "model", "layers": [
    {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
     "config": {"batch_input_shape": [None, 8], "dtype": "float32", "name": "x"}},
    {"class_name": "Dense", "name": "a", "inbound_nodes": [[["x", 0, 0, {}]]],
     "config": {"name": "a", "units": 4, "activation": "relu"}},
    {"class_name": "Dense", "name": "b", "inbound_nodes": [[["x", 0, 0, {}]]],
     "config": {"name": "b", "units": 4, "activation": "linear"}},
    {"class_name": "Add", "name": "add", "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]],
     "config": {"name": "add"}}],
    "input_layers": [["x", 0, 0]], "output_layers": [["add", 0, 0]]},
    "keras_version": "2.15.0", "backend": "tensorflow"}


def write_demo(root: pathlib.Path) -> pathlib.Path:
    """Four runs with known values: curves, NaN/inf, an XSS-looking tag, histograms, graphs, text."""
    root = pathlib.Path(root)
    rng = np.random.default_rng(0)
    steps = np.arange(DEMO_STEPS)
    for run, lr in (("lr_0.1", 0.1), ("lr_0.01", 0.01), ("adam/train", 0.05)):
        with SummaryWriter(root / run) as w:
            noise = rng.normal(0, 0.05, DEMO_STEPS)
            for s in steps.tolist():
                wall = WALL0 + 2.0 * s
                loss = 2.3 * math.exp(-lr * s / 3) + 0.1 + noise[s]
                w.add_scalar("train/loss", loss, s, walltime=wall)
                w.add_scalar("train/accuracy", 1 - loss / 2.5, s, walltime=wall)
                if s % 10 == 0:
                    w.add_scalar("eval/loss", loss + 0.1, s, walltime=wall)
                if s % 30 == 0:
                    spread = 0.05 + lr * s / 30
                    w.add_histogram("fc1/weight", rng.normal(0, spread, 2000), s, walltime=wall)
            # tf.summary.text's layout (the tag as given); add_text writes PyTorch's <tag>/text_summary
            w.add_summary(builders.text("notes", f"run {run}: learning rate {lr}"), 0, WALL0)
            if run == "lr_0.1":
                w.add_graph(small_graph(), walltime=WALL0)
    with SummaryWriter(root / "edge") as w:
        for s, v in enumerate([1.0, 2.0, float("nan"), 3.0, float("inf"), 2.0, float("-inf"), 1.5]):
            w.add_scalar("edge/nonfinite", v, s, walltime=WALL0 + s)
        for s in range(5):
            w.add_scalar(XSS_TAG, float(s), s, walltime=WALL0 + s)
            w.add_scalar("edge/constant", 3.0, s, walltime=WALL0 + s)
            w.add_histogram("edge/constant", np.full(100, 3.0), s, walltime=WALL0 + s)
        w.add_graph(big_graph(), walltime=WALL0)
        w.add_summary(builders.text("notes/html", HTML_TEXT), 1, WALL0)
        w.add_summary(builders.text("notes/markdown", MARKDOWN_TEXT), 1, WALL0)
        w.add_summary(builders.text("notes/table", TEXT_TABLE), 1, WALL0)
    with SummaryWriter(root / XSS_RUN) as w:
        for s in range(5):
            w.add_scalar(XSS_TAG, 10.0 - s, s, walltime=WALL0 + s)
    with SummaryWriter(root / "keras") as w:
        w.add_summary(builders.keras_model_config(json.dumps(KERAS_FUNCTIONAL)), 0, WALL0)
    return root


def write_big(root: pathlib.Path, runs: int = 20, tags: int = 10, steps: int = 10_000) -> pathlib.Path:
    """The benchmark logdir of the issue: 20 runs x 10 tags x 10,000 steps."""
    root = pathlib.Path(root)
    rng = np.random.default_rng(1)
    s = np.arange(steps)
    for r in range(runs):
        with SummaryWriter(root / f"run_{r:02d}", max_queue=10_000) as w:
            curves = [np.exp(-s / (2000 + 300 * r + 50 * t)) + rng.normal(0, 0.03, steps)
                      for t in range(tags)]
            for i in s.tolist():
                for t in range(tags):
                    group = "train" if t < tags // 2 else "eval"
                    w.add_scalar(f"{group}/metric_{t}", float(curves[t][i]), i, walltime=WALL0 + i)
    return root


def write_images(root: pathlib.Path, tags: int = 50, steps: int = 10, size: int = 64) -> pathlib.Path:
    """The images benchmark's logdir: one run of ``tags`` x ``steps`` RGB images written by
    tensorboardX (v1 ``Summary.Image`` PNGs, as PyTorch writes them)."""
    from tensorboardX import SummaryWriter as XWriter

    root = pathlib.Path(root)
    rng = np.random.default_rng(2)
    with XWriter(str(root / "images")) as w:
        for s in range(steps):
            for t in range(tags):
                w.add_image(f"layer_{t // 10}/sample_{t:02d}", rng.random((3, size, size)), s,
                            walltime=WALL0 + s)
    return root
