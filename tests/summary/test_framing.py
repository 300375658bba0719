"""One set of framing rules: the per-record scan and the numpy scan frame any bytes alike, and
reading gives the same result whatever the chunk size. tfevents stands alone."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, ROOT
from tfevents.fastread import scan_matrix
from tfevents.reader import take_events
from tfevents.record import (
    FileStatus,
    Frames,
    encode_record,
    masked_crc32c,
    read_chunks,
    scan_records,
    take_records,
)


def _frames(frames) -> dict:
    """The fields every scan fills, as plain values."""
    values = {f.name: getattr(frames, f.name) for f in dataclasses.fields(Frames)}
    return {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in values.items()}


def _damaged(data, source: bytes) -> bytes:
    damaged = bytearray(source)
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] ^= 1 << data.draw(st.integers(0, 7))
    return bytes(damaged[:data.draw(st.integers(0, len(damaged)))])


def _fixture_bytes() -> bytes:
    return next((FIXTURES / "torch" / "lr_0.1").glob("*tfevents*")).read_bytes()[:20_000]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_both_scans_frame_any_bytes_alike(data):
    buf = _damaged(data, _fixture_bytes())
    base = data.draw(st.integers(0, 1 << 40))
    assert _frames(scan_matrix(buf, base)) == _frames(scan_records(buf, base))


def test_both_scans_agree_on_huge_and_bad_lengths():
    good = encode_record(b"x" * 200) + encode_record(b"")
    huge = bytearray(encode_record(b"abc"))
    huge[:8] = (1 << 62).to_bytes(8, "little")
    huge[8:12] = masked_crc32c(bytes(huge[:8])).to_bytes(4, "little")
    for buf in (good + bytes(huge), good + b"\x01" * 40, good[:-3], b"", good[:11]):
        assert _frames(scan_matrix(buf, 5)) == _frames(scan_records(buf, 5))


def _read(path, scan, chunk: int):
    status = FileStatus(str(path))
    events = [e.SerializeToString() for buf, frames in read_chunks(status, scan, chunk)
              for _, e in take_events(status, buf, frames)]
    return events, dataclasses.asdict(status)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_chunk_size_and_scan_do_not_change_what_is_read(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("framing") / "events.out.tfevents.1.x"
    path.write_bytes(_damaged(data, _fixture_bytes()))
    want = _read(path, scan_records, 4 << 20)
    for scan in (scan_records, scan_matrix):
        for chunk in (16, 333):
            assert _read(path, scan, chunk) == want


def test_a_reader_that_stops_mid_chunk_resumes_after_the_last_record_it_took(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"".join(encode_record(bytes([i])) for i in range(10)))
    status = FileStatus(str(path))
    taken = []
    for buf, frames in read_chunks(status):
        for _, payload in take_records(status, buf, frames):
            taken.append(payload)
            if len(taken) == 3:
                break
        break
    assert status.offset == 3 * len(encode_record(b"x")) and status.records == 3
    rest = [p for buf, frames in read_chunks(status) for _, p in take_records(status, buf, frames)]
    assert taken + rest == [bytes([i]) for i in range(10)]
    assert status.pending_bytes == 0 and status.stopped is None


def test_tfevents_imports_neither_engine_nor_board():
    code = ("import sys, tfevents.fastread, tfevents.reader, tfevents.event_file, tfevents.builders; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'engine', 'board'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
