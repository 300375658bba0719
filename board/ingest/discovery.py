"""Finding runs: every directory under a logdir that holds event files is a run.

A run's name is its directory relative to the logdir (``.`` for the logdir itself); with
several logdirs (``--logdir_spec name:dir,...``) it is prefixed by the logdir's name.
"""

from __future__ import annotations

import os

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
        logdirs[name] = os.path.expanduser(path)
    return logdirs


def run_name(prefix: str, relative: str) -> str:
    """The run's name as the API shows it. A directory name that is not UTF-8 (Python keeps its
    bytes as surrogates, which no JSON can carry) shows its odd bytes as ``\\xff`` escapes."""
    relative = relative.replace(os.sep, "/")
    name = relative if not prefix else prefix if relative == "." else f"{prefix}/{relative}"
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover_runs(logdirs: dict[str, str]) -> dict[str, str]:
    """{run name: directory} for every directory holding an event file, in name order.

    ``logdirs`` maps a prefix ('' for a lone ``--logdir``) to a directory. A missing logdir
    simply has no runs yet.
    """
    runs: dict[str, str] = {}
    for prefix, root in logdirs.items():
        seen: set[tuple[int, int]] = set()  # symlinked runs are followed, loops are not
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _err: None,
                                                    followlinks=True):
            try:
                st = os.stat(dirpath)
            except OSError:
                dirnames.clear()
                continue
            if (st.st_dev, st.st_ino) in seen:
                dirnames.clear()
                continue
            seen.add((st.st_dev, st.st_ino))
            dirnames.sort()
            if any(is_event_file(f) for f in filenames):
                runs[run_name(prefix, os.path.relpath(dirpath, root))] = dirpath
    return dict(sorted(runs.items()))
