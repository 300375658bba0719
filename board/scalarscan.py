"""Parsing many v1 scalar events at once from their bytes, without protobuf.

The event PyTorch, tensorboardX and TF1 write for ``add_scalar`` serializes, fields in number
order and nothing else, as::

    09 wall_time(8)  [10 step(varint)]  2a L1  0a L2  0a L3 tag(L3)  15 simple_value(4)

with L2 = L3 + 7 and L1 = L3 + 9. Rows that match exactly (and whose tag is valid UTF-8) are
parsed here; every other row is left to the general decoder, so a surprise costs speed, never
correctness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.summary import Scalar

_VARINT_MAX = 9  # bytes; a 10-byte varint (a negative step) goes to the general decoder


@dataclass
class ScalarEvents:
    """The rows that were v1 scalar events, in row order, with their parsed fields."""

    rows: np.ndarray       # indices into the parsed matrix
    tag_ids: np.ndarray    # index into ``names`` per row
    names: list[str]
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray

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


def parse_scalar_events(rows: np.ndarray, lengths: np.ndarray) -> ScalarEvents | None:
    """Parse the rows (uint8 matrix, row i holding an event payload of ``lengths[i]`` bytes,
    zero-padded) that are v1 scalar events. None if there are none."""
    if rows.shape[1] <= 20 or not len(rows):
        return None
    cand = (lengths > 20) & (rows[:, 0] == 0x09)
    if not cand.any():
        return None
    has_step = rows[:, 9] == 0x10
    varint = rows[:, 10:10 + _VARINT_MAX].astype(np.uint64)
    more = varint >= 0x80
    k = np.argmin(more, axis=1)                   # the last byte of the varint
    cand &= ~has_step | ~more[np.arange(len(rows)), k]
    shifts = np.arange(_VARINT_MAX, dtype=np.uint64) * np.uint64(7)
    used = np.arange(_VARINT_MAX)[None, :] <= k[:, None]
    step = np.where(used, (varint & np.uint64(0x7F)) << shifts, np.uint64(0)).sum(axis=1)
    step = np.where(has_step, step, np.uint64(0)).astype(np.int64)
    p = np.where(has_step, 11 + k, 9)
    l3 = _take(rows, p + 5)
    t = p + 6
    cand &= ((_take(rows, p) == 0x2A) & (_take(rows, p + 2) == 0x0A) & (_take(rows, p + 4) == 0x0A)
             & (_take(rows, p + 1) == l3 + 9) & (_take(rows, p + 3) == l3 + 7) & (l3 > 0) & (l3 < 0x77)
             & (t + l3 + 5 == lengths) & (_take(rows, t + l3) == 0x15))
    idx = np.flatnonzero(cand)
    if not idx.size:
        return None
    rows, t, l3, step = rows[idx], t[idx], l3[idx], step[idx]
    wall = np.ascontiguousarray(rows[:, 1:9]).view("<f8").ravel()
    vcols = (t + l3 + 1)[:, None] + np.arange(4)
    value = np.ascontiguousarray(rows[np.arange(len(rows))[:, None], vcols]).view("<f4").ravel()
    tag_ids = np.empty(len(rows), np.int64)
    names: list[str] = []
    known: dict[str, int] = {}
    valid = np.ones(len(rows), bool)
    # Tags are found per (start, length) group: within one, equal bytes mean the same tag.
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
        valid[members] &= tag_ids[members] >= 0
    if not valid.all():
        idx, tag_ids, step, wall, value = idx[valid], tag_ids[valid], step[valid], wall[valid], value[valid]
        if not idx.size:
            return None
    return ScalarEvents(idx, tag_ids, names, step, wall.astype(np.float64), value.astype(np.float64))
