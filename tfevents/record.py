"""TFRecord framing: the byte layer under every event file, written and read.

A record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``,
all little-endian. Reading is split in three, so that there is one set of rules however the bytes
are scanned:

- a *scan* finds the complete records at the start of a buffer and checks their checksums, and
  says whether (and why) framing is lost: ``scan_records`` here, one record at a time, or
  ``tfevents.fastread.scan_matrix``, all records of a chunk at once with numpy. Both return the
  same ``Frames`` for the same bytes;
- ``read_chunks`` feeds a file to a scan chunk by chunk from a byte offset, and records in the
  file's ``FileStatus`` where reading stopped and why;
- ``take_records`` hands a chunk's intact payloads out in file order, counting each record.

A reader resumes at a byte offset and says where and why it stopped, so a caller can tail a file
that another process is still writing. Problems never raise: they are counted and described.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

import google_crc32c
import numpy as np

from tfevents.filesystems import TransientReadError, open_read

HEADER_BYTES = 12  # length (8) + its CRC (4)
FOOTER_BYTES = 4
FRAMING_BYTES = HEADER_BYTES + FOOTER_BYTES
_MASK_DELTA = 0xA282EAD8
# A bigger record than this is treated as corruption: an event holding a 1 GiB graph is not a
# thing any writer produces, and believing such a length would make the reader allocate it.
MAX_RECORD_BYTES = 1 << 30
# Bytes read at a time; a record longer than that doubles the read until it fits (a huge valid
# length on a short file is a record still being written: only what the file holds is read).
CHUNK_BYTES = 4 << 20
# A record longer than a chunk has its payload checksum checked this many bytes at a time
# before it is read whole, so a garbage one costs no more memory than this.
CRC_PIECE_BYTES = 1 << 20

_LENGTH = struct.Struct("<Q")
_CRC = struct.Struct("<I")


def masked_crc32c(data: bytes) -> int:
    """CRC-32C of ``data``, rotated and offset as TensorFlow (and LevelDB) store it."""
    crc = google_crc32c.value(data)
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


_HEADERS: dict[int, bytes] = {}  # length and its CRC, by length: a run's records repeat a few lengths


def _header(n: int) -> bytes:
    length = _LENGTH.pack(n)
    header = length + _CRC.pack(masked_crc32c(length))
    if len(_HEADERS) < 4096:
        _HEADERS[n] = header
    return header


def encode_record(data: bytes) -> bytes:
    """One framed record holding ``data``."""
    header = _HEADERS.get(len(data)) or _header(len(data))
    crc = google_crc32c.value(data)
    return header + data + _CRC.pack((((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF)


# What reading reports, worded once for every scan.
def bad_length_checksum(at: int) -> str:
    return f"bad length checksum at byte {at}"


def too_long(at: int, length: int) -> str:
    return f"record at byte {at} claims {length} bytes, over the {MAX_RECORD_BYTES}-byte limit"


def shrank(size: int, offset: int) -> str:
    return f"file shrank to {size} bytes, below the read offset {offset}"


def cannot_read(exc: OSError) -> str:
    return f"cannot read file: {exc.strerror or exc}"


BAD_PAYLOAD = "failed its payload checksum and was skipped"
NOT_AN_EVENT = "is not an Event"


@dataclass
class FileStatus:
    """What reading one record file has met so far."""

    path: str
    offset: int = 0          # resume here
    records: int = 0         # intact records read (of an event file: the Events)
    skipped: int = 0         # records dropped: payload CRC failed, or not an Event
    stopped: str | None = None  # why the file cannot be read further, if it cannot
    pending_bytes: int = 0   # an incomplete record at the end (the writer is mid-write)
    file_version: str | None = None
    problems: list[str] = field(default_factory=list)

    def skip(self, at: int, why: str) -> None:
        """Count the record at byte ``at`` as dropped, for the reason ``why``."""
        self.skipped += 1
        self.problems.append(f"record at byte {at} {why}")


@dataclass
class Frames:
    """The complete records at the start of a buffer that begins at file byte ``base``."""

    base: int
    starts: np.ndarray   # int64: where each record begins in the buffer
    lengths: np.ndarray  # int64: its payload's length
    ok: np.ndarray       # bool: whether its payload checksum holds
    used: int            # bytes the records take (the buffer index just past the last one)
    stopped: str | None  # framing is lost at ``used``: why (a bad length checksum, a huge length)


def scan_records(buf: bytes, base: int) -> Frames:
    """The records at the start of ``buf``, walked one at a time."""
    starts, lengths, ok = [], [], []
    pos, n, stopped = 0, len(buf), None
    crc, unpack_crc, unpack_length = masked_crc32c, _CRC.unpack_from, _LENGTH.unpack_from
    while n - pos >= HEADER_BYTES:
        if crc(buf[pos:pos + 8]) != unpack_crc(buf, pos + 8)[0]:
            stopped = bad_length_checksum(base + pos)
            break
        (length,) = unpack_length(buf, pos)
        if length > MAX_RECORD_BYTES:
            stopped = too_long(base + pos, length)
            break
        end = pos + HEADER_BYTES + length
        if end + FOOTER_BYTES > n:
            break  # incomplete: the writer is mid-write, or the next read brings the rest
        starts.append(pos)
        lengths.append(length)
        ok.append(crc(buf[pos + HEADER_BYTES:end]) == unpack_crc(buf, end)[0])
        pos = end + FOOTER_BYTES
    return Frames(base, np.array(starts, np.int64), np.array(lengths, np.int64),
                  np.array(ok, bool), pos, stopped)


def read_chunks(status: FileStatus, scan=scan_records, chunk_bytes: int = CHUNK_BYTES):
    """Yield ``(buf, frames)`` for each chunk of ``status.path`` from ``status.offset`` on, as
    ``scan`` frames it; the caller takes the chunk's records (``take_records``). Once a chunk is
    taken whole, ``status`` says whether framing was lost and how many bytes of an incomplete
    record follow. A caller that stops mid-chunk leaves ``status.offset`` after the last record it
    took, and the next read resumes there.

    Memory is bounded by the bytes present, never by a length a header claims: a record longer
    than a chunk is read on its own, and only once the file holds all of it, its bytes are data
    (not a hole of a sparse file) and its payload checksum holds (checked in pieces)."""
    if status.stopped is not None:
        return
    try:
        with open_read(status.path) as f:
            size = f.size
            if status.offset > size:
                # The file was truncated or replaced under us: nothing we knew is valid.
                status.stopped = shrank(size, status.offset)
                return
            f.seek(status.offset)
            buf = b""
            while True:
                need = _big_record_bytes(buf, chunk_bytes)
                if need:
                    start = status.offset  # the caller took everything before the big record
                    if start + need > size:  # still being written: read nothing of it yet
                        status.pending_bytes = size - start
                        return
                    why = _absent(f, start, need)
                    if why is not None:
                        status.skip(start, why)
                        status.offset = start + need
                        f.seek(status.offset)
                        buf = b""
                        continue
                    f.seek(start)
                    buf, want = f.read(need), need
                    more = buf
                else:
                    want = chunk_bytes
                    more = f.read(want)
                    buf = buf + more if buf else more
                frames = scan(buf, status.offset)
                try:
                    yield buf, frames
                finally:
                    taken = status.offset == frames.base + frames.used
                    if taken:
                        status.stopped = frames.stopped
                        status.pending_bytes = 0 if frames.stopped else len(buf) - frames.used
                if not taken or frames.stopped is not None or len(more) < want:
                    return  # left mid-chunk, framing lost, or a short read: the end of the file
                buf = buf[frames.used:]
    except TransientReadError as exc:
        # A dropped connection to an object store: nothing is lost, the next reload resumes here.
        status.problems.append(f"reading was interrupted at byte {status.offset} ({exc}); retried later")
    except OSError as exc:
        status.stopped = cannot_read(exc)


def still_stopped(status: FileStatus) -> bool:
    """Whether a file whose reading stopped would stop at the same place again: it still cannot
    be opened, or the header where framing was lost is still bad. Costs one header's read."""
    try:
        with open_read(status.path) as f:
            head = f.pread(HEADER_BYTES, status.offset)
    except OSError:
        return True
    if status.stopped is None or status.stopped.startswith("cannot read"):
        return False
    return scan_records(head, status.offset).stopped is not None


def _big_record_bytes(buf: bytes, chunk_bytes: int) -> int:
    """The framed size of the record at the start of ``buf`` when its header is intact and it
    is longer than a chunk (0 otherwise: the scan then frames it, or says why it cannot)."""
    if len(buf) < HEADER_BYTES or masked_crc32c(buf[:8]) != _CRC.unpack_from(buf, 8)[0]:
        return 0
    (length,) = _LENGTH.unpack_from(buf, 0)
    need = length + FRAMING_BYTES
    return need if chunk_bytes < need and length <= MAX_RECORD_BYTES else 0


def _absent(f, start: int, need: int) -> str | None:
    """Why the record at ``start`` (``need`` bytes framed) is not worth reading, or None: its
    bytes include a hole (a sparse file claims them; no writer leaves holes inside a record), or
    its payload fails its checksum. Reads in pieces with ``pread``, so it costs a chunk of memory."""
    end = start + need
    hole = f.first_hole(start, end)  # end when the file system cannot tell: trust the checksum
    if hole < end:
        return f"claims {need - FRAMING_BYTES} bytes, but the file holds a hole at byte {hole} " \
               f"(a sparse file): not read"
    crc, pos, data_end = 0, start + HEADER_BYTES, end - FOOTER_BYTES
    while pos < data_end:
        piece = f.pread(min(CRC_PIECE_BYTES, data_end - pos), pos)
        if not piece:
            return "ends before its length: not read"
        crc = google_crc32c.extend(crc, piece)
        pos += len(piece)
    footer = f.pread(FOOTER_BYTES, data_end)
    masked = (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF
    if len(footer) < FOOTER_BYTES or masked != _CRC.unpack(footer)[0]:
        return BAD_PAYLOAD
    return None


def take_records(status: FileStatus, buf: bytes, frames: Frames, handled: np.ndarray | None = None):
    """Yield ``(index, payload)`` of each intact record of a chunk, in file order, counting every
    record in ``status`` as it goes (a bad payload checksum is skipped and described). Records
    marked in ``handled`` were read by the caller by other means: they are counted, not yielded."""
    base = frames.base
    starts, lengths, ok = frames.starts.tolist(), frames.lengths.tolist(), frames.ok.tolist()
    if handled is None:
        todo = range(len(starts))
    else:
        status.records += int(np.count_nonzero(handled))
        todo = np.flatnonzero(~handled).tolist()
    for i in todo:
        start = starts[i]
        end = start + HEADER_BYTES + lengths[i]
        status.offset = base + end + FOOTER_BYTES
        if not ok[i]:
            status.skip(base + start, BAD_PAYLOAD)
            continue
        status.records += 1
        yield i, buf[start + HEADER_BYTES:end]
    status.offset = base + frames.used


class RecordReader:
    """Iterates the payloads of one record file, starting at ``offset``.

    After (or during) iteration, ``status`` (a ``FileStatus``) says how far reading got; its
    fields are also attributes of the reader:
      - ``offset`` is the byte just past the last record consumed; resume there next time.
        A half-written last record is not consumed, so ``offset`` stays before it.
      - ``records`` counts good payloads yielded, ``skipped`` the records whose payload CRC
        failed (framing was intact, so reading went on after them).
      - ``stopped`` is None, or why this file cannot be read further (a bad length CRC, an
        impossible length): the framing is lost, and retrying will not help.
      - ``pending_bytes`` is how many bytes after ``offset`` form an incomplete record.
    """

    def __init__(self, path: str | os.PathLike, offset: int = 0):
        self.status = FileStatus(path=os.fspath(path), offset=offset)

    path = property(lambda self: self.status.path)
    offset = property(lambda self: self.status.offset)
    records = property(lambda self: self.status.records)
    skipped = property(lambda self: self.status.skipped)
    stopped = property(lambda self: self.status.stopped)
    pending_bytes = property(lambda self: self.status.pending_bytes)

    def __iter__(self):
        for buf, frames in read_chunks(self.status):
            for _, data in take_records(self.status, buf, frames):
                yield data


def read_records(path: str | os.PathLike, offset: int = 0):
    """Payloads of every complete, intact record in ``path`` from ``offset``."""
    return iter(RecordReader(path, offset))
