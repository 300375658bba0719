"""add_scalar's direct path writes the very bytes protobuf writes, and falls back where it can't."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator

from engine.summary import SummaryWriter
from tfevents import builders
from tfevents.record import encode_record, masked_crc32c

TAGS = ["loss", "group1/tag2", "é/ü" * 50, "x" * 300, ""]
VALUES = [0.0, -0.0, 1.5, 1e-45, 3.3e38, -3.3e38, -7, 2**40, 0.1, np.float64(0.25), True]
STEPS = [0, 1, 127, 128, 300, 10**12, -1, -300]
TIMES = [0.0, -0.0, 1.0, 1796305867.118668]


def _protobuf_bytes(tag, value, step, wall_time):
    return builders.event(builders.scalar_v1(tag, value), step, wall_time).SerializeToString()


def test_same_bytes_as_protobuf():
    for tag, value, step, wall_time in itertools.product(TAGS, VALUES, STEPS, TIMES):
        fast = builders.scalar_v1_event_bytes(tag, value, step, wall_time)
        assert fast == _protobuf_bytes(tag, value, step, wall_time), (tag, value, step, wall_time)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 1e39, 10**400,
                                   np.float32(0.5), np.int64(3), "1", None])
def test_falls_back_where_protobuf_decides(value):
    assert builders.scalar_v1_event_bytes("t", value, 1, 1.0) is None


def test_framing_matches_the_definition():
    for data in [b"", b"x", b"abc" * 100, _protobuf_bytes("t", 1.0, 5, 2.0)] * 2:  # twice: cached header
        length = len(data).to_bytes(8, "little")
        expected = (length + masked_crc32c(length).to_bytes(4, "little") + data
                    + masked_crc32c(data).to_bytes(4, "little"))
        assert encode_record(data) == expected


def test_tensorboard_reads_both_paths(tmp_path):
    values = [0.5, np.float32(0.25), float("nan"), 7, np.float64(-2.0), float("inf")]
    with SummaryWriter(tmp_path) as w:
        for step, v in enumerate(values):
            w.add_scalar("mixed", v, step, walltime=100.0 + step)
        w.add_scalar("numpy_step", 1.0, np.int64(3))
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"scalars": 0})
    acc.Reload()
    got = acc.Scalars("mixed")
    assert [e.step for e in got] == list(range(len(values)))
    assert [e.wall_time for e in got] == [100.0 + s for s in range(len(values))]
    expected = np.array(values, dtype=np.float64).astype(np.float32)
    np.testing.assert_array_equal([e.value for e in got], expected)
    assert [e.step for e in acc.Scalars("numpy_step")] == [3]


def test_bad_tag_still_rejected(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.raises(TypeError):
        w.add_scalar(3, 1.0, 1)
