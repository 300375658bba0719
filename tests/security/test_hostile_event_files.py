"""Issue 20, "small files, huge work": no event file makes more work or memory than its bytes
justify. A tensor's shape is checked against the values present before anything is allocated;
a record's length is believed only as far as the file holds data for it; a bad file costs only
itself (docs/security-loader.md lists the bounds)."""

from __future__ import annotations

import os
import struct
import time
import tracemalloc

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.ingest.loader import RunLoader
from board.ingest.multiplexer import Multiplexer
from tests.board.conftest import board_client, write_run
from tfevents import builders
from tfevents.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tfevents.record import CHUNK_BYTES, FileStatus, encode_record, masked_crc32c, read_chunks, take_records
from tfevents.tensor_util import MAX_FILLED_VALUES, TensorDecodeError, make_ndarray

MB = 1 << 20
BASE = 3 * CHUNK_BYTES + 2 * MB  # one chunk: its read buffer, the scan's padded copy, the leftover


def tensor_event(dims, dtype=types_pb2.DT_DOUBLE, plugin=builders.HISTOGRAMS_PLUGIN, step=1,
                 tag="h", **values) -> bytes:
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d)
                                                   for d in dims])
    value = summary_pb2.Summary.Value(tag=tag, tensor=tensor_pb2.TensorProto(
        dtype=dtype, tensor_shape=shape, **values))
    value.metadata.plugin_data.plugin_name = plugin
    event = event_pb2.Event(step=step, wall_time=1.0, summary=summary_pb2.Summary(value=[value]))
    return encode_record(event.SerializeToString())


def load_measured(run_dir) -> tuple[RunLoader, int, float]:
    """A run loaded from scratch: (loader, peak bytes Python and numpy allocated, CPU seconds).
    CPU time, not wall time: the bound is on the work, whatever else the machine is running."""
    tracemalloc.start()
    started = time.process_time()
    try:
        loader = RunLoader("run", str(run_dir))
        loader.load()
        return loader, tracemalloc.get_traced_memory()[1], time.process_time() - started
    finally:
        tracemalloc.stop()


def header(length: int) -> bytes:
    raw = struct.pack("<Q", length)
    return raw + struct.pack("<I", masked_crc32c(raw))


def test_a_68_byte_file_cannot_ask_for_134_mb(tmp_path):
    """One double repeated over a [5592405, 3] shape: 16.7M values from a 68-byte file (the
    issue's 115-byte file took the server to 803 MB)."""
    record = tensor_event([5592405, 3], double_val=[1.0])
    assert len(record) < 115
    (tmp_path / "events.out.tfevents.1.x").write_bytes(record)
    loader, peak, seconds = load_measured(tmp_path)
    assert peak < BASE and seconds < 1
    assert not loader.store.histograms
    assert "limit of 4096 values" in loader.store.problems[0]


def test_small_file_of_hostile_histograms_keeps_the_histograms_route_fast(tmp_path):
    """The issue's 493-byte file: several histograms each claiming millions of buckets."""
    data = b"".join(tensor_event([2_000_000 + i, 3], double_val=[0.0, 1.0, 2.0], step=i)
                    for i in range(12))
    assert len(data) < 1200
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "events.out.tfevents.1.x").write_bytes(data)
    write_run(tmp_path / "good", {"loss": [(0, 1.0)]})
    with board_client(tmp_path) as client:
        started = time.process_time()  # the app runs in this process: its CPU time
        response = client.get("/api/histograms", params={"run": "run", "tag": "h"})
        assert response.status_code == 404  # no histogram survived decoding
        assert time.process_time() - started < 1
        runs = {r["run"]: r for r in client.get("/api/status").json()["runs"]}
        assert runs["run"]["problem_count"] == 12
        assert client.get("/api/scalars", params={"run": "good", "tag": "loss"}).json()["value"] == [1.0]


def test_fill_bound_is_exact_and_honest_tensors_still_decode():
    ok = tensor_event([MAX_FILLED_VALUES], double_val=[3.0])
    event = event_pb2.Event.FromString(ok[12:-4])
    assert make_ndarray(event.summary.value[0].tensor).tolist() == [3.0] * MAX_FILLED_VALUES
    over = event_pb2.Event.FromString(tensor_event([MAX_FILLED_VALUES + 1], double_val=[3.0])[12:-4])
    try:
        make_ndarray(over.summary.value[0].tensor)
    except TensorDecodeError as exc:
        assert "4097 values" in str(exc)
    else:
        raise AssertionError("a fill past the bound was decoded")
    # Every value present: no bound but the bytes.
    content = np.arange(100_000, dtype=np.float32).tobytes()
    big = event_pb2.Event.FromString(tensor_event([100_000], types_pb2.DT_FLOAT,
                                                  tensor_content=content)[12:-4])
    assert make_ndarray(big.summary.value[0].tensor).shape == (100_000,)


def test_an_empty_text_tensor_of_a_million_rows_costs_nothing(tmp_path):
    """Hypothesis found it: a 58-byte text record of shape [1048576, 0] holds no value, yet was
    turned into a million empty table rows (68 MB)."""
    record = tensor_event([1 << 20, 0], types_pb2.DT_STRING, builders.TEXT_PLUGIN)
    (tmp_path / "events.out.tfevents.1.x").write_bytes(record)
    loader, peak, _ = load_measured(tmp_path)
    assert peak < BASE
    (text,) = loader.store.text["h"].items
    assert text.value == "" and text.rows is None


def test_shape_whose_product_wraps_int64_is_refused():
    """2^32 * 2^32 is 0 in int64: a count computed in numpy would accept no values for it."""
    for dims, values in (([1 << 32, 1 << 32], []), ([1 << 32, 1 << 32], [1.0]), ([2] * 40, [1.0])):
        event = event_pb2.Event.FromString(tensor_event(dims, double_val=values)[12:-4])
        try:
            make_ndarray(event.summary.value[0].tensor)
        except TensorDecodeError:
            pass
        else:
            raise AssertionError(f"shape {dims} was decoded")


def test_record_claiming_a_gib_in_a_sparse_file_costs_nothing(tmp_path):
    """The issue's case: a 2^30-byte record inside a sparse 2 GiB file (4 KB on disk) peaked the
    reader at 10.9 GB for 72 s, at every reload."""
    run = tmp_path / "run"
    run.mkdir()
    path = run / "events.out.tfevents.1.x"
    good = tensor_event([3], double_val=[1.0, 2.0, 3.0], plugin=builders.SCALARS_PLUGIN)
    with open(path, "wb") as f:
        f.write(good + header(1 << 30))
        f.truncate(2 << 30)
    assert os.stat(path).st_blocks * 512 < 1 * MB  # sparse indeed
    loader, peak, seconds = load_measured(run)
    assert peak < BASE and seconds < 2, (peak, seconds)
    status = loader.statuses()[0]
    assert status.skipped == 1 and "hole" in status.problems[0]
    # Framing after the hole is zeros: reading stops there, and says so.
    assert status.stopped and "checksum" in status.stopped


def test_big_garbage_record_is_checked_in_pieces(tmp_path):
    """A record longer than a chunk with a bad payload checksum is skipped without ever being
    held in memory whole; the records after it are read."""
    path = tmp_path / "f"
    body = os.urandom(8 * MB)
    after = encode_record(b"after")
    path.write_bytes(header(len(body)) + body + b"\0\0\0\0" + after)
    status = FileStatus(str(path))
    tracemalloc.start()
    try:
        payloads = [p for buf, frames in read_chunks(status, chunk_bytes=1 << 16)
                    for _, p in take_records(status, buf, frames)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert payloads == [b"after"] and status.skipped == 1
    assert peak < 3 * MB, peak
    # The same record with its true checksum is read whole.
    path.write_bytes(encode_record(body) + after)
    status = FileStatus(str(path))
    payloads = [p for buf, frames in read_chunks(status, chunk_bytes=1 << 16)
                for _, p in take_records(status, buf, frames)]
    assert payloads == [body, b"after"] and status.skipped == 0


def test_record_longer_than_the_file_is_not_read_until_it_is_there(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(encode_record(b"x") + header(1 << 29) + os.urandom(1 * MB))
    status = FileStatus(str(path))
    tracemalloc.start()
    try:
        payloads = [p for buf, frames in read_chunks(status, chunk_bytes=1 << 16)
                    for _, p in take_records(status, buf, frames)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert payloads == [b"x"] and status.stopped is None
    assert status.pending_bytes == 12 + 1 * MB and peak < 512 * 1024


def test_a_bad_file_costs_only_itself(tmp_path):
    """A hostile run next to a good one: every reload stays quick, the good run is served."""
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    with open(hostile / "events.out.tfevents.1.x", "wb") as f:
        f.write(header(1 << 30))
        f.truncate(2 << 30)
    (hostile / "events.out.tfevents.2.x").write_bytes(tensor_event([1 << 40], double_val=[1.0]))
    write_run(tmp_path / "good", {"loss": [(s, float(s)) for s in range(100)]})
    mux = Multiplexer({"": str(tmp_path)})
    for _ in range(3):
        started = time.process_time()  # CPU, not wall: the bound is on the work
        mux.reload()
        assert time.process_time() - started < 1
    assert len(mux.runs["good"].store.scalars["loss"]) == 100
    assert mux.errors == []


_DTYPES = [types_pb2.DT_FLOAT, types_pb2.DT_DOUBLE, types_pb2.DT_INT32, types_pb2.DT_INT64,
           types_pb2.DT_STRING, types_pb2.DT_HALF, types_pb2.DT_COMPLEX64, types_pb2.DT_BOOL, 99]
_FIELDS = {types_pb2.DT_FLOAT: "float_val", types_pb2.DT_DOUBLE: "double_val",
           types_pb2.DT_INT32: "int_val", types_pb2.DT_INT64: "int64_val",
           types_pb2.DT_STRING: "string_val", types_pb2.DT_HALF: "half_val",
           types_pb2.DT_COMPLEX64: "scomplex_val", types_pb2.DT_BOOL: "bool_val", 99: "int_val"}
_PLUGINS = [builders.HISTOGRAMS_PLUGIN, builders.SCALARS_PLUGIN, builders.TEXT_PLUGIN,
            builders.KERAS_MODEL_PLUGIN, "images"]


@st.composite
def hostile_tensor_records(draw) -> bytes:
    dims = draw(st.lists(st.one_of(st.integers(-2, 4), st.integers(0, 1 << 62),
                                   st.sampled_from([1 << 20, 1 << 31, 1 << 32, 5592405])),
                         max_size=40))
    dtype = draw(st.sampled_from(_DTYPES))
    count = draw(st.integers(0, 6))
    field = _FIELDS[dtype]
    kwargs = {}
    if draw(st.booleans()) and dtype != types_pb2.DT_STRING:
        kwargs["tensor_content"] = draw(st.binary(max_size=64))
    elif field == "string_val":
        kwargs[field] = [b"s"] * count
    elif field == "bool_val":
        kwargs[field] = [True] * count
    else:
        kwargs[field] = [1] * count
    return tensor_event(dims, dtype, draw(st.sampled_from(_PLUGINS)), **kwargs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(hostile_tensor_records(), min_size=1, max_size=6))
def test_hostile_tensors_cost_what_their_bytes_justify(tmp_path_factory, records):
    run = tmp_path_factory.mktemp("hostile")
    data = b"".join(records)
    (run / "events.out.tfevents.1.x").write_bytes(data)
    loader, peak, _ = load_measured(run)  # never raises
    assert peak < BASE + 1000 * len(data), (peak, len(data))
    status = loader.statuses()[0]
    assert status.records == len(records) and status.stopped is None
