"""A faster reader of one event file for the board's loader: the same framing rules as
``tfevents.record`` (the same ``Frames``, ``FileStatus`` and messages), but checksums and the
common scalar events handled a chunk at a time with numpy.

Per chunk: a short Python loop finds record boundaries, checking the lengths it guesses from the
ones before all at once; CRC-32C of every header and of every small payload is computed over
all records at once (``tfevents.crcrows``, from ``scan_matrix``); scalar
events are parsed from the same byte matrix (``tfevents.scalarscan``). Any other record becomes
an ``Event`` proto and goes through ``SummaryDecoder`` as usual, in file order, so results equal
``tfevents.reader.EventFileReader`` plus the decoder (the tests compare both on every fixture and
on random damage); only the cost differs.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from tfevents.builders import SCALARS_PLUGIN
from tfevents.crcrows import masked_crc_rows, masked_crc_spans
from tfevents.decode import Scalar, SummaryDecoder
from tfevents.proto import event_pb2
from tfevents.reader import take_events
from tfevents.record import (
    CHUNK_BYTES,
    FOOTER_BYTES,
    FRAMING_BYTES,
    HEADER_BYTES,
    MAX_RECORD_BYTES,
    FileStatus,
    Frames,
    bad_length_checksum,
    masked_crc32c,
    read_chunks,
    too_long,
)
from tfevents.scalarscan import parse_scalar_events

SMALL_RECORD = 128  # payloads up to this size are checked and parsed as a byte matrix
WALK_PROBE = 64     # records walked one by one before their lengths are assumed to repeat
WALK_PERIOD = 16    # the longest repeating pattern of record lengths looked for
_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")
_ZERO_CRC = bytes(4)  # the masked CRC of a zero length is not 0: a zero header is never valid


def _u32_at(padded: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(sliding_window_view(padded, 4)[offsets]).view("<u4").ravel()


@dataclass
class MatrixFrames(Frames):
    """``Frames`` plus the small payloads as a byte matrix, for the scalar parser."""

    small: np.ndarray | None = None  # indices of the records of at most SMALL_RECORD bytes
    rows: np.ndarray | None = None   # their payloads, zero-padded to the longest


def _no_frames(base: int, stopped: str | None) -> MatrixFrames:
    empty = np.zeros(0, np.int64)
    return MatrixFrames(base, empty, empty, np.zeros(0, bool), 0, stopped)


def _walk(buf: bytes) -> tuple[list[int], int]:
    """The record starts at the front of ``buf`` and where the walk stopped, one record at a
    time, except that after ``WALK_PROBE`` records the lengths seen last are assumed to repeat
    (a logger writes the same few events over and over) and all predicted starts are checked
    at once: each start whose length is the predicted one is exactly where the one-by-one walk
    would have gone, and the first that is not hands back to it."""
    offsets: list[int] = []
    pos, n = 0, len(buf)
    u64, add = _U64.unpack_from, offsets.append
    last_header = n - HEADER_BYTES
    view = np.frombuffer(buf, np.uint8)
    while pos <= last_header:
        for _ in range(WALK_PROBE):
            if pos > last_header:
                return offsets, pos
            length = u64(buf, pos)[0]
            nxt = pos + FRAMING_BYTES + length
            if nxt > n:  # incomplete, or a length too big for any file (checked below)
                return offsets, pos
            if not length and buf[pos + 8:pos + 12] == _ZERO_CRC:
                return offsets, pos  # zeros (a hole, a preallocated tail): no valid header
            add(pos)
            pos = nxt
        pos = _predicted(buf, view, offsets, pos)
    return offsets, pos


def _predicted(buf: bytes, view: np.ndarray, offsets: list[int], pos: int) -> int:
    """Extend ``offsets`` by the records from ``pos`` that follow the period of the lengths
    walked last (up to ``WALK_PERIOD`` records); returns the position after them."""
    starts = offsets[-2 * WALK_PERIOD - 1:] + [pos]
    sizes = np.diff(starts)
    period = next((p for p in range(1, WALK_PERIOD + 1) if len(sizes) >= 2 * p
                   and np.array_equal(sizes[-p:], sizes[-2 * p:-p])), None)
    if period is None or sizes[-period:].min() <= FRAMING_BYTES:  # no period, or an empty record
        return pos
    cycle = sizes[-period:]
    stride = int(cycle.sum())
    within = np.concatenate(([0], np.cumsum(cycle[:-1])))
    want_cycle = (cycle - FRAMING_BYTES).astype(np.uint64)
    window = 256  # records checked at once, growing while the guess holds
    while True:
        cycles = min((len(buf) - pos) // stride, max(1, window // period))
        if cycles < 1:
            return pos
        guess = (pos + stride * np.arange(cycles, dtype=np.int64)[:, None] + within).ravel()
        want = np.tile(want_cycle, cycles)
        got = np.ascontiguousarray(sliding_window_view(view, 8)[guess]).view("<u8").ravel()
        wrong = np.flatnonzero(got != want)
        k = int(wrong[0]) if wrong.size else len(guess)
        offsets.extend(guess[:k].tolist())
        if k:
            pos = int(guess[k - 1]) + FRAMING_BYTES + int(want[k - 1])
        if k < len(guess):
            return pos
        window *= 4


def scan_matrix(buf: bytes, base: int) -> MatrixFrames:
    """The records at the start of ``buf`` (as ``tfevents.record.scan_records`` finds them),
    their checksums computed for all records at once."""
    offsets, pos = _walk(buf)
    n, u64 = len(buf), _U64.unpack_from
    blocked = n - pos >= HEADER_BYTES  # a header we could not pass: too big or incomplete
    if not offsets and not blocked:
        return _no_frames(base, None)
    padded = np.frombuffer(buf + bytes(SMALL_RECORD + 16), np.uint8)
    offs = np.array(offsets + [pos] * blocked, np.int64)
    header_ok = masked_crc_rows(sliding_window_view(padded, 8)[offs]) == _u32_at(padded, offs + 8)
    bad = np.flatnonzero(~header_ok)
    stopped = None
    if bad.size:
        k = int(bad[0])
        stopped = bad_length_checksum(base + int(offs[k]))
    elif blocked and u64(buf, pos)[0] > MAX_RECORD_BYTES:
        k = len(offsets)
        stopped = too_long(base + pos, u64(buf, pos)[0])
    else:
        k = len(offsets)
    if not k:
        return _no_frames(base, stopped)
    offs = offs[:k]
    lens = np.ascontiguousarray(sliding_window_view(padded, 8)[offs]).view("<u8").ravel()
    over = np.flatnonzero(lens > MAX_RECORD_BYTES)  # only possible in a > 1 GiB buffer
    if over.size:
        k = int(over[0])
        stopped = too_long(base + int(offs[k]), int(lens[k]))
        if not k:
            return _no_frames(base, stopped)
        offs, lens = offs[:k], lens[:k]
    lens = lens.astype(np.int64)
    ends = offs + HEADER_BYTES + lens
    data_ok = np.empty(k, bool)
    small = np.flatnonzero(lens <= SMALL_RECORD)
    rows = None
    if small.size:
        rows = sliding_window_view(padded, int(lens[small].max()))[offs[small] + HEADER_BYTES]
        data_ok[small] = masked_crc_spans(padded, ends[small], lens[small]) == _u32_at(padded, ends[small])
    for i in np.flatnonzero(lens > SMALL_RECORD).tolist():
        o, e = int(offs[i]), int(ends[i])
        data_ok[i] = masked_crc32c(buf[o + HEADER_BYTES:e]) == _U32.unpack_from(buf, e)[0]
    used = int(ends[-1]) + FOOTER_BYTES
    return MatrixFrames(base, offs, lens, data_ok, used, stopped, small, rows)


class ScalarSink(Protocol):
    """Where ``FastFileReader`` puts what it reads (the board's ``RunAccumulator``)."""

    decoder: SummaryDecoder  # one per run: it remembers each tag's plugin
    pending: int             # items gathered since the last flush

    def add_event(self, event: event_pb2.Event) -> None: ...
    def add_item(self, item: Scalar) -> None: ...
    def add_scalar_arrays(self, tag: str, steps, wall_times, values) -> None: ...
    def flush(self) -> None: ...


class FastFileReader:
    """Reads one event file into a ``ScalarSink``, resuming where the last call stopped."""

    def __init__(self, path: str | os.PathLike, offset: int = 0):
        self.status = FileStatus(path=os.fspath(path), offset=offset)

    def read_into(self, sink: ScalarSink, flush_every: int = 20_000,
                  should_stop=lambda: False) -> int:
        """Feed every new complete record to ``sink``; returns the number of records read."""
        st = self.status
        before = st.records
        chunks = read_chunks(st, scan_matrix, CHUNK_BYTES)
        for buf, frames in chunks:
            self._take(buf, frames, sink)
            if sink.pending >= flush_every:
                sink.flush()
                if should_stop():
                    chunks.close()
                    st.pending_bytes = 0  # what is left is news for the next reload
                    break
        return st.records - before

    def _take(self, buf: bytes, frames: MatrixFrames, sink: ScalarSink) -> None:
        """Take the chunk's records: scalar events parsed from the byte matrix, the others
        decoded as Events, and hand everything to ``sink`` so that each tag sees its points,
        and the decoder its plugins, in file order."""
        fast = np.zeros(len(frames.starts), bool)
        scalars = None
        if frames.rows is not None:
            small, ok_small = frames.small, frames.ok[frames.small]
            scalars = parse_scalar_events(frames.rows[ok_small], frames.lengths[small][ok_small])
            if scalars is not None:
                fast[small[ok_small][scalars.rows]] = True
        events = list(take_events(self.status, buf, frames, fast))  # (record index, Event)
        plugins = sink.decoder.plugins
        if scalars is None:
            for _, event in events:
                sink.add_event(event)
        elif not any(_touches(event, set(scalars.names)) for _, event in events):
            for _, event in events:
                sink.add_event(event)
            for name in scalars.v2_names():
                plugins[name] = SCALARS_PLUGIN
            for tag, steps, walls, values in scalars.by_tag():
                sink.add_scalar_arrays(tag, steps, walls, values)
        else:
            # Rare: a restart marker, or a tag also written in another form, in this chunk.
            slow = iter(events)
            nxt = next(slow, None)
            for j, i in enumerate(np.flatnonzero(fast).tolist()):
                while nxt is not None and nxt[0] < i:
                    sink.add_event(nxt[1])
                    nxt = next(slow, None)
                item = scalars.item(j)
                if scalars.v2[j]:
                    plugins[item.tag] = SCALARS_PLUGIN
                sink.add_item(item)
            while nxt is not None:
                sink.add_event(nxt[1])
                nxt = next(slow, None)


def _touches(event, tags: set[str]) -> bool:
    """Whether ``event`` restarts the run or holds a value of one of ``tags``."""
    kind = event.WhichOneof("what")
    if kind == "session_log":
        return event.session_log.status == event_pb2.SessionLog.START
    return kind == "summary" and any(v.tag in tags for v in event.summary.value)
