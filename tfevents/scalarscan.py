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
        order = np.argsort(self.tag_ids, kind="stable")
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
    """(valid, step, position after the step field) of each row's optional step varint."""
    has_step = rows[:, 9] == 0x10
    varint = rows[:, 10:10 + _VARINT_MAX].astype(np.uint64)
    more = varint >= 0x80
    k = np.argmin(more, axis=1)                   # the last byte of the varint
    valid = ~has_step | ~more[np.arange(len(rows)), k]
    shifts = np.arange(_VARINT_MAX, dtype=np.uint64) * np.uint64(7)
    used = np.arange(_VARINT_MAX)[None, :] <= k[:, None]
    step = np.where(used, (varint & np.uint64(0x7F)) << shifts, np.uint64(0)).sum(axis=1)
    step = np.where(has_step, step, np.uint64(0)).astype(np.int64)
    return valid, step, np.where(has_step, 11 + k, 9)


def _match_templates(rows, lengths, cand, p, l3, t) -> tuple[np.ndarray, np.ndarray]:
    """(template index or -1, value) per row."""
    which = np.full(len(rows), -1)
    value = np.zeros(len(rows))
    l1, l2 = _take(rows, p + 1), _take(rows, p + 3)
    for ti, tpl in enumerate(TEMPLATES):
        n = len(tpl.fixed)
        r = np.flatnonzero(cand & (which < 0) & (t + l3 + n == lengths) & (l2 == l3 + 2 + n)
                           & (l1 == l3 + 4 + n) & (l3 + 4 + n < 0x80))
        if not r.size:
            continue
        start = t[r] + l3[r]
        sub = rows[r]
        ok = np.ones(len(r), bool)
        for j, byte in enumerate(tpl.fixed):
            if not tpl.at <= j < tpl.at + tpl.size:
                ok &= _take(sub, start + j) == byte
        r, start = r[ok], start[ok]
        if not r.size:
            continue
        cols = (start + tpl.at)[:, None] + np.arange(tpl.size)
        raw = np.ascontiguousarray(rows[r[:, None], cols])
        value[r] = raw.view("<f4" if tpl.size == 4 else "<f8").ravel()
        which[r] = ti
    return which, value


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
        raw = np.ascontiguousarray(rows[members, start:start + size]).view(np.dtype((np.void, size)))
        uniq, inverse = np.unique(raw.ravel(), return_inverse=True)
        ids = []
        for u in uniq:
            try:
                name = bytes(u).decode("utf-8")
            except UnicodeDecodeError:
                ids.append(-1)
                continue
            if name not in known:
                known[name] = len(names)
                names.append(name)
            ids.append(known[name])
        tag_ids[members] = np.array(ids, np.int64)[inverse.ravel()]
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
    rows, t, l3 = rows[idx], t[idx], l3[idx]
    tag_ids, names = _tag_ids(rows, t, l3)
    keep = tag_ids >= 0
    idx, tag_ids, rows = idx[keep], tag_ids[keep], rows[keep]
    if not idx.size:
        return None
    wall = np.ascontiguousarray(rows[:, 1:9]).view("<f8").ravel().astype(np.float64)
    v2 = np.array([TEMPLATES[w].v2 for w in range(len(TEMPLATES))])[which[idx]]
    return ScalarEvents(idx, tag_ids, names, step[idx], wall, value[idx], v2)
