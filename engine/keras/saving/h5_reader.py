"""Reads an untrusted HDF5 file for ``untrusted.py``, in a helper process of its own.

h5py (the HDF5 C library under it) can crash the process on a damaged file: two flipped bits
segfaulted it. So the caller never opens a downloaded file itself: this module, run as a script
(it imports only h5py and numpy, never ``engine``), answers requests on stdin/stdout. A crash
costs the helper, not the caller. The protocol is one JSON line per request and per answer; an
answer to ``read`` is followed by the array's raw bytes.

- ``{"op": "open", "path": P}``: the file's tree, every group's attributes and every dataset's
  shape and dtype, no data read. Links (soft, external) are refused: Keras writes none, and an
  external one would read another file.
- ``{"op": "read", "name": "/a/b", "max_bytes": N}``: one dataset, after ``dataset_problem``.
- ``{"op": "close"}``: the file is closed (HDF5 locks it while it is open).

``dataset_problem`` is also used in-process for groups a caller opened itself.
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np

# Numbers the parent passes in; the defaults here are only for running this file by hand.
MAX_OBJECTS = 100_000
MAX_ATTRIBUTE_BYTES = 64 << 20
_KINDS = "fiub"  # float, signed, unsigned, bool: what a weight can be cast from


def _h5py():
    import h5py

    return h5py


def dataset_problem(ds, max_bytes) -> str | None:
    """Why ``ds`` must not be read (None: it may). Checked from metadata only, before any read:
    external storage (data in other files), virtual datasets (data mapped from other files), a
    dtype that is not a plain number, more bytes than ``max_bytes``, or more bytes declared than
    the file stores without a filter that could explain it."""
    dt = ds.dtype
    if dt.kind not in _KINDS or dt.fields is not None or dt.subdtype is not None or dt.itemsize > 16:
        return f"has dtype {dt} (a weight is a plain number array)"
    if ds.is_virtual:
        return "is a virtual dataset (its data would come from other files)"
    plist = ds.id.get_create_plist()
    if plist.get_external_count():
        return "has external storage (its data would come from other files)"
    declared = math.prod(ds.shape or ()) * dt.itemsize
    if declared > max_bytes:
        return f"declares {declared:,} bytes (shape {ds.shape}, {dt}), more than the {max_bytes:,} allowed"
    stored = ds.id.get_storage_size()
    if declared and plist.get_nfilters() == 0 and stored < declared:
        return f"declares {declared:,} bytes (shape {ds.shape}) but the file stores {stored:,}"
    if declared and plist.get_nfilters() and declared > 1100 * max(stored, 1):
        return f"declares {declared:,} bytes but stores {stored:,} (more than any filter expands)"
    return None


def _plain(value):
    """An attribute as JSON: strings, numbers and lists of them."""
    if isinstance(value, bytes):
        return value.decode("utf8")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "fiubSUO":
            raise ValueError(f"an attribute has dtype {value.dtype}")
        return [_plain(v) for v in value.ravel().tolist()] if value.ndim else _plain(value.item())
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"an attribute holds a {type(value).__name__}")


def _attrs(obj, budget):
    out = {}
    for name in obj.attrs:
        try:
            size = obj.attrs.get_id(name).get_storage_size()
        except RuntimeError:  # HDF5 reports an empty attribute's size as a failure
            size = 0
        budget[0] -= size
        if budget[0] < 0:
            raise ValueError(f"attributes larger than {MAX_ATTRIBUTE_BYTES:,} bytes in all")
        out[name] = _plain(obj.attrs[name])
    return out


def describe(f, max_objects=MAX_OBJECTS, max_attribute_bytes=MAX_ATTRIBUTE_BYTES) -> dict:
    """``{"attrs": {...}, "groups": {name: {...}}, "datasets": {name: {"shape", "dtype"}}}``,
    walked iteratively, at most ``max_objects`` objects."""
    h5py = _h5py()
    budget, count = [max_attribute_bytes], 0
    root = {"attrs": _attrs(f, budget), "groups": {}, "datasets": {}}
    todo = [(f, root)]
    while todo:
        group, node = todo.pop()
        for name in group:
            count += 1
            if count > max_objects:
                raise ValueError(f"more than {max_objects:,} objects")
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise ValueError(f"{group.name}/{name} is a {type(link).__name__} (Keras writes none)")
            obj = group[name]
            if isinstance(obj, h5py.Dataset):
                node["datasets"][name] = {"shape": list(obj.shape or ()), "dtype": obj.dtype.str,
                                          "attrs": _attrs(obj, budget)}
            elif isinstance(obj, h5py.Group):
                child = {"attrs": _attrs(obj, budget), "groups": {}, "datasets": {}}
                node["groups"][name] = child
                todo.append((obj, child))
    return root


def _serve(stdin, stdout):
    h5py = _h5py()
    f = None
    for line in stdin:
        request = json.loads(line)
        data = None
        try:
            if request["op"] == "open":
                if f is not None:
                    f.close()
                f = h5py.File(request["path"], "r")
                answer = {"tree": describe(f, request["max_objects"], request["max_attribute_bytes"])}
            elif request["op"] == "read":
                ds = f[request["name"]]
                problem = dataset_problem(ds, request["max_bytes"])
                if problem:
                    answer = {"error": f"dataset {request['name']!r} {problem}"}
                else:
                    data = np.asarray(ds[()])  # (ascontiguousarray would make a scalar 1-d)
                    data = data if data.flags.c_contiguous else data.copy()
                    answer = {"shape": list(data.shape), "dtype": data.dtype.str, "nbytes": data.nbytes}
            elif request["op"] == "close":
                if f is not None:
                    f.close()
                f, answer = None, {}
            else:
                answer = {"error": f"unknown request {request['op']!r}"}
        except Exception as e:  # noqa: BLE001 - every failure is an answer; the parent names the file
            answer = {"error": f"{type(e).__name__}: {e}"}
        stdout.write(json.dumps(answer).encode("utf8") + b"\n")
        if data is not None and data.nbytes:
            stdout.write(data.reshape(-1).view(np.uint8).data)
        stdout.flush()


def main():  # pragma: no cover - runs in the helper process
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _serve(sys.stdin, sys.stdout.buffer)


if __name__ == "__main__":  # pragma: no cover
    main()
