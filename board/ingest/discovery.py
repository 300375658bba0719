"""Finding runs: every directory under a logdir that holds event files is a run.

A run's name is its directory relative to the logdir (``.`` for the logdir itself); with
several logdirs (``--logdir_spec name:dir,...``) it is prefixed by the logdir's name.
"""

from __future__ import annotations

import os

from tfevents import filesystems
from tfevents.files import is_event_file


def parse_logdir_spec(spec: str) -> dict[str, str]:
    """``"name1:dir1,name2:dir2"`` as {name: dir}. An entry without a name is named by its path.

    Raises ValueError naming the bad entry (empty, or a name used twice).
    """
    logdirs: dict[str, str] = {}
    for entry in spec.split(","):
        entry = entry.strip()
        if not entry:
            raise ValueError(f"empty entry in --logdir_spec {spec!r}; expected name:dir,name:dir")
        name, sep, path = entry.partition(":")
        # "C:\\x" (a Windows drive) or a URL-ish "a://b" is a path, not name:path.
        if not sep or not path or len(name) == 1 and os.name == "nt" or path.startswith("//"):
            name, path = entry, entry
        if not name or not path:
            raise ValueError(f"bad --logdir_spec entry {entry!r}; expected name:dir")
        if name in logdirs:
            raise ValueError(f"--logdir_spec names {name!r} twice")
        logdirs[name] = filesystems.local_path(os.path.expanduser(path))
    return logdirs


def run_name(prefix: str, relative: str) -> str:
    """The run's name as the API shows it. A directory name that is not UTF-8 (Python keeps its
    bytes as surrogates, which no JSON can carry) shows its odd bytes as ``\\xff`` escapes."""
    relative = relative.replace(os.sep, "/")
    name = relative if not prefix else prefix if relative == "." else f"{prefix}/{relative}"
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


MAX_DEPTH = 64               # directory levels searched below a logdir
MAX_DIRECTORIES = 100_000    # directories visited per logdir at each reload


def discover_runs(logdirs: dict[str, str], notes: list[str] | None = None) -> dict[str, str]:
    """{run name: directory} for every directory holding an event file, in name order.

    ``logdirs`` maps a prefix ('' for a lone ``--logdir``) to a directory. A missing logdir
    simply has no runs yet. The walk is iterative and bounded (``MAX_DEPTH`` levels,
    ``MAX_DIRECTORIES`` directories a logdir): what it leaves out is said in ``notes``.
    """
    runs: dict[str, str] = {}
    notes = notes if notes is not None else []
    for prefix, root in logdirs.items():
        if filesystems.is_url(root):
            runs.update(_remote_runs(prefix, root, notes))
            continue
        for dirpath in _walk(root, notes):
            runs[run_name(prefix, os.path.relpath(dirpath, root))] = dirpath
    return dict(sorted(runs.items()))


def _remote_runs(prefix: str, root: str, notes: list[str]) -> dict[str, str]:
    """The runs under a URL logdir, found by one listing of the whole tree. A bucket that is
    missing or refuses the credentials has no runs, and the note says why."""
    try:
        tree = filesystems.list_tree(root, MAX_DEPTH)
    except OSError as exc:
        notes.append(str(exc))
        return {}
    base = root.rstrip("/")
    return {run_name(prefix, "." if d == base else d[len(base) + 1:]): d for d in tree}


def _walk(root: str, notes: list[str]):
    """The directories under ``root`` that hold an event file, depth first in name order.
    Symlinked directories are followed, loops are not."""
    seen: set[tuple[int, int]] = set()
    stack = [(root, 0)]
    visited = 0
    too_deep = None
    while stack:
        dirpath, depth = stack.pop()
        try:
            st = os.stat(dirpath)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        visited += 1
        if visited > MAX_DIRECTORIES:
            notes.append(f"{_shown(root)}: more than {MAX_DIRECTORIES} directories; the rest "
                         "are not searched for runs")
            return
        subdirs = []
        has_events = False
        for entry in entries:
            try:
                if entry.is_dir():
                    subdirs.append(entry.path)
                elif is_event_file(entry.name):
                    has_events = True
            except OSError:
                continue
        if has_events:
            yield dirpath
        if subdirs and depth >= MAX_DEPTH:
            too_deep = too_deep or dirpath
            continue
        stack.extend((path, depth + 1) for path in reversed(subdirs))
    if too_deep is not None:
        notes.append(f"{_shown(root)}: directories more than {MAX_DEPTH} levels deep are not "
                     f"searched for runs (first at {_shown(too_deep)[:200]}...)")


def _shown(path: str) -> str:
    """A path as text any JSON can carry (odd bytes as ``\\xff`` escapes)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
