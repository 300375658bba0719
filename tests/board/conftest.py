"""Helpers for the board's tests: an app on a logdir with its first load done, and small runs."""

from __future__ import annotations

import contextlib
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from board.app import create_app
from engine.summary import SummaryWriter
from tfevents import builders
from tfevents.proto import graph_pb2, types_pb2

WALL0 = 1_700_000_000.0
# The board answers only Host headers naming it (DNS rebinding): TestClient's "testserver" is not.
LOCAL = "http://localhost"


@contextlib.contextmanager
def board_client(logdirs, reload_interval: float = 0, timeout: float = 30, **options):
    """A TestClient on ``create_app(logdirs, **options)`` (lifespan running) after the first load."""
    app = create_app(logdirs, reload_interval=reload_interval, **options)
    with TestClient(app, base_url=LOCAL) as client:
        assert app.state.multiplexer.wait_loaded(timeout), "first load did not finish"
        yield client


def wait_for(predicate, timeout: float = 10, interval: float = 0.02):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout} s")
        time.sleep(interval)


def write_run(run_dir, scalars: dict[str, list] | None = None, **kwargs) -> str:
    """A run written by our SummaryWriter: ``scalars`` maps tag -> [(step, value), ...].
    Returns the event file's path."""
    with SummaryWriter(str(run_dir), **kwargs) as w:
        for tag, points in (scalars or {}).items():
            for step, value in points:
                w.add_scalar(tag, value, step, walltime=WALL0 + step)
        return w.path


def tiny_graph() -> graph_pb2.GraphDef:
    """x -> dense/MatMul -> dense/Relu, with a control edge, shapes and one oversized attribute."""
    g = graph_pb2.GraphDef()
    x = g.node.add(name="x", op="Placeholder")
    x.attr["dtype"].type = types_pb2.DT_FLOAT
    x.attr["_output_shapes"].list.shape.add().dim.add(size=-1)
    w = g.node.add(name="dense/kernel", op="Const")
    w.attr["value"].s = b"z" * 2000
    m = g.node.add(name="dense/MatMul", op="MatMul", input=["x", "dense/kernel:0"])
    m.attr["T"].type = types_pb2.DT_FLOAT
    g.node.add(name="dense/Relu", op="Relu", input=["dense/MatMul", "^x"], device="/cpu:0")
    return g


@pytest.fixture
def small_logdir(tmp_path):
    """Two runs with scalars, one with a histogram, text and a graph."""
    write_run(tmp_path / "a", {"loss": [(s, 1.0 / (s + 1)) for s in range(100)]})
    with SummaryWriter(str(tmp_path / "b" / "train")) as w:
        for s in range(0, 100, 10):
            w.add_scalar("loss", float(s), s, walltime=WALL0 + s)
            w.add_histogram("w", np.random.default_rng(s).normal(size=500), s, walltime=WALL0 + s)
        w.add_summary(builders.text("notes", "hello *world*"), 0, WALL0)  # tf.summary.text's layout
        w.add_graph(tiny_graph())
    return tmp_path
