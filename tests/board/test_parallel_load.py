"""The first load in worker processes (``board.ingest.parallel``, what ``board --logdir`` does)
gives what TensorBoard's own reader gives, and what the one-process load gives."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.util import tensor_util

from tests.board.test_fixtures import restart_rule
from tests.conftest import FIXTURES, ROOT

# Loads the logdir both ways in a fresh process (fork needs one without threads) and prints
# every run's scalars, histogram counts and texts.
LOAD = """
import json, sys
from board.ingest.multiplexer import Multiplexer

def dump(mux):
    out = {}
    for name, loader in sorted(mux.runs.items()):
        s = loader.store
        out[name] = {"scalars": {t: [v.step[:len(v)].tolist(), v.value[:len(v)].tolist()]
                                 for t, v in sorted(s.scalars.items())},
                     "histograms": {t: [h.step for h in r.items] for t, r in sorted(s.histograms.items())},
                     "text": {t: [x.step for x in r.items] for t, r in sorted(s.text.items())},
                     "files": [[st.records, st.skipped, st.stopped] for st in loader.statuses()]}
    return out

parallel = Multiplexer({"": sys.argv[1]})
started = parallel.start_parallel()
parallel.reload()
serial = Multiplexer({"": sys.argv[1]})
serial.reload()
print(json.dumps({"started": started, "parallel": dump(parallel), "serial": dump(serial)}))
"""


def _load(logdir) -> dict:
    out = subprocess.run([sys.executable, "-c", LOAD, str(logdir)], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout)


def _tensorboard_scalars(run_dir) -> dict[str, list]:
    acc = ea.EventAccumulator(str(run_dir), size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
    acc.Reload()
    got = {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in acc.Tags()["scalars"]}
    for t in acc.Tags()["tensors"]:
        events = acc.Tensors(t)
        if events and tensor_util.make_ndarray(events[0].tensor_proto).ndim == 0:
            got[t] = [[e.step, float(tensor_util.make_ndarray(e.tensor_proto))] for e in events]
    return got


@pytest.mark.parametrize("name", ["torch", "tbx"])
def test_parallel_load_equals_tensorboards_reader_and_the_serial_load(name):
    logdir = FIXTURES / name
    result = _load(logdir)
    assert result["started"], "the workers did not start"
    assert result["parallel"] == result["serial"]
    for run, data in result["parallel"].items():
        want = _tensorboard_scalars(logdir / run if run != "." else logdir)
        for tag, (steps, values) in data["scalars"].items():
            expected = restart_rule(want[tag])
            assert steps == [s for s, _ in expected], (run, tag)
            assert values == pytest.approx([v for _, v in expected], nan_ok=True), (run, tag)
        assert set(data["scalars"]) <= set(want), run
