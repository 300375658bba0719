"""Masked CRC-32C of many short byte strings at once, with numpy: the rows of a byte matrix.

CRC-32C is linear: the register after a string is (the register after the same number of zero
bytes from the initial value) xor (the register after the string from zero), and zero bytes
leave a zero register as it is. So rows are right-aligned behind zeros and every row steps
through the same columns, four bytes at a time through two 65,536-entry tables, and the part
that depends on the initial value is looked up by length. ``google_crc32c`` (one call per
string) gives the same numbers; this is for the many small records of a chunk together.
"""

from __future__ import annotations

import numpy as np

_POLY = np.uint32(0x82F63B78)  # CRC-32C, reflected
_MASK_DELTA = np.uint32(0xA282EAD8)
_ONES = np.uint32(0xFFFFFFFF)


def _byte_table() -> np.ndarray:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ _POLY, t >> 1).astype(np.uint32)
    return t


_BYTE = _byte_table()


def _zero_steps(reg: np.ndarray, count: int) -> np.ndarray:
    for _ in range(count):
        reg = _BYTE[reg & 0xFF] ^ (reg >> 8)
    return reg


_HALF = np.arange(1 << 16, dtype=np.uint32)
_LOW = _zero_steps(_HALF, 4)         # a register's low 16 bits, four bytes on
_HIGH = _zero_steps(_HALF << 16, 4)  # and its high 16 bits
del _HALF


def _init_part(max_length: int) -> np.ndarray:
    """The register after n zero bytes from 0xFFFFFFFF, for n in 0..max_length."""
    out = np.empty(max_length + 1, np.uint32)
    reg = np.array([_ONES])
    for n in range(max_length + 1):
        out[n] = reg[0]
        reg = _zero_steps(reg, 1)
    return out


_INIT = _init_part(256)


def masked_crc_right(rows: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Masked CRC-32C of the last ``lengths[i]`` bytes of each row of a uint8 matrix whose width
    is a multiple of 4 and whose bytes before those are zero."""
    reg = np.zeros(len(rows), np.uint32)
    words = np.ascontiguousarray(rows).view("<u4")
    for j in range(words.shape[1]):
        reg ^= words[:, j]
        reg = _LOW[reg & 0xFFFF] ^ _HIGH[reg >> 16]
    init = _INIT if lengths.max(initial=0) < len(_INIT) else _init_part(int(lengths.max()))
    crc = reg ^ init[lengths] ^ _ONES
    return ((crc >> 15) | (crc << 17)) + _MASK_DELTA


def right_aligned(rows: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Left-aligned rows (the first ``lengths[i]`` bytes of row i count) moved to the right of
    a zero-filled matrix whose width is a multiple of 4."""
    width = -(-rows.shape[1] // 4) * 4
    out = np.zeros((len(rows), width), np.uint8)
    cols = np.arange(width)
    shift = (width - lengths)[:, None]
    keep = cols >= shift
    src = np.clip(cols - shift, 0, max(rows.shape[1] - 1, 0))
    if rows.shape[1]:
        out[keep] = np.take_along_axis(rows, src, axis=1)[keep]
    return out


def masked_crc_spans(data: np.ndarray, ends: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Masked CRC-32C of ``data[ends[i] - lengths[i]:ends[i]]`` for every i (uint8 ``data``)."""
    if not len(ends):
        return np.zeros(0, np.uint32)
    width = -(-int(lengths.max()) // 4) * 4
    front = np.concatenate((np.zeros(width, np.uint8), data))
    rows = np.lib.stride_tricks.sliding_window_view(front, width)[ends]  # ends - width + width
    rows *= np.arange(width) >= (width - lengths)[:, None]
    return masked_crc_right(rows, lengths)


def masked_crc_rows(rows: np.ndarray, lengths: np.ndarray | None = None) -> np.ndarray:
    """Masked CRC-32C of each row of a uint8 matrix (of its first ``lengths[i]`` bytes)."""
    if not len(rows):
        return np.zeros(0, np.uint32)
    if lengths is None:
        lengths = np.full(len(rows), rows.shape[1], np.int64)
        if rows.shape[1] % 4 == 0:  # already right-aligned (the 8-byte lengths of headers)
            return masked_crc_right(rows, lengths)
    lengths = np.asarray(lengths, np.int64)
    return masked_crc_right(right_aligned(rows, lengths), lengths)
