"""Where logdirs live: a local path (plain ``os`` calls, the fast path) or an fsspec URL
(``s3://``, ``gs://``, ``memory://``, ...), behind the few operations the board's loader and the
event-file writer need. fsspec and its back ends are imported only when a URL is used, so local
logdirs need neither; ``file://`` URLs are plain local paths.

Reading a remote file is a range request from the offset reached (``RemoteFile``), so a reload
fetches what was appended, not the whole object. Finding runs lists the whole tree under a root
once (``list_tree``: one paginated listing on S3, not one per run directory); the loaders take
their files' sizes from that listing. Object stores cannot append: a remote event file is written
to a local temporary file and uploaded whole after each batch the writer writes
(``RemoteAppendFile``), as TensorFlow's S3 and GCS writers do.
"""

from __future__ import annotations

import os
import posixpath
import re
import tempfile
import threading

from tfevents.files import is_event_file

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_PACKAGES = {"s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
_storage_options: dict = {}
_lock = threading.Lock()
_listed: dict[str, dict[str, tuple]] = {}  # run directory URL -> {file URL: look}, not yet loaded
_sizes: dict[str, int] = {}  # file URL -> size in the newest listing of its logdir
# Counters for benchmarks and tests: requests made and body bytes received by remote reads.
stats = {"lists": 0, "reads": 0, "bytes_read": 0, "uploads": 0, "bytes_uploaded": 0}


class RemoteError(OSError):
    """A remote logdir cannot be used; the message says why in the user's terms."""


class TransientReadError(RemoteError):
    """A remote read failed in a way worth retrying later (a dropped connection, a timeout)."""


def local_path(path: str) -> str:
    """``file:///x`` as ``/x``; anything else unchanged."""
    return path[len("file://"):] if path.startswith("file://") else path


def is_url(path) -> bool:
    """Whether ``path`` names a non-local fsspec location (``file://`` is local)."""
    match = _URL.match(path) if isinstance(path, str) else None
    return match is not None and match.group(1) != "file"


def set_storage_options(options: dict) -> None:
    """fsspec options (``endpoint_url``, ``key``, ``anon``, ...) for every URL opened afterwards;
    credentials otherwise come from the back end's usual sources (``AWS_*`` variables, ...)."""
    global _storage_options
    if not isinstance(options, dict):
        raise ValueError(f"storage options must be a JSON object, got {type(options).__name__}")
    with _lock:
        _storage_options = dict(options)


def filesystem(url: str):
    """(fsspec filesystem, path without protocol) for ``url``. Raises RemoteError when the
    protocol's package is missing or unknown."""
    protocol = _URL.match(url).group(1)
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise RemoteError(f"{url}: remote logdirs need fsspec and {_PACKAGES.get(protocol, 'its back end')}: "
                          "pip install 'board[remote]'") from None
    options = dict(_storage_options)
    options.setdefault("use_listings_cache", False)  # every reload must see the store as it is now
    try:
        fs, key = url_to_fs(url, **options)
    except (ImportError, ValueError) as exc:
        package = _PACKAGES.get(protocol)
        hint = f"pip install {package} (or 'board[remote]')" if package else str(exc)
        raise RemoteError(f"{url}: {protocol}:// is not available: {hint}") from None
    except TypeError as exc:
        raise RemoteError(f"{url}: bad storage options for {protocol}://: {exc}") from None
    return fs, key.rstrip("/") or key


def _under(root: str, key: str, path: str) -> str:
    """The URL of ``path`` (a back-end path under ``key``) spelled from the user's ``root``."""
    rel = posixpath.relpath(path, key)
    return root.rstrip("/") if rel == "." else f"{root.rstrip('/')}/{rel}"


def _look(info: dict) -> tuple:
    """(0, 0, size, change, 0): the shape of the loader's local looks. Objects have no inode, so
    identity is constant; a replaced object is noticed when it shrinks or, at the same size, when
its ETag (or modification time) changes."""
    change = info.get("ETag") or info.get("etag") or info.get("md5Hash") or info.get(
        "LastModified") or info.get("mtime") or info.get("created") or info.get("updated")
    return 0, 0, int(info.get("size") or 0), hash(str(change)), 0


def explain(url: str, exc: BaseException) -> RemoteError:
    """A one-line RemoteError for ``exc`` raised while using ``url``."""
    if isinstance(exc, RemoteError):
        return exc
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    if isinstance(exc, PermissionError):
        return RemoteError(f"{url}: access denied ({text}); check the credentials (AWS_ACCESS_KEY_ID/"
                           "AWS_SECRET_ACCESS_KEY or --logdir_storage_options)")
    if isinstance(exc, FileNotFoundError):
        return RemoteError(f"{url}: no such bucket or location ({text})")
    name = type(exc).__name__
    if "Connect" in name or "Endpoint" in name or isinstance(exc, (ConnectionError, TimeoutError)):
        return TransientReadError(f"{url}: cannot reach the storage endpoint ({name}: {text})")
    return TransientReadError(f"{url}: {name}: {text}")


def list_tree(root: str, max_depth: int) -> dict[str, dict[str, tuple]]:
    """{directory URL: {event file URL: look}} for every directory under the URL ``root`` that
    holds event files, at most ``max_depth`` levels below it. A root that does not exist has none;
    a missing bucket or bad credentials raise RemoteError. The listing is kept for the loaders."""
    fs, key = filesystem(root)
    try:
        stats["lists"] += 1
        found = fs.find(key, detail=True)
    except FileNotFoundError as exc:
        if _bucket_exists(fs, key):
            found = {}
        else:
            raise explain(root, exc) from None
    except Exception as exc:  # noqa: BLE001 - back ends raise anything; the user gets one line
        raise explain(root, exc) from None
    tree: dict[str, dict[str, tuple]] = {}
    for path, info in sorted(found.items()):
        if info.get("type") == "directory" or not is_event_file(path):
            continue
        parent = posixpath.dirname(path)
        rel = posixpath.relpath(parent, key) if parent != key else "."
        if rel.startswith("..") or rel.count("/") >= max_depth:
            continue
        tree.setdefault(_under(root, key, parent), {})[_under(root, key, path)] = _look(info)
    base = root.rstrip("/")
    with _lock:
        for table in (_listed, _sizes):
            for old in [u for u in table if u == base or u.startswith(base + "/")]:
                del table[old]
        _listed.update(tree)
        _sizes.update((url, look[2]) for looks in tree.values() for url, look in looks.items())
    return tree


def _bucket_exists(fs, key: str) -> bool:
    bucket = key.split("/", 1)[0]
    try:
        return bool(fs.exists(bucket)) if bucket != key else False
    except Exception:  # noqa: BLE001
        return False


def event_file_looks(run_dir: str) -> dict[str, tuple]:
    """{file URL: look} of the event files directly in the URL ``run_dir``, in name order: from
    the newest ``list_tree`` when it covered this directory, else listed now."""
    with _lock:
        looks = _listed.pop(run_dir, None)
    if looks is not None:
        return looks
    fs, key = filesystem(run_dir)
    try:
        stats["lists"] += 1
        entries = fs.ls(key, detail=True)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001
        raise explain(run_dir, exc) from None
    looks = {_under(run_dir, key, e["name"]): _look(e) for e in sorted(entries, key=lambda e: e["name"])
             if e.get("type") != "directory" and is_event_file(e["name"])}
    with _lock:
        _sizes.update((url, look[2]) for url, look in looks.items())
    return looks


def listed(path: str) -> bool:
    """Whether the newest listing of its logdir holds the URL ``path`` (no request made)."""
    with _lock:
        return path in _sizes


class LocalFile:
    """A local file as ``tfevents.record.read_chunks`` reads it."""

    def __init__(self, path: str):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        self.size = os.fstat(self._file.fileno()).st_size
        self.seek, self.read = self._file.seek, self._file.read

    def pread(self, n: int, pos: int) -> bytes:
        return os.pread(self._file.fileno(), n, pos)

    def first_hole(self, start: int, end: int) -> int:
        """Where the first hole (of a sparse file) at or after ``start`` is; ``end`` when the
        file system cannot tell."""
        seek_hole = getattr(os, "SEEK_HOLE", None)
        if seek_hole is None:
            return end
        fd = self._file.fileno()
        where = os.lseek(fd, 0, os.SEEK_CUR)
        try:
            return os.lseek(fd, start, seek_hole)
        except OSError:
            return end
        finally:
            os.lseek(fd, where, os.SEEK_SET)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()


class RemoteFile:
    """An object read by range requests from where the last read stopped."""

    def __init__(self, url: str):
        self.url = url
        self._fs, self._key = filesystem(url)
        self._pos = 0
        with _lock:
            size = _sizes.get(url)
        if size is not None:
            self.size = size  # no HEAD request: the listing that found the file said its size
        else:
            try:
                self.size = int(self._fs.size(self._key))
            except Exception as exc:  # noqa: BLE001
                raise explain(url, exc) from None

    def seek(self, pos: int) -> None:
        self._pos = pos

    def pread(self, n: int, pos: int) -> bytes:
        end = min(pos + n, self.size)
        if end <= pos:
            return b""
        try:
            data = self._fs.cat_file(self._key, start=pos, end=end)
        except Exception as exc:  # noqa: BLE001
            raise explain(self.url, exc) from None
        stats["reads"] += 1
        stats["bytes_read"] += len(data)
        return data

    def read(self, n: int) -> bytes:
        data = self.pread(n, self._pos)
        self._pos += len(data)
        return data

    def first_hole(self, start: int, end: int) -> int:
        return end  # objects have no holes

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def open_read(path: str):
    """The file at ``path`` for ``read_chunks``: ``size``, ``seek``, ``read``, ``pread``."""
    return RemoteFile(path) if is_url(path) else LocalFile(path)


class RemoteAppendFile:
    """What ``EventFileWriter`` appends to for a URL logdir: a local temporary file, uploaded as
    a whole object after every write (objects cannot be appended to, so each upload sends the
    whole file again). A failed upload raises OSError; the writer then cuts the batch back
    (``truncate``) and retries it later."""

    def __init__(self, url: str):
        self.url = url
        self._fs, self._key = filesystem(url)
        self._tmp = tempfile.NamedTemporaryFile(prefix="board-upload-")  # noqa: SIM115 - close()

    def write(self, data) -> int:
        self._tmp.seek(0, os.SEEK_END)
        self._tmp.write(data)
        self._upload()
        return len(data)

    def _upload(self) -> None:
        self._tmp.flush()
        try:  # streamed from the file (multipart when big), not read into memory
            self._fs.put_file(self._tmp.name, self._key)
        except Exception as exc:  # noqa: BLE001
            raise explain(self.url, exc) from None
        stats["uploads"] += 1
        stats["bytes_uploaded"] += self.tell()

    def tell(self) -> int:
        return self._tmp.seek(0, os.SEEK_END)

    def seek(self, pos: int) -> int:
        return self._tmp.seek(pos)

    def truncate(self, size: int) -> int:
        return self._tmp.truncate(size)

    def close(self) -> None:
        self._tmp.close()


def open_append(logdir: str, name: str):
    """(path, file) of a new event file ``name`` in ``logdir``; the file takes ``write``,
    ``tell``, ``seek``, ``truncate`` and ``close`` (unbuffered: each write is on disk, or uploaded)."""
    if is_url(logdir):
        url = logdir.rstrip("/") + "/" + name
        return url, RemoteAppendFile(url)
    logdir = local_path(logdir)
    os.makedirs(logdir, exist_ok=True)
    path = os.path.join(logdir, name)
    return path, open(path, "xb", buffering=0)  # noqa: SIM115 - the writer closes it
