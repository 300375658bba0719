"""The fast reader gives exactly what engine.summary's EventFileReader + SummaryDecoder give."""

from __future__ import annotations

import dataclasses
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from board.data.stores import RunStore
from board.ingest.accumulator import RunAccumulator
from engine.summary import EventFileReader, encode_record, masked_crc32c
from tests.conftest import FIXTURES
from tfevents import fastread
from tfevents.crcrows import masked_crc_spans
from tfevents.fastread import FastFileReader, masked_crc_rows
from tfevents.proto import event_pb2, summary_pb2

FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if "tfevents" in p.name)


def load_reference(path):
    acc = RunAccumulator(RunStore())
    reader = EventFileReader(path)
    for event in reader.read():
        acc.add_event(event)
    acc.flush()
    return acc.store, reader.status


def load_fast(path, calls: int = 1):
    acc = RunAccumulator(RunStore())
    reader = FastFileReader(path)
    for _ in range(calls):
        reader.read_into(acc)
    acc.flush()
    return acc.store, reader.status


def snapshot(store: RunStore) -> dict:
    def sample(res):
        return [(i.step, i.wall_time, getattr(i, "value", None)) for i in res.items]
    return {
        "scalars": {t: tuple(a.tolist() for a in s.snapshot())
                    for t, s in sorted(store.scalars.items()) if len(s)},
        "histograms": {t: sample(r) for t, r in sorted(store.histograms.items())},
        "text": {t: sample(r) for t, r in sorted(store.text.items())},
        "graph": store.graph,
        "problems": list(store.problems),
    }


def assert_same(path, calls: int = 1):
    ref_store, ref_status = load_reference(path)
    store, status = load_fast(path, calls)
    assert dataclasses.asdict(status) == dataclasses.asdict(ref_status)
    # NaN != NaN: compare the repr of the whole snapshot.
    assert repr(snapshot(store)) == repr(snapshot(ref_store))


def test_crc_rows_match_google_crc32c():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 256, size=(50, 40), dtype=np.uint8)
    lengths = rng.integers(0, 41, size=50)
    got = masked_crc_rows(rows, lengths)
    want = [masked_crc32c(bytes(r[:n])) for r, n in zip(rows, lengths, strict=True)]
    assert got.tolist() == want


def test_crc_spans_match_google_crc32c():
    rng = np.random.default_rng(1)
    data = rng.integers(0, 256, size=5000, dtype=np.uint8)
    lengths = rng.integers(0, 130, size=200)
    ends = np.maximum(rng.integers(0, 5001, size=200), lengths)
    got = masked_crc_spans(data, ends, lengths)
    raw = data.tobytes()
    want = [masked_crc32c(raw[e - n:e]) for e, n in zip(ends.tolist(), lengths.tolist(), strict=True)]
    assert got.tolist() == want


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_fixture_file(path):
    assert_same(path)


@pytest.mark.parametrize("chunk", [64, 1000])
def test_small_chunks(monkeypatch, chunk):
    monkeypatch.setattr(fastread, "CHUNK_BYTES", chunk)
    for path in FIXTURE_FILES:
        assert_same(path)


def test_walk_by_predicted_lengths(monkeypatch, tmp_path):
    """Record starts guessed from repeating lengths are the ones the one-by-one walk finds: on
    every fixture with a guess after each record, and where the pattern breaks (a longer tag,
    a damaged length, a period of three, a half-written tail)."""
    monkeypatch.setattr(fastread, "WALK_PROBE", 1)
    for path in FIXTURE_FILES:
        assert_same(path)
    monkeypatch.setattr(fastread, "WALK_PROBE", 64)
    parts = [scalar("loss", s, s / 7) for s in range(100, 400)]
    parts += [scalar(t, s, 1.0) for s in range(400, 700) for t in ("a", "bb", "ccc")]
    parts += [scalar("loss_longer", 5, 1.0)] + [scalar("loss", s, 2.0) for s in range(900, 1300)]
    data = bytearray(b"".join(parts) + scalar("loss", 1300, 3.0)[:-5])
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(data)
    assert_same(path)
    data[len(parts[0]) * 200] ^= 4  # the length of record 200: read stops at its bad checksum
    path.write_bytes(data)
    assert_same(path)


def scalar(tag: str, step: int, value: float, wall_time: float = 1.5, **value_fields) -> bytes:
    event = event_pb2.Event(wall_time=wall_time, step=step, summary=summary_pb2.Summary(
        value=[summary_pb2.Summary.Value(tag=tag, simple_value=value, **value_fields)]))
    return encode_record(event.SerializeToString())


def raw_scalar_record(tag_bytes: bytes, step: int, value: float) -> bytes:
    """A scalar event with arbitrary tag bytes (protobuf would refuse non-UTF-8 strings)."""
    value_msg = b"\x0a" + bytes([len(tag_bytes)]) + tag_bytes + b"\x15" + struct.pack("<f", value)
    summary = b"\x0a" + bytes([len(value_msg)]) + value_msg
    event = (b"\x09" + struct.pack("<d", 2.0) + b"\x10" + bytes([step])
             + b"\x2a" + bytes([len(summary)]) + summary)
    return encode_record(event)


def session_start(step: int) -> bytes:
    event = event_pb2.Event(wall_time=3.0, step=step,
                            session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START))
    return encode_record(event.SerializeToString())


def test_unusual_scalar_events(tmp_path):
    meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
        plugin_name="scalars"))
    parts = [
        scalar("a", 0, 1.0), scalar("a", 1, float("nan")), scalar("a", -5, 2.0),
        scalar("a", 2**62, 3.0), scalar("", 3, 4.0), scalar("x" * 118, 4, 5.0),
        scalar("y" * 119, 5, 6.0), scalar("z" * 300, 6, 7.0), scalar("a", 7, 8.0, wall_time=0.0),
        scalar("a", 8, 9.0, metadata=meta), scalar("ünï/cødé", 9, 10.0),
        raw_scalar_record(b"\xff\xfe", 10, 11.0), scalar("a", 3, 12.0), session_start(2),
        scalar("a", 4, 13.0), scalar("b", 1, float("inf")),
    ]
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(b"".join(parts))
    assert_same(path)
    store, status = load_fast(path)
    assert status.skipped == 1  # the non-UTF-8 tag: not an Event, as protobuf says
    # -5 replaced 0 and 1; 3 replaced 2**62, 7 and 8; the restart at 2 dropped 3.
    assert store.scalars["a"].snapshot()[0].tolist() == [-5, 4]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_random_damage_and_resumes(tmp_path_factory, data):
    source = FIXTURES / "torch" / "lr_0.1"
    original = next(source.glob("*tfevents*")).read_bytes()[:30_000]
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        damaged[at] ^= 1 << data.draw(st.integers(0, 7))
    cut = data.draw(st.integers(0, len(damaged)))
    path = tmp_path_factory.mktemp("damage") / "events.out.tfevents.1.x"
    path.write_bytes(bytes(damaged[:cut]))
    assert_same(path)
    # Appending the rest later must give what reading the whole file at once gives.
    acc = RunAccumulator(RunStore())
    reader = FastFileReader(path)
    reader.read_into(acc)
    with open(path, "ab") as f:
        f.write(bytes(damaged[cut:]))
    reader.read_into(acc)
    acc.flush()
    whole_store, whole_status = load_reference(path)
    if whole_status.stopped is None:
        assert dataclasses.asdict(reader.status) == dataclasses.asdict(whole_status)
        assert repr(snapshot(acc.store)) == repr(snapshot(whole_store))


def test_empty_and_truncated_payloads(tmp_path):
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(encode_record(b"") * 3)
    assert_same(path)
    half_written = scalar("a", 2, 3.0)[:-3]
    path.write_bytes(encode_record(b"") + scalar("a", 1, 2.0) + encode_record(b"\x08") + half_written)
    assert_same(path)


def v2_scalar(tag: str, step: int, value: float, dtype: str = "float32", metadata: bool = True,
              shape: bool = True, data_class: bool = True) -> bytes:
    """A TF2-style scalar: a scalar tensor, with the scalars plugin named (or not)."""
    from tfevents.proto import tensor_pb2, tensor_shape_pb2

    tensor = tensor_pb2.TensorProto(dtype=1 if dtype == "float32" else 2)
    if shape:
        tensor.tensor_shape.CopyFrom(tensor_shape_pb2.TensorShapeProto())
    (tensor.float_val if dtype == "float32" else tensor.double_val).append(value)
    v = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
    if metadata:
        v.metadata.plugin_data.plugin_name = "scalars"
        if data_class:
            v.metadata.data_class = summary_pb2.DATA_CLASS_SCALAR
    event = event_pb2.Event(wall_time=1.25, step=step, summary=summary_pb2.Summary(value=[v]))
    return encode_record(event.SerializeToString())


def test_v2_scalar_layouts(tmp_path, monkeypatch):
    from tensorboard.plugins.scalar import summary_v2

    tb = event_pb2.Event(wall_time=2.0, step=7)
    tb.summary.ParseFromString(summary_v2.scalar_pb("tb", 0.25).SerializeToString())
    parts = [
        v2_scalar("early", 0, 1.0, metadata=False),  # no plugin known yet: ignored, as TensorBoard does
        v2_scalar("early", 1, 2.0), v2_scalar("early", 2, 3.0, metadata=False),
        v2_scalar("f64", 0, 0.1, dtype="float64"), v2_scalar("f64", 1, 0.2, dtype="float64", shape=False),
        v2_scalar("nodc", 0, 5.0, data_class=False), v2_scalar("a", 0, 1.5),
        scalar("a", 1, 2.5), v2_scalar("a", 2, 3.5), encode_record(tb.SerializeToString()),
    ]
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(b"".join(parts))
    assert_same(path)
    store, _ = load_fast(path)
    assert store.scalars["early"].snapshot()[0].tolist() == [1, 2]
    assert store.scalars["f64"].snapshot()[2].tolist() == [0.1, 0.2]
    assert store.scalars["a"].snapshot()[2].tolist() == [1.5, 2.5, 3.5]
    for chunk in (40, 100, 300):  # the plugin learnt in one chunk decodes the next
        monkeypatch.setattr(fastread, "CHUNK_BYTES", chunk)
        assert_same(path)


def test_our_tf2_writer_is_parsed_fast(tmp_path):
    import engine

    writer = engine.summary.create_file_writer(str(tmp_path))
    with writer.as_default():
        for step in range(50):
            engine.summary.scalar("loss", 1.0 / (step + 1), step=step)
    writer.flush()
    path = next(tmp_path.glob("*tfevents*"))
    assert_same(path)
    acc = RunAccumulator(RunStore())
    reader = FastFileReader(path)
    decoded = []
    acc.add_event = lambda event: decoded.append(event)  # count what falls to the general path
    reader.read_into(acc)
    assert len(decoded) == 1  # only the file_version record
