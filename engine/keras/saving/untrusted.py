"""Model files trusted for nothing: ``ModelFileError``, the bounds, and HDF5 read through a helper
process (``h5_reader.py``) so that no file, however damaged, can kill the caller.

``open_h5(path)`` gives a read-only tree that answers what the loaders ask of an ``h5py.File``
(``attrs``, ``in``, ``[...]``, ``get``, ``len``, a dataset's ``shape``/``dtype``/``[()]``); only a
dataset's data is fetched on demand, after the loader has checked its shape against the layer's.
The helper is started once and reused (one request at a time); if it dies or hangs, the file is
refused and the next load starts a new one.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import subprocess
import sys
import threading

import numpy as np

# -- bounds (SECURITY.md lists each with its test) -------------------------------------------------
MAX_OBJECTS = 100_000             # groups + datasets in one .h5 file
MAX_ATTRIBUTE_BYTES = 64 << 20    # all attributes of one .h5 file (model_config included)
MAX_DATASET_BYTES = 4 << 30       # one dataset read that no layer shape vouches for (optimizer state)
OPEN_TIMEOUT = 30.0               # seconds the helper may take to walk a file's tree (a damaged
                                  # file can send HDF5 into an endless loop)
READ_RATE = 20 << 20              # bytes a second a dataset read must at least manage, after 30 s
HELPER_MEMORY = MAX_DATASET_BYTES + (2 << 30)  # the helper's address space (RLIMIT_AS)
MAX_ZIP_MEMBERS = 10_000          # entries of a .keras archive
MAX_CONFIG_BYTES = 64 << 20       # config.json / metadata.json of a .keras archive
ZIP_CHUNK = 1 << 20               # a .keras member is inflated this much at a time


class ModelFileError(ValueError):
    """A model or weights file that cannot be loaded: names the file and what is wrong with it.
    The one error the loaders raise for a file's content, whatever the damage."""

    def __init__(self, path, problem):
        self.path, self.problem = os.fspath(path), problem
        super().__init__(f"{self.path}: {problem}")


@contextlib.contextmanager
def one_error(path):
    """Any failure while loading ``path`` becomes a ``ModelFileError`` naming it (a missing file
    stays ``FileNotFoundError``)."""
    try:
        yield
    except (ModelFileError, FileNotFoundError, IsADirectoryError, PermissionError):
        raise
    except RecursionError:
        raise ModelFileError(path, "its config is nested too deeply") from None
    except MemoryError:
        raise ModelFileError(path, "it needs more memory than this machine has") from None
    except Exception as e:  # noqa: BLE001 - the point: one clear error type, whatever broke
        raise ModelFileError(path, f"{type(e).__name__}: {e}"[:2000]) from e


# -- the helper process --------------------------------------------------------------------------
class _Helper:
    def __init__(self):
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        script = os.path.join(os.path.dirname(__file__), "h5_reader.py")
        self.proc = subprocess.Popen([sys.executable, "-I", script, str(HELPER_MEMORY)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.buf = bytearray()

    def _more(self):
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        if not ready:
            raise TimeoutError
        chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
        if not chunk:
            raise EOFError
        self.buf += chunk

    def _line(self, limit):
        while (end := self.buf.find(b"\n")) < 0:
            if len(self.buf) > limit:
                raise ValueError("the helper's answer is too long")
            self._more()
        line, self.buf = self.buf[:end], self.buf[end + 1:]
        return json.loads(line)

    def _bytes(self, n):
        out = bytearray(n)
        view, pos = memoryview(out), min(len(self.buf), n)
        view[:pos] = self.buf[:pos]
        del self.buf[:pos]
        while pos < n:
            ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
            if not ready:
                raise TimeoutError
            got = os.readv(self.proc.stdout.fileno(), [view[pos:pos + (1 << 24)]])
            if not got:
                raise EOFError
            pos += got
        return out

    def ask(self, request, timeout, limit=2 * MAX_ATTRIBUTE_BYTES + (1 << 20)):
        self.timeout = timeout
        self.proc.stdin.write(json.dumps(request).encode("utf8") + b"\n")
        self.proc.stdin.flush()
        answer = self._line(limit)
        if "nbytes" in answer:
            answer["data"] = self._bytes(answer["nbytes"])
        return answer

    def close(self):
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.wait()


_helper = [None]
_lock = threading.Lock()


def _ask(path, request, timeout=None):
    timeout = OPEN_TIMEOUT if timeout is None else timeout
    helper = _helper[0]
    if helper is not None and helper.proc.poll() is not None:
        _helper[0] = None
        if request["op"] != "open":  # it died holding this file open: that file's doing
            raise _failed(path, helper, EOFError("the helper is gone"), timeout)
    if _helper[0] is None:
        _helper[0] = _Helper()
    try:
        answer = _helper[0].ask(request, timeout)
    except (EOFError, BrokenPipeError, TimeoutError, ValueError) as e:
        helper, _helper[0] = _helper[0], None
        helper.close()
        raise _failed(path, helper, e, timeout) from None
    if "error" in answer:
        raise ModelFileError(path, answer["error"])
    return answer


def _failed(path, helper, e, timeout) -> ModelFileError:
    """Why the helper gave no answer on ``path``: a timeout, a crash (its signal), or else."""
    code = helper.proc.returncode
    if isinstance(e, TimeoutError):
        why = f"reading it took more than {timeout:.0f} s"
    elif code is not None and code < 0:
        why = f"the HDF5 library crashed on it (signal {-code})"
    else:
        why = f"the HDF5 reader failed on it ({type(e).__name__} {e})"
    return ModelFileError(path, f"{why}: the file is damaged or not an HDF5 file")


class Attrs(dict):
    """A group's attributes: strings, numbers and lists of them (as decoded by the helper)."""


class Dataset:
    def __init__(self, path, name, info):
        self._path, self.name = path, name
        self.shape = tuple(int(d) for d in info["shape"])
        self.dtype = np.dtype(info["dtype"])
        self.attrs = Attrs(info.get("attrs") or {})

    @property
    def nbytes(self):
        return math.prod(self.shape) * self.dtype.itemsize

    def read(self, max_bytes=MAX_DATASET_BYTES):
        request = {"op": "read", "name": self.name, "max_bytes": int(max_bytes)}
        answer = _ask(self._path, request, OPEN_TIMEOUT + min(self.nbytes, max_bytes) / READ_RATE)
        value = np.frombuffer(answer["data"], dtype=np.dtype(answer["dtype"]))
        return value.reshape(answer["shape"])

    def __getitem__(self, key):
        if key != ():
            raise TypeError("only ds[()] is read")
        return self.read()


class Group:
    def __init__(self, path, name, tree):
        self._path, self.name, self._tree = path, name, tree
        self.attrs = Attrs(tree["attrs"])

    def _child(self, key):
        if key in self._tree["groups"]:
            return Group(self._path, f"{self.name.rstrip('/')}/{key}", self._tree["groups"][key])
        if key in self._tree["datasets"]:
            return Dataset(self._path, f"{self.name.rstrip('/')}/{key}", self._tree["datasets"][key])
        raise KeyError(key)

    def __getitem__(self, key):
        node = self
        for part in str(key).strip("/").split("/"):
            if not isinstance(node, Group):
                raise KeyError(key)
            node = node._child(part)
        return node

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key):
        return self.get(key) is not None

    def __iter__(self):
        return iter([*self._tree["groups"], *self._tree["datasets"]])

    def __len__(self):
        return len(self._tree["groups"]) + len(self._tree["datasets"])

    def keys(self):
        return list(self)


@contextlib.contextmanager
def open_h5(path, label=None):
    """The tree of the HDF5 file at ``path``, read by the helper; data is fetched on demand while
    the block runs. Errors name ``label`` (default: ``path``)."""
    path = os.fspath(path)
    label = path if label is None else os.fspath(label)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no such model file: {path}")
    with _lock:
        tree = _ask(label, {"op": "open", "path": os.path.abspath(path), "max_objects": MAX_OBJECTS,
                            "max_attribute_bytes": MAX_ATTRIBUTE_BYTES})["tree"]
        try:
            yield Group(label, "/", tree)
        finally:
            if _helper[0] is not None:
                with contextlib.suppress(ModelFileError):
                    _ask(label, {"op": "close"})
