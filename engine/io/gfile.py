"""``tf.io.gfile`` over local paths: TensorFlow's file API (``GFile``, ``exists``, ``glob``,
``makedirs``...), raising ``tf.errors`` as TensorFlow does (``NotFoundError`` for a missing file,
``AlreadyExistsError`` when ``copy``/``rename`` would overwrite without ``overwrite=True``)."""

from __future__ import annotations

import collections
import contextlib
import glob as _glob
import os
import shutil

from engine.errors import AlreadyExistsError, NotFoundError, OpError, PermissionDeniedError

FileStatistics = collections.namedtuple("FileStatistics", ["length", "mtime_nsec", "is_directory"])


@contextlib.contextmanager
def _as_tf_errors(path):
    """OSErrors become the ``tf.errors`` class TensorFlow raises for the same failure."""
    try:
        yield
    except FileNotFoundError:
        raise NotFoundError(None, None, f"{path}; No such file or directory") from None
    except FileExistsError:
        raise AlreadyExistsError(None, None, f"{path}; File exists") from None
    except PermissionError:
        raise PermissionDeniedError(None, None, f"{path}; Permission denied") from None
    except IsADirectoryError:
        raise OpError(None, None, f"{path}; Is a directory") from None


def _path(p) -> str:
    return os.fspath(p.decode() if isinstance(p, bytes) else p)


class GFile:
    """``with tf.io.gfile.GFile(path, "w") as f: f.write(...)``; text unless the mode has ``b``.
    The file opens on first use, as TensorFlow's does, so a missing file fails at ``read``."""

    def __init__(self, name, mode="r"):
        self.name, self.mode = _path(name), mode
        self._file = None

    def _f(self):
        if self._file is None:
            with _as_tf_errors(self.name):
                encoding = None if "b" in self.mode else "utf-8"
                self._file = open(self.name, self.mode, encoding=encoding, newline="" if encoding else None)
        return self._file

    def read(self, n=-1):
        with _as_tf_errors(self.name):
            return self._f().read(n)

    def readline(self):
        return self._f().readline()

    def readlines(self):
        return self._f().readlines()

    def write(self, data):
        f = self._f()
        if "b" not in self.mode and isinstance(data, bytes):
            data = data.decode("utf-8")
        f.write(data)

    def seek(self, offset, whence=0):
        return self._f().seek(offset, whence)

    def tell(self):
        return self._f().tell()

    def size(self):
        return stat(self.name).length

    def flush(self):
        if self._file is not None:
            self._file.flush()

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    def __iter__(self):
        return iter(self._f())

    def __next__(self):
        line = self._f().readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


Open = GFile


def exists(path) -> bool:
    return os.path.exists(_path(path))


def isdir(path) -> bool:
    return os.path.isdir(_path(path))


def listdir(path) -> list[str]:
    path = _path(path)
    if not os.path.isdir(path):
        raise NotFoundError(None, None, f"Could not find directory {path}")
    return os.listdir(path)


def glob(pattern) -> list[str]:
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    return [p for pat in patterns for p in sorted(_glob.glob(_path(pat)))]


def makedirs(path) -> None:
    with _as_tf_errors(path):
        os.makedirs(_path(path), exist_ok=True)


def mkdir(path) -> None:
    with _as_tf_errors(path):
        os.makedirs(_path(path), exist_ok=True)


def remove(path) -> None:
    with _as_tf_errors(path):
        os.remove(_path(path))


def rmtree(path) -> None:
    path = _path(path)
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"{path}; No such file or directory")
    shutil.rmtree(path)


def copy(src, dst, overwrite=False) -> None:
    src, dst = _path(src), _path(dst)
    if not overwrite and os.path.exists(dst):
        raise AlreadyExistsError(None, None, "file already exists")
    with _as_tf_errors(src):
        shutil.copyfile(src, dst)


def rename(src, dst, overwrite=False) -> None:
    src, dst = _path(src), _path(dst)
    if not overwrite and os.path.exists(dst):
        raise AlreadyExistsError(None, None, "file already exists")
    with _as_tf_errors(src):
        os.replace(src, dst)


def stat(path) -> FileStatistics:
    path = _path(path)
    with _as_tf_errors(path):
        st = os.stat(path)
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(path))


def walk(top, topdown=True, onerror=None):
    """(dirname, subdirectory names, file names) for ``top`` and every directory below it."""
    yield from os.walk(_path(top), topdown=topdown, onerror=onerror)


def join(path, *paths) -> str:
    return os.path.join(_path(path), *[_path(p) for p in paths])
