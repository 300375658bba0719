"""Parsing many scalar events at once from their bytes, without protobuf.

A scalar event, fields in number order, serializes as::

    09 wall_time(8)  [10 step(varint)]  2a L1  0a L2  0a L3 tag(L3)  REST

with L2 = L3 + 2 + len(REST) and L1 = L2 + 2, where REST is one of ``TEMPLATES``: the v1
``simple_value`` PyTorch, tensorboardX and TF1 write, or a v2 float32/float64 scalar tensor with
its ``scalars`` plugin metadata (TF2 style: PyTorch's ``new_style``, our ``tf.summary.scalar``).
Rows that match exactly (and whose tag is valid UTF-8) are parsed here; every other row is left
to the general decoder, so a surprise costs speed, never correctness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tfevents.decode import Scalar

_VARINT_MAX = 9  # bytes; a 10-byte varint (a negative step) goes to the general decoder


@dataclass(frozen=True)
class Template:
    """The bytes after the tag: fixed except ``size`` value bytes at ``at``."""

    fixed: bytes
    at: int
    size: int
    v2: bool


def _templates() -> list[Template]:
    out = [Template(b"\x15" + bytes(4), 1, 4, False)]  # simple_value
    for head, size, field in ((b"\x08\x01", 4, b"\x2a\x04"),   # DT_FLOAT, float_val
                              (b"\x08\x02", 8, b"\x32\x08")):  # DT_DOUBLE, double_val
        for shape in (b"", b"\x12\x00"):                       # shape [] left out or explicit
            body = head + shape + field
            tensor = b"\x42" + bytes([len(body) + size]) + body
            for meta in (b"\x0a\x09\x0a\x07scalars", b"\x0a\x09\x0a\x07scalars\x20\x01"):
                fixed = tensor + bytes(size) + b"\x4a" + bytes([len(meta)]) + meta
                out.append(Template(fixed, len(tensor), size, True))
    return out


TEMPLATES = _templates()


@dataclass
class ScalarEvents:
    """The rows that were scalar events, in row order, with their parsed fields."""

    rows: np.ndarray       # indices into the parsed matrix
    tag_ids: np.ndarray    # index into ``names`` per row
    names: list[str]
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    v2: np.ndarray         # bool per row: a v2 tensor that names the scalars plugin

    def v2_names(self) -> set[str]:
        return {self.names[i] for i in np.unique(self.tag_ids[self.v2]).tolist()}

    def by_tag(self):
        """(tag, steps, wall_times, values) per tag, each in row order."""
        if len(self.names) == 1:
            yield self.names[0], self.steps, self.wall_times, self.values
            return
        ids = self.tag_ids.astype(np.int16) if len(self.names) < 2**15 else self.tag_ids
        order = np.argsort(ids, kind="stable")  # a radix sort for 16-bit keys
        ids = self.tag_ids[order]
        starts = np.flatnonzero(np.diff(ids, prepend=-1))
        for a, b in zip(starts.tolist(), [*starts[1:].tolist(), len(ids)], strict=True):
            sel = order[a:b]
            yield self.names[ids[a]], self.steps[sel], self.wall_times[sel], self.values[sel]

    def item(self, j: int) -> Scalar:
        return Scalar(self.names[self.tag_ids[j]], int(self.steps[j]), float(self.wall_times[j]),
                      float(self.values[j]))


def _take(rows: np.ndarray, col: np.ndarray) -> np.ndarray:
    return rows[np.arange(len(rows)), np.minimum(col, rows.shape[1] - 1)].astype(np.int64)


def _steps(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(valid, step, position after the step field) of each row's optional step varint. A
    column at a time, only as far as some row's varint goes on (steps of a chunk are close)."""
    n = len(rows)
    has_step = rows[:, 9] == 0x10
    step = np.zeros(n, np.uint64)
    last = np.zeros(n, np.int64)          # index of the varint's last byte
    going = has_step.copy()               # rows whose varint has not ended before this byte
    for j in range(_VARINT_MAX):
        byte = rows[:, 10 + j]
        step[going] |= (byte[going] & np.uint8(0x7F)).astype(np.uint64) << np.uint64(7 * j)
        last[going] = j
        going &= byte >= 0x80
        if not going.any():
            break
    valid = ~going                        # a varint still going after 9 bytes: not ours
    step = np.where(has_step, step, np.uint64(0)).astype(np.int64)
    return valid, step, np.where(has_step, 11 + last, 9)


def _match_templates(rows, lengths, cand, p, l3, t) -> tuple[np.ndarray, np.ndarray]:
    """(template index or -1, value) per row."""
    which = np.full(len(rows), -1)
    value = np.zeros(len(rows))
    l1, l2 = _take(rows, p + 1), _take(rows, p + 3)
    rest = np.where(cand, lengths - t - l3, -1)
    sizes = np.bincount(np.clip(rest, 0, 255)[cand], minlength=256) if cand.any() else np.zeros(256)
    for ti, tpl in enumerate(TEMPLATES):
        n = len(tpl.fixed)
        if not sizes[n]:
            continue  # no row has this template's length after its tag
        r = np.flatnonzero(cand & (which < 0) & (t + l3 + n == lengths) & (l2 == l3 + 2 + n)
                           & (l1 == l3 + 4 + n) & (l3 + 4 + n < 0x80))
        if not r.size:
            continue
        start = t[r] + l3[r]  # + len(fixed) == the row's length: every byte is in the row
        ok = np.ones(len(r), bool)
        for j, byte in enumerate(tpl.fixed):
            if not tpl.at <= j < tpl.at + tpl.size:
                ok &= rows[r, start + j] == byte
        r, start = r[ok], start[ok]
        if not r.size:
            continue
        cols = (start + tpl.at)[:, None] + np.arange(tpl.size)
        raw = np.ascontiguousarray(rows[r[:, None], cols])
        value[r] = raw.view("<f4" if tpl.size == 4 else "<f8").ravel()
        which[r] = ti
    return which, value


def _tag_keys(raw: np.ndarray) -> np.ndarray:
    """A 64-bit key per row of a uint8 matrix: equal rows, equal keys (not the converse)."""
    key = np.zeros(len(raw), np.uint64)
    for j in range(raw.shape[1]):
        key = key * np.uint64(1_000_003) + raw[:, j]
    return key


def _tag_ids(rows: np.ndarray, t: np.ndarray, l3: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each row's tag as an index into the returned names (-1: not UTF-8)."""
    tag_ids = np.empty(len(rows), np.int64)
    names: list[str] = []
    known: dict[str, int] = {}
    # Within one (start, length) group, equal bytes mean the same tag.
    groups = t * 256 + l3
    for g in np.unique(groups).tolist():
        members = np.flatnonzero(groups == g)
        start, size = divmod(g, 256)
        raw = rows[members, start:start + size]
        first, inverse = np.unique(_tag_keys(raw), return_index=True, return_inverse=True)[1:]
        uniq = raw[first]
        if not np.array_equal(uniq[inverse.ravel()], raw):  # two tags with one key: compare bytes
            voids = np.ascontiguousarray(raw).view(np.dtype((np.void, size))).ravel()
            first, inverse = np.unique(voids, return_index=True, return_inverse=True)[1:]
            uniq = raw[first]
        # Names in byte order, as np.unique of the bytes themselves would give them.
        found = [bytes(u) for u in uniq]
        order = sorted(range(len(found)), key=found.__getitem__)
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        inverse = rank[inverse.ravel()]
        ids = []
        for raw_name in sorted(found):
            try:
                name = raw_name.decode("utf-8")
            except UnicodeDecodeError:
                ids.append(-1)
                continue
            if name not in known:
                known[name] = len(names)
                names.append(name)
            ids.append(known[name])
        tag_ids[members] = np.array(ids, np.int64)[inverse]
    return tag_ids, names


def parse_scalar_events(rows: np.ndarray, lengths: np.ndarray) -> ScalarEvents | None:
    """Parse the rows (uint8 matrix, row i holding an event payload of ``lengths[i]`` bytes,
    zero-padded) that are scalar events of a known layout. None if there are none."""
    if rows.shape[1] <= 20 or not len(rows):
        return None
    cand = (lengths > 20) & (rows[:, 0] == 0x09)
    if not cand.any():
        return None
    valid, step, p = _steps(rows)
    l3 = _take(rows, p + 5)
    t = p + 6
    cand &= (valid & (_take(rows, p) == 0x2A) & (_take(rows, p + 2) == 0x0A)
             & (_take(rows, p + 4) == 0x0A) & (l3 > 0))
    which, value = _match_templates(rows, lengths, cand, p, l3, t)
    idx = np.flatnonzero(which >= 0)
    if not idx.size:
        return None
    if len(idx) < len(rows):  # (usually every row is a scalar event: no copy then)
        rows, t, l3 = rows[idx], t[idx], l3[idx]
    tag_ids, names = _tag_ids(rows, t, l3)
    keep = tag_ids >= 0
    if not keep.all():
        idx, tag_ids, rows = idx[keep], tag_ids[keep], rows[keep]
    if not idx.size:
        return None
    wall = np.ascontiguousarray(rows[:, 1:9]).view("<f8").ravel().astype(np.float64)
    v2 = np.array([TEMPLATES[w].v2 for w in range(len(TEMPLATES))])[which[idx]]
    return ScalarEvents(idx, tag_ids, names, step[idx], wall, value[idx], v2)
