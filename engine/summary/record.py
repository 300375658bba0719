"""TFRecord framing: the byte layer under every event file.

A record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``,
all little-endian. The reader resumes at a byte offset and says where and why it stopped, so a
caller can tail a file that another process is still writing.
"""

from __future__ import annotations

import os
import struct

import google_crc32c

HEADER_BYTES = 12  # length (8) + its CRC (4)
FOOTER_BYTES = 4
_MASK_DELTA = 0xA282EAD8
# A bigger record than this is treated as corruption: an event holding a 1 GiB graph is not a
# thing any writer produces, and believing such a length would make the reader allocate it.
MAX_RECORD_BYTES = 1 << 30
_READ_BLOCK = 4 << 20

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")


def masked_crc32c(data: bytes) -> int:
    """CRC-32C of ``data``, rotated and offset as TensorFlow (and LevelDB) store it."""
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def encode_record(data: bytes) -> bytes:
    """One framed record holding ``data``."""
    length = _LENGTH.pack(len(data))
    return b"".join(
        (length, _CRC.pack(masked_crc32c(length)), data, _CRC.pack(masked_crc32c(data)))
    )


class RecordReader:
    """Iterates the payloads of one record file, starting at ``offset``.

    After (or during) iteration:
      - ``offset`` is the byte just past the last record consumed; resume there next time.
        A half-written last record is not consumed, so ``offset`` stays before it.
      - ``records`` counts good payloads yielded, ``skipped`` the records whose payload CRC
        failed (framing was intact, so reading went on after them).
      - ``stopped`` is None, or why this file cannot be read further (a bad length CRC, an
        impossible length): the framing is lost, and retrying will not help.
      - ``pending_bytes`` is how many bytes after ``offset`` form an incomplete record.
    """

    def __init__(self, path: str | os.PathLike, offset: int = 0):
        self.path = os.fspath(path)
        self.offset = offset
        self.records = 0
        self.skipped = 0
        self.stopped: str | None = None
        self.pending_bytes = 0
        self.skip_offsets: list[int] = []

    def __iter__(self):
        if self.stopped is not None:
            return
        with open(self.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if self.offset > size:
                # The file was truncated or replaced under us: nothing we knew is valid.
                self.stopped = f"file shrank to {size} bytes, below the read offset {self.offset}"
                return
            f.seek(self.offset)
            buf = b""
            pos = 0  # index in buf of the byte at self.offset
            while True:
                if len(buf) - pos < HEADER_BYTES:
                    buf, pos = self._refill(f, buf, pos, HEADER_BYTES)
                    if len(buf) - pos < HEADER_BYTES:
                        self.pending_bytes = len(buf) - pos
                        return
                header = buf[pos : pos + 8]
                (length,) = _LENGTH.unpack(header)
                (length_crc,) = _CRC.unpack_from(buf, pos + 8)
                if masked_crc32c(header) != length_crc:
                    self.stopped = f"bad length checksum at byte {self.offset}"
                    return
                if length > MAX_RECORD_BYTES:
                    self.stopped = (
                        f"record at byte {self.offset} claims {length} bytes, "
                        f"over the {MAX_RECORD_BYTES}-byte limit"
                    )
                    return
                total = HEADER_BYTES + length + FOOTER_BYTES
                if len(buf) - pos < total:
                    # Only ask for what the file actually holds: a huge (valid) length on a
                    # short file is a record still being written, not a reason to allocate.
                    available = size - self.offset
                    if available < total:
                        size = os.fstat(f.fileno()).st_size
                        available = size - self.offset
                    if available < total:
                        self.pending_bytes = available
                        return
                    buf, pos = self._refill(f, buf, pos, total)
                    if len(buf) - pos < total:
                        self.pending_bytes = len(buf) - pos
                        return
                data = buf[pos + HEADER_BYTES : pos + HEADER_BYTES + length]
                (data_crc,) = _CRC.unpack_from(buf, pos + HEADER_BYTES + length)
                record_offset = self.offset
                pos += total
                self.offset += total
                if masked_crc32c(data) != data_crc:
                    self.skipped += 1
                    self.skip_offsets.append(record_offset)
                    continue
                self.records += 1
                yield data

    @staticmethod
    def _refill(f, buf: bytes, pos: int, need: int) -> tuple[bytes, int]:
        """Drop consumed bytes and read until ``need`` bytes are buffered or the file ends."""
        rest = buf[pos:]
        chunks = [rest]
        have = len(rest)
        while have < need:
            chunk = f.read(max(_READ_BLOCK, need - have))
            if not chunk:
                break
            chunks.append(chunk)
            have += len(chunk)
        return b"".join(chunks), 0


def read_records(path: str | os.PathLike, offset: int = 0):
    """Payloads of every complete, intact record in ``path`` from ``offset``."""
    return iter(RecordReader(path, offset))
