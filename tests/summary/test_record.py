"""TFRecord framing: golden bytes, CRC test vectors, and a reader that can be resumed."""

from __future__ import annotations

import struct

import pytest

from tfevents.record import MAX_RECORD_BYTES, RecordReader, encode_record, masked_crc32c


def test_crc_test_vectors():
    import google_crc32c

    assert google_crc32c.value(b"\x00" * 32) == 0x8A9136AA  # RFC 3720
    assert masked_crc32c(b"\x1a\x11CRC test, one two") == 0x5794D08A


def test_golden_record_bytes():
    data = b"\x1a\x11CRC test, one two"
    record = encode_record(data)
    length = struct.pack("<Q", len(data))
    assert record[:8] == length
    assert record[8:12] == struct.pack("<I", masked_crc32c(length))
    assert record[12:-4] == data
    assert record[-4:] == struct.pack("<I", 0x5794D08A)


def test_tensorboard_frames_the_same(tmp_path):
    from tensorboard.summary.writer.record_writer import RecordWriter

    path = tmp_path / "tb.records"
    with open(path, "wb") as f:
        writer = RecordWriter(f)
        for payload in (b"", b"a", b"hello" * 1000):
            writer.write(payload)
    expected = b"".join(encode_record(p) for p in (b"", b"a", b"hello" * 1000))
    assert path.read_bytes() == expected


def _write(path, payloads, tail=b""):
    path.write_bytes(b"".join(encode_record(p) for p in payloads) + tail)


def test_resume_after_half_written_record(tmp_path):
    path = tmp_path / "f"
    first = [b"one", b"two"]
    partial = encode_record(b"three")
    _write(path, first, partial[:7])
    reader = RecordReader(path)
    assert list(reader) == first
    assert reader.offset == sum(len(encode_record(p)) for p in first)
    assert reader.pending_bytes == 7 and reader.stopped is None
    # The writer finishes the record and adds one more: only the new ones come out.
    with open(path, "ab") as f:
        f.write(partial[7:] + encode_record(b"four"))
    resumed = RecordReader(path, reader.offset)
    assert list(resumed) == [b"three", b"four"]
    assert resumed.pending_bytes == 0 and resumed.offset == path.stat().st_size


def test_bad_payload_crc_skips_that_record_only(tmp_path):
    path = tmp_path / "f"
    records = [encode_record(p) for p in (b"aaaa", b"bbbb", b"cccc")]
    damaged = bytearray(records[1])
    damaged[13] ^= 0xFF
    path.write_bytes(records[0] + bytes(damaged) + records[2])
    reader = RecordReader(path)
    assert list(reader) == [b"aaaa", b"cccc"]
    assert (reader.records, reader.skipped, reader.stopped) == (2, 1, None)
    assert reader.status.problems == [f"record at byte {len(records[0])} failed its payload checksum "
                                      "and was skipped"]


def test_bad_length_crc_stops(tmp_path):
    path = tmp_path / "f"
    records = [encode_record(p) for p in (b"aaaa", b"bbbb", b"cccc")]
    damaged = bytearray(records[1])
    damaged[0] ^= 0x01
    path.write_bytes(records[0] + bytes(damaged) + records[2])
    reader = RecordReader(path)
    assert list(reader) == [b"aaaa"]
    assert reader.offset == len(records[0])
    assert "length checksum" in reader.stopped
    assert list(reader) == []  # stays stopped


def test_huge_length_with_valid_crc_is_never_allocated(tmp_path):
    path = tmp_path / "f"
    length = struct.pack("<Q", 2**62)
    path.write_bytes(length + struct.pack("<I", masked_crc32c(length)) + b"x" * 100)
    reader = RecordReader(path)
    assert list(reader) == []
    assert "limit" in reader.stopped
    # A plausible length on a short file is a record still being written.
    length = struct.pack("<Q", MAX_RECORD_BYTES // 2)
    path.write_bytes(length + struct.pack("<I", masked_crc32c(length)) + b"x" * 100)
    reader = RecordReader(path)
    assert list(reader) == [] and reader.stopped is None and reader.pending_bytes == 112


def test_file_shrinking_below_offset_is_reported(tmp_path):
    path = tmp_path / "f"
    _write(path, [b"abc"])
    reader = RecordReader(path, offset=1000)
    assert list(reader) == []
    assert "shrank" in reader.stopped


@pytest.mark.parametrize("size", [1, 1 << 16, (4 << 20) + 3])
def test_records_larger_than_read_block(tmp_path, size):
    path = tmp_path / "f"
    payloads = [b"a" * size, b"b", b"c" * size]
    _write(path, payloads)
    assert list(RecordReader(path)) == payloads
