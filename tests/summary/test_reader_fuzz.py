"""Random and mutated files never make the reader raise, hang or allocate much."""

from __future__ import annotations

import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.summary import EventFileReader, SummaryDecoder, SummaryWriter

_VALID: dict[str, bytes] = {}


def _valid_file_bytes(tmp_dir) -> bytes:
    """A small file holding every kind of summary we write."""
    if "data" not in _VALID:
        import engine
        from tests.summary.test_tensorboard_reads_ours import _small_graph

        with SummaryWriter(tmp_dir) as w:
            for step in range(3):
                w.add_scalar("loss", 1.0 / (step + 1), step)
                w.add_histogram("w", np.linspace(-1, 1, 50) * step, step)
            w.add_text("t", "text", 1)
            w.add_graph(_small_graph())
            w.add_hparams({"lr": 0.1}, {"m": 1.0})
            w.add_scalar("v2", 2.0, 3, new_style=True)
            tf2 = engine.summary.create_file_writer(tmp_dir)
            with tf2.as_default(step=4):
                engine.summary.histogram("h2", np.arange(10))
            tf2.close()
        _VALID["data"] = b"".join(p.read_bytes() for p in sorted(tmp_dir.rglob("*")) if p.is_file())
    return _VALID["data"]


def _read_everything(path) -> int:
    """Read and decode the whole file; returns the peak bytes allocated."""
    tracemalloc.start()
    try:
        reader, decoder = EventFileReader(path), SummaryDecoder()
        for event in reader.read():
            decoder.decode(event)
        status = reader.status
        assert status.offset <= path.stat().st_size
        assert status.records + status.skipped <= path.stat().st_size // 16 + 1
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


FUZZ = settings(max_examples=150, deadline=2000,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=4096))
def test_random_bytes(tmp_path, data):
    path = tmp_path / "events.out.tfevents.random"
    path.write_bytes(data)
    assert _read_everything(path) < 8 << 20


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), max_size=8),
       cut=st.integers(min_value=0))
def test_mutated_valid_file(tmp_path_factory, flips, cut):
    valid = _valid_file_bytes(tmp_path_factory.mktemp("valid"))
    data = bytearray(valid)
    for position, xor in flips:
        data[position % len(data)] ^= xor
    data = bytes(data[: len(data) - cut % 64])
    path = tmp_path_factory.mktemp("mutated") / "events.out.tfevents.mutated"
    path.write_bytes(data)
    assert _read_everything(path) < 8 << 20


def _fixture_seeds() -> list:
    from tests.conftest import FIXTURES

    names = ["torch/edge_values", "torch/new_style", "tbx/extras", "torch/lr_0.1/hparams"]
    return [p for name in names for p in sorted((FIXTURES / name).glob("events.out.tfevents.*"))]


@FUZZ
@given(seed=st.integers(min_value=0), flips=st.lists(
    st.tuples(st.integers(min_value=0), st.integers(1, 255)), min_size=1, max_size=8))
def test_mutated_fixture_files(tmp_path, seed, flips):
    """Files written by PyTorch and tensorboardX, damaged at random places."""
    seeds = _fixture_seeds()
    data = bytearray(seeds[seed % len(seeds)].read_bytes())
    for position, xor in flips:
        data[position % len(data)] ^= xor
    path = tmp_path / "events.out.tfevents.fuzz"
    path.write_bytes(bytes(data))
    assert _read_everything(path) < 8 << 20
