"""Issue 20, item 7: schemathesis against the board's own OpenAPI schema, over real HTTP to a real
``board`` process. Every operation, with parameters generated from the schema (and the names
of real runs and tags mixed in, so the requests reach the stores, not only the 404s): no answer is
a 5xx, every answer carries the security headers, and the server prints no traceback."""

from __future__ import annotations

import numpy as np
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.summary import SummaryWriter
from tests.board.process import BoardProcess

RUNS = ["run_a", "run_b/nested"]
TAGS = ["loss", "weights", "notes/text_summary", "notes"]


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema_fuzz")
    rng = np.random.default_rng(0)
    for run in RUNS:
        with SummaryWriter(str(root / run)) as w:
            for step in range(200):
                w.add_scalar("loss", float(np.exp(-step / 50)), step)
            for step in range(3):
                w.add_histogram("weights", rng.normal(size=300), step)
            w.add_text("notes", "*hello* <b>x</b>", 1)
            w.add_hparams({"lr": 0.1, "opt": "adam"}, {"hparam/loss": 0.5})
    with BoardProcess("--logdir", str(root), "--reload_interval", "1") as proc:
        yield proc
    assert "Traceback" not in "".join(proc.output), "".join(proc.output)[-3000:]


@pytest.fixture(scope="module")
def operations(board):
    schema = schemathesis.openapi.from_url(board.url + "/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_lists_every_route(operations):
    paths = {op.path for op in operations}
    assert {"/api/scalars", "/api/tags", "/api/pages/scalars", "/data/plugin/scalars/scalars",
            "/api/scalars/export"} <= paths, paths


def test_no_operation_answers_5xx(board, operations):
    """Driven by hand rather than by schemathesis's pytest plugin (which pytest 9 breaks)."""
    failures, calls = [], []
    for operation in operations:
        @given(case=operation.as_strategy(), data=st.data())
        @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case, data):
            # Half the time, name a real run and tag: the stores' paths get fuzzed, not only 404s.
            if case.query is not None and data.draw(st.booleans(), label="real names"):
                if "run" in case.query:
                    case.query["run"] = data.draw(st.sampled_from([*RUNS, "."]), label="run")
                if "tag" in case.query:
                    case.query["tag"] = data.draw(st.sampled_from(TAGS), label="tag")
            response = case.call(base_url=board.url, timeout=30)
            calls.append(response.status_code)
            nosniff = response.headers.get("x-content-type-options")  # {name: [values]}
            if response.status_code >= 500 or nosniff != ["nosniff"]:
                failures.append((case.method, case.path, case.query, response.status_code,
                                 response.text[:200]))

        fuzz()
    assert not failures, failures[:5]
    # Routes without parameters have one example; the others their 25.
    assert len(calls) >= 10 * len(operations) and calls.count(200) >= 50, calls
